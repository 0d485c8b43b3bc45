//! From need to action (issue 29): the SENCo proposes a community session or a practice
//! focus for an INSET day in answer to a need her staff share; it is offered on the plans of
//! those it is for, and each decides whether to add it to hers. The SENCo sees who added it
//! (they are told so), never who turned it down.

use domain::error::AppError;
use domain::proposal::{Kind, ProposalForm};
use domain::self_review::Area;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::server::{
    db,
    guard::{require, require_writer, Need, SENCO},
};
#[cfg(feature = "ssr")]
use services::store::proposals as store;

/// A proposal as the SENCo lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalView {
    pub id: String,
    pub kind: Kind,
    pub area: Area,
    /// "Everyone" or a sector's name.
    pub for_whom: String,
    pub title: String,
    pub details: String,
    /// "12 March 2027", or empty when not fixed.
    pub day: String,
    /// The people who added it to their plan.
    pub joined: Vec<String>,
}

/// A proposal as offered to one person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferView {
    pub id: String,
    pub kind: Kind,
    pub area: Area,
    pub title: String,
    pub details: String,
    pub day: String,
    /// Who proposed it ("Your SENCo" once her account is gone).
    pub from: String,
    /// None: not answered; Some(true): on her plan.
    pub joined: Option<bool>,
    pub withdrawn: bool,
}

/// Proposes something for a need. Works as a plain form: back to the page, with what was
/// typed kept when refused.
#[server(endpoint = "plan/propose")]
pub async fn propose(#[server(flatten)] form: ProposalForm) -> Result<(), AppError> {
    let outcome = async {
        let me = require_writer(SENCO).await?;
        let today = me.zone.day(services::store::now());
        let proposal = domain::proposal::check(&form, today).map_err(AppError::fields)?;
        let op = super::form_op(&form.op)?;
        match store::create(&db()?, me.setting_id, me.id, &proposal, op).await? {
            Some(_) => Ok(()),
            None => Err(super::form_used()),
        }
    }
    .await;
    let fields = form.fields();
    super::answer_plain_form::<Propose>(
        &outcome,
        "/plan/proposals?done=proposed#proposed",
        "/plan/proposals",
        &fields,
    );
    outcome
}

/// Withdraws one of the setting's proposals: gone from the plans of those who had not
/// added it, shown as called off to those who had.
#[server(endpoint = "plan/withdraw_proposal")]
pub async fn withdraw_proposal(id: String) -> Result<(), AppError> {
    let outcome = async {
        let me = require_writer(SENCO).await?;
        if store::withdraw(&db()?, me.setting_id, id.trim()).await? {
            Ok(())
        } else {
            Err(not_found())
        }
    }
    .await;
    super::answer_plain_form::<WithdrawProposal>(
        &outcome,
        "/plan/proposals?done=withdrawn#proposed",
        "/plan/proposals",
        &[],
    );
    outcome
}

#[cfg(feature = "ssr")]
fn not_found() -> AppError {
    AppError::NotFound(
        "There is no open proposal at this address: it may have been withdrawn.".into(),
    )
}

/// The setting's open proposals, each with who added it to her plan.
#[server(endpoint = "plan/proposals")]
pub async fn proposals() -> Result<Vec<ProposalView>, AppError> {
    let me = require(SENCO)?;
    let db = db()?;
    let joined = store::joined(&db, me.setting_id).await?;
    Ok(store::in_setting(&db, me.setting_id)
        .await?
        .into_iter()
        .map(|p| ProposalView {
            joined: joined
                .iter()
                .filter(|(id, _)| *id == p.id)
                .map(|(_, name)| name.clone())
                .collect(),
            for_whom: p
                .sector
                .map_or("Everyone".to_string(), |s| s.label().to_string()),
            day: p.day.map(domain::zone::day_words).unwrap_or_default(),
            id: p.id,
            kind: p.kind,
            area: p.area,
            title: p.title,
            details: p.details,
        })
        .collect())
}

/// What the setting's SENCo offers the asker for her plan.
#[server(endpoint = "plan/offers")]
pub async fn offers() -> Result<Vec<OfferView>, AppError> {
    let me = require(Need::SignedIn)?;
    Ok(store::offers(&db()?, me.id, me.setting_id, me.sector)
        .await?
        .into_iter()
        .map(|o| OfferView {
            from: o.author.unwrap_or_else(|| "Your SENCo".into()),
            day: o.day.map(domain::zone::day_words).unwrap_or_default(),
            id: o.id,
            kind: o.kind,
            area: o.area,
            title: o.title,
            details: o.details,
            joined: o.joined,
            withdrawn: o.withdrawn,
        })
        .collect())
}

/// The asker's answer to an offer: on her plan (`join`), or not for her.
#[server(endpoint = "plan/answer_offer")]
pub async fn answer_offer(id: String, join: bool) -> Result<(), AppError> {
    let outcome = async {
        let me = require_writer(Need::SignedIn).await?;
        if store::answer(&db()?, me.id, me.setting_id, me.sector, id.trim(), join).await? {
            Ok(())
        } else {
            Err(not_found())
        }
    }
    .await;
    let done = if join { "joined" } else { "declined" };
    super::answer_plain_form::<AnswerOffer>(
        &outcome,
        &format!("/plan?done={done}#offers"),
        "/plan",
        &[],
    );
    outcome
}
