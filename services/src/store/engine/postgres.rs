//! PostgreSQL: one database shared by several app servers.

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgArguments, PgConnectOptions, PgPoolOptions, PgQueryResult};
use sqlx::{Connection, PgPool, TransactionManager};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

pub type Engine = sqlx::Postgres;
pub type Conn = sqlx::PgConnection;
pub type QueryResult = PgQueryResult;

/// The advisory lock every write transaction takes first (any fixed number; this one
/// spells "TANDEM" in letters' places).
pub(in crate::store) const WRITERS: i64 = 20_01_14_04_05_13;

#[derive(Clone, Debug)]
pub struct Db {
    pub(in crate::store) pool: PgPool,
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
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await
    }
}

/// A connection unused for longer than this is pinged before it is handed out.
const CHECK_AFTER_IDLE: Duration = Duration::from_secs(10);

/// Connects to the database. `limit` bounds how long one statement may run (the server's
/// requests; see `REQUEST_LIMIT`): PostgreSQL cancels it and the person gets a plain "try
/// again", so no request can hold a connection for long.
pub(in crate::store) async fn connect(
    url: &str,
    limit: Option<Duration>,
) -> Result<Db, sqlx::Error> {
    // No JIT: it pays off for long analytical queries, and costs short ones like these about
    // 8 ms of compiling whenever their estimated cost passes its threshold.
    let mut options = PgConnectOptions::from_str(url)?
        .application_name("tandem")
        .options([("jit", "off")]);
    if let Some(limit) = limit {
        options = options.options([("statement_timeout", limit.as_millis().to_string())]);
    }
    let pool = PgPoolOptions::new()
        .max_connections(16)
        // sqlx pings a connection before every use by default: a round trip to the server
        // per query, a fifth of a community page's time at one client. A connection can
        // only have dropped (a restart, a failover, a firewall's idle timeout) while it sat
        // unused, so only one unused for a while is checked first.
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for > CHECK_AFTER_IDLE {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
        .connect_with(options)
        .await?;
    Ok(Db {
        pool,
        holder: super::new_holder(),
        list_memo: Default::default(),
    })
}

/// A write transaction, taken in turn across every app server: each first takes one
/// transaction-scoped advisory lock, so writes run one at a time as they do on SQLite, and
/// every rule that reads before it writes (a revision check, a retried operation's first
/// answer, a limit) sees the writes before it. A write of one person's own rows
/// (`write_for`) waits only for that person's writes and for every `write`. The locks go with the
/// commit or rollback, also when a server stops mid-transaction.
pub struct WriteTx {
    /// Held until the write ends; rolled back if it ends without a commit.
    conn: PoolConnection<sqlx::Postgres>,
    open: bool,
}

pub async fn write(db: &Db) -> Result<WriteTx, sqlx::Error> {
    locked(db, format!("SELECT pg_advisory_xact_lock({WRITERS})")).await
}

/// A write that reads and writes only `person`'s own rows (a learning-log save): it waits for writes of the same person, and for every `write`, but not for
/// other people's, so a trust's staff save side by side. It holds the writers' lock shared
/// (a `write` holds it alone) and a lock of the person's own.
pub async fn write_for(db: &Db, person: i64) -> Result<WriteTx, sqlx::Error> {
    let person = person.rem_euclid(i64::from(i32::MAX));
    locked(
        db,
        format!(
            "SELECT pg_advisory_xact_lock_shared({WRITERS}), pg_advisory_xact_lock({PERSON_LOCKS}, {person})"
        ),
    )
    .await
}

/// The first of the two keys of a person's lock (`write_for`); the second is the person.
/// Two-key locks never meet the one-key `WRITERS`.
const PERSON_LOCKS: i32 = 20_01_14;

/// Begins a transaction and takes the locks `lock` (a statement of numbers alone) takes, in
/// one trip to the database.
async fn locked(db: &Db, lock: String) -> Result<WriteTx, sqlx::Error> {
    let asked = std::time::Instant::now();
    let mut conn = Unsure(Some(db.pool.acquire().await?));
    Transactions::begin(conn.get(), Some(format!("BEGIN; {lock}").into())).await?;
    crate::metrics::write_wait(asked.elapsed());
    Ok(WriteTx {
        conn: conn.sure(),
        open: true,
    })
}

/// A connection whose transaction state is not known: a `BEGIN` with locks that failed (a
/// wait cut off by the statement timeout aborts the transaction) or was given up part way
/// (its locks may yet be granted) is invisible to the pool, which would hand the connection
/// out again still inside it. Dropped unsure, it is closed, which ends the transaction.
struct Unsure(Option<PoolConnection<sqlx::Postgres>>);

impl Unsure {
    fn get(&mut self) -> &mut PoolConnection<sqlx::Postgres> {
        self.0.as_mut().expect("held until sure")
    }

    fn sure(mut self) -> PoolConnection<sqlx::Postgres> {
        self.0.take().expect("held until sure")
    }
}

impl Drop for Unsure {
    fn drop(&mut self) {
        if let Some(conn) = self.0.as_mut() {
            conn.close_on_drop();
        }
    }
}

type Transactions = <sqlx::Postgres as sqlx::Database>::TransactionManager;

impl WriteTx {
    pub async fn commit(mut self) -> Result<(), sqlx::Error> {
        Transactions::commit(&mut self.conn).await?;
        self.open = false;
        Ok(())
    }
}

impl Drop for WriteTx {
    /// Ended without a commit (an early return, an error, a request given up): the rollback
    /// is queued on the connection, and runs before it is next used.
    fn drop(&mut self) {
        if self.open {
            Transactions::start_rollback(&mut self.conn);
        }
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::PgConnection;
    fn deref(&self) -> &Self::Target {
        &self.conn
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.conn
    }
}

/// A one-statement write in its turn (`write`).
pub trait WriteOne {
    fn write_in_turn(
        self,
        db: &Db,
    ) -> impl std::future::Future<Output = Result<PgQueryResult, sqlx::Error>> + Send;
}

impl<'q> WriteOne for sqlx::query::Query<'q, sqlx::Postgres, PgArguments> {
    async fn write_in_turn(self, db: &Db) -> Result<PgQueryResult, sqlx::Error> {
        let mut tx = write(db).await?;
        let done = self.execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(done)
    }
}
