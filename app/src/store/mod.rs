//! Everything that touches SQLite lives here (server only), one module per aggregate, so the
//! server functions stay short and a different database would be a contained change.

pub mod digest;
pub mod filter;
pub mod invites;
pub mod log;
pub mod oversight;
pub mod progress;
pub mod rate_limit;
pub mod review;
pub mod sessions;
pub mod settings;
pub mod users;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

pub type Db = SqlitePool;

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
    let pool = SqlitePoolOptions::new().max_connections(8);
    let pool = match limit {
        // A fresh deadline each time a connection is handed out (new or idle).
        Some(limit) => pool
            .after_connect(move |conn, _| Box::pin(start_clock(conn, limit)))
            .before_acquire(move |conn, _| {
                Box::pin(async move { start_clock(conn, limit).await.map(|_| true) })
            }),
        None => pool,
    };
    pool.connect_with(options).await
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
    sqlx::migrate!("../migrations").run(db).await
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

/// The writers' queue of one database file. Each database has its own, so that separate
/// databases (every test has one) never wait on each other.
fn turn_of(db: &Db) -> Arc<tokio::sync::Mutex<()>> {
    type Turns = HashMap<std::path::PathBuf, Arc<tokio::sync::Mutex<()>>>;
    static TURNS: LazyLock<std::sync::Mutex<Turns>> = LazyLock::new(Default::default);
    let file = db.connect_options().get_filename().to_path_buf();
    TURNS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .entry(file)
        .or_default()
        .clone()
}

pub async fn write(db: &Db) -> Result<WriteTx, sqlx::Error> {
    let turn = turn_of(db).lock_owned().await;
    let tx = db.begin_with("BEGIN IMMEDIATE").await?;
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

/// True when an insert failed only because a UNIQUE constraint already holds the value.
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}

#[cfg(test)]
mod tests {
    use super::*;

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
            .fetch_one(&db)
            .await
            .err()
            .expect("the statement is interrupted");
        assert!(error.to_string().contains("interrupt"), "{error}");
        assert!(started.elapsed() < Duration::from_secs(30));
        for _ in 0..10 {
            let one: (i64,) = sqlx::query_as("SELECT 1").fetch_one(&db).await.unwrap();
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
        let db = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .unwrap();
        migrate(&db).await.unwrap();
        db
    }

    /// A person named by their email, in `setting` or in a new setting of their own.
    /// Returns (setting id, user id).
    pub async fn person(
        db: &Db,
        email: &str,
        role: crate::model::Role,
        setting: Option<i64>,
    ) -> (i64, i64) {
        use crate::model::Sector;
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
        };
        (setting_id, users::create(db, &user).await.unwrap())
    }
}
