//! SQLite: one file, one writer at a time.

use sqlx::pool::PoolConnection;
use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteQueryResult,
    SqliteSynchronous,
};
use sqlx::{Executor, SqlitePool};
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{oneshot, OwnedMutexGuard};

pub type Engine = sqlx::Sqlite;
pub type Conn = sqlx::SqliteConnection;
pub type QueryResult = SqliteQueryResult;

/// One database: its pool for reads, and its writer: one connection of its own (whose page
/// cache stays warm, as no other connection writes) and the queue of writes waiting for it.
/// SQLite has one writer at a time; every write waits its turn here (see `write`). Cloning
/// shares all three.
#[derive(Clone, Debug)]
pub struct Db {
    pub(in crate::store) pool: SqlitePool,
    pub(in crate::store) writer: SqlitePool,
    pub(in crate::store) turn: Arc<tokio::sync::Mutex<Batch>>,
    /// How many writes are waiting for the turn: a write released with none waiting commits
    /// at once, as no other could join its batch.
    pub(in crate::store) queued: Arc<AtomicUsize>,
    /// This server, as a holder of job leases (`engine::new_holder`).
    pub(in crate::store) holder: Arc<str>,
    /// Pages of community spaces this server has read (`list_memo`). Read only inside store
    /// bodies, which `scripts/sqlx-prepare.sh` leaves out while it records the other engine.
    #[allow(dead_code)]
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
        self.pool.close().await;
        self.writer.close().await;
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
    let pool = |size: u32| {
        let pool = SqlitePoolOptions::new()
            .max_connections(size)
            // A ping before each use is for connections across a network that may have
            // dropped; here it was one more trip to the connection's thread for every query.
            .test_before_acquire(false)
            .after_release(|conn, _| Box::pin(still_usable(conn)));
        match limit {
            // A fresh deadline each time a connection is handed out (new or idle).
            Some(limit) => pool
                .after_connect(move |conn, _| Box::pin(start_clock(conn, limit)))
                .before_acquire(move |conn, _| {
                    Box::pin(async move { start_clock(conn, limit).await.map(|_| true) })
                }),
            None => pool,
        }
    };
    let readers = pool(8).connect_with(options.clone()).await?;
    // The writer never checkpoints as it commits (a checkpoint's fsync would hold up every
    // write queued behind it); `checkpoints` does, beside the writes.
    let writer = pool(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect_with(options.pragma("wal_autocheckpoint", "0"))
        .await?;
    tokio::spawn(checkpoints(readers.clone()));
    Ok(Db {
        pool: readers,
        writer,
        turn: Default::default(),
        queued: Default::default(),
        holder: super::new_holder(),
        list_memo: Default::default(),
    })
}

/// Copies the write-ahead log back into the database file every second, off the writer's
/// path (a passive checkpoint waits for no one and no one waits for it), until the database
/// is closed.
async fn checkpoints(pool: SqlitePool) {
    let mut every = tokio::time::interval(Duration::from_secs(1));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if pool.is_closed() {
            return;
        }
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&pool)
            .await
        {
            if !pool.is_closed() {
                tracing::warn!(error = %e, "the write-ahead log could not be checkpointed");
            }
        }
    }
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

/// A write, taken in turn. SQLite has one writer at a time; queueing writers here (fairly,
/// without sleeping) instead of in SQLite's busy handler, which retries on a sleep
/// schedule, keeps save latency flat under many concurrent writers.
///
/// Writes that queue up share one transaction (a group commit). The first of a batch begins
/// it (undoing that write, should it be dropped unfinished, rolls the batch back, as nothing
/// else is in it yet); each later one runs in a savepoint of its own, undone alone. A write
/// released with no other waiting commits the batch at once; otherwise the closer queued
/// behind the waiting writes does, or the write that fills the batch. A write's `commit` returns once
/// the batch is committed, so nothing is answered before it is on disk. Most of a small
/// write's cost was its `BEGIN` and `COMMIT` (the commit writes every page the write
/// touched); in a batch those are paid once for many writes.
///
/// `BEGIN IMMEDIATE` takes the write lock up front, so a write never fails with SQLITE_BUSY
/// while upgrading a read snapshot (another process sharing the file still waits on the
/// busy timeout).
pub struct WriteTx {
    /// Held from `write` until this write is released into its batch, or undone.
    turn: Option<OwnedMutexGuard<Batch>>,
    /// Whether this write began its batch: it has no savepoint (one trip each way fewer).
    first: bool,
    /// Whether this write's savepoint is known to have begun.
    saved: bool,
    db: Db,
}

