//! Community sessions: the "swap and support" meetings of a setting or a network.

use super::Restricted;
use crate::api::community_sessions::*;
use crate::components::*;
use crate::session::{local_date, new_op_id, use_me};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

#[component]
pub fn SessionsPage() -> impl IntoView {
    let space = query_value("space").filter(|v| !v.is_empty());
    let data = Resource::new(move || space.clone(), community_sessions);
    view! {
        <Title text="Community sessions"/>
        <Restricted>
            <h1 class="page-title">"Community sessions"</h1>
            <p class="lead">"Regular \"swap and support\" meetings: bring an example, a question or a document to work on together. Attending counts towards your CPD time."</p>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(view) => view! { <Sessions view/> }.into_any(),
                        Err(e) => view! { <p class="error-text" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </Restricted>
    }
}

fn when(starts_at: i64, minutes: u32) -> String {
    let time = use_me().with_untracked(|m| {
        m.as_ref()
            .map(|m| m.zone.time(starts_at))
            .unwrap_or_else(|| domain::zone::Zone::default().time(starts_at))
    });
    format!("{} at {time}, {minutes} minutes", local_date(starts_at))
}

#[component]
fn Sessions(view: SessionsView) -> impl IntoView {
    let (past, upcoming): (Vec<SessionView>, Vec<SessionView>) =
        view.sessions.into_iter().partition(|s| s.started);
    let examples = view.examples.clone();
    view! {
        <SpaceTabs spaces=view.spaces current=view.space.clone() base="/community/sessions"/>
        <p><a href=format!("/community?space={}", view.space)>{format!("Posts in {}", view.space_name)}</a></p>
        {view.can_schedule.then(|| view! { <ScheduleForm space=view.space.clone()/> })}
        <h2 id="upcoming-heading" class="section-title">"Coming up"</h2>
        {if upcoming.is_empty() {
            view! { <p>"No sessions are scheduled in this space yet."</p> }.into_any()
        } else {
            view! { <ol class="post-list" aria-labelledby="upcoming-heading">{upcoming.into_iter().map(|s| view! { <Session s examples=vec![]/> }).collect_view()}</ol> }.into_any()
        }}
        <h2 id="past-heading" class="section-title">"Past sessions"</h2>
        {if past.is_empty() {
            view! { <p>"None yet."</p> }.into_any()
        } else {
            view! { <ol class="post-list" aria-labelledby="past-heading">{past.into_iter().rev().map(|s| view! { <Session s examples=examples.clone()/> }).collect_view()}</ol> }.into_any()
        }}
    }
}

#[component]
fn ScheduleForm(space: String) -> impl IntoView {
    let kept = |k: &str| query_value(k).unwrap_or_default();
    let action = ServerAction::<ScheduleSession>::new();
    let error = action_error(action.value());
    view! {
        <details class="details" open=error.get_untracked().is_some()>
            <summary>"Schedule a session"</summary>
            <ErrorSummary error/>
            <form method="post" action=ScheduleSession::PATH>
                <input type="hidden" name="id" value=new_op_id()/>
                <input type="hidden" name="space" value=space/>
                <TextField name="topic" label="Topic" value=kept("topic") error=field_error(error, "topic")/>
                <TextField name="date" label="Date" input_type="date" hint="A session already held can be recorded up to 60 days later." value=kept("date") error=field_error(error, "date") width_class="w-auto"/>
                <TextField name="time" label="Start time" input_type="time" value=kept("time") error=field_error(error, "time") width_class="w-auto"/>
                <TextField name="minutes" label="Length in minutes" input_type="number" value={let m = kept("minutes"); if m.is_empty() { "60".to_string() } else { m }} error=field_error(error, "minutes") width_class="w-auto"/>
                <TextField name="place" label="Where, or how to join" value=kept("place") error=field_error(error, "place")/>
                <Button>"Schedule"</Button>
            </form>
        </details>
    }
}

/// Who said they would come: "2 coming" before a session starts, never after it.
fn coming(started: bool, count: u32) -> Option<String> {
    match (started, count) {
        (false, n) => Some(format!("{n} coming")),
        (true, 0) => None,
        (true, 1) => Some("1 had said they would come".into()),
        (true, n) => Some(format!("{n} had said they would come")),
    }
}

#[component]
fn Session(s: SessionView, examples: Vec<(String, String)>) -> impl IntoView {
    let id = s.id.clone();
    view! {
        <li id=format!("session-{}", s.id)>
            <article class="card session">
                <h3 class="card-heading">{s.topic.clone()}</h3>
                <p>{when(s.starts_at, s.minutes)}</p>
                <p class="muted">{format!("{} · organised by {} ({}){}", s.place, s.organiser, s.setting_name, coming(s.started, s.coming_count).map(|c| format!(" · {c}")).unwrap_or_default())}</p>
                <div class="button-row">
                    {if s.attended {
                        view! { <p><strong class="tag tag-green">"You attended"</strong>{format!(" {} minutes added to your CPD time.", s.minutes)}</p> }.into_any()
                    } else if s.started {
                        view! {
                            <form method="post" action=Attend::PATH class="inline-form">
                                <input type="hidden" name="session" value=id.clone()/>
                                <Button>"I attended"</Button>
                            </form>
                        }.into_any()
                    } else {
                        view! {
                            <form method="post" action=Rsvp::PATH class="inline-form">
                                <input type="hidden" name="session" value=id.clone()/>
                                <input type="hidden" name="coming" value=(!s.coming).to_string()/>
                                <Button kind=if s.coming { ButtonKind::Secondary } else { ButtonKind::Primary }>
                                    {if s.coming { "I can no longer come" } else { "I'm coming" }}
                                </Button>
                            </form>
                            {s.coming.then(|| view! { <p class="muted">"You said you are coming."</p> })}
                        }.into_any()
                    }}
                </div>
                {(!s.notes.is_empty()).then(|| view! {
                    <h4 class="subheading">"Notes"</h4>
                    {paragraphs(&s.notes)}
                })}
                {(!s.linked.is_empty()).then(|| view! {
                    <h4 class="subheading">"Examples discussed"</h4>
                    <ul class="bullets">{s.linked.iter().map(|(id, title)| view! { <li><a href=format!("/community/p/{id}")>{title.clone()}</a></li> }).collect_view()}</ul>
                })}
                {(s.organised_by_me && s.started).then(|| view! { <NotesForm s=s.clone() examples/> })}
            </article>
        </li>
    }
}

#[component]
fn NotesForm(s: SessionView, examples: Vec<(String, String)>) -> impl IntoView {
    let linked: Vec<String> = s.linked.iter().map(|(id, _)| id.clone()).collect();
    let notes_id = format!("notes-{}", s.id);
    view! {
        <details class="details">
            <summary>{if s.notes.is_empty() { "Post the notes" } else { "Change the notes" }}</summary>
            <form method="post" action=SessionNotes::PATH>
                <input type="hidden" name="session" value=s.id.clone()/>
                <TextArea name="notes" id=notes_id label="Notes from the session" value=s.notes.clone() rows=6/>
                {(!examples.is_empty()).then(|| view! {
                    <fieldset class="field fieldset">
                        <legend class="field-label">"Examples discussed"</legend>
                        {examples.into_iter().enumerate().map(|(i, (id, title))| {
                            let box_id = format!("discussed-{}-{i}", s.id);
                            let checked = linked.contains(&id);
                            view! {
                                <div class="checkbox">
                                    <input type="checkbox" id=box_id.clone() name=format!("discussed[{i}]") value=id checked=checked/>
                                    <label for=box_id>{title}</label>
                                </div>
                            }
                        }).collect_view()}
                    </fieldset>
                })}
                <Button kind=ButtonKind::Secondary>"Save the notes"</Button>
            </form>
        </details>
    }
}
