use anyhow::Context;
use axum::serve::ListenerExt;
use clap::Parser;
use domain::model::{Role, Sector};
use domain::validate;
use server::cli::{
    Cli, Command, NetworkCommand, ServeArgs, SettingCommand, SsoCommand, UserCommand,
};
use services::store::{settings, users};
use std::io::BufRead;
use std::net::SocketAddr;

// mimalloc for Rust's allocations: with glibc's, a community page at 32 clients spent about
// 17% of its time in malloc and free and their locks; mimalloc serves about half as many
// pages again on 2 cores, for about 15 MB more held at idle (`make bench`). SQLite's own
// allocations stay with glibc (housekeeping::memory).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() {
    // Every file Tandem makes (database, WAL, backups) is its account's alone.
    server::files::private_by_default();
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into());
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    // One JSON object per line for a log collector (TANDEM_LOG_FORMAT=json).
    match std::env::var("TANDEM_LOG_FORMAT").as_deref() {
        Ok("json") => logs
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .init(),
        Ok("text") | Ok("") | Err(_) => logs.init(),
        Ok(other) => {
            eprintln!("tandem: TANDEM_LOG_FORMAT {other:?} is not \"text\" or \"json\"");
            std::process::exit(2);
        }
    }
    let cli = Cli::parse();
    if let Err(error) = run(cli).await {
        eprintln!("tandem: {error:#}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let url = cli.database_url.clone();
    let config = server::Config::new(&url, cli.content_dir.clone());
    match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::Serve(args) => serve(config, args).await,
        Command::Content => {
            let course = services::content::load_course(&cli.content_dir)?;
            print!("{}", server::content_report(&course));
            let overdue =
                services::content::overdue_reviews(&course, time::OffsetDateTime::now_utc().date());
            if overdue.is_empty() {
                Ok(())
            } else {
                anyhow::bail!("{}", overdue.join("\n"))
            }
        }
        Command::Migrate => {
            server::prepare(&config).await?;
            println!("Migrations applied to {url}.");
            Ok(())
        }
        Command::Demo => {
            let state = server::prepare(&config).await?;
            if server::demo::seed_if_empty(&state.db).await? {
                println!("{}", server::demo::sign_in_instructions("127.0.0.1:3000"));
                Ok(())
            } else {
                anyhow::bail!("{url} already has data; demo data is only added to a new database")
            }
        }
        Command::Generate {
            settings,
            staff,
            entries,
        } => {
            let state = server::prepare(&config).await?;
            services::generate::large_setting(
                &state.db,
                &state.course,
                settings,
                staff,
                entries,
                server::demo::DEMO_PASSWORD,
            )
            .await?;
            println!(
                "Generated {settings} setting(s) with {staff} staff each. Sign in as {} with the demo password.",
                services::generate::SENCO_EMAIL
            );
            Ok(())
        }
        Command::Setting(SettingCommand::Add { name, sector }) => {
            let name = validate::setting_name(&name).map_err(anyhow::Error::msg)?;
            let sector = validate::sector(&sector).map_err(anyhow::Error::msg)?;
            let state = server::prepare(&config).await?;
            let id = settings::create(&state.db, &name, sector).await?;
            println!("Added setting {id}: {name} ({}).", sector.label());
            Ok(())
        }
        Command::Setting(SettingCommand::List) => {
            let state = server::prepare(&config).await?;
            for s in settings::list(&state.db).await? {
                println!("{:>4}  {}  ({})", s.id, s.name, s.default_sector.label());
            }
            Ok(())
        }
        Command::Backup { to } => {
            let copied = server::backup::backup(&url, &to).await?;
            println!("Backed up {url} to {}: {copied}.", to.display());
            Ok(())
        }
        Command::Restore { from } => {
            let (copied, kept) = server::backup::restore(&url, &from).await?;
            println!("Restored {} into {url}: {copied}.", from.display());
            if let Some(kept) = kept {
                println!("The database it replaced is kept as {}.", kept.display());
            }
            println!("Start the server as usual; it brings the backup's tables up to date.");
            Ok(())
        }
        Command::ImportSetting { from, settings } => {
            if server::import_setting::run(&config, &from, &settings).await? {
                Ok(())
            } else {
                std::process::exit(1)
            }
        }
        Command::Network(command) => network(&config, command).await,
        Command::Sso(command) => sso(&config, command).await,
        Command::Setting(SettingCommand::MailAny { setting, state }) => {
            let app = server::prepare(&config).await?;
            let s = settings::find(&app.db, &setting)
                .await?
                .with_context(|| format!("no setting {setting:?}"))?;
            settings::set_invite_mail_any(&app.db, s.id, state == "on").await?;
            println!(
                "{}'s staff imports now email invites {}.",
                s.name,
                if state == "on" {
                    "to any address"
                } else {
                    "only to its approved sign-in domains"
                }
            );
            Ok(())
        }
        Command::GenerateCommunity { settings, posts } => {
            let state = server::prepare(&config).await?;
            let network = services::generate::large_network(
                &state.db,
                settings,
                posts,
                server::demo::DEMO_PASSWORD,
            )
            .await?;
            println!(
                "Generated a network of {settings} settings with {posts} posts (network id {network}). Sign in as {} with the demo password.",
                services::generate::NETWORK_EMAIL
            );
            Ok(())
        }
        Command::User(UserCommand::Add {
            email,
            name,
            role,
            setting,
            sector,
        }) => add_user(&config, &email, &name, &role, &setting, sector.as_deref()).await,
    }
}

