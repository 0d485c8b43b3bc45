//! Everything that touches SQLite lives here (server only), one module per aggregate, so the
//! server functions stay short and a different database would be a contained change.

pub mod digest;
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
use std::str::FromStr;
use std::time::Duration;

pub type Db = SqlitePool;

/// Opens (creating if needed) the database with the settings every connection needs:
/// WAL so readers never wait for a writer, a busy timeout instead of "database is locked"
/// errors, and foreign keys enforced.
pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(5))
        .foreign_keys(true);
    SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await
}

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
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

static WRITER_TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub async fn write(db: &Db) -> Result<WriteTx, sqlx::Error> {
    let turn = WRITER_TURN.lock().await;
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
