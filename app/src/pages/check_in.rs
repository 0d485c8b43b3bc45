//! The rhythm of a CPD plan: its check-ins as the plan lists them, `/plan/check-in/:n` (one
//! check-in, answered like any learning-log question: saved as typed, kept offline),
//! `/plan/end-review` (the self-review again, beside the first, with the evidence under each
//! goal) and `/plan/summary` (all of it on one printable page).

use crate::api::check_in::{
    agreed_label, check_in, end_review, state_label, EndReviewView, SaveEndReview, SetPlanStart,
};
use crate::api::learning_log::section_answers;
use crate::api::plan::PlanView;
use crate::components::*;
use domain::check_in::State;
use domain::self_review::{rating_label, Area, SelfReview};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// A plan's check-ins, for its author (with a way in to each) or the SENCo (done or not).
#[component]
pub fn CheckIns(v: PlanView) -> impl IntoView {
    let mine = v.mine;
    view! {
        <section id="check-ins" aria-labelledby="check-ins-heading">
            <h2 id="check-ins-heading" class="section-title">"Check-ins over two terms"</h2>
            <p>{if mine {
                "Each half-term, a few minutes on what you tried, what changed for the learner and what you will do next. Your answers go in your learning log, private until you choose to submit them."
            } else {
                "Whether she has done each check-in. Her answers stay in her learning log unless she submits them to you."
            }}</p>
            <ol class="check-ins">
                {v.check_ins.iter().map(|c| {
                    let label = state_label(c.state, &c.due, &c.dates);
                    let link = (mine && c.state != State::Later).then(|| {
                        let text = if c.state == State::Done {
                            format!("Read or add to check-in {}", c.number)
                        } else {
                            format!("Answer check-in {}", c.number)
                        };
                        view! { <a class="btn btn-secondary" href=format!("/plan/check-in/{}", c.number)>{text}</a> }
                    });
                    view! {
                        <li class="check-in" id=format!("check-in-{}", c.number)>
                            <p class="check-in-head"><strong>{format!("Check-in {}: {}", c.number, c.name)}</strong></p>
                            <p class=format!("check-in-state state-{:?}", c.state).to_lowercase()>{label}</p>
                            {link}
                        </li>
                    }
                }).collect_view()}
            </ol>
            {mine.then(|| view! {
                {if v.end_review_open {
                    view! { <p><a href="/plan/end-review">"Write your end review"</a>": your self-review again, beside the first, with the evidence for each goal."</p> }.into_any()
                } else {
                    view! { <p class="muted">"When the last check-in opens, an end review asks your self-review questions again and shows your answers beside the first ones."</p> }.into_any()
                }}
                <p><a href="/plan/summary">"Your plan on one page"</a>", to print or save as a PDF for an appraisal or a new school."</p>
                <StartedOn started=v.started_on.clone()/>
            })}
        </section>
    }
}

/// The day the plan started, which its author can move back (a plan she began before
/// writing it here): the check-ins follow.
#[component]
fn StartedOn(started: String) -> impl IntoView {
    let action = ServerAction::<SetPlanStart>::new();
    let error = action_error(action.value());
    let typed = query_value("started");
    let open = typed.is_some();
    view! {
        <details class="details" open=open>
            <summary>"Started this plan before you wrote it here?"</summary>
            <ErrorSummary error/>
            <ActionForm action>
                <TextField
                    name="started"
                    label="The day your plan started"
                    hint="Your check-ins follow the half-terms from this day. Up to a year ago."
                    input_type="date"
                    value=typed.unwrap_or(started)
                    error=field_error(error, "started")
                    width_class="w-auto"
                />
                <Button kind=ButtonKind::Secondary busy=action.pending()>"Save the start day"</Button>
            </ActionForm>
        </details>
    }
}

