//! Proposals from need to action (`domain::proposal`) and each person's own answer to them.
//! A proposal is offered to the people of its setting (of its sector, if it names one) other
//! than its author; only what each chose is kept, and only those who added it to their plan
//! are named to the SENCo.

use super::now;
use domain::model::Sector;
use domain::proposal::{Kind, Proposal};
use domain::self_review::Area;
use rand::RngCore;

/// A proposal as its setting's SENCo lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposed {
    pub id: String,
    pub kind: Kind,
    pub area: Area,
    pub sector: Option<Sector>,
    pub title: String,
    pub details: String,
    pub day: Option<i64>,
    pub created_at: i64,
    /// None once its author's account is erased.
    pub author: Option<String>,
}

/// A proposal as offered to one person, with what she chose (None: not yet).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offer {
    pub id: String,
    pub kind: Kind,
    pub area: Area,
    pub title: String,
    pub details: String,
    pub day: Option<i64>,
    pub author: Option<String>,
    pub joined: Option<bool>,
    /// Withdrawn by the SENCo: still listed for those who had added it, as called off.
    pub withdrawn: bool,
}

fn new_id() -> String {
    let mut bytes = [0u8; 9];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[engines::both]
mod sql {
    use super::*;
    use crate::store::outcomes::key;
    use crate::store::outcomes::sql::{earlier_if, keep_if};

    /// Keeps a checked proposal by `author_id` for `setting_id`; returns its id. Sent again
    /// with the same form id (`op`, its answer lost), it is kept once and the first id
    /// returned; None if that id is someone else's.
    pub async fn create(
        db: &Db,
        setting_id: i64,
        author_id: i64,
        p: &Proposal,
        op: Option<&str>,
    ) -> Result<Option<String>, sqlx::Error> {
        let mut tx = write(db).await?;
        let op = op.map(|op| key("proposal", op));
        // The id is kept as a string, read back as Some(id); None for someone else's.
        let earlier = earlier_if::<Option<String>>(&mut tx, op.as_deref(), author_id).await?;
        if let Some(first) = earlier.answer(None) {
            return Ok(first);
        }
        let id = new_id();
        let (kind, area) = (p.kind.as_str(), p.area.as_str());
        let sector = p.sector.map(|s| s.as_str());
        let at = now();
        sqlx::query!(
            "INSERT INTO plan_proposals (id, setting_id, author_id, kind, area, sector, title, details, day, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            id,
            setting_id,
            author_id,
            kind,
            area,
            sector,
            p.title,
            p.details,
            p.day,
            at
        )
        .execute(&mut *tx)
        .await?;
        keep_if(&mut tx, op.as_deref(), author_id, &id).await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    /// Withdraws a proposal of `setting_id` (withdrawn already, it stays as it was, so a
    /// second try or a second tab is told it is done); false if the setting has none by
    /// that id.
    pub async fn withdraw(db: &Db, setting_id: i64, id: &str) -> Result<bool, sqlx::Error> {
        let at = now();
        let done = sqlx::query!(
            "UPDATE plan_proposals SET withdrawn_at = COALESCE(withdrawn_at, $1)
             WHERE id = $2 AND setting_id = $3",
            at,
            id,
            setting_id
        )
        .execute(db.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The setting's open proposals, newest first.
    pub async fn in_setting(db: &Db, setting_id: i64) -> Result<Vec<Proposed>, sqlx::Error> {
        sqlx::query_as!(
            Proposed,
            r#"SELECT p.id AS "id!", p.kind AS "kind!: Kind", p.area AS "area!: Area",
                      p.sector AS "sector?: Sector", p.title AS "title!", p.details AS "details!",
                      p.day AS "day?: i64", p.created_at AS "created_at!: i64",
                      u.display_name AS "author?"
               FROM plan_proposals p LEFT JOIN users u ON u.id = p.author_id AND u.erased_at IS NULL
               WHERE p.setting_id = $1 AND p.withdrawn_at IS NULL
               ORDER BY p.created_at DESC, p.id"#,
            setting_id
        )
        .fetch_all(db.pool())
        .await
    }

    /// Who has added each of the setting's open proposals to her plan: (proposal, name).
    pub async fn joined(db: &Db, setting_id: i64) -> Result<Vec<(String, String)>, sqlx::Error> {
        let rows = sqlx::query!(
            r#"SELECT a.proposal_id AS "proposal!", u.display_name AS "name!"
               FROM plan_proposal_answers a
               JOIN plan_proposals p ON p.id = a.proposal_id
               JOIN users u ON u.id = a.user_id
               WHERE p.setting_id = $1 AND u.setting_id = $1 AND a.joined = TRUE
                 AND u.active = TRUE AND u.erased_at IS NULL
               ORDER BY u.display_name"#,
            setting_id
        )
        .fetch_all(db.pool())
        .await?;
        Ok(rows.into_iter().map(|r| (r.proposal, r.name)).collect())
    }

    /// What is offered to `user_id` (of `setting_id`, in `sector`): her setting's open
    /// proposals for everyone or her sector, and withdrawn ones she had added; newest first.
    pub async fn offers(
        db: &Db,
        user_id: i64,
        setting_id: i64,
        sector: Sector,
    ) -> Result<Vec<Offer>, sqlx::Error> {
        let sector = sector.as_str();
        sqlx::query_as!(
            Offer,
            r#"SELECT p.id AS "id!", p.kind AS "kind!: Kind", p.area AS "area!: Area",
                      p.title AS "title!", p.details AS "details!", p.day AS "day?: i64",
                      u.display_name AS "author?", a.joined AS "joined?: bool",
                      (p.withdrawn_at IS NOT NULL) AS "withdrawn!: bool"
               FROM plan_proposals p
               LEFT JOIN users u ON u.id = p.author_id AND u.erased_at IS NULL
               LEFT JOIN plan_proposal_answers a ON a.proposal_id = p.id AND a.user_id = $1
               WHERE p.setting_id = $2 AND (p.sector IS NULL OR p.sector = $3)
                 AND (p.author_id IS NULL OR p.author_id <> $1)
                 AND (p.withdrawn_at IS NULL OR a.joined = TRUE)
               ORDER BY p.created_at DESC, p.id"#,
            user_id,
            setting_id,
            sector
        )
        .fetch_all(db.pool())
        .await
    }

    /// Keeps `user_id`'s answer to proposal `id`: on her plan (`join`) or not for her. False,
    /// and nothing kept, unless it is open and offered to her (`offers`' rule).
    pub async fn answer(
        db: &Db,
        user_id: i64,
        setting_id: i64,
        sector: Sector,
        id: &str,
        join: bool,
    ) -> Result<bool, sqlx::Error> {
        let sector = sector.as_str();
        let mut tx = write(db).await?;
        let offered = sqlx::query_scalar!(
            r#"SELECT COUNT(*) AS "n!: i64" FROM plan_proposals
               WHERE id = $1 AND setting_id = $2 AND (sector IS NULL OR sector = $3)
                 AND (author_id IS NULL OR author_id <> $4) AND withdrawn_at IS NULL"#,
            id,
            setting_id,
            sector,
            user_id
        )
        .fetch_one(&mut *tx)
        .await?;
        if offered == 0 {
            return Ok(false);
        }
        let at = now();
        sqlx::query!(
            "INSERT INTO plan_proposal_answers (proposal_id, user_id, joined, answered_at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (proposal_id, user_id)
             DO UPDATE SET joined = excluded.joined, answered_at = excluded.answered_at",
            id,
            user_id,
            join,
            at
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_db;
    use domain::model::Role;

    fn proposal(sector: Option<Sector>) -> Proposal {
        Proposal {
            kind: Kind::Session,
            area: Area::Outcomes,
            sector,
            title: "Writing outcomes with learners".into(),
            day: None,
            details: String::new(),
        }
    }

    #[tokio::test]
    async fn an_offer_reaches_only_its_setting_and_sector_and_each_answer_is_her_own() {
        let db = test_db::fresh().await;
        let (oak, senco) = test_db::person(&db, "senco@oak.example", Role::Senco, None).await;
        let (_, kit) = test_db::person(&db, "kit@oak.example", Role::Practitioner, Some(oak)).await;
        let (elm, other) = test_db::person(&db, "pat@elm.example", Role::Practitioner, None).await;
        let all = create(&db, oak, senco, &proposal(None), None)
            .await
            .unwrap()
            .unwrap();
        let early = create(&db, oak, senco, &proposal(Some(Sector::EarlyYears)), None)
            .await
            .unwrap()
            .unwrap();
        let sector = Sector::SchoolAge;
        let ids = |o: Vec<Offer>| o.into_iter().map(|o| o.id).collect::<Vec<_>>();
        assert_eq!(
            ids(offers(&db, kit, oak, sector).await.unwrap()),
            std::slice::from_ref(&all)
        );
        // Not to its author, another setting, or another sector.
        assert!(offers(&db, senco, oak, sector).await.unwrap().is_empty());
        assert!(offers(&db, other, elm, sector).await.unwrap().is_empty());
        assert!(!answer(&db, kit, oak, sector, &early, true).await.unwrap());
        assert!(!answer(&db, other, elm, sector, &all, true).await.unwrap());

        assert!(answer(&db, kit, oak, sector, &all, true).await.unwrap());
        assert_eq!(
            joined(&db, oak).await.unwrap(),
            [(all.clone(), "kit@oak.example".to_string())]
        );
        assert!(answer(&db, kit, oak, sector, &all, false).await.unwrap());
        assert!(joined(&db, oak).await.unwrap().is_empty());
        assert_eq!(
            offers(&db, kit, oak, sector).await.unwrap()[0].joined,
            Some(false)
        );

        // Withdrawn: gone for those who had not added it, called off for those who had.
        assert!(answer(&db, kit, oak, sector, &all, true).await.unwrap());
        assert!(!withdraw(&db, elm, &all).await.unwrap());
        assert!(withdraw(&db, oak, &all).await.unwrap());
        // A second try (a lost answer, a second tab) is told it is done, and changes nothing.
        assert!(withdraw(&db, oak, &all).await.unwrap());
        let left = offers(&db, kit, oak, sector).await.unwrap();
        assert_eq!((left.len(), left[0].withdrawn), (1, true));
        assert!(!answer(&db, kit, oak, sector, &all, false).await.unwrap());
        assert_eq!(ids_of(in_setting(&db, oak).await.unwrap()), [early]);
    }

    fn ids_of(p: Vec<Proposed>) -> Vec<String> {
        p.into_iter().map(|p| p.id).collect()
    }
}
