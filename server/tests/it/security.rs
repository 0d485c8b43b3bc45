//! The security review of sign-on, invites, domains and metrics (issue 24): each finding,
//! tried the way the reviewer tried it (a hostile colleague, a careless admin, an anonymous
//! visitor), refused. The numbers are the review's. (3, junk paths and metrics: metrics.rs;
//! 13, the offline copy of a removed thread: end2end/tests/community.spec.ts; 1 and 2 also
//! in the browser against a real provider: end2end/tests/sso.spec.ts.)

use crate::common::*;
use app::api::admin::ConfirmMember;
use app::api::auth::{Join, SignIn};
use app::api::community::{CommunityPost, CommunityReports, PublishPost, TriedThis};
use app::api::data_protection::ErasePerson;
use app::api::learning_log::LogList;
use app::api::profile::{RemoveSignInLink, SignInLinks};
use app::api::proof::{EnterProofCode, LinkWithPassword, ProofStatus, ProofView, SendProofCode};
use app::api::single_sign_on::SaveSso;
use axum::body::Body;
use domain::model::{Role, Sector};
use domain::single_sign_on::{Owner, ProviderKind};
use http::{Request, StatusCode};
use services::store::single_sign_on::{self as sso, Identity, Outcome, Saved};

fn json<T: serde::de::DeserializeOwned>(r: &Reply) -> T {
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.body))
}

async fn oakfield(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT setting_id FROM users WHERE email = $1")
        .bind(ADMIN)
        .fetch_one(app.sql().await)
        .await
        .unwrap()
}

/// A provider of kind `kind` for Oakfield at `issuer` for `domains`, saved as its admin
/// would, and approved by the operator when `approved`.
async fn provider(
    app: &TestApp,
    kind: ProviderKind,
    issuer: &str,
    approved: bool,
) -> sso::Provider {
    let setting_id = oakfield(app).await;
    let domains = vec!["oakfield.example".to_string()];
    let saved = Saved {
        setting_id,
        kind,
        issuer,
        client_id: "tandem",
        domains: &domains,
        new_role: Role::Practitioner,
        password_allowed: true,
    };
    sso::save(
        &app.state.db,
        &saved,
        Some("v2.x.y"),
        app.user_id(ADMIN).await,
    )
    .await
    .unwrap()
    .unwrap();
    if approved {
        sso::approve(&app.state.db, setting_id, None).await.unwrap();
    }
    sso::get(&app.state.db, setting_id).await.unwrap().unwrap()
}

fn setting_of(p: &sso::Provider) -> i64 {
    match p.owner {
        Owner::Setting(id) => id,
        Owner::Trust(_) => panic!("a setting's provider"),
    }
}

fn who<'a>(issuer: &'a str, subject: &'a str, email: &'a str) -> Identity<'a> {
    Identity {
        issuer,
        subject,
        email,
        name: "Someone",
    }
}

