//! Networks of settings (a trust, a local-authority cluster, a college partnership): made
//! and joined by the operator, accepted by each setting's admin, and their moderators.

use super::now;

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Membership {
    pub network_id: i64,
    pub name: String,
    pub accepted: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct NetworkRow {
    pub id: i64,
    pub name: String,
    /// "Setting name (accepted)" or "(invited)", one per line.
    pub settings: String,
}

#[engines::both]
mod sql {
    use super::*;

    pub async fn create(db: &Db, name: &str) -> Result<i64, sqlx::Error> {
        let mut tx = write(db).await?;
        let at = now();
        let id = sqlx::query_scalar!(
            "INSERT INTO networks (name, created_at) VALUES ($1, $2) RETURNING id",
            name,
            at
        )
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn by_name(db: &Db, name: &str) -> Result<Option<i64>, sqlx::Error> {
        sqlx::query_scalar!(r#"SELECT id AS "id!" FROM networks WHERE name = $1"#, name)
            .fetch_optional(db.pool())
            .await
    }

    /// Invites a setting into a network; it joins once its admin accepts (`accept`). Inviting
    /// again changes nothing.
    pub async fn invite(db: &Db, network_id: i64, setting_id: i64) -> Result<(), sqlx::Error> {
        let at = now();
        sqlx::query!(
        "INSERT INTO network_settings (network_id, setting_id, invited_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        network_id,
        setting_id,
        at
    )
    .write_in_turn(db)
    .await?;
        Ok(())
    }

    /// The setting's admin accepts (`accept` true) or declines an invitation; a setting that
    /// leaves is taken out the same way. Returns false when there was no invitation.
    pub async fn answer(
        db: &Db,
        network_id: i64,
        setting_id: i64,
        by: Option<i64>,
        accept: bool,
    ) -> Result<bool, sqlx::Error> {
        let done = if accept {
            let at = now();
            sqlx::query!(
            "UPDATE network_settings SET accepted_at = COALESCE(accepted_at, $1), accepted_by = COALESCE(accepted_by, $2)
             WHERE network_id = $3 AND setting_id = $4",
            at,
            by,
            network_id,
            setting_id
        )
        .write_in_turn(db)
        .await?
        } else {
            // The setting's people stop moderating the network with it: a moderator who can no
            // longer see its posts must not see its reports either.
            let mut tx = write(db).await?;
            sqlx::query!(
                "DELETE FROM network_moderators WHERE network_id = $1
               AND user_id IN (SELECT id FROM users WHERE setting_id = $2)",
                network_id,
                setting_id
            )
            .execute(&mut *tx)
            .await?;
            let done = sqlx::query!(
                "DELETE FROM network_settings WHERE network_id = $1 AND setting_id = $2",
                network_id,
                setting_id
            )
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            done
        };
        Ok(done.rows_affected() > 0)
    }

    /// The networks a setting is in or invited to.
    pub async fn of_setting(db: &Db, setting_id: i64) -> Result<Vec<Membership>, sqlx::Error> {
        sqlx::query_as!(
            Membership,
            r#"SELECT n.id AS "network_id!", n.name, ns.accepted_at IS NOT NULL AS "accepted!: bool"
         FROM network_settings ns JOIN networks n ON n.id = ns.network_id
         WHERE ns.setting_id = $1 ORDER BY n.name"#,
            setting_id
        )
        .fetch_all(db.pool())
        .await
    }

    /// Whether people of `setting_id` may read and post in `network_id`.
    pub async fn is_member(db: &Db, network_id: i64, setting_id: i64) -> Result<bool, sqlx::Error> {
        sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM network_settings WHERE network_id = $1 AND setting_id = $2 AND accepted_at IS NOT NULL)
             AS "member!: bool""#,
        network_id,
        setting_id
    )
    .fetch_one(db.pool())
    .await
    }

    /// Lets someone moderate a network's posts: only someone whose setting is a member of it
    /// (and whose account is open). False when they are not.
    pub async fn add_moderator(
        db: &Db,
        network_id: i64,
        user_id: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query!(
            "INSERT INTO network_moderators (network_id, user_id)
         SELECT $1, u.id FROM users u
         JOIN network_settings ns ON ns.setting_id = u.setting_id AND ns.network_id = $1
         WHERE u.id = $2 AND u.active = TRUE AND ns.accepted_at IS NOT NULL
         ON CONFLICT DO NOTHING",
            network_id,
            user_id
        )
        .write_in_turn(db)
        .await?;
        Ok(done.rows_affected() > 0 || is_moderator(db, network_id, user_id).await?)
    }

    pub async fn is_moderator(db: &Db, network_id: i64, user_id: i64) -> Result<bool, sqlx::Error> {
        sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM network_moderators WHERE network_id = $1 AND user_id = $2) AS "moderates!: bool""#,
        network_id,
        user_id
    )
    .fetch_one(db.pool())
    .await
    }

    /// Every network with its settings, for the operator.
    pub async fn list(db: &Db) -> Result<Vec<NetworkRow>, sqlx::Error> {
        sqlx::query_as!(
        NetworkRow,
        r#"SELECT n.id AS "id!", n.name,
                COALESCE((SELECT string_agg(s.name || ' (' || CASE WHEN ns.accepted_at IS NULL THEN 'invited' ELSE 'member' END || ')', $1 ORDER BY s.name)
                          FROM network_settings ns JOIN settings s ON s.id = ns.setting_id WHERE ns.network_id = n.id), '') AS "settings!: String"
         FROM networks n ORDER BY n.name"#,
        "\n"
    )
    .fetch_all(db.pool())
    .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{settings, test_db};
    use domain::model::{Role, Sector};

    #[tokio::test]
    async fn a_setting_joins_on_accepting_and_its_moderators_go_when_it_leaves() {
        let db = test_db::fresh().await;
        let north = create(&db, "North").await.unwrap();
        assert_eq!(by_name(&db, "North").await.unwrap(), Some(north));
        assert_eq!(by_name(&db, "South").await.unwrap(), None);
        let ash = settings::create(&db, "Ash", Sector::SchoolAge)
            .await
            .unwrap();
        let (_, teacher) = test_db::person(&db, "t@x.test", Role::Practitioner, Some(ash)).await;

        assert!(
            !answer(&db, north, ash, None, true).await.unwrap(),
            "no invitation yet"
        );
        invite(&db, north, ash).await.unwrap();
        invite(&db, north, ash).await.unwrap();
        assert!(
            !is_member(&db, north, ash).await.unwrap(),
            "invited is not a member"
        );
        assert!(
            !add_moderator(&db, north, teacher).await.unwrap(),
            "only someone whose setting is in the network moderates it"
        );
        let listed = list(&db).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].settings, "Ash (invited)");

        assert!(answer(&db, north, ash, None, true).await.unwrap());
        assert!(is_member(&db, north, ash).await.unwrap());
        assert_eq!(
            of_setting(&db, ash).await.unwrap(),
            vec![Membership {
                network_id: north,
                name: "North".into(),
                accepted: true
            }]
        );
        assert!(add_moderator(&db, north, teacher).await.unwrap());
        assert!(
            add_moderator(&db, north, teacher).await.unwrap(),
            "again: still one"
        );
        assert!(is_moderator(&db, north, teacher).await.unwrap());
        assert_eq!(list(&db).await.unwrap()[0].settings, "Ash (member)");

        assert!(
            answer(&db, north, ash, None, false).await.unwrap(),
            "the setting leaves"
        );
        assert!(!is_member(&db, north, ash).await.unwrap());
        assert!(!is_moderator(&db, north, teacher).await.unwrap());
        assert!(of_setting(&db, ash).await.unwrap().is_empty());
    }
}
