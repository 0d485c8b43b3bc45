//! `tandem --help`: the sub-commands and their settings.

use clap::{Args, Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "tandem",
    version,
    about = "Tandem: SEND continuing professional development for schools, nurseries and colleges."
)]
pub struct Cli {
    /// The SQLite database. Created, with its folder, if it does not exist.
    #[arg(long, env = "TANDEM_DATABASE_URL", default_value = "sqlite://data/tandem.db", global = true, value_parser = non_empty)]
    pub database_url: String,

    /// The course content folder (see content/README.md).
    #[arg(
        long,
        env = "TANDEM_CONTENT_DIR",
        default_value = "content",
        global = true
    )]
    pub content_dir: std::path::PathBuf,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the web app (the default when no sub-command is given).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Seed demo data (a setting and four accounts) into a new, empty database and print how to sign in.
    Demo,
    /// Add a large generated setting (for benchmarks): N staff with realistic progress and
    /// a SENCo, senco@large.example, who signs in with the demo password.
    Generate {
        #[arg(long, default_value_t = 500)]
        staff: usize,
    },
    /// Validate the course content and print each module's sections, minutes and words.
    Content,
    /// Manage settings (schools, nurseries, colleges).
    #[command(subcommand)]
    Setting(SettingCommand),
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
}

#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "TANDEM_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: String,
    /// Folder of the built site (the wasm, JavaScript and CSS under pkg/).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
    /// Mark session cookies Secure. Turn on whenever Tandem is served over HTTPS.
    #[arg(long, env = "TANDEM_SECURE_COOKIES", default_value_t = false, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true", value_parser = clap::builder::BoolishValueParser::new())]
    pub secure_cookies: bool,
    /// Seed demo data when the database has no settings yet (for trying Tandem out).
    #[arg(long, env = "TANDEM_DEMO", default_value_t = false, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true", value_parser = clap::builder::BoolishValueParser::new())]
    pub demo: bool,
    /// SMTP server for email digests, e.g. `smtp://user:pass@mail.example:587?tls=required`.
    /// Without it, Tandem sends no email (counts in the navigation still work).
    #[arg(long, env = "TANDEM_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// The sender of digests, e.g. `Tandem <tandem@school.example>`.
    #[arg(
        long,
        env = "TANDEM_MAIL_FROM",
        default_value = "Tandem <tandem@localhost>"
    )]
    pub mail_from: String,
    /// The address people use to reach Tandem, for links in emails.
    #[arg(
        long,
        env = "TANDEM_PUBLIC_URL",
        default_value = "http://127.0.0.1:3000"
    )]
    pub public_url: String,
    /// Minutes between email digests.
    #[arg(long, env = "TANDEM_DIGEST_MINUTES", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub digest_minutes: u64,
}

impl Default for ServeArgs {
    fn default() -> Self {
        ServeArgs::parse_from(["serve"])
    }
}

impl ServeArgs {
    fn parse_from<I: IntoIterator<Item = &'static str>>(args: I) -> Self {
        #[derive(Parser)]
        struct Wrapper {
            #[command(flatten)]
            args: ServeArgs,
        }
        Wrapper::parse_from(args).args
    }
}

#[derive(Subcommand, Debug)]
pub enum SettingCommand {
    /// Add a setting and print its id.
    Add {
        /// The setting's name, e.g. "Oakfield Primary School".
        #[arg(long)]
        name: String,
        /// The sector most staff work in: early-years, school-age or post-16.
        #[arg(long)]
        sector: String,
    },
    /// List settings.
    List,
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add an account. The password is read from standard input (one line).
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// practitioner, senco or admin.
        #[arg(long)]
        role: String,
        /// The setting's id or exact name.
        #[arg(long)]
        setting: String,
        /// early-years, school-age or post-16 (defaults to the setting's sector).
        #[arg(long)]
        sector: Option<String>,
    },
}

fn non_empty(s: &str) -> Result<String, String> {
    // An empty URL would open a private in-memory database per connection: refuse it.
    if s.trim().is_empty() {
        Err("the database URL must not be empty".into())
    } else {
        Ok(s.to_string())
    }
}