fn cookie(r: &Reply, name: &str) -> Option<String> {
    r.headers
        .get_all(http::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")) && !c.contains("Max-Age=0"))
        .map(|c| c.split(';').next().unwrap_or_default().to_string())
}

/// The newest code emailed to `email` (from the mail outbox).
async fn emailed_code(app: &TestApp, email: &str) -> String {
    let body: String = sqlx::query_scalar(
        "SELECT body FROM mail_outbox WHERE to_email = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(email)
    .fetch_one(app.sql().await)
    .await
    .expect("an email to them");
    body.lines()
        .map(str::trim)
        .find(|l| l.len() == 6 && l.chars().all(|c| c.is_ascii_digit()))
        .expect("a code in the email")
        .to_string()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(app.sql().await)
        .await
        .unwrap()
}

/// 1. An admin's own provider signs in "as" Sam: Sam's account is not linked, nobody is
/// signed in, and only Sam (her password, or a code sent to her address) can link it; she
/// is told by email and can remove the link.
#[tokio::test]
async fn an_existing_account_is_never_linked_by_email_alone() {
    services::mail::turn_on();
    let app = TestApp::new().await;
    let p = provider(&app, ProviderKind::Other, "https://idp.evil.example", true).await;
    let sam_id = app.user_id(SAM).await;
    let outcome = sso::sign_in(&app.state.db, &p, &who(&p.issuer, "admin-made-sam", SAM))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        outcome,
        Outcome::ProveFirst {
            user_id: sam_id,
            has_password: true
        }
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM user_identities").await,
        0,
        "nothing linked"
    );

    // The proof belongs to the browser that signed in at the provider (the admin's): it
    // does not know Sam's password, and the code goes to Sam's address, not to them.
    let token =
        services::accounts::start_link_proof(&app.state.db, sam_id, &p.issuer, "admin-made-sam")
            .await
            .unwrap();
    let proof = format!("tandem_proof={token}");
    let view: Option<ProofView> = json(&app.call::<ProofStatus>(&[], Some(&proof)).await);
    assert_eq!(
        view.unwrap().email,
        "s***@oakfield.example",
        "the address is not shown whole"
    );
    for n in 0..4 {
        let r = app
            .call::<LinkWithPassword>(&[("password", "a guess")], Some(&proof))
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{n}: {}",
            r.body
        );
        assert!(r.session_cookie().is_none());
    }
    let r = app.call::<SendProofCode>(&[], Some(&proof)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let sent_to: Vec<String> = sqlx::query_scalar("SELECT to_email FROM mail_outbox")
        .fetch_all(app.sql().await)
        .await
        .unwrap();
    assert_eq!(sent_to, vec![SAM.to_string()]);
    // The fifth wrong try ends the proof: the right code no longer works.
    let code = emailed_code(&app, SAM).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let r = app
        .call::<EnterProofCode>(&[("code", wrong)], Some(&proof))
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    let r = app
        .call::<EnterProofCode>(&[("code", &code)], Some(&proof))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM user_identities").await, 0);
    // A hostile admin reading Sam's drafts: never signed in as Sam.
    let r = app
        .call::<app::api::auth::CurrentMe>(&[], Some(&proof))
        .await;
    assert_eq!(r.body, "null");

    // Sam herself links her school account with her password; she is told by email.
    let token =
        services::accounts::start_link_proof(&app.state.db, sam_id, &p.issuer, "sam-at-school")
            .await
            .unwrap();
    let proof = format!("tandem_proof={token}");
    let r = app
        .call::<LinkWithPassword>(&[("password", server::demo::DEMO_PASSWORD)], Some(&proof))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let sam = r.session_cookie().expect("signed in");
    let notice: String = sqlx::query_scalar(
        "SELECT subject FROM mail_outbox WHERE to_email = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(SAM)
    .fetch_one(app.sql().await)
    .await
    .unwrap();
    assert!(notice.contains("linked"), "{notice}");
    // She sees the link on her profile, and removing it signs out everywhere else.
    let other_device = app.sign_in(SAM).await;
    let links: Vec<app::api::profile::SignInLink> =
        json(&app.call::<SignInLinks>(&[], Some(&sam)).await);
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].how, "password");
    let r = app
        .call::<RemoveSignInLink>(
            &[("issuer", &links[0].issuer), ("subject", &links[0].subject)],
            Some(&sam),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM user_identities").await, 0);
    assert_eq!(
        app.call::<LogList>(&[], Some(&other_device)).await.status,
        StatusCode::UNAUTHORIZED,
        "the other session ended"
    );
    assert_eq!(
        app.call::<LogList>(&[], Some(&sam)).await.status,
        StatusCode::OK
    );
    // Nobody else can remove (or see) Sam's links.
    let ella = app.sign_in(ELLA).await;
    let r = app
        .call::<RemoveSignInLink>(
            &[("issuer", &p.issuer), ("subject", "sam-at-school")],
            Some(&ella),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

/// 1. A provider that is not Microsoft's or Google's is used only once the operator
/// approved it; changing its issuer needs approval again.
#[tokio::test]
async fn another_providers_issuer_waits_for_the_operator() {
    let app = TestApp::new().await;
    let p = provider(
        &app,
        ProviderKind::Other,
        "https://idp.oakfield.example",
        false,
    )
    .await;
    assert!(!p.issuer_approved);
    let r = sso_start(&app, SAM).await;
    assert_eq!(
        location(&r),
        "/sign-in?sso=waiting&provider=other&email=sam%40oakfield.example"
    );
    sso::approve(&app.state.db, setting_of(&p), None)
        .await
        .unwrap();
    let p = sso::get(&app.state.db, setting_of(&p))
        .await
        .unwrap()
        .unwrap();
    assert!(p.issuer_approved);
    // The admin points it somewhere else: waiting again.
    let p = provider(
        &app,
        ProviderKind::Other,
        "https://idp.elsewhere.example",
        false,
    )
    .await;
    assert!(!p.issuer_approved);
    assert!(location(&sso_start(&app, SAM).await).starts_with("/sign-in?sso=waiting"));
}

async fn sso_start(app: &TestApp, email: &str) -> Reply {
    let request = Request::post("/sign-in/sso")
        .header("host", HOST)
        .header("origin", format!("http://{HOST}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!("email={}", urlencode(email))))
        .unwrap();
    app.send(request).await
}

fn location(r: &Reply) -> &str {
    r.headers
        .get("location")
        .map(|l| l.to_str().unwrap())
        .unwrap_or_else(|| panic!("no redirect: {} {}", r.status, r.body))
}

/// Joins with an open invite code, as someone who may not own `email`.
async fn join(app: &TestApp, email: &str, code: String) -> Reply {
    app.call::<Join>(
        &[
            ("code", &code),
            ("display_name", "Pretender"),
            ("email", email),
            ("password", "pretender's pass phrase"),
            ("sector", "school_age"),
        ],
        None,
    )
    .await
}

/// 2. Someone holding an open invite code joins as the new head's address: no session,
/// and the account cannot be used until the address is proved. When the real head signs
/// in with her school account, the pretender's password and sessions are gone.
#[tokio::test]
async fn an_address_is_proved_before_the_account_can_be_used() {
    let app = TestApp::new().await;
    let admin = app.sign_in(ADMIN).await;
    let code = app
        .invite(&admin, &[("role", "practitioner"), ("days", "7")])
        .await;
    let head = "new.head@oakfield.example";
    let r = join(&app, head, code.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body, "\"/confirm-email\"");
    assert!(r.session_cookie().is_none(), "not signed in");
    // Signing in with the password does not get in either (no email here: the admin
    // confirms people).
    let r = app
        .call::<SignIn>(
            &[("email", head), ("password", "pretender's pass phrase")],
            None,
        )
        .await;
    assert!(r.session_cookie().is_none());
    assert_eq!(r.body, "\"/confirm-email\"");
    let proof = cookie(&r, "tandem_proof").expect("a proof for this browser");
    let view: Option<ProofView> = json(&app.call::<ProofStatus>(&[], Some(&proof)).await);
    assert!(
        !view.unwrap().mail,
        "the page tells them to ask their admin"
    );

    // The real head signs in with the school's provider: the account is hers now.
    let p = provider(
        &app,
        ProviderKind::Google,
        "https://accounts.google.com",
        true,
    )
    .await;
    let id = app.user_id(head).await;
    let outcome = sso::sign_in(&app.state.db, &p, &who(&p.issuer, "real-head", head))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(outcome, Outcome::Reclaimed(id));
    let r = app
        .call::<SignIn>(
            &[("email", head), ("password", "pretender's pass phrase")],
            None,
        )
        .await;
    assert!(
        r.session_cookie().is_none(),
        "the pretender's password is gone: {}",
        r.body
    );
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM sessions WHERE user_id = {id}")
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM user_identities WHERE subject = 'real-head'"
        )
        .await,
        1
    );

    // Where the admin confirms people: only an admin of the setting, only someone waiting.
    let code = app
        .invite(&admin, &[("role", "practitioner"), ("days", "7")])
        .await;
    join(&app, "pat@oakfield.example", code).await;
    let pat = app.user_id("pat@oakfield.example").await.to_string();
    let senco = app.sign_in(SENCO).await;
    assert_eq!(
        app.call::<ConfirmMember>(&[("user_id", &pat)], Some(&senco))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    app.person_elsewhere("head@riverside.example", Role::Admin)
        .await;
    let elsewhere = app.sign_in("head@riverside.example").await;
    assert_eq!(
        app.call::<ConfirmMember>(&[("user_id", &pat)], Some(&elsewhere))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.call::<ConfirmMember>(&[("user_id", &pat)], Some(&admin))
            .await
            .status,
        StatusCode::OK
    );
    let r = app
        .call::<SignIn>(
            &[
                ("email", "pat@oakfield.example"),
                ("password", "pretender's pass phrase"),
            ],
            None,
        )
        .await;
    assert!(r.session_cookie().is_some(), "{}", r.body);
}

/// 2. Where Tandem sends email, the code from the email proves the address; a wrong code
/// does not, and the code works only in the browser that joined.
#[tokio::test]
async fn an_emailed_code_proves_a_new_address_in_the_browser_that_joined() {
    services::mail::turn_on();
    let app = TestApp::new().await;
    let admin = app.sign_in(ADMIN).await;
    let code = app
        .invite(&admin, &[("role", "practitioner"), ("days", "7")])
        .await;
    let r = app
        .call::<Join>(
            &[
                ("code", &code),
                ("display_name", "Pat Doe"),
                ("email", "pat@oakfield.example"),
                ("password", "a long enough pass phrase"),
                ("sector", "school_age"),
            ],
            None,
        )
        .await;
    assert!(r.session_cookie().is_none());
    let proof = cookie(&r, "tandem_proof").expect("the browser holds the proof");
    let code = emailed_code(&app, "pat@oakfield.example").await;
    // Another browser (the code but not the proof): nothing.
    let r = app.call::<EnterProofCode>(&[("code", &code)], None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let wrong = if code == "123456" { "654321" } else { "123456" };
    let r = app
        .call::<EnterProofCode>(&[("code", wrong)], Some(&proof))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("4 tries left"), "{}", r.body);
    // Asking again at once: wait a minute.
    let r = app.call::<SendProofCode>(&[], Some(&proof)).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    let r = app
        .call::<EnterProofCode>(&[("code", &code)], Some(&proof))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let pat = r.session_cookie().expect("signed in");
    assert_eq!(
        app.call::<LogList>(&[], Some(&pat)).await.status,
        StatusCode::OK
    );
    // The proof is used up: the same code again does nothing.
    let r = app
        .call::<EnterProofCode>(&[("code", &code)], Some(&proof))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

/// 2. A burst of guesses at a proof, in parallel: never more than five are checked.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_guesses_at_a_code_are_all_counted() {
    services::mail::turn_on();
    let app = std::sync::Arc::new(TestApp::new().await);
    let sam_id = app.user_id(SAM).await;
    let token =
        services::accounts::start_link_proof(&app.state.db, sam_id, "https://idp.example", "x")
            .await
            .unwrap();
    let proof = format!("tandem_proof={token}");
    assert_eq!(
        app.call::<SendProofCode>(&[], Some(&proof)).await.status,
        StatusCode::OK
    );
    let guesses: Vec<_> = (0..100)
        .map(|n| {
            let (app, proof) = (app.clone(), proof.clone());
            tokio::spawn(async move {
                app.call::<EnterProofCode>(&[("code", &format!("{n:06}"))], Some(&proof))
                    .await
                    .status
            })
        })
        .collect();
    let mut statuses = std::collections::BTreeMap::new();
    for g in guesses {
        *statuses.entry(g.await.unwrap().as_u16()).or_insert(0) += 1;
    }
    // Four wrong ("n tries left"), the fifth ends the proof; the rest find it ended. (One
    // of the hundred may be the right code: it too is refused once the proof has ended.)
    assert_eq!(statuses.get(&422), Some(&4), "{statuses:?}");
    assert!(!statuses.contains_key(&200), "{statuses:?}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM email_proofs").await, 0);
}

/// 4. A setting admin cannot claim another school's domain, free mail, or a pattern; new
/// domains wait for the operator.
#[tokio::test]
async fn domains_are_the_settings_own_and_approved() {
    std::env::set_var(
        "TANDEM_SECRET_KEY",
        "0123456789abcdef0123456789abcdef-tests",
    );
    let app = TestApp::new().await;
    let admin = app.sign_in(ADMIN).await;
    let save = |domains: &'static str| {
        let (app, admin) = (&app, &admin);
        async move {
            app.call::<SaveSso>(
                &[
                    ("kind", "google"),
                    ("issuer", "https://accounts.google.com"),
                    ("client_id", "tandem"),
                    ("client_secret", "s3cret-value"),
                    ("domains", domains),
                    ("new_role", "practitioner"),
                ],
                Some(admin),
            )
            .await
        }
    };
    for (domains, says) in [
        (
            "oakfield.example, gmail.com",
            "gmail.com is an email service",
        ),
        ("hotmail.com", "hotmail.com is an email service"),
        ("yahoo.co.uk", "yahoo.co.uk is an email service"),
        ("%.%", "not an email domain"),
    ] {
        let r = save(domains).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{domains}");
        assert!(r.body.contains(says), "{domains}: {}", r.body);
    }
    // Riverside holds its domain; Oakfield cannot take it.
    let riverside = services::store::settings::create(&app.state.db, "Riverside", Sector::Post16)
        .await
        .unwrap();
    let theirs = vec!["riversidebridge.example".to_string()];
    sso::save(
        &app.state.db,
        &Saved {
            setting_id: riverside,
            kind: ProviderKind::Google,
            issuer: "https://accounts.google.com",
            client_id: "riverside",
            domains: &theirs,
            new_role: Role::Practitioner,
            password_allowed: true,
        },
        Some("v2.x.y"),
        app.user_id(ADMIN).await,
    )
    .await
    .unwrap()
    .unwrap();
    let r = save("oakfield.example, riversidebridge.example").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("already signs in to another setting"),
        "{}",
        r.body
    );
    // Its own domain saves, and waits for approval: Riverside's people are never sent to
    // Oakfield's provider, and Oakfield's not until approved.
    assert_eq!(save("oakfield.example").await.status, StatusCode::OK);
    let p = sso::get(&app.state.db, oakfield(&app).await)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.domains.len(), 1);
    assert!(!p.domains[0].approved);
    assert!(location(&sso_start(&app, SAM).await).starts_with("/sign-in?sso=waiting"));
    // 11. An address with a pattern for a domain finds nothing (compared exactly).
    assert!(location(&sso_start(&app, "x@%.%").await).starts_with("/sign-in?sso=not-set-up"));
    assert!(location(&sso_start(&app, "x@%example").await).starts_with("/sign-in?sso=not-set-up"));
    assert!(
        location(&sso_start(&app, "someone@riversidebridge.example").await)
            .starts_with("/sign-in?sso=waiting")
    );
}

