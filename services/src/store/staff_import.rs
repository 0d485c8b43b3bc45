//! Staff imported from a spreadsheet: the file as read is kept, the preview compares each
//! row with the accounts and invites there are now, and applying it makes a personal
//! invite for each new person and changes the roles shown. Applying the same file again
//! changes nothing.

use super::now;
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

/// How long a personal invite from an import lasts.
pub const INVITE_DAYS: i64 = 30;

#[engines::both]
mod sql {
    use super::*;

    pub async fn save(
        db: &Db,
        setting_id: i64,
        admin_id: i64,
        file_name: &str,
        parsed: &Parsed,
    ) -> Result<String, sqlx::Error> {
        let id = uuid::Uuid::new_v4().to_string();
        let rows = serde_json::to_string(&parsed.rows).unwrap_or_default();
        let bad = serde_json::to_string(&parsed.bad).unwrap_or_default();
        let at = now();
        sqlx::query!(
        "INSERT INTO staff_imports (id, setting_id, admin_id, file_name, rows, bad, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        id,
        setting_id,
        admin_id,
        file_name,
        rows,
        bad,
        at
    )
    .write_in_turn(db)
    .await?;
        Ok(id)
    }

    /// The import, with each row compared to the accounts and invites there are now. None when
    /// it is not this setting's.
    pub async fn preview(
        db: &Db,
        setting_id: i64,
        id: &str,
    ) -> Result<Option<Import>, sqlx::Error> {
        let mut conn = db.pool().acquire().await?;
        load(&mut conn, setting_id, id).await
    }

    async fn load(
        conn: &mut Conn,
        setting_id: i64,
        id: &str,
    ) -> Result<Option<Import>, sqlx::Error> {
        let row = sqlx::query!(
        "SELECT file_name, rows, bad, created_at, applied_at, outcome FROM staff_imports WHERE id = $1 AND setting_id = $2",
        id,
        setting_id
    )
    .fetch_optional(&mut *conn)
    .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        // Applied: what it did. Not yet: how each row compares with the accounts now.
        let done = row
            .outcome
            .as_deref()
            .and_then(|o| serde_json::from_str::<Vec<Planned>>(o).ok());
        let planned = match done {
            Some(planned) => planned,
            None => {
                let rows: Vec<ImportRow> = serde_json::from_str(&row.rows).unwrap_or_default();
                let mut planned = Vec::with_capacity(rows.len());
                for row in rows {
                    let (change, code) = compare(conn, setting_id, &row).await?;
                    planned.push(Planned { row, change, code });
                }
                keep_an_admin(conn, setting_id, &mut planned).await?;
                planned
            }
        };
        Ok(Some(Import {
            id: id.to_string(),
            file_name: row.file_name,
            created_at: row.created_at,
            applied_at: row.applied_at,
            planned,
            bad: serde_json::from_str(&row.bad).unwrap_or_default(),
        }))
    }

