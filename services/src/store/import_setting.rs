//! `tandem import-setting`: brings settings, with everything their people wrote, from a
//! school's own SQLite database into this one (a trust's PostgreSQL, or another SQLite).
//!
//! Each setting comes over in one transaction, so a failed import leaves nothing behind
//! and can simply be run again. Its people get new ids here (their email addresses are
//! unique across the database, so a clash is refused before anything is written); entries,
//! posts, replies and sessions keep theirs, which browsers made as random ids. A setting
//! already imported (`setting_imports`) is left as it is, so running the import twice
//! changes nothing.
//!
//! What stays behind, and why: sign-in sessions (people sign in again at the new address),
//! the single sign-on provider (its secret is sealed with the old server's key: the admin
//! enters it again; people's links to their school accounts do come over), network spaces
//! (a network belongs to all its settings: the network's posts, sessions and membership
//! stay where the network is), and short-lived rows (rate limits, email codes, the mail
//! queue, job leases).
//!
//! The statements are assembled from each table's columns as this database has them, not
//! compile-time checked: the tests copy the demo database on both engines and compare
//! every row.

use super::Db;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Connection, Row};

/// One table's rows of a setting, and which of its columns name people.
pub struct Table {
    pub name: &'static str,
    /// Which rows: a condition on the source, where `$1` is the setting's id there.
    pub rows: &'static str,
    /// Columns holding a person's id, given their new ids.
    pub people: &'static [&'static str],
    /// The table's numeric `id`, which nobody refers to: this database numbers them anew.
    pub new_id: bool,
}