/// 5. A network moderator whose setting left the network no longer sees its reports, and
/// only a member setting's people can be made moderators.
#[tokio::test]
async fn reports_follow_the_one_visibility_rule() {
    let app = TestApp::new().await;
    // The demo network: Oakfield and Riverside Bridge (see server/src/demo.rs).
    let bridge_teacher = app.user_id("niamh.doherty@riversidebridge.example").await;
    let (network_id, bridge): (i64, i64) = sqlx::query_as(
        "SELECT ns.network_id, ns.setting_id FROM network_settings ns JOIN users u ON u.setting_id = ns.setting_id WHERE u.id = $1",
    )
    .bind(bridge_teacher)
    .fetch_one(app.sql().await)
    .await
    .unwrap();
    assert!(
        services::store::networks::add_moderator(&app.state.db, network_id, bridge_teacher)
            .await
            .unwrap()
    );
    // A report on one of the network's posts.
    let sam = app.sign_in(SAM).await;
    let post: String = sqlx::query_scalar(
        "SELECT id FROM posts WHERE network_id = $1 AND author_id <> $2 LIMIT 1",
    )
    .bind(network_id)
    .bind(bridge_teacher)
    .fetch_one(app.sql().await)
    .await
    .unwrap();
    let r = app
        .call::<app::api::community::ReportPost>(
            &[("post", &post), ("reason", "It names a child.")],
            Some(&sam),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let niamh = app.sign_in("niamh.doherty@riversidebridge.example").await;
    let seen: Vec<app::api::community::ReportView> =
        json(&app.call::<CommunityReports>(&[], Some(&niamh)).await);
    assert_eq!(seen.len(), 1);
    // Riverside Bridge leaves the network.
    services::store::networks::answer(&app.state.db, network_id, bridge, None, false)
        .await
        .unwrap();
    assert_eq!(
        app.call::<CommunityPost>(&[("id", &post)], Some(&niamh))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let seen: Vec<app::api::community::ReportView> =
        json(&app.call::<CommunityReports>(&[], Some(&niamh)).await);
    assert!(seen.is_empty(), "{seen:?}");
    assert!(
        !services::store::networks::is_moderator(&app.state.db, network_id, bridge_teacher)
            .await
            .unwrap()
    );
    // Nor can she be made one again while her setting is outside.
    assert!(
        !services::store::networks::add_moderator(&app.state.db, network_id, bridge_teacher)
            .await
            .unwrap()
    );
}

/// 6. Someone imported as SENCo who signs in with their school account is a SENCo (the
/// provider's default role does not apply), and the personal invite is spent.
#[tokio::test]
async fn an_imported_role_holds_at_sign_on() {
    let app = TestApp::new().await;
    let setting_id = oakfield(&app).await;
    let parsed = domain::staff::import::parse(
        b"name,email,role\nDana Okafor,dana@oakfield.example,SENCo\nLee Hart,lee@oakfield.example,practitioner\n",
    )
    .unwrap();
    let admin_id = app.user_id(ADMIN).await;
    let import = services::store::staff_import::save(
        &app.state.db,
        setting_id,
        admin_id,
        "staff.csv",
        &parsed,
    )
    .await
    .unwrap();
    services::store::staff_import::apply(&app.state.db, setting_id, admin_id, &import)
        .await
        .unwrap();
    let domains = vec!["oakfield.example".to_string()];
    sso::save(
        &app.state.db,
        &Saved {
            setting_id,
            kind: ProviderKind::Google,
            issuer: "https://accounts.google.com",
            client_id: "tandem",
            domains: &domains,
            new_role: Role::Senco,
            password_allowed: true,
        },
        Some("v2.x.y"),
        admin_id,
    )
    .await
    .unwrap()
    .unwrap();
    sso::approve(&app.state.db, setting_id, None).await.unwrap();
    let p = sso::get(&app.state.db, setting_id).await.unwrap().unwrap();
    for (email, subject, role) in [
        ("dana@oakfield.example", "dana", "senco"),
        ("lee@oakfield.example", "lee", "practitioner"),
        ("new@oakfield.example", "new", "senco"),
    ] {
        let outcome = sso::sign_in(&app.state.db, &p, &who(&p.issuer, subject, email))
            .await
            .unwrap()
            .unwrap();
        assert!(matches!(outcome, Outcome::Created(_)), "{outcome:?}");
        let (got,): (String,) = sqlx::query_as("SELECT role FROM users WHERE email = $1")
            .bind(email)
            .fetch_one(app.sql().await)
            .await
            .unwrap();
        assert_eq!(got, role, "{email}");
    }
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM invites WHERE email IS NOT NULL AND uses = 0"
        )
        .await,
        0,
        "both personal invites were spent"
    );
}

