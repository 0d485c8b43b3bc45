//! The catalogue, a module's page and a section's page.

use super::{errors::ProblemPage, Restricted};
use crate::api::course::{
    course_overview, module_view, section_view, ModuleCard, ModuleData, SectionData, ViewSegment,
};
use crate::api::learning_log::{section_answers, Answer, SaveSection};
use crate::components::*;
use domain::content::SectionKind;
use domain::error::AppError;
use domain::model::Sector;
use domain::progress::{describe_minutes, Status};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// A status tag ("In progress") that does not rely on colour alone.
#[component]
pub fn StatusTag(status: Status) -> impl IntoView {
    let class = match status {
        Status::NotStarted => "tag tag-grey",
        Status::InProgress => "tag tag-blue",
        Status::Complete => "tag tag-green",
    };
    view! { <strong class=class>{status.label()}</strong> }
}

fn module_label(number: u32) -> String {
    format!("Module {number}")
}

/// The error of a failed load, shown in words (never internals).
fn load_error(e: AppError) -> AnyView {
    match e {
        AppError::NotFound(_) => view! { <super::errors::NotFound/> }.into_any(),
        other => view! { <ProblemPage message=other.to_string()/> }.into_any(),
    }
}

#[component]
pub fn CataloguePage() -> impl IntoView {
    view! {
        <Title text="Modules"/>
        <Restricted>
            <Catalogue/>
        </Restricted>
    }
}

