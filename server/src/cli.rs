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
        /// Settings to make, each like the first (300 with 50 staff and 64 entries each is a
        /// local authority's worth: 15,000 staff and about a million entries).
        #[arg(long, default_value_t = 1)]
        settings: usize,
        /// Staff in each setting.
        #[arg(long, default_value_t = 500)]
        staff: usize,
        /// Extra learning-log entries per person, of varied text (for the search benchmark).
        #[arg(long, default_value_t = 0)]
        entries: usize,
    },
    /// Validate the course content and print each module's sections, minutes and words.
    Content,
    /// Manage settings (schools, nurseries, colleges).
    #[command(subcommand)]
    Setting(SettingCommand),
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Approve the single sign-on providers and email domains setting admins saved (nobody
    /// signs in through them until you do).
    #[command(subcommand)]
    Sso(SsoCommand),
    /// Manage networks of settings (a trust, a local-authority cluster, a college
    /// partnership), whose people share a community space.
    #[command(subcommand)]
    Network(NetworkCommand),
    /// Copy the database to FILE while the server runs (a consistent snapshot, checked
    /// with SQLite's integrity check). FILE must not exist.
    Backup {
        #[arg(long, value_name = "FILE")]
        to: std::path::PathBuf,
    },
    /// Bring settings from a school's own SQLite database into this one (a trust's
    /// PostgreSQL, say): every account, learning-log entry with its revisions and conflicts,
    /// review, progress record, follow-up, audit line and community post. Refuses a setting
    /// whose name, email addresses or sign-in domains are already here; safe to run again.
    ImportSetting {
        /// The school's database, as sqlite://path/to/tandem.db (only read).
        #[arg(long, value_name = "URL")]
        from: String,
        /// Only the setting of this name (repeat for several). Every setting there if none.
        #[arg(long = "setting", value_name = "NAME")]
        settings: Vec<String>,
    },
    /// Put a backup in place of the database. Refuses while a server runs on it; the
    /// database it replaces is kept beside it.
    Restore {
        #[arg(long, value_name = "FILE")]
        from: std::path::PathBuf,
    },
    /// Add a large generated network (for benchmarks): settings, each with a few people,
    /// and posts shared across the network.
    GenerateCommunity {
        #[arg(long, default_value_t = 50)]
        settings: usize,
        #[arg(long, default_value_t = 10_000)]
        posts: usize,
    },
}

