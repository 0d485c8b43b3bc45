//! The learning log: every entry, filters and search, one entry with its history, exports.

use super::{errors::ProblemPage, Restricted};
use crate::api::learning_log::{log_entry, log_list, EntryDetail, EntrySummary, SubmitEntries};
use crate::components::*;
use crate::session::local_date;
use domain::learning_log::{EntryKind, EntryStatus};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{hooks::use_params_map, params::Params};

#[component]
pub fn LogPage() -> impl IntoView {
    view! {
        <Title text="Learning log"/>
        <Restricted>
            <Log/>
        </Restricted>
    }
}

/// What the learning log's address may hold: its filters and search.
#[derive(Params, Clone, Default, PartialEq)]
struct LogQuery {
    module: Option<String>,
    kind: Option<String>,
    status: Option<String>,
    q: Option<String>,
}

#[component]
fn Log() -> impl IntoView {
    let query = typed_query::<LogQuery>();
    let submit = ServerAction::<SubmitEntries>::new();
    let entries = Resource::new(
        {
            let query = query.clone();
            move || (query.clone(), submit.version().get())
        },
        |(q, _)| log_list(q.module, q.kind, q.status, q.q),
    );
    let module = query.module;
    let (kind, status, q) = (
        query.kind.unwrap_or_default(),
        query.status.unwrap_or_default(),
        query.q.unwrap_or_default(),
    );
    let submit_error = action_error(submit.value());
    let sent = query_value("submitted").and_then(|n| n.parse::<u64>().ok());
    view! {
        <h1 class="page-title">"Learning log"</h1>
        <p class="lead">"Everything you have written in Tandem. Entries are private until you submit them to your SENCo."</p>
        <FeedbackWaiting/>
        // Downloads are files, not pages: `rel="external"` keeps the router out of the way.
        <p class="export-links">
            <a href="/log/print">"Printable log"</a>
            <a href="/log/learning-log.pdf" rel="external" download>"Download as PDF"</a>
            <a href="/log/certificate.pdf" rel="external" download>"Completion certificate (PDF)"</a>
            <a href="/log/export.json" rel="external" download>"Download all my data (JSON)"</a>
            <a href="/log/export.csv" rel="external" download>"Download my data (CSV)"</a>
        </p>
        <form method="get" action="/log" class="filters" role="search" aria-label="Filter your learning log">
            <div class="field">
                <label for="q" class="field-label">"Search"</label>
                <input id="q" name="q" type="search" class="input" value=q maxlength=domain::learning_log::MAX_SEARCH_CHARS.to_string()/>
            </div>
            <FilterSelect name="module" label="Module" any="All modules" options=module_options() selected=module.clone().unwrap_or_default()/>
            <FilterSelect name="kind" label="Kind" any="All kinds" selected=kind
                options=EntryKind::ALL.iter().map(|k| (k.as_str().to_string(), k.label().to_string())).collect()/>
            <FilterSelect name="status" label="Status" any="Any status" selected=status
                options=EntryStatus::ALL.iter().map(|s| (s.as_str().to_string(), s.label().to_string())).collect()/>
            <button type="submit" class="btn btn-secondary">"Show entries"</button>
        </form>
        <ErrorSummary error=submit_error/>
        // What was sent: the action's answer, or the address a plain form came back to.
        {move || submit.value().get().and_then(Result::ok).or(sent).map(|n| match n {
            0 => view! {
                <Banner title="Nothing to send" kind=BannerKind::Information>
                    <p>"Every answer in this module with words in it is already with your SENCo."</p>
                </Banner>
            }.into_any(),
            n => view! {
                <Banner title="Submitted" kind=BannerKind::Success>
                    <p>{if n == 1 { "1 entry sent to your SENCo.".to_string() } else { format!("{n} entries sent to your SENCo, who will read them together.") }}</p>
                </Banner>
            }.into_any(),
        })}
        {module.clone().map(|m| view! {
            <ActionForm action=submit>
                <input type="hidden" name="module" value=m.clone()/>
                <Button kind=ButtonKind::Secondary>{format!("Submit every draft in module {}", m.trim_start_matches('m'))}</Button>
            </ActionForm>
        })}
        <Transition fallback=|| view! { <p>"Loading your entries…"</p> }>
            {move || Suspend::new(async move {
                match entries.await {
                    Ok(list) if list.is_empty() => view! {
                        <p>"No entries match. Answers you write on reflection, practice and enquiry pages appear here."</p>
                    }.into_any(),
                    Ok(list) => view! { <EntryTable list/> }.into_any(),
                    Err(e) => view! { <p class="error-text" role="alert">{e.field("q").unwrap_or_else(|| e.to_string())}</p> }.into_any(),
                }
            })}
        </Transition>
        <AccessList/>
    }
}

