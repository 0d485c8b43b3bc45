//! A real router over a temporary SQLite database, called the way a browser would.

#![allow(dead_code)]

use app::api::auth::SignIn;
use app::api::course::RecordProgress;
use app::server::AppState;
use axum::{body::Body, http::Request, Router};
use http::{HeaderMap, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// The tests name a server function by its type (`SignIn::PATH`, `app.call::<SignIn>(…)`),
/// never by a string, so renaming or moving one breaks them at compile time.
pub use leptos::server_fn::ServerFn;

pub const HOST: &str = "127.0.0.1:3000";

/// A server function's address, for tables of calls. Only its type makes one
/// (`Endpoint::of::<SignIn>()`), so no test can name a server function by a string.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Endpoint(&'static str);

impl Endpoint {
    pub const fn of<F: ServerFn>() -> Self {
        Endpoint(F::PATH)
    }

    /// The full path, `/api/…`.
    pub const fn path(self) -> &'static str {
        self.0
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    url: String,
    sql: tokio::sync::OnceCell<sqlx::AnyPool>,
    _dir: tempfile::TempDir,
}

/// A reply's JSON body, once it is known to be a 200.
pub fn json<T: serde::de::DeserializeOwned>(r: &Reply) -> T {
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
    /// The body as sent, for binary downloads (PDFs).
    pub bytes: Vec<u8>,
}

impl Reply {
    /// The session token the reply set, if any.
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all(http::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("tandem_session="))
            .map(|c| c.split(';').next().unwrap_or_default().to_string())
    }
}

impl TestApp {
    /// A migrated database with the demo setting and accounts.
    pub async fn new() -> Self {
        Self::with(|_| {}).await
    }

    /// `new`, with the server configured differently (a public URL, trusted proxies).
    pub async fn with(configure: impl FnOnce(&mut server::Config)) -> Self {
        Self::build(configure, false, true).await
    }

    /// A school's own: SQLite whichever engine the tests run on, with the demo data.
    pub async fn school() -> Self {
        Self::build(|_| {}, true, true).await
    }

    /// A migrated database with nothing in it.
    pub async fn empty() -> Self {
        Self::build(|_| {}, false, false).await
    }

    async fn build(configure: impl FnOnce(&mut server::Config), sqlite: bool, demo: bool) -> Self {
        let dir = tempfile::tempdir().unwrap();
        // SQLite, or with TANDEM_TEST_POSTGRES (make unit's second run) a new database of
        // the test's own on that PostgreSQL server.
        let url = match std::env::var("TANDEM_TEST_POSTGRES") {
            Ok(server) if !server.is_empty() && !sqlite => {
                services::store::new_test_database(&server).await.unwrap()
            }
            _ => format!("sqlite://{}/test.db", dir.path().display()),
        };
        let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
        // Static files come straight from public/ (the build copies them to the site root).
        let public = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../public");
        let mut config = server::Config {
            statement_limit: Some(services::store::REQUEST_LIMIT),
            site_root: public.display().to_string(),
            ..server::Config::new(&url, content)
        };
        configure(&mut config);
        let state = server::prepare(&config).await.unwrap();
        if demo {
            server::demo::seed_if_empty(&state.db).await.unwrap();
        }
        TestApp {
            router: server::router::router(state.clone()),
            state,
            url,
            sql: Default::default(),
            _dir: dir,
        }
    }

    /// The database's URL (for a second server, or a command, on the same database).
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn on_postgres(&self) -> bool {
        services::store::is_postgres(&self.url)
    }

    /// The database file this app serves from (SQLite).
    pub fn database(&self) -> std::path::PathBuf {
        self._dir.path().join("test.db")
    }

