//! Progress events and the per-section state they produce.

use super::now;
use super::outcomes::Earlier;
use domain::progress::{apply, EventKind, SectionState};
use std::collections::HashMap;

pub struct NewEvent<'a> {
    pub op_id: &'a str,
    pub user_id: i64,
    pub section_key: &'a str,
    pub kind: EventKind,
    pub seconds: i64,
    /// When it happened on the device (a tablet may send it hours later); see `event_time`.
    pub client_time: Option<i64>,
    /// Seconds after the event at which to ask "what has changed?" (a practice section
    /// completed): scheduled in the same transaction, so it is never lost.
    pub follow_up_after: Option<i64>,
}

/// How far back a device's clock is believed: a tablet can be offline for a term, but not
/// for years, and never ahead of the server.
const OLDEST_CLIENT_TIME_SECS: i64 = 366 * 24 * 60 * 60;

/// The time an event counts from: when it happened on the device, within reason.
pub fn event_time(client_time: Option<i64>, server_time: i64) -> i64 {
    client_time.map_or(server_time, |t| {
        t.clamp(server_time - OLDEST_CLIENT_TIME_SECS, server_time)
    })
}

/// One recorded event, as "download my data" lists it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EventRow {
    pub section_key: String,
    pub kind: EventKind,
    pub seconds: i64,
    /// When it happened: on the device, if it said (within reason), else when it arrived.
    pub happened_at: i64,
}

#[engines::both]
mod sql {
    use super::*;

    /// Records an event once (`outcomes`): a second event with the same op id changes nothing
    /// and returns false, as does someone else's op id. The event, the section state it
    /// changes and any follow-up it schedules are written in one transaction.
    pub async fn record(db: &Db, event: &NewEvent<'_>) -> Result<bool, sqlx::Error> {
        let server_time = now();
        let at = event_time(event.client_time, server_time);
        let mut tx = write_for(db, event.user_id).await?;
        let op = crate::store::outcomes::key("progress", event.op_id);
        // The op's kept answer, if any, and the section's state, in one trip: each is a trip
        // to the database while the person's next write waits.
        let row = sqlx::query!(
            r#"SELECT o.user_id AS "op_user?", o.reply AS "op_reply?",
                  s.user_id AS "state_of?", s.first_opened_at AS "first_opened_at?",
                  s.last_opened_at AS "last_opened_at?", s.completed_at AS "completed_at?",
                  s.active_seconds AS "active_seconds?"
           FROM (SELECT 1 AS one) AS one
           LEFT JOIN op_outcomes o ON o.op_id = $1
           LEFT JOIN section_progress s ON s.user_id = $2 AND s.section_key = $3"#,
            op,
            event.user_id,
            event.section_key,
        )
        .fetch_one(&mut *tx)
        .await?;
        let kept = row.op_user.zip(row.op_reply);
        if Earlier::<bool>::of(kept, event.user_id) != Earlier::Unseen {
            return Ok(false);
        }
        let current = row.state_of.map(|_| SectionState {
            first_opened_at: row.first_opened_at,
            last_opened_at: row.last_opened_at,
            completed_at: row.completed_at,
            active_seconds: row.active_seconds.unwrap_or_default(),
        });
        let client_time = event.client_time.map(|_| at);
        let inserted = sqlx::query!(
        "INSERT INTO progress_events (op_id, user_id, section_key, kind, seconds, client_time, server_time)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (op_id) DO NOTHING",
        event.op_id,
        event.user_id,
        event.section_key,
        event.kind as _,
        event.seconds,
        client_time,
        server_time
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
        if !inserted {
            // Its first answer was swept long ago (`outcomes`); the event's id keeps it once.
            return Ok(false);
        }
        crate::store::outcomes::sql::keep(&mut tx, &op, event.user_id, &true).await?;
        let next = apply(current.unwrap_or_default(), event.kind, at, event.seconds);
        sqlx::query!(
        "INSERT INTO section_progress (user_id, section_key, first_opened_at, last_opened_at, completed_at, active_seconds)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (user_id, section_key) DO UPDATE SET
           first_opened_at = excluded.first_opened_at, last_opened_at = excluded.last_opened_at,
           completed_at = excluded.completed_at, active_seconds = excluded.active_seconds",
        event.user_id,
        event.section_key,
        next.first_opened_at,
        next.last_opened_at,
        next.completed_at,
        next.active_seconds
    )
    .execute(&mut *tx)
    .await?;
        if let Some(after) = event.follow_up_after {
            crate::store::learning_log::sql::schedule_follow_up(
                &mut tx,
                event.user_id,
                event.section_key,
                at + after,
            )
            .await?;
        }
        tx.commit().await?;
        crate::metrics::outbox(crate::metrics::Outbox::Accepted);
        Ok(true)
    }

    /// How many events a person recorded since `since` (for the daily cap).
    pub async fn count_since(db: &Db, user_id: i64, since: i64) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar!(
        r#"SELECT COUNT(*) AS "n!: i64" FROM progress_events WHERE user_id = $1 AND server_time > $2"#,
        user_id,
        since
    )
    .fetch_one(db.pool())
    .await
    }

