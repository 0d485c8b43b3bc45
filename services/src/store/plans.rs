//! A practitioner's CPD plan (`domain::plan`) and its history. Its author reads and changes
//! it; a SENCo of her setting only while she shares it, which every write here checks in
//! its own transaction (a share withdrawn a moment ago refuses the SENCo's next step).

use super::now;
use domain::check_in;
use domain::model::{Role, Sector};
use domain::plan::{EventKind, Goal};
use domain::review::AuditAction;
use domain::self_review::Area;

/// Who is acting on a plan: its author, or a SENCo of her setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Author,
    Senco,
}

/// A plan as kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub owner_id: i64,
    pub owner_name: String,
    pub rev: i64,
    pub goals: Vec<Goal>,
    pub shared_at: Option<i64>,
    pub author_agreed_rev: Option<i64>,
    pub senco_agreed_rev: Option<i64>,
    pub updated_at: i64,
    /// When its first goals were saved: its check-ins run from then.
    pub started_at: i64,
}

/// One line of a plan's history. `who` is None for someone since erased.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub kind: EventKind,
    pub actor_id: Option<i64>,
    pub who: Option<String>,
    pub rev: i64,
    /// A comment's words; for a change, the goals as they became (JSON).
    pub body: String,
    pub at: i64,
}

/// What became of a write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Outcome {
    /// Done; the plan is at this revision.
    Done(i64),
    /// The plan changed since the person read it (another revision, or none yet).
    Stale,
    /// Not the SENCo's to touch: no plan, or not shared.
    NotShared,
    /// The form's id (`op`) was used by someone else, or for another write.
    NotYours,
}

struct PlanRow {
    owner_id: i64,
    owner_name: String,
    rev: i64,
    goals: String,
    shared_at: Option<i64>,
    author_agreed_rev: Option<i64>,
    senco_agreed_rev: Option<i64>,
    updated_at: i64,
    started_at: i64,
}

impl From<PlanRow> for Plan {
    fn from(r: PlanRow) -> Plan {
        Plan {
            owner_id: r.owner_id,
            owner_name: r.owner_name,
            rev: r.rev,
            // Written only by `save`, from checked goals; unreadable text reads as none.
            goals: serde_json::from_str(&r.goals).unwrap_or_default(),
            shared_at: r.shared_at,
            author_agreed_rev: r.author_agreed_rev,
            senco_agreed_rev: r.senco_agreed_rev,
            updated_at: r.updated_at,
            started_at: r.started_at,
        }
    }
}

/// A shared plan in a SENCo's list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedPlan {
    pub owner_id: i64,
    pub owner_name: String,
    pub goals: i64,
    pub agreed: bool,
    pub updated_at: i64,
}

/// The author of a plan who may be reminded of a check-in by email.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToRemind {
    pub user_id: i64,
    pub email: String,
    pub name: String,
    pub setting_id: i64,
    pub time_zone: String,
    pub started_at: i64,
    /// Check-ins with something written.
    pub answered: Vec<u8>,
}

/// One rating in the self-review of someone who shares her plan, for the picture of need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedRating {
    pub user_id: i64,
    pub sector: Sector,
    pub role: Role,
    pub area: Area,
    pub rating: i64,
}

/// One rating of someone in a network's setting who shares her plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkRating {
    pub setting: String,
    pub user_id: i64,
    pub area: Area,
    pub rating: i64,
}

/// The goals of someone who shares her plan, for the picture of need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedGoals {
    pub user_id: i64,
    pub sector: Sector,
    pub role: Role,
    pub goals: Vec<Goal>,
    /// Check-ins with something written.
    pub check_ins_done: i64,
}

#[engines::both]
mod sql {
    use super::*;
    use crate::store::outcomes::key;
    use crate::store::outcomes::sql::{earlier_if, keep_if};

    /// The person's own plan, if she has written one.
    pub async fn get(db: &Db, owner: i64) -> Result<Option<Plan>, sqlx::Error> {
        let row = sqlx::query_as!(
            PlanRow,
            r#"SELECT p.user_id AS "owner_id!: i64", u.display_name AS owner_name, p.rev AS "rev!: i64",
                      p.goals, p.shared_at AS "shared_at: i64",
                      p.author_agreed_rev AS "author_agreed_rev: i64",
                      p.senco_agreed_rev AS "senco_agreed_rev: i64", p.updated_at AS "updated_at!: i64",
                      p.started_at AS "started_at!: i64"
               FROM plans p JOIN users u ON u.id = p.user_id WHERE p.user_id = $1"#,
            owner
        )
        .fetch_optional(db.pool())
        .await?;
        Ok(row.map(Plan::from))
    }

