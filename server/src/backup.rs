//! `tandem backup` and `tandem restore`: a consistent copy of the database taken while the
//! server runs, and putting one back while it does not.
//!
//! A backup is `VACUUM INTO`: one read transaction, so the copy is the database exactly as
//! it was when the backup began (every write acknowledged before then, none half-done after),
//! while the server goes on writing to the WAL. The copy is checked with
//! `PRAGMA integrity_check` before it is given its final name.
//!
//! A running server holds a shared lock on `<database>.serving`; restore takes it
//! exclusively, so it refuses while a server runs and no server starts mid-restore.

use anyhow::{bail, Context};
use sqlx::{Connection, SqliteConnection};
use std::path::{Path, PathBuf};

/// The database file a `sqlite://…` URL names (without its `?options`).
pub fn database_path(url: &str) -> anyhow::Result<PathBuf> {
    if services::store::is_postgres(url) {
        bail!(
            "this database is PostgreSQL, which backs itself up: use pg_dump (for example \
             `pg_dump --format=custom --file=tandem.dump \"$TANDEM_DATABASE_URL\"`) or your \
             provider's backups, and pg_restore to restore; see the README's \"Running Tandem \
             for a trust or local authority\""
        );
    }
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path.starts_with(':') {
        bail!("{url} is not a database file (an in-memory database cannot be backed up)");
    }
    Ok(PathBuf::from(path))
}

/// What a backup or restore did, for the operator.
pub struct Copied {
    pub bytes: u64,
    pub people: i64,
    pub entries: i64,
}

impl std::fmt::Display for Copied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:.1} MB, {} accounts, {} learning-log entries, integrity check ok",
            self.bytes as f64 / 1_000_000.0,
            self.people,
            self.entries
        )
    }
}

/// Copies the database at `url` to `to`, which must not exist yet.
pub async fn backup(url: &str, to: &Path) -> anyhow::Result<Copied> {
    let from = database_path(url)?;
    if !from.exists() {
        bail!("there is no database at {}", from.display());
    }
    if to.exists() {
        bail!(
            "{} already exists; a backup never overwrites a file",
            to.display()
        );
    }
    if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let dir = to
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    crate::files::refuse_shared_folder(dir)?;
    // Written under a temporary name, so a backup cut short never looks like a good one.
    let partial = with_suffix(to, ".partial");
    let _ = std::fs::remove_file(&partial);
    let mut source = open(&from, false).await?;
    sqlx::query("VACUUM INTO $1")
        .bind(partial.to_string_lossy().as_ref())
        .execute(&mut source)
        .await
        .with_context(|| format!("cannot write {}", partial.display()))?;
    source.close().await?;
    let copied = match check(&partial).await {
        Ok(copied) => copied,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    // Only the operator's account may read it: it holds password hashes and private logs.
    crate::files::owner_only(&partial)?;
    std::fs::rename(&partial, to)?;
    Ok(copied)
}

/// Puts the backup `from` in place of the database at `url`. Refuses while a server runs
/// on it. The database it replaces is kept beside it as `<name>.before-restore-<time>`.
pub async fn restore(url: &str, from: &Path) -> anyhow::Result<(Copied, Option<PathBuf>)> {
    let target = database_path(url)?;
    if !from.is_file() {
        bail!("there is no backup at {}", from.display());
    }
    let _lock = ServeLock::exclusive(&target)?;
    let copied = check(from)
        .await
        .with_context(|| format!("{} is not a usable backup", from.display()))?;
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let incoming = with_suffix(&target, ".restoring");
    std::fs::copy(from, &incoming)?;
    crate::files::owner_only(&incoming)?;
    let mut kept = None;
    if target.exists() {
        // Fold the WAL in first, so the kept copy is whole in one file.
        let mut old = open(&target, false).await?;
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut old)
            .await?;
        old.close().await?;
        let stamp = time::OffsetDateTime::now_utc().unix_timestamp();
        let aside = with_suffix(&target, &format!(".before-restore-{stamp}"));
        std::fs::rename(&target, &aside)?;
        kept = Some(aside);
    }
    // A stale WAL beside the restored file would be replayed into it.
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(with_suffix(&target, suffix));
    }
    std::fs::rename(&incoming, &target)?;
    Ok((copied, kept))
}

/// Opens `path` and checks it is a whole Tandem database.
async fn check(path: &Path) -> anyhow::Result<Copied> {
    let mut db = open(path, true).await?;
    let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut db)
        .await?;
    if verdict != "ok" {
        bail!("integrity check failed: {verdict}");
    }
    let people: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&mut db)
        .await
        .context("it has no accounts table: not a Tandem database")?;
    let entries: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM log_entries")
        .fetch_one(&mut db)
        .await
        .context("it has no learning log: not a Tandem database")?;
    db.close().await?;
    Ok(Copied {
        bytes: std::fs::metadata(path)?.len(),
        people,
        entries,
    })
}

async fn open(path: &Path, read_only: bool) -> anyhow::Result<SqliteConnection> {
    use sqlx::sqlite::SqliteConnectOptions;
    let options = SqliteConnectOptions::new()
        .filename(path)
        .read_only(read_only)
        .busy_timeout(std::time::Duration::from_secs(30));
    SqliteConnection::connect_with(&options)
        .await
        .with_context(|| format!("cannot open {}", path.display()))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// An advisory lock on `<database>.serving`: shared while serving, exclusive to restore.
/// The kernel drops it when the process ends, however it ends.
pub struct ServeLock {
    _file: std::fs::File,
}

impl ServeLock {
    /// Taken by `tandem serve`; several servers may share one database.
    pub fn shared(database: &Path) -> anyhow::Result<Self> {
        Self::take(database, libc::LOCK_SH).context(
            "a restore of this database is under way; start the server when it has finished",
        )
    }

    /// Taken by `tandem restore`.
    pub fn exclusive(database: &Path) -> anyhow::Result<Self> {
        Self::take(database, libc::LOCK_EX).with_context(|| {
            format!(
                "a Tandem server is running on {}; stop it before restoring (a backup can be taken while it runs)",
                database.display()
            )
        })
    }

    fn take(database: &Path, mode: i32) -> anyhow::Result<Self> {
        use std::os::fd::AsRawFd;
        if let Some(dir) = database.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(with_suffix(database, ".serving"))?;
        // SAFETY: flock on a descriptor this function owns; no memory is shared.
        if unsafe { libc::flock(file.as_raw_fd(), mode | libc::LOCK_NB) } != 0 {
            bail!("{}", std::io::Error::last_os_error());
        }
        Ok(ServeLock { _file: file })
    }
}