/// Every table copied after the setting and its people, in the order they are written (a
/// row after those it refers to).
pub const TABLES: &[Table] = &[
    Table {
        name: "staff_imports",
        rows: "setting_id = $1",
        people: &["admin_id"],
        new_id: false,
    },
    Table {
        name: "invites",
        rows: "setting_id = $1",
        people: &["created_by"],
        new_id: false,
    },
    Table {
        name: "progress_events",
        rows: "user_id IN (SELECT id FROM users WHERE setting_id = $1)",
        people: &["user_id"],
        new_id: false,
    },
    Table {
        name: "section_progress",
        rows: "user_id IN (SELECT id FROM users WHERE setting_id = $1)",
        people: &["user_id"],
        new_id: false,
    },
    Table {
        name: "log_entries",
        rows: "user_id IN (SELECT id FROM users WHERE setting_id = $1)",
        people: &["user_id"],
        new_id: false,
    },
    Table {
        name: "log_entry_revisions",
        rows: "entry_id IN (SELECT e.id FROM log_entries e JOIN users u ON u.id = e.user_id WHERE u.setting_id = $1)",
        people: &[],
        new_id: true,
    },
    Table {
        name: "feedback",
        rows: "entry_id IN (SELECT e.id FROM log_entries e JOIN users u ON u.id = e.user_id WHERE u.setting_id = $1)
               AND author_id IN (SELECT id FROM users WHERE setting_id = $1)",
        people: &["author_id"],
        new_id: true,
    },
    Table {
        name: "follow_ups",
        rows: "user_id IN (SELECT id FROM users WHERE setting_id = $1)",
        people: &["user_id"],
        new_id: false,
    },
    Table {
        name: "term_dates",
        rows: "setting_id = $1",
        people: &[],
        new_id: false,
    },
    Table {
        name: "self_reviews",
        rows: "user_id IN (SELECT id FROM users WHERE setting_id = $1)",
        people: &["user_id"],
        new_id: false,
    },
    Table {
        name: "self_review_answers",
        rows: "user_id IN (SELECT id FROM users WHERE setting_id = $1)",
        people: &["user_id"],
        new_id: false,
    },
    Table {
        name: "plans",
        rows: "user_id IN (SELECT id FROM users WHERE setting_id = $1)",
        people: &["user_id"],
        new_id: false,
    },
    Table {
        name: "plan_events",
        rows: "owner_id IN (SELECT id FROM users WHERE setting_id = $1)",
        people: &["owner_id", "actor_id"],
        new_id: true,
    },
    Table {
        name: "plan_proposals",
        rows: "setting_id = $1",
        people: &["author_id"],
        new_id: false,
    },
    Table {
        name: "plan_proposal_answers",
        rows: "user_id IN (SELECT id FROM users WHERE setting_id = $1)",
        people: &["user_id"],
        new_id: false,
    },
    Table {
        name: "submissions",
        rows: "entry_id IN (SELECT e.id FROM log_entries e JOIN users u ON u.id = e.user_id WHERE u.setting_id = $1)",
        people: &[],
        new_id: true,
    },
    Table {
        name: "audit_log",
        rows: "subject_id IN (SELECT id FROM users WHERE setting_id = $1)
               AND actor_id IN (SELECT id FROM users WHERE setting_id = $1)",
        people: &["actor_id", "subject_id"],
        new_id: true,
    },
    Table {
        name: "posts",
        rows: "setting_id = $1 AND network_id IS NULL",
        people: &["author_id", "hidden_by"],
        new_id: false,
    },
    Table {
        name: "post_revisions",
        rows: "post_id IN (SELECT id FROM posts WHERE setting_id = $1 AND network_id IS NULL)",
        people: &[],
        new_id: true,
    },
    Table {
        name: "replies",
        rows: "post_id IN (SELECT id FROM posts WHERE setting_id = $1 AND network_id IS NULL)",
        people: &["author_id", "hidden_by"],
        new_id: false,
    },
    Table {
        name: "helpful_marks",
        rows: "user_id IN (SELECT id FROM users WHERE setting_id = $1)
               AND (target_id IN (SELECT id FROM posts WHERE setting_id = $1 AND network_id IS NULL)
                    OR target_id IN (SELECT r.id FROM replies r JOIN posts p ON p.id = r.post_id
                                     WHERE p.setting_id = $1 AND p.network_id IS NULL))",
        people: &["user_id"],
        new_id: false,
    },
    Table {
        name: "follows",
        rows: "post_id IN (SELECT id FROM posts WHERE setting_id = $1 AND network_id IS NULL)",
        people: &["user_id"],
        new_id: false,
    },
    Table {
        name: "reports",
        rows: "post_id IN (SELECT id FROM posts WHERE setting_id = $1 AND network_id IS NULL)",
        people: &["reporter_id", "closed_by"],
        new_id: true,
    },
    Table {
        name: "moderation_log",
        rows: "post_id IN (SELECT id FROM posts WHERE setting_id = $1 AND network_id IS NULL)",
        people: &["moderator_id"],
        new_id: true,
    },
    Table {
        name: "community_sessions",
        rows: "setting_id = $1 AND network_id IS NULL",
        people: &["organiser_id"],
        new_id: false,
    },
    Table {
        name: "session_people",
        rows: "session_id IN (SELECT id FROM community_sessions WHERE setting_id = $1 AND network_id IS NULL)",
        people: &["user_id"],
        new_id: false,
    },
    Table {
        name: "session_posts",
        rows: "session_id IN (SELECT id FROM community_sessions WHERE setting_id = $1 AND network_id IS NULL)",
        people: &[],
        new_id: false,
    },
    Table {
        name: "user_identities",
        rows: "user_id IN (SELECT id FROM users WHERE setting_id = $1)",
        people: &["user_id"],
        new_id: false,
    },
    Table {
        name: "data_protection_log",
        rows: "setting_id = $1",
        people: &["actor_id"],
        new_id: true,
    },
    Table {
        name: "sign_in_domains",
        rows: "setting_id = $1",
        people: &[],
        new_id: false,
    },
];

/// Tables whose rows stay behind (see the module's notes).
pub const LEFT_BEHIND: &[&str] = &[
    "sessions",
    "rate_limits",
    "op_outcomes",
    "networks",
    "network_settings",
    "network_moderators",
    "sign_in_providers",
    "sso_logins",
    "trust_sign_on",
    "trust_sign_on_domains",
    "email_proofs",
    "password_resets",
    "mail_outbox",
    "job_leases",
    "write_allowance",
    // Today's count for the daily cap: the trust's own from the first event on.
    "progress_days",
    "setting_imports",
    // The trust's own: the importing database's triggers change it as the posts come in.
    "community_version",
];

/// What one setting's import did.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Copied, with how many rows of each table (those with any).
    Imported {
        name: String,
        setting_id: i64,
        rows: Vec<(&'static str, u64)>,
        left_behind: LeftBehind,
    },
    /// Brought in by an earlier run: nothing was done.
    AlreadyHere { name: String, setting_id: i64 },
    /// Not copied, and nothing written: what clashes with this database.
    Refused { name: String, clashes: Vec<String> },
}