#[component]
fn Catalogue() -> impl IntoView {
    let overview = Resource::new(|| (), |_| course_overview());
    view! {
        <h1 class="page-title">"Modules"</h1>
        <Suspense fallback=|| view! { <p>"Loading the modules…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(o) => view! {
                        <p class="lead">
                            {format!(
                                "Six modules, about {} in all. Work through them in order or start where you need to; Tandem keeps your place.",
                                describe_minutes(o.total_minutes),
                            )}
                        </p>
                        <ProgressBar
                            label="Your progress through the course"
                            value=o.overall.complete
                            max=o.overall.total
                            explanation=o.overall.explain()
                        />
                        <ol class="module-list">
                            {o.modules.into_iter().map(|card| view! { <li><ModuleSummary card/></li> }).collect_view()}
                        </ol>
                    }
                    .into_any(),
                    Err(e) => load_error(e),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ModuleSummary(card: ModuleCard) -> impl IntoView {
    // Known only on this device, so filled in after hydration.
    let saved = RwSignal::new(false);
    {
        let key = card.key.clone();
        Effect::new(move |_| saved.set(crate::offline::saved_modules().contains(&key)));
        let key = card.key.clone();
        crate::offline::on_event("tandem:saved-modules", move |keys: Vec<String>| {
            saved.set(keys.contains(&key))
        });
    }
    let heading_id = format!("{}-title", card.key);
    let labelled_by = heading_id.clone();
    view! {
        <article class="card module-card" aria-labelledby=labelled_by>
            <p class="caption">{module_label(card.number)}</p>
            <h2 id=heading_id class="card-heading">
                <a href=card.href()>{card.title.clone()}</a>
            </h2>
            <p>{card.summary.clone()}</p>
            <p class="meta">
                <StatusTag status=card.status/>
                <span>{format!("About {}", describe_minutes(card.minutes))}</span>
                {move || saved.get().then(|| view! { <strong class="tag tag-blue">"Saved on this device"</strong> })}
            </p>
            <ProgressBar
                label=format!("Progress in module {}", card.number)
                value=card.tally.complete
                max=card.tally.total
                explanation=card.tally.explain()
            />
        </article>
    }
}

#[component]
pub fn ModulePage() -> impl IntoView {
    let params = use_params_map();
    let module = Resource::new(
        move || params.with(|p| p.get("module").unwrap_or_default()),
        module_view,
    );
    view! {
        <Restricted>
            <Suspense fallback=|| view! { <p>"Loading the module…"</p> }>
                {move || Suspend::new(async move {
                    match module.await {
                        Ok(view) => view! { <ModuleDetail view/> }.into_any(),
                        Err(e) => load_error(e),
                    }
                })}
            </Suspense>
        </Restricted>
    }
}

#[component]
fn ModuleDetail(view: ModuleData) -> impl IntoView {
    let card = view.card;
    let next = view
        .sections
        .iter()
        .find(|s| s.status != Status::Complete)
        .map(|s| (s.href.clone(), s.status));
    view! {
        <Title text=card.title.clone()/>
        <nav aria-label="Breadcrumb" class="breadcrumbs">
            <ol>
                <li><a href="/modules">"Modules"</a></li>
                <li aria-current="page">{module_label(card.number)}</li>
            </ol>
        </nav>
        <p class="caption">{module_label(card.number)}</p>
        <h1 class="page-title">{card.title.clone()}</h1>
        <p class="lead">{card.summary.clone()}</p>
        <ProgressBar
            label="Your progress in this module"
            value=card.tally.complete
            max=card.tally.total
            explanation=card.tally.explain()
        />
        {next.map(|(href, status)| {
            let label = if status == Status::NotStarted && card.status == Status::NotStarted { "Start this module" } else { "Continue this module" };
            view! { <p><a href=href class="btn btn-primary">{label}</a></p> }
        })}
        <OfflineSave module_key=card.key.clone() urls={
            let mut urls = vec![card.href()];
            urls.extend(view.sections.iter().map(|s| s.href.clone()));
            urls
        }/>
        <section aria-labelledby="outcomes-heading">
            <h2 id="outcomes-heading" class="section-title">"By the end of this module you will be able to"</h2>
            <ul class="bullets">{view.outcomes.into_iter().map(|o| view! { <li>{o}</li> }).collect_view()}</ul>
        </section>
        <section aria-labelledby="sections-heading">
            <h2 id="sections-heading" class="section-title">"Sections"</h2>
            <ol class="section-list">
                {view
                    .sections
                    .into_iter()
                    .map(|s| {
                        view! {
                            <li class="section-row">
                                <a href=s.href>{s.title}</a>
                                <span class="muted">{format!("{} · about {}", s.kind.label(), describe_minutes(s.minutes))}</span>
                                <StatusTag status=s.status/>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </section>
        <section aria-labelledby="reading-heading">
            <h2 id="reading-heading" class="section-title">"Further reading"</h2>
            <ul class="reading-list">
                {view
                    .reading
                    .into_iter()
                    .map(|r| {
                        view! {
                            <li>
                                <cite>{r.title}</cite>
                                {format!(" ({}, {})", r.publisher, r.year)}
                                {r.note.map(|n| view! { <span class="muted block">{n}</span> })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

#[component]
pub fn SectionPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    // The section's text is the bulk of the page. Rendered on the server, it is taken out
    // of the data the page carries for hydration, which would repeat it: hydration keeps
    // the server's text in place (an `inner_html` is not set again when hydrating). A
    // section opened in the browser (a link followed after hydration) gets it in full.
    let text = StoredValue::new(Vec::<String>::new());
    let section = Resource::new(
        move || {
            let p = params.get();
            (
                p.get("module").unwrap_or_default(),
                p.get("section").unwrap_or_default(),
                query.with(|q| q.get("sector")),
            )
        },
        // The answers load with the section: one resource for the page.
        move |(module, section, sector)| async move {
            let key = format!("{module}.{section}");
            #[allow(unused_mut)]
            let mut view = section_view(module, section, sector).await?;
            #[cfg(feature = "ssr")]
            text.set_value(view.take_text());
            let answers = if view.kind == SectionKind::Knowledge {
                vec![]
            } else {
                section_answers(key).await?
            };
            Ok::<_, AppError>((view, answers))
        },
    );
    view! {
        <Restricted>
            <Suspense fallback=|| view! { <p>"Loading the section…"</p> }>
                {move || Suspend::new(async move {
                    match section.await {
                        Ok((view, answers)) => view! { <SectionDetail view answers text=text.get_value()/> }.into_any(),
                        Err(e) => load_error(e),
                    }
                })}
            </Suspense>
        </Restricted>
    }
}

#[component]
fn SectionDetail(
    view: SectionData,
    answers: Vec<Answer>,
    /// The segments' text when taken out of `view` (on the server), else empty.
    text: Vec<String>,
) -> impl IntoView {
    // Marked complete on this page: through the outbox (sent now, or once back online), or
    // straight to the server when there is none.
    let queued = RwSignal::new(false);
    let completed = Signal::derive({
        let already = view.completed;
        move || already || queued.get()
    });
    let queue_completion = {
        let key = view.key.clone();
        let label = format!("Marking “{}” as complete", view.title);
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            crate::offline::record_progress(&key, "completed", None, label.clone());
            queued.set(true);
        }
    };
    let module_href = format!("/modules/{}", view.module_key);
    let section_href = domain::content::section_href(
        &view.module_key,
        view.key.split('.').nth(1).unwrap_or_default(),
    );
    let kind_hint = match view.kind {
        SectionKind::Knowledge => "Read, pausing at the questions to think about the learners you work with.",
        SectionKind::Practice => "Plan the activity here, carry it out during your normal work, then come back to record what happened.",
        SectionKind::Reflection => "Take your time over these questions. Your answers go in your learning log, which stays private until you choose to share an entry.",
        SectionKind::Enquiry => "This part of your enquiry is recorded in your learning log, step by step.",
    };
    let op_id = crate::session::new_op_id();
    view! {
        <Title text=view.title.clone()/>
        <ActivityTracker section_key=view.key.clone() title=view.title.clone()/>
        <nav aria-label="Breadcrumb" class="breadcrumbs">
            <ol>
                <li><a href="/modules">"Modules"</a></li>
                <li><a href=module_href.clone()>{module_label(view.module_number)}</a></li>
                <li aria-current="page">{format!("{} of {}", view.position.0, view.position.1)}</li>
            </ol>
        </nav>
        <p class="caption">{format!("{}: {} · {}", module_label(view.module_number), view.module_title, view.kind.label())}</p>
        <h1 class="page-title">{view.title.clone()}</h1>
        <p class="meta">
            {completed.get_untracked().then(|| view! { <StatusTag status=Status::Complete/> })}
            <span>{format!("About {} in all", describe_minutes(view.minutes))}</span>
            <span>{format!("{} of reading", describe_minutes(view.reading_minutes))}</span>
        </p>
        <p class="lead">{kind_hint}</p>
        {view.has_sector_passages.then(|| view! { <SectorSwitch shown=view.sector own=view.own_sector base=section_href.clone()/> })}
        <ReadAloud target="section-text"/>
        <article id="section-text" class="prose">
            {view
                .segments
                .into_iter()
                .zip(text.into_iter().chain(std::iter::repeat(String::new())))
                .map(|(segment, taken)| match segment {
                    ViewSegment::Shared(html) => view! { <div inner_html=html + &taken></div> }.into_any(),
                    ViewSegment::Sector(sector, html) => view! {
                        <aside class="sector-example" aria-label=format!("Example from {}", sector.label())>
                            <p class="sector-example-label">{format!("{} example", sector.label())}</p>
                            <div inner_html=html + &taken></div>
                        </aside>
                    }
                    .into_any(),
                })
                .collect_view()}
            {(!view.prompts.is_empty()).then(|| view! {
                <h2>"Questions to reflect on"</h2>
                <ol class="prompts">{view.prompts.iter().map(|p| view! { <li>{p.clone()}</li> }).collect_view()}</ol>
            })}
            {(!view.steps.is_empty()).then(|| view! {
                <h2>"What you will record"</h2>
                <ul class="bullets">{view.steps.iter().map(|s| view! { <li>{s.label()}</li> }).collect_view()}</ul>
            })}
        </article>

        {(!answers.is_empty()).then(|| {
            let place = format!("{}, {}", module_label(view.module_number), view.title);
            view! { <SectionAnswers section_key=view.key.clone() place answers/> }
        })}

        <section aria-labelledby="complete-heading" class="card complete-card">
            <h2 id="complete-heading" class="card-heading">"Finished this section?"</h2>
            <Show
                when=move || completed.get()
                fallback=move || {
                    let key = view.key.clone();
                    let op_id = op_id.clone();
                    view! {
                        // A plain form before the page's code has loaded; after, the
                        // completion goes through the outbox.
                        <form method="post" action="/api/progress/record" on:submit=queue_completion.clone()>
                            <input type="hidden" name="op_id" value=op_id/>
                            <input type="hidden" name="section_key" value=key/>
                            <input type="hidden" name="kind" value="completed"/>
                            <Button>"Mark as complete"</Button>
                        </form>
                    }
                }
            >
                <p role="status" class="complete-note">
                    "You have completed this section."
                    {move || (queued.get() && !crate::offline::current_status().online).then_some(" It will be recorded when you are back online.")}
                </p>
            </Show>
        </section>

        <nav aria-label="Sections" class="pager">
            {view.previous.map(|p| view! { <a href=p.href class="pager-previous" rel="prev"><span class="pager-label">"Previous"</span>{p.title}</a> })}
            {view.next.map(|n| view! { <a href=n.href class="pager-next" rel="next"><span class="pager-label">"Next"</span>{n.title}</a> })}
        </nav>
    }
}

/// The learning-log questions of a section, each with an autosaving answer box.
#[component]
pub(crate) fn SectionAnswers(
    section_key: String,
    place: String,
    answers: Vec<Answer>,
) -> impl IntoView {
    let user_id = crate::session::use_me().get_untracked().map_or(0, |m| m.id);
    let save_now = Trigger::new();
    provide_context(SaveAllNow(save_now));
    // Only the plain form (no JavaScript) comes back with an error: in the page's address.
    let error = action_error(ServerAction::<SaveSection>::new().value());
    view! {
        <section aria-labelledby="log-heading" class="card answers" id="follow-up">
            <h2 id="log-heading" class="card-heading">"Your learning log"</h2>
            <p class="muted">
                "Your answers save as you type and stay private until you submit them to your SENCo from your "
                <a href="/log">"learning log"</a>"."
            </p>
            <p class="muted">
                "Write about children, young people, families and colleagues by initials or a short description (\"a Year 4 learner with a hearing impairment\"), never by full name, so that an entry stays safe to submit or export. A learning log is not the place to report a worry about a child's safety: tell your setting's safeguarding lead straight away."
            </p>
            // A plain form, so answers can be written and saved before (or without) the
            // page's code; once it runs, they save as the person types and the button
            // sends at once whatever is still waiting.
            <form method="post" action="/api/log/save_section" on:submit=move |ev| { ev.prevent_default(); save_now.notify(); }>
                <ErrorSummary error/>
                <input type="hidden" name="section_key" value=section_key.clone()/>
                {answers.into_iter().enumerate().map(|(index, answer)| view! { <AnswerBox answer section_key=section_key.clone() place=place.clone() user_id index/> }).collect_view()}
                <Button kind=ButtonKind::Secondary>"Save answers"</Button>
            </form>
        </section>
    }
}

/// Links to another sector's examples. Plain links, so they work before the wasm loads.
#[component]
fn SectorSwitch(shown: Sector, own: Sector, base: String) -> impl IntoView {
    view! {
        <div class="sector-switch">
            <p>
                {format!("Showing examples from {}", shown.label())}
                {(shown != own).then_some(" (not your own sector)")}
                "."
            </p>
            <p>
                "See examples from: "
                {Sector::ALL
                    .into_iter()
                    .filter(|s| *s != shown)
                    .map(|s| {
                        let href = if s == own { base.clone() } else { format!("{base}?sector={}", s.as_str()) };
                        view! { <a href=href class="sector-link">{s.label()}</a> }
                    })
                    .collect_view()}
            </p>
        </div>
    }
}

/// "Save for offline use": fetches the module's pages into this device's cache so they
/// open without a connection, with progress as it goes. "Remove from this device" undoes it.
#[component]
fn OfflineSave(module_key: String, urls: Vec<String>) -> impl IntoView {
    #[derive(Clone, PartialEq)]
    enum State {
        Unknown,
        NotSaved,
        Saving(u32, u32),
        Saved,
        Failed(String),
    }
    let state = RwSignal::new(State::Unknown);
    {
        let key = module_key.clone();
        Effect::new(move |_| {
            let key = key.clone();
            leptos::task::spawn_local(async move {
                crate::offline::ready().await;
                if crate::offline::available() {
                    let saved = crate::offline::saved_modules().contains(&key);
                    state.set(if saved { State::Saved } else { State::NotSaved });
                }
            });
        });
    }
    let total = urls.len() as u32;
    let save = {
        let (key, urls) = (module_key.clone(), urls.clone());
        move |_| {
            let (key, urls) = (key.clone(), urls.clone());
            state.set(State::Saving(0, total));
            leptos::task::spawn_local(async move {
                let progress = move |done, total| state.set(State::Saving(done, total));
                match crate::offline::save_module(key, urls, progress).await {
                    Ok(_) => state.set(State::Saved),
                    Err(message) => state.set(State::Failed(message)),
                }
            });
        }
    };
    let remove = {
        let key = module_key.clone();
        move |_| {
            let key = key.clone();
            leptos::task::spawn_local(async move {
                let _ = crate::offline::remove_module(key).await;
                state.set(State::NotSaved);
            });
        }
    };
    view! {
        <section aria-labelledby="offline-heading" class="card offline-card">
            <h2 id="offline-heading" class="card-heading">"Use this module offline"</h2>
            <p role="status" class="offline-state">
                {move || match state.get() {
                    State::Unknown => "Saving for offline use is available once the page has finished loading.".to_string(),
                    State::NotSaved => format!("Save this module's {total} pages on this device, so they open without a connection. What you write offline is sent when you reconnect."),
                    State::Saving(done, of) => format!("Saving page {done} of {of}…"),
                    State::Saved => "Saved on this device: this module opens without a connection.".to_string(),
                    State::Failed(message) => format!("Not saved: {message} Check your connection and try again."),
                }}
            </p>
            {move || match state.get() {
                State::Saved => view! {
                    <button type="button" class="btn btn-secondary" on:click=remove.clone()>"Remove from this device"</button>
                }.into_any(),
                State::NotSaved | State::Failed(_) => view! {
                    <button type="button" class="btn btn-primary" on:click=save.clone()>"Save for offline use"</button>
                }.into_any(),
                State::Saving(..) | State::Unknown => ().into_any(),
            }}
        </section>
    }
}