    /// A plan its author shares, for a SENCo of `setting_id`: none if she is in another
    /// setting or does not share it.
    pub async fn get_shared(
        db: &Db,
        setting_id: i64,
        owner: i64,
    ) -> Result<Option<Plan>, sqlx::Error> {
        let theirs = sqlx::query_scalar!(
            r#"SELECT id AS "id!: i64" FROM users WHERE id = $1 AND setting_id = $2 AND erased_at IS NULL"#,
            owner,
            setting_id
        )
        .fetch_optional(db.pool())
        .await?;
        if theirs.is_none() {
            return Ok(None);
        }
        Ok(get(db, owner).await?.filter(|p| p.shared_at.is_some()))
    }

    /// The plans shared with the SENCos of `setting_id`, the most recently changed first.
    pub async fn shared_in(db: &Db, setting_id: i64) -> Result<Vec<SharedPlan>, sqlx::Error> {
        let rows = sqlx::query!(
            r#"SELECT p.user_id AS "owner_id!: i64", u.display_name AS owner_name, p.goals,
                      p.rev AS "rev!: i64", p.author_agreed_rev AS "author_agreed_rev: i64",
                      p.senco_agreed_rev AS "senco_agreed_rev: i64", p.updated_at AS "updated_at!: i64"
               FROM plans p JOIN users u ON u.id = p.user_id
               WHERE u.setting_id = $1 AND p.shared_at IS NOT NULL AND u.erased_at IS NULL
               ORDER BY p.updated_at DESC, u.display_name"#,
            setting_id
        )
        .fetch_all(db.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| SharedPlan {
                owner_id: r.owner_id,
                owner_name: r.owner_name,
                goals: serde_json::from_str::<Vec<Goal>>(&r.goals)
                    .map(|g| g.len() as i64)
                    .unwrap_or(0),
                agreed: r.author_agreed_rev == Some(r.rev) && r.senco_agreed_rev == Some(r.rev),
                updated_at: r.updated_at,
            })
            .collect())
    }

    /// The starting self-review ratings of the setting's staff who share their plan (and
    /// only theirs: a private plan's self-review is never counted).
    pub async fn shared_ratings(
        db: &Db,
        setting_id: i64,
    ) -> Result<Vec<SharedRating>, sqlx::Error> {
        sqlx::query_as!(
            SharedRating,
            r#"SELECT u.id AS "user_id!: i64", u.sector AS "sector: Sector", u.role AS "role: Role",
                      a.area AS "area: Area", a.rating AS "rating!: i64"
               FROM plans p JOIN users u ON u.id = p.user_id
               JOIN self_review_answers a ON a.user_id = p.user_id AND a.stage = 'start'
               WHERE u.setting_id = $1 AND p.shared_at IS NOT NULL AND u.active = TRUE AND u.erased_at IS NULL"#,
            setting_id
        )
        .fetch_all(db.pool())
        .await
    }

    /// The starting self-review ratings of everyone who shares her plan in the settings of
    /// `network_id` that have joined it, with their setting, for the network's moderators.
    pub async fn network_ratings(
        db: &Db,
        network_id: i64,
    ) -> Result<Vec<NetworkRating>, sqlx::Error> {
        sqlx::query_as!(
            NetworkRating,
            r#"SELECT s.name AS setting, u.id AS "user_id!: i64", a.area AS "area: Area", a.rating AS "rating!: i64"
               FROM network_settings ns JOIN settings s ON s.id = ns.setting_id
               JOIN users u ON u.setting_id = s.id
               JOIN plans p ON p.user_id = u.id
               JOIN self_review_answers a ON a.user_id = u.id AND a.stage = 'start'
               WHERE ns.network_id = $1 AND ns.accepted_at IS NOT NULL AND p.shared_at IS NOT NULL
                 AND u.active = TRUE AND u.erased_at IS NULL
               ORDER BY s.name"#,
            network_id
        )
        .fetch_all(db.pool())
        .await
    }

    /// The networks `user_id` moderates: (id, name).
    pub async fn moderated_by(db: &Db, user_id: i64) -> Result<Vec<(i64, String)>, sqlx::Error> {
        let rows = sqlx::query!(
            r#"SELECT n.id AS "id!: i64", n.name FROM network_moderators m JOIN networks n ON n.id = m.network_id
               WHERE m.user_id = $1 ORDER BY n.name"#,
            user_id
        )
        .fetch_all(db.pool())
        .await?;
        Ok(rows.into_iter().map(|r| (r.id, r.name)).collect())
    }

    /// The goals of the setting's staff who share their plan.
    pub async fn shared_goals(db: &Db, setting_id: i64) -> Result<Vec<SharedGoals>, sqlx::Error> {
        let rows = sqlx::query!(
            r#"SELECT u.id AS "user_id!: i64", u.sector AS "sector: Sector", u.role AS "role: Role", p.goals,
                      (SELECT COUNT(DISTINCT e.section_key) FROM log_entries e
                       WHERE e.user_id = u.id AND e.section_key LIKE 'plan:check-in:%' AND e.body <> '') AS "check_ins_done!: i64"
               FROM plans p JOIN users u ON u.id = p.user_id
               WHERE u.setting_id = $1 AND p.shared_at IS NOT NULL AND u.active = TRUE AND u.erased_at IS NULL"#,
            setting_id
        )
        .fetch_all(db.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| SharedGoals {
                user_id: r.user_id,
                sector: r.sector,
                role: r.role,
                goals: serde_json::from_str(&r.goals).unwrap_or_default(),
                check_ins_done: r.check_ins_done,
            })
            .collect())
    }

    /// Which of the person's check-ins have something written (`domain::check_in`).
    pub async fn check_ins_answered(db: &Db, owner: i64) -> Result<Vec<u8>, sqlx::Error> {
        let keys = sqlx::query_scalar!(
            "SELECT DISTINCT section_key FROM log_entries
             WHERE user_id = $1 AND section_key LIKE 'plan:check-in:%' AND body <> ''",
            owner
        )
        .fetch_all(db.pool())
        .await?;
        Ok(keys.iter().filter_map(|k| check_in::number_of(k)).collect())
    }

    /// The plans whose authors may be reminded of a check-in: not reminded since `since`.
    pub async fn to_remind(db: &Db, since: i64) -> Result<Vec<ToRemind>, sqlx::Error> {
        let people = sqlx::query!(
            r#"SELECT u.id AS "user_id!: i64", u.email, u.display_name, u.setting_id AS "setting_id!: i64",
                      s.time_zone, p.started_at AS "started_at!: i64"
               FROM plans p JOIN users u ON u.id = p.user_id JOIN settings s ON s.id = u.setting_id
               WHERE u.active = TRUE AND u.erased_at IS NULL AND (p.reminded_at IS NULL OR p.reminded_at <= $1)
               ORDER BY u.id"#,
            since
        )
        .fetch_all(db.pool())
        .await?;
        let answered = sqlx::query!(
            r#"SELECT DISTINCT e.user_id AS "user_id!: i64", e.section_key FROM log_entries e JOIN plans p ON p.user_id = e.user_id
               WHERE e.section_key LIKE 'plan:check-in:%' AND e.body <> ''
                 AND (p.reminded_at IS NULL OR p.reminded_at <= $1)"#,
            since
        )
        .fetch_all(db.pool())
        .await?;
        Ok(people
            .into_iter()
            .map(|r| ToRemind {
                answered: answered
                    .iter()
                    .filter(|a| a.user_id == r.user_id)
                    .filter_map(|a| check_in::number_of(&a.section_key))
                    .collect(),
                user_id: r.user_id,
                email: r.email,
                name: r.display_name,
                setting_id: r.setting_id,
                time_zone: r.time_zone,
                started_at: r.started_at,
            })
            .collect())
    }

    /// Moves the start of `owner`'s plan (her own doing): its check-ins follow. False when
    /// she has no plan.
    pub async fn set_started(db: &Db, owner: i64, at: i64) -> Result<bool, sqlx::Error> {
        let done = sqlx::query!(
            "UPDATE plans SET started_at = $1 WHERE user_id = $2",
            at,
            owner
        )
        .write_in_turn(db)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records that the person was reminded of a check-in at `at`.
    pub async fn mark_reminded(db: &Db, owner: i64, at: i64) -> Result<(), sqlx::Error> {
        sqlx::query!(
            "UPDATE plans SET reminded_at = $1 WHERE user_id = $2",
            at,
            owner
        )
        .write_in_turn(db)
        .await?;
        Ok(())
    }

    /// The plan's history, oldest first.
    pub async fn events(db: &Db, owner: i64) -> Result<Vec<Event>, sqlx::Error> {
        let rows = sqlx::query!(
            r#"SELECT e.kind AS "kind: EventKind", e.actor_id AS "actor_id: i64",
                      CASE WHEN u.erased_at IS NULL THEN u.display_name END AS "who: String",
                      e.rev AS "rev!: i64", e.body, e.at AS "at!: i64"
               FROM plan_events e LEFT JOIN users u ON u.id = e.actor_id
               WHERE e.owner_id = $1 ORDER BY e.id"#,
            owner
        )
        .fetch_all(db.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| Event {
                kind: r.kind,
                actor_id: r.actor_id,
                who: r.who,
                rev: r.rev,
                body: r.body,
                at: r.at,
            })
            .collect())
    }

    /// Writes to the audit log that `actor` (a SENCo) read `owner`'s plan.
    pub async fn audit_read(db: &Db, actor: i64, owner: i64) -> Result<(), sqlx::Error> {
        let at = now();
        let action = AuditAction::PlanViewed;
        sqlx::query!(
            "INSERT INTO audit_log (actor_id, subject_id, entry_id, action, at) VALUES ($1, $2, NULL, $3, $4)",
            actor,
            owner,
            action as _,
            at
        )
        .write_in_turn(db)
        .await?;
        Ok(())
    }

    /// Who read `owner`'s plan, and when, newest first (the latest `limit`).
    pub async fn reads(db: &Db, owner: i64, limit: i64) -> Result<Vec<(String, i64)>, sqlx::Error> {
        let rows = sqlx::query!(
            r#"SELECT u.display_name AS who, a.at AS "at!: i64" FROM audit_log a JOIN users u ON u.id = a.actor_id
               WHERE a.subject_id = $1 AND a.action = 'plan_viewed' ORDER BY a.at DESC, a.id DESC LIMIT $2"#,
            owner,
            limit
        )
        .fetch_all(db.pool())
        .await?;
        Ok(rows.into_iter().map(|r| (r.who, r.at)).collect())
    }

    /// The plan's revision and whether it is shared, inside a write: None if there is none.
    async fn current(tx: &mut Conn, owner: i64) -> Result<Option<(i64, bool)>, sqlx::Error> {
        let row = sqlx::query!(
            r#"SELECT rev AS "rev!: i64", shared_at AS "shared_at: i64" FROM plans WHERE user_id = $1"#,
            owner
        )
        .fetch_optional(&mut *tx)
        .await?;
        Ok(row.map(|r| (r.rev, r.shared_at.is_some())))
    }

    async fn event(
        tx: &mut Conn,
        owner: i64,
        actor: i64,
        kind: EventKind,
        rev: i64,
        body: &str,
        at: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query!(
            "INSERT INTO plan_events (owner_id, actor_id, kind, rev, body, at) VALUES ($1, $2, $3, $4, $5, $6)",
            owner,
            actor,
            kind as _,
            rev,
            body,
            at
        )
        .execute(&mut *tx)
        .await?;
        Ok(())
    }

    /// Replaces the goals of `owner`'s plan (making it if she has none: `base_rev` 0), as
    /// `actor` on `side`, if it is still at `base_rev`.
    pub async fn save(
        db: &Db,
        owner: i64,
        actor: (i64, Side),
        base_rev: i64,
        goals: &[Goal],
        op: Option<&str>,
    ) -> Result<Outcome, sqlx::Error> {
        let body = serde_json::to_string(goals).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        let at = now();
        let mut tx = write(db).await?;
        // Sent again (its answer lost): the first answer, not "changed since you read it".
        let op = op.map(|op| key("plan-goals", op));
        if let Some(first) = earlier_if(&mut tx, op.as_deref(), actor.0)
            .await?
            .answer(Outcome::NotYours)
        {
            return Ok(first);
        }
        let rev = match (current(&mut tx, owner).await?, actor.1) {
            (None, Side::Author) if base_rev == 0 => 1,
            (Some((_, false)) | None, Side::Senco) => return Ok(Outcome::NotShared),
            (Some((rev, _)), _) if rev == base_rev => rev + 1,
            _ => return Ok(Outcome::Stale),
        };
        sqlx::query!(
            "INSERT INTO plans (user_id, rev, goals, updated_at, started_at) VALUES ($1, $2, $3, $4, $4)
             ON CONFLICT (user_id) DO UPDATE SET rev = excluded.rev, goals = excluded.goals, updated_at = excluded.updated_at",
            owner,
            rev,
            body,
            at
        )
        .execute(&mut *tx)
        .await?;
        event(&mut tx, owner, actor.0, EventKind::Saved, rev, &body, at).await?;
        keep_if(&mut tx, op.as_deref(), actor.0, &Outcome::Done(rev)).await?;
        tx.commit().await?;
        Ok(Outcome::Done(rev))
    }

    /// Shares the plan with the setting's SENCo, or stops sharing it. Only its author does.
    pub async fn set_shared(db: &Db, owner: i64, shared: bool) -> Result<Outcome, sqlx::Error> {
        let at = now();
        let mut tx = write(db).await?;
        let Some((rev, was)) = current(&mut tx, owner).await? else {
            return Ok(Outcome::Stale);
        };
        if was == shared {
            return Ok(Outcome::Done(rev));
        }
        let shared_at = shared.then_some(at);
        sqlx::query!(
            "UPDATE plans SET shared_at = $1 WHERE user_id = $2",
            shared_at,
            owner
        )
        .execute(&mut *tx)
        .await?;
        let kind = if shared {
            EventKind::Shared
        } else {
            EventKind::Withdrawn
        };
        event(&mut tx, owner, owner, kind, rev, "", at).await?;
        tx.commit().await?;
        Ok(Outcome::Done(rev))
    }

    /// A comment on the plan at `rev` (what the commenter read).
    pub async fn comment(
        db: &Db,
        owner: i64,
        actor: (i64, Side),
        rev: i64,
        body: &str,
        op: Option<&str>,
    ) -> Result<Outcome, sqlx::Error> {
        let at = now();
        let mut tx = write(db).await?;
        // Sent again (its answer lost): said once.
        let op = op.map(|op| key("plan-comment", op));
        if let Some(first) = earlier_if(&mut tx, op.as_deref(), actor.0)
            .await?
            .answer(Outcome::NotYours)
        {
            return Ok(first);
        }
        match (current(&mut tx, owner).await?, actor.1) {
            (Some((_, false)) | None, Side::Senco) => return Ok(Outcome::NotShared),
            (None, Side::Author) => return Ok(Outcome::Stale),
            _ => {}
        }
        event(&mut tx, owner, actor.0, EventKind::Comment, rev, body, at).await?;
        keep_if(&mut tx, op.as_deref(), actor.0, &Outcome::Done(rev)).await?;
        tx.commit().await?;
        Ok(Outcome::Done(rev))
    }

    /// `actor` agrees the plan as it is at `rev`; refused if it has changed since.
    pub async fn agree(
        db: &Db,
        owner: i64,
        actor: (i64, Side),
        rev: i64,
    ) -> Result<Outcome, sqlx::Error> {
        let at = now();
        let mut tx = write(db).await?;
        match (current(&mut tx, owner).await?, actor.1) {
            (Some((_, false)) | None, Side::Senco) => return Ok(Outcome::NotShared),
            (Some((now_rev, _)), _) if now_rev == rev => {}
            _ => return Ok(Outcome::Stale),
        }
        match actor.1 {
            Side::Author => {
                sqlx::query!(
                    "UPDATE plans SET author_agreed_rev = $1 WHERE user_id = $2",
                    rev,
                    owner
                )
                .execute(&mut *tx)
                .await?
            }
            Side::Senco => {
                sqlx::query!(
                    "UPDATE plans SET senco_agreed_rev = $1 WHERE user_id = $2",
                    rev,
                    owner
                )
                .execute(&mut *tx)
                .await?
            }
        };
        event(&mut tx, owner, actor.0, EventKind::Agreed, rev, "", at).await?;
        tx.commit().await?;
        Ok(Outcome::Done(rev))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_db;
    use domain::model::Role;

    fn goal(words: &str) -> Vec<Goal> {
        vec![Goal {
            words: words.into(),
            modules: vec!["m4".into()],
            learners: "J".into(),
        }]
    }

    #[tokio::test]
    async fn a_plan_is_private_until_shared_and_agreed_only_as_it_stands() {
        let db = test_db::fresh().await;
        let (oak, ella) = test_db::person(&db, "ella@oak.example", Role::Practitioner, None).await;
        let (_, senco) = test_db::person(&db, "senco@oak.example", Role::Senco, Some(oak)).await;
        let (elm, _) = test_db::person(&db, "senco@elm.example", Role::Senco, None).await;
        let (me, them) = ((ella, Side::Author), (senco, Side::Senco));

        assert_eq!(get(&db, ella).await.unwrap(), None);
        // A first plan starts from revision 0; a stale base is refused.
        assert_eq!(
            save(&db, ella, me, 1, &goal("a"), None).await.unwrap(),
            Outcome::Stale
        );
        assert_eq!(
            save(&db, ella, me, 0, &goal("Help J join in"), None)
                .await
                .unwrap(),
            Outcome::Done(1)
        );
        // Not shared: the SENCo sees nothing and can do nothing.
        assert_eq!(get_shared(&db, oak, ella).await.unwrap(), None);
        assert!(shared_in(&db, oak).await.unwrap().is_empty());
        assert_eq!(
            comment(&db, ella, them, 1, "Lovely", None).await.unwrap(),
            Outcome::NotShared
        );
        assert_eq!(
            save(&db, ella, them, 1, &goal("x"), None).await.unwrap(),
            Outcome::NotShared
        );
        assert_eq!(agree(&db, ella, them, 1).await.unwrap(), Outcome::NotShared);

        // Shared: her SENCo reads it, another setting's does not.
        assert_eq!(set_shared(&db, ella, true).await.unwrap(), Outcome::Done(1));
        assert!(get_shared(&db, oak, ella).await.unwrap().is_some());
        assert_eq!(get_shared(&db, elm, ella).await.unwrap(), None);
        assert_eq!(shared_in(&db, oak).await.unwrap()[0].goals, 1);

        // Both agree revision 1; a change by either opens it again.
        assert_eq!(agree(&db, ella, me, 1).await.unwrap(), Outcome::Done(1));
        assert_eq!(agree(&db, ella, them, 1).await.unwrap(), Outcome::Done(1));
        assert!(shared_in(&db, oak).await.unwrap()[0].agreed);
        assert_eq!(
            save(
                &db,
                ella,
                them,
                1,
                &goal("Help J join in at lunch too"),
                None
            )
            .await
            .unwrap(),
            Outcome::Done(2)
        );
        assert!(!shared_in(&db, oak).await.unwrap()[0].agreed);
        // Her edit from the page she had open (revision 1) does not overwrite his.
        assert_eq!(
            save(&db, ella, me, 1, &goal("Mine"), None).await.unwrap(),
            Outcome::Stale
        );
        assert_eq!(agree(&db, ella, me, 1).await.unwrap(), Outcome::Stale);
        let plan = get(&db, ella).await.unwrap().unwrap();
        assert_eq!(plan.goals, goal("Help J join in at lunch too"));

        // Withdrawn: the SENCo is refused again, in the store itself.
        assert_eq!(
            set_shared(&db, ella, false).await.unwrap(),
            Outcome::Done(2)
        );
        assert_eq!(get_shared(&db, oak, ella).await.unwrap(), None);
        assert_eq!(
            comment(&db, ella, them, 2, "Still there?", None)
                .await
                .unwrap(),
            Outcome::NotShared
        );

        // The history has every step, in order, with who did it.
        let kinds: Vec<EventKind> = events(&db, ella)
            .await
            .unwrap()
            .iter()
            .map(|e| e.kind)
            .collect();
        use EventKind::*;
        assert_eq!(kinds, [Saved, Shared, Agreed, Agreed, Saved, Withdrawn]);
        let history = events(&db, ella).await.unwrap();
        assert_eq!(history[4].actor_id, Some(senco));
        assert!(history[4].body.contains("at lunch too"));
    }
}
