//! Community sessions (the monthly "swap and support"): scheduled for a setting or a
//! network, who is coming, who attended (their CPD time), and the notes afterwards.

use super::community::{Stored, Who};
use super::now;
use domain::community::Space;

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRow {
    pub id: String,
    pub topic: String,
    pub starts_at: i64,
    pub minutes: i64,
    pub place: String,
    pub notes: String,
    pub notes_at: Option<i64>,
    pub organiser_id: i64,
    pub organiser: String,
    pub setting_name: String,
    pub network_id: Option<i64>,
    pub coming_count: i64,
    pub coming: bool,
    pub attended: bool,
}

pub struct NewSession<'a> {
    pub id: &'a str,
    pub organiser_id: i64,
    pub setting_id: i64,
    pub network_id: Option<i64>,
    pub topic: &'a str,
    pub starts_at: i64,
    pub minutes: i64,
    pub place: &'a str,
}

#[engines::both]
mod sql {
    use super::*;

    pub async fn create(db: &Db, new: &NewSession<'_>) -> Result<Stored, sqlx::Error> {
        let mut tx = write(db).await?;
        let op = crate::store::outcomes::key("session", new.id);
        let earlier = crate::store::outcomes::sql::earlier(&mut tx, &op, new.organiser_id).await?;
        if let Some(stored) = earlier.answer(Stored::NotYours) {
            return Ok(stored);
        }
        let at = now();
        let made = sqlx::query!(
        "INSERT INTO community_sessions (id, organiser_id, setting_id, network_id, topic, starts_at, minutes, place, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING",
        new.id,
        new.organiser_id,
        new.setting_id,
        new.network_id,
        new.topic,
        new.starts_at,
        new.minutes,
        new.place,
        at
    )
    .execute(&mut *tx)
    .await?;
        if made.rows_affected() > 0 {
            crate::store::outcomes::sql::keep(&mut tx, &op, new.organiser_id, &Stored::Done)
                .await?;
        }
        tx.commit().await?;
        Ok(Stored::Done)
    }

    /// The sessions the person may see (the `visible_sessions` view): one by id, or else
    /// those of a space, soonest first.
    async fn fetch(
        db: &Db,
        who: Who,
        id: Option<&str>,
        space: Space,
    ) -> Result<Vec<SessionRow>, sqlx::Error> {
        let network_id = space.network_id();
        sqlx::query_as!(
        SessionRow,
        r#"SELECT cs.id AS "id!", cs.topic AS "topic!", cs.starts_at AS "starts_at!", cs.minutes AS "minutes!",
                cs.place AS "place!", cs.notes AS "notes!", cs.notes_at AS "notes_at?", cs.organiser_id AS "organiser_id!",
                u.display_name AS organiser, s.name AS setting_name, cs.network_id AS "network_id?",
                (SELECT COUNT(*) FROM session_people sp WHERE sp.session_id = cs.id AND sp.coming = TRUE) AS "coming_count!: i64",
                EXISTS (SELECT 1 FROM session_people sp WHERE sp.session_id = cs.id AND sp.user_id = $1 AND sp.coming = TRUE) AS "coming!: bool",
                EXISTS (SELECT 1 FROM session_people sp WHERE sp.session_id = cs.id AND sp.user_id = $1 AND sp.attended = TRUE) AS "attended!: bool"
         FROM visible_sessions cs JOIN users u ON u.id = cs.organiser_id JOIN settings s ON s.id = cs.setting_id
         WHERE cs.viewer_id = $1
           AND CASE WHEN CAST($2 AS TEXT) IS NOT NULL THEN cs.id = $2
                    ELSE cs.network_id IS NOT DISTINCT FROM $3 AND (cs.network_id IS NOT NULL OR cs.setting_id = $4) END
         ORDER BY cs.starts_at"#,
        who.user_id,
        id,
        network_id,
        who.setting_id
    )
    .fetch_all(db.pool())
    .await
    }