/// The writer's connection and the batch open on it.
#[derive(Debug, Default)]
pub struct Batch {
    /// Held while a batch is open; back in the writer's pool between batches.
    conn: Option<PoolConnection<sqlx::Sqlite>>,
    /// Whether the batch's `BEGIN` is known to have run (a write dropped while it ran
    /// cannot know, and starts the connection afresh).
    begun: bool,
    /// When the batch began: the connection's request deadline (`start_clock`) is set as
    /// it is handed out, once a batch, so no batch is kept open long (`MAX_BATCH_AGE`).
    began_at: Option<std::time::Instant>,
    /// Writes released into the batch, waiting for its commit.
    waiting: Vec<oneshot::Sender<Result<(), String>>>,
    /// Whether a closer is queued for the turn (see `queue_closer`).
    closer_queued: bool,
}

/// The most writes one batch holds: later ones wait for the next, so the first of a batch
/// is never kept waiting long.
const MAX_BATCH: usize = 16;

/// The longest a batch stays open for more writes (well inside the request deadline).
const MAX_BATCH_AGE: Duration = Duration::from_millis(500);

pub async fn write(db: &Db) -> Result<WriteTx, sqlx::Error> {
    let asked = std::time::Instant::now();
    let turn = {
        let _waiting = Waiting::on(&db.queued);
        db.turn.clone().lock_owned().await
    };
    crate::metrics::write_wait(asked.elapsed());
    // From here a dropped `WriteTx` undoes whatever of this write ran (see its `Drop`).
    let mut tx = WriteTx {
        turn: Some(turn),
        first: true,
        saved: false,
        db: db.clone(),
    };
    let batch = tx.batch();
    if batch
        .began_at
        .is_some_and(|at| at.elapsed() > MAX_BATCH_AGE)
    {
        // Those in it are told how it went; this write starts the next.
        let _ = batch.commit().await;
    }
    if batch.conn.is_none() {
        batch.conn = Some(db.writer.acquire().await?);
        batch.begun = false;
        batch.conn().execute("BEGIN IMMEDIATE").await?;
        batch.begun = true;
        batch.began_at = Some(std::time::Instant::now());
        return Ok(tx);
    }
    tx.first = false;
    tx.batch().conn().execute("SAVEPOINT write").await?;
    tx.saved = true;
    Ok(tx)
}

/// A write that touches only `person`'s own rows: on PostgreSQL these run side by side for
/// different people; here every write has the one turn.
pub async fn write_for(db: &Db, _person: i64) -> Result<WriteTx, sqlx::Error> {
    write(db).await
}

/// Counts a write waiting for the turn, for as long as it waits (also when it is given up).
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    fn on(queued: &'a AtomicUsize) -> Self {
        queued.fetch_add(1, Ordering::SeqCst);
        Waiting(queued)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl WriteTx {
    fn batch(&mut self) -> &mut Batch {
        self.turn
            .as_mut()
            .expect("a write is in its turn until it ends")
    }

    /// Releases this write into its batch and waits for the batch to commit. Runs to the
    /// end in a task of its own, so a caller that goes away cannot leave the batch half done.
    pub async fn commit(mut self) -> Result<(), sqlx::Error> {
        let Some(batch) = self.turn.take() else {
            return Ok(());
        };
        match tokio::spawn(release(self.db.clone(), batch, self.first)).await {
            Ok(done) => done,
            Err(e) => Err(sqlx::Error::Protocol(format!(
                "a write did not finish: {e}"
            ))),
        }
    }
}

impl Batch {
    fn conn(&mut self) -> &mut sqlx::SqliteConnection {
        self.conn
            .as_mut()
            .expect("the batch's connection is held while it is open")
    }

    /// Commits the batch and tells everyone in it. The connection goes back to the pool
    /// only when SQLite is known to be out of the transaction; otherwise it is closed, which
    /// rolls back.
    async fn commit(&mut self) -> Result<(), sqlx::Error> {
        let Some(mut conn) = self.conn.take() else {
            return Ok(());
        };
        self.begun = false;
        self.began_at = None;
        let done = conn.execute("COMMIT").await.map(|_| ());
        if done.is_err() {
            let _ = conn.close().await;
        }
        self.tell(done.as_ref().map(|_| ()).map_err(|e| e.to_string()));
        done
    }

    /// Gives up the whole batch (its transaction can no longer be trusted).
    async fn abandon(&mut self, why: &sqlx::Error) {
        if let Some(conn) = self.conn.take() {
            let _ = conn.close().await;
        }
        self.begun = false;
        self.began_at = None;
        self.tell(Err(format!("the write was not saved: {why}")));
    }

    fn tell(&mut self, outcome: Result<(), String>) {
        for waiting in self.waiting.drain(..) {
            let _ = waiting.send(outcome.clone());
        }
    }
}

async fn release(
    db: Db,
    mut batch: OwnedMutexGuard<Batch>,
    first: bool,
) -> Result<(), sqlx::Error> {
    // A savepoint left open would cost more than this trip: SQLite copies every page a
    // write touches once for each savepoint open over it.
    if !first {
        if let Err(e) = batch.conn().execute("RELEASE write").await {
            batch.abandon(&e).await;
            return Err(e);
        }
    }
    if batch.waiting.len() + 1 >= MAX_BATCH || db.queued.load(Ordering::SeqCst) == 0 {
        return batch.commit().await;
    }
    let (told, outcome) = oneshot::channel();
    batch.waiting.push(told);
    queue_closer(&db, &mut batch);
    drop(batch);
    match outcome.await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(why)) => Err(sqlx::Error::Protocol(why)),
        Err(_) => Err(sqlx::Error::Protocol("the write's batch was lost".into())),
    }
}