    /// A pool of the test's own on the app's database, for its fixtures and checks in
    /// plain SQL that both engines read alike (`$1` parameters, integers and text).
    pub async fn sql(&self) -> &sqlx::AnyPool {
        self.sql
            .get_or_init(|| async {
                sqlx::any::install_default_drivers();
                sqlx::AnyPool::connect(&self.url).await.unwrap()
            })
            .await
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
        }
    }

    /// Calls the server function `F` as the hydrated app does (form-encoded, JSON back).
    pub async fn call<F: ServerFn>(&self, form: &[(&str, &str)], cookie: Option<&str>) -> Reply {
        self.call_at(Endpoint::of::<F>(), form, cookie).await
    }

    /// `call`, with more headers (the outbox's `Tandem-Person`, say).
    pub async fn call_with<F: ServerFn>(
        &self,
        form: &[(&str, &str)],
        cookie: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Reply {
        self.call_at_with(Endpoint::of::<F>(), form, cookie, headers)
            .await
    }

    /// `call_with`, as if from the network address `peer`.
    pub async fn call_from<F: ServerFn>(
        &self,
        peer: Option<std::net::SocketAddr>,
        form: &[(&str, &str)],
        cookie: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Reply {
        self.form_post(Endpoint::of::<F>(), peer, form, cookie, headers)
            .await
    }

    /// `call`, for a table of server functions.
    pub async fn call_at(
        &self,
        endpoint: Endpoint,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> Reply {
        self.call_at_with(endpoint, form, cookie, &[]).await
    }

    /// `call_with`, for a table of server functions.
    pub async fn call_at_with(
        &self,
        endpoint: Endpoint,
        form: &[(&str, &str)],
        cookie: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Reply {
        self.form_post(endpoint, None, form, cookie, headers).await
    }

    async fn form_post(
        &self,
        endpoint: Endpoint,
        peer: Option<std::net::SocketAddr>,
        form: &[(&str, &str)],
        cookie: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let body = form
            .iter()
            .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        // JSON back, as the app asks, unless the caller asks as a plain form would.
        let accept = headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("accept"))
            .map_or("application/json", |(_, value)| *value);
        let mut request = Request::post(endpoint.path())
            .header("host", HOST)
            .header("origin", format!("http://{HOST}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", accept);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        for (name, value) in headers
            .iter()
            .filter(|(n, _)| !n.eq_ignore_ascii_case("accept"))
        {
            request = request.header(*name, *value);
        }
        if let Some(peer) = peer {
            request = request.extension(axum::extract::ConnectInfo(peer));
        }
        self.send(request.body(Body::from(body)).unwrap()).await
    }

    /// A form post of exactly these bytes (broken encodings and all) to a server function.
    pub async fn post_raw(&self, endpoint: Endpoint, body: Vec<u8>, cookie: Option<&str>) -> Reply {
        let mut request = Request::post(endpoint.path())
            .header("host", HOST)
            .header("origin", format!("http://{HOST}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json");
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        self.send(request.body(Body::from(body)).unwrap()).await
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        let mut request = Request::get(path)
            .header("host", HOST)
            .header("accept", "text/html");
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    /// An admin (signed in with `cookie`) makes an invite with these fields (`role`,
    /// `days`, `uses`); returns its code.
    pub async fn invite(&self, cookie: &str, form: &[(&str, &str)]) -> String {
        let r = self
            .call::<app::api::admin::CreateInvite>(form, Some(cookie))
            .await;
        assert_eq!(r.status, StatusCode::OK, "invite refused: {}", r.body);
        serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["code"]
            .as_str()
            .expect("the invite has a code")
            .to_string()
    }

    /// Signs in and returns the `tandem_session=…` cookie.
    pub async fn sign_in(&self, email: &str) -> String {
        let reply = self
            .call::<SignIn>(
                &[("email", email), ("password", server::demo::DEMO_PASSWORD)],
                None,
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "sign-in failed: {}",
            reply.body
        );
        reply.session_cookie().expect("a session cookie")
    }

    /// Marks every section of the course complete for the person signed in with `cookie`.
    pub async fn complete_every_section(&self, cookie: &str) {
        let keys: Vec<String> = self
            .state
            .course
            .sections()
            .map(|(_, s)| s.key.clone())
            .collect();
        for (i, key) in keys.iter().enumerate() {
            let r = self
                .call::<RecordProgress>(
                    &[
                        ("op_id", &format!("00000000-0000-4000-8000-{:012}", 900 + i)),
                        ("section_key", key),
                        ("kind", "completed"),
                    ],
                    Some(cookie),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{key}: {}", r.body);
        }
    }

    /// Oakfield's admin confirms someone who joined with an open invite code (Tandem sends
    /// no email in these tests, so nobody else can prove their address).
    pub async fn confirm_by_admin(&self, email: &str) {
        let admin = self.sign_in(ADMIN).await;
        let id = self.user_id(email).await.to_string();
        let r = self
            .call::<app::api::admin::ConfirmMember>(&[("user_id", &id)], Some(&admin))
            .await;
        assert_eq!(r.status, StatusCode::OK, "confirming {email}: {}", r.body);
    }

    pub async fn user_id(&self, email: &str) -> i64 {
        let row: (i64,) = sqlx::query_as("SELECT id FROM users WHERE email = $1")
            .bind(email)
            .fetch_one(self.sql().await)
            .await
            .unwrap();
        row.0
    }
}

impl TestApp {
    /// The demo's staff part-way through plans (`demo_plans`) stop sharing them, leaving
    /// Ella as the one demo person who shares: for tests that count who shares.
    pub async fn only_ella_shares(&self) {
        for (email, _) in server::demo_plans::accounts() {
            sqlx::query(
                "UPDATE plans SET shared_at = NULL WHERE user_id = (SELECT id FROM users WHERE email = $1)",
            )
            .bind(email)
            .execute(self.sql().await)
            .await
            .unwrap();
        }
    }

    /// Someone in a second setting ("Riverside College", created on first use) who can
    /// sign in with the demo password. Returns their user id.
    pub async fn person_elsewhere(&self, email: &str, role: domain::model::Role) -> i64 {
        use domain::model::Sector;
        use services::store::{settings, users};
        let existing: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM settings WHERE name = 'Riverside College'")
                .fetch_optional(self.sql().await)
                .await
                .unwrap();
        let setting_id = match existing {
            Some((id,)) => id,
            None => settings::create(&self.state.db, "Riverside College", Sector::Post16)
                .await
                .unwrap(),
        };
        let hash = services::password::hash_blocking(server::demo::DEMO_PASSWORD).unwrap();
        let user = users::NewUser {
            email,
            display_name: email,
            password_hash: &hash,
            role,
            setting_id,
            sector: Sector::Post16,
            email_proved: true,
        };
        users::create(&self.state.db, &user).await.unwrap()
    }
}

pub const ADMIN: &str = "admin@oakfield.example";
pub const SENCO: &str = "senco@oakfield.example";
pub const SAM: &str = "sam@oakfield.example";
pub const ELLA: &str = "ella@oakfield.example";

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The text a reader gets out of a PDF (through its fonts' ToUnicode maps), with runs of
/// white space, line and page breaks among them, as single spaces.
pub fn pdf_text(pdf: &[u8]) -> String {
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let text = pdf_extract::extract_text_from_mem(pdf).expect("the PDF's text");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// This process's resident memory, in MB (each test runs in a process of its own).
pub fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}
