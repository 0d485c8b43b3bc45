//! A practitioner's CPD plan (issue 29), starting from her own self-review (how confident
//! she feels about each area the course covers, and the modules that suggests; private to
//! her), then her goals: private until she shares them with her SENCo, who may then read,
//! change and comment on them, and agree them with her. `side` decides who may do what.

use domain::check_in::State;
use domain::error::AppError;
use domain::plan::{Agreement, EventKind, Goal, NeedPicture, PlanForm};
use domain::self_review::{Form, SelfReview};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::server::{
    course, db,
    guard::{require, require_writer, Need, SENCO},
};
#[cfg(feature = "ssr")]
use services::store::plans::{self, Outcome, Side};
#[cfg(feature = "ssr")]
use services::store::self_reviews::{self as store, Stage};

/// The person's own self-review, and the modules it suggests starting with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfReviewView {
    pub review: Option<SelfReview>,
    /// (module key, "Module 4: Working towards meaningful outcomes")
    pub suggestions: Vec<(String, String)>,
}

#[server(endpoint = "plan/self_review")]
pub async fn my_self_review() -> Result<SelfReviewView, AppError> {
    let me = require(Need::SignedIn)?;
    let course = course()?;
    let review = store::get(&db()?, me.id, Stage::Start).await?;
    let suggestions = review
        .as_ref()
        .map(|r| r.suggested_modules())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|key| course.module(key))
        .map(|m| (m.key.clone(), format!("Module {}: {}", m.number, m.title)))
        .collect();
    Ok(SelfReviewView {
        review,
        suggestions,
    })
}

/// Saves the person's starting self-review (replacing any earlier one). Works as a plain
/// form: it comes back to the plan page, saying so, or with what was typed and what to fix.
#[server(endpoint = "plan/save_self_review")]
pub async fn save_self_review(#[server(flatten)] form: Form) -> Result<(), AppError> {
    let outcome = save(&form, Stage::Start).await;
    let fields = form.fields();
    let keep: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    super::answer_plain_form::<SaveSelfReview>(
        &outcome,
        "/plan?saved=1#suggestions",
        "/plan",
        &keep,
    );
    outcome
}

/// Keeps the person's self-review at `stage`, checked field by field.
#[cfg(feature = "ssr")]
pub(crate) async fn save(form: &Form, stage: Stage) -> Result<(), AppError> {
    let me = require_writer(Need::SignedIn).await?;
    let (answers, learners) = domain::self_review::check(form).map_err(AppError::fields)?;
    store::save(&db()?, me.id, stage, &answers, &learners).await?;
    Ok(())
}

/// A module a goal can link to, for the plan form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleChoice {
    pub key: String,
    /// "Module 4: Working towards meaningful outcomes"
    pub title: String,
    /// Its self-review suggests it.
    pub suggested: bool,
}

/// One line of a plan's history, as its readers see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryLine {
    /// "You", a name, or "A former colleague".
    pub who: String,
    pub kind: EventKind,
    pub comment: Option<String>,
    pub at: i64,
}

/// A CPD plan as its reader sees it: its author, or a SENCo it is shared with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanView {
    pub owner_id: i64,
    pub owner_name: String,
    /// The reader is its author.
    pub mine: bool,
    /// 0 until the first goals are saved.
    pub rev: i64,
    pub goals: Vec<Goal>,
    pub shared: bool,
    pub agreement: Agreement,
    pub history: Vec<HistoryLine>,
    pub modules: Vec<ModuleChoice>,
    /// SENCo reads of the plan (name, when), newest first: for its author only.
    pub read_by: Vec<(String, i64)>,
    /// Its half-termly check-ins (none until its first goals are saved). The SENCo sees
    /// only whether each is done; the answers are in the author's log.
    pub check_ins: Vec<CheckInLine>,
    /// The end review can be written (the last check-in has opened).
    pub end_review_open: bool,
    /// The day it started ("2026-09-07"; empty before its first goals).
    pub started_on: String,
}

/// One check-in as a plan lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckInLine {
    pub number: u8,
    /// "Spring term 2027, first half"
    pub name: String,
    /// "4 January to 12 February 2027"
    pub dates: String,
    /// "12 February 2027"
    pub due: String,
    pub state: State,
}