/// `/plan/check-in/:n`: one check-in's three questions, saved as typed like every answer.
#[component]
pub fn CheckInPage() -> impl IntoView {
    let params = use_params_map();
    let number =
        move || params.with(|p| p.get("n").and_then(|n| n.parse::<u8>().ok()).unwrap_or(0));
    let view_ = Resource::new(number, check_in);
    let answers = Resource::new(move || domain::check_in::key(number()), section_answers);
    view! {
        <Title text="Your plan's check-in"/>
        <super::Restricted>
            <Suspense fallback=|| view! { <p>"Loading the check-in…"</p> }>
                {move || Suspend::new(async move {
                    match (view_.await, answers.await) {
                        (Ok(v), Ok(answers)) => {
                            let c = v.line;
                            let place = format!("Check-in {} of your CPD plan", c.number);
                            view! {
                                <nav aria-label="Breadcrumb" class="breadcrumbs"><a href="/plan">"Your CPD plan"</a></nav>
                                <h1 class="page-title">{format!("Check-in {} of {}: {}", c.number, v.of, c.name)}</h1>
                                <p class="lead">{state_label(c.state, &c.due, &c.dates)}</p>
                                <p>"Look back at your goals and the learners they are for. A few honest sentences are enough; you can come back and add to them."</p>
                                <SectionAnswers
                                    section_key=domain::check_in::key(c.number)
                                    place
                                    answers
                                    user_id=crate::session::user_id()
                                    error=None
                                />
                                <p><a href="/plan#check-ins">"Back to your plan"</a></p>
                            }.into_any()
                        }
                        (Err(e), _) | (_, Err(e)) => view! { <super::errors::ProblemPage message=e.to_string()/> }.into_any(),
                    }
                })}
            </Suspense>
        </super::Restricted>
    }
}

