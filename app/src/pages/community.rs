//! The community of practice: a space's posts with filters and search, sharing a practice
//! example or asking a question, a thread with its replies, and the moderators' reports.
//! Every form is a plain HTML form first (it works before, or without, the page's code).

use super::{errors::ProblemPage, urlencode, Restricted};
use crate::api::community::*;
use crate::api::learning_log::section_answers;
use crate::components::*;
use crate::islands::community::{ComposeForm, KeepOffline, ReplyForm};
use crate::session::{local_date, new_op_id};
use domain::community::PostKind;
use domain::learning_log::group;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::{hooks::use_params_map, params::Params};

#[component]
pub fn CommunityPage() -> impl IntoView {
    view! {
        <Title text="Community"/>
        <Restricted>
            <Space/>
        </Restricted>
    }
}

/// What a community page's address may hold: the space, the filters, the page of posts.
#[derive(Params, Clone, Default, PartialEq)]
struct SpaceQuery {
    space: Option<String>,
    kind: Option<String>,
    sector: Option<String>,
    area: Option<String>,
    module: Option<String>,
    answered: Option<String>,
    q: Option<String>,
    page: Option<u32>,
    /// Set after the person deleted a post.
    deleted: Option<String>,
}

#[component]
fn Space() -> impl IntoView {
    let query = typed_query::<SpaceQuery>();
    let deleted = query.deleted.is_some();
    let data = Resource::new(
        move || query.clone(),
        |q| {
            community_space(
                q.space, q.kind, q.sector, q.area, q.module, q.answered, q.q, q.page,
            )
        },
    );
    view! {
        <h1 class="page-title">"Community"</h1>
        <p class="lead">"Practice that worked (and what did not) from colleagues in your setting and your network, and questions anyone can answer. What you share is a copy you choose to make: your learning log stays private."</p>
        {deleted.then(|| view! { <Banner title="Post deleted" kind=BannerKind::Success><p>"Your post and its earlier versions have been deleted."</p></Banner> })}
        <Transition fallback=|| view! { <p>"Loading the community…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <SpaceBody view/> }.into_any(),
                    Err(e) => view! { <p class="error-text" role="alert">{e.field("q").unwrap_or_else(|| e.to_string())}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn SpaceBody(view: SpaceView) -> impl IntoView {
    let query = typed_query::<SpaceQuery>();
    let space = view.space.clone();
    let filters: Vec<String> = [
        ("space", Some(space.clone())),
        ("kind", query.kind.clone()),
        ("sector", query.sector.clone()),
        ("area", query.area.clone()),
        ("module", query.module.clone()),
        ("answered", query.answered.clone()),
        ("q", query.q.clone()),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| format!("{k}={}", urlencode(&v))))
    .collect();
    let get = |v: &Option<String>| v.clone().unwrap_or_default();
    let in_use = [
        &query.kind,
        &query.sector,
        &query.area,
        &query.module,
        &query.answered,
    ]
    .iter()
    .filter(|v| v.as_deref().is_some_and(|v| !v.is_empty()))
    .count();
    let count = view.total;
    view! {
        <SpaceTabs spaces=view.spaces.clone() current=view.space.clone() base="/community"/>
        {view.invitations.into_iter().map(|n| view! { <Invitation network=n/> }).collect_view()}
        <ul class="action-links">
            <li><a class="btn btn-primary" href=format!("/community/new?kind=example&space={space}")>"Share a practice example"</a></li>
            <li><a class="btn btn-secondary" href=format!("/community/new?kind=question&space={space}")>"Ask a question"</a></li>
            <li><a href=format!("/community/sessions?space={space}")>"Community sessions"</a></li>
            {(view.open_reports > 0).then(|| view! {
                <li><a href="/community/reports">{format!("Reports to review ({})", view.open_reports)}</a></li>
            })}
        </ul>
        <h2 id="posts-heading" class="section-title">{format!("Shared in {}", view.space_name)}</h2>
        <form method="get" action="/community" class="filters community-filters" role="search" aria-label="Find posts">
            <input type="hidden" name="space" value=space.clone()/>
            <div class="field">
                <label for="q" class="field-label">"Search"</label>
                <input id="q" name="q" type="search" class="input" value=get(&query.q) maxlength=domain::learning_log::MAX_SEARCH_CHARS.to_string()/>
            </div>
            // Folded away until asked for (open while any is in use): most visits read the
            // newest posts, and six controls pushed them off a phone's first screen.
            <details class="details filter-more" open={in_use > 0}>
                <summary>{if in_use == 0 { "Filter by type, sector, area of need or module".to_string() } else { format!("Filters ({in_use} in use)") }}</summary>
                <div class="filters">
                <FilterSelect name="kind" label="Type" any="Examples and questions" selected=get(&query.kind)
                    options=PostKind::ALL.iter().map(|k| (k.as_str().to_string(), k.label().to_string())).collect()/>
                <FilterSelect name="sector" label="Sector" any="All sectors" selected=get(&query.sector) options=sector_options()/>
                <FilterSelect name="area" label="Area of need" any="All areas" selected=get(&query.area) options=area_options()/>
                <FilterSelect name="module" label="Module" any="All modules" selected=get(&query.module) options=module_options()/>
                <FilterSelect name="answered" label="Questions" any="Answered or not" selected=get(&query.answered)
                    options=vec![("yes".into(), "Answered".into()), ("no".into(), "Not answered yet".into())]/>
                </div>
            </details>
            <button type="submit" class="btn btn-secondary">"Show posts"</button>
        </form>
        <p class="muted" role="status">{match (view.more, count) {
            (true, _) => format!("More than {} posts", group(count as usize)),
            (false, 1) => "1 post".to_string(),
            (false, n) => format!("{} posts", group(n as usize)),
        }}</p>
        {if view.posts.is_empty() {
            view! { <p>"Nothing here yet matches. Share something that worked for you, or ask the question you have been wondering about."</p> }.into_any()
        } else {
            view! {
                <ol class="post-list" aria-labelledby="posts-heading">
                    {view.posts.into_iter().map(|p| view! { <PostCard p/> }).collect_view()}
                </ol>
            }.into_any()
        }}
        {(view.pages > 1).then(|| view! {
            <Pager page=view.page pages=view.pages open_ended=view.more href=format!("/community?{}&", filters.join("&")) anchor="posts-heading" label="Pages of posts"/>
        })}
    }
}

#[component]
fn Invitation(network: SpaceLink) -> impl IntoView {
    let action = AnswerNetwork::url();
    view! {
        <Banner title=format!("Invitation to join {}", network.name)>
            <p>"Joining lets everyone in your setting read and post in this network's space. Network posts show a person's name, role, sector and setting; nothing else about them."</p>
            <div class="button-row">
                <form method="post" action=action>
                    <input type="hidden" name="network" value=network.param.clone()/>
                    <input type="hidden" name="accept" value="true"/>
                    <Button>"Join the network"</Button>
                </form>
                <form method="post" action=action>
                    <input type="hidden" name="network" value=network.param.clone()/>
                    <input type="hidden" name="accept" value="false"/>
                    <Button kind=ButtonKind::Secondary>"Decline"</Button>
                </form>
            </div>
        </Banner>
    }
}

/// "3 found this helpful", or nothing while nobody has.
fn helpful(count: u32) -> Option<String> {
    match count {
        0 => None,
        1 => Some("1 found this helpful".into()),
        n => Some(format!("{n} found this helpful")),
    }
}

/// A "Helpful" button's words: with how many found it so, once anyone has.
fn helpful_label(count: u32) -> String {
    if count == 0 {
        "Helpful".into()
    } else {
        format!("Helpful ({count})")
    }
}

#[component]
fn PostCard(p: PostSummary) -> impl IntoView {
    let replies = match (p.kind, p.reply_count) {
        (PostKind::Question, 1) => "1 answer".to_string(),
        (PostKind::Question, n) => format!("{n} answers"),
        (_, 1) => "1 comment".to_string(),
        (_, n) => format!("{n} comments"),
    };
    view! {
        <li>
            <article class="card post-card">
                <p class="caption">
                    <strong class=if p.kind == PostKind::Question { "tag tag-blue" } else { "tag tag-green" }>{p.kind.label()}</strong>
                    {p.answered.then(|| view! { " " <strong class="tag tag-grey">"Answered"</strong> })}
                    {p.hidden.then(|| view! { " " <strong class="tag tag-orange">"Hidden"</strong> })}
                </p>
                <h3 class="post-card-title"><a href=format!("/community/p/{}", p.id)>{p.title}</a></h3>
                <p class="muted">{format!("{} · {} · {}", p.author, p.setting_name, local_date(p.created_at))}</p>
                <p>{domain::community::excerpt(&p.excerpt)}</p>
                <p class="muted">
                    {format!("{} · {}{} · {} · {}{}", p.area.label(), p.sector.label(),
                        if p.age.is_empty() { String::new() } else { format!(" ({})", p.age) },
                        p.module_key.map(|m| format!("Module {}", m.trim_start_matches('m'))).unwrap_or_else(|| "No module".into()),
                        replies, helpful(p.helpful_count).map(|h| format!(" · {h}")).unwrap_or_default())}
                </p>
            </article>
        </li>
    }
}

// ---- Sharing --------------------------------------------------------------------------

/// What the address of the form to share may hold: which kind of post, a learning-log
/// entry to start from, a post to edit, the space to share in.
#[derive(Params, Clone, Default, PartialEq)]
struct ComposeQuery {
    kind: Option<String>,
    from: Option<String>,
    edit: Option<String>,
    space: Option<String>,
}

#[component]
pub fn ComposePage() -> impl IntoView {
    let q = typed_query::<ComposeQuery>();
    let data = Resource::new(
        || (),
        move |_| {
            community_compose(
                q.kind.clone(),
                q.from.clone(),
                q.edit.clone(),
                q.space.clone(),
            )
        },
    );
    view! {
        <Restricted>
            <Suspense fallback=|| view! { <p>"Loading the form…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(data) => view! { <Compose data/> }.into_any(),
                        Err(e) => view! { <Title text="Share"/><ProblemPage message=e.to_string()/> }.into_any(),
                    }
                })}
            </Suspense>
        </Restricted>
    }
}