/// What the import does not bring (see the module's notes), counted so the IT lead can
/// tell the setting.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct LeftBehind {
    pub network_posts: i64,
    pub network_replies: i64,
    pub sign_on_provider: bool,
}

/// The settings in the database at `from` (their ids and names), to choose from.
pub async fn source_settings(from: &str) -> anyhow::Result<Vec<(i64, String)>> {
    let mut source = open_source(from).await?;
    let rows = sqlx::query("SELECT id, name FROM settings ORDER BY id")
        .fetch_all(&mut source)
        .await?;
    Ok(rows
        .iter()
        .map(|r| (r.get::<i64, _>(0), r.get::<String, _>(1)))
        .collect())
}

/// Copies the setting `source_id` of the SQLite database at `from` into `db` (whose
/// address is `url`).
pub async fn import(db: &Db, url: &str, from: &str, source_id: i64) -> anyhow::Result<Outcome> {
    sqlx::any::install_default_drivers();
    let mut source = open_source(from).await?;
    let target = AnyPool::connect(url).await?;
    let result = import_one(db, &mut source, &target, source_id).await;
    target.close().await;
    result
}

async fn open_source(from: &str) -> anyhow::Result<AnyConnection> {
    sqlx::any::install_default_drivers();
    if super::is_postgres(from) || !from.starts_with("sqlite:") {
        anyhow::bail!("--from must be a school's SQLite database, as sqlite://path/to/tandem.db");
    }
    let path = from
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    if !std::path::Path::new(path).is_file() {
        anyhow::bail!("there is no database at {path}");
    }
    // Read-only: the school's database is only read.
    let mut source = AnyConnection::connect(&format!("sqlite://{path}?mode=ro")).await?;
    // Its tables must be this version's: the copy reads them by this version's columns.
    let ours = sqlx::migrate!("../migrations")
        .migrations
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or_default();
    let theirs: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
        .fetch_one(&mut source)
        .await
        .map_err(|_| anyhow::anyhow!("{path} is not a Tandem database"))?;
    match theirs.unwrap_or_default() {
        v if v == ours => Ok(source),
        v if v < ours => anyhow::bail!(
            "{path} was last opened by an older Tandem: bring it up to date first, on a copy, \
             with `TANDEM_DATABASE_URL=sqlite://<the copy> tandem migrate`"
        ),
        _ => {
            anyhow::bail!("{path} was made by a newer Tandem than this one: update this one first")
        }
    }
}

