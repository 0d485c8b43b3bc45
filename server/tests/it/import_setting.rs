//! `tandem import-setting`: a school's own SQLite database (the demo data, with a learning
//! log written through the app on top: revisions, a conflict, a submission and its review,
//! progress and follow-ups) brought into a database that already has a setting of its own
//! (PostgreSQL in `make unit`'s second run), compared row by row and through the app; run
//! again; and refused where a name or an address clashes.

use crate::common::*;
use app::api::learning_log::{EntryDetail, LogEntry, SaveAnswer, SubmitEntries};
use app::api::review::ReviewAct;
use domain::model::Role;
use http::StatusCode;
use services::store::import_setting::{self, Outcome, LEFT_BEHIND, TABLES};
use sqlx::Row;

const ENTRY: &str = "31111111-2222-4333-8444-555555555555";

async fn call_ok<F: ServerFn>(app: &TestApp, form: &[(&str, &str)], cookie: &str) -> String {
    let r = app.call::<F>(form, Some(cookie)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
}

async fn save(app: &TestApp, cookie: &str, op: u32, base: i64, body: &str) {
    let op = format!("30000000-0000-4000-8000-{op:012}");
    let base = base.to_string();
    let form = [
        ("op_id", op.as_str()),
        ("entry_id", ENTRY),
        ("section_key", "m1.reflection"),
        ("prompt_key", "p1"),
        ("base_rev", base.as_str()),
        ("body", body),
    ];
    call_ok::<SaveAnswer>(app, &form, cookie).await;
}

/// The demo school with a working learning log.
async fn school() -> TestApp {
    let app = TestApp::school().await;
    let (sam, senco) = (app.sign_in(SAM).await, app.sign_in(SENCO).await);
    save(&app, &sam, 1, 0, "Jay settled with a visual timetable.").await;
    save(
        &app,
        &sam,
        2,
        1,
        "Jay settled with a visual timetable, laptop.",
    )
    .await;
    // Written on a tablet from revision 1: kept as a conflict.
    save(&app, &sam, 3, 1, "Jay settled, tablet.").await;
    call_ok::<SubmitEntries>(&app, &[("id", ENTRY)], &sam).await;
    let review = [
        ("id", ENTRY),
        ("rev", "2"),
        ("action", "needs_revision"),
        ("comment", "What did Jay do next?"),
    ];
    call_ok::<ReviewAct>(&app, &review, &senco).await;
    app.complete_every_section(&sam).await;
    app
}

/// Sam's entry, as he sees it.
async fn entry(app: &TestApp) -> EntryDetail {
    let sam = app.sign_in(SAM).await;
    let body = call_ok::<LogEntry>(app, &[("id", ENTRY)], &sam).await;
    serde_json::from_str(&body).unwrap()
}

async fn source_id(school: &TestApp, name: &str) -> i64 {
    sqlx::query("SELECT id FROM settings WHERE name = $1")
        .bind(name)
        .fetch_one(school.sql().await)
        .await
        .unwrap()
        .get(0)
}

const OAKFIELD: &str = server::demo::SETTING_NAME;

/// Every row of `table` that belongs to the setting, as text, with people named by their
/// email address and the setting by its name (the ids differ between the databases), and
/// without the table's own numbering where the import gives it anew.
async fn rows(
    app: &TestApp,
    school: &TestApp,
    (table, which, _, new_id): Copied,
    setting: i64,
) -> Vec<Vec<Option<String>>> {
    // The columns as the school's SQLite database has them (each is in both).
    let columns: Vec<String> = sqlx::query("SELECT name FROM pragma_table_info($1) ORDER BY cid")
        .bind(table)
        .fetch_all(school.sql().await)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    // What each column refers to, from the schema itself (not from the import's own list).
    let refers: Vec<(String, String)> =
        sqlx::query(r#"SELECT "from", "table" FROM pragma_foreign_key_list($1)"#)
            .bind(table)
            .fetch_all(school.sql().await)
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
    let to = |c: &str| {
        refers
            .iter()
            .find(|(from, _)| from == c)
            .map(|(_, t)| t.as_str())
    };
    let shown: Vec<String> = columns
        .iter()
        .filter(|c| !(new_id && c.as_str() == "id"))
        .map(|c| match to(c) {
            Some("users") => format!("(SELECT email FROM users WHERE id = t.{c})"),
            Some("settings") => format!("(SELECT name FROM settings WHERE id = t.{c})"),
            _ => format!("CAST(t.{c} AS TEXT)"),
        })
        .collect();
    let sql = format!("SELECT {} FROM {table} t WHERE {which}", shown.join(", "));
    let mut found: Vec<Vec<Option<String>>> = sqlx::query(&sql)
        .bind(setting)
        .fetch_all(app.sql().await)
        .await
        .unwrap_or_else(|e| panic!("{table}: {e}"))
        .iter()
        .map(|row| {
            (0..shown.len())
                .map(|i| {
                    row.get::<Option<String>, _>(i).map(|v| match v.as_str() {
                        // PostgreSQL's flags, as SQLite keeps them.
                        "true" => "1".to_string(),
                        "false" => "0".to_string(),
                        _ => v,
                    })
                })
                .collect()
        })
        .collect();
    found.sort();
    found
}

/// A table the setting's rows are in: its name, which rows, the columns naming people,
/// and whether the import numbers its rows anew.
type Copied = (&'static str, &'static str, &'static [&'static str], bool);

fn copied() -> Vec<Copied> {
    let mut all: Vec<Copied> = vec![
        ("settings", "id = $1", &[], true),
        ("users", "setting_id = $1", &[], true),
    ];
    all.extend(TABLES.iter().map(|t| (t.name, t.rows, t.people, t.new_id)));
    all
}

async fn total_rows(app: &TestApp) -> Vec<(String, i64)> {
    let mut totals = Vec::new();
    for (table, ..) in copied() {
        let n: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(app.sql().await)
            .await
            .unwrap()
            .get(0);
        totals.push((table.to_string(), n));
    }
    totals
}

#[tokio::test]
async fn a_school_comes_in_whole_and_a_second_run_changes_nothing() {
    let school = school().await;
    let trust = TestApp::empty().await;
    trust
        .person_elsewhere("lee@riverside.example", Role::Senco)
        .await;
    let from = school.url().to_string();
    let oakfield = source_id(&school, OAKFIELD).await;

    let outcome = import_setting::import(&trust.state.db, trust.url(), &from, oakfield)
        .await
        .unwrap();
    let Outcome::Imported {
        setting_id,
        left_behind,
        ..
    } = outcome
    else {
        panic!("not imported: {outcome:?}");
    };
    assert!(
        left_behind.network_posts > 0,
        "the demo's network posts stay behind"
    );

    // Every row of every table, the same on both sides.
    for table in copied() {
        let theirs = rows(&school, &school, table, oakfield).await;
        let ours = rows(&trust, &school, table, setting_id).await;
        assert_eq!(theirs, ours, "{}", table.0);
    }
    // Not a comparison of nothing: what a school's log, review and community are made of.
    for table in [
        "users",
        "log_entries",
        "log_entry_revisions",
        "feedback",
        "submissions",
        "audit_log",
        "progress_events",
        "section_progress",
        "follow_ups",
        "posts",
        "replies",
    ] {
        let copied = copied().into_iter().find(|t| t.0 == table).unwrap();
        let rows = rows(&school, &school, copied, oakfield).await;
        assert!(!rows.is_empty(), "{table} is empty in the school");
    }
    // Every table is either copied or named as left behind, so a new one must be decided.
    let tables: Vec<String> = sqlx::query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'
         AND name NOT LIKE '%fts%' AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(school.sql().await)
    .await
    .unwrap()
    .iter()
    .map(|r| r.get(0))
    .collect();
    for table in tables {
        assert!(
            copied().iter().any(|t| t.0 == table) || LEFT_BEHIND.contains(&table.as_str()),
            "{table} is neither copied nor named as left behind"
        );
    }

    // Through the app: Sam signs in with his old password and finds his entry as it was,
    // with its conflict, its history and his SENCo's request.
    let (before, after) = (entry(&school).await, entry(&trust).await);
    assert_eq!(before, after);
    assert_eq!(after.feedback.len(), 1);
    assert!(
        after.revisions.iter().any(|r| r.conflict),
        "the conflict came over"
    );

    // A second run: nothing to do, nothing written.
    let totals = total_rows(&trust).await;
    let again = import_setting::import(&trust.state.db, trust.url(), &from, oakfield)
        .await
        .unwrap();
    assert_eq!(
        again,
        Outcome::AlreadyHere {
            name: OAKFIELD.into(),
            setting_id
        }
    );
    assert_eq!(total_rows(&trust).await, totals);
}

#[tokio::test]
async fn a_school_whose_name_or_addresses_are_taken_is_refused_with_nothing_written() {
    let school = school().await;
    // The trust already has the demo school (same name, same addresses).
    let trust = TestApp::new().await;
    let totals = total_rows(&trust).await;
    let oakfield = source_id(&school, OAKFIELD).await;
    let outcome = import_setting::import(&trust.state.db, trust.url(), school.url(), oakfield)
        .await
        .unwrap();
    let Outcome::Refused { clashes, .. } = outcome else {
        panic!("not refused: {outcome:?}");
    };
    assert!(
        clashes.iter().any(|c| c.contains("already called")),
        "{clashes:?}"
    );
    assert!(clashes.iter().any(|c| c.contains(SAM)), "{clashes:?}");
    assert_eq!(total_rows(&trust).await, totals);

    // Not a school's SQLite file, or no file at all: said so.
    for (from, says) in [
        (
            "postgres://tandem@127.0.0.1/school",
            "must be a school's SQLite database",
        ),
        (
            "sqlite:///nowhere/school.db",
            "there is no database at /nowhere/school.db",
        ),
    ] {
        let error = import_setting::import(&trust.state.db, trust.url(), from, 1).await;
        assert!(error.unwrap_err().to_string().contains(says), "{from}");
    }
}
