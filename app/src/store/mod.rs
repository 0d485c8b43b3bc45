//! Everything that touches SQLite lives here (server only), one module per aggregate, so the
//! server functions stay short and a different database would be a contained change.

pub mod invites;
pub mod log;
pub mod progress;
pub mod rate_limit;
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
}