async fn import_one(
    db: &Db,
    source: &mut AnyConnection,
    target: &AnyPool,
    source_id: i64,
) -> anyhow::Result<Outcome> {
    let setting = sqlx::query("SELECT name, created_at FROM settings WHERE id = $1")
        .bind(source_id)
        .fetch_optional(&mut *source)
        .await?
        .ok_or_else(|| anyhow::anyhow!("there is no setting {source_id} in that database"))?;
    let name: String = setting.get(0);
    let key = format!("{}/{name}", setting.get::<i64, _>(1));

    let mut tx = target.begin().await?;
    if let Db::Postgres(_) = db {
        // In turn with the app servers' writes (engine::postgres::write).
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(super::engine::postgres::WRITERS)
            .execute(&mut *tx)
            .await?;
    }
    if let Some(row) = sqlx::query("SELECT setting_id FROM setting_imports WHERE source = $1")
        .bind(&key)
        .fetch_optional(&mut *tx)
        .await?
    {
        return Ok(Outcome::AlreadyHere {
            name,
            setting_id: row.get(0),
        });
    }
    let clashes = clashes(source, &mut tx, source_id, &name).await?;
    if !clashes.is_empty() {
        return Ok(Outcome::Refused { name, clashes });
    }

    let settings = columns(db, &mut tx, "settings").await?;
    let row = sqlx::query(&format!(
        "SELECT {} FROM settings WHERE id = $1",
        list(&settings, true)
    ))
    .bind(source_id)
    .fetch_one(&mut *source)
    .await?;
    let setting_id = insert(&mut tx, "settings", &settings, &row, &Remap::none(), true)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the new setting's id did not come back"))?;

    let user_columns = columns(db, &mut tx, "users").await?;
    let people = sqlx::query(&format!(
        "SELECT id, {} FROM users WHERE setting_id = $1 ORDER BY id",
        list(&user_columns, true)
    ))
    .bind(source_id)
    .fetch_all(&mut *source)
    .await?;
    let mut remap = Remap {
        setting: Some(setting_id),
        people: Default::default(),
        person_columns: &[],
    };
    for person in &people {
        let old: i64 = person.get("id");
        let new = insert(&mut tx, "users", &user_columns, person, &remap, true)
            .await?
            .ok_or_else(|| anyhow::anyhow!("a new account's id did not come back"))?;
        remap.people.insert(old, new);
    }
    let mut counts = vec![("users", people.len() as u64)];

    for table in TABLES {
        let mut cols = columns(db, &mut tx, table.name).await?;
        if table.new_id {
            cols.retain(|c| c.name != "id");
        }
        let rows = sqlx::query(&format!(
            "SELECT {} FROM {} WHERE {} ORDER BY rowid",
            list(&cols, false),
            table.name,
            table.rows
        ))
        .bind(source_id)
        .fetch_all(&mut *source)
        .await
        .map_err(|e| anyhow::anyhow!("reading {}: {e}", table.name))?;
        remap.person_columns = table.people;
        for row in &rows {
            insert(&mut tx, table.name, &cols, row, &remap, false)
                .await
                .map_err(|e| anyhow::anyhow!("copying {}: {e}", table.name))?;
        }
        if !rows.is_empty() {
            counts.push((table.name, rows.len() as u64));
        }
    }

    sqlx::query(
        "INSERT INTO setting_imports (source, setting_id, imported_at) VALUES ($1, $2, $3)",
    )
    .bind(&key)
    .bind(setting_id)
    .bind(super::now())
    .execute(&mut *tx)
    .await?;
    let left_behind = left_behind(source, source_id).await?;
    tx.commit().await?;
    Ok(Outcome::Imported {
        name,
        setting_id,
        rows: counts,
        left_behind,
    })
}

/// Why the setting cannot come in as it is: its name, a person's email address, a sign-in
/// domain or a school account already belongs to someone here.
async fn clashes(
    source: &mut AnyConnection,
    tx: &mut AnyConnection,
    source_id: i64,
    name: &str,
) -> anyhow::Result<Vec<String>> {
    let mut found = Vec::new();
    let taken = sqlx::query("SELECT 1 FROM settings WHERE lower(name) = lower($1)")
        .bind(name)
        .fetch_optional(&mut *tx)
        .await?;
    if taken.is_some() {
        found.push(format!("a setting here is already called \"{name}\""));
    }
    let checks: [(&str, &str, &str); 3] = [
        (
            "SELECT email FROM users WHERE setting_id = $1 ORDER BY email",
            "SELECT 1 FROM users WHERE email = $1",
            "the email address {} already has an account here",
        ),
        (
            "SELECT domain FROM sign_in_domains WHERE setting_id = $1 ORDER BY domain",
            "SELECT 1 FROM sign_in_domains WHERE domain = $1
             UNION ALL SELECT 1 FROM trust_sign_on_domains WHERE domain = $1",
            "the sign-in domain {} already belongs to a setting or a trust here",
        ),
        (
            "SELECT i.issuer || ' ' || i.subject FROM user_identities i JOIN users u ON u.id = i.user_id
             WHERE u.setting_id = $1",
            "SELECT 1 FROM user_identities WHERE issuer || ' ' || subject = $1",
            "the school account {} is already linked to an account here",
        ),
    ];
    for (theirs, ours, says) in checks {
        let values: Vec<String> = sqlx::query_scalar(theirs)
            .bind(source_id)
            .fetch_all(&mut *source)
            .await?;
        for value in values {
            let here = sqlx::query(ours)
                .bind(&value)
                .fetch_optional(&mut *tx)
                .await?;
            if here.is_some() {
                found.push(says.replace("{}", &value));
            }
        }
    }
    Ok(found)
}

async fn left_behind(source: &mut AnyConnection, source_id: i64) -> anyhow::Result<LeftBehind> {
    let count = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql).bind(source_id);
    Ok(LeftBehind {
        network_posts: count("SELECT COUNT(*) FROM posts WHERE setting_id = $1 AND network_id IS NOT NULL")
            .fetch_one(&mut *source)
            .await?,
        network_replies: count(
            "SELECT COUNT(*) FROM replies r JOIN posts p ON p.id = r.post_id
             WHERE p.network_id IS NOT NULL AND r.author_id IN (SELECT id FROM users WHERE setting_id = $1)",
        )
        .fetch_one(&mut *source)
        .await?,
        sign_on_provider: count("SELECT COUNT(*) FROM sign_in_providers WHERE setting_id = $1")
            .fetch_one(&mut *source)
            .await?
            > 0,
    })
}