    /// The sessions of a space, soonest first.
    pub async fn list(db: &Db, who: Who, space: Space) -> Result<Vec<SessionRow>, sqlx::Error> {
        fetch(db, who, None, space).await
    }

    /// A session the person may see.
    pub async fn get(db: &Db, who: Who, id: &str) -> Result<Option<SessionRow>, sqlx::Error> {
        Ok(fetch(db, who, Some(id), Space::Setting).await?.pop())
    }

    /// Says the person is coming (or no longer is).
    pub async fn set_coming(
        db: &Db,
        session_id: &str,
        user_id: i64,
        coming: bool,
    ) -> Result<(), sqlx::Error> {
        sqlx::query!(
            "INSERT INTO session_people (session_id, user_id, coming) VALUES ($1, $2, $3)
         ON CONFLICT (session_id, user_id) DO UPDATE SET coming = $3",
            session_id,
            user_id,
            coming
        )
        .write_in_turn(db)
        .await?;
        Ok(())
    }

    /// Records that the person attended (the caller has checked the session has started).
    pub async fn attend(db: &Db, session_id: &str, user_id: i64) -> Result<(), sqlx::Error> {
        sqlx::query!(
        "INSERT INTO session_people (session_id, user_id, coming, attended) VALUES ($1, $2, TRUE, TRUE)
         ON CONFLICT (session_id, user_id) DO UPDATE SET attended = TRUE",
        session_id,
        user_id
    )
        .write_in_turn(db)
        .await?;
        Ok(())
    }

    /// The notes after a session, and the posts discussed (ids the caller has checked).
    pub async fn set_notes(
        db: &Db,
        session_id: &str,
        notes: &str,
        post_ids: &[String],
    ) -> Result<(), sqlx::Error> {
        let mut tx = write(db).await?;
        let at = now();
        sqlx::query!(
            "UPDATE community_sessions SET notes = $1, notes_at = $2 WHERE id = $3",
            notes,
            at,
            session_id
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "DELETE FROM session_posts WHERE session_id = $1",
            session_id
        )
        .execute(&mut *tx)
        .await?;
        for post_id in post_ids {
            sqlx::query!(
            "INSERT INTO session_posts (session_id, post_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            session_id,
            post_id
        )
        .execute(&mut *tx)
        .await?;
        }
        tx.commit().await
    }

    /// The posts linked from a session's notes: (id, title), for those the person may see.
    pub async fn linked_posts(
        db: &Db,
        who: Who,
        session_id: &str,
    ) -> Result<Vec<(String, String)>, sqlx::Error> {
        let rows = sqlx::query!(
        r#"SELECT p.id AS "id!", p.title AS "title!" FROM session_posts sp JOIN visible_posts p ON p.id = sp.post_id
         WHERE sp.session_id = $1 AND p.viewer_id = $2 AND p.hidden_at IS NULL ORDER BY p.title"#,
        session_id,
        who.user_id
    )
    .fetch_all(db.pool())
    .await?;
        Ok(rows.into_iter().map(|r| (r.id, r.title)).collect())
    }

    /// Minutes of community sessions the person attended: part of their CPD time.
    pub async fn attended_minutes(db: &Db, user_id: i64) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar!(
        r#"SELECT CAST(COALESCE(SUM(cs.minutes), 0) AS BIGINT) AS "minutes!: i64" FROM session_people sp
         JOIN community_sessions cs ON cs.id = sp.session_id WHERE sp.user_id = $1 AND sp.attended = TRUE"#,
        user_id
    )
    .fetch_one(db.pool())
    .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Db;
    use crate::store::{networks, settings, test_db};
    use domain::model::{Role, Sector};

    async fn who(db: &Db, email: &str, setting_id: i64) -> Who {
        let (_, user_id) = test_db::person(db, email, Role::Practitioner, Some(setting_id)).await;
        Who {
            user_id,
            setting_id,
        }
    }

