//! Email digests against a small SMTP server the test starts on loopback.

use crate::common::*;
use app::api::learning_log::{SaveAnswer, SubmitEntries};
use app::api::review::ReviewAct;
use http::StatusCode;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// Accepts SMTP sessions and keeps each message: (recipients, data).
async fn smtp_server() -> (String, Arc<Mutex<Vec<(Vec<String>, String)>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    let inbox = Arc::new(Mutex::new(Vec::new()));
    let kept = inbox.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let inbox = kept.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 test ESMTP\r\n").await.unwrap();
                let (mut to, mut data, mut in_data) = (vec![], String::new(), false);
                while let Ok(Some(line)) = lines.next_line().await {
                    if in_data {
                        if line == "." {
                            in_data = false;
                            inbox
                                .lock()
                                .unwrap()
                                .push((std::mem::take(&mut to), std::mem::take(&mut data)));
                            write.write_all(b"250 queued\r\n").await.unwrap();
                        } else {
                            data.push_str(&line);
                            data.push('\n');
                        }
                        continue;
                    }
                    let verb = line.split([' ', ':']).next().unwrap_or("").to_uppercase();
                    let answer: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 test\r\n",
                        "RCPT" => {
                            to.push(line.to_string());
                            b"250 ok\r\n"
                        }
                        "DATA" => {
                            in_data = true;
                            b"354 go on\r\n"
                        }
                        "QUIT" => {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            break;
                        }
                        _ => b"250 ok\r\n",
                    };
                    write.write_all(answer).await.unwrap();
                }
            });
        }
    });
    (url, inbox)
}

/// Sam answers m1's first reflection prompt and submits it to the SENCo.
async fn submit_answer(app: &TestApp, op_id: &str, entry: &str, body: &str) {
    let sam = app.sign_in(SAM).await;
    let form = [
        ("op_id", op_id),
        ("entry_id", entry),
        ("section_key", "m1.reflection"),
        ("prompt_key", "p1"),
        ("base_rev", "0"),
        ("body", body),
    ];
    let saved = app.call::<SaveAnswer>(&form, Some(&sam)).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let submitted = app
        .call::<SubmitEntries>(&[("id", entry)], Some(&sam))
        .await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.body);
}

fn mailer(url: &str) -> services::mail::Mailer {
    services::mail::Mailer::new(
        url,
        "Tandem <tandem@oakfield.example>",
        "https://tandem.oakfield.example",
    )
    .unwrap()
}

