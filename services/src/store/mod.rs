//! Everything that touches the database lives here, one module per aggregate, so the
//! server functions stay short.
//!
//! The interface is the seam for a second database: callers hold an opaque `Db` and call
//! these functions with domain types, getting domain types or plain rows back; nothing
//! outside `services` names a pool, a connection or SQL. Adding PostgreSQL means a second
//! variant inside `Db` and a second implementation of these functions (with its own
//! `.sqlx` query data), not a change to any server function. Fixed statements use the
//! compile-time checked macros (`query!`, `query_as!`; data in `.sqlx/`, refreshed by
//! `scripts/sqlx-prepare.sh`); statements assembled from parts (the filters in `filter.rs`,
//! the person columns shared by `users` and `sessions`) are checked by the tests.

pub mod community;
pub mod community_sessions;
pub mod data_protection;
pub mod digest;
pub mod filter;
pub mod invites;
pub mod learning_log;
pub mod leases;
pub mod mail;
pub mod networks;
pub mod progress;
pub mod proofs;
pub mod rate_limit;
pub mod review;
pub mod sessions;
pub mod settings;
pub mod single_sign_on;
pub mod staff;
pub mod staff_import;
pub mod sweep;
pub mod users;
pub mod write_allowance;

use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteQueryResult,
    SqliteSynchronous,
};
use sqlx::SqlitePool;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// One database: its connection pool and its writers' queue. SQLite has one writer at a
/// time; every write waits its turn here (see `write`). Cloning shares both.
#[derive(Clone, Debug)]
pub struct Db {
    pool: SqlitePool,
    writers: Arc<tokio::sync::Mutex<()>>,
    /// This server among those sharing the database, as the holder of job leases
    /// (`leases`): the process id, for the log, and a random part, so each connection
    /// (a restarted server, or a second one in a test) is a holder of its own.
    holder: Arc<str>,
}

fn new_holder() -> Arc<str> {
    format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple()).into()
}

impl Db {
    /// This server, as a holder of job leases.
    pub fn holder(&self) -> &str {
        &self.holder
    }

    /// The pool, for reads (`.fetch_all(db.pool())`). Writes go through `write`.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await
    }
}

/// Opens (creating if needed) the database with the settings every connection needs:
/// WAL so readers never wait for a writer, a busy timeout instead of "database is locked"
/// errors, and foreign keys enforced.
///
/// `limit` bounds how long a request may hold a connection: SQLite interrupts whatever is
/// running on it once the time is up (an error, logged, and a plain "try again" for the
/// person), so no request can starve the pool. The server uses it; command-line jobs and
/// migrations run without.
pub async fn connect(url: &str, limit: Option<Duration>) -> Result<Db, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(5))
        .foreign_keys(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .after_release(|conn, _| Box::pin(async move { Ok(!in_transaction(conn)) }));
    let pool = match limit {
        // A fresh deadline each time a connection is handed out (new or idle).
        Some(limit) => pool
            .after_connect(move |conn, _| Box::pin(start_clock(conn, limit)))
            .before_acquire(move |conn, _| {
                Box::pin(async move { start_clock(conn, limit).await.map(|_| true) })
            }),
        None => pool,
    };
    Ok(Db {
        pool: pool.connect_with(options).await?,
        writers: Default::default(),
        holder: new_holder(),
    })
}

/// Whether a connection going back to the pool still has a transaction open. A request
/// dropped at the wrong moment (a client that hung up while its write was starting) can
/// leave one: `BEGIN IMMEDIATE` ran but its transaction was never handed back to be rolled
/// back, so the connection would hold SQLite's write lock and every later write would wait
/// out the busy timeout and fail. Such a connection is closed instead, which rolls back.
fn in_transaction(conn: &sqlx::SqliteConnection) -> bool {
    use sqlx::{Database, Sqlite, TransactionManager};
    <Sqlite as Database>::TransactionManager::get_transaction_depth(conn) > 0
}

async fn start_clock(
    conn: &mut sqlx::SqliteConnection,
    limit: Duration,
) -> Result<(), sqlx::Error> {
    let deadline = std::time::Instant::now() + limit;
    conn.lock_handle()
        .await?
        .set_progress_handler(1000, move || std::time::Instant::now() < deadline);
    Ok(())
}

/// How long one request may hold a database connection when serving.
pub const REQUEST_LIMIT: Duration = Duration::from_secs(3);

pub async fn migrate(db: &Db) -> Result<(), sqlx::migrate::MigrateError> {
    sqlx::migrate!("../migrations").run(db.pool()).await
}

/// Seconds since the epoch; every stored time uses this.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// A write transaction, taken in turn. SQLite has one writer at a time; queueing writers
/// here (fairly, without sleeping) instead of in SQLite's busy handler, which retries on
/// a sleep schedule, keeps save latency flat under many concurrent writers. `BEGIN
/// IMMEDIATE` takes the write lock up front, so a write never fails with SQLITE_BUSY while
/// upgrading a read snapshot (another process sharing the file still waits on the busy
/// timeout).
pub struct WriteTx {
    tx: sqlx::Transaction<'static, sqlx::Sqlite>,
    // Dropped after `tx` (fields drop in order), so a rollback finishes before the next
    // writer's turn.
    _turn: tokio::sync::OwnedMutexGuard<()>,
}

