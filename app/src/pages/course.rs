//! The catalogue, a module's page and a section's page.

use super::{errors::ProblemPage, Restricted};
use crate::api::course::{
    course_overview, module_view, section_view, ModuleCard, ModuleData, SectionData, ViewSegment,
};
use crate::api::learning_log::{section_answers, Answer, SaveSection};
use crate::components::*;
use crate::islands::course::{MarkComplete, OfflineSave, SavedHere};
use domain::content::SectionKind;
use domain::error::AppError;
use domain::model::Sector;
use domain::progress::{describe_minutes, Status};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

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
                                "{} modules, about {} in all. Work through them in order or start where you need to; Tandem keeps your place.",
                                o.modules.len(),
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
                <SavedHere module_key=card.key.clone()/>
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
    let sector = query_value("sector");
    // The section's text is the bulk of the page: it is taken out of the resource's value
    // and rendered once, so that nothing the page carries repeats it (the test
    // `pages_are_complete_and_a_section_carries_its_text_once` holds it to that).
    let text = StoredValue::new(Vec::<String>::new());
    let section = Resource::new(
        move || {
            let p = params.get();
            (
                p.get("module").unwrap_or_default(),
                p.get("section").unwrap_or_default(),
                sector.clone(),
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
    view! {
        // The section, its kind and place as well as its name: moving on with "Next" is
        // announced as a new page, and a module's sections can share words.
        <Title text=format!("{} ({} {} of {}, {})", view.title, view.kind.label(), view.position.0, view.position.1, module_label(view.module_number))/>
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
            {view.completed.then(|| view! { <StatusTag status=Status::Complete/> })}
            <span>{format!("About {} in all", describe_minutes(view.minutes))}</span>
            <span>{format!("{} of reading", describe_minutes(view.reading_minutes))}</span>
        </p>
        <p class="lead">{kind_hint}</p>
        {view.has_sector_passages.then(|| view! { <SectorSwitch shown=view.sector own=view.own_sector base=section_href.clone()/> })}
        <ReadAloud target="section-text".to_string()/>
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
            view! { <SectionAnswers section_key=view.key.clone() place answers user_id=crate::session::user_id() error={plain_form_error::<SaveSection>()}/> }
        })}

        <MarkComplete section_key=view.key.clone() title=view.title.clone() completed=view.completed op_id=crate::session::new_op_id()/>

        <nav aria-label="Sections" class="pager">
            {view.previous.map(|p| view! { <a href=p.href class="pager-previous" rel="prev"><span class="pager-label">"Previous"</span>{p.title}</a> })}
            {view.next.map(|n| view! { <a href=n.href class="pager-next" rel="next"><span class="pager-label">"Next"</span>{n.title}</a> })}
        </nav>
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
