//! `/plan`: a practitioner's CPD plan, starting with her self-review: how confident she
//! feels about what the course covers, in her own words, and the modules that suggests.
//! A plain form: it works before any script loads, and without it.

use crate::api::plan::{my_self_review, SaveSelfReview, SelfReviewView};
use crate::components::*;
use domain::self_review::{rating_label, Area, Form, RATINGS};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn PlanPage() -> impl IntoView {
    view! {
        <Title text="Your CPD plan"/>
        <super::Restricted>
            <Plan/>
        </super::Restricted>
    }
}

#[component]
fn Plan() -> impl IntoView {
    let view = Resource::new(|| (), |_| my_self_review());
    view! {
        <h1 class="page-title">"Your CPD plan"</h1>
        <p class="lead">"CPD that changes practice starts from what you need. Begin with ten minutes on how confident you feel about what the course covers, in your own words."</p>
        <p class="muted">"Your self-review is private to you. Nobody else can see it, your SENCo included."</p>
        <Suspense fallback=|| view! { <p>"Loading your plan…"</p> }>
            {move || Suspend::new(async move {
                match view.await {
                    Ok(v) => view! { <Suggestions v=v.clone()/> <SelfReviewForm v/> }.into_any(),
                    Err(e) => view! { <super::errors::ProblemPage message=e.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// What the saved self-review suggests, with a summary of it.
#[component]
fn Suggestions(v: SelfReviewView) -> impl IntoView {
    let saved = query_value("saved").is_some();
    v.review.map(|review| view! {
        {saved.then(|| view! {
            <Banner title="Self-review saved" kind=BannerKind::Success>
                <p>"You can change it whenever your confidence changes."</p>
            </Banner>
        })}
        <section class="card" aria-labelledby="suggestions" >
            <h2 id="suggestions" class="card-heading">"Where to start"</h2>
            {if v.suggestions.is_empty() {
                view! { <p>"You feel confident in every area. Choose the module that interests you most, or one that would help you support a colleague."</p> }.into_any()
            } else {
                view! {
                    <p>"You feel least confident about these, so they may be the best place to start. They are suggestions: you choose."</p>
                    <ul class="link-list">
                        {v.suggestions.into_iter().map(|(key, title)| view! {
                            <li><a href=format!("/modules/{key}")>{title}</a></li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <details class="details">
                <summary>"Your answers at a glance"</summary>
                <table class="table">
                    <caption class="sr-only">"How confident you said you feel, by area"</caption>
                    <thead><tr><th scope="col">"Area"</th><th scope="col">"How confident you feel"</th></tr></thead>
                    <tbody>
                        {review.answers.into_iter().map(|a| view! {
                            <tr><th scope="row">{a.area.title()}</th><td>{rating_label(a.rating)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </details>
        </section>
    })
}

#[component]
fn SelfReviewForm(v: SelfReviewView) -> impl IntoView {
    let action = ServerAction::<SaveSelfReview>::new();
    let error = action_error(action.value());
    // After a refusal the form comes back with what was typed; otherwise with what was saved.
    let sent = Area::ALL
        .iter()
        .any(|a| query_value(a.rating_field()).is_some() || query_value(a.words_field()).is_some())
        || query_value("learners").is_some();
    let form = if sent {
        let mut form = Form {
            learners: query_value("learners").unwrap_or_default(),
            ..Form::default()
        };
        for area in Area::ALL {
            let (rating, words) = form.area_mut(area);
            *rating = query_value(area.rating_field()).unwrap_or_default();
            *words = query_value(area.words_field()).unwrap_or_default();
        }
        form
    } else {
        v.review.as_ref().map(Form::of).unwrap_or_default()
    };
    let ratings: Vec<(&'static str, &'static str)> = RATINGS
        .iter()
        .map(|(n, label)| (["1", "2", "3", "4"][usize::from(*n) - 1], *label))
        .collect();
    let heading = if v.review.is_some() {
        "Your self-review"
    } else {
        "Start with a self-review"
    };
    view! {
        <section aria-labelledby="self-review-heading">
            <h2 id="self-review-heading" class="section-title">{heading}</h2>
            <p>"For each area, choose how confident you feel today and, if you like, say why in a sentence or two. There are no right answers."</p>
            <ErrorSummary error/>
            <ActionForm action>
                {Area::ALL.into_iter().map(|area| {
                    let (rating, words) = form.area(area);
                    view! {
                        <div class="card self-review-area">
                            <h3 class="card-heading">{area.title()}</h3>
                            <Radios
                                name=area.rating_field()
                                legend=area.question()
                                options=ratings.clone()
                                selected=rating.to_string()
                                error=field_error(error, area.rating_field())
                            />
                            <TextArea
                                name=area.words_field()
                                label="In your own words (optional)"
                                value=words.to_string()
                                rows=3
                                error=field_error(error, area.words_field())
                            />
                        </div>
                    }
                }).collect_view()}
                <TextArea
                    name="learners"
                    label="Which learners are you thinking about? (optional)"
                    hint="By initials or a short description (“a Year 4 learner with a hearing impairment”), never by name."
                    value=form.learners.clone()
                    rows=3
                    error=field_error(error, "learners")
                />
                <Button busy=action.pending()>"Save your self-review"</Button>
            </ActionForm>
        </section>
    }
}