pub async fn write(db: &Db) -> Result<WriteTx, sqlx::Error> {
    let asked = std::time::Instant::now();
    let turn = db.writers.clone().lock_owned().await;
    crate::metrics::write_wait(asked.elapsed());
    let tx = db.pool.begin_with("BEGIN IMMEDIATE").await?;
    Ok(WriteTx { tx, _turn: turn })
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::SqliteConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

/// A one-statement write outside a transaction of its own making, still in its turn
/// (`write`), so no write ever skips the queue.
pub trait WriteOne {
    fn write_in_turn(
        self,
        db: &Db,
    ) -> impl std::future::Future<Output = Result<SqliteQueryResult, sqlx::Error>> + Send;
}

impl<'q> WriteOne for sqlx::query::Query<'q, sqlx::Sqlite, SqliteArguments<'q>> {
    async fn write_in_turn(self, db: &Db) -> Result<SqliteQueryResult, sqlx::Error> {
        let mut tx = write(db).await?;
        let done = self.execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(done)
    }
}

/// Whether the database answers (for `/healthz`).
pub async fn ping(db: &Db) -> Result<(), sqlx::Error> {
    sqlx::query!("SELECT 1 AS one").fetch_one(db.pool()).await?;
    Ok(())
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
        let mut conn = db.pool().acquire().await.unwrap();
        <Sqlite as Database>::TransactionManager::begin(&mut conn, Some("BEGIN IMMEDIATE".into()))
            .await
            .unwrap();
        drop(conn);
        for _ in 0..8 {
            let mut tx = write(&db).await.expect("a writer gets its turn");
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

    /// Every enum is stored as the word its `as_str` gives (what the migrations' data and
    /// older rows hold), and a word no variant has is an error, never a default.
    #[tokio::test]
    async fn enums_are_stored_as_their_words_and_a_stranger_word_is_an_error() {
        use domain::learning_log::{EntryKind, EntryStatus};
        use domain::model::{Role, Sector};
        use domain::progress::EventKind;
        use domain::review::ReviewAction;
        let db = test_db::fresh().await;
        async fn round_trip<T>(db: &Db, value: T, word: &str)
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
            round_trip(&db, v, v.as_str()).await;
        }
        for v in Sector::ALL {
            round_trip(&db, v, v.as_str()).await;
        }
        for v in EntryKind::ALL {
            round_trip(&db, v, v.as_str()).await;
        }
        for v in EntryStatus::ALL {
            round_trip(&db, v, v.as_str()).await;
        }
        for v in [
            ReviewAction::Comment,
            ReviewAction::Reviewed,
            ReviewAction::NeedsRevision,
        ] {
            round_trip(&db, v, v.as_str()).await;
        }
        for v in [
            EventKind::Opened,
            EventKind::Completed,
            EventKind::TimeSpent,
        ] {
            round_trip(&db, v, v.as_str()).await;
        }
        let stranger: Result<(Role,), _> =
            sqlx::query_as("SELECT 'wizard'").fetch_one(db.pool()).await;
        assert!(
            stranger.is_err(),
            "an unknown role is an error: {stranger:?}"
        );
    }

    #[tokio::test]
    async fn a_runaway_statement_is_interrupted_and_the_connection_comes_back() {
        let dir = std::env::temp_dir().join(format!("tandem-limit-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}/t.db", dir.display());
        let db = connect(&url, Some(Duration::from_millis(200)))
            .await
            .unwrap();
        let forever = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
        let started = std::time::Instant::now();
        let error = sqlx::query(forever)
            .fetch_one(db.pool())
            .await
            .err()
            .expect("the statement is interrupted");
        assert!(error.to_string().contains("interrupt"), "{error}");
        assert!(started.elapsed() < Duration::from_secs(30));
        for _ in 0..10 {
            let one: (i64,) = sqlx::query_as("SELECT 1")
                .fetch_one(db.pool())
                .await
                .unwrap();
            assert_eq!(one.0, 1, "every connection works again");
        }
        db.close().await;
        std::fs::remove_dir_all(dir).unwrap();
    }
}

#[cfg(test)]
pub(crate) mod test_db {
    use super::*;

    /// A fresh, migrated in-memory database for one test.
    pub async fn fresh() -> Db {
        let options = SqliteConnectOptions::from_str("sqlite::memory:")
            .unwrap()
            .foreign_keys(true);
        // One connection: every connection to `:memory:` would be a different database.
        let db = Db {
            pool: SqlitePoolOptions::new()
                .max_connections(1)
                .connect_with(options)
                .await
                .unwrap(),
            writers: Default::default(),
            holder: new_holder(),
        };
        migrate(&db).await.unwrap();
        db
    }

    /// Two app servers: two pools (each with its own queue of writers) on one database file.
    pub async fn two_servers() -> (crate::test_dir::Dir, Db, Db) {
        let dir = crate::test_dir::Dir::new();
        let url = format!("sqlite://{}/shared.db", dir.path().display());
        let a = connect(&url, None).await.unwrap();
        migrate(&a).await.unwrap();
        let b = connect(&url, None).await.unwrap();
        (dir, a, b)
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
