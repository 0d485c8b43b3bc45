//! A setting admin's tools: staff, roles and invite codes. Everything is scoped to the
//! admin's own setting.

use domain::error::AppError;
use domain::model::{Invite, Member};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::server::{
    db,
    guard::{require, ADMIN},
};
#[cfg(feature = "ssr")]
use domain::{
    model::Role,
    validate::{self, Checks},
};
#[cfg(feature = "ssr")]
use services::store::{invites, settings, users};

#[server(endpoint = "admin/staff")]
pub async fn staff() -> Result<Vec<Member>, AppError> {
    let me = require(ADMIN)?;
    Ok(users::members(&db()?, me.setting_id).await?)
}

#[server(endpoint = "admin/invites")]
pub async fn invite_codes() -> Result<Vec<Invite>, AppError> {
    let me = require(ADMIN)?;
    Ok(invites::list(&db()?, me.setting_id).await?)
}

#[server(endpoint = "admin/create_invite")]
pub async fn create_invite(
    role: String,
    days: String,
    #[server(default)] uses: String,
) -> Result<Invite, AppError> {
    let me = require(ADMIN)?;
    let mut checks = Checks::new();
    let role = checks.check("role", validate::role(&role));
    let days = checks.check("days", validate::invite_days(&days));
    let uses = checks.check("uses", validate::invite_uses(&uses));
    checks.finish()?;
    let (Some(role), Some(days), Some(uses)) = (role, days, uses) else {
        return Err(AppError::Internal);
    };
    let invite = invites::create(&db()?, me.setting_id, role, days, Some(me.id), uses).await?;
    // The page shows the new code at the top (its banner reads `invite`).
    super::redirect_plain_form(&format!("/admin?invite={}", invite.code));
    Ok(invite)
}

/// The admin vouches for someone who joined with an open invite code and could not prove
/// their address by email (Tandem sends none): they can sign in from now on. The admin
/// should check with the person first that the address is really theirs.
#[server(endpoint = "admin/confirm")]
pub async fn confirm_member(user_id: i64) -> Result<(), AppError> {
    let me = require(ADMIN)?;
    if !users::confirm(&db()?, me.setting_id, user_id).await? {
        return Err(AppError::NotFound(
            "There is nobody waiting to be confirmed with that id in your setting.".into(),
        ));
    }
    super::redirect_plain_form("/admin");
    Ok(())
}

/// The time zone everyone in the admin's setting sees dates in.
#[server(endpoint = "admin/time_zone")]
pub async fn set_time_zone(time_zone: String) -> Result<(), AppError> {
    let me = require(ADMIN)?;
    let name = time_zone.trim();
    if name.len() > 64 || domain::zone::Zone::named(name).is_none() {
        return Err(AppError::invalid(
            "time_zone",
            "Choose a time zone from the list (or its name in the time zone database, such as Europe/London).",
        ));
    }
    settings::set_time_zone(&db()?, me.setting_id, name).await?;
    super::redirect_plain_form("/admin");
    Ok(())
}

/// The setting's own term dates (the half-terms a CPD plan's check-ins follow), as the
/// admin edits them; empty while England's usual dates are used.
#[server(endpoint = "admin/term_dates")]
pub async fn term_dates() -> Result<String, AppError> {
    let me = require(ADMIN)?;
    let own = services::store::term_dates::get(&db()?, me.setting_id).await?;
    Ok(domain::terms::text(&own))
}

/// Replaces the setting's term dates: one half-term per line; empty for England's.
#[server(endpoint = "admin/set_term_dates")]
pub async fn set_term_dates(terms: String) -> Result<(), AppError> {
    let outcome = save_term_dates(&terms).await;
    super::answer_plain_form::<SetTermDates>(
        &outcome,
        "/admin?terms=saved#terms-heading",
        "/admin",
        &[("terms", &terms)],
    );
    outcome
}

#[cfg(feature = "ssr")]
async fn save_term_dates(text: &str) -> Result<(), AppError> {
    let me = require(ADMIN)?;
    if text.len() > 4_000 {
        return Err(AppError::invalid(
            "terms",
            "That is far more than four school years of half-terms: enter one half-term per line.",
        ));
    }
    let terms = domain::terms::parse(text)
        .map_err(|problems| AppError::invalid("terms", problems.join(" ")))?;
    services::store::term_dates::set(&db()?, me.setting_id, &terms).await?;
    Ok(())
}

#[server(endpoint = "admin/revoke_invite")]
pub async fn revoke_invite(code: String) -> Result<(), AppError> {
    let me = require(ADMIN)?;
    if !invites::revoke(&db()?, me.setting_id, code.trim()).await? {
        return Err(AppError::NotFound(
            "There is no such invite code in your setting.".into(),
        ));
    }
    super::redirect_plain_form("/admin");
    Ok(())
}

/// The member, if they are in the admin's setting; refuses changes that would leave the
/// setting without an active admin.
#[cfg(feature = "ssr")]
async fn member_to_change(
    me: &domain::model::Me,
    user_id: i64,
    keeps_admin: bool,
) -> Result<Member, AppError> {
    let db = db()?;
    let member = users::member(&db, me.setting_id, user_id)
        .await?
        .ok_or_else(|| AppError::NotFound("That person is not in your setting.".into()))?;
    if member.role == Role::Admin
        && member.active
        && !keeps_admin
        && users::active_admins(&db, me.setting_id).await? <= 1
    {
        return Err(AppError::invalid(
            "role",
            "A setting needs at least one active admin. Make someone else an admin first.",
        ));
    }
    Ok(member)
}

#[server(endpoint = "admin/change_role")]
pub async fn change_role(user_id: i64, role: String) -> Result<(), AppError> {
    let me = require(ADMIN)?;
    let role = validate::role(&role).map_err(|m| AppError::invalid("role", m))?;
    let member = member_to_change(&me, user_id, role == Role::Admin).await?;
    users::set_role(&db()?, member.id, role).await?;
    super::redirect_plain_form("/admin");
    Ok(())
}

#[server(endpoint = "admin/set_active")]
pub async fn set_member_active(user_id: i64, active: bool) -> Result<(), AppError> {
    let me = require(ADMIN)?;
    if user_id == me.id && !active {
        return Err(AppError::invalid(
            "role",
            "You cannot deactivate your own account.",
        ));
    }
    let member = member_to_change(&me, user_id, active).await?;
    users::set_active(&db()?, member.id, active).await?;
    super::redirect_plain_form("/admin");
    Ok(())
}
