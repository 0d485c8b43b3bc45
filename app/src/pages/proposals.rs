//! From need to action: `/plan/proposals`, where a SENCo proposes a community session or a
//! practice focus for an INSET day in answer to a need her staff share, and sees who added
//! each to their plan; and `Offers`, the same proposals on each person's own plan, to add or
//! leave. Plain forms throughout: they work before any script loads, and without it.

use crate::api::proposals::{
    offers, proposals, AnswerOffer, OfferView, ProposalView, Propose, WithdrawProposal,
};
use crate::components::*;
use domain::model::{Role, Sector};
use domain::proposal::{Kind, ProposalForm, MAX_DETAILS_CHARS};
use domain::self_review::Area;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ProposalsPage() -> impl IntoView {
    view! {
        <Title text="From need to action"/>
        <super::Restricted roles=&[Role::Senco]>
            <p><a href="/plan#staff-need">"Back to what your staff need"</a></p>
            <h1 class="page-title">"From need to action"</h1>
            <p class="lead">"When a need is shared by many of your staff, answer it together: propose a community session or a practice focus for an INSET day. It is offered on the plans of the people it is for, and each of them decides whether to add it to hers."</p>
            {done_banner()}
            <ProposeForm/>
            <Proposed/>
        </super::Restricted>
    }
}

fn done_banner() -> Option<impl IntoView> {
    let (title, body) = match query_value("done")?.as_str() {
        "proposed" => ("Proposal sent", "It is now offered on the plans of the people it is for."),
        "withdrawn" => ("Proposal withdrawn", "It is gone from the plans of those who had not added it; those who had see that it is called off."),
        _ => return None,
    };
    Some(view! { <Banner title kind=BannerKind::Success><p>{body}</p></Banner> })
}

#[component]
fn ProposeForm() -> impl IntoView {
    let action = ServerAction::<Propose>::new();
    let error = action_error(action.value());
    // Back from a refusal with what was typed; from the picture of need with its area.
    let form = ProposalForm::from_fields(query_value).unwrap_or_else(|| ProposalForm {
        kind: Kind::Session.as_str().into(),
        area: query_value("area").unwrap_or_default(),
        sector: query_value("sector").unwrap_or_default(),
        ..ProposalForm::default()
    });
    let kinds: Vec<(&'static str, &'static str)> = Kind::ALL
        .into_iter()
        .map(|k| (k.as_str(), k.label()))
        .collect();
    let areas: Vec<(String, String)> =
        std::iter::once((String::new(), "Choose an area".to_string()))
            .chain(
                Area::ALL
                    .into_iter()
                    .map(|a| (a.as_str().to_string(), a.title().to_string())),
            )
            .collect();
    let sectors: Vec<(String, String)> =
        std::iter::once((String::new(), "Everyone in your setting".to_string()))
            .chain(
                Sector::ALL
                    .into_iter()
                    .map(|s| (s.as_str().to_string(), format!("{} staff only", s.label()))),
            )
            .collect();
    let details_label =
        format!("What it will involve (optional, up to {MAX_DETAILS_CHARS} characters)");
    view! {
        <section aria-labelledby="propose" class="card">
            <h2 id="propose" class="card-heading">"Propose something"</h2>
            <ErrorSummary error/>
            <ActionForm action>
                <input type="hidden" name="op" value=crate::api::new_form_op()/>
                <Radios name="kind" legend="What you propose" options=kinds selected=form.kind.clone() error=field_error(error, "kind")/>
                <SelectField name="area" label="The need it answers" options=areas selected=form.area.clone() error=field_error(error, "area")/>
                <SelectField name="sector" label="Who it is for" options=sectors selected=form.sector.clone() error=field_error(error, "sector")/>
                <TextField name="title" label="Title" hint="Such as \"Writing outcomes with learners\"." value=form.title.clone() error=field_error(error, "title")/>
                <TextField name="day" label="Day (optional)" hint="Leave it empty if the day is not fixed yet." input_type="date" value=form.day.clone() error=field_error(error, "day") width_class="w-auto"/>
                <TextArea name="details" label=details_label value=form.details.clone() rows=4 error=field_error(error, "details")/>
                <Button busy=action.pending()>"Propose it"</Button>
            </ActionForm>
        </section>
    }
}

