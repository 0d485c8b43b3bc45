//! Everything that touches the database lives here, one module per aggregate, so the
//! server functions stay short.
//!
//! Callers hold an opaque `Db` and call these functions with domain types, getting domain
//! types or plain rows back; nothing outside `services` names a pool, a connection or SQL,
//! or knows which engine is in use. Two engines: SQLite (the default, one file) and
//! PostgreSQL (a trust's or local authority's several app servers on one database).
//!
//! Each module's SQL is written once, in the part of SQL both engines share (`$1`
//! parameters, `ON CONFLICT`, `IS NOT DISTINCT FROM`, a few of SQLite's functions that
//! `migrations/postgres/` defines for PostgreSQL), inside `#[engines::both] mod sql`, which
//! compiles it once per engine and gives the module's public functions on `Db`. Where the
//! dialects differ (search) an `#[only(..)]` statement says so. Fixed statements use the
//! compile-time checked macros (`query!`, `query_as!`; both engines' data in `.sqlx/`,
//! refreshed by `scripts/sqlx-prepare.sh`); statements assembled from parts (the filters in
//! `filter.rs`, the person columns shared by `users` and `sessions`) are checked by the
//! tests, which run on both engines (`make unit`).

pub mod community;
pub mod community_sessions;
pub mod data_protection;
pub mod digest;
pub mod filter;
pub mod import_setting;
pub mod invites;
pub mod learning_log;
pub mod leases;
mod list_memo;
pub mod mail;
pub mod networks;
pub mod outcomes;
pub mod password_resets;
pub mod plans;
pub mod progress;
pub mod proofs;
pub mod proposals;
pub mod rate_limit;
pub mod review;
pub mod self_reviews;
pub mod sessions;
pub mod settings;
pub mod single_sign_on;
pub mod staff;
pub mod staff_import;
pub mod sweep;
pub mod term_dates;
pub mod trust_sign_on;
pub mod users;
pub mod write_allowance;

pub mod engine;

use std::time::Duration;

/// One database, on either engine. Cloning shares its pool.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(engine::sqlite::Db),
    Postgres(engine::postgres::Db),
}

impl Db {
    /// This server, as a holder of job leases.
    pub fn holder(&self) -> &str {
        match self {
            Db::Sqlite(db) => db.holder(),
            Db::Postgres(db) => db.holder(),
        }
    }

    /// Which engine, for the log and for what differs (backups).
    pub fn engine_name(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "SQLite",
            Db::Postgres(_) => "PostgreSQL",
        }
    }

    /// The SQLite pool, for the router tests' own statements (their fixtures and
    /// checks). Not for the app: everything it does goes through the store's functions.
    #[doc(hidden)]
    pub fn sqlite_pool(&self) -> &sqlx::SqlitePool {
        match self {
            Db::Sqlite(db) => db.pool(),
            Db::Postgres(_) => panic!("the router tests' own statements run on SQLite"),
        }
    }

    /// The pool's connections now (for `/metrics`).
    pub fn pool_use(&self) -> crate::metrics::Pool {
        fn of<DB: sqlx::Database>(pool: &sqlx::Pool<DB>) -> crate::metrics::Pool {
            crate::metrics::Pool {
                size: pool.size(),
                idle: pool.num_idle(),
                max: pool.options().get_max_connections(),
            }
        }
        match self {
            Db::Sqlite(db) => of(db.pool()),
            Db::Postgres(db) => of(db.pool()),
        }
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(db) => db.close().await,
            Db::Postgres(db) => db.close().await,
        }
    }
}