/// The operator's approval of single sign-on providers and domains.
async fn sso(config: &server::Config, command: SsoCommand) -> anyhow::Result<()> {
    use services::store::single_sign_on as store;
    let state = server::prepare(config).await?;
    let db = &state.db;
    let setting = |name: String| async move {
        settings::find(db, &name)
            .await?
            .with_context(|| format!("no setting {name:?} (see `tandem setting list`)"))
    };
    match command {
        SsoCommand::List => {
            let all = store::all(db).await?;
            if all.is_empty() {
                println!("No setting or trust has saved single sign-on.");
            }
            for (name, p) in all {
                let mark = |ok: bool| if ok { "approved" } else { "WAITING" };
                println!("{name} ({}): {}", p.owner, p.kind.label());
                println!("    issuer   {}  [{}]", p.issuer, mark(p.issuer_approved));
                for d in &p.domains {
                    println!("    domain   {}  [{}]", d.domain, mark(d.approved));
                }
            }
        }
        SsoCommand::Approve {
            setting: name,
            domain,
        } => {
            let s = setting(name).await?;
            let domain = domain.map(|d| d.trim().to_lowercase());
            match store::approve(db, s.id, domain.as_deref()).await? {
                None if domain.is_some() => anyhow::bail!(
                    "{} has no domain {:?} in its single sign-on",
                    s.name,
                    domain.unwrap_or_default()
                ),
                None => anyhow::bail!("{} has not saved single sign-on", s.name),
                Some(domains) => println!(
                    "Approved {}'s sign-in provider{}.",
                    s.name,
                    if domains.is_empty() {
                        String::new()
                    } else {
                        format!(" and {}", domains.join(", "))
                    }
                ),
            }
        }
        SsoCommand::Revoke {
            setting: name,
            domain,
        } => {
            let s = setting(name).await?;
            store::revoke(db, s.id, domain.as_deref()).await?;
            println!("Approval withdrawn; nobody signs in through it until you approve it again.");
        }
        SsoCommand::Trust {
            network,
            kind,
            issuer,
            client_id,
            domains,
        } => {
            let secret = std::env::var(server::trust_sign_on::SECRET_VARIABLE).ok();
            let args = server::trust_sign_on::Args {
                network: &network,
                kind: &kind,
                issuer: &issuer,
                client_id: &client_id,
                domains: &domains,
                secret: secret.as_deref(),
            };
            println!("{}", server::trust_sign_on::set(db, &args).await?);
        }
        SsoCommand::TrustOff { network } => {
            println!("{}", server::trust_sign_on::off(db, &network).await?);
        }
    }
    Ok(())
}

/// The operator's side of networks: made and joined here, accepted by each setting's admin.
async fn network(config: &server::Config, command: NetworkCommand) -> anyhow::Result<()> {
    use services::store::networks;
    let state = server::prepare(config).await?;
    let db = &state.db;
    let find = |name: String| async move {
        networks::by_name(db, &name)
            .await?
            .with_context(|| format!("no network {name:?}; see `tandem network list`"))
    };
    let setting = |name: String| async move {
        settings::find(db, &name)
            .await?
            .with_context(|| format!("no setting {name:?}; see `tandem setting list`"))
    };
    match command {
        NetworkCommand::Add { name } => {
            let name = validate::setting_name(&name).map_err(anyhow::Error::msg)?;
            if networks::by_name(db, &name).await?.is_some() {
                anyhow::bail!("there is already a network called {name:?}");
            }
            let id = networks::create(db, &name).await?;
            println!("Added network {id}: {name}. Invite settings with `tandem network join --network {name:?} --setting <id or name>`.");
        }
        NetworkCommand::Join {
            network,
            setting: name,
        } => {
            let (id, s) = (find(network.clone()).await?, setting(name).await?);
            networks::invite(db, id, s.id).await?;
            println!("Invited {} into {network}. It joins once one of its admins accepts, on the Community page.", s.name);
        }
        NetworkCommand::Leave {
            network,
            setting: name,
        } => {
            let (id, s) = (find(network.clone()).await?, setting(name).await?);
            networks::answer(db, id, s.id, None, false).await?;
            println!("{} is no longer in {network}.", s.name);
        }
        NetworkCommand::Moderator { network, email } => {
            let id = find(network.clone()).await?;
            let user = services::store::users::credentials_by_email(db, &email)
                .await?
                .with_context(|| format!("no account {email:?}"))?;
            if !networks::add_moderator(db, id, user.id).await? {
                anyhow::bail!("{email}'s setting is not a member of {network} (or the account is closed): only members moderate a network");
            }
            println!("{email} now moderates {network}'s posts.");
        }
        NetworkCommand::List => {
            for n in networks::list(db).await? {
                println!("{:>4}  {}", n.id, n.name);
                for line in n.settings.lines() {
                    println!("        {line}");
                }
            }
        }
    }
    Ok(())
}

