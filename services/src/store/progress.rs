//! Progress events and the per-section state they produce.

use super::now;
use domain::progress::{apply, EventKind, SectionState, MAX_EVENTS_PER_DAY};
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

/// What became of an event sent to `record`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recorded {
    /// Recorded now.
    New,
    /// Recorded before (the same op id again), or the op id is someone else's: nothing changed.
    Already,
    /// Not recorded: the person has recorded `MAX_EVENTS_PER_DAY` events today (UTC).
    DayFull,
}

/// The day (since 1970-01-01, UTC) the daily cap counts `server_time` in.
fn day_of(server_time: i64) -> i64 {
    server_time.div_euclid(86_400)
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
    /// (`Already`), as does someone else's op id, and a retry is answered so even when the day
    /// is full. The event, the section state it changes, the day's count and any follow-up
    /// it schedules are written together or not at all (one transaction on SQLite, one
    /// statement on PostgreSQL).
    pub async fn record(db: &Db, event: &NewEvent<'_>) -> Result<Recorded, sqlx::Error> {
        let server_time = now();
        let at = event_time(event.client_time, server_time);
        let client_time = event.client_time.map(|_| at);
        let today = day_of(server_time);
        let op = crate::store::outcomes::key("progress", event.op_id);
        // SQLite reads the op's kept answer, the section's state and the day's count, and
        // writes in turn, in the person's write (in process, a statement costs microseconds).
        #[only(sqlite)]
        let recorded = {
            let mut tx = write_for(db, event.user_id).await?;
            let row = sqlx::query!(
                r#"SELECT o.user_id AS "op_user?", o.reply AS "op_reply?",
                      s.user_id AS "state_of?", s.first_opened_at AS "first_opened_at?",
                      s.last_opened_at AS "last_opened_at?", s.completed_at AS "completed_at?",
                      s.active_seconds AS "active_seconds?",
                      d.day AS "day?", d.events AS "events_that_day?"
               FROM (SELECT 1 AS one) AS one
               LEFT JOIN op_outcomes o ON o.op_id = $1
               LEFT JOIN section_progress s ON s.user_id = $2 AND s.section_key = $3
               LEFT JOIN progress_days d ON d.user_id = $2"#,
                op,
                event.user_id,
                event.section_key,
            )
            .fetch_one(&mut *tx)
            .await?;
            let kept = row.op_user.zip(row.op_reply);
            if crate::store::outcomes::Earlier::<bool>::of(kept, event.user_id)
                != crate::store::outcomes::Earlier::Unseen
            {
                return Ok(Recorded::Already);
            }
            let events_today = row.events_that_day.filter(|_| row.day == Some(today));
            if events_today.unwrap_or(0) >= MAX_EVENTS_PER_DAY {
                return Ok(Recorded::DayFull);
            }
            let current = row.state_of.map(|_| SectionState {
                first_opened_at: row.first_opened_at,
                last_opened_at: row.last_opened_at,
                completed_at: row.completed_at,
                active_seconds: row.active_seconds.unwrap_or_default(),
            });
            let next = apply(current.unwrap_or_default(), event.kind, at, event.seconds);
            // Nothing is written but the event's id when the event was kept before (its
            // first answer swept long ago).
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
                return Ok(Recorded::Already);
            }
            crate::store::outcomes::sql::keep(&mut tx, &op, event.user_id, &true).await?;
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
            sqlx::query!(
                "INSERT INTO progress_days (user_id, day, events) VALUES ($1, $2, 1)
                 ON CONFLICT (user_id) DO UPDATE SET
                   events = CASE WHEN progress_days.day = excluded.day THEN progress_days.events + 1 ELSE 1 END,
                   day = excluded.day",
                event.user_id,
                today,
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
            Recorded::New
        };
        // PostgreSQL does it all in one statement, outside any transaction and without the
        // person's lock, as each trip to the database is a wait (a read, the write, the locks
        // and the commit were five). Nothing needs reading first: the event's own state
        // merges into the section's (`SectionState::merge`: LEAST, GREATEST and +, on the
        // row as it stands when two arrive at once), and the op id's key turns a second try
        // into nothing. The day's cap is read in the statement, so two events at once at its
        // very edge may both pass it, which a cap against scripts can bear.
        #[only(postgres)]
        let recorded = {
            let own = apply(SectionState::default(), event.kind, at, event.seconds);
            let row = sqlx::query!(
                r#"WITH seen AS (
                     SELECT EXISTS (SELECT 1 FROM progress_events WHERE op_id = $1) AS known,
                            EXISTS (SELECT 1 FROM progress_days
                                    WHERE user_id = $2 AND day = $13 AND events >= $14) AS full_day
                   ), e AS (
                     INSERT INTO progress_events (op_id, user_id, section_key, kind, seconds, client_time, server_time)
                     SELECT CAST($1 AS TEXT), CAST($2 AS BIGINT), CAST($3 AS TEXT), CAST($4 AS TEXT),
                            CAST($5 AS BIGINT), CAST($6 AS BIGINT), CAST($7 AS BIGINT)
                     FROM seen WHERE NOT full_day
                     ON CONFLICT (op_id) DO NOTHING RETURNING user_id
                   ), kept AS (
                     INSERT INTO op_outcomes (op_id, user_id, reply, created_at)
                     SELECT CAST($8 AS TEXT), user_id, CAST($15 AS TEXT), CAST($7 AS BIGINT) FROM e
                   ), state AS (
                     INSERT INTO section_progress (user_id, section_key, first_opened_at, last_opened_at, completed_at, active_seconds)
                     SELECT user_id, CAST($3 AS TEXT), CAST($9 AS BIGINT), CAST($10 AS BIGINT), CAST($11 AS BIGINT), CAST($12 AS BIGINT) FROM e
                     ON CONFLICT (user_id, section_key) DO UPDATE SET
                       first_opened_at = LEAST(section_progress.first_opened_at, excluded.first_opened_at),
                       last_opened_at = GREATEST(section_progress.last_opened_at, excluded.last_opened_at),
                       completed_at = LEAST(section_progress.completed_at, excluded.completed_at),
                       active_seconds = section_progress.active_seconds + excluded.active_seconds
                   ), day AS (
                     INSERT INTO progress_days (user_id, day, events) SELECT user_id, CAST($13 AS BIGINT), 1 FROM e
                     ON CONFLICT (user_id) DO UPDATE SET
                       events = CASE WHEN progress_days.day = excluded.day THEN progress_days.events + 1 ELSE 1 END,
                       day = excluded.day
                   ), follow_up AS (
                     INSERT INTO follow_ups (user_id, section_key, due_at)
                     SELECT user_id, CAST($3 AS TEXT), CAST($16 AS BIGINT) FROM e WHERE CAST($16 AS BIGINT) IS NOT NULL
                     ON CONFLICT DO NOTHING
                   )
                   SELECT EXISTS (SELECT 1 FROM e) AS "inserted!", known AS "known!", full_day AS "full_day!"
                   FROM seen"#,
                event.op_id,
                event.user_id,
                event.section_key,
                event.kind as _,
                event.seconds,
                client_time,
                server_time,
                op,
                own.first_opened_at,
                own.last_opened_at,
                own.completed_at,
                own.active_seconds,
                today,
                MAX_EVENTS_PER_DAY,
                crate::store::outcomes::stored(&true)?,
                event.follow_up_after.map(|after| at + after),
            )
            .fetch_one(db.pool())
            .await?;
            // A retry is answered as one even on a full day; an op id someone else used, or
            // one a write at the same moment kept, changes nothing either.
            match (row.inserted, row.known, row.full_day) {
                (true, _, _) => Recorded::New,
                (false, false, true) => Recorded::DayFull,
                _ => Recorded::Already,
            }
        };
        if recorded == Recorded::New {
            crate::metrics::outbox(crate::metrics::Outbox::Accepted);
        }
        Ok(recorded)
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
        let time = |op| event(op, id, EventKind::TimeSpent, 60);
        assert_eq!(record(&db, &time("op-1")).await.unwrap(), Recorded::New);
        assert_eq!(record(&db, &time("op-1")).await.unwrap(), Recorded::Already);
        let mut shorter = time("op-2");
        shorter.seconds = 30;
        assert_eq!(record(&db, &shorter).await.unwrap(), Recorded::New);
        assert_eq!(
            states(&db, id).await.unwrap()["m1.knowledge"].active_seconds,
            90
        );
        let events: (i64,) =
            (test_db::number(&db, "SELECT COUNT(*) FROM progress_events", &[]).await,);
        assert_eq!(events.0, 2);
    }

    #[tokio::test]
    async fn a_full_day_records_nothing_more_until_the_next_but_answers_retries() {
        let db = test_db::fresh().await;
        let id = person(&db).await;
        let other = test_db::person(&db, "c@d.org", Role::Practitioner, None)
            .await
            .1;
        let opened = |op, who| event(op, who, EventKind::Opened, 0);
        assert_eq!(
            record(&db, &opened("first", id)).await.unwrap(),
            Recorded::New
        );
        // One short of the cap, today: the next event fills the day, the one after is refused.
        let today = day_of(now());
        let set_day = |day: i64, events: i64| {
            let db = db.clone();
            async move {
                test_db::execute(
                    &db,
                    "UPDATE progress_days SET day = $1, events = $2 WHERE user_id = $3",
                    &[day, events, id],
                )
                .await
            }
        };
        set_day(today, MAX_EVENTS_PER_DAY - 1).await;
        assert_eq!(
            record(&db, &opened("last", id)).await.unwrap(),
            Recorded::New
        );
        assert_eq!(
            record(&db, &opened("more", id)).await.unwrap(),
            Recorded::DayFull
        );
        // A retry of an event already recorded gets its answer, full day or not.
        assert_eq!(
            record(&db, &opened("first", id)).await.unwrap(),
            Recorded::Already
        );
        // Refused means not recorded: its retry tomorrow counts it once.
        let events = |db: Db| async move {
            test_db::number(
                &db,
                "SELECT COUNT(*) FROM progress_events WHERE user_id = $1",
                &[id],
            )
            .await
        };
        assert_eq!(events(db.clone()).await, 2);
        // Someone else's day is their own.
        assert_eq!(
            record(&db, &opened("theirs", other)).await.unwrap(),
            Recorded::New
        );
        // Yesterday's full day does not count today.
        set_day(today - 1, MAX_EVENTS_PER_DAY).await;
        assert_eq!(
            record(&db, &opened("more", id)).await.unwrap(),
            Recorded::New
        );
        assert_eq!(events(db.clone()).await, 3);
        let count = test_db::number(
            &db,
            "SELECT events FROM progress_days WHERE user_id = $1 AND day = $2",
            &[id, today],
        )
        .await;
        assert_eq!(count, 1, "a new day counts from one");
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

    /// Events that arrive at once, some twice (a retry racing its first try), end as they
    /// would one after another: PostgreSQL takes no lock for them and reads nothing first.
    #[tokio::test]
    async fn events_at_once_lose_nothing_and_count_once() {
        let db = test_db::fresh().await;
        let id = person(&db).await;
        let base = now() - 3_600;
        let kinds = [
            EventKind::Opened,
            EventKind::TimeSpent,
            EventKind::Completed,
        ];
        // (op id, kind, when on the device, seconds)
        let events: Vec<(String, EventKind, i64, i64)> = (0..24)
            .map(|i| {
                let at = base + (i * 37) % 600;
                (format!("op-{i:02}"), kinds[i as usize % 3], at, 20 + i)
            })
            .collect();
        let mut sending = tokio::task::JoinSet::new();
        for (op, kind, at, seconds) in events.iter().chain(events.iter().step_by(5)).cloned() {
            let db = db.clone();
            sending.spawn(async move {
                let mut sent = event(&op, id, kind, seconds);
                sent.client_time = Some(at);
                record(&db, &sent).await
            });
        }
        let answers = sending.join_all().await;
        assert!(answers.iter().all(Result::is_ok), "{answers:?}");
        let new = answers
            .iter()
            .filter(|a| matches!(a, Ok(Recorded::New)))
            .count();
        assert_eq!(new, events.len(), "each event once, its retry nothing");
        let expected = events
            .iter()
            .fold(SectionState::default(), |s, (_, kind, at, seconds)| {
                apply(s, *kind, *at, *seconds)
            });
        assert_eq!(states(&db, id).await.unwrap()["m1.knowledge"], expected);
        let counted = test_db::number(
            &db,
            "SELECT events FROM progress_days WHERE user_id = $1 AND day = $2",
            &[id, day_of(now())],
        )
        .await;
        assert_eq!(counted, events.len() as i64);
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