/// A plan's check-ins and whether its end review is open, as they stand today.
#[cfg(feature = "ssr")]
pub(crate) async fn rhythm(
    db: &services::store::Db,
    owner: i64,
    setting_id: i64,
    zone: &domain::zone::Zone,
    started_at: i64,
) -> Result<(Vec<CheckInLine>, bool), AppError> {
    let now = services::store::now();
    let (check_ins, today) =
        services::check_ins::schedule(db, setting_id, zone, started_at, now).await?;
    let answered = plans::check_ins_answered(db, owner).await?;
    let open = domain::check_in::end_review_open(&check_ins, today);
    let lines = check_ins
        .into_iter()
        .map(|c| CheckInLine {
            state: c.state(today, answered.contains(&c.number)),
            number: c.number,
            dates: c.term.dates(),
            due: domain::zone::day_words(c.term.last),
            name: c.name,
        })
        .collect();
    Ok((lines, open))
}

/// A plan shared with the SENCo, for her list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedPlanRow {
    pub owner_id: i64,
    pub owner_name: String,
    pub goals: i64,
    pub agreed: bool,
    pub updated_at: i64,
}

/// Whose plan `owner` names (0: the asker's own) and on which side the asker acts: its
/// author, or a SENCo of the author's setting. Anyone else is refused; whether the plan is
/// shared is checked by the store, inside the same transaction as what it does.
#[cfg(feature = "ssr")]
async fn side(me: &domain::model::Me, owner: i64) -> Result<(i64, Side), AppError> {
    if owner == 0 || owner == me.id {
        return Ok((me.id, Side::Author));
    }
    if me.role != domain::model::Role::Senco {
        return Err(AppError::Forbidden);
    }
    match services::store::users::setting_of(&db()?, owner).await? {
        Some(setting) if setting == me.setting_id => Ok((owner, Side::Senco)),
        _ => Err(not_shared()),
    }
}

#[cfg(feature = "ssr")]
fn not_shared() -> AppError {
    AppError::NotFound("There is no plan shared with you at this address.".into())
}

#[cfg(feature = "ssr")]
fn stale() -> AppError {
    AppError::invalid(
        "plan",
        "The plan changed while you had it open. What you typed is still here: reload the page to see the new version, then send it again.",
    )
}

/// A store outcome as the answer to the person.
#[cfg(feature = "ssr")]
fn answer(outcome: Outcome) -> Result<i64, AppError> {
    match outcome {
        Outcome::Done(rev) => Ok(rev),
        Outcome::Stale => Err(stale()),
        Outcome::NotShared => Err(not_shared()),
        Outcome::NotYours => Err(super::form_used()),
    }
}

/// The plan of `owner` (0: one's own). A SENCo's reading is written to the audit log.
#[server(endpoint = "plan/view")]
pub async fn read_plan(#[server(default)] owner: i64) -> Result<PlanView, AppError> {
    let me = require(Need::SignedIn)?;
    let (owner, side) = side(&me, owner).await?;
    let (db, course) = (db()?, course()?);
    let plan = match side {
        Side::Author => plans::get(&db, owner).await?,
        Side::Senco => {
            let plan = plans::get_shared(&db, me.setting_id, owner)
                .await?
                .ok_or_else(not_shared)?;
            plans::audit_read(&db, me.id, owner).await?;
            Some(plan)
        }
    };
    let suggested = store::get(&db, owner, Stage::Start)
        .await?
        .map(|r| r.suggested_modules())
        .unwrap_or_default();
    let modules = course
        .modules
        .iter()
        .map(|m| ModuleChoice {
            key: m.key.clone(),
            title: format!("Module {}: {}", m.number, m.title),
            suggested: suggested.contains(&m.key.as_str()),
        })
        .collect();
    let history = plans::events(&db, owner)
        .await?
        .into_iter()
        .map(|e| HistoryLine {
            who: match (e.actor_id == Some(me.id), e.who) {
                (true, _) => "You".into(),
                (false, Some(name)) => name,
                (false, None) => "A former colleague".into(),
            },
            kind: e.kind,
            comment: (e.kind == EventKind::Comment).then_some(e.body),
            at: e.at,
        })
        .collect();
    let read_by = match side {
        Side::Author => plans::reads(&db, owner, 20).await?,
        Side::Senco => Vec::new(),
    };
    let (check_ins, end_review_open) = match &plan {
        Some(p) => rhythm(&db, owner, me.setting_id, &me.zone, p.started_at).await?,
        None => (Vec::new(), false),
    };
    let started_on = plan
        .as_ref()
        .map(|p| domain::terms::iso(me.zone.day(p.started_at)))
        .unwrap_or_default();
    Ok(match plan {
        Some(p) => PlanView {
            owner_id: p.owner_id,
            owner_name: p.owner_name,
            mine: side == Side::Author,
            agreement: Agreement::of(p.rev, p.author_agreed_rev, p.senco_agreed_rev),
            rev: p.rev,
            goals: p.goals,
            shared: p.shared_at.is_some(),
            history,
            modules,
            read_by,
            check_ins,
            end_review_open,
            started_on,
        },
        None => PlanView {
            owner_id: me.id,
            owner_name: me.display_name.clone(),
            mine: true,
            rev: 0,
            goals: Vec::new(),
            shared: false,
            agreement: Agreement::Open,
            history,
            modules,
            read_by,
            check_ins,
            end_review_open,
            started_on,
        },
    })
}