/// 7. Erasing a person leaves nothing of them in invites, import files, or colleagues'
/// "I tried this" entries and their history.
#[tokio::test]
async fn erasure_reaches_invites_imports_and_colleagues_entries() {
    let app = TestApp::new().await;
    let admin = app.sign_in(ADMIN).await;
    let setting_id = oakfield(&app).await;
    let admin_id = app.user_id(ADMIN).await;
    // Ella shares a post; Sam tries it and edits the entry it made.
    let ella = app.sign_in(ELLA).await;
    let post = "81111111-2222-4333-8444-555555555555";
    let r = app
        .call::<PublishPost>(
            &[
                ("id", post),
                ("space", "setting"),
                ("kind", "question"),
                ("title", "Visual timetables"),
                ("area", "communication_interaction"),
                ("sector", "school_age"),
                ("body", "How do you introduce them?"),
                ("confirm_private", "on"),
                ("names_checked", "on"),
            ],
            Some(&ella),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let sam = app.sign_in(SAM).await;
    let r = app.call::<TriedThis>(&[("post", post)], Some(&sam)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let shared = "SELECT COUNT(*) FROM log_entries WHERE instr(body, 'Ella Hughes') > 0";
    assert_eq!(count(&app, shared).await, 1);
    sqlx::query("INSERT INTO log_entry_revisions (entry_id, rev, body, status, created_at) SELECT id, 1, body, status, 0 FROM log_entries WHERE instr(body, 'Ella Hughes') > 0")
        .execute(app.sql().await)
        .await
        .unwrap();
    // An import listed her; a personal invite was made for a colleague of the same name.
    let parsed = domain::staff::import::parse(
        b"name,email,role\nElla Hughes,ella@oakfield.example,practitioner\nPat Doe,pat@oakfield.example,practitioner\n",
    )
    .unwrap();
    services::store::staff_import::save(&app.state.db, setting_id, admin_id, "staff.csv", &parsed)
        .await
        .unwrap();
    sqlx::query("INSERT INTO invites (code, setting_id, role, created_at, expires_at, email, display_name) VALUES ('ELLA-0001', $1, 'practitioner', 0, 9999999999, 'ella@oakfield.example', 'Ella Hughes')")
        .bind(setting_id)
        .execute(app.sql().await)
        .await
        .unwrap();
    let ella_id = app.user_id(ELLA).await;
    services::store::users::set_active(&app.state.db, ella_id, false)
        .await
        .unwrap();
    let r = app
        .call::<ErasePerson>(
            &[("user_id", &ella_id.to_string()), ("confirm", "on")],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for table in ["log_entries", "log_entry_revisions"] {
        assert_eq!(
            count(
                &app,
                &format!("SELECT COUNT(*) FROM {table} WHERE instr(body, 'Ella') > 0")
            )
            .await,
            0,
            "{table}"
        );
        assert!(
            count(
                &app,
                &format!(
                    "SELECT COUNT(*) FROM {table} WHERE instr(body, 'shared by Former member') > 0"
                )
            )
            .await
                >= 1,
            "{table}"
        );
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM invites WHERE instr(lower(COALESCE(email, '') || COALESCE(display_name, '')), 'ella') > 0").await, 0);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM staff_imports WHERE instr(lower(rows || bad), 'ella') > 0"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM staff_imports WHERE instr(rows, 'pat@oakfield.example') > 0"
        )
        .await,
        1,
        "others in the file stay"
    );
    // Import files go after 30 days on their own.
    sqlx::query("UPDATE staff_imports SET created_at = created_at - 31 * 86400")
        .execute(app.sql().await)
        .await
        .unwrap();
    services::store::sweep::sweep(&app.state.db).await.unwrap();
    assert_eq!(count(&app, "SELECT COUNT(*) FROM staff_imports").await, 0);
}

/// 8. The database and backups are the operator's account's alone, and a backup refuses a
/// folder others can write to.
#[tokio::test]
async fn the_database_and_backups_are_not_world_readable() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let url = format!("sqlite://{}/data/tandem.db", dir.path().display());
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let tandem = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_tandem"))
            .args(args)
            .env("TANDEM_DATABASE_URL", &url)
            .current_dir(&root)
            .output()
            .unwrap()
    };
    assert!(tandem(&["migrate"]).status.success());
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let db = dir.path().join("data/tandem.db");
    assert_eq!(mode(&db), 0o600);
    assert_eq!(mode(&dir.path().join("data")), 0o700);
    let backups = dir.path().join("backups");
    std::fs::create_dir(&backups).unwrap();
    std::fs::set_permissions(&backups, std::fs::Permissions::from_mode(0o777)).unwrap();
    let to = backups.join("b.db");
    let out = tandem(&["backup", "--to", to.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("can be written by other accounts"));
    std::fs::set_permissions(&backups, std::fs::Permissions::from_mode(0o750)).unwrap();
    let out = tandem(&["backup", "--to", to.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(mode(&to), 0o600);
    // A database an older Tandem left readable is closed up at the next start.
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert!(tandem(&["migrate"]).status.success());
    assert_eq!(mode(&db), 0o600);
}

/// 9. A post's history is capped and one person's daily writing is bounded.
#[tokio::test]
async fn post_history_is_capped_and_a_day_of_writing_is_bounded() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    let id = "91111111-2222-4333-8444-555555555555";
    let publish = |title: String, editing: bool| {
        let (app, sam) = (&app, &sam);
        async move {
            let mut form = vec![
                ("id", id.to_string()),
                ("space", "setting".into()),
                ("kind", "question".into()),
                ("title", title),
                ("area", "communication_interaction".into()),
                ("sector", "school_age".into()),
                ("body", "What works?".into()),
                ("confirm_private", "on".into()),
                ("names_checked", "on".into()),
            ];
            if editing {
                form.push(("editing", id.into()));
            }
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call::<PublishPost>(&form, Some(sam)).await
        }
    };
    assert_eq!(
        publish("Version 0".into(), false).await.status,
        StatusCode::OK
    );
    for n in 1..=30 {
        let r = publish(format!("Version {n}"), true).await;
        assert_eq!(r.status, StatusCode::OK, "{n}: {}", r.body);
    }
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM post_revisions WHERE post_id = '{id}'")
        )
        .await,
        services::store::community::KEPT_REVISIONS
    );
    let view: app::api::community::PostView =
        json(&app.call::<CommunityPost>(&[("id", id)], Some(&sam)).await);
    assert_eq!(
        view.revisions.len() as i64,
        services::store::community::KEPT_REVISIONS
    );
    assert!(
        view.revisions[0].1.contains("29"),
        "newest first: {:?}",
        view.revisions[0]
    );
    // The day's writing: 31 so far; the rest up to the limit, then a clear refusal.
    let mut n = 31;
    let refused = loop {
        n += 1;
        let r = publish(format!("Version {n}"), true).await;
        if r.status != StatusCode::OK {
            break r;
        }
        assert!(
            n <= services::store::community::DAILY_WRITES + 1,
            "never refused"
        );
    };
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        refused.body.contains("send it tomorrow"),
        "{}",
        refused.body
    );
    // The demo's own posts for Sam count too; the refused write is not counted.
    let hits: i64 = sqlx::query_scalar(
        "SELECT hits FROM rate_limits WHERE bucket LIKE 'community:writes:%' AND hits > 50",
    )
    .fetch_one(app.sql().await)
    .await
    .unwrap();
    assert_eq!(hits, services::store::community::DAILY_WRITES);
    // Nothing of the refused write was stored.
    let view: app::api::community::PostView =
        json(&app.call::<CommunityPost>(&[("id", id)], Some(&sam)).await);
    assert_eq!(view.title, format!("Version {}", n - 1));
}

