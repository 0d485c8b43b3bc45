//! Importing staff from a spreadsheet: preview, apply, apply again, and the personal
//! invites it makes.

use crate::common::*;
use app::api::auth::Join;
use app::api::staff_import::{ApplyImport, ImportPreview, ImportView};
use axum::body::Body;
use http::{Request, StatusCode};

const BOUNDARY: &str = "----tandem-test-boundary";

/// Uploads `file` as the admin's browser would (a plain multipart form).
async fn upload(app: &TestApp, cookie: &str, file: &[u8]) -> Reply {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"staff.csv\"\r\nContent-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let request = Request::post("/admin/import")
        .header("host", HOST)
        .header("origin", format!("http://{HOST}"))
        .header("cookie", cookie)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(body))
        .unwrap();
    app.send(request).await
}

fn import_id(reply: &Reply) -> String {
    let to = reply.headers["location"].to_str().unwrap();
    to.strip_prefix("/admin/import/")
        .unwrap_or_else(|| panic!("sent to {to}"))
        .to_string()
}

async fn preview(app: &TestApp, admin: &str, id: &str) -> ImportView {
    let r = app.call::<ImportPreview>(&[("id", id)], Some(admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

const FILE: &str = "\u{FEFF}Name,Email,Role,Sector\r\nDana Okafor,dana.okafor@oakfield.example,SENCo,School age\r\nLee Hart,lee.hart@oakfield.example,Teacher,\r\nSam Patel,sam@oakfield.example,senco,\r\nNo Address,,practitioner,\r\n";

#[tokio::test]
async fn an_import_is_previewed_applied_once_and_changes_nothing_the_second_time() {
    let app = TestApp::new().await;
    let admin = app.sign_in(ADMIN).await;
    let r = upload(&app, &admin, FILE.as_bytes()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let id = import_id(&r);
    let v = preview(&app, &admin, &id).await;
    let what: Vec<(&str, &str)> = v
        .rows
        .iter()
        .map(|r| (r.row.email.as_str(), r.what.as_str()))
        .collect();
    assert_eq!(
        what,
        vec![
            (
                "dana.okafor@oakfield.example",
                "New: gets a personal invite code"
            ),
            (
                "lee.hart@oakfield.example",
                "New: gets a personal invite code"
            ),
            (
                "sam@oakfield.example",
                "Role changes from Practitioner to SENCo"
            ),
        ]
    );
    assert_eq!(v.bad.len(), 1);
    assert_eq!(v.bad[0].line, 5);
    // Nothing has changed yet.
    async fn invites(app: &TestApp) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM invites WHERE email IS NOT NULL")
            .fetch_one(app.sql().await)
            .await
            .unwrap()
    }
    assert_eq!(invites(&app).await, 0);

    let r = app.call::<ApplyImport>(&[("id", &id)], Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(invites(&app).await, 2);
    let role: String =
        sqlx::query_scalar("SELECT role FROM users WHERE email = 'sam@oakfield.example'")
            .fetch_one(app.sql().await)
            .await
            .unwrap();
    assert_eq!(role, "senco");

    // The same file again: nothing new to do, and applying it changes nothing.
    let again = import_id(&upload(&app, &admin, FILE.as_bytes()).await);
    let v = preview(&app, &admin, &again).await;
    assert!(
        v.rows.iter().all(|r| r.what.starts_with("Already")),
        "{:?}",
        v.rows
    );
    assert_eq!(
        app.call::<ApplyImport>(&[("id", &again)], Some(&admin))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(invites(&app).await, 2);

    // Dana's code works only with Dana's address, and gives the role the file said.
    let code: String =
        sqlx::query_scalar("SELECT code FROM invites WHERE email = 'dana.okafor@oakfield.example'")
            .fetch_one(app.sql().await)
            .await
            .unwrap();
    let join = |email: &'static str| {
        let (app, code) = (&app, code.clone());
        async move {
            app.call::<Join>(
                &[
                    ("code", &code),
                    ("display_name", "Dana Okafor"),
                    ("email", email),
                    ("password", "a long enough pass phrase"),
                    ("sector", "school_age"),
                ],
                None,
            )
            .await
        }
    };
    let r = join("someone.else@oakfield.example").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("made for a different email address"),
        "{}",
        r.body
    );
    assert_eq!(
        join("dana.okafor@oakfield.example").await.status,
        StatusCode::OK
    );
    let role: String =
        sqlx::query_scalar("SELECT role FROM users WHERE email = 'dana.okafor@oakfield.example'")
            .fetch_one(app.sql().await)
            .await
            .unwrap();
    assert_eq!(role, "senco");
}

#[tokio::test]
async fn only_admins_import_and_a_bad_file_says_why() {
    let app = TestApp::new().await;
    let (admin, senco) = (app.sign_in(ADMIN).await, app.sign_in(SENCO).await);
    let r = upload(&app, &senco, FILE.as_bytes()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    for (file, says, words) in [
        (
            &b"first,last\nA,B\n"[..],
            "no-header",
            "must name the columns",
        ),
        (&b""[..], "no-file", "Choose a CSV file"),
        (
            &[0xff, 0xfe, 0x00, 0x41][..],
            "not-utf8",
            "is not UTF-8 text",
        ),
    ] {
        let r = upload(&app, &admin, file).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let to = r.headers["location"].to_str().unwrap();
        assert_eq!(to, format!("/admin/import?problem={says}"));
        // The page says it in words.
        assert!(
            app.get(to, Some(&admin)).await.body.contains(words),
            "{says}"
        );
    }
    let big = vec![b'a'; 1_200_000];
    let r = upload(&app, &admin, &big).await;
    assert!(
        r.status.is_client_error() || r.status == StatusCode::SEE_OTHER,
        "{}",
        r.status
    );
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM staff_imports")
        .fetch_one(app.sql().await)
        .await
        .unwrap();
    assert_eq!(n, 0);
}
