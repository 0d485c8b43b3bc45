//! The SENCo's review queue and the review page of one submitted entry.

use super::{errors::ProblemPage, Restricted};
use crate::api::review::{review_entry, review_queue, QueueView, ReviewAct, ReviewDetail};
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
        <p class="lead">"Entries your staff have submitted, oldest first. Each one is waiting for your feedback."</p>
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
        <p class="muted" role="status">{format!("{count} {} waiting", if count == 1 { "entry" } else { "entries" })}</p>
        <div class="table-wrap">
            <table class="table table-stack">
                <caption class="sr-only">"Submitted entries waiting for review, oldest first"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Entry"</th>
                        <th scope="col">"Practitioner"</th>
                        <th scope="col">"Module and section"</th>
                        <th scope="col">"Submitted"</th>
                    </tr>
                </thead>
                <tbody>
                    {q.items.into_iter().map(|i| view! {
                        <tr>
                            <td>
                                <a href=format!("/review/{}", i.id)>{i.question.clone()}</a>
                                <span class="muted block">
                                    {i.kind.label()}
                                    {i.resubmitted.then_some(" · Resubmitted after a revision")}
                                </span>
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
    let comment_error = field_error(error, "comment");
    // A refused reply comes back with what was typed; a sent one says so.
    let typed = query_value("comment").unwrap_or_default();
    let author = d.author.clone();
    let done = query_value("sent")
        .and_then(|s| domain::learning_log::EntryStatus::parse(&s))
        .map(move |status| view! {
            <Banner title="Reply sent" kind=BannerKind::Success>
                <p>{format!("{author} will see your reply beside their entry. Status: {}.", status.label())}</p>
            </Banner>
        });
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
                <div class="field" class:field-has-error=move || comment_error.get().is_some()>
                    <label for="comment" class="field-label">"Feedback"</label>
                    <p id="comment-hint" class="field-hint">"Your feedback is shown to the author beside their entry. A revision request needs a comment saying what to change."</p>
                    {move || comment_error.get().map(|m| view! { <p id="comment-error" class="field-error-message"><span class="sr-only">"Error: "</span>{m}</p> })}
                    <textarea id="comment" name="comment" rows="6" class="input w-full"
                        aria-describedby=move || if comment_error.get().is_some() { "comment-hint comment-error" } else { "comment-hint" }
                        aria-invalid=move || comment_error.get().is_some().then_some("true")
                    >{typed}</textarea>
                </div>
                <div class="button-row">
                    <button type="submit" name="action" value="comment" class="btn btn-secondary">"Send feedback"</button>
                    {decidable.then(|| view! {
                        <button type="submit" name="action" value="reviewed" class="btn btn-primary">"Mark reviewed"</button>
                        <button type="submit" name="action" value="needs_revision" class="btn btn-warning">"Ask for a revision"</button>
                    })}
                </div>
            </ActionForm>
            {(!decidable).then(|| view! {
                <p class="muted">{match d.status {
                    domain::learning_log::EntryStatus::Reviewed => "You have marked this entry reviewed. You can still send feedback.",
                    _ => "You have asked for a revision. The entry comes back to your queue when it is resubmitted.",
                }}</p>
            })}
        </section>
        <FeedbackThread feedback=d.feedback.clone() empty="No replies yet."/>
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