/// 10. The issuer check cannot be passed with a user name in the URL, and plain http is
/// refused (the test flag for a provider on this machine is not set here).
#[tokio::test]
async fn issuers_with_user_names_or_plain_http_are_refused() {
    std::env::set_var(
        "TANDEM_SECRET_KEY",
        "0123456789abcdef0123456789abcdef-tests",
    );
    let app = TestApp::new().await;
    let admin = app.sign_in(ADMIN).await;
    for issuer in [
        "http://localhost:@evil.example",
        "https://localhost:@evil.example",
        "http://127.0.0.1:4000",
        "https://user:pass@idp.example.org",
        "https://10.1.2.3/idp",
    ] {
        let r = app
            .call::<SaveSso>(
                &[
                    ("kind", "other"),
                    ("issuer", issuer),
                    ("client_id", "tandem"),
                    ("client_secret", "s3cret-value"),
                    ("domains", "oakfield.example"),
                    ("new_role", "practitioner"),
                ],
                Some(&admin),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{issuer}: {}",
            r.body
        );
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM sign_in_providers").await,
        0
    );
    // One saved before the check (straight into the database) is refused when used.
    let setting_id = oakfield(&app).await;
    let domains = vec!["oakfield.example".to_string()];
    let bad = Saved {
        setting_id,
        kind: ProviderKind::Other,
        issuer: "http://localhost:@evil.example",
        client_id: "tandem",
        domains: &domains,
        new_role: Role::Practitioner,
        password_allowed: true,
    };
    sso::save(&app.state.db, &bad, Some("v2.x.y"), 1)
        .await
        .unwrap()
        .unwrap();
    sso::approve(&app.state.db, setting_id, None).await.unwrap();
    assert!(location(&sso_start(&app, SAM).await).starts_with("/sign-in?sso=unavailable"));
}

