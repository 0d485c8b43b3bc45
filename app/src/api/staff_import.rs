//! A staff import's preview, applying it, and the sheet of invite codes it made. The file
//! itself arrives at `POST /admin/import` (server/src/staff_import.rs).

use domain::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::server::{
    db,
    guard::{require, ADMIN},
};
#[cfg(feature = "ssr")]
use services::store::staff_import as store;

pub use domain::staff::import::{BadRow, ImportRow};

/// What happens to one row, as the page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RowView {
    pub row: ImportRow,
    pub what: String,
    /// The row needs the admin's eye (a role change, an account elsewhere).
    pub notable: bool,
    pub code: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportView {
    pub id: String,
    pub file_name: String,
    pub applied_at: Option<i64>,
    pub rows: Vec<RowView>,
    pub bad: Vec<BadRow>,
    pub invites: usize,
    pub role_changes: usize,
}

#[cfg(feature = "ssr")]
fn view_of(import: store::Import) -> ImportView {
    use store::Change;
    let done = import.applied_at.is_some();
    let rows: Vec<RowView> = import
        .planned
        .into_iter()
        .map(|p| {
            let (what, notable) = match (&p.change, done) {
                (Change::Invite, false) => ("New: gets a personal invite code".to_string(), false),
                (Change::Invite, true) => ("Invited".to_string(), false),
                (Change::AlreadyInvited, _) => {
                    ("Already invited, not joined yet".to_string(), false)
                }
                (Change::Unchanged, _) => ("Already in Tandem: no change".to_string(), false),
                (Change::RoleChange { from, to }, false) => (
                    format!("Role changes from {} to {}", from.label(), to.label()),
                    true,
                ),
                (Change::RoleChange { to, .. }, true) => {
                    (format!("Role changed to {}", to.label()), true)
                }
                (Change::Deactivated, _) => (
                    "Account deactivated: not changed (reactivate it on Staff and invites)"
                        .to_string(),
                    true,
                ),
                (Change::OtherSetting, _) => (
                    "Has an account in another setting: not imported".to_string(),
                    true,
                ),
                (Change::LastAdmin, _) => (
                    "Stays an admin: the setting would have no admin left".to_string(),
                    true,
                ),
            };
            RowView {
                row: p.row,
                what,
                notable,
                code: p.code,
            }
        })
        .collect();
    ImportView {
        invites: rows
            .iter()
            .filter(|r| r.what.starts_with("New") || r.what == "Invited")
            .count(),
        role_changes: rows.iter().filter(|r| r.what.starts_with("Role")).count(),
        id: import.id,
        file_name: import.file_name,
        applied_at: import.applied_at,
        rows,
        bad: import.bad,
    }
}

#[server(endpoint = "admin/import")]
pub async fn import_preview(id: String) -> Result<ImportView, AppError> {
    let me = require(ADMIN)?;
    store::preview(&db()?, me.setting_id, id.trim())
        .await?
        .map(view_of)
        .ok_or_else(|| AppError::NotFound("There is no such import in your setting.".into()))
}

#[server(endpoint = "admin/import_apply")]
pub async fn apply_import(id: String) -> Result<ImportView, AppError> {
    let me = require(ADMIN)?;
    let import = store::apply(&db()?, me.setting_id, me.id, id.trim())
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such import in your setting.".into()))?;
    super::redirect_plain_form(&format!("/admin/import/{}?applied=1", import.id));
    Ok(view_of(import))
}

/// One line of the printable sheet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CodeLine {
    pub name: String,
    pub email: String,
    pub role: domain::model::Role,
    pub code: String,
    pub expires_at: i64,
}

#[server(endpoint = "admin/import_codes")]
pub async fn import_codes(id: String) -> Result<Vec<CodeLine>, AppError> {
    let me = require(ADMIN)?;
    Ok(store::codes(&db()?, me.setting_id, id.trim())
        .await?
        .into_iter()
        .map(|(name, email, role, code, expires_at)| CodeLine {
            name,
            email,
            role,
            code,
            expires_at,
        })
        .collect())
}
