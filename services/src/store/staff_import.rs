//! Staff imported from a spreadsheet: the file as read is kept, the preview compares each
//! row with the accounts and invites there are now, and applying it makes a personal
//! invite for each new person and changes the roles shown. Applying the same file again
//! changes nothing.

use super::{now, Db};
use domain::model::Role;
use domain::staff::import::{BadRow, ImportRow, Parsed};
use serde::{Deserialize, Serialize};

/// What applying a row would do (or did).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    /// No account or invite yet: a personal invite is made.
    Invite,
    /// Invited before and not joined yet.
    AlreadyInvited,
    Unchanged,
    RoleChange {
        from: Role,
        to: Role,
    },
    /// The account is closed; an import does not reopen it.
    Deactivated,
    /// The address has an account in another setting.
    OtherSetting,
    /// A change away from admin that would leave the setting with no admin: not made (the
    /// same rule as changing a role on Staff and invites).
    LastAdmin,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Planned {
    pub row: ImportRow,
    pub change: Change,
    /// The invite code, once made (or the one made before).
    pub code: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Import {
    pub id: String,
    pub file_name: String,
    pub created_at: i64,
    pub applied_at: Option<i64>,
    pub planned: Vec<Planned>,
    pub bad: Vec<BadRow>,
}

pub async fn save(
    db: &Db,
    setting_id: i64,
    admin_id: i64,
    file_name: &str,
    parsed: &Parsed,
) -> Result<String, sqlx::Error> {
    use super::WriteOne;
    let id = uuid::Uuid::new_v4().to_string();
    let rows = serde_json::to_string(&parsed.rows).unwrap_or_default();
    let bad = serde_json::to_string(&parsed.bad).unwrap_or_default();
    sqlx::query(
        "INSERT INTO staff_imports (id, setting_id, admin_id, file_name, rows, bad, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(setting_id)
    .bind(admin_id)
    .bind(file_name)
    .bind(rows)
    .bind(bad)
    .bind(now())
    .write_in_turn(db)
    .await?;
    Ok(id)
}

/// The import, with each row compared to the accounts and invites there are now. None when
/// it is not this setting's.
pub async fn preview(db: &Db, setting_id: i64, id: &str) -> Result<Option<Import>, sqlx::Error> {
    let mut conn = db.pool().acquire().await?;
    load(&mut conn, setting_id, id).await
}

async fn load(
    conn: &mut sqlx::SqliteConnection,
    setting_id: i64,
    id: &str,
) -> Result<Option<Import>, sqlx::Error> {
    let row: Option<(String, String, String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT file_name, rows, bad, created_at, applied_at FROM staff_imports WHERE id = ? AND setting_id = ?",
    )
    .bind(id)
    .bind(setting_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((file_name, rows, bad, created_at, applied_at)) = row else {
        return Ok(None);
    };
    let rows: Vec<ImportRow> = serde_json::from_str(&rows).unwrap_or_default();
    let mut planned = Vec::with_capacity(rows.len());
    for row in rows {
        let (change, code) = compare(conn, setting_id, &row).await?;
        planned.push(Planned { row, change, code });
    }
    keep_an_admin(conn, setting_id, &mut planned).await?;
    Ok(Some(Import {
        id: id.to_string(),
        file_name,
        created_at,
        applied_at,
        planned,
        bad: serde_json::from_str(&bad).unwrap_or_default(),
    }))
}

async fn compare(
    conn: &mut sqlx::SqliteConnection,
    setting_id: i64,
    row: &ImportRow,
) -> Result<(Change, Option<String>), sqlx::Error> {
    let account: Option<(i64, Role, bool)> =
        sqlx::query_as("SELECT setting_id, role, active FROM users WHERE email = ?")
            .bind(&row.email)
            .fetch_optional(&mut *conn)
            .await?;
    let change = match account {
        Some((s, _, _)) if s != setting_id => Change::OtherSetting,
        Some((_, _, false)) => Change::Deactivated,
        Some((_, role, true)) if role != row.role => Change::RoleChange {
            from: role,
            to: row.role,
        },
        Some(_) => Change::Unchanged,
        None => {
            let code: Option<String> = sqlx::query_scalar(
                "SELECT code FROM invites WHERE setting_id = ? AND email = ? AND revoked_at IS NULL AND uses = 0 AND expires_at > ?
                 ORDER BY created_at DESC LIMIT 1",
            )
            .bind(setting_id)
            .bind(&row.email)
            .bind(now())
            .fetch_optional(&mut *conn)
            .await?;
            return Ok(match code {
                Some(code) => (Change::AlreadyInvited, Some(code)),
                None => (Change::Invite, None),
            });
        }
    };
    Ok((change, None))
}

/// A file that would take away every admin's role changes none of them.
async fn keep_an_admin(
    conn: &mut sqlx::SqliteConnection,
    setting_id: i64,
    planned: &mut [Planned],
) -> Result<(), sqlx::Error> {
    let demotes = |c: &Change| {
        matches!(
            c,
            Change::RoleChange {
                from: Role::Admin,
                ..
            }
        )
    };
    let demoted = planned.iter().filter(|p| demotes(&p.change)).count() as i64;
    if demoted == 0 {
        return Ok(());
    }
    let admins: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE setting_id = ? AND role = 'admin' AND active = 1",
    )
    .bind(setting_id)
    .fetch_one(&mut *conn)
    .await?;
    if admins - demoted < 1 {
        for p in planned.iter_mut().filter(|p| demotes(&p.change)) {
            p.change = Change::LastAdmin;
        }
    }
    Ok(())
}

/// How long a personal invite from an import lasts.
pub const INVITE_DAYS: i64 = 30;

/// Applies the import as it compares now, in one transaction. Returns it as applied (with
/// the codes made), or None when it is not this setting's.
pub async fn apply(
    db: &Db,
    setting_id: i64,
    admin_id: i64,
    id: &str,
) -> Result<Option<Import>, sqlx::Error> {
    let mut tx = super::write(db).await?;
    let Some(mut import) = load(&mut tx, setting_id, id).await? else {
        return Ok(None);
    };
    let at = now();
    for p in &mut import.planned {
        match p.change {
            Change::Invite => {
                let code = super::invites::new_code();
                sqlx::query(
                    "INSERT INTO invites (code, setting_id, role, created_by, created_at, expires_at, max_uses, email, display_name, import_id)
                     VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
                )
                .bind(&code)
                .bind(setting_id)
                .bind(p.row.role)
                .bind(admin_id)
                .bind(at)
                .bind(at + INVITE_DAYS * 86_400)
                .bind(&p.row.email)
                .bind(&p.row.name)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                p.code = Some(code);
            }
            Change::RoleChange { to, .. } => {
                sqlx::query(
                    "UPDATE users SET role = ? WHERE email = ? AND setting_id = ? AND active = 1",
                )
                .bind(to)
                .bind(&p.row.email)
                .bind(setting_id)
                .execute(&mut *tx)
                .await?;
            }
            _ => {}
        }
    }
    sqlx::query("UPDATE staff_imports SET applied_at = ? WHERE id = ?")
        .bind(at)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    import.applied_at = Some(at);
    Ok(Some(import))
}

/// The personal invites an import made that are still waiting to be used, for the
/// printable sheet: (name, email, role, code, expires_at).
pub async fn codes(
    db: &Db,
    setting_id: i64,
    id: &str,
) -> Result<Vec<(String, String, Role, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT display_name, email, role, code, expires_at FROM invites
         WHERE import_id = ? AND setting_id = ? AND revoked_at IS NULL AND uses = 0
         ORDER BY display_name COLLATE NOCASE",
    )
    .bind(id)
    .bind(setting_id)
    .fetch_all(db.pool())
    .await
}

/// Personal invites to email now: (code, name, email, setting name). Only to addresses in
/// the setting's approved sign-in domains (unless the operator allowed any address for the
/// setting), and no more than `per_day` a setting in a day.
pub async fn unsent_invites(
    db: &Db,
    per_day: i64,
) -> Result<Vec<(String, String, String, String)>, sqlx::Error> {
    let rows: Vec<(i64, i64, String, String, String, String)> = sqlx::query_as(
        "SELECT i.setting_id,
                (SELECT COUNT(*) FROM invites j WHERE j.setting_id = i.setting_id AND j.emailed_at > ?1 - 86400),
                i.code, i.display_name, i.email, s.name
         FROM invites i JOIN settings s ON s.id = i.setting_id
         WHERE i.email IS NOT NULL AND i.emailed_at IS NULL AND i.revoked_at IS NULL AND i.uses = 0 AND i.expires_at > ?1
           AND (s.invite_mail_any = 1 OR EXISTS (
                 SELECT 1 FROM sign_in_domains d WHERE d.setting_id = s.id AND d.approved_at IS NOT NULL
                   AND d.domain = substr(i.email, instr(i.email, '@') + 1)))
         ORDER BY i.created_at, i.code LIMIT 200",
    )
    .bind(now())
    .fetch_all(db.pool())
    .await?;
    let mut sent_today = std::collections::HashMap::new();
    Ok(rows
        .into_iter()
        .filter(|(setting, already, ..)| {
            let n = sent_today.entry(*setting).or_insert(*already);
            *n += 1;
            *n <= per_day
        })
        .map(|(_, _, code, name, email, setting)| (code, name, email, setting))
        .collect())
}

pub async fn mark_emailed(db: &Db, code: &str) -> Result<(), sqlx::Error> {
    use super::WriteOne;
    sqlx::query("UPDATE invites SET emailed_at = ? WHERE code = ?")
        .bind(now())
        .bind(code)
        .write_in_turn(db)
        .await?;
    Ok(())
}
