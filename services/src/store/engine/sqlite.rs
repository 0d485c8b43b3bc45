//! SQLite: one file, one writer at a time.

use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteQueryResult,
    SqliteSynchronous,
};
use sqlx::SqlitePool;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

pub type Engine = sqlx::Sqlite;
pub type Conn = sqlx::SqliteConnection;
pub type QueryResult = SqliteQueryResult;

/// One database: its connection pool and its writers' queue. SQLite has one writer at a
/// time; every write waits its turn here (see `write`). Cloning shares both.
#[derive(Clone, Debug)]
pub struct Db {
    pub(in crate::store) pool: SqlitePool,
    pub(in crate::store) writers: Arc<tokio::sync::Mutex<()>>,
    /// This server, as a holder of job leases (`engine::new_holder`).
    pub(in crate::store) holder: Arc<str>,
    /// Pages of community spaces this server has read (`list_memo`).
    pub(in crate::store) list_memo: Arc<crate::store::list_memo::ListMemo>,
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
pub(in crate::store) async fn connect(
    url: &str,
    limit: Option<Duration>,
) -> Result<Db, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(5))
        .foreign_keys(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        // A ping before each use is for connections across a network that may have dropped;
        // here it was one more trip to the connection's thread for every query.
        .test_before_acquire(false)
        .after_release(|conn, _| Box::pin(still_usable(conn)));
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
        holder: super::new_holder(),
        list_memo: Default::default(),
    })
}

/// Whether a connection going back to the pool still has a transaction open. A request
/// dropped at the wrong moment (a client that hung up while its write was starting) can
/// leave one: `BEGIN IMMEDIATE` ran but its transaction was never handed back to be rolled
/// back, so the connection would hold SQLite's write lock and every later write would wait
/// out the busy timeout and fail. Such a connection is closed instead, which rolls back.
///
/// A transaction dropped unfinished in the ordinary way (an early return: a replayed save, a
/// refusal, an error) has queued its rollback on the connection's thread, which may not have
/// run yet; one round trip lets it run before deciding. Closing those too cost a new
/// connection (its schema parsed again) for every replayed save.
async fn still_usable(conn: &mut sqlx::SqliteConnection) -> Result<bool, sqlx::Error> {
    use sqlx::Connection;
    if in_transaction(conn) {
        conn.ping().await?;
    }
    Ok(!in_transaction(conn))
}

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