#[derive(Subcommand, Debug)]
pub enum SsoCommand {
    /// Every setting's provider: its issuer and domains, and what waits for approval.
    List,
    /// Approve a setting's provider (its issuer as saved now) and its email domains, once
    /// you have checked they are really the setting's: that the school owns each domain
    /// (for example from its website or its IT provider) and that the issuer is its own.
    Approve {
        /// The setting's id or exact name.
        #[arg(long)]
        setting: String,
        /// Approve only this domain (and the issuer).
        #[arg(long)]
        domain: Option<String>,
    },
    /// Withdraw approval: of one domain, or of the issuer and every domain.
    Revoke {
        #[arg(long)]
        setting: String,
        #[arg(long)]
        domain: Option<String>,
    },
    /// Set up one provider for a whole trust (a network of settings): everyone with an
    /// address at its domains signs in through it, in whichever of the network's settings
    /// has them. Someone new is placed only in the setting whose staff import named them;
    /// anyone else is told to ask their setting's admin. The client secret is read from
    /// TANDEM_SSO_CLIENT_SECRET (never typed on the command line, where others can see it).
    /// Running it again replaces the trust's provider and domains.
    Trust {
        /// The network's name (see `tandem network list`).
        #[arg(long)]
        network: String,
        /// microsoft, google or other.
        #[arg(long)]
        kind: String,
        /// The issuer URL (for Microsoft, https://login.microsoftonline.com/<tenant id>/v2.0).
        #[arg(long)]
        issuer: String,
        /// The application (client) id registered with the provider.
        #[arg(long)]
        client_id: String,
        /// An email domain of the trust's (repeat for several).
        #[arg(long = "domain", required = true)]
        domains: Vec<String>,
    },
    /// Turn a trust's single sign-on off.
    TrustOff {
        #[arg(long)]
        network: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum NetworkCommand {
    /// Add a network and print its id.
    Add {
        /// The network's name, e.g. "Riverside SEND Partnership".
        name: String,
    },
    /// Invite a setting into a network. It joins once the setting's admin accepts, on
    /// their Community page.
    Join {
        /// The network's name.
        #[arg(long)]
        network: String,
        /// The setting's id or exact name.
        #[arg(long)]
        setting: String,
    },
    /// Take a setting out of a network (its people no longer see the network's posts).
    Leave {
        #[arg(long)]
        network: String,
        #[arg(long)]
        setting: String,
    },
    /// Let someone moderate a network's posts (besides each setting's SENCo and admins).
    Moderator {
        #[arg(long)]
        network: String,
        /// Their account's email address.
        #[arg(long)]
        email: String,
    },
    /// List networks and their settings.
    List,
}

#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "TANDEM_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: String,
    /// Folder of the built site (the wasm, JavaScript and CSS under pkg/).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
    /// Mark session cookies Secure (and name them `__Host-…`). Defaults to on when
    /// TANDEM_PUBLIC_URL is https://.
    #[arg(long, env = "TANDEM_SECURE_COOKIES", action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true", value_parser = clap::builder::BoolishValueParser::new())]
    pub secure_cookies: Option<bool>,
    /// Reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For names
    /// the client. Only these are believed; without any, the connecting address is used.
    #[arg(long, env = "TANDEM_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: String,
    /// Serve plain http:// on an address other people can reach (no TLS in front). Only for
    /// a closed network: passwords and sessions would cross it unencrypted.
    #[arg(long, env = "TANDEM_ALLOW_INSECURE_HTTP", default_value_t = false, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true", value_parser = clap::builder::BoolishValueParser::new())]
    pub allow_insecure_http: bool,
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
    /// The address people use to reach Tandem (https://tandem.school.uk): for links in
    /// emails, and the only origin allowed to change anything. Unset: http://<TANDEM_ADDR>,
    /// and requests are checked against their Host.
    #[arg(long, env = "TANDEM_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Minutes between email digests.
    #[arg(long, env = "TANDEM_DIGEST_MINUTES", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub digest_minutes: u64,
    /// Seconds between email digests, in place of TANDEM_DIGEST_MINUTES: for the browser
    /// suite only, which watches several servers share the job.
    #[arg(long, env = "TANDEM_TEST_DIGEST_SECONDS", hide = true, value_parser = clap::value_parser!(u64).range(1..))]
    pub test_digest_seconds: Option<u64>,
    /// Serve Prometheus metrics at /metrics (request counts and latency by route, outbox
    /// outcomes, database pool, digests). Needs TANDEM_METRICS_TOKEN or TANDEM_METRICS_ADDR.
    #[arg(long, env = "TANDEM_METRICS", default_value_t = false, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true", value_parser = clap::builder::BoolishValueParser::new())]
    pub metrics: bool,
    /// The bearer token a scraper sends to read /metrics on the public port.
    #[arg(long, env = "TANDEM_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// A separate, private address serving only /metrics without a token (e.g. 127.0.0.1:9464).
    #[arg(long, env = "TANDEM_METRICS_ADDR")]
    pub metrics_addr: Option<String>,
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
    /// Let a setting's staff imports email invites to any address (normally only to its
    /// approved sign-in domains), or stop it.
    MailAny {
        /// The setting's id or exact name.
        #[arg(long)]
        setting: String,
        /// on or off.
        #[arg(value_parser = ["on", "off"])]
        state: String,
    },
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

impl ServeArgs {
    /// The address people use: TANDEM_PUBLIC_URL, or this server's own address.
    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.addr))
            .trim_end_matches('/')
            .to_string()
    }

    pub fn secure(&self) -> bool {
        self.secure_cookies
            .unwrap_or_else(|| self.public_url().starts_with("https://"))
    }

    /// Refuses settings that would send passwords in the clear to anyone who can reach the
    /// server: plain http on an address other than this machine's own.
    /// Who may read /metrics on the public port, when metrics are on; and the private
    /// address, if any. Metrics on with no way to reach them safely is a mistake to report.
    pub fn metrics(
        &self,
    ) -> Result<(Option<crate::metrics::Access>, Option<std::net::SocketAddr>), String> {
        if !self.metrics {
            return Ok((None, None));
        }
        let token = self.metrics_token.clone().filter(|t| !t.trim().is_empty());
        if token.as_ref().is_some_and(|t| t.len() < 16) {
            return Err(
                "TANDEM_METRICS_TOKEN is too short: use at least 16 random characters".into(),
            );
        }
        let addr = match &self.metrics_addr {
            Some(a) => Some(a.parse().map_err(|_| {
                format!("TANDEM_METRICS_ADDR {a:?} is not an address like 127.0.0.1:9464")
            })?),
            None => None,
        };
        if token.is_none() && addr.is_none() {
            return Err("TANDEM_METRICS=true needs TANDEM_METRICS_TOKEN (to scrape the public port) or TANDEM_METRICS_ADDR (a private port): metrics are never public".into());
        }
        Ok((Some(crate::metrics::Access { token }), addr))
    }

    pub fn check_transport(&self, addr: &std::net::SocketAddr) -> Result<(), String> {
        let public = self.public_url();
        if !public.starts_with("https://") && !addr.ip().is_loopback() && !self.allow_insecure_http
        {
            return Err(format!(
                "Tandem would serve plain http on {addr}, which other machines can reach, so passwords and sessions would cross the network unencrypted. \
                 Put it behind HTTPS and set TANDEM_PUBLIC_URL=https://…, listen on 127.0.0.1 only, or (on a closed network) set TANDEM_ALLOW_INSECURE_HTTP=true."
            ));
        }
        if self.public_url.is_some() && services::network::origin_of(&public).is_none() {
            return Err(format!(
                "TANDEM_PUBLIC_URL {public:?} is not a URL like https://tandem.school.uk"
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::ServeArgs;

    fn args(addr: &str, public_url: Option<&str>, allow: bool) -> ServeArgs {
        ServeArgs {
            addr: addr.into(),
            public_url: public_url.map(Into::into),
            allow_insecure_http: allow,
            ..ServeArgs::default()
        }
    }

    #[test]
    fn plain_http_is_refused_where_others_can_reach_it() {
        let check = |a: &ServeArgs| a.check_transport(&a.addr.parse().unwrap());
        assert!(
            check(&args("127.0.0.1:3000", None, false)).is_ok(),
            "this machine only"
        );
        assert!(check(&args("[::1]:3000", None, false)).is_ok());
        let open = check(&args("0.0.0.0:3000", None, false)).unwrap_err();
        assert!(open.contains("TANDEM_PUBLIC_URL=https://"), "{open}");
        assert!(check(&args(
            "0.0.0.0:3000",
            Some("http://tandem.school.uk"),
            false
        ))
        .is_err());
        assert!(
            check(&args(
                "0.0.0.0:3000",
                Some("https://tandem.school.uk"),
                false
            ))
            .is_ok(),
            "TLS in front"
        );
        assert!(
            check(&args("0.0.0.0:3000", None, true)).is_ok(),
            "explicitly allowed"
        );
        assert!(check(&args("127.0.0.1:3000", Some("not a url"), false)).is_err());
    }

    #[test]
    fn secure_cookies_follow_an_https_public_url_unless_set() {
        assert!(!args("127.0.0.1:3000", None, false).secure());
        assert!(args("127.0.0.1:3000", Some("https://tandem.school.uk/"), false).secure());
        let forced = ServeArgs {
            secure_cookies: Some(false),
            ..args("127.0.0.1:3000", Some("https://tandem.school.uk"), false)
        };
        assert!(!forced.secure());
        assert_eq!(
            args("127.0.0.1:3000", Some("https://tandem.school.uk/"), false).public_url(),
            "https://tandem.school.uk"
        );
    }
}
