//! The Tandem server: configuration, the HTTP router and its middleware, and the
//! command-line operations an IT lead runs without the UI.
//!
//! Owns: the `tandem` binary, startup (migrations, content, demo data), the router and
//! middleware (session, origin check, headers, compression, request logs, a server
//! function's error → its HTTP status), the download handlers (the files themselves are
//! built by `services::exports`), and the timers for email digests and housekeeping.
//! Must not: decide who may see what itself (downloads use `app::server::guard::Asker`,
//! the same rule as the server functions), reach into `app::api`, or hold SQL (that is
//! `services::store`; the binary does not even depend on sqlx).

pub mod backup;
pub mod cli;
pub mod demo;
pub mod demo_plans;
pub mod downloads;
pub mod files;
pub mod housekeeping;
pub mod import_setting;
pub mod metrics;
pub mod middleware;
pub mod problem_page;
pub mod router;
pub mod sso;
pub mod staff_import;
pub mod trust_sign_on;

use app::server::AppState;
use leptos::prelude::LeptosOptions;

/// Opens and migrates the database and builds the shared state.
/// The course is loaded before the database is touched, so a content mistake stops
/// startup with nothing changed.
pub async fn prepare(config: &Config) -> anyhow::Result<AppState> {
    let course = services::content::load_course(&config.content_dir)?;
    for overdue in
        services::content::overdue_reviews(&course, time::OffsetDateTime::now_utc().date())
    {
        tracing::warn!("{overdue}");
    }
    ensure_parent_dir(&config.database_url)?;
    let shell = services::shell::Shell::load(std::path::Path::new(&config.site_root))?;
    // Migrations may take a while on a large database; serving has a time limit per request.
    let migrating = services::store::connect(&config.database_url, None).await?;
    services::store::migrate(&migrating).await?;
    migrating.close().await;
    if let Ok(path) = backup::database_path(&config.database_url) {
        for file in files::close_up_database(&path)? {
            tracing::warn!(file, "others could read this database file; it is now 0600");
        }
    }
    let db = services::store::connect(&config.database_url, config.statement_limit).await?;
    // Client secrets sealed before they were bound to their setting (a one-time upgrade).
    match services::store::single_sign_on::upgrade_secrets(&db).await? {
        0 => {}
        n => tracing::info!(n, "re-sealed single sign-on client secrets in the new form"),
    }
    Ok(AppState {
        db,
        leptos_options: leptos_options(&config.site_root),
        secure_cookies: config.secure_cookies,
        public_origin: config.public_origin.clone(),
        trusted_proxies: config.trusted_proxies.clone().into(),
        course: std::sync::Arc::new(course),
        shell: std::sync::Arc::new(shell),
    })
}

/// Where things are; see `cli` for the environment variables and defaults.
#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub content_dir: std::path::PathBuf,
    pub site_root: String,
    pub secure_cookies: bool,
    pub public_origin: Option<String>,
    pub trusted_proxies: Vec<services::network::Cidr>,
    /// How long one request may hold a database connection (None for command-line jobs).
    pub statement_limit: Option<std::time::Duration>,
}

impl Config {
    pub fn new(database_url: &str, content_dir: impl Into<std::path::PathBuf>) -> Self {
        Config {
            database_url: database_url.to_string(),
            content_dir: content_dir.into(),
            site_root: "target/site".into(),
            secure_cookies: false,
            public_origin: None,
            trusted_proxies: vec![],
            statement_limit: None,
        }
    }
}

/// Leptos' options, set here rather than read from Cargo.toml or the environment, so the
/// binary serves the site layout `scripts/build.sh` makes wherever it is started.
pub fn leptos_options(site_root: &str) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("tandem")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .build()
}

/// `sqlite://data/tandem.db` needs `data/` to exist before SQLite can create the file.
fn ensure_parent_dir(database_url: &str) -> anyhow::Result<()> {
    if services::store::is_postgres(database_url) {
        return Ok(());
    }
    let path = database_url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path.starts_with(':') {
        return Ok(());
    }
    if let Some(parent) = std::path::Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)?;
    }
    Ok(())
}

/// Sections, minutes and words of each module (for `tandem content` and the closing notes
/// of content changes). Words are those a School age reader reads.
pub fn content_report(course: &domain::content::Course) -> String {
    use domain::content::{Section, MINUTES_PER_LOG_ANSWER, WORDS_PER_MINUTE};
    use domain::model::Sector;
    let words = |sections: &mut dyn Iterator<Item = &Section>| {
        sections.fold([0u32; 3], |mut sum, s| {
            for (i, sector) in Sector::ALL.into_iter().enumerate() {
                sum[i] += s.words_for(sector);
            }
            sum
        })
    };
    let show = |w: [u32; 3]| format!("{:>6} {:>6} {:>6}", w[0], w[1], w[2]);
    let mut out = format!(
        "Minutes per section = ⌈words of its longest sector version ÷ {WORDS_PER_MINUTE}⌉ + its activities' minutes + {MINUTES_PER_LOG_ANSWER} × its learning-log answers.\n\
         Words are as read by a practitioner of each sector (shared text, activities and prompts, plus that sector's passages).\n\n\
         {:<58} {:>6} {:>6} {:>6} {:>10} {:>6} {:>4}\n",
        "", "EY", "School", "Post16", "activities", "(min)", "min"
    );
    for m in &course.modules {
        out.push_str(&format!("Module {}: {}\n", m.number, m.title));
        for s in &m.sections {
            out.push_str(&format!(
                "    {:<54} {} {:>10} {:>6} {:>4}\n",
                format!("{} {}", s.key, s.title)
                    .chars()
                    .take(54)
                    .collect::<String>(),
                show(s.words),
                s.activities.len(),
                s.activity_minutes(),
                s.minutes
            ));
        }
        out.push_str(&format!(
            "    {:<54} {} {:>10} {:>6} {:>4}  ({:.1} hours)\n",
            "module total",
            show(words(&mut m.sections.iter())),
            m.sections.iter().map(|s| s.activities.len()).sum::<usize>(),
            m.sections
                .iter()
                .map(Section::activity_minutes)
                .sum::<u32>(),
            m.minutes(),
            m.minutes() as f64 / 60.0
        ));
    }
    let total = words(&mut course.sections().map(|(_, s)| s));
    out.push_str(&format!(
        "\nCourse: {} modules, {} sections, {} activities, {} min ({:.1} hours); words read per sector: Early Years {}, School age {}, Post-16 {}\n",
        course.modules.len(),
        course.sections().count(),
        course.sections().map(|(_, s)| s.activities.len()).sum::<usize>(),
        course.minutes(),
        course.minutes() as f64 / 60.0,
        total[0],
        total[1],
        total[2]
    ));
    out.push_str(&format!(
        "Facilitator guide: {} ({} words)\n",
        course.facilitator.title, course.facilitator.words
    ));
    out
}