/// The two self-reviews side by side, area by area.
#[component]
fn SideBySide(start: Option<SelfReview>, end: Option<SelfReview>) -> impl IntoView {
    let cell = |r: &Option<SelfReview>, area: Area| {
        let answer = r
            .as_ref()
            .and_then(|r| r.answers.iter().find(|a| a.area == area).cloned());
        match answer {
            Some(a) => view! {
                <td>
                    <strong>{rating_label(a.rating)}</strong>
                    {(!a.words.trim().is_empty()).then(|| view! { <p class="muted">{a.words.clone()}</p> })}
                </td>
            }.into_any(),
            None => view! { <td>"Not answered"</td> }.into_any(),
        }
    };
    view! {
        <div class="table-wrap">
            <table class="table side-by-side" id="side-by-side">
                <caption>"How confident you felt at the start, and two terms on"</caption>
                <thead><tr><th scope="col">"Area"</th><th scope="col">"At the start"</th><th scope="col">"Two terms on"</th></tr></thead>
                <tbody>
                    {Area::ALL.into_iter().map(|area| view! {
                        <tr><th scope="row">{area.title()}</th>{cell(&start, area)}{cell(&end, area)}</tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// Each goal with the log entries from the modules it links to.
#[component]
fn Evidence(v: EndReviewView) -> impl IntoView {
    view! {
        <section aria-labelledby="evidence">
            <h2 id="evidence" class="section-title">"Your goals and the evidence for them"</h2>
            <ol class="plan-goal-list">
                {v.goals.into_iter().map(|g| view! {
                    <li class="card">
                        <p class="plan-goal-words">{g.goal.words.clone()}</p>
                        {(!g.goal.learners.is_empty()).then(|| view! { <p class="muted">{format!("For: {}", g.goal.learners)}</p> })}
                        {(!g.modules.is_empty()).then(|| view! { <p class="caption">{format!("Linked to {}", g.modules.join("; "))}</p> })}
                        {if g.entries.is_empty() {
                            view! { <p>"No answers in your log from these modules yet."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="link-list">
                                    {g.entries.into_iter().map(|(what, href)| view! { <li><a href=href>{what}</a></li> }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}

/// `/plan/end-review`: after two terms, the self-review again.
#[component]
pub fn EndReviewPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| end_review());
    view! {
        <Title text="Your end review"/>
        <super::Restricted>
            <nav aria-label="Breadcrumb" class="breadcrumbs"><a href="/plan">"Your CPD plan"</a></nav>
            <h1 class="page-title">"Your end review"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(v) if !v.open => view! {
                            <p class="lead">"Your end review opens with your plan's last check-in. Until then, keep going with your check-ins."</p>
                            <p><a href="/plan#check-ins">"Back to your check-ins"</a></p>
                        }.into_any(),
                        Ok(v) => view! { <EndReview v/> }.into_any(),
                        Err(e) => view! { <super::errors::ProblemPage message=e.to_string()/> }.into_any(),
                    }
                })}
            </Suspense>
        </super::Restricted>
    }
}

#[component]
fn EndReview(v: EndReviewView) -> impl IntoView {
    let action = ServerAction::<SaveEndReview>::new();
    let error = action_error(action.value());
    let form = super::plan::typed_or_kept(v.end.as_ref());
    let saved = query_value("saved").is_some();
    view! {
        <p class="lead">"Two terms on: how confident do you feel now? Answer as you feel today, then read your answers beside the ones you gave at the start."</p>
        {saved.then(|| view! {
            <Banner title="End review saved" kind=BannerKind::Success>
                <p><a href="/plan/summary">"Your plan on one page"</a>" has it beside your first self-review, ready to print or save as a PDF."</p>
            </Banner>
        })}
        {v.end.is_some().then(|| view! { <SideBySide start=v.start.clone() end=v.end.clone()/> })}
        <Evidence v=v.clone()/>
        <section aria-labelledby="end-review-form">
            <h2 id="end-review-form" class="section-title">{if v.end.is_some() { "Change your end review" } else { "Your self-review, two terms on" }}</h2>
            <ErrorSummary error/>
            <ActionForm action>
                <super::plan::SelfReviewFields form error/>
                <Button busy=action.pending()>"Save your end review"</Button>
            </ActionForm>
        </section>
    }
}

/// `/plan/summary`: the plan on one page, for printing or saving as a PDF.
#[component]
pub fn SummaryPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| end_review());
    view! {
        <Title text="Your CPD plan on one page"/>
        <super::Restricted>
            <Suspense fallback=|| view! { <p>"Preparing your plan…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(v) => view! { <Summary v/> }.into_any(),
                        Err(e) => view! { <super::errors::ProblemPage message=e.to_string()/> }.into_any(),
                    }
                })}
            </Suspense>
        </super::Restricted>
    }
}

#[component]
fn Summary(v: EndReviewView) -> impl IntoView {
    let done = v.done();
    view! {
        <p class="no-print">
            <a href="/plan">"Back to your plan"</a>
            " · "<a href="/plan/summary.pdf" rel="external">"Download it as a PDF"</a>
            ", or use your browser's Print command to print this page."
        </p>
        <article class="printable">
            <h1 class="page-title">{format!("CPD plan: {}", v.owner_name)}</h1>
            <dl class="summary-list">
                <dt>"Setting"</dt><dd>{v.setting_name.clone()}</dd>
                <dt>"Agreed with the SENCo"</dt><dd>{agreed_label(v.agreed)}</dd>
                <dt>"Check-ins done"</dt><dd>{format!("{done} of {}", v.check_ins.len())}</dd>
            </dl>
            <Evidence v=v.clone()/>
            <h2 class="section-title">"Self-review"</h2>
            <SideBySide start=v.start.clone() end=v.end.clone()/>
            <h2 class="section-title">"Check-ins"</h2>
            {v.check_ins.iter().map(|c| {
                let answers: Vec<(String, String)> = v.answers.iter().filter(|a| a.0 == c.number).map(|a| (a.1.clone(), a.2.clone())).collect();
                view! {
                    <section class="print-entry">
                        <h3>{format!("Check-in {}: {}", c.number, c.name)}</h3>
                        {if answers.is_empty() {
                            view! { <p class="muted">{state_label(c.state, &c.due, &c.dates)}</p> }.into_any()
                        } else {
                            answers.into_iter().map(|(q, a)| view! { <p class="caption">{q}</p><p class="pre">{a}</p> }).collect_view().into_any()
                        }}
                    </section>
                }
            }).collect_view()}
        </article>
    }
}