/// Opens the database `url` names: `postgres://…` (or `postgresql://…`) for PostgreSQL,
/// anything else (`sqlite://path`) for SQLite, created if missing.
///
/// `limit` bounds how long a request may hold a connection: the engine interrupts whatever
/// is running once the time is up (an error, logged, and a plain "try again" for the
/// person), so no request can starve the pool. The server uses it; command-line jobs and
/// migrations run without.
pub async fn connect(url: &str, limit: Option<Duration>) -> Result<Db, sqlx::Error> {
    if is_postgres(url) {
        Ok(Db::Postgres(engine::postgres::connect(url, limit).await?))
    } else {
        Ok(Db::Sqlite(engine::sqlite::connect(url, limit).await?))
    }
}

pub fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// How long one request may hold a database connection when serving.
pub const REQUEST_LIMIT: Duration = Duration::from_secs(3);

/// Brings the schema up to date: `migrations/` for SQLite, `migrations/postgres/` for
/// PostgreSQL (the same tables, views and indexes in each dialect).
pub async fn migrate(db: &Db) -> Result<(), sqlx::migrate::MigrateError> {
    match db {
        Db::Sqlite(db) => sqlx::migrate!("../migrations").run(db.pool()).await,
        Db::Postgres(db) => {
            sqlx::migrate!("../migrations/postgres")
                .run(db.pool())
                .await
        }
    }
}

/// Seconds since the epoch; every stored time uses this.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// A write transaction, taken in turn (see each engine's `write`). Store functions that
/// take part in a caller's transaction take `&mut WriteTx`.
pub enum WriteTx {
    Sqlite(engine::sqlite::WriteTx),
    Postgres(engine::postgres::WriteTx),
}

pub async fn write(db: &Db) -> Result<WriteTx, sqlx::Error> {
    Ok(match db {
        Db::Sqlite(db) => WriteTx::Sqlite(engine::sqlite::write(db).await?),
        Db::Postgres(db) => WriteTx::Postgres(engine::postgres::write(db).await?),
    })
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            WriteTx::Sqlite(tx) => tx.commit().await,
            WriteTx::Postgres(tx) => tx.commit().await,
        }
    }
}

#[engines::both]
mod sql {
    use super::*;