    async fn session(db: &Db, id: &str, by: Who, network_id: Option<i64>) {
        let new = NewSession {
            id,
            organiser_id: by.user_id,
            setting_id: by.setting_id,
            network_id,
            topic: "Visual timetables",
            starts_at: 1_800_000_000,
            minutes: 45,
            place: "Library",
        };
        assert_eq!(create(db, &new).await.unwrap(), Stored::Done);
        assert_eq!(
            create(db, &new).await.unwrap(),
            Stored::Done,
            "a retry finds its first try"
        );
    }

    fn ids(rows: &[SessionRow]) -> Vec<&str> {
        rows.iter().map(|r| r.id.as_str()).collect()
    }

    #[tokio::test]
    async fn sessions_are_seen_by_their_setting_or_network_and_count_attendance() {
        let db = test_db::fresh().await;
        let ash = settings::create(&db, "Ash", Sector::SchoolAge)
            .await
            .unwrap();
        let birch = settings::create(&db, "Birch", Sector::SchoolAge)
            .await
            .unwrap();
        let north = networks::create(&db, "North").await.unwrap();
        networks::invite(&db, north, ash).await.unwrap();
        networks::invite(&db, north, birch).await.unwrap();
        networks::answer(&db, north, ash, None, true).await.unwrap();
        let a = who(&db, "a@x.test", ash).await;
        let b = who(&db, "b@x.test", birch).await;
        session(&db, "ash-only", a, None).await;
        session(&db, "north", a, Some(north)).await;
        let other = NewSession {
            id: "ash-only",
            organiser_id: b.user_id,
            setting_id: birch,
            network_id: None,
            topic: "Mine",
            starts_at: 0,
            minutes: 30,
            place: "Hall",
        };
        assert_eq!(create(&db, &other).await.unwrap(), Stored::NotYours);

        assert_eq!(
            ids(&list(&db, a, Space::Setting).await.unwrap()),
            ["ash-only"]
        );
        assert_eq!(
            ids(&list(&db, a, Space::Network(north)).await.unwrap()),
            ["north"]
        );
        // Birch is only invited: nothing of the network's, nothing of Ash's.
        assert!(list(&db, b, Space::Network(north))
            .await
            .unwrap()
            .is_empty());
        assert!(list(&db, b, Space::Setting).await.unwrap().is_empty());
        assert!(get(&db, b, "north").await.unwrap().is_none());
        assert!(get(&db, b, "ash-only").await.unwrap().is_none());

        networks::answer(&db, north, birch, None, true)
            .await
            .unwrap();
        assert_eq!(
            ids(&list(&db, b, Space::Network(north)).await.unwrap()),
            ["north"]
        );
        assert!(
            get(&db, b, "ash-only").await.unwrap().is_none(),
            "Ash's own stays Ash's"
        );

        set_coming(&db, "north", b.user_id, true).await.unwrap();
        set_coming(&db, "north", a.user_id, true).await.unwrap();
        set_coming(&db, "north", a.user_id, false).await.unwrap();
        attend(&db, "north", b.user_id).await.unwrap();
        let seen_by_b = get(&db, b, "north").await.unwrap().unwrap();
        assert_eq!(
            (seen_by_b.coming_count, seen_by_b.coming, seen_by_b.attended),
            (1, true, true)
        );
        let seen_by_a = get(&db, a, "north").await.unwrap().unwrap();
        assert_eq!((seen_by_a.coming, seen_by_a.attended), (false, false));
        assert_eq!(attended_minutes(&db, b.user_id).await.unwrap(), 45);
        assert_eq!(attended_minutes(&db, a.user_id).await.unwrap(), 0);

        set_notes(&db, "north", "We shared timetables.", &[])
            .await
            .unwrap();
        let noted = get(&db, a, "north").await.unwrap().unwrap();
        assert_eq!(noted.notes, "We shared timetables.");
        assert!(noted.notes_at.is_some());
    }
}