    /// Every event one person has recorded, oldest first.
    pub async fn events(db: &Db, user_id: i64) -> Result<Vec<EventRow>, sqlx::Error> {
        sqlx::query_as!(
        EventRow,
        r#"SELECT section_key, kind AS "kind: EventKind", seconds,
                  COALESCE(client_time, server_time) AS "happened_at!: i64"
           FROM progress_events WHERE user_id = $1 ORDER BY COALESCE(client_time, server_time), rowid"#,
        user_id
    )
    .fetch_all(db.pool())
    .await
    }

    /// Every section state of one person, by section key.
    pub async fn states(
        db: &Db,
        user_id: i64,
    ) -> Result<HashMap<String, SectionState>, sqlx::Error> {
        let rows = sqlx::query!(
        "SELECT section_key, first_opened_at, last_opened_at, completed_at, active_seconds FROM section_progress WHERE user_id = $1",
        user_id
    )
    .fetch_all(db.pool())
    .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let state = SectionState {
                    first_opened_at: r.first_opened_at,
                    last_opened_at: r.last_opened_at,
                    completed_at: r.completed_at,
                    active_seconds: r.active_seconds,
                };
                (r.section_key, state)
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_db;
    use crate::store::Db;
    use domain::model::Role;

    async fn person(db: &Db) -> i64 {
        test_db::person(db, "a@b.org", Role::Practitioner, None)
            .await
            .1
    }

    fn event<'a>(op_id: &'a str, user_id: i64, kind: EventKind, seconds: i64) -> NewEvent<'a> {
        NewEvent {
            op_id,
            user_id,
            section_key: "m1.knowledge",
            kind,
            seconds,
            client_time: None,
            follow_up_after: None,
        }
    }

    #[tokio::test]
    async fn the_same_op_twice_counts_once() {
        let db = test_db::fresh().await;
        let id = person(&db).await;
        assert!(record(&db, &event("op-1", id, EventKind::TimeSpent, 60))
            .await
            .unwrap());
        assert!(!record(&db, &event("op-1", id, EventKind::TimeSpent, 60))
            .await
            .unwrap());
        assert!(record(&db, &event("op-2", id, EventKind::TimeSpent, 30))
            .await
            .unwrap());
        assert_eq!(
            states(&db, id).await.unwrap()["m1.knowledge"].active_seconds,
            90
        );
        let events: (i64,) =
            (test_db::number(&db, "SELECT COUNT(*) FROM progress_events", &[]).await,);
        assert_eq!(events.0, 2);
    }

    #[test]
    fn device_times_are_believed_within_reason() {
        let now = 1_800_000_000;
        assert_eq!(event_time(None, now), now);
        assert_eq!(event_time(Some(now - 3600), now), now - 3600);
        assert_eq!(
            event_time(Some(now + 3600), now),
            now,
            "never in the future"
        );
        assert_eq!(event_time(Some(0), now), now - OLDEST_CLIENT_TIME_SECS);
    }

    #[tokio::test]
    async fn an_event_and_its_follow_up_are_one_write() {
        let db = test_db::fresh().await;
        let id = person(&db).await;
        // The follow-up cannot be written: the event must not be half-recorded either,
        // or its retry would count as a repeat and the follow-up would be lost for good.
        test_db::execute(&db, "DROP TABLE follow_ups", &[]).await;
        let mut completed = event("done", id, EventKind::Completed, 0);
        completed.follow_up_after = Some(86_400);
        assert!(record(&db, &completed).await.is_err());
        let events: (i64,) =
            (test_db::number(&db, "SELECT COUNT(*) FROM progress_events", &[]).await,);
        assert_eq!(events.0, 0);
        assert!(states(&db, id).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn completion_survives_later_events() {
        let db = test_db::fresh().await;
        let id = person(&db).await;
        record(&db, &event("a", id, EventKind::Completed, 0))
            .await
            .unwrap();
        record(&db, &event("b", id, EventKind::Opened, 0))
            .await
            .unwrap();
        record(&db, &event("a", id, EventKind::Completed, 0))
            .await
            .unwrap();
        let state = states(&db, id).await.unwrap()["m1.knowledge"];
        assert!(state.is_complete());
        assert!(state.first_opened_at.is_some());
    }
}