    /// Whether the database answers (for `/healthz`).
    pub async fn ping(db: &Db) -> Result<(), sqlx::Error> {
        sqlx::query!(r#"SELECT 1 AS "one!""#)
            .fetch_one(db.pool())
            .await?;
        Ok(())
    }
}

/// An empty database of its own on a PostgreSQL test server (`server` is a URL of a
/// database there), for a test to migrate and use; `scripts/postgres.sh clean` drops them.
#[doc(hidden)]
pub async fn new_test_database(server: &str) -> Result<String, sqlx::Error> {
    use sqlx::Connection;
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(server).await?;
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await?;
    let base = server.rsplit_once('/').map_or(server, |(base, _)| base);
    Ok(format!("{base}/{name}"))
}

/// True when an insert failed only because a UNIQUE constraint already holds the value.
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The state a cancelled request can leave: `BEGIN IMMEDIATE` ran on a connection that
    /// went back to the pool without its transaction. The next writer must not wait on it.
    #[tokio::test]
    async fn a_connection_returned_inside_a_transaction_does_not_block_writers() {
        use sqlx::{Database, Sqlite, TransactionManager};
        let dir = std::env::temp_dir().join(format!("tandem-leak-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let db = connect(&format!("sqlite://{}/t.db", dir.display()), None)
            .await
            .unwrap();
        migrate(&db).await.unwrap();
        let Db::Sqlite(sqlite) = &db else {
            unreachable!()
        };
        let mut conn = sqlite.pool().acquire().await.unwrap();
        <Sqlite as Database>::TransactionManager::begin(&mut conn, Some("BEGIN IMMEDIATE".into()))
            .await
            .unwrap();
        drop(conn);
        for _ in 0..8 {
            let mut tx = engine::sqlite::write(sqlite)
                .await
                .expect("a writer gets its turn");
            sqlx::query("INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, 0, 1)")
                .bind(uuid::Uuid::new_v4().to_string())
                .execute(&mut *tx)
                .await
                .expect("and writes without waiting on a leaked lock");
            tx.commit().await.unwrap();
        }
        db.close().await;
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// A write dropped unfinished (a replayed save returns early, a request gives up) rolls
    /// back and its connection goes back to the pool, rather than being closed and opened
    /// again, even when its rollback has to wait for the connection's thread.
    #[tokio::test]
    async fn a_write_dropped_unfinished_rolls_back_and_keeps_its_connection() {
        let db = test_db::sqlite().await;
        let Db::Sqlite(sqlite) = &db else {
            unreachable!()
        };
        let mut tx = engine::sqlite::write(sqlite).await.unwrap();
        sqlx::query("INSERT INTO rate_limits (bucket, window_start, hits) VALUES ('x', 0, 1)")
            .execute(&mut *tx)
            .await
            .unwrap();
        // A statement still running on the connection's thread when the write is given up
        // (a request that timed out mid-query): the rollback queues behind it.
        let slow = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT COUNT(*) FROM c";
        let given_up = tokio::time::timeout(
            Duration::from_millis(20),
            sqlx::query(slow).execute(&mut *tx),
        );
        assert!(
            given_up.await.is_err(),
            "the slow statement was still running"
        );
        let open = sqlite.pool().size();
        drop(tx);
        // The connection goes back (or is closed) in a task of its own.
        let settled = async {
            while sqlite.pool().size() == open && sqlite.pool().num_idle() < open as usize {
                tokio::task::yield_now().await;
            }
        };
        tokio::time::timeout(Duration::from_secs(5), settled)
            .await
            .expect("the connection is settled");
        assert_eq!(sqlite.pool().size(), open, "the connection was closed");
        let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rate_limits")
            .fetch_one(sqlite.pool())
            .await
            .unwrap();
        assert_eq!(rows, 0, "the unfinished write was rolled back");
    }

    /// Every enum is stored as the word its `as_str` gives (what the migrations' data and
    /// older rows hold), and a word no variant has is an error, never a default.
    #[tokio::test]
    async fn enums_are_stored_as_their_words_and_a_stranger_word_is_an_error() {
        use domain::learning_log::{EntryKind, EntryStatus};
        use domain::model::{Role, Sector};
        use domain::progress::EventKind;
        use domain::review::ReviewAction;
        let db = test_db::sqlite().await;
        let Db::Sqlite(db) = &db else { unreachable!() };
        async fn round_trip<T>(db: &engine::sqlite::Db, value: T, word: &str)
        where
            T: for<'r> sqlx::Decode<'r, sqlx::Sqlite>
                + for<'q> sqlx::Encode<'q, sqlx::Sqlite>
                + sqlx::Type<sqlx::Sqlite>
                + PartialEq
                + std::fmt::Debug
                + Copy
                + Send
                + Unpin
                + 'static,
        {
            let (stored,): (String,) = sqlx::query_as("SELECT $1")
                .bind(value)
                .fetch_one(db.pool())
                .await
                .unwrap();
            assert_eq!(stored, word);
            let (read,): (T,) = sqlx::query_as("SELECT $1")
                .bind(word)
                .fetch_one(db.pool())
                .await
                .unwrap();
            assert_eq!(read, value);
        }
        for v in Role::ALL {
            round_trip(db, v, v.as_str()).await;
        }
        for v in Sector::ALL {
            round_trip(db, v, v.as_str()).await;
        }
        for v in EntryKind::ALL {
            round_trip(db, v, v.as_str()).await;
        }
        for v in EntryStatus::ALL {
            round_trip(db, v, v.as_str()).await;
        }
        for v in [
            ReviewAction::Comment,
            ReviewAction::Reviewed,
            ReviewAction::NeedsRevision,
        ] {
            round_trip(db, v, v.as_str()).await;
        }
        for v in [
            EventKind::Opened,
            EventKind::Completed,
            EventKind::TimeSpent,
        ] {
            round_trip(db, v, v.as_str()).await;
        }
        let stranger: Result<(Role,), _> =
            sqlx::query_as("SELECT 'wizard'").fetch_one(db.pool()).await;
        assert!(
            stranger.is_err(),
            "an unknown role is an error: {stranger:?}"
        );
    }

    /// A file database as the server opens it (its own writer connection), in a folder
    /// removed with it.
    async fn file_db(name: &str) -> (crate::test_dir::Dir, Db) {
        let dir = crate::test_dir::Dir::new();
        let db = connect(
            &format!("sqlite://{}/{name}.db", dir.path().display()),
            None,
        )
        .await
        .unwrap();
        migrate(&db).await.unwrap();
        (dir, db)
    }

    async fn insert_bucket(tx: &mut engine::sqlite::WriteTx, bucket: &str) {
        sqlx::query("INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, 0, 1)")
            .bind(bucket)
            .execute(&mut **tx)
            .await
            .unwrap();
    }

    async fn buckets(db: &Db) -> Vec<String> {
        let Db::Sqlite(sqlite) = db else {
            unreachable!()
        };
        sqlx::query_scalar("SELECT bucket FROM rate_limits ORDER BY bucket")
            .fetch_all(sqlite.pool())
            .await
            .unwrap()
    }

    /// Queues a write behind the one in its turn, so the two share a batch.
    async fn queued(
        sqlite: &engine::sqlite::Db,
    ) -> std::pin::Pin<
        Box<impl std::future::Future<Output = Result<engine::sqlite::WriteTx, sqlx::Error>> + '_>,
    > {
        let mut next = Box::pin(engine::sqlite::write(sqlite));
        std::future::poll_fn(|cx| {
            use std::future::Future;
            assert!(next.as_mut().poll(cx).is_pending(), "waits for its turn");
            std::task::Poll::Ready(())
        })
        .await;
        next
    }

    /// Writes that queue up share one commit, and one given up unfinished is undone alone:
    /// the writes before and after it in the batch are saved, and each is told so only
    /// once the batch is committed.
    #[tokio::test]
    async fn writes_queued_together_commit_together_and_one_given_up_is_undone_alone() {
        let (_dir, db) = file_db("batch").await;
        let Db::Sqlite(sqlite) = &db else {
            unreachable!()
        };
        let mut first = engine::sqlite::write(sqlite).await.unwrap();
        insert_bucket(&mut first, "first").await;
        let second = queued(sqlite).await;
        let third = queued(sqlite).await;
        let (first_done, (), third_done) = tokio::join!(
            first.commit(),
            async {
                let mut tx = second.await.unwrap();
                insert_bucket(&mut tx, "given up").await;
                // Dropped unfinished, as an early return or a request that went away does.
                drop(tx);
            },
            async {
                let mut tx = third.await.unwrap();
                insert_bucket(&mut tx, "third").await;
                tx.commit().await
            }
        );
        first_done.expect("the first write is saved");
        third_done.expect("the third write is saved");
        assert_eq!(buckets(&db).await, ["first", "third"]);
        db.close().await;
    }

    /// The write that begins a batch has no savepoint: given up, it rolls its batch back,
    /// which holds nothing else yet, and the writes queued behind it start the next. A write
    /// given up while it waits for its turn is no longer counted as waiting, so the last
    /// write commits at once rather than waiting for one that will never come.
    #[tokio::test]
    async fn the_first_write_of_a_batch_given_up_is_undone_alone() {
        let (_dir, db) = file_db("first").await;
        let Db::Sqlite(sqlite) = &db else {
            unreachable!()
        };
        let mut first = engine::sqlite::write(sqlite).await.unwrap();
        insert_bucket(&mut first, "given up").await;
        let second = queued(sqlite).await;
        let never = queued(sqlite).await;
        let third = queued(sqlite).await;
        drop(never);
        assert_eq!(
            sqlite.queued.load(std::sync::atomic::Ordering::SeqCst),
            2,
            "the write given up while waiting is not counted"
        );
        drop(first);
        let (second_done, third_done) = tokio::join!(
            async {
                let mut tx = second.await.unwrap();
                insert_bucket(&mut tx, "second").await;
                tx.commit().await
            },
            async {
                let mut tx = third.await.unwrap();
                insert_bucket(&mut tx, "third").await;
                tx.commit().await
            }
        );
        second_done.expect("the second write is saved");
        third_done.expect("the third write is saved");
        assert_eq!(buckets(&db).await, ["second", "third"]);
        assert_eq!(sqlite.queued.load(std::sync::atomic::Ordering::SeqCst), 0);
        db.close().await;
    }

    /// How many advisory locks are being waited for (PostgreSQL).
    async fn waiting_for_locks(pg: &engine::postgres::Db) -> i64 {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
        )
        .fetch_one(pg.pool())
        .await
        .unwrap()
    }

    /// Waits (boundedly) until `n` advisory locks are being waited for.
    async fn until_waiting(pg: &engine::postgres::Db, n: i64) {
        for _ in 0..1000 {
            if waiting_for_locks(pg).await == n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("{n} writes never queued");
    }

    /// On PostgreSQL a write of one person's own rows (`write_for`) waits for that person's
    /// other writes and for any write of shared rows (`write`), and for no one else's: two
    /// people save side by side. (On SQLite every write has the one turn, tested above.)
    #[tokio::test]
    async fn people_write_side_by_side_and_a_shared_write_waits_for_them() {
        let db = test_db::fresh().await;
        let Db::Postgres(pg) = &db else {
            return;
        };
        let bound = Duration::from_secs(20);
        let sam = engine::postgres::write_for(pg, 1).await.unwrap();
        let kim = tokio::time::timeout(bound, engine::postgres::write_for(pg, 2))
            .await
            .expect("another person's write does not wait")
            .unwrap();
        let shared = tokio::spawn({
            let pg = pg.clone();
            async move { engine::postgres::write(&pg).await.unwrap().commit().await }
        });
        until_waiting(pg, 1).await;
        sam.commit().await.unwrap();
        assert_eq!(waiting_for_locks(pg).await, 1, "still waiting for Kim's");
        assert!(!shared.is_finished());
        kim.commit().await.unwrap();
        tokio::time::timeout(bound, shared)
            .await
            .expect("the shared write goes once both are done")
            .unwrap()
            .unwrap();

        let sam = engine::postgres::write_for(pg, 1).await.unwrap();
        let again = tokio::spawn({
            let pg = pg.clone();
            async move {
                engine::postgres::write_for(&pg, 1)
                    .await
                    .unwrap()
                    .commit()
                    .await
            }
        });
        until_waiting(pg, 1).await;
        assert!(
            !again.is_finished(),
            "Sam's second write waits for her first"
        );
        sam.commit().await.unwrap();
        tokio::time::timeout(bound, again)
            .await
            .expect("and goes once it is done")
            .unwrap()
            .unwrap();
        db.close().await;
    }

    /// On PostgreSQL a write that fails or is given up while it waits for its lock never
    /// leaves a connection in the pool inside a transaction that holds (or will be granted)
    /// the lock: every later write still gets its turn.
    #[tokio::test]
    async fn a_write_given_up_or_failed_while_waiting_for_its_lock_leaves_no_lock_behind() {
        let db = test_db::fresh().await;
        let Db::Postgres(pg) = &db else {
            return;
        };
        let bound = Duration::from_secs(20);
        let next_write = || async {
            tokio::time::timeout(bound, engine::postgres::write(pg))
                .await
                .expect("the next write gets its turn")
                .unwrap()
                .commit()
                .await
                .unwrap();
        };
        let waiting = || {
            let pg = pg.clone();
            tokio::spawn(async move { engine::postgres::write(&pg).await.map(|_| ()) })
        };

        // Given up: a request that went away while its write queued.
        let first = engine::postgres::write(pg).await.unwrap();
        let given_up = waiting();
        until_waiting(pg, 1).await;
        given_up.abort();
        first.commit().await.unwrap();
        for _ in 0..4 {
            next_write().await;
        }

        // Failed: the wait cut off (here cancelled, as the statement timeout does).
        let first = engine::postgres::write(pg).await.unwrap();
        let failed = waiting();
        until_waiting(pg, 1).await;
        let cancelled: bool = sqlx::query_scalar(
            "SELECT pg_cancel_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
        )
        .fetch_one(pg.pool())
        .await
        .unwrap();
        assert!(cancelled);
        let failed = tokio::time::timeout(bound, failed).await.unwrap().unwrap();
        assert!(failed.is_err(), "the cancelled wait is an error");
        first.commit().await.unwrap();
        for _ in 0..4 {
            next_write().await;
        }
        db.close().await;
    }

    /// A batch that cannot commit (a full disk would do it; here a deferred constraint)
    /// tells every write in it, none of them is saved, and the next write starts afresh on
    /// a new connection.
    #[tokio::test]
    async fn a_batch_that_cannot_commit_tells_every_write_in_it() {
        let (_dir, db) = file_db("failed").await;
        let Db::Sqlite(sqlite) = &db else {
            unreachable!()
        };
        let mut first = engine::sqlite::write(sqlite).await.unwrap();
        insert_bucket(&mut first, "first").await;
        let second = queued(sqlite).await;
        let (first_done, second_done) = tokio::join!(first.commit(), async {
            let mut tx = second.await.unwrap();
            sqlx::query("PRAGMA defer_foreign_keys = ON")
                .execute(&mut *tx)
                .await
                .unwrap();
            sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ('t', 404, 0, 0)")
                .execute(&mut *tx)
                .await
                .expect("a deferred constraint is checked at commit");
            tx.commit().await
        });
        assert!(
            first_done.is_err(),
            "the first write is told it was not saved"
        );
        assert!(second_done.is_err(), "and so is the second");
        assert!(
            buckets(&db).await.is_empty(),
            "nothing of the batch was saved"
        );
        let mut tx = engine::sqlite::write(sqlite).await.unwrap();
        insert_bucket(&mut tx, "after").await;
        tx.commit().await.expect("the next write is saved");
        assert_eq!(buckets(&db).await, ["after"]);
        db.close().await;
    }

    #[tokio::test]
    async fn a_runaway_statement_is_interrupted_and_the_connection_comes_back() {
        let dir = std::env::temp_dir().join(format!("tandem-limit-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}/t.db", dir.display());
        let db = connect(&url, Some(Duration::from_millis(200)))
            .await
            .unwrap();
        let Db::Sqlite(sqlite) = &db else {
            unreachable!()
        };
        let forever = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
        let started = std::time::Instant::now();
        let error = sqlx::query(forever)
            .fetch_one(sqlite.pool())
            .await
            .err()
            .expect("the statement is interrupted");
        assert!(error.to_string().contains("interrupt"), "{error}");
        assert!(started.elapsed() < Duration::from_secs(30));
        for _ in 0..10 {
            let one = test_db::number(&db, "SELECT 1", &[]).await;
            assert_eq!(one, 1, "every connection works again");
        }
        db.close().await;
        std::fs::remove_dir_all(dir).unwrap();
    }
}

#[cfg(test)]
pub(crate) mod test_db {
    use super::*;

    /// The PostgreSQL server the tests run against, when they do (`make test` runs the
    /// store's tests once on each engine; see `scripts/postgres.sh`).
    fn postgres() -> Option<String> {
        std::env::var("TANDEM_TEST_POSTGRES")
            .ok()
            .filter(|url| !url.is_empty())
    }

    /// A fresh, migrated database for one test: in memory on SQLite, or a new database of
    /// its own on the test PostgreSQL server.
    pub async fn fresh() -> Db {
        match postgres() {
            Some(server) => {
                let url = new_test_database(&server).await.unwrap();
                let db = connect(&url, None).await.unwrap();
                migrate(&db).await.unwrap();
                db
            }
            None => sqlite().await,
        }
    }

    /// A fresh in-memory SQLite database, whichever engine the tests run on.
    pub async fn sqlite() -> Db {
        use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
        use std::str::FromStr;
        let options = SqliteConnectOptions::from_str("sqlite::memory:")
            .unwrap()
            .foreign_keys(true);
        // One connection: every connection to `:memory:` would be a different database.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .unwrap();
        let db = Db::Sqlite(engine::sqlite::Db {
            writer: pool.clone(),
            pool,
            turn: Default::default(),
            queued: Default::default(),
            holder: engine::new_holder(),
            list_memo: Default::default(),
        });
        migrate(&db).await.unwrap();
        db
    }

    /// Two app servers: two pools (each with its own queue of writers on SQLite) on one
    /// database.
    pub async fn two_servers() -> (crate::test_dir::Dir, Db, Db) {
        let dir = crate::test_dir::Dir::new();
        let url = match postgres() {
            Some(server) => new_test_database(&server).await.unwrap(),
            None => format!("sqlite://{}/shared.db", dir.path().display()),
        };
        let a = connect(&url, None).await.unwrap();
        migrate(&a).await.unwrap();
        let b = connect(&url, None).await.unwrap();
        (dir, a, b)
    }

    /// Runs a statement of a test's own (setting a clock back, breaking a table) on either
    /// engine, binding `values` in order; how many rows it touched.
    pub async fn execute(db: &Db, sql: &str, values: &[i64]) -> u64 {
        match db {
            Db::Sqlite(db) => {
                let mut query = sqlx::query(sql);
                for value in values {
                    query = query.bind(*value);
                }
                query.execute(db.pool()).await.unwrap().rows_affected()
            }
            Db::Postgres(db) => {
                let mut query = sqlx::query(sql);
                for value in values {
                    query = query.bind(*value);
                }
                query.execute(db.pool()).await.unwrap().rows_affected()
            }
        }
    }

    /// The one value (a count, a number) a test's own query gives.
    pub async fn number(db: &Db, sql: &str, values: &[i64]) -> i64 {
        match db {
            Db::Sqlite(db) => {
                let mut query = sqlx::query_scalar(sql);
                for value in values {
                    query = query.bind(*value);
                }
                query.fetch_one(db.pool()).await.unwrap()
            }
            Db::Postgres(db) => {
                let mut query = sqlx::query_scalar(sql);
                for value in values {
                    query = query.bind(*value);
                }
                query.fetch_one(db.pool()).await.unwrap()
            }
        }
    }

    /// The one text a test's own query gives.
    pub async fn text(db: &Db, sql: &str) -> String {
        match db {
            Db::Sqlite(db) => sqlx::query_scalar(sql).fetch_one(db.pool()).await.unwrap(),
            Db::Postgres(db) => sqlx::query_scalar(sql).fetch_one(db.pool()).await.unwrap(),
        }
    }

    /// A person named by their email, in `setting` or in a new setting of their own.
    /// Returns (setting id, user id).
    pub async fn person(
        db: &Db,
        email: &str,
        role: domain::model::Role,
        setting: Option<i64>,
    ) -> (i64, i64) {
        use domain::model::Sector;
        let setting_id = match setting {
            Some(id) => id,
            None => settings::create(db, "Oak", Sector::SchoolAge)
                .await
                .unwrap(),
        };
        let user = users::NewUser {
            email,
            display_name: email,
            password_hash: "h",
            role,
            setting_id,
            sector: Sector::SchoolAge,
            email_proved: true,
        };
        (setting_id, users::create(db, &user).await.unwrap())
    }
}
