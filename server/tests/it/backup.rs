//! `tandem backup` under a steady write load, and `tandem restore`.

use crate::common::*;
use app::api::course::RecordProgress;
use http::StatusCode;
use server::backup::{backup, restore, ServeLock};
use sqlx::{Connection, SqliteConnection};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The progress events in the database at `path`.
async fn op_ids(path: &std::path::Path) -> std::collections::HashSet<String> {
    let url = format!("sqlite://{}", path.display());
    let mut db = SqliteConnection::connect(&url).await.unwrap();
    let ids: Vec<String> = sqlx::query_scalar("SELECT op_id FROM progress_events")
        .fetch_all(&mut db)
        .await
        .unwrap();
    ids.into_iter().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_under_load_holds_every_write_acknowledged_before_it_began() {
    let app = Arc::new(TestApp::new().await);
    let url = format!("sqlite://{}", app.database().display());
    let acked: Arc<Mutex<Vec<(String, Instant)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for (w, email) in [SAM, ELLA, SENCO, ADMIN].into_iter().enumerate() {
        let cookie = app.sign_in(email).await;
        let (app, acked, stop) = (app.clone(), acked.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            let mut n = 0u32;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let op = format!("b0000000-0000-4000-8000-{w:04}{n:08}");
                let reply = app
                    .call::<RecordProgress>(
                        &[
                            ("op_id", &op),
                            ("section_key", "m1.knowledge"),
                            ("kind", "opened"),
                        ],
                        Some(&cookie),
                    )
                    .await;
                if reply.status == StatusCode::OK {
                    acked.lock().unwrap().push((op, Instant::now()));
                }
            }
        }));
    }
    let wait_for = |count: usize| {
        let acked = acked.clone();
        async move {
            while acked.lock().unwrap().len() < count {
                tokio::task::yield_now().await;
            }
        }
    };
    wait_for(100).await;

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nightly/tandem-backup.db");
    let began = Instant::now();
    let copied = backup(&url, &file).await.unwrap();
    let before = acked.lock().unwrap().len();
    wait_for(before + 50).await;
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }

    let in_backup = op_ids(&file).await;
    let acked = acked.lock().unwrap().clone();
    let must: Vec<_> = acked.iter().filter(|(_, at)| *at < began).collect();
    let missing: Vec<_> = must
        .iter()
        .filter(|(op, _)| !in_backup.contains(op))
        .collect();
    assert!(
        must.len() >= 100,
        "writes before the backup: {}",
        must.len()
    );
    assert!(
        missing.is_empty(),
        "acknowledged before the backup but missing: {missing:?}"
    );
    // The load went on while and after it ran: the live database has more than the copy.
    let live = op_ids(&app.database()).await;
    assert!(
        live.len() > in_backup.len(),
        "{} live, {} in the backup",
        live.len(),
        in_backup.len()
    );
    assert!(copied.people >= 4 && copied.bytes > 0);
    assert!(!dir.path().join("nightly/tandem-backup.db.partial").exists());

    // A backup never overwrites a file.
    let again = backup(&url, &file).await.err().unwrap().to_string();
    assert!(again.contains("already exists"), "{again}");

    // Restored elsewhere, it is the same database.
    let target = dir.path().join("restored/tandem.db");
    let target_url = format!("sqlite://{}", target.display());
    let (restored, kept) = restore(&target_url, &file).await.unwrap();
    assert!(kept.is_none());
    assert_eq!(restored.people, copied.people);
    assert_eq!(op_ids(&target).await, in_backup);
}

#[tokio::test]
async fn restore_refuses_while_a_server_runs_and_keeps_what_it_replaces() {
    let app = TestApp::new().await;
    let url = format!("sqlite://{}", app.database().display());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("backup.db");
    backup(&url, &file).await.unwrap();
    let target = dir.path().join("live.db");
    let target_url = format!("sqlite://{}", target.display());
    restore(&target_url, &file).await.unwrap();

    // A server on the database: refused, and nothing is touched.
    let serving = ServeLock::shared(&target).unwrap();
    let refused = format!("{:#}", restore(&target_url, &file).await.err().unwrap());
    assert!(refused.contains("a Tandem server is running"), "{refused}");
    assert!(!dir.path().join("live.db.restoring").exists());
    // …and no server starts while a restore holds the database.
    drop(serving);
    let restoring = ServeLock::exclusive(&target).unwrap();
    let blocked = format!("{:#}", ServeLock::shared(&target).err().unwrap());
    assert!(
        blocked.contains("restore of this database is under way"),
        "{blocked}"
    );
    drop(restoring);

    // Stopped: restored, and the database it replaced is kept beside it.
    let (_, kept) = restore(&target_url, &file).await.unwrap();
    let kept = kept.expect("the replaced database is kept");
    assert!(kept.exists() && target.exists());

    // Not a backup at all: refused before anything is replaced.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"this is not a database").unwrap();
    let refused = format!("{:#}", restore(&target_url, &junk).await.err().unwrap());
    assert!(refused.contains("not a usable backup"), "{refused}");
    assert!(target.exists());
}

/// PostgreSQL backs itself up: both commands refuse its URL and say what to use instead.
#[tokio::test]
async fn backup_and_restore_refuse_a_postgres_database_and_point_to_pg_dump() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("copy.db");
    let url = "postgres://tandem@127.0.0.1:9/tandem";
    let refused = backup(url, &file).await.err().expect("backup refuses");
    assert!(refused.to_string().contains("pg_dump"), "{refused}");
    std::fs::write(&file, b"not a database").unwrap();
    let refused = restore(url, &file).await.err().expect("restore refuses");
    assert!(refused.to_string().contains("pg_dump"), "{refused}");
    assert_eq!(std::fs::read(&file).unwrap(), b"not a database");
}