/// A column as this database has it.
#[derive(Clone, Debug)]
struct Column {
    name: String,
    kind: Kind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Integer,
    Real,
    Text,
    Boolean,
}

/// The columns of `table` a copy writes: all but those this database fills in itself (its
/// own numbering on PostgreSQL where SQLite has a hidden rowid, and the search columns).
async fn columns(db: &Db, tx: &mut AnyConnection, table: &str) -> anyhow::Result<Vec<Column>> {
    let sql = match db {
        Db::Postgres(_) => {
            "SELECT column_name::text, data_type::text FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = $1
               AND is_identity = 'NO' AND is_generated = 'NEVER'
               AND column_name NOT IN ('search_rowid', 'rowid')
             ORDER BY ordinal_position"
        }
        Db::Sqlite(_) => "SELECT name, type FROM pragma_table_info($1) ORDER BY cid",
    };
    let rows = sqlx::query(sql).bind(table).fetch_all(&mut *tx).await?;
    rows.iter()
        .map(|r| {
            let (name, ty): (String, String) = (r.get(0), r.get(1));
            let kind = match ty.to_ascii_lowercase().as_str() {
                "integer" | "bigint" => Kind::Integer,
                "real" | "double precision" => Kind::Real,
                "text" => Kind::Text,
                "boolean" => Kind::Boolean,
                other => anyhow::bail!("{table}.{name}: a column of type {other} cannot be copied"),
            };
            Ok(Column { name, kind })
        })
        .collect()
}

fn list(columns: &[Column], skip_id: bool) -> String {
    columns
        .iter()
        .filter(|c| !(skip_id && c.name == "id"))
        .map(|c| c.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// How ids change on the way in.
struct Remap {
    setting: Option<i64>,
    people: std::collections::HashMap<i64, i64>,
    /// The current table's columns that name people.
    person_columns: &'static [&'static str],
}

impl Remap {
    fn none() -> Remap {
        Remap {
            setting: None,
            people: Default::default(),
            person_columns: &[],
        }
    }
}

/// Writes one source row into `table`; with `returning`, leaves out `id` and gives the one
/// this database made.
async fn insert(
    tx: &mut AnyConnection,
    table: &str,
    columns: &[Column],
    row: &AnyRow,
    remap: &Remap,
    returning: bool,
) -> anyhow::Result<Option<i64>> {
    let columns: Vec<&Column> = columns
        .iter()
        .filter(|c| !(returning && c.name == "id"))
        .collect();
    let places: Vec<String> = (1..=columns.len()).map(|n| format!("${n}")).collect();
    let sql = format!(
        "INSERT INTO {table} ({}) VALUES ({}){}",
        columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        places.join(", "),
        if returning { " RETURNING id" } else { "" }
    );
    let mut query = sqlx::query(&sql);
    for column in &columns {
        let name = column.name.as_str();
        query = match column.kind {
            Kind::Integer => {
                let value: Option<i64> = row.try_get(name)?;
                let value = if name == "setting_id" && remap.setting.is_some() {
                    remap.setting
                } else if remap.person_columns.contains(&name) {
                    value
                        .map(|old| {
                            remap.people.get(&old).copied().ok_or_else(|| {
                                anyhow::anyhow!(
                                    "{table}.{name} names person {old}, who is not in the setting"
                                )
                            })
                        })
                        .transpose()?
                } else {
                    value
                };
                query.bind(value)
            }
            Kind::Real => query.bind(row.try_get::<Option<f64>, _>(name)?),
            Kind::Text => query.bind(row.try_get::<Option<String>, _>(name)?),
            // SQLite keeps a flag as 0 or 1.
            Kind::Boolean => query.bind(row.try_get::<Option<i64>, _>(name)?.map(|v| v != 0)),
        };
    }
    if returning {
        Ok(Some(query.fetch_one(&mut *tx).await?.try_get(0)?))
    } else {
        query.execute(&mut *tx).await?;
        Ok(None)
    }
}