#[component]
fn Compose(data: ComposeData) -> impl IntoView {
    // Sent back by the server after a plain form failed: what was typed, and why.
    let kept: Vec<(String, String)> = [
        "kind", "space", "title", "area", "sector", "age", "module", "need", "tried", "outcome",
        "change", "body",
    ]
    .into_iter()
    .filter_map(|k| query_value(k).map(|v| (k.to_string(), v)))
    .collect();
    let kind = kept
        .iter()
        .find(|(k, _)| k == "kind")
        .map_or(data.draft.kind.as_str(), |(_, v)| v.as_str());
    let title = crate::islands::community::heading(
        data.editing.is_some(),
        PostKind::parse(kind).unwrap_or(PostKind::Example),
    );
    view! {
        <Title text=title/>
        <ComposeForm data kept error={plain_form_error::<PublishPost>()} id=new_op_id()/>
    }
}

// ---- A thread -------------------------------------------------------------------------

#[component]
pub fn PostPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let data = Resource::new(id, community_post);
    view! {
        <Restricted>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(post) => view! { <Title text=post.title.clone()/><Thread post/> }.into_any(),
                        Err(e) => {
                            // A 404 tells the service worker to drop the kept copy of a thread
                            // that was deleted, hidden or erased (public/sw.js).
                            crate::components::set_status(e.status());
                            view! { <Title text="Post not found"/><ProblemPage message=e.to_string()/> }.into_any()
                        }
                    }
                })}
            </Transition>
        </Restricted>
    }
}

