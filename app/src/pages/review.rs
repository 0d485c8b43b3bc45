//! The SENCo's review queue and the review page of one submitted entry.

use super::{errors::ProblemPage, Restricted};
use crate::api::learning_log::Feedback;
use crate::api::review::{
    review_entry, review_queue, PieceAnswer, PieceDetail, QueueView, ReviewAct, ReviewDetail,
};
use crate::api::review_piece::{review_piece, ReviewActPiece};
use crate::components::*;
use crate::session::local_date;
use domain::model::Role;
use domain::review::Change;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{hooks::use_params_map, params::Params};

#[component]
pub fn ReviewQueuePage() -> impl IntoView {
    view! {
        <Title text="Review queue"/>
        <Restricted roles=&[Role::Senco]>
            <Queue/>
        </Restricted>
    }
}

/// What the review queue's address may hold: its filters.
#[derive(Params, Clone, Default, PartialEq)]
struct QueueQuery {
    practitioner: Option<String>,
    module: Option<String>,
    sector: Option<String>,
}

#[component]
fn Queue() -> impl IntoView {
    let filters = typed_query::<QueueQuery>();
    let queue = Resource::new(
        {
            let filters = filters.clone();
            move || filters.clone()
        },
        |f| review_queue(f.practitioner, f.module, f.sector),
    );
    view! {
        <h1 class="page-title">"Review queue"</h1>
        <p class="lead">"What your staff have submitted, oldest first. Answers one person sent from the same module wait together, to read and answer as one."</p>
        <Transition fallback=|| view! { <p>"Loading the queue…"</p> }>
            {move || {
                let filters = filters.clone();
                Suspend::new(async move {
                    match queue.await {
                        Ok(q) => view! { <QueueFilters q=q.clone() filters/> <QueueTable q/> }.into_any(),
                        Err(e) => view! { <ProblemPage message=e.to_string()/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

#[component]
fn QueueFilters(q: QueueView, filters: QueueQuery) -> impl IntoView {
    let (who, module, sector) = (
        filters.practitioner.unwrap_or_default(),
        filters.module.unwrap_or_default(),
        filters.sector.unwrap_or_default(),
    );
    view! {
        <form method="get" action="/review" class="filters" aria-label="Filter the review queue">
            <FilterSelect name="practitioner" label="Practitioner" any="Everyone" selected=who
                options=q.staff.into_iter().map(|(id, name)| (id.to_string(), name)).collect()/>
            <FilterSelect name="module" label="Module" any="All modules" options=module_options() selected=module/>
            <FilterSelect name="sector" label="Sector" any="All sectors" options=sector_options() selected=sector/>
            <button type="submit" class="btn btn-secondary">"Show entries"</button>
        </form>
    }
}

#[component]
fn QueueTable(q: QueueView) -> impl IntoView {
    let count = q.items.len();
    if count == 0 {
        return view! { <p role="status">"Nothing is waiting for review. Entries appear here when your staff submit them."</p> }.into_any();
    }
    view! {
        <p class="muted" role="status">{format!("{count} {} waiting", if count == 1 { "submission" } else { "submissions" })}</p>
        <div class="table-wrap">
            <table class="table table-stack">
                <caption class="sr-only">"Submitted entries waiting for review, oldest first"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Submission"</th>
                        <th scope="col">"Practitioner"</th>
                        <th scope="col">"Module and section"</th>
                        <th scope="col">"Submitted"</th>
                    </tr>
                </thead>
                <tbody>
                    {q.items.into_iter().map(|i| view! {
                        <tr>
                            <td>
                                {if i.answers > 1 {
                                    view! {
                                        <a href=i.href.clone()>{format!("{} answers from {}", i.answers, domain::learning_log::place(i.module_number, &i.module_title))}</a>
                                        <span class="muted block">
                                            {format!("Starting with “{}”", i.question)}
                                            {i.resubmitted.then_some(" · Some resubmitted after a revision")}
                                        </span>
                                    }.into_any()
                                } else {
                                    view! {
                                        <a href=i.href.clone()>{i.question.clone()}</a>
                                        <span class="muted block">
                                            {i.kind.label()}
                                            {i.resubmitted.then_some(" · Resubmitted after a revision")}
                                        </span>
                                    }.into_any()
                                }}
                            </td>
                            <td data-label="Practitioner">{i.author.clone()}<span class="muted block">{i.sector.label()}</span></td>
                            <td data-label="Module and section">{domain::learning_log::place(i.module_number, &i.section_title)}</td>
                            <td data-label="Submitted">{local_date(i.submitted_at)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
pub fn ReviewEntryPage() -> impl IntoView {
    let params = use_params_map();
    let act = ServerAction::<ReviewAct>::new();
    let entry = Resource::new(
        move || params.with(|p| p.get("id").unwrap_or_default()),
        review_entry,
    );
    view! {
        <Restricted roles=&[Role::Senco]>
            <Transition fallback=|| view! { <p>"Loading the entry…"</p> }>
                {move || Suspend::new(async move {
                    match entry.await {
                        Ok(detail) => view! { <Review detail act/> }.into_any(),
                        Err(domain::error::AppError::NotFound(_)) => view! { <super::errors::NotFound/> }.into_any(),
                        Err(e) => view! { <ProblemPage message=e.to_string()/> }.into_any(),
                    }
                })}
            </Transition>
        </Restricted>
    }
}

#[component]
fn Review(detail: ReviewDetail, act: ServerAction<ReviewAct>) -> impl IntoView {
    let d = detail;
    let error = action_error(act.value());
    // A refused reply comes back with what was typed; a sent one says so.
    let typed = query_value("comment").unwrap_or_default();
    let done = view! { <ReplySent author=d.author.clone() next=d.next.clone() answers=1/> };
    let decidable = d.status == domain::learning_log::EntryStatus::Submitted;
    view! {
        <Title text=format!("Review: {}", d.question)/>
        <nav aria-label="Breadcrumb" class="breadcrumbs">
            <ol>
                <li><a href="/review">"Review queue"</a></li>
                <li><a href=format!("/staff/{}", d.author_id)>{d.author.clone()}</a></li>
                <li aria-current="page">{d.kind.label()}</li>
            </ol>
        </nav>
        <p class="caption">{format!("{} · {} · {}", domain::learning_log::place(d.module_number, &d.module_title), d.section_title, d.sector.label())}</p>
        <h1 class="page-title">{d.question.clone()}</h1>
        <p class="meta">
            <EntryStatusTag status=d.status/>
            <span>{format!("{} submitted version {} on {}", d.author, d.rev, local_date(d.submitted_at))}</span>
        </p>
        <p><a href=d.section_href.clone()>"Read the section this answers"</a></p>
        {done}
        {match d.changes.clone() {
            Some(changes) => view! {
                <section aria-labelledby="changes-heading" class="card">
                    <h2 id="changes-heading" class="card-heading">"What changed since the last version you saw"</h2>
                    <p class="muted">"Added words are underlined and marked “added”; removed words are struck through and marked “removed”."</p>
                    <p class="pre compare"><Changes changes/></p>
                </section>
            }.into_any(),
            None => ().into_any(),
        }}
        <section aria-labelledby="entry-heading">
            <h2 id="entry-heading" class="section-title">{format!("{}'s answer", d.author)}</h2>
            <div class="card entry-body"><p class="pre">{d.body.clone()}</p></div>
        </section>
        <section aria-labelledby="reply-heading" class="card">
            <h2 id="reply-heading" class="card-heading">"Your reply"</h2>
            <ErrorSummary error/>
            <ActionForm action=act>
                <input type="hidden" name="id" value=d.id.clone()/>
                <input type="hidden" name="rev" value=d.rev.to_string()/>
                <input type="hidden" name="op" value=d.op.clone()/>
                <ReplyFields error typed decidable answers=1/>
            </ActionForm>
            {(!decidable).then(|| view! {
                <p class="muted">{match d.status {
                    domain::learning_log::EntryStatus::Reviewed => "You have marked this entry reviewed. You can still send feedback.",
                    _ => "You have asked for a revision. The entry comes back to your queue when it is resubmitted.",
                }}</p>
            })}
        </section>
        <FeedbackThread feedback=d.feedback.clone() empty="No replies yet."/>
        {d.next.clone().map(|href| view! { <p><a href=href class="btn btn-secondary">"Next submission"</a></p> })}
        {(d.versions.len() > 1).then(|| view! {
            <section aria-labelledby="versions-heading">
                <h2 id="versions-heading" class="section-title">"Submitted versions"</h2>
                <ol class="history">
                    {d.versions.iter().map(|v| view! {
                        <li><details>
                            <summary>{format!("Version {}, submitted {}", v.rev.unwrap_or_default(), local_date(v.created_at))}</summary>
                            <p class="pre">{v.body.clone()}</p>
                        </details></li>
                    }).collect_view()}
                </ol>
            </section>
        })}
    }
}

/// A comparison of two texts: added words are inserted (`<ins>`), removed ones deleted
/// (`<del>`); both also say so to screen readers, which often ignore the elements.
#[component]
pub fn Changes(changes: Vec<Change>) -> impl IntoView {
    changes
        .into_iter()
        .map(|c| match c {
            Change::Same(t) => view! { <span>{t}</span> }.into_any(),
            Change::Added(t) => view! { <ins><span class="sr-only">"[added: "</span>{t}<span class="sr-only">"]"</span></ins> }.into_any(),
            Change::Removed(t) => view! { <del><span class="sr-only">"[removed: "</span>{t}<span class="sr-only">"]"</span></del> }.into_any(),
        })
        .collect_view()
}

/// The reply box and its buttons, for one answer or all the answers of a piece.
#[component]
fn ReplyFields(
    error: Signal<Option<domain::error::AppError>>,
    typed: String,
    decidable: bool,
    answers: usize,
) -> impl IntoView {
    let comment_error = field_error(error, "comment");
    let (hint, send, reviewed) = if answers > 1 {
        (
            format!("One reply about all {answers} answers: the author sees it beside each of them. A revision request needs a comment saying what to change."),
            format!("Send feedback on all {answers}"),
            format!("Mark all {answers} reviewed"),
        )
    } else {
        (
            "Your feedback is shown to the author beside their entry. A revision request needs a comment saying what to change.".to_string(),
            "Send feedback".to_string(),
            "Mark reviewed".to_string(),
        )
    };
    view! {
        <div class="field" class:field-has-error=move || comment_error.get().is_some()>
            <label for="comment" class="field-label">"Feedback"</label>
            <p id="comment-hint" class="field-hint">{hint}</p>
            {move || comment_error.get().map(|m| view! { <p id="comment-error" class="field-error-message"><span class="sr-only">"Error: "</span>{m}</p> })}
            <textarea id="comment" name="comment" rows="6" class="input w-full"
                aria-describedby=move || if comment_error.get().is_some() { "comment-hint comment-error" } else { "comment-hint" }
                aria-invalid=move || comment_error.get().is_some().then_some("true")
            >{typed}</textarea>
        </div>
        <div class="button-row">
            <button type="submit" name="action" value="comment" class="btn btn-secondary">{send}</button>
            {decidable.then(|| view! {
                <button type="submit" name="action" value="reviewed" class="btn btn-primary">{reviewed}</button>
                <button type="submit" name="action" value="needs_revision" class="btn btn-warning">"Ask for a revision"</button>
            })}
        </div>
    }
}

/// After a reply: what it did, and the way on to the next submission waiting.
#[component]
fn ReplySent(author: String, next: Option<String>, answers: usize) -> impl IntoView {
    query_value("sent")
        .and_then(|s| domain::learning_log::EntryStatus::parse(&s))
        .map(move |status| {
            let beside = if answers > 1 { "beside each answer" } else { "beside their entry" };
            view! {
                <Banner title="Reply sent" kind=BannerKind::Success>
                    <p>{format!("{author} will see your reply {beside}. Status: {}.", status.label())}</p>
                    <p>{match next.clone() {
                        Some(href) => view! { <a href=href class="btn btn-primary">"Next submission"</a> }.into_any(),
                        None => view! { "Nothing else is waiting. "<a href="/review">"Back to the review queue"</a> }.into_any(),
                    }}</p>
                </Banner>
            }
        })
}

#[component]
pub fn ReviewPiecePage() -> impl IntoView {
    let params = use_params_map();
    let act = ServerAction::<ReviewActPiece>::new();
    let piece = Resource::new(
        move || {
            params.with(|p| {
                (
                    p.get("author")
                        .and_then(|a| a.parse::<i64>().ok())
                        .unwrap_or_default(),
                    p.get("module").unwrap_or_default(),
                )
            })
        },
        |(author, module)| review_piece(author, module),
    );
    view! {
        <Restricted roles=&[Role::Senco]>
            <Transition fallback=|| view! { <p>"Loading the submission…"</p> }>
                {move || Suspend::new(async move {
                    match piece.await {
                        Ok(detail) => view! { <Piece detail act/> }.into_any(),
                        Err(domain::error::AppError::NotFound(_)) => view! { <super::errors::NotFound/> }.into_any(),
                        Err(e) => view! { <ProblemPage message=e.to_string()/> }.into_any(),
                    }
                })}
            </Transition>
        </Restricted>
    }
}

#[component]
fn Piece(detail: PieceDetail, act: ServerAction<ReviewActPiece>) -> impl IntoView {
    let d = detail;
    let error = action_error(act.value());
    let typed = query_value("comment").unwrap_or_default();
    let waiting = d.waiting.len();
    let place = domain::learning_log::place(d.module_number, &d.title);
    let read: Vec<String> = d
        .waiting
        .iter()
        .map(|a| format!("{}:{}", a.id, a.rev))
        .collect();
    // One reply about a piece is kept beside each of its answers: shown here once.
    let mut replies: Vec<Feedback> = d
        .waiting
        .iter()
        .chain(&d.answered)
        .flat_map(|a| a.feedback.clone())
        .collect();
    replies.sort_by(|a, b| (a.created_at, &a.body).cmp(&(b.created_at, &b.body)));
    replies
        .dedup_by(|a, b| a.created_at == b.created_at && a.body == b.body && a.action == b.action);
    let submitted = d.waiting.iter().map(|a| a.submitted_at).min();
    view! {
        <Title text=format!("Review: {}, {}", d.author, place)/>
        <nav aria-label="Breadcrumb" class="breadcrumbs">
            <ol>
                <li><a href="/review">"Review queue"</a></li>
                <li><a href=format!("/staff/{}", d.author_id)>{d.author.clone()}</a></li>
                <li aria-current="page">{place.clone()}</li>
            </ol>
        </nav>
        <p class="caption">{format!("{} · {}", d.author, d.sector.label())}</p>
        <h1 class="page-title">{place.clone()}</h1>
        <p class="meta">{match (waiting, submitted) {
            (0, _) | (_, None) => "Nothing here is waiting for you.".to_string(),
            (n, Some(at)) => format!("{n} {} waiting, in the order the course asks them · first submitted {}", if n == 1 { "answer" } else { "answers" }, local_date(at)),
        }}</p>
        <ReplySent author=d.author.clone() next=d.next.clone() answers=waiting.max(2)/>
        {
            // The section's name once, above its first answer.
            let mut last = String::new();
            d.waiting.into_iter().enumerate().map(|(i, a)| {
                let section = format!("{} · {}", a.section_title, a.kind.label());
                let caption = (section != last).then(|| section.clone());
                last = section;
                view! { <PieceAnswerView a i caption/> }
            }).collect_view()
        }
        {(waiting > 0).then(|| view! {
            <section aria-labelledby="reply-heading" class="card">
                <h2 id="reply-heading" class="card-heading">"Your reply"</h2>
                <ErrorSummary error/>
                <ActionForm action=act>
                    <input type="hidden" name="author" value=d.author_id.to_string()/>
                    <input type="hidden" name="module" value=d.key.clone()/>
                    <input type="hidden" name="entries" value=read.join(",")/>
                    <input type="hidden" name="op" value=d.op.clone()/>
                    <ReplyFields error typed decidable=true answers=waiting/>
                </ActionForm>
            </section>
        })}
        <FeedbackThread feedback=replies empty="No replies yet."/>
        {(!d.answered.is_empty()).then(|| view! {
            <details class="details">
                <summary>{format!("Answers from here you have already replied to ({})", d.answered.len())}</summary>
                {d.answered.into_iter().map(|a| view! {
                    <section class="card">
                        <p class="caption">{a.section_title.clone()}" · "<EntryStatusTag status=a.status/></p>
                        <h3 class="card-heading"><a href=format!("/review/{}", a.id)>{a.question.clone()}</a></h3>
                        <p class="pre">{a.body.clone()}</p>
                    </section>
                }).collect_view()}
            </details>
        })}
        {d.next.map(|href| view! { <p><a href=href class="btn btn-secondary">"Next submission"</a></p> })}
    }
}

/// One answer of a piece, under its question.
#[component]
fn PieceAnswerView(a: PieceAnswer, i: usize, caption: Option<String>) -> impl IntoView {
    let (labelled, heading) = (format!("answer-{i}"), format!("answer-{i}"));
    view! {
        <section aria-labelledby=labelled class="piece-answer">
            {caption.map(|c| view! { <p class="caption">{c}</p> })}
            <h2 id=heading class="section-title">{a.question.clone()}</h2>
            {a.changes.map(|changes| view! {
                <details class="details">
                    <summary>"What changed since the version before"</summary>
                    <p class="pre compare"><Changes changes/></p>
                </details>
            })}
            <div class="card entry-body"><p class="pre">{a.body.clone()}</p></div>
        </section>
    }
}