/// Where a plan's page is, for its author or the SENCo.
#[cfg(feature = "ssr")]
fn plan_page(owner: &str) -> String {
    match owner.parse::<i64>() {
        Ok(id) if id > 0 => format!("/plan/of/{id}"),
        _ => "/plan".into(),
    }
}

/// Saves a plan's goals: the author's, or (shared) by her SENCo. Refused, with everything
/// typed kept, if the plan changed since the page was opened.
#[server(endpoint = "plan/save")]
pub async fn save_plan(#[server(flatten)] form: PlanForm) -> Result<(), AppError> {
    let outcome = save_goals(&form).await;
    let page = plan_page(&form.owner);
    let fields = form.fields();
    let keep: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let done = format!("{page}?done=saved#goals");
    super::answer_plain_form::<SavePlan>(&outcome, &done, &page, &keep);
    outcome
}

#[cfg(feature = "ssr")]
async fn save_goals(form: &PlanForm) -> Result<(), AppError> {
    let me = require_writer(Need::SignedIn).await?;
    let (owner, side) = side(&me, form.owner.trim().parse().unwrap_or(0)).await?;
    let course = course()?;
    let keys: Vec<&str> = course.modules.iter().map(|m| m.key.as_str()).collect();
    let goals = domain::plan::check(form, &keys).map_err(AppError::fields)?;
    let base_rev = form.base_rev.trim().parse().map_err(|_| stale())?;
    let op = super::form_op(&form.op)?;
    answer(plans::save(&db()?, owner, (me.id, side), base_rev, &goals, op).await?).map(|_| ())
}

/// Shares the person's own plan with her setting's SENCo (`share`), or stops sharing it.
#[server(endpoint = "plan/share")]
pub async fn share_plan(share: bool) -> Result<(), AppError> {
    let outcome = async {
        let me = require_writer(Need::SignedIn).await?;
        match plans::set_shared(&db()?, me.id, share).await? {
            Outcome::Stale => Err(AppError::invalid(
                "share",
                "Save at least one goal first; then you can share your plan.",
            )),
            outcome => answer(outcome).map(|_| ()),
        }
    }
    .await;
    let done = if share { "shared" } else { "withdrawn" };
    let done = format!("/plan?done={done}#sharing");
    super::answer_plain_form::<SharePlan>(&outcome, &done, "/plan", &[]);
    outcome
}

/// A comment on a plan (by its author or the SENCo it is shared with), about revision `rev`.
#[server(endpoint = "plan/comment")]
pub async fn comment_on_plan(
    owner: i64,
    rev: i64,
    comment: String,
    /// The form's id: a comment sent again (its answer lost) is said once.
    #[server(default)]
    op: String,
) -> Result<(), AppError> {
    let outcome = async {
        let me = require_writer(Need::SignedIn).await?;
        let (owner, side) = side(&me, owner).await?;
        let words = domain::plan::check_comment(&comment)
            .map_err(|message| AppError::invalid("comment", message))?;
        let op = super::form_op(&op)?;
        answer(plans::comment(&db()?, owner, (me.id, side), rev, &words, op).await?).map(|_| ())
    }
    .await;
    let page = plan_page(&owner.to_string());
    let done = format!("{page}?done=comment#conversation");
    super::answer_plain_form::<CommentOnPlan>(&outcome, &done, &page, &[("comment", &comment)]);
    outcome
}