fn byline_text(b: &Byline) -> String {
    format!("{}, {} at {}", b.name, b.role.label(), b.setting)
}

#[component]
fn ByLine(by: Byline, at: i64) -> impl IntoView {
    view! {
        <p class="muted byline">
            {format!("{} · {}", byline_text(&by), local_date(at))}
            {by.specialist.then(|| view! { " " <strong class="tag tag-blue">"Specialist setting"</strong> })}
            {(!by.expertise.is_empty()).then(|| view! { " " <span class="tag tag-grey">{format!("Expertise: {}", by.expertise)}</span> })}
        </p>
    }
}

/// A small plain form with hidden fields and one button: the same with or without the
/// page's code (the server sends the browser back to the thread).
#[component]
fn ActionButton(
    action: &'static str,
    fields: Vec<(&'static str, String)>,
    #[prop(into)] label: String,
    #[prop(optional)] kind: ButtonKind,
) -> impl IntoView {
    view! {
        <form method="post" action=action class="inline-form">
            {fields.into_iter().map(|(k, v)| view! { <input type="hidden" name=k value=v/> }).collect_view()}
            <Button kind>{label}</Button>
        </form>
    }
}

#[component]
fn Thread(post: PostView) -> impl IntoView {
    let reported = query_value("reported").is_some();
    let reply_label = format!("Your reply to \u{201c}{}\u{201d}", post.title);
    let id = post.id.clone();
    let is_question = post.kind == PostKind::Question;
    let reply_count = post.replies.len();
    let accepted = post.accepted_reply_id.clone();
    let can_accept = post.can_accept;
    let moderator = post.moderator;
    let post_id = post.id.clone();
    let reply_post = post.id.clone();
    view! {
        {reported.then(|| view! { <Banner title="Report sent" kind=BannerKind::Success><p>"Thank you. The moderators will look at it; your name is not shown to the author."</p></Banner> })}
        {post.hidden_reason.clone().map(|reason| view! {
            <Banner title="Hidden by a moderator">
                <p>{format!("Only its author and the moderators can see this post. The reason given: {reason}")}</p>
            </Banner>
        })}
        <article class="post" aria-labelledby="post-title">
            <p class="caption">
                <strong class=if is_question { "tag tag-blue" } else { "tag tag-green" }>{post.kind.label()}</strong>
                {format!(" · Shared in {}", post.space.name)}
            </p>
            <h1 id="post-title" class="page-title">{post.title.clone()}</h1>
            <ByLine by=post.by.clone() at=post.created_at/>
            {post.edited_at.map(|at| view! { <p class="muted">{format!("Edited {}", local_date(at))}</p> })}
            <ul class="tag-list" aria-label="Tags">
                <li class="tag tag-grey">{post.area.label()}</li>
                <li class="tag tag-grey">{post.sector.label()}</li>
                {(!post.age.is_empty()).then(|| view! { <li class="tag tag-grey">{post.age.clone()}</li> })}
                {post.module.clone().map(|(key, title)| view! { <li><a href=format!("/modules/{key}")>{title}</a></li> })}
            </ul>
            {if is_question {
                view! { <div class="post-body">{paragraphs(&post.body)}</div> }.into_any()
            } else {
                view! {
                    <div class="post-body">
                        <h2 class="section-title">"The need"</h2>
                        {paragraphs(&post.need)}
                        <h2 class="section-title">"What was tried"</h2>
                        {paragraphs(&post.tried)}
                        <h2 class="section-title">"What happened"</h2>
                        {paragraphs(&post.outcome)}
                        {(!post.change.is_empty()).then(|| view! {
                            <h2 class="section-title">"What I would change"</h2>
                            {paragraphs(&post.change)}
                        })}
                    </div>
                }.into_any()
            }}
            <div class="button-row" role="group" aria-label="Things to do with this post">
                {if post.helpful_mine {
                    view! { <p class="muted">{format!("You found this helpful ({} in all)", post.helpful_count)}</p> }.into_any()
                } else {
                    view! { <ActionButton action=MarkHelpful::PATH fields=vec![("post", id.clone())] label=helpful_label(post.helpful_count) kind=ButtonKind::Secondary/> }.into_any()
                }}
                <ActionButton action=FollowPost::PATH
                    fields=vec![("post", id.clone()), ("on", (!post.following).to_string())]
                    label=if post.following { "Stop following" } else { "Follow (and keep on this device)" }
                    kind=ButtonKind::Secondary/>
                {(!is_question && !post.mine && post.tried_entry.is_none()).then(|| view! {
                    <ActionButton action=TriedThis::PATH fields=vec![("post", id.clone())] label="I tried this" kind=ButtonKind::Secondary/>
                })}
                {post.mine.then(|| view! {
                    <a class="btn btn-secondary" href=format!("/community/new?edit={}", id)>"Edit"</a>
                    <ActionButton action=DeletePost::PATH fields=vec![("post", id.clone())] label="Delete" kind=ButtonKind::Warning/>
                })}
            </div>
            <KeepOffline post=id.clone() following=post.following/>
        </article>
        {post.tried_entry.clone().map(|t| view! { <Tried post=id.clone() state=t/> })}
        <section aria-labelledby="replies-heading">
            <h2 id="replies-heading" class="section-title">
                {format!("{} ({reply_count})", if is_question { "Answers" } else { "Comments" })}
            </h2>
            <ol class="reply-list">
                {post.replies.into_iter().map(|r| {
                    let helped = accepted.as_deref() == Some(r.id.as_str());
                    view! { <Reply r post=reply_post.clone() helped can_accept can_comment=is_question moderator/> }
                }).collect_view()}
            </ol>
            {if post.hidden_reason.is_some() {
                view! { <p>"This post is hidden, so it cannot take replies."</p> }.into_any()
            } else {
                view! {
                    <ReplyForm
                        post=post_id.clone()
                        id=new_op_id()
                        label=reply_label.clone()
                        is_question
                        typed=query_value("reply").unwrap_or_default()
                        error={plain_form_error::<PostReply>()}
                    />
                }.into_any()
            }}
        </section>
        <ReportForm post=id.clone() reply=None/>
        {moderator.then(|| view! { <ModeratePanel post=id.clone() reply=None hidden=post.hidden_reason.is_some()/> })}
        {(!post.revisions.is_empty()).then(|| view! {
            <details class="details">
                <summary>{format!("Earlier versions ({})", post.revisions.len())}</summary>
                <ul class="plain-list">
                    {post.revisions.into_iter().map(|(at, title)| view! { <li>{format!("{} · {title}", local_date(at))}</li> }).collect_view()}
                </ul>
            </details>
        })}
        {(!post.moderation.is_empty()).then(|| view! {
            <details class="details">
                <summary>"Moderation history"</summary>
                <ul class="plain-list">{post.moderation.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
            </details>
        })}
        <p><a href=format!("/community?space={}", post.space.param)>{format!("Back to {}", post.space.name)}</a></p>
    }
}

/// The person's own note about an example they tried, saved as they type like any answer.
#[component]
fn Tried(post: String, state: TriedState) -> impl IntoView {
    let key = domain::community::tried_key(&post);
    let answers = Resource::new(
        {
            let key = key.clone();
            move || key.clone()
        },
        section_answers,
    );
    view! {
        <section id="tried" aria-labelledby="tried-heading" class="card">
            <h2 id="tried-heading" class="card-heading">"You tried this"</h2>
            <p>
                "It is in your "<a href=format!("/log/{}", state.entry_id)>"learning log"</a>
                {state.follow_up_due.map(|due| format!(
                    ". On {} Tandem will ask what has changed since: a follow-up, like those after the course's practice activities.",
                    local_date(due)
                ))}
            </p>
            <Suspense fallback=|| ()>
                {move || {
                    let key = key.clone();
                    Suspend::new(async move {
                        answers.await.ok().map(|answers| view! {
                            <SectionAnswers section_key=key place="Tried from the community".into() answers user_id=crate::session::user_id() error=None/>
                        })
                    })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn Reply(
    r: ReplyView,
    post: String,
    helped: bool,
    can_accept: bool,
    can_comment: bool,
    moderator: bool,
) -> impl IntoView {
    let comment_id = format!("comment-{}", r.id);
    view! {
        <li id=format!("reply-{}", r.id)>
            <article class="card reply" class:reply-helped=helped>
                {helped.then(|| view! { <p><strong class="tag tag-green">"This answer helped the asker"</strong></p> })}
                {r.hidden_reason.clone().map(|reason| view! { <p class="muted">{format!("Hidden by a moderator: {reason}")}</p> })}
                <ByLine by=r.by.clone() at=r.created_at/>
                {paragraphs(&r.body)}
                <div class="button-row">
                    {if r.helpful_mine {
                        view! { <p class="muted">{format!("You found this helpful ({} in all)", r.helpful_count)}</p> }.into_any()
                    } else {
                        view! { <ActionButton action=MarkHelpful::PATH fields=vec![("post", post.clone()), ("reply", r.id.clone())] label=helpful_label(r.helpful_count) kind=ButtonKind::Secondary/> }.into_any()
                    }}
                    {(can_accept && !helped).then(|| view! {
                        <ActionButton action=AcceptAnswer::PATH fields=vec![("post", post.clone()), ("reply", r.id.clone())] label="Mark as the answer that helped" kind=ButtonKind::Secondary/>
                    })}
                </div>
                {(!r.comments.is_empty()).then(|| view! {
                    <ol class="comment-list" aria-label="Comments on this answer">
                        {r.comments.into_iter().map(|c| view! {
                            <li id=format!("reply-{}", c.id) class="comment">
                                <ByLine by=c.by.clone() at=c.created_at/>
                                {c.hidden_reason.clone().map(|reason| view! { <p class="muted">{format!("Hidden by a moderator: {reason}")}</p> })}
                                {paragraphs(&c.body)}
                            </li>
                        }).collect_view()}
                    </ol>
                })}
                {can_comment.then(|| view! {
                    <details class="details">
                        <summary>"Comment on this answer"</summary>
                        <form method="post" action=PostReply::PATH>
                            <input type="hidden" name="id" value=new_op_id()/>
                            <input type="hidden" name="post" value=post.clone()/>
                            <input type="hidden" name="parent" value=r.id.clone()/>
                            <TextArea name="body" id=comment_id.clone() label="Your comment" rows=3/>
                            <Button kind=ButtonKind::Secondary>"Post comment"</Button>
                        </form>
                    </details>
                })}
                <ReportForm post=post.clone() reply=Some(r.id.clone())/>
                {moderator.then(|| view! { <ModeratePanel post=post.clone() reply=Some(r.id.clone()) hidden=r.hidden_reason.is_some()/> })}
            </article>
        </li>
    }
}

#[component]
fn ReportForm(post: String, reply: Option<String>) -> impl IntoView {
    let field = format!("reason-{}", reply.clone().unwrap_or_else(|| "post".into()));
    let what = if reply.is_some() {
        "Report this reply"
    } else {
        "Report this post"
    };
    view! {
        <details class="details">
            <summary>{what}</summary>
            <form method="post" action=ReportPost::PATH>
                <input type="hidden" name="post" value=post/>
                {reply.map(|r| view! { <input type="hidden" name="reply" value=r/> })}
                <TextArea name="reason" id=field label="What is wrong with it?" hint="For example: it names a child, or it is unkind. The moderators see your reason; the author does not see who reported it." rows=2/>
                <Button kind=ButtonKind::Secondary>"Send report"</Button>
            </form>
        </details>
    }
}

#[component]
fn ModeratePanel(post: String, reply: Option<String>, hidden: bool) -> impl IntoView {
    let field = format!(
        "moderate-{}",
        reply.clone().unwrap_or_else(|| "post".into())
    );
    let action = if hidden { "unhide" } else { "hide" };
    view! {
        <details class="details">
            <summary>{if hidden { "Moderate: show again" } else { "Moderate: hide" }}</summary>
            <form method="post" action=Moderate::PATH>
                <input type="hidden" name="post" value=post/>
                {reply.map(|r| view! { <input type="hidden" name="reply" value=r/> })}
                <input type="hidden" name="action" value=action/>
                <TextArea name="reason" id=field label="Reason (shown to the author and kept in the moderation history)" rows=2/>
                <Button kind=ButtonKind::Warning>{if hidden { "Show it again" } else { "Hide it" }}</Button>
            </form>
        </details>
    }
}

// ---- Reports --------------------------------------------------------------------------

#[component]
pub fn ReportsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| community_reports());
    view! {
        <Title text="Reports to review"/>
        <Restricted>
            <h1 class="page-title">"Reports to review"</h1>
            <p class="lead">"Posts and replies people have reported, on what you moderate: your setting's posts, and a network's if you moderate it. Hiding keeps the text for its author, with your reason; every action is recorded."</p>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(list) if list.is_empty() => view! { <p>"There are no open reports."</p> }.into_any(),
                        Ok(list) => view! {
                            <ol class="post-list">
                                {list.into_iter().map(|r| view! {
                                    <li>
                                        <article class="card">
                                            <h2 class="card-heading"><a href=format!("/community/p/{}{}", r.post_id, r.reply_id.as_ref().map(|id| format!("#reply-{id}")).unwrap_or_default())>{r.title.clone()}</a></h2>
                                            <p class="muted">{format!("{} by {} · reported {}{}", if r.reply_id.is_some() { "A reply" } else { "The post" }, r.author, local_date(r.created_at), if r.hidden { " · hidden" } else { "" })}</p>
                                            <blockquote class="quote">{r.excerpt.clone()}</blockquote>
                                            <p>{format!("Reason given: {}", r.reason)}</p>
                                            <div class="button-row">
                                                <ModeratePanel post=r.post_id.clone() reply=r.reply_id.clone() hidden=r.hidden/>
                                                <form method="post" action=Moderate::PATH class="inline-form">
                                                    <input type="hidden" name="post" value=r.post_id.clone()/>
                                                    {r.reply_id.clone().map(|id| view! { <input type="hidden" name="reply" value=id/> })}
                                                    <input type="hidden" name="action" value="dismiss"/>
                                                    <input type="hidden" name="reason" value="No action needed"/>
                                                    <Button kind=ButtonKind::Secondary>"Dismiss: no action needed"</Button>
                                                </form>
                                            </div>
                                        </article>
                                    </li>
                                }).collect_view()}
                            </ol>
                        }.into_any(),
                        Err(e) => view! { <p class="error-text" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </Restricted>
    }
}
