//! `/plan`: a practitioner's CPD plan, starting with her self-review (how confident she
//! feels about what the course covers, in her own words, and the modules that suggests),
//! then her goals, shared with her SENCo if she chooses, commented on and agreed together;
//! `/plan/of/:id`: the same plan for the SENCo it is shared with. Plain forms: they work
//! before any script loads, and without it.

use crate::api::plan::{
    my_self_review, picture_of_need, read_plan, shared_plans, AgreePlan, CommentOnPlan, PlanView,
    SavePlan, SaveSelfReview, SelfReviewView, SharePlan,
};
use crate::components::*;
use crate::session::{local_date, use_me};
use domain::error::AppError;
use domain::model::Role;
use domain::plan::{fields_of, Agreement, EventKind, PlanForm};
use domain::self_review::{rating_label, Area, Form, RATINGS};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

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
    let review = Resource::new(|| (), |_| my_self_review());
    let plan = Resource::new(|| (), |_| read_plan(0));
    let senco = use_me().with_untracked(|m| m.as_ref().map(|m| m.role)) == Some(Role::Senco);
    view! {
        <h1 class="page-title">"Your CPD plan"</h1>
        <p class="lead">"CPD that changes practice starts from what you need. Begin with ten minutes on how confident you feel about what the course covers, then set one to three goals in your own words."</p>
        <p class="muted">"Your self-review is private to you. Your goals are too, until you choose to share them with your SENCo."</p>
        {senco.then(|| view! { <SharedWithMe/> <StaffNeed/> })}
        <NetworkNeed/>
        <Suspense fallback=|| view! { <p>"Loading your plan…"</p> }>
            {move || Suspend::new(async move {
                match (review.await, plan.await) {
                    (Ok(r), Ok(p)) if r.review.is_some() => view! {
                        <Suggestions v=r.clone()/>
                        <PlanParts v=p/>
                        <SelfReviewForm v=r/>
                    }.into_any(),
                    // The self-review comes first; the goals build on it.
                    (Ok(r), Ok(p)) => view! { <SelfReviewForm v=r/> <PlanParts v=p/> }.into_any(),
                    (Err(e), _) | (_, Err(e)) => view! { <super::errors::ProblemPage message=e.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
        <super::proposals::Offers/>
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
    let form = typed_or_kept(v.review.as_ref());
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
                <SelfReviewFields form error/>
                <Button busy=action.pending()>"Save your self-review"</Button>
            </ActionForm>
        </section>
    }
}

/// A self-review form's contents: after a refusal, what was typed (sent back in the page's
/// address); otherwise what was saved.
pub fn typed_or_kept(review: Option<&domain::self_review::SelfReview>) -> Form {
    let sent = Area::ALL
        .iter()
        .any(|a| query_value(a.rating_field()).is_some() || query_value(a.words_field()).is_some())
        || query_value("learners").is_some();
    if !sent {
        return review.map(Form::of).unwrap_or_default();
    }
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
}

/// The questions of a self-review (the start's, or the end's two terms on).
#[component]
pub fn SelfReviewFields(form: Form, error: Signal<Option<AppError>>) -> impl IntoView {
    let ratings: Vec<(&'static str, &'static str)> = RATINGS
        .iter()
        .map(|(n, label)| (["1", "2", "3", "4"][usize::from(*n) - 1], *label))
        .collect();
    view! {
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
    }
}

/// What a plan page says after a plain form comes back (`?done=…`).
fn done_banner() -> Option<impl IntoView> {
    let (title, body) = match query_value("done")?.as_str() {
        "saved" => ("Goals saved", "Every change is kept in the plan's history."),
        "shared" => ("Plan shared", "Your SENCo can now read it, comment on it and agree it with you. You can stop sharing it at any time."),
        "withdrawn" => ("Plan no longer shared", "Your SENCo can no longer read it. What you wrote together stays in its history."),
        "comment" => ("Comment sent", "It is in the conversation below."),
        "started" => ("Start day saved", "Your check-ins now follow the half-terms from that day."),
        "joined" => ("Added to your plan", "Your SENCo can see that you have added it. You can take it off again at any time."),
        "declined" => ("Noted", "Your SENCo is not told. If you change your mind, you can still add it."),
        "agreed" => ("Agreed", "Your agreement is for the plan as it stands now: if either of you changes it, you agree it again."),
        _ => return None,
    };
    Some(view! {
        <Banner title kind=BannerKind::Success><p>{body}</p></Banner>
    })
}

/// The goals, where their agreement stands and the conversation about them: the same for
/// the plan's author (on `/plan`) and for the SENCo she shares it with (`/plan/of/:id`).
#[component]
pub fn PlanParts(v: PlanView) -> impl IntoView {
    view! {
        {done_banner()}
        <GoalsForm v=v.clone()/>
        {(v.rev > 0).then(|| view! {
            <Agreement v=v.clone()/>
            <super::check_in::CheckIns v=v.clone()/>
            <Conversation v=v.clone()/>
        })}
    }
}

#[component]
fn GoalsForm(v: PlanView) -> impl IntoView {
    let action = ServerAction::<SavePlan>::new();
    let error = action_error(action.value());
    let owner = if v.mine {
        String::new()
    } else {
        v.owner_id.to_string()
    };
    // After a refusal the form comes back with what was typed; otherwise with what is kept.
    let form = PlanForm::from_fields(query_value).unwrap_or_else(|| PlanForm::of(&v.goals, v.rev));
    let (heading, lead) = if v.mine {
        ("Your goals", "One to three goals, in your own words: what you would like to be able to do, and for which learners. Link each to the modules that will help; those your self-review suggests are marked.")
    } else {
        ("Goals", "You can change these with her: every change is kept in the plan's history, and a changed plan is agreed again.")
    };
    view! {
        <section aria-labelledby="goals" class="plan-goals">
            <h2 id="goals" class="section-title">{heading}</h2>
            <p>{lead}</p>
            <ErrorSummary error/>
            <p class="field-error" id="plan">{move || field_error(error, "plan").get()}</p>
            <ActionForm action>
                <input type="hidden" name="owner" value=owner/>
                <input type="hidden" name="base_rev" value=form.base_rev.clone()/>
                <input type="hidden" name="op" value=crate::api::new_form_op()/>
                {(1..=domain::plan::MAX_GOALS).map(|n| {
                    let (words_field, learners_field, modules_field) = fields_of(n);
                    let goal = form.slot(n);
                    let modules = v.modules.clone();
                    view! {
                        <fieldset class="card plan-goal">
                            <legend class="card-heading">{format!("Goal {n}")}{(n > 1).then_some(" (optional)")}</legend>
                            <TextArea
                                name=words_field
                                label="What you would like to be able to do"
                                value=goal.words.clone()
                                rows=3
                                error=field_error(error, words_field)
                            />
                            <fieldset class="fieldset" id=modules_field>
                                <legend class="field-label">"Modules that will help"</legend>
                                <p class="field-error">{move || field_error(error, modules_field).get()}</p>
                                {modules.into_iter().map(|m| {
                                    let id = format!("{modules_field}-{}", m.key);
                                    let checked = goal.modules.contains(&m.key);
                                    view! {
                                        <div class="checkbox">
                                            <input type="checkbox" id=id.clone() name=format!("{modules_field}[]") value=m.key.clone() checked=checked/>
                                            <label for=id>
                                                {m.title}
                                                {m.suggested.then(|| view! { <span class="tag">"suggested by your self-review"</span> })}
                                            </label>
                                        </div>
                                    }
                                }).collect_view()}
                            </fieldset>
                            <TextField
                                name=learners_field
                                label="Which learners it is for (optional)"
                                hint="Initials or a short description, never a name."
                                value=goal.learners.clone()
                                error=field_error(error, learners_field)
                            />
                        </fieldset>
                    }
                }).collect_view()}
                <Button busy=action.pending()>"Save goals"</Button>
            </ActionForm>
        </section>
    }
}

/// Sharing (the author's choice) and agreeing the plan as it stands.
#[component]
fn Agreement(v: PlanView) -> impl IntoView {
    let share = ServerAction::<SharePlan>::new();
    let agree = ServerAction::<AgreePlan>::new();
    let agree_error = action_error(agree.value());
    let (mine_agreed, theirs_agreed) = match (v.agreement, v.mine) {
        (Agreement::Agreed, _) => (true, true),
        (Agreement::ByAuthor, true) | (Agreement::BySenco, false) => (true, false),
        (Agreement::ByAuthor, false) | (Agreement::BySenco, true) => (false, true),
        (Agreement::Open, _) => (false, false),
    };
    let other = if v.mine {
        "your SENCo".to_string()
    } else {
        v.owner_name.clone()
    };
    let status = match (mine_agreed, theirs_agreed) {
        (true, true) => "Agreed by both of you, as it stands now.".to_string(),
        (true, false) => format!("You have agreed it; it waits for {other} to agree it too."),
        (false, true) => format!("{} agreed it as it stands now. Agree it too when you are happy with it.", capitalise(&other)),
        (false, false) if v.shared || !v.mine => "Not agreed yet. Talk it through, change it together if you need to, then both agree it.".to_string(),
        (false, false) => "Private: only you can see it. Share it with your SENCo to talk it through and agree it together.".to_string(),
    };
    view! {
        <section aria-labelledby="agreement" class="card">
            <h2 id="agreement" class="card-heading">"Agreeing it together"</h2>
            <p>{status}</p>
            <p class="field-error">{move || agree_error.get().map(|e| e.to_string())}</p>
            {(!mine_agreed && (v.shared || !v.mine)).then(|| view! {
                <ActionForm action=agree>
                    <input type="hidden" name="owner" value=if v.mine { 0 } else { v.owner_id }/>
                    <input type="hidden" name="rev" value=v.rev/>
                    <Button busy=agree.pending()>"Agree the plan as it stands"</Button>
                </ActionForm>
            })}
            {v.mine.then(|| view! {
                <h3 id="sharing" class="subheading">"Sharing"</h3>
                <p>{if v.shared {
                    "Your SENCo can read this plan, change it with you and comment on it."
                } else {
                    "Nobody else can see this plan, your SENCo included."
                }}</p>
                <ActionForm action=share>
                    <input type="hidden" name="share" value=(!v.shared).to_string()/>
                    <Button kind=if v.shared { ButtonKind::Secondary } else { ButtonKind::Primary } busy=share.pending()>
                        {if v.shared { "Stop sharing with your SENCo" } else { "Share with your SENCo" }}
                    </Button>
                </ActionForm>
                {(!v.read_by.is_empty()).then(|| view! {
                    <details class="details">
                        <summary>{format!("Who has read it ({})", v.read_by.len())}</summary>
                        <ul class="plain-list">
                            {v.read_by.iter().map(|(who, at)| view! { <li>{format!("{who}, {}", local_date(*at))}</li> }).collect_view()}
                        </ul>
                    </details>
                })}
            })}
        </section>
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The plan's history, comments among it, and a box for a new comment.
#[component]
fn Conversation(v: PlanView) -> impl IntoView {
    let comment = ServerAction::<CommentOnPlan>::new();
    let error = action_error(comment.value());
    let can_comment = v.shared || !v.mine;
    view! {
        <section aria-labelledby="conversation">
            <h2 id="conversation" class="section-title">"Conversation and history"</h2>
            <ol class="plan-history">
                {v.history.iter().rev().map(|line| view! {
                    <li class=if line.kind == EventKind::Comment { "plan-event plan-comment" } else { "plan-event" }>
                        <p class="plan-event-head">
                            <strong>{line.who.clone()}</strong>" "{line.kind.label()}
                            <span class="muted">{format!(" · {}", local_date(line.at))}</span>
                        </p>
                        {line.comment.clone().map(|c| view! { <p class="plan-comment-body">{c}</p> })}
                    </li>
                }).collect_view()}
            </ol>
            {can_comment.then(|| view! {
                <ActionForm action=comment>
                    <input type="hidden" name="owner" value=if v.mine { 0 } else { v.owner_id }/>
                    <input type="hidden" name="rev" value=v.rev/>
                    <input type="hidden" name="op" value=crate::api::new_form_op()/>
                    <ErrorSummary error/>
                    <TextArea
                        name="comment"
                        label=if v.mine { "Reply or add a thought".to_string() } else { format!("Comment or suggest something to {}", v.owner_name) }
                        value=query_value("comment").unwrap_or_default()
                        rows=3
                        error=field_error(error, "comment")
                    />
                    <Button busy=comment.pending()>"Send comment"</Button>
                </ActionForm>
            })}
        </section>
    }
}

/// `/plan/of/:id`: a plan a member of staff shares with her SENCo.
#[component]
pub fn SharedPlanPage() -> impl IntoView {
    let params = use_params_map();
    let plan = Resource::new(
        move || {
            params.with(|p| {
                p.get("id")
                    .and_then(|id| id.parse::<i64>().ok())
                    .unwrap_or(-1)
            })
        },
        read_plan,
    );
    view! {
        <Title text="A shared CPD plan"/>
        <super::Restricted roles=&[Role::Senco]>
            <Suspense fallback=|| view! { <p>"Loading the plan…"</p> }>
                {move || Suspend::new(async move {
                    match plan.await {
                        Ok(v) => view! {
                            <h1 class="page-title">{format!("{}'s CPD plan", v.owner_name)}</h1>
                            <p class="lead">"She chose to share it with you. Your reading is recorded where she can see it, as for her learning log."</p>
                            <PlanParts v/>
                        }.into_any(),
                        Err(AppError::NotFound(_)) => view! { <super::errors::NotFound/> }.into_any(),
                        Err(e) => view! { <super::errors::ProblemPage message=e.to_string()/> }.into_any(),
                    }
                })}
            </Suspense>
        </super::Restricted>
    }
}

/// For a SENCo: the plans her staff share with her.
#[component]
fn SharedWithMe() -> impl IntoView {
    let list = Resource::new(|| (), |_| shared_plans());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                list.await.ok().map(|rows| view! {
                    <section aria-labelledby="shared-with-you" class="card">
                        <h2 id="shared-with-you" class="card-heading">"Plans your staff share with you"</h2>
                        {if rows.is_empty() {
                            view! { <p>"None yet. When someone shares her plan, it appears here."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="link-list">
                                    {rows.into_iter().map(|r| view! {
                                        <li>
                                            <a href=format!("/plan/of/{}", r.owner_id)>{r.owner_name.clone()}</a>
                                            {format!(
                                                " · {} goal{} · {} · changed {}",
                                                r.goals,
                                                if r.goals == 1 { "" } else { "s" },
                                                if r.agreed { "agreed" } else { "not agreed yet" },
                                                local_date(r.updated_at)
                                            )}
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    </section>
                })
            })}
        </Suspense>
    }
}

/// For a SENCo: what the staff who share their plan need, as counts (small groups hidden),
/// narrowed by sector and role with a plain form.
#[component]
fn StaffNeed() -> impl IntoView {
    use domain::model::Sector;
    let (sector, role) = (
        query_value("sector").unwrap_or_default(),
        query_value("role").unwrap_or_default(),
    );
    let asked = (sector.clone(), role.clone());
    let for_sector = sector.clone();
    let picture = Resource::new(move || asked.clone(), |(s, r)| picture_of_need(s, r));
    // Hidden: fewer than 5, or a number from which one under 5 could be worked out.
    let count = |n: Option<i64>| n.map_or_else(|| "not shown".to_string(), |n| n.to_string());
    let sectors: Vec<(String, String)> =
        std::iter::once((String::new(), "All sectors".to_string()))
            .chain(
                Sector::ALL
                    .iter()
                    .map(|s| (s.as_str().to_string(), s.label().to_string())),
            )
            .collect();
    let roles: Vec<(String, String)> = std::iter::once((String::new(), "All roles".to_string()))
        .chain(
            Role::ALL
                .iter()
                .map(|r| (r.as_str().to_string(), r.label().to_string())),
        )
        .collect();
    view! {
        <section aria-labelledby="staff-need" class="card">
            <h2 id="staff-need" class="card-heading">"What your staff need"</h2>
            <p>"From the self-reviews and goals of the staff who share their plan with you. Counts only: a group of fewer than 5 people is not shown, nor is a count that would point to fewer than 5, so nobody can be picked out."</p>
            <form method="get" action="/plan#staff-need" class="filters">
                <label for="need-sector" class="field-label">"Sector"</label>
                <select id="need-sector" name="sector" class="input">
                    {sectors.into_iter().map(|(v, label)| { let selected = v == sector; view! { <option value=v selected=selected>{label}</option> } }).collect_view()}
                </select>
                <label for="need-role" class="field-label">"Role"</label>
                <select id="need-role" name="role" class="input">
                    {roles.into_iter().map(|(v, label)| { let selected = v == role; view! { <option value=v selected=selected>{label}</option> } }).collect_view()}
                </select>
                <Button kind=ButtonKind::Secondary>"Show"</Button>
            </form>
            <p><a href="/plan/proposals">"From need to action: propose a session or an INSET day focus"</a></p>
            <Suspense fallback=|| view! { <p>"Counting…"</p> }>
                {move || { let for_sector = for_sector.clone(); Suspend::new(async move {
                    match picture.await {
                        Ok(p) if p.people.is_none() => view! { <p>"Fewer than 5 people in this group share their plan, so nothing is shown."</p> }.into_any(),
                        Ok(p) if p.people == Some(0) => view! { <p>"Nobody in this group shares a plan yet."</p> }.into_any(),
                        Ok(p) => view! {
                            <p>{format!("{} people share their plan.", p.people.unwrap_or_default())}</p>
                            <p class="need-check-ins">{match p.check_ins {
                                Some((0, _)) => "Nobody in this group has done a half-termly check-in yet.".to_string(),
                                Some((people, done)) => format!("{people} of them have done at least one half-termly check-in ({done} check-ins in all)."),
                                None => "Fewer than 5 of them have done a half-termly check-in, so the number is not shown.".to_string(),
                            }}</p>
                            <table class="table table-stack">
                                <caption>"How confident they feel"</caption>
                                <thead><tr>
                                    <th scope="col">"Area"</th>
                                    <th scope="col">"Need to grow"</th>
                                    <th scope="col">"Confident"</th>
                                    <th scope="col">"Answer it"</th>
                                </tr></thead>
                                <tbody>
                                    {p.areas.into_iter().map(|(area, needing, confident)| view! {
                                        <tr>
                                            <th scope="row">{area.title()}</th>
                                            <td data-label="Need to grow">{count(needing)}</td>
                                            <td data-label="Confident">{count(confident)}</td>
                                            <td data-label="Answer it">
                                                <a href=format!("/plan/proposals?area={}&sector={}", area.as_str(), for_sector)>
                                                    "Propose something"<span class="sr-only">{format!(" for {}", area.title())}</span>
                                                </a>
                                            </td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <table class="table table-stack">
                                <caption>"Modules their goals link to"</caption>
                                <thead><tr><th scope="col">"Module"</th><th scope="col">"People"</th></tr></thead>
                                <tbody>
                                    {p.modules.into_iter().map(|(title, n)| view! {
                                        <tr><th scope="row">{title}</th><td data-label="People">{count(n)}</td></tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(e) => view! { <p>{e.to_string()}</p> }.into_any(),
                    }
                })}}
            </Suspense>
        </section>
    }
}

/// For a network's moderators: the picture of need across its settings, as counts per
/// setting (a setting with fewer than 5 people sharing shows nothing), to plan sessions.
#[component]
fn NetworkNeed() -> impl IntoView {
    let networks = Resource::new(|| (), |_| crate::api::plan::network_need());
    let count = |n: Option<i64>| n.map_or("not shown".to_string(), |n| n.to_string());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                networks.await.ok().unwrap_or_default().into_iter().map(|n| {
                    let heading = format!("What staff need across {}", n.network);
                    let (label, caption) = (heading.clone(), heading.clone());
                    view! {
                        <section class="card" aria-label=label>
                            <h2 class="card-heading">{heading}</h2>
                            <p>"For planning network sessions: how many people in each setting who share their plan feel they need to grow in each area. Counts only: a setting where fewer than 5 people share shows nothing, and a count that would point to fewer than 5 people is not shown."</p>
                            {if n.settings.is_empty() {
                                view! { <p>"Nobody in the network shares a plan yet."</p> }.into_any()
                            } else {
                                view! {
                                    <div class="table-wrap">
                                        <table class="table">
                                            <caption class="sr-only">{caption}</caption>
                                            <thead><tr>
                                                <th scope="col">"Setting"</th>
                                                <th scope="col">"Sharing a plan"</th>
                                                {Area::ALL.into_iter().map(|a| view! { <th scope="col">{format!("Need to grow: {}", a.title())}</th> }).collect_view()}
                                            </tr></thead>
                                            <tbody>
                                                {n.settings.into_iter().map(|s| view! {
                                                    <tr>
                                                        <th scope="row">{s.setting.clone()}</th>
                                                        <td>{count(s.people)}</td>
                                                        {Area::ALL.into_iter().map(|a| {
                                                            let n = s.needing.iter().find(|(x, _)| *x == a).and_then(|(_, n)| *n);
                                                            view! { <td>{if s.people.is_some() { count(n) } else { "—".to_string() }}</td> }
                                                        }).collect_view()}
                                                    </tr>
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    </div>
                                }.into_any()
                            }}
                        </section>
                    }
                }).collect_view()
            })}
        </Suspense>
    }
}