/// "Meaningful outcomes" as it reads inside a sentence.
fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The setting's open proposals, with who added each to her plan.
#[component]
fn Proposed() -> impl IntoView {
    let list = Resource::new(|| (), |_| proposals());
    view! {
        <section aria-labelledby="proposed">
            <h2 id="proposed" class="section-title">"What you have proposed"</h2>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(rows) if rows.is_empty() => view! { <p>"Nothing yet."</p> }.into_any(),
                        Ok(rows) => rows.into_iter().map(|p| view! { <ProposalCard p/> }).collect_view().into_any(),
                        Err(e) => view! { <p>{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn ProposalCard(p: ProposalView) -> impl IntoView {
    let withdraw = ServerAction::<WithdrawProposal>::new();
    let (heading, label) = (p.title.clone(), p.title.clone());
    let joined = match p.joined.len() {
        0 => "Nobody has added it to their plan yet.".to_string(),
        1 => format!("On 1 plan: {}.", p.joined[0]),
        n => format!("On {n} plans: {}.", p.joined.join(", ")),
    };
    view! {
        <article class="card" aria-label=label>
            <h3 class="card-heading">{heading}</h3>
            <p class="muted">{describe(p.kind, p.area, &p.day)}{format!(" For: {}.", p.for_whom)}</p>
            {(!p.details.is_empty()).then(|| view! { <p class="pre">{p.details.clone()}</p> })}
            <p>{joined}</p>
            <ActionForm action=withdraw>
                <input type="hidden" name="id" value=p.id.clone()/>
                <Button kind=ButtonKind::Secondary busy=withdraw.pending()>"Withdraw it"<span class="sr-only">{format!(" ({})", p.title)}</span></Button>
            </ActionForm>
        </article>
    }
}

/// "Community session on 12 March 2027, for writing an outcome with the learner."
fn describe(kind: Kind, area: Area, day: &str) -> String {
    let when = if day.is_empty() {
        ", day to be fixed".to_string()
    } else {
        format!(" on {day}")
    };
    format!("{}{when}, for {}.", kind.short(), lower_first(area.title()))
}

/// On a person's own plan: what her SENCo proposes, to add to it or leave.
#[component]
pub fn Offers() -> impl IntoView {
    let list = Resource::new(|| (), |_| offers());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let rows = list.await.unwrap_or_default();
                (!rows.is_empty()).then(|| view! {
                    <section aria-labelledby="offers" class="card">
                        <h2 id="offers" class="card-heading">"Proposed by your SENCo"</h2>
                        <p>"Sessions and INSET day focuses proposed for needs your colleagues share. Add one to your plan if it is for you: your SENCo sees who has added each, never who has not."</p>
                        {rows.into_iter().map(|o| view! { <OfferCard o/> }).collect_view()}
                    </section>
                })
            })}
        </Suspense>
    }
}

#[component]
fn OfferCard(o: OfferView) -> impl IntoView {
    let answer = ServerAction::<AnswerOffer>::new();
    let error = action_error(answer.value());
    let state = match (o.withdrawn, o.joined) {
        (true, _) => format!("Called off by {}.", o.from),
        (false, Some(true)) => "On your plan.".to_string(),
        (false, Some(false)) => "You said it is not for you this time.".to_string(),
        (false, None) => format!("Proposed by {}.", o.from),
    };
    let title = o.title.clone();
    // The title is in each button's name too, so that a list of offers reads clearly.
    let id = o.id.clone();
    let button = move |join: bool, label: &'static str, kind: ButtonKind| {
        let (id, name) = (id.clone(), format!(" ({title})"));
        view! {
            <ActionForm action=answer>
                <input type="hidden" name="id" value=id/>
                <input type="hidden" name="join" value=join.to_string()/>
                <Button kind busy=answer.pending()>{label}<span class="sr-only">{name}</span></Button>
            </ActionForm>
        }
    };
    let (heading, label) = (o.title.clone(), o.title.clone());
    view! {
        <article class="offer" aria-label=label>
            <h3 class="subheading">{heading}</h3>
            <p class="muted">{describe(o.kind, o.area, &o.day)}</p>
            {(!o.details.is_empty()).then(|| view! { <p class="pre">{o.details.clone()}</p> })}
            <p><strong>{state}</strong></p>
            <p class="field-error">{move || error.get().map(|e| e.to_string())}</p>
            {(!o.withdrawn).then(|| view! {
                <div class="button-row">
                    {(o.joined != Some(true)).then(|| button(true, "Add to my plan", ButtonKind::Primary))}
                    {match o.joined {
                        Some(true) => Some(button(false, "Take it off my plan", ButtonKind::Secondary)),
                        None => Some(button(false, "Not for me", ButtonKind::Secondary)),
                        Some(false) => None,
                    }}
                </div>
            })}
        </article>
    }
}