/// Who has read or acted on this person's submitted entries (the audit trail, theirs to see).
#[component]
fn AccessList() -> impl IntoView {
    let views = Resource::new(|| (), |_| crate::api::review::my_entry_views());
    view! {
        <section aria-labelledby="access-heading">
            <h2 id="access-heading" class="section-title">"Who has read your entries"</h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match views.await {
                        Ok(list) if list.is_empty() => view! { <p>"Nobody else has opened your entries. Your SENCo can read an entry once you submit it, and each time they do it is listed here."</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="plain-list">{list.into_iter().map(|a| {
                                let text = format!("{}: {}, {}", a.who, a.what, local_date(a.at));
                                match a.entry_id {
                                    Some(id) => view! { <li><a href=format!("/log/{id}")>{text}</a></li> }.into_any(),
                                    None => view! { <li>{text}</li> }.into_any(),
                                }
                            }).collect_view()}</ul>
                        }.into_any(),
                        Err(e) => view! { <p class="error-text">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn EntryTable(list: Vec<EntrySummary>) -> impl IntoView {
    let count = list.len();
    view! {
        <p class="muted" role="status">{format!("{count} {}", if count == 1 { "entry" } else { "entries" })}</p>
        <div class="table-wrap">
            <table class="table table-stack">
                <caption class="sr-only">"Your learning log entries, most recently changed first"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Entry"</th>
                        <th scope="col">"Module"</th>
                        <th scope="col">"Kind"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Last changed"</th>
                    </tr>
                </thead>
                <tbody>
                    {list.into_iter().map(|e| view! {
                        <tr>
                            <td>
                                <a href=format!("/log/{}", e.id)>{e.question.clone()}</a>
                                {e.new_feedback.then(|| view! { " " <strong class="tag tag-blue">"New feedback"</strong> })}
                                <span class="muted block">{e.excerpt.clone()}</span>
                            </td>
                            <td data-label="Module">{domain::learning_log::place(e.module_number, &e.section_title)}</td>
                            <td data-label="Kind">{e.kind.label()}</td>
                            <td data-label="Status"><EntryStatusTag status=e.status/></td>
                            <td data-label="Last changed">{local_date(e.updated_at)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// An entry's address may ask for a page of its earlier versions.
#[derive(Params, Clone, Default, PartialEq)]
struct HistoryQuery {
    history: Option<u32>,
}

#[component]
pub fn EntryPage() -> impl IntoView {
    let params = use_params_map();
    let history = typed_query::<HistoryQuery>().history;
    let submit = ServerAction::<SubmitEntries>::new();
    let entry = Resource::new(
        move || {
            (
                params.with(|p| p.get("id").unwrap_or_default()),
                history,
                submit.version().get(),
            )
        },
        |(id, history, _)| log_entry(id, history),
    );
    view! {
        <Restricted>
            <Transition fallback=|| view! { <p>"Loading the entry…"</p> }>
                {move || Suspend::new(async move {
                    match entry.await {
                        Ok(detail) => view! { <Entry detail submit/> }.into_any(),
                        Err(domain::error::AppError::NotFound(_)) => view! { <super::errors::NotFound/> }.into_any(),
                        Err(e) => view! { <ProblemPage message=e.to_string()/> }.into_any(),
                    }
                })}
            </Transition>
        </Restricted>
    }
}

#[component]
fn Entry(detail: EntryDetail, submit: ServerAction<SubmitEntries>) -> impl IntoView {
    let s = detail.summary.clone();
    let submit_error = action_error(submit.value());
    let has_feedback = !detail.feedback.is_empty();
    // The SENCo's words come before the answer they are about (and before "Submit" on a
    // revision request); with none yet, a line after the actions says when they will come.
    let feedback = view! {
        <FeedbackThread feedback=detail.feedback empty="No feedback yet. Your SENCo can reply once you have submitted this entry."/>
    };
    let (feedback_first, feedback_last) = if has_feedback {
        (Some(feedback), None)
    } else {
        (None, Some(feedback))
    };
    view! {
        <Title text=s.question.clone()/>
        <nav aria-label="Breadcrumb" class="breadcrumbs">
            <ol>
                <li><a href="/log">"Learning log"</a></li>
                <li aria-current="page">{s.kind.label()}</li>
            </ol>
        </nav>
        <p class="caption">{format!("{} · {}", domain::learning_log::place(s.module_number, &s.module_title), s.section_title)}</p>
        <h1 class="page-title">{s.question.clone()}</h1>
        <p class="meta"><EntryStatusTag status=s.status/><span>{format!("Last changed {}", local_date(s.updated_at))}</span></p>
        <ErrorSummary error=submit_error/>
        {feedback_first}
        <h2 class="section-title">"Your answer"</h2>
        <div class="card entry-body"><p class="pre">{detail.body.clone()}</p></div>
        <p>
            <a href=format!("{}#log-heading", s.section_href) class="btn btn-secondary">"Edit on the section page"</a>
            " "
            // A copy the person edits before anyone sees it: the entry stays private.
            <a href=format!("/community/new?kind=example&from={}", s.id) class="btn btn-secondary">"Share as a practice example"</a>
        </p>
        {s.status.can_submit().then(|| view! {
            <ActionForm action=submit>
                <input type="hidden" name="id" value=s.id.clone()/>
                <Button>"Submit to your SENCo"</Button>
            </ActionForm>
        })}
        {feedback_last}
        <section aria-labelledby="views-heading">
            <h2 id="views-heading" class="section-title">"Who has read this entry"</h2>
            {if detail.viewed_by.is_empty() {
                view! { <p>"Nobody else has opened this entry."</p> }.into_any()
            } else {
                view! { <ul class="plain-list">{detail.viewed_by.into_iter().map(|a| view! {
                    <li>{format!("{}: {}, {}", a.who, a.what, local_date(a.at))}</li>
                }).collect_view()}</ul> }.into_any()
            }}
        </section>
        <section aria-labelledby="history-heading" id="history">
            <h2 id="history-heading" class="section-title">"History"</h2>
            {(detail.revision_count > crate::api::learning_log::REVISIONS_PER_PAGE).then(|| {
                let per = crate::api::learning_log::REVISIONS_PER_PAGE;
                let (page, count) = (detail.history_page, detail.revision_count);
                let first = (page - 1) * per + 1;
                let last = (page * per).min(count);
                let href = |p: u32| format!("/log/{}?history={p}#history", detail.summary.id);
                view! {
                    <p>{format!("Versions {first} to {last} of {count}, newest first.")}</p>
                    <nav aria-label="History pages" class="pager">
                        {(page > 1).then(|| view! { <a href=href(page - 1) rel="prev">"Newer versions"</a> })}
                        {(last < count).then(|| view! { <a href=href(page + 1) rel="next">"Older versions"</a> })}
                    </nav>
                }
            })}
            <ol class="history">
                {detail.revisions.into_iter().map(|r| {
                    let label = match (r.rev, r.conflict) {
                        (_, true) => format!("Conflicting version from another device, {}", local_date(r.created_at)),
                        (Some(n), _) => format!("Version {n}, {} ({})", local_date(r.created_at), r.status.label()),
                        (None, _) => local_date(r.created_at),
                    };
                    view! { <li><details><summary>{label}</summary><p class="pre">{r.body}</p></details></li> }
                }).collect_view()}
            </ol>
        </section>
    }
}
