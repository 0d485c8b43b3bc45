//! What a learning-log entry shows wherever it appears: its status, and the feedback on it
//! (the author's log, the SENCo's review and the staff pages).

use crate::api::learning_log::Feedback;
use crate::session::local_date;
use domain::learning_log::EntryStatus;
use domain::review::ReviewAction;
use leptos::prelude::*;

#[component]
pub fn EntryStatusTag(status: EntryStatus) -> impl IntoView {
    let class = match status {
        EntryStatus::Draft => "tag tag-grey",
        EntryStatus::Submitted => "tag tag-blue",
        EntryStatus::Reviewed => "tag tag-green",
        EntryStatus::NeedsRevision => "tag tag-orange",
    };
    view! { <strong class=class>{status.label()}</strong> }
}

/// Replies on an entry, oldest first, each with what it did to the entry. `nested` leaves
/// out the heading (for a thread inside a disclosure that already names it).
#[component]
pub fn FeedbackThread(
    feedback: Vec<Feedback>,
    empty: &'static str,
    #[prop(optional)] nested: bool,
) -> impl IntoView {
    let list = if feedback.is_empty() {
        view! { <p>{empty}</p> }.into_any()
    } else {
        view! { <ol class="feedback-list">{feedback.into_iter().map(|f| {
            let heading = match f.action {
                ReviewAction::Comment => f.author.clone(),
                action => format!("{} · {}", f.author, action.label()),
            };
            view! {
                <li class="card" class:feedback-new=f.unread>
                    <p class="caption">
                        {heading}" · "{local_date(f.created_at)}
                        {f.rev.map(|r| format!(" · about version {r}"))}
                        {f.unread.then(|| view! { " " <strong class="tag tag-blue">"New"</strong> })}
                    </p>
                    {(!f.body.is_empty()).then(|| view! { <p class="pre">{f.body}</p> })}
                </li>
            }
        }).collect_view()}</ol> }.into_any()
    };
    if nested {
        return list;
    }
    view! {
        <section aria-labelledby="feedback-heading">
            <h2 id="feedback-heading" class="section-title">"Feedback"</h2>
            {list}
        </section>
    }
    .into_any()
}

/// Feedback waiting for its reader (`feedback_waiting`), first on home and on the log:
/// each entry with what waits on it. Nothing at all when nothing waits.
#[component]
pub fn FeedbackWaiting() -> impl IntoView {
    let waiting = Resource::new(|| (), |_| crate::api::learning_log::feedback_waiting());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                waiting.await.ok().filter(|list| !list.is_empty()).map(|list| {
                    let count = list.len();
                    view! {
                        <section class="card attention-card" aria-labelledby="waiting-heading">
                            <h2 id="waiting-heading" class="card-heading">
                                {if count == 1 { "Feedback for you".to_string() } else { format!("Feedback for you ({count})") }}
                            </h2>
                            <ul class="attention-list">
                                {list.into_iter().map(|e| {
                                    let what = if e.status == EntryStatus::NeedsRevision {
                                        view! { <strong class="tag tag-orange">"Revision requested"</strong> }.into_any()
                                    } else {
                                        view! { <strong class="tag tag-blue">"New feedback"</strong> }.into_any()
                                    };
                                    view! {
                                        <li class="attention-item">
                                            <p class="caption">
                                                {domain::learning_log::place(e.module_number, &e.section_title)}
                                            </p>
                                            <p>
                                                <a href=format!("/log/{}#feedback-heading", e.id)>{e.question}</a>
                                                " "{what}
                                            </p>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </section>
                    }
                })
            })}
        </Suspense>
    }
}
