//! Who may read Tandem's files: the database, its WAL and backups hold password hashes and
//! private learning logs, so only the account Tandem runs as may read them.
//!
//! At start-up the process's umask becomes 077, so every file it creates (the database, its
//! `-wal` and `-shm`, backups and their `.partial`) is 0600 and every folder 0700. Files
//! made before, by an older Tandem, are closed up the same way when it starts.

use anyhow::{bail, Context};
use std::path::Path;

/// New files 0600, new folders 0700, for the rest of the process.
pub fn private_by_default() {
    #[cfg(unix)]
    // SAFETY: umask only changes the process's file creation mask; it cannot fail.
    unsafe {
        libc::umask(0o077);
    }
}

/// Makes `path` readable and writable by its owner only.
pub fn owner_only(path: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("cannot restrict {} to its owner", path.display()))?;
    }
    Ok(())
}

/// Closes up a database made by an older Tandem (or copied in by hand) that others could
/// read: the file, its WAL and shared memory, and the folder it is in if others could
/// write to it. Says what it changed.
pub fn close_up_database(db: &Path) -> anyhow::Result<Vec<String>> {
    let mut changed = vec![];
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for suffix in ["", "-wal", "-shm"] {
            let file = std::path::PathBuf::from(format!("{}{suffix}", db.display()));
            if let Ok(meta) = std::fs::metadata(&file) {
                if meta.permissions().mode() & 0o077 != 0 {
                    owner_only(&file)?;
                    changed.push(file.display().to_string());
                }
            }
        }
    }
    Ok(changed)
}

/// Refuses a backup folder that others can write to: they could swap the backup for one of
/// their own, or read it while it is written.
pub fn refuse_shared_folder(dir: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(dir)
            .with_context(|| format!("cannot read the folder {}", dir.display()))?;
        if meta.permissions().mode() & 0o022 != 0 {
            bail!(
                "{} can be written by other accounts on this machine, so a backup there is not safe. Use a folder only Tandem's account can write to (chmod go-w, or 700).",
                dir.display()
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn shared_folders_are_refused_and_old_databases_closed_up() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        assert!(refuse_shared_folder(dir.path()).is_err());
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        assert!(refuse_shared_folder(dir.path()).is_ok());
        let db = dir.path().join("tandem.db");
        std::fs::write(&db, b"x").unwrap();
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(close_up_database(&db).unwrap().len(), 1);
        let mode = std::fs::metadata(&db).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert!(
            close_up_database(&db).unwrap().is_empty(),
            "nothing left to do"
        );
    }
}
