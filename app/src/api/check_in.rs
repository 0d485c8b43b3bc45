//! The rhythm of a CPD plan after it is agreed: a check-in each half-term (answered in the
//! learning log, so `api::learning_log` saves it), a reminder when one is due, and after
//! two terms the end review, read beside the self-review the plan started from, with the
//! evidence from the log under each goal. All of it is the author's own.

use domain::check_in::State;
use domain::error::AppError;
use domain::plan::Goal;
use domain::self_review::{Form, SelfReview};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::server::{
    course, db,
    guard::{require, Need},
};
#[cfg(feature = "ssr")]
use services::store::{plans, self_reviews::Stage};

/// A check-in to mention on the home page: due within two weeks, or missed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    pub number: u8,
    pub name: String,
    pub due: String,
    pub state: State,
}

#[server(endpoint = "plan/reminder")]
pub async fn check_in_reminder() -> Result<Option<Reminder>, AppError> {
    let me = require(Need::SignedIn)?;
    let db = db()?;
    let Some(plan) = plans::get(&db, me.id).await? else {
        return Ok(None);
    };
    let now = services::store::now();
    let (check_ins, today) =
        services::check_ins::schedule(&db, me.setting_id, &me.zone, plan.started_at, now).await?;
    let answered = plans::check_ins_answered(&db, me.id).await?;
    let mention = domain::check_in::to_mention(&check_ins, today, |n| answered.contains(&n));
    Ok(mention.map(|(c, state)| Reminder {
        number: c.number,
        name: c.name.clone(),
        due: domain::zone::day_words(c.term.last),
        state,
    }))
}

/// One check-in with its place in the plan, for its own page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckInView {
    pub line: super::plan::CheckInLine,
    /// How many check-ins the plan has.
    pub of: u8,
}

/// Check-in `number` of the person's own plan, once it has opened.
#[server(endpoint = "plan/check_in")]
pub async fn check_in(number: u8) -> Result<CheckInView, AppError> {
    let me = require(Need::SignedIn)?;
    let db = db()?;
    let not_open = || AppError::NotFound("That check-in has not opened yet.".into());
    let plan = plans::get(&db, me.id).await?.ok_or_else(not_open)?;
    let (lines, _) =
        super::plan::rhythm(&db, me.id, me.setting_id, &me.zone, plan.started_at).await?;
    let of = lines.len() as u8;
    let line = lines
        .into_iter()
        .find(|l| l.number == number && l.state != State::Later)
        .ok_or_else(not_open)?;
    Ok(CheckInView { line, of })
}

/// Moves the day the person's plan started (a plan brought into Tandem part-way): its
/// check-ins follow. Works as a plain form.
#[server(endpoint = "plan/start")]
pub async fn set_plan_start(started: String) -> Result<(), AppError> {
    let outcome = set_start(&started).await;
    super::answer_plain_form::<SetPlanStart>(
        &outcome,
        "/plan?done=started#check-ins",
        "/plan",
        &[("started", &started)],
    );
    outcome
}

#[cfg(feature = "ssr")]
async fn set_start(text: &str) -> Result<(), AppError> {
    let me = crate::server::guard::require_writer(Need::SignedIn).await?;
    let today = me.zone.day(services::store::now());
    let day =
        domain::check_in::check_start(text, today).map_err(|m| AppError::invalid("started", m))?;
    // Midday, so that the day is the same in every offset the zone takes.
    let at = me
        .zone
        .instant(&domain::terms::iso(day), "12:00")
        .ok_or_else(|| AppError::invalid("started", "That day could not be read."))?;
    if !plans::set_started(&db()?, me.id, at).await? {
        return Err(AppError::NotFound(
            "You have no plan yet: save your goals first.".into(),
        ));
    }
    Ok(())
}

/// A goal with what the author's log holds from the modules it links to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalEvidence {
    pub goal: Goal,
    /// "Module 4: Working towards meaningful outcomes"
    pub modules: Vec<String>,
    /// (the question, where the entry is read) for each answer in those modules.
    pub entries: Vec<(String, String)>,
}

/// The end of a plan: both self-reviews, each goal with its evidence, and the check-ins.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndReviewView {
    pub owner_name: String,
    pub setting_name: String,
    /// The last check-in has opened: the end review can be written.
    pub open: bool,
    pub start: Option<SelfReview>,
    pub end: Option<SelfReview>,
    pub goals: Vec<GoalEvidence>,
    pub agreed: bool,
    pub check_ins: Vec<super::plan::CheckInLine>,
    /// Each check-in's answers (number, question, answer).
    pub answers: Vec<(u8, String, String)>,
}

impl EndReviewView {
    /// How many of the plan's check-ins are done.
    pub fn done(&self) -> usize {
        self.check_ins
            .iter()
            .filter(|c| c.state == State::Done)
            .count()
    }
}

