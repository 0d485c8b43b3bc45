//! The two databases Tandem runs on, each with the same small surface that the store's
//! modules use (`#[engines::both]` compiles them once for each): `Db` (a pool, and this
//! server's name as a holder of job leases), `Conn`, `Engine`, `write` (a write
//! transaction, taken in turn), `WriteTx` and `WriteOne`.
//!
//! SQLite is the default, one file beside the server; PostgreSQL is for a trust or a local
//! authority running several app servers on one database.

pub mod postgres;
pub mod sqlite;

use std::sync::Arc;

/// This server among those sharing the database, as the holder of job leases (`leases`):
/// the process id, for the log, and a random part, so each connection (a restarted server,
/// or a second one in a test) is a holder of its own.
pub(super) fn new_holder() -> Arc<str> {
    format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple()).into()
}