async fn serve(config: server::Config, args: ServeArgs) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let addr: SocketAddr = args.addr.parse().with_context(|| {
        format!(
            "TANDEM_ADDR {:?} is not an address like 127.0.0.1:3000",
            args.addr
        )
    })?;
    args.check_transport(&addr).map_err(anyhow::Error::msg)?;
    let (metrics, metrics_addr) = args.metrics().map_err(anyhow::Error::msg)?;
    let config = server::Config {
        site_root: args.site_root.clone(),
        secure_cookies: args.secure(),
        public_origin: args
            .public_url
            .as_deref()
            .and_then(services::network::origin_of),
        trusted_proxies: services::network::parse_trusted(&args.trusted_proxies)
            .map_err(|e| anyhow::anyhow!("TANDEM_TRUSTED_PROXIES: {e}"))?,
        statement_limit: Some(services::store::REQUEST_LIMIT),
        ..config
    };
    // Held while serving: `tandem restore` refuses to replace the database under us.
    let _serving = match server::backup::database_path(&config.database_url) {
        Ok(path) => Some(server::backup::ServeLock::shared(&path)?),
        Err(_) => None,
    };
    let state = server::prepare(&config).await?;
    if args.demo && server::demo::seed_if_empty(&state.db).await? {
        println!("{}", server::demo::sign_in_instructions(&args.addr));
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?
        // Pages stream in several writes: without NODELAY, Nagle's algorithm and delayed ACKs
        // add about 40 ms to every response.
        .tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
    if let Some(url) = &args.smtp_url {
        let mailer = services::mail::Mailer::new(url, &args.mail_from, &args.public_url())?;
        let every = std::time::Duration::from_secs(
            args.test_digest_seconds.unwrap_or(args.digest_minutes * 60),
        );
        services::mail::spawn(state.db.clone(), state.course.clone(), mailer, every);
        tracing::info!(seconds = every.as_secs(), "email digests on");
    }
    server::housekeeping::spawn(state.db.clone());
    if let Some(private) = metrics_addr {
        let listener = tokio::net::TcpListener::bind(private)
            .await
            .with_context(|| format!("cannot listen on TANDEM_METRICS_ADDR {private}"))?;
        let metrics = server::metrics::private(state.clone());
        tokio::spawn(async move { axum::serve(listener, metrics).await });
        tracing::info!(%private, "metrics on http://{private}/metrics");
    }
    let db = state.db.clone();
    let app = server::router::with_metrics(state, metrics);
    tracing::info!(%addr, database = config.database_url, ready_in_ms = started.elapsed().as_millis() as u64, "Tandem is serving on http://{addr}");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    services::jobs::release(&db).await;
    tracing::info!("stopped");
    Ok(())
}

/// Finishes the requests in flight, then stops, on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down");
}

async fn add_user(
    config: &server::Config,
    email: &str,
    name: &str,
    role: &str,
    setting: &str,
    sector: Option<&str>,
) -> anyhow::Result<()> {
    let email = validate::email(email).map_err(anyhow::Error::msg)?;
    let name = validate::display_name(name).map_err(anyhow::Error::msg)?;
    let role: Role = validate::role(role).map_err(anyhow::Error::msg)?;
    let state = server::prepare(config).await?;
    let setting = settings::find(&state.db, setting)
        .await?
        .with_context(|| format!("no setting {setting:?}; see `tandem setting list`"))?;
    let sector: Sector = match sector {
        Some(s) => validate::sector(s).map_err(anyhow::Error::msg)?,
        None => setting.default_sector,
    };
    eprintln!("Password for {email} (one line on standard input):");
    let mut password = String::new();
    std::io::stdin().lock().read_line(&mut password)?;
    let password = validate::new_password(password.trim_end_matches(['\r', '\n']))
        .map_err(anyhow::Error::msg)?;
    let hash = services::password::hash(password)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let new_user = users::NewUser {
        email: &email,
        display_name: &name,
        password_hash: &hash,
        role,
        setting_id: setting.id,
        sector,
        email_proved: true,
    };
    match users::create(&state.db, &new_user).await {
        Ok(id) => {
            println!(
                "Added {} ({}) to {} as user {id}.",
                email,
                role.label(),
                setting.name
            );
            Ok(())
        }
        Err(users::CreateError::EmailTaken) => {
            anyhow::bail!("there is already an account for {email}")
        }
        Err(users::CreateError::Db(e)) => anyhow::bail!("database error: {e}"),
    }
}