/// Where a check-in stands, in words (the plan's list, a check-in's page, the summary and
/// its PDF).
pub fn state_label(state: State, due: &str, dates: &str) -> String {
    match state {
        State::Later => format!("Opens with its half-term ({dates})"),
        State::Open => format!("Open: due by {due}"),
        State::DueSoon => format!("Due by {due}"),
        State::Missed => format!("Missed (it was due by {due}): it can still be answered"),
        State::Done => "Done".to_string(),
    }
}

/// What `Agreed with the SENCo` says of a plan.
pub fn agreed_label(agreed: bool) -> &'static str {
    if agreed {
        "Yes, as it stands"
    } else {
        "Not as it stands"
    }
}

#[server(endpoint = "plan/end_review")]
pub async fn end_review() -> Result<EndReviewView, AppError> {
    let me = require(Need::SignedIn)?;
    let (db, course) = (db()?, course()?);
    end_review_of(&db, &course, &me).await
}

/// `me`'s own plan with both self-reviews, the evidence under each goal and the check-ins:
/// the end review, the summary page and its PDF (`/plan/summary.pdf`, which has no server
/// function context, so it passes who is asking). Not found when she has no plan.
#[cfg(feature = "ssr")]
pub async fn end_review_of(
    db: &services::store::Db,
    course: &domain::content::Course,
    me: &domain::model::Me,
) -> Result<EndReviewView, AppError> {
    let plan = plans::get(db, me.id).await?.ok_or_else(|| {
        AppError::NotFound("You have no plan yet: write your goals first.".into())
    })?;
    let (check_ins, open) =
        super::plan::rhythm(db, me.id, me.setting_id, &me.zone, plan.started_at).await?;
    let store = services::store::self_reviews::get;
    let (start, end) = (
        store(db, me.id, Stage::Start).await?,
        store(db, me.id, Stage::End).await?,
    );
    let filters = services::store::learning_log::Filters {
        module: None,
        kind: None,
        status: None,
        words: &[],
    };
    let entries = services::store::learning_log::list(db, me.id, &filters).await?;
    let goals = plan
        .goals
        .iter()
        .map(|goal| GoalEvidence {
            modules: goal
                .modules
                .iter()
                .filter_map(|k| course.module(k))
                .map(|m| format!("Module {}: {}", m.number, m.title))
                .collect(),
            entries: entries
                .iter()
                .filter(|e| {
                    let module = e.section_key.split('.').next().unwrap_or_default();
                    !e.body.trim().is_empty() && goal.modules.iter().any(|m| m == module)
                })
                .map(|e| {
                    let place = services::learning_log::place(course, &e.section_key);
                    (
                        format!(
                            "{}: {}",
                            place.section_title,
                            services::learning_log::question(course, &e.section_key, &e.prompt_key)
                        ),
                        format!("/log/{}", e.id),
                    )
                })
                .collect(),
            goal: goal.clone(),
        })
        .collect();
    let mut answers: Vec<(u8, String, String)> = entries
        .iter()
        .filter_map(|e| {
            let n = domain::check_in::number_of(&e.section_key)?;
            let q = domain::check_in::question(&e.prompt_key)?;
            (!e.body.trim().is_empty()).then(|| (n, q.to_string(), e.body.clone()))
        })
        .collect();
    let order = |q: &str| {
        domain::check_in::QUESTIONS
            .iter()
            .position(|(_, x)| *x == q)
    };
    answers.sort_by_key(|(n, q, _)| (*n, order(q)));
    Ok(EndReviewView {
        owner_name: me.display_name.clone(),
        setting_name: me.setting_name.clone(),
        open,
        start,
        end,
        goals,
        agreed: plan.author_agreed_rev == Some(plan.rev) && plan.senco_agreed_rev == Some(plan.rev),
        check_ins,
        answers,
    })
}

/// Saves the end review: the self-review again, two terms on. Only once it has opened.
#[server(endpoint = "plan/save_end_review")]
pub async fn save_end_review(#[server(flatten)] form: Form) -> Result<(), AppError> {
    let outcome = save(&form).await;
    let fields = form.fields();
    let keep: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    super::answer_plain_form::<SaveEndReview>(
        &outcome,
        "/plan/end-review?saved=1#side-by-side",
        "/plan/end-review",
        &keep,
    );
    outcome
}

#[cfg(feature = "ssr")]
async fn save(form: &Form) -> Result<(), AppError> {
    let me = require(Need::SignedIn)?;
    let db = db()?;
    let plan = plans::get(&db, me.id).await?;
    let open = match plan {
        Some(p) => {
            super::plan::rhythm(&db, me.id, me.setting_id, &me.zone, p.started_at)
                .await?
                .1
        }
        None => false,
    };
    if !open {
        return Err(AppError::NotFound(
            "The end review opens with your plan's last check-in.".into(),
        ));
    }
    super::plan::save(form, Stage::End).await
}