    async fn compare(
        conn: &mut Conn,
        setting_id: i64,
        row: &ImportRow,
    ) -> Result<(Change, Option<String>), sqlx::Error> {
        let account = sqlx::query!(
        r#"SELECT setting_id, role AS "role: Role", active AS "active: bool" FROM users WHERE email = $1"#,
        row.email
    )
    .fetch_optional(&mut *conn)
    .await?
    .map(|a| (a.setting_id, a.role, a.active));
        let change = match account {
            Some((s, _, _)) if s != setting_id => Change::OtherSetting,
            Some((_, _, false)) => Change::Deactivated,
            Some((_, role, true)) if role != row.role => Change::RoleChange {
                from: role,
                to: row.role,
            },
            Some(_) => Change::Unchanged,
            None => {
                let at = now();
                let code = sqlx::query_scalar!(
                r#"SELECT code AS "code!" FROM invites
                 WHERE setting_id = $1 AND email = $2 AND revoked_at IS NULL AND uses = 0 AND expires_at > $3
                 ORDER BY created_at DESC LIMIT 1"#,
                setting_id,
                row.email,
                at
            )
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
        conn: &mut Conn,
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
        let admins = sqlx::query_scalar!(
            r#"SELECT COUNT(*) AS "n!" FROM users WHERE setting_id = $1 AND role = 'admin' AND active = TRUE"#,
            setting_id
        )
        .fetch_one(&mut *conn)
        .await?;
        if admins - demoted < 1 {
            for p in planned.iter_mut().filter(|p| demotes(&p.change)) {
                p.change = Change::LastAdmin;
            }
        }
        Ok(())
    }

    /// Applies the import as it compares now, in one transaction. Returns it as applied (with
    /// the codes made), or None when it is not this setting's.
    pub async fn apply(
        db: &Db,
        setting_id: i64,
        admin_id: i64,
        id: &str,
    ) -> Result<Option<Import>, sqlx::Error> {
        let mut tx = write(db).await?;
        let Some(mut import) = load(&mut tx, setting_id, id).await? else {
            return Ok(None);
        };
        if import.applied_at.is_some() {
            // Applied before (a second click, a retried request): what it did then.
            return Ok(Some(import));
        }
        let at = now();
        for p in &mut import.planned {
            match p.change {
                Change::Invite => {
                    let code = crate::store::invites::new_code();
                    let expires_at = at + INVITE_DAYS * 86_400;
                    sqlx::query!(
                    "INSERT INTO invites (code, setting_id, role, created_by, created_at, expires_at, max_uses, email, display_name, import_id)
                     VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $9)",
                    code,
                    setting_id,
                    p.row.role as _,
                    admin_id,
                    at,
                    expires_at,
                    p.row.email,
                    p.row.name,
                    id
                )
                .execute(&mut *tx)
                .await?;
                    p.code = Some(code);
                }
                Change::RoleChange { to, .. } => {
                    sqlx::query!(
                    "UPDATE users SET role = $1 WHERE email = $2 AND setting_id = $3 AND active = TRUE",
                    to as _,
                    p.row.email,
                    setting_id
                )
                .execute(&mut *tx)
                .await?;
                }
                _ => {}
            }
        }
        let outcome = serde_json::to_string(&import.planned).unwrap_or_default();
        sqlx::query!(
            "UPDATE staff_imports SET applied_at = $1, outcome = $2 WHERE id = $3",
            at,
            outcome,
            id
        )
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
        let rows = sqlx::query!(
        r#"SELECT display_name AS "display_name!", email AS "email!", role AS "role: Role", code AS "code!", expires_at FROM invites
         WHERE import_id = $1 AND setting_id = $2 AND revoked_at IS NULL AND uses = 0
         ORDER BY display_name COLLATE NOCASE"#,
        id,
        setting_id
    )
    .fetch_all(db.pool())
    .await?;
        Ok(rows
            .into_iter()
            .map(|r| (r.display_name, r.email, r.role, r.code, r.expires_at))
            .collect())
    }

    /// Personal invites to email now: (code, name, email, setting name). Only to addresses in
    /// the setting's approved sign-in domains (unless the operator allowed any address for the
    /// setting), and no more than `per_day` a setting in a day.
    pub async fn unsent_invites(
        db: &Db,
        per_day: i64,
    ) -> Result<Vec<(String, String, String, String)>, sqlx::Error> {
        let now = now();
        let rows = sqlx::query!(
        r#"SELECT i.setting_id,
                (SELECT COUNT(*) FROM invites j WHERE j.setting_id = i.setting_id AND j.emailed_at > CAST($1 AS BIGINT) - 86400) AS "already!: i64",
                i.code AS "code!", i.display_name AS "name!", i.email AS "email!", s.name AS setting
         FROM invites i JOIN settings s ON s.id = i.setting_id
         WHERE i.email IS NOT NULL AND i.emailed_at IS NULL AND i.revoked_at IS NULL AND i.uses = 0 AND i.expires_at > $1
           AND (s.invite_mail_any = TRUE OR EXISTS (
                 SELECT 1 FROM sign_in_domains d WHERE d.setting_id = s.id AND d.approved_at IS NOT NULL
                   AND d.domain = substr(i.email, instr(i.email, '@') + 1)))
         ORDER BY i.created_at, i.code LIMIT 200"#,
        now
    )
    .fetch_all(db.pool())
    .await?;
        let mut sent_today = std::collections::HashMap::new();
        Ok(rows
            .into_iter()
            .filter(|r| {
                let n = sent_today.entry(r.setting_id).or_insert(r.already);
                *n += 1;
                *n <= per_day
            })
            .map(|r| (r.code, r.name, r.email, r.setting))
            .collect())
    }

    pub async fn mark_emailed(db: &Db, code: &str) -> Result<(), sqlx::Error> {
        let at = now();
        sqlx::query!(
            "UPDATE invites SET emailed_at = $1 WHERE code = $2",
            at,
            code
        )
        .write_in_turn(db)
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{settings, test_db, users};
    use domain::model::Sector;

    fn row(line: usize, email: &str, role: Role) -> ImportRow {
        ImportRow {
            line,
            name: format!("Name {line}"),
            email: email.into(),
            role,
            sector: None,
        }
    }

    fn changes(import: &Import) -> Vec<(&str, &Change)> {
        import
            .planned
            .iter()
            .map(|p| (p.row.email.as_str(), &p.change))
            .collect()
    }

    /// A file compared with the accounts there are: a new person is invited once, a role is
    /// changed, and accounts elsewhere, closed ones and the last admin are left alone;
    /// applying the file again changes nothing.
    #[tokio::test]
    async fn an_import_invites_new_people_once_and_changes_only_what_it_may() {
        let db = test_db::fresh().await;
        let ash = settings::create(&db, "Ash", Sector::SchoolAge)
            .await
            .unwrap();
        let (_, admin) = test_db::person(&db, "admin@ash.test", Role::Admin, Some(ash)).await;
        let (_, teacher) = test_db::person(&db, "t@ash.test", Role::Practitioner, Some(ash)).await;
        let (_, closed) =
            test_db::person(&db, "gone@ash.test", Role::Practitioner, Some(ash)).await;
        users::set_active(&db, closed, false).await.unwrap();
        test_db::person(&db, "else@elm.test", Role::Practitioner, None).await;
        let parsed = Parsed {
            rows: vec![
                row(2, "new@ash.test", Role::Practitioner),
                row(3, "t@ash.test", Role::Senco),
                row(4, "gone@ash.test", Role::Senco),
                row(5, "else@elm.test", Role::Practitioner),
                row(6, "admin@ash.test", Role::Practitioner),
            ],
            bad: vec![BadRow {
                line: 7,
                text: "x".into(),
                problem: "no email".into(),
            }],
        };
        let id = save(&db, ash, admin, "staff.csv", &parsed).await.unwrap();
        let other = settings::create(&db, "Oak", Sector::SchoolAge)
            .await
            .unwrap();
        assert!(
            preview(&db, other, &id).await.unwrap().is_none(),
            "not another setting's"
        );

        let seen = preview(&db, ash, &id).await.unwrap().unwrap();
        assert_eq!(seen.bad, parsed.bad);
        assert_eq!(
            changes(&seen),
            [
                ("new@ash.test", &Change::Invite),
                (
                    "t@ash.test",
                    &Change::RoleChange {
                        from: Role::Practitioner,
                        to: Role::Senco
                    }
                ),
                ("gone@ash.test", &Change::Deactivated),
                ("else@elm.test", &Change::OtherSetting),
                ("admin@ash.test", &Change::LastAdmin),
            ]
        );
        assert!(apply(&db, other, admin, &id).await.unwrap().is_none());
        let applied = apply(&db, ash, admin, &id).await.unwrap().unwrap();
        assert!(applied.applied_at.is_some());
        let code = applied.planned[0].code.clone().expect("a personal invite");
        assert_eq!(
            users::member(&db, ash, teacher)
                .await
                .unwrap()
                .unwrap()
                .role,
            Role::Senco
        );
        assert_eq!(
            users::member(&db, ash, admin).await.unwrap().unwrap().role,
            Role::Admin
        );
        let sheet = codes(&db, ash, &id).await.unwrap();
        assert_eq!(sheet.len(), 1);
        assert_eq!(
            (sheet[0].1.as_str(), sheet[0].3.as_str()),
            ("new@ash.test", code.as_str())
        );

        // Afterwards the import reads as what it did (not compared again, when the people
        // it invited would read as "already invited"), and applying again changes nothing.
        let after = preview(&db, ash, &id).await.unwrap().unwrap();
        assert_eq!(after, applied);
        assert_eq!(after.planned[0].change, Change::Invite);
        let again = apply(&db, ash, admin, &id).await.unwrap().unwrap();
        assert_eq!(again, applied);
        assert_eq!(
            codes(&db, ash, &id).await.unwrap().len(),
            1,
            "no second invite"
        );
    }

    /// Invites are emailed only to the setting's approved domains (or any address when the
    /// operator allows it), and no more than the day's allowance a setting.
    #[tokio::test]
    async fn invites_are_emailed_to_approved_domains_within_the_days_allowance() {
        let db = test_db::fresh().await;
        let ash = settings::create(&db, "Ash", Sector::SchoolAge)
            .await
            .unwrap();
        let (_, admin) = test_db::person(&db, "admin@ash.test", Role::Admin, Some(ash)).await;
        let parsed = Parsed {
            rows: (2..6)
                .map(|n| row(n, &format!("p{n}@ash.test"), Role::Practitioner))
                .collect(),
            bad: vec![],
        };
        let id = save(&db, ash, admin, "staff.csv", &parsed).await.unwrap();
        apply(&db, ash, admin, &id).await.unwrap().unwrap();
        assert!(
            unsent_invites(&db, 10).await.unwrap().is_empty(),
            "no approved domain yet"
        );

        settings::set_invite_mail_any(&db, ash, true).await.unwrap();
        let due = unsent_invites(&db, 3).await.unwrap();
        assert_eq!(due.len(), 3, "three a day");
        assert!(due
            .iter()
            .all(|(_, _, email, setting)| email.ends_with("@ash.test") && setting == "Ash"));
        for (code, ..) in &due {
            mark_emailed(&db, code).await.unwrap();
        }
        assert!(
            unsent_invites(&db, 3).await.unwrap().is_empty(),
            "the day's three are sent"
        );
        assert_eq!(
            unsent_invites(&db, 4).await.unwrap().len(),
            1,
            "the fourth, on a bigger allowance"
        );
    }
}