#[tokio::test]
async fn digests_tell_the_senco_of_submissions_and_the_author_of_feedback_once() {
    let app = TestApp::new().await;
    let (url, inbox) = smtp_server().await;
    let mailer = mailer(&url);
    let send = || services::mail::send_digests(&app.state.db, &app.state.course, &mailer);
    // Ella's demo plan may have a check-in due on the day this runs: reminded already.
    quiet_plans(&app).await;
    assert_eq!(send().await.unwrap(), 0, "nothing to tell yet");

    let entry = "11111111-2222-4333-8444-555555555555";
    submit_answer(
        &app,
        "00000000-0000-4000-8000-000000000001",
        entry,
        "Private words about Jay",
    )
    .await;

    assert_eq!(send().await.unwrap(), 1);
    {
        let mail = inbox.lock().unwrap();
        let (to, data) = &mail[0];
        assert!(to[0].contains(SENCO), "{to:?}");
        assert!(
            data.contains("Subject: Tandem: 1 entry waiting for your review"),
            "{data}"
        );
        assert!(
            data.contains("Sam Taylor") && data.contains("https://tandem.oakfield.example/review"),
            "{data}"
        );
        assert!(
            !data.contains("Private words"),
            "a digest never carries what someone wrote"
        );
    }
    assert_eq!(
        send().await.unwrap(),
        0,
        "the same submission is not emailed twice"
    );

    let senco = app.sign_in(SENCO).await;
    let r = app
        .call::<ReviewAct>(
            &[
                ("id", entry),
                ("rev", "1"),
                ("action", "reviewed"),
                ("comment", "Thank you"),
            ],
            Some(&senco),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(send().await.unwrap(), 1);
    let mail = inbox.lock().unwrap();
    let (to, data) = &mail[1];
    assert!(to[0].contains(SAM), "{to:?}");
    assert!(
        data.contains("Marked reviewed from Priya Shah") && data.contains("/log"),
        "{data}"
    );
}

#[tokio::test]
async fn an_imports_personal_invites_are_emailed_once_each() {
    let app = TestApp::new().await;
    let (url, inbox) = smtp_server().await;
    let mailer = mailer(&url);
    let admin_id = app.user_id(ADMIN).await;
    let setting_id: i64 = sqlx::query_scalar("SELECT setting_id FROM users WHERE id = $1")
        .bind(admin_id)
        .fetch_one(app.sql().await)
        .await
        .unwrap();
    let parsed = domain::staff::import::parse(
        b"name,email,role\nDana Okafor,dana@oakfield.example,senco\nLee Hart,lee@oakfield.example,practitioner\n",
    )
    .unwrap();
    let db = &app.state.db;
    let id = services::store::staff_import::save(db, setting_id, admin_id, "staff.csv", &parsed)
        .await
        .unwrap();
    assert_eq!(
        services::mail::send_invites(db, &mailer).await.unwrap(),
        0,
        "not applied yet"
    );
    services::store::staff_import::apply(db, setting_id, admin_id, &id)
        .await
        .unwrap();
    assert_eq!(
        services::mail::send_invites(db, &mailer).await.unwrap(),
        0,
        "only to the setting's approved domains, and it has none yet"
    );
    services::store::settings::set_invite_mail_any(db, setting_id, true)
        .await
        .unwrap();
    assert_eq!(services::mail::send_invites(db, &mailer).await.unwrap(), 2);
    assert_eq!(
        services::mail::send_invites(db, &mailer).await.unwrap(),
        0,
        "once each"
    );
    let codes = services::store::staff_import::codes(db, setting_id, &id)
        .await
        .unwrap();
    let mail = inbox.lock().unwrap();
    let dana = mail
        .iter()
        .find(|(to, _)| to[0].contains("dana@oakfield.example"))
        .unwrap();
    let code = &codes
        .iter()
        .find(|c| c.1 == "dana@oakfield.example")
        .unwrap()
        .3;
    assert!(dana.1.contains(code.as_str()), "{}", dana.1);
    assert!(
        dana.1
            .contains("https://tandem.oakfield.example/join?code="),
        "{}",
        dana.1
    );
}

#[tokio::test]
async fn two_app_servers_on_one_database_send_each_digest_once_and_carry_on_when_one_stops() {
    let app = TestApp::new().await;
    // A second server on the same database file.
    let url = app.url().to_string();
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let other = server::prepare(&server::Config {
        site_root: here.join("../public").display().to_string(),
        ..server::Config::new(&url, here.join("../content"))
    })
    .await
    .unwrap();
    let (smtp, inbox) = smtp_server().await;
    let mailer = mailer(&smtp);
    let every = std::time::Duration::from_secs(60);
    let turn = |db: &services::store::Db| {
        let (db, mailer, course) = (db.clone(), mailer.clone(), app.state.course.clone());
        async move {
            services::mail::digest_turn(&db, &course, &mailer, every)
                .await
                .unwrap()
        }
    };

    quiet_plans(&app).await;
    submit_answer(
        &app,
        "00000000-0000-4000-8000-000000000021",
        "21111111-2222-4333-8444-555555555555",
        "Words for the SENCo",
    )
    .await;

    // Both servers' timers fire at once: one of them sends, once.
    let (a, b) = tokio::join!(turn(&app.state.db), turn(&other.db));
    assert_eq!(
        [a, b].iter().flatten().sum::<usize>(),
        1,
        "one digest in all: {a:?} {b:?}"
    );
    assert!(
        a.is_none() ^ b.is_none(),
        "exactly one server ran the turn: {a:?} {b:?}"
    );
    assert_eq!(inbox.lock().unwrap().len(), 1);
    let (running, idle) = if a.is_some() {
        (&app.state.db, &other.db)
    } else {
        (&other.db, &app.state.db)
    };
    assert_eq!(turn(idle).await, None, "the other server keeps out");
    assert_eq!(turn(running).await, Some(0), "and nothing goes twice");

    // The running server stops without a word; once its lease lapses the other carries on.
    sqlx::query("UPDATE job_leases SET expires_at = 0 WHERE job = 'digests'")
        .execute(app.sql().await)
        .await
        .unwrap();
    assert_eq!(turn(idle).await, Some(0));
    assert_eq!(turn(running).await, None, "back again, it waits its turn");
    assert_eq!(inbox.lock().unwrap().len(), 1);
}

/// Marks every plan's author as reminded just now, so that no check-in reminder comes.
async fn quiet_plans(app: &TestApp) {
    sqlx::query("UPDATE plans SET reminded_at = $1")
        .bind(services::store::now())
        .execute(app.sql().await)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_check_in_is_in_the_digest_at_most_once_a_week() {
    use app::api::check_in::SetPlanStart;
    use app::api::plan::SavePlan;
    let app = TestApp::new().await;
    let (url, inbox) = smtp_server().await;
    let mailer = mailer(&url);
    let send = || services::mail::send_digests(&app.state.db, &app.state.course, &mailer);
    quiet_plans(&app).await;
    let (sam, admin) = (app.sign_in(SAM).await, app.sign_in(ADMIN).await);
    let (terms, today) = crate::check_in::terms_around_today();
    let r = app
        .call::<app::api::admin::SetTermDates>(&[("terms", &terms)], Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let goal = [
        ("owner", ""),
        ("base_rev", "0"),
        ("goal1", "Help J join in"),
        ("modules1[]", "m4"),
    ];
    assert_eq!(
        app.call::<SavePlan>(&goal, Some(&sam)).await.status,
        StatusCode::OK
    );
    // Begun a month ago: its first check-in was missed, and the second is due in five days.
    let started = domain::terms::iso(today - 30);
    let r = app
        .call::<SetPlanStart>(&[("started", &started)], Some(&sam))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    assert_eq!(send().await.unwrap(), 1);
    {
        let mail = inbox.lock().unwrap();
        let (to, data) = &mail[0];
        // Quoted-printable: long lines are folded with a trailing "=".
        let data = &data.replace("=\r\n", "").replace("=\n", "");
        assert!(to[0].contains(SAM), "{to:?}");
        assert!(
            data.contains("Subject: Tandem: a check-in on your CPD plan"),
            "{data}"
        );
        assert!(
            data.contains("The check-in for") && data.contains("is due by"),
            "{data}"
        );
        assert!(
            data.contains("https://tandem.oakfield.example/plan#check-ins"),
            "{data}"
        );
    }
    assert_eq!(send().await.unwrap(), 0, "not twice in a week");
    // Eight days on, still not answered: reminded again, once.
    let sam_id = app.user_id(SAM).await;
    sqlx::query("UPDATE plans SET reminded_at = $1 WHERE user_id = $2")
        .bind(services::store::now() - 8 * 86_400)
        .bind(sam_id)
        .execute(app.sql().await)
        .await
        .unwrap();
    assert_eq!(send().await.unwrap(), 1);
    assert_eq!(send().await.unwrap(), 0);
}