/// Agrees the plan as it stands at `rev`, on the asker's side; agreed when both have.
#[server(endpoint = "plan/agree")]
pub async fn agree_plan(owner: i64, rev: i64) -> Result<(), AppError> {
    let outcome = async {
        let me = require_writer(Need::SignedIn).await?;
        let (owner, side) = side(&me, owner).await?;
        answer(plans::agree(&db()?, owner, (me.id, side), rev).await?).map(|_| ())
    }
    .await;
    let page = plan_page(&owner.to_string());
    let done = format!("{page}?done=agreed#agreement");
    super::answer_plain_form::<AgreePlan>(&outcome, &done, &page, &[]);
    outcome
}

/// The plans the SENCo's staff share with her.
#[server(endpoint = "plan/shared")]
pub async fn shared_plans() -> Result<Vec<SharedPlanRow>, AppError> {
    let me = require(SENCO)?;
    Ok(plans::shared_in(&db()?, me.setting_id)
        .await?
        .into_iter()
        .map(|p| SharedPlanRow {
            owner_id: p.owner_id,
            owner_name: p.owner_name,
            goals: p.goals,
            agreed: p.agreed,
            updated_at: p.updated_at,
        })
        .collect())
}

/// The picture of need across the setting's staff who share their plan, narrowed to a
/// sector and a role if asked ("" for all): counts only, small groups hidden.
#[server(endpoint = "plan/need")]
pub async fn picture_of_need(
    #[server(default)] sector: String,
    #[server(default)] role: String,
) -> Result<NeedPicture, AppError> {
    use domain::model::{Role, Sector};
    let me = require(SENCO)?;
    let (db, course) = (db()?, course()?);
    let sector = Sector::parse(&sector);
    let role = Role::parse(&role);
    let in_group =
        |s: Sector, r: Role| sector.is_none_or(|x| x == s) && role.is_none_or(|x| x == r);
    let ratings: Vec<_> = plans::shared_ratings(&db, me.setting_id)
        .await?
        .into_iter()
        .filter(|r| in_group(r.sector, r.role))
        .map(|r| (r.user_id, r.area, r.rating))
        .collect();
    let shared: Vec<_> = plans::shared_goals(&db, me.setting_id)
        .await?
        .into_iter()
        .filter(|g| in_group(g.sector, g.role))
        .collect();
    let done: Vec<(i64, i64)> = shared
        .iter()
        .map(|g| (g.user_id, g.check_ins_done))
        .collect();
    let goals: Vec<_> = shared
        .into_iter()
        .map(|g| {
            (
                g.user_id,
                g.goals.into_iter().flat_map(|g| g.modules).collect(),
            )
        })
        .collect();
    let keys: Vec<&str> = course.modules.iter().map(|m| m.key.as_str()).collect();
    let mut picture = NeedPicture::of(&ratings, &goals, &keys).with_check_ins(&done);
    // Shown with the modules' names.
    for (key, _) in &mut picture.modules {
        if let Some(m) = course.module(key) {
            *key = format!("Module {}: {}", m.number, m.title);
        }
    }
    Ok(picture)
}

/// A network's picture of need, for its moderators: counts per setting, never a person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkNeedView {
    pub network: String,
    pub settings: Vec<domain::plan::SettingNeed>,
}

/// The picture of need in each network the asker moderates (none for anyone else).
#[server(endpoint = "plan/network_need")]
pub async fn network_need() -> Result<Vec<NetworkNeedView>, AppError> {
    let me = require(Need::SignedIn)?;
    let db = db()?;
    let mut out = Vec::new();
    for (id, network) in plans::moderated_by(&db, me.id).await? {
        let ratings: Vec<_> = plans::network_ratings(&db, id)
            .await?
            .into_iter()
            .map(|r| (r.setting, r.user_id, r.area, r.rating))
            .collect();
        out.push(NetworkNeedView {
            network,
            settings: domain::plan::network_need(&ratings),
        });
    }
    Ok(out)
}