/// 12. A staff import cannot take away the only admin's role.
#[tokio::test]
async fn an_import_keeps_the_last_admin() {
    let app = TestApp::new().await;
    let setting_id = oakfield(&app).await;
    let admin_id = app.user_id(ADMIN).await;
    let parsed = domain::staff::import::parse(
        b"name,email,role\nAlex Morgan,admin@oakfield.example,practitioner\n",
    )
    .unwrap();
    let import = services::store::staff_import::save(
        &app.state.db,
        setting_id,
        admin_id,
        "staff.csv",
        &parsed,
    )
    .await
    .unwrap();
    let applied =
        services::store::staff_import::apply(&app.state.db, setting_id, admin_id, &import)
            .await
            .unwrap()
            .unwrap();
    assert_eq!(
        applied.planned[0].change,
        services::store::staff_import::Change::LastAdmin
    );
    let (role,): (String,) = sqlx::query_as("SELECT role FROM users WHERE id = $1")
        .bind(admin_id)
        .fetch_one(app.sql().await)
        .await
        .unwrap();
    assert_eq!(role, "admin");
}

/// 14. Addresses that carry text of someone else's are never shown as Tandem's message.
#[tokio::test]
async fn messages_come_from_codes_never_from_the_address() {
    let app = TestApp::new().await;
    let fake = "Your account is locked. Call 0800 000 000";
    let r = app
        .get(
            &format!(
                "/sign-in?sso=wrong-domain&provider=google&email={}",
                urlencode(fake)
            ),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let alert = r
        .body
        .split("role=\"alert\"")
        .nth(1)
        .expect("the problem is shown");
    let alert = alert.split("</div>").next().unwrap();
    assert!(!alert.contains("0800"), "{alert}");
    let r = app
        .get(&format!("/sign-in?sso={}", urlencode(fake)), None)
        .await;
    assert!(
        !r.body.contains("role=\"alert\""),
        "an unknown code shows nothing"
    );
    let admin = app.sign_in(ADMIN).await;
    let r = app
        .get(
            &format!("/admin/import?problem={}", urlencode(fake)),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        !r.body.contains("error-summary"),
        "an unknown code shows nothing"
    );
    let r = app
        .get("/admin/import?problem=cut-short", Some(&admin))
        .await;
    assert!(r.body.contains("The upload was cut short"));
}

/// 15. Wrong passwords from one address slow that address down; they never lock out the
/// real person (an admin here) signing in from another, and guesses spread over many
/// addresses only ever make the account wait seconds.
#[tokio::test]
async fn an_attacker_cannot_lock_out_an_admin() {
    let app = TestApp::new().await;
    let from = |n: u32| -> std::net::SocketAddr { format!("198.51.100.{n}:4000").parse().unwrap() };
    let try_as = |n: u32, password: &'static str| {
        let app = &app;
        async move {
            app.call_from::<SignIn>(
                Some(from(n)),
                &[("email", ADMIN), ("password", password)],
                None,
                &[],
            )
            .await
        }
    };
    for _ in 0..5 {
        assert_eq!(
            try_as(1, "guess").await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    let r = try_as(1, "guess").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    // About a minute: "1 minute", or "59 seconds" when the clock ticked over meanwhile.
    let wait = if r.body.contains("Wait 1 minute") {
        60
    } else {
        r.body
            .split("Wait ")
            .nth(1)
            .and_then(|rest| rest.split(" seconds").next())
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(0)
    };
    assert!((50..=60).contains(&wait), "{}", r.body);
    // The attacker's address is held up even with the right password...
    assert_eq!(
        try_as(1, server::demo::DEMO_PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // ...the admin, from school, is not.
    let r = try_as(2, server::demo::DEMO_PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Guessing from twenty more addresses: the account makes everyone wait, seconds only.
    for n in 10..30 {
        for _ in 0..5 {
            let status = try_as(n, "guess").await.status;
            assert!([
                StatusCode::UNPROCESSABLE_ENTITY,
                StatusCode::TOO_MANY_REQUESTS
            ]
            .contains(&status));
        }
    }
    let r = try_as(3, server::demo::DEMO_PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    // "Wait a second" or "Wait 4 seconds", depending on how long the guesses took: never minutes.
    assert!(
        r.body.contains("second") && !r.body.contains("minute"),
        "{}",
        r.body
    );
    // Half a minute later (the clock moved on in the counters) the admin is in.
    sqlx::query("UPDATE rate_limits SET window_start = window_start - 30 WHERE bucket LIKE 'sign_in:account:%'")
        .execute(app.sql().await)
        .await
        .unwrap();
    assert_eq!(
        try_as(3, server::demo::DEMO_PASSWORD).await.status,
        StatusCode::OK
    );
}

/// 16. Over https the sign-on state cookie is `__Host-`, and only that name is read.
#[tokio::test]
async fn the_sign_on_state_cookie_is_host_only_over_https() {
    let app = TestApp::with(|c| {
        c.secure_cookies = true;
        c.public_origin = Some("https://tandem.oakfield.example".into());
    })
    .await;
    let callback = |cookie: &'static str| {
        Request::get("/sign-in/sso/callback?code=x&state=abc")
            .header("host", HOST)
            .header("cookie", cookie)
            .body(Body::empty())
            .unwrap()
    };
    // The plain name (which another site of the domain could have set) is not read.
    let r = app.send(callback("tandem_sso=abc")).await;
    assert_eq!(location(&r), "/sign-in?sso=expired");
    // The __Host- one is (the state itself is unknown here, so it has expired).
    let r = app.send(callback("__Host-tandem_sso=abc")).await;
    assert_eq!(location(&r), "/sign-in?sso=expired");
    let cleared: Vec<&str> = r
        .headers
        .get_all(http::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert!(
        cleared.iter().any(|c| c.starts_with("__Host-tandem_sso=;")
            && c.contains("Path=/;")
            && c.contains("Secure")),
        "{cleared:?}"
    );
}

/// 17. Invites from an import are emailed only to the setting's approved domains (unless
/// the operator allows any), and no more than a day's worth per setting.
#[tokio::test]
async fn import_invites_go_only_to_approved_domains() {
    let app = TestApp::new().await;
    let setting_id = oakfield(&app).await;
    let admin_id = app.user_id(ADMIN).await;
    let parsed = domain::staff::import::parse(
        b"name,email,role\nLee Hart,lee@oakfield.example,practitioner\nClick This Link,victim@elsewhere.example,practitioner\n",
    )
    .unwrap();
    let import = services::store::staff_import::save(
        &app.state.db,
        setting_id,
        admin_id,
        "staff.csv",
        &parsed,
    )
    .await
    .unwrap();
    services::store::staff_import::apply(&app.state.db, setting_id, admin_id, &import)
        .await
        .unwrap();
    let to_send = || services::store::staff_import::unsent_invites(&app.state.db, 500);
    assert!(
        to_send().await.unwrap().is_empty(),
        "no approved domain yet"
    );
    provider(
        &app,
        ProviderKind::Google,
        "https://accounts.google.com",
        true,
    )
    .await;
    let emails: Vec<String> = to_send().await.unwrap().into_iter().map(|i| i.2).collect();
    assert_eq!(emails, vec!["lee@oakfield.example"]);
    services::store::settings::set_invite_mail_any(&app.state.db, setting_id, true)
        .await
        .unwrap();
    assert_eq!(to_send().await.unwrap().len(), 2);
    // The daily limit.
    sqlx::query("UPDATE invites SET emailed_at = $1 WHERE email = 'lee@oakfield.example'")
        .bind(services::store::now())
        .execute(app.sql().await)
        .await
        .unwrap();
    assert!(
        services::store::staff_import::unsent_invites(&app.state.db, 1)
            .await
            .unwrap()
            .is_empty()
    );
}

/// 18. An account made by single sign-on (no password) takes the same argon2 check to refuse
/// as any other, so timing does not tell which addresses have accounts or how they sign in.
#[tokio::test]
async fn accounts_without_a_password_cost_the_same_check() {
    let app = TestApp::new().await;
    sqlx::query("UPDATE users SET password_hash = $1 WHERE email = $2")
        .bind(sso::NO_PASSWORD)
        .bind(ELLA)
        .execute(app.sql().await)
        .await
        .unwrap();
    for email in [SAM, ELLA, "nobody@oakfield.example"] {
        let before = services::password::checks_run();
        let r = app
            .call::<SignIn>(&[("email", email), ("password", "a wrong guess")], None)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{email}");
        assert!(r.body.contains("not right"), "{email}: {}", r.body);
        assert_eq!(
            services::password::checks_run() - before,
            1,
            "{email}: one argon2 check"
        );
    }
}

/// A client secret sealed the old way (no setting bound, SHA-256 key) is re-sealed at
/// start-up, bound to its setting; copied into another setting's row it does not open.
#[tokio::test]
async fn old_client_secrets_are_resealed_bound_to_their_setting() {
    std::env::set_var(
        "TANDEM_SECRET_KEY",
        "0123456789abcdef0123456789abcdef-tests",
    );
    let app = TestApp::new().await;
    let p = provider(
        &app,
        ProviderKind::Google,
        "https://accounts.google.com",
        true,
    )
    .await;
    let sealed = services::secrets::seal(p.owner, "the-secret").unwrap();
    assert!(sealed.starts_with("v2."));
    assert!(services::secrets::open(Owner::Setting(setting_of(&p) + 1), &sealed).is_err());
    assert_eq!(
        services::secrets::open(p.owner, &sealed).unwrap(),
        "the-secret"
    );
    // An old one, as an earlier Tandem wrote it.
    let old = old_seal("0123456789abcdef0123456789abcdef-tests", "the-old-secret");
    sqlx::query("UPDATE sign_in_providers SET secret_sealed = $1")
        .bind(&old)
        .execute(app.sql().await)
        .await
        .unwrap();
    assert_eq!(sso::upgrade_secrets(&app.state.db).await.unwrap(), 1);
    let now: String = sqlx::query_scalar("SELECT secret_sealed FROM sign_in_providers")
        .fetch_one(app.sql().await)
        .await
        .unwrap();
    assert!(now.starts_with("v2."));
    assert_eq!(
        services::secrets::open(p.owner, &now).unwrap(),
        "the-old-secret"
    );
}

/// What `secrets::seal` wrote before: XChaCha20-Poly1305 under SHA-256(key), no binding.
fn old_seal(key: &str, plain: &str) -> String {
    use base64::{engine::general_purpose::STANDARD_NO_PAD as B64, Engine};
    use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
    use sha2::Digest;
    let cipher = chacha20poly1305::XChaCha20Poly1305::new(&sha2::Sha256::digest(key.as_bytes()));
    let nonce = chacha20poly1305::XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let body = cipher.encrypt(&nonce, plain.as_bytes()).unwrap();
    format!("v1.{}.{}", B64.encode(nonce), B64.encode(body))
}