/// Makes sure a closer is queued for the turn: it takes the turn after the writes queued
/// now and commits the batch they make (writes arriving after it start the next one).
/// Whoever leaves a batch open queues one, so a batch always ends, even when the writes
/// queued behind it are given up before their turn.
fn queue_closer(db: &Db, batch: &mut Batch) {
    if batch.closer_queued {
        return;
    }
    batch.closer_queued = true;
    let turn = db.turn.clone();
    tokio::spawn(async move {
        let mut batch = turn.lock_owned().await;
        batch.closer_queued = false;
        let _ = batch.commit().await;
    });
}

/// Undoes a write dropped unfinished (an early return, an error, a request given up), alone
/// and in its turn: the rest of its batch stands.
async fn undo(db: Db, mut batch: OwnedMutexGuard<Batch>, first: bool, saved: bool) {
    if batch.conn.is_none() {
        return;
    }
    if first {
        // The write that began the batch, alone in it: roll it all back. The connection is
        // kept only when its `BEGIN` is known to have run (otherwise it may yet be in a
        // transaction), and the rollback worked.
        let rolled_back = batch.conn().execute("ROLLBACK").await.is_ok();
        if let Some(conn) = batch.conn.take() {
            if !(batch.begun && rolled_back) {
                let _ = conn.close().await;
            }
        }
        batch.begun = false;
        batch.began_at = None;
        return;
    }
    // "No such savepoint" is expected only when the write was dropped before its savepoint
    // began; after, it means SQLite rolled the whole transaction back (an interrupted
    // statement, a full disk), taking the rest of the batch with it.
    match batch.conn().execute("ROLLBACK TO write").await {
        Err(e) if saved || !e.to_string().contains("no such savepoint") => {
            batch.abandon(&e).await;
            return;
        }
        Err(_) => {}
        Ok(_) => {
            if let Err(e) = batch.conn().execute("RELEASE write").await {
                batch.abandon(&e).await;
                return;
            }
        }
    }
    queue_closer(&db, &mut batch);
}

impl Drop for WriteTx {
    fn drop(&mut self) {
        let Some(mut batch) = self.turn.take() else {
            return;
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(undo(self.db.clone(), batch, self.first, self.saved));
            }
            // No runtime to undo it on (the process is ending): closing the connection
            // rolls the whole batch back, and no one in it is told it was saved.
            Err(_) => {
                if let Some(conn) = batch.conn.as_mut() {
                    conn.close_on_drop();
                }
                batch.conn = None;
                batch.begun = false;
                batch.began_at = None;
                batch.tell(Err("the server stopped before the write was saved".into()));
            }
        }
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::SqliteConnection;
    fn deref(&self) -> &Self::Target {
        self.turn
            .as_ref()
            .and_then(|batch| batch.conn.as_deref())
            .expect("a write's connection is held until it ends")
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        self.batch().conn()
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
