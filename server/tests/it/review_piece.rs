//! Reviewing by the piece through the router: one person's answers from one module wait as
//! one queue item, are read in the order the course asks them and answered with one reply;
//! a single answer keeps its own page; and every refusal.

use crate::common::*;
use app::api::learning_log::{EntryDetail, LogEntry, SaveAnswer, SubmitEntries};
use app::api::review::{PieceDetail, QueueView, ReviewAct, ReviewDetail, ReviewEntry, ReviewQueue};
use app::api::review_piece::{ReviewActPiece, ReviewPiece};
use app::api::staff::{MemberView, StaffMember};
use domain::learning_log::EntryStatus;
use domain::model::Role;
use http::StatusCode;

/// The three answers of module 1's practice note, and one reflection.
const TRIED: &str = "10000000-0000-4000-8000-000000000001";
const HAPPENED: &str = "10000000-0000-4000-8000-000000000002";
const NEXT: &str = "10000000-0000-4000-8000-000000000003";
const REFLECTION: &str = "10000000-0000-4000-8000-000000000004";
/// Ella's answer from module 2.
const ELLAS: &str = "10000000-0000-4000-8000-000000000005";

async fn save(app: &TestApp, cookie: &str, id: &str, section: &str, prompt: &str, body: &str) {
    let r = app
        .call::<SaveAnswer>(
            &[
                ("op_id", &format!("20000000-0000-4000-8000-{}", &id[24..])),
                ("entry_id", id),
                ("section_key", section),
                ("prompt_key", prompt),
                ("base_rev", "0"),
                ("body", body),
            ],
            Some(cookie),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

/// Sam's module 1, written in an order the course does not ask it, submitted as a module;
/// Ella's single answer from module 2 after it.
async fn submitted(app: &TestApp) -> (String, String, i64) {
    let (sam, ella) = (app.sign_in(SAM).await, app.sign_in(ELLA).await);
    save(
        app,
        &sam,
        NEXT,
        "m1.practice",
        "next",
        "Keep the visual timetable",
    )
    .await;
    save(
        app,
        &sam,
        REFLECTION,
        "m1.reflection",
        "p1",
        "Jay does well with routines",
    )
    .await;
    save(
        app,
        &sam,
        TRIED,
        "m1.practice",
        "tried",
        "A visual timetable for Jay",
    )
    .await;
    save(
        app,
        &sam,
        HAPPENED,
        "m1.practice",
        "happened",
        "Jay settled faster",
    )
    .await;
    let r = app
        .call::<SubmitEntries>(&[("module", "m1")], Some(&sam))
        .await;
    assert_eq!(json::<u64>(&r), 4);
    save(
        app,
        &ella,
        ELLAS,
        "m2.reflection",
        "p1",
        "Noticing Amir's speech",
    )
    .await;
    let r = app
        .call::<SubmitEntries>(&[("id", ELLAS)], Some(&ella))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    (sam, ella, app.user_id(SAM).await)
}

async fn open_piece(app: &TestApp, senco: &str, author: i64) -> PieceDetail {
    let r = app
        .call::<ReviewPiece>(
            &[("author", &author.to_string()), ("module", "m1")],
            Some(senco),
        )
        .await;
    json(&r)
}

fn read(piece: &PieceDetail) -> String {
    piece
        .waiting
        .iter()
        .map(|a| format!("{}:{}", a.id, a.rev))
        .collect::<Vec<_>>()
        .join(",")
}

async fn reply(
    app: &TestApp,
    cookie: &str,
    author: i64,
    entries: &str,
    action: &str,
    comment: &str,
) -> Reply {
    app.call::<ReviewActPiece>(
        &[
            ("author", &author.to_string()),
            ("module", "m1"),
            ("entries", entries),
            ("action", action),
            ("comment", comment),
        ],
        Some(cookie),
    )
    .await
}

#[tokio::test]
async fn a_module_submitted_together_is_read_in_order_and_answered_once() {
    let app = TestApp::new().await;
    let (sam, _ella, sam_id) = submitted(&app).await;
    let senco = app.sign_in(SENCO).await;

    // Five answers wait as two submissions, oldest first.
    let queue: QueueView = json(&app.call::<ReviewQueue>(&[], Some(&senco)).await);
    assert_eq!(queue.items.len(), 2, "{:?}", queue.items);
    assert_eq!(queue.items[0].answers, 4);
    assert_eq!(queue.items[0].href, format!("/review/of/{sam_id}/m1"));
    assert_eq!(queue.items[1].answers, 1);
    assert_eq!(
        queue.items[1].href,
        format!("/review/{ELLAS}"),
        "a single answer keeps its page"
    );

    // The piece reads in the order the course asks: the reflection section comes after the
    // practice note, whose three parts come in their own order.
    let piece: PieceDetail = open_piece(&app, &senco, sam_id).await;
    let order: Vec<&str> = piece.waiting.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(order, [TRIED, HAPPENED, NEXT, REFLECTION]);
    assert_eq!(piece.waiting[0].question, "What I tried");
    assert_eq!(
        piece.next.as_deref(),
        Some(format!("/review/{ELLAS}").as_str())
    );
    // The staff page lists them in the same order.
    let member: MemberView = json(
        &app.call::<StaffMember>(&[("id", &sam_id.to_string())], Some(&senco))
            .await,
    );
    let listed: Vec<&str> = member.submitted.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(listed, order);

    // A revision request needs a comment, and the refusal keeps nothing half-done.
    let r = reply(&app, &senco, sam_id, &read(&piece), "needs_revision", " ").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let status: EntryStatus = json(
        &reply(
            &app,
            &senco,
            sam_id,
            &read(&piece),
            "needs_revision",
            "Say how you will know it worked.",
        )
        .await,
    );
    assert_eq!(status, EntryStatus::NeedsRevision);

    // Every answer carries the reply and its decision; the queue moves on to Ella.
    for id in [TRIED, HAPPENED, NEXT, REFLECTION] {
        let detail: EntryDetail = json(&app.call::<LogEntry>(&[("id", id)], Some(&sam)).await);
        assert_eq!(detail.summary.status, EntryStatus::NeedsRevision, "{id}");
        assert_eq!(detail.feedback.len(), 1, "{id}");
        assert_eq!(detail.feedback[0].body, "Say how you will know it worked.");
    }
    let queue: QueueView = json(&app.call::<ReviewQueue>(&[], Some(&senco)).await);
    assert_eq!(queue.items.len(), 1);
    let piece: PieceDetail = open_piece(&app, &senco, sam_id).await;
    assert!(piece.waiting.is_empty());
    assert_eq!(piece.answered.len(), 4, "what was answered stays readable");

    // From Ella's single answer, nothing else is waiting.
    let single: ReviewDetail = json(
        &app.call::<ReviewEntry>(&[("id", ELLAS)], Some(&senco))
            .await,
    );
    assert_eq!(single.next, None);
}

#[tokio::test]
async fn a_reply_about_a_piece_that_changed_while_it_was_read_records_nothing() {
    let app = TestApp::new().await;
    let (sam, _ella, sam_id) = submitted(&app).await;
    let senco = app.sign_in(SENCO).await;
    let piece: PieceDetail = open_piece(&app, &senco, sam_id).await;
    let seen = read(&piece);

    // Sam edits one answer (a new draft takes it out of review) while the SENCo reads.
    let r = app
        .call::<SaveAnswer>(
            &[
                ("op_id", "30000000-0000-4000-8000-000000000001"),
                ("entry_id", TRIED),
                ("section_key", "m1.practice"),
                ("prompt_key", "tried"),
                ("base_rev", "1"),
                ("body", "A visual timetable, and a now-and-next board"),
            ],
            Some(&sam),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = reply(&app, &senco, sam_id, &seen, "reviewed", "Lovely").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains("changed while you were reading"),
        "{}",
        r.body
    );
    for id in [HAPPENED, NEXT, REFLECTION] {
        let detail: EntryDetail = json(&app.call::<LogEntry>(&[("id", id)], Some(&sam)).await);
        assert_eq!(
            detail.summary.status,
            EntryStatus::Submitted,
            "nothing recorded for {id}"
        );
        assert!(detail.feedback.is_empty());
    }
    // A list that leaves an answer out, or names it at an old version, is refused too.
    let piece: PieceDetail = open_piece(&app, &senco, sam_id).await;
    let fresh = read(&piece);
    let short = fresh.split(',').skip(1).collect::<Vec<_>>().join(",");
    for entries in [short.as_str(), "nonsense", &fresh.replace(":1", ":9")] {
        let r = reply(&app, &senco, sam_id, entries, "reviewed", "").await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{entries}: {}",
            r.body
        );
    }
    let status: EntryStatus = json(&reply(&app, &senco, sam_id, &fresh, "reviewed", "").await);
    assert_eq!(status, EntryStatus::Reviewed);
}

#[tokio::test]
async fn a_piece_is_refused_to_everyone_but_the_setting_senco() {
    let app = TestApp::new().await;
    let (sam, ella, sam_id) = submitted(&app).await;
    let senco = app.sign_in(SENCO).await;
    let piece: PieceDetail = open_piece(&app, &senco, sam_id).await;
    let entries = read(&piece);
    app.person_elsewhere("senco@riverside.example", Role::Senco)
        .await;
    let other_senco = app.sign_in("senco@riverside.example").await;
    let admin = app.sign_in(ADMIN).await;
    let author = sam_id.to_string();
    let open = [("author", author.as_str()), ("module", "m1")];
    let act = [
        ("author", author.as_str()),
        ("module", "m1"),
        ("entries", entries.as_str()),
        ("action", "reviewed"),
        ("comment", ""),
    ];
    for (endpoint, form) in [
        (Endpoint::of::<ReviewPiece>(), &open[..]),
        (Endpoint::of::<ReviewActPiece>(), &act[..]),
    ] {
        assert_eq!(
            app.call_at(endpoint, form, None).await.status,
            StatusCode::UNAUTHORIZED
        );
        for cookie in [&sam, &ella, &admin] {
            assert_eq!(
                app.call_at(endpoint, form, Some(cookie)).await.status,
                StatusCode::FORBIDDEN,
                "{endpoint}"
            );
        }
        // Another setting's SENCo finds no such piece.
        assert_eq!(
            app.call_at(endpoint, form, Some(&other_senco)).await.status,
            StatusCode::NOT_FOUND,
            "{endpoint}"
        );
    }
    // A module the person has nothing in, or that is not a module, is not found either.
    for module in ["m5", "m1' OR 1=1 --", ""] {
        let r = app
            .call::<ReviewPiece>(&[("author", &author), ("module", module)], Some(&senco))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{module}");
    }
    // Nothing refused was recorded; only the SENCo's own reading is in Sam's trail.
    let detail: EntryDetail = json(&app.call::<LogEntry>(&[("id", TRIED)], Some(&sam)).await);
    assert_eq!(detail.summary.status, EntryStatus::Submitted);
    assert!(
        detail.viewed_by.iter().all(|a| a.who == "Priya Shah"),
        "{:?}",
        detail.viewed_by
    );
}

#[tokio::test]
async fn a_reply_sent_again_after_its_answer_was_lost_is_recorded_once() {
    let app = TestApp::new().await;
    let (sam, _ella, sam_id) = submitted(&app).await;
    let senco = app.sign_in(SENCO).await;
    let piece: PieceDetail = open_piece(&app, &senco, sam_id).await;
    assert_ne!(
        piece.op,
        open_piece(&app, &senco, sam_id).await.op,
        "each page has its own"
    );
    let send = |action: &'static str, comment: &'static str, op: String| {
        let (app, senco, entries) = (&app, senco.clone(), read(&piece));
        async move {
            app.call::<ReviewActPiece>(
                &[
                    ("author", &sam_id.to_string()),
                    ("module", "m1"),
                    ("entries", &entries),
                    ("action", action),
                    ("comment", comment),
                    ("op", &op),
                ],
                Some(&senco),
            )
            .await
        }
    };
    // Feedback leaves the answers waiting, so a second try would pass every other check.
    for _ in 0..2 {
        let status: EntryStatus = json(&send("comment", "Good start", piece.op.clone()).await);
        assert_eq!(status, EntryStatus::Submitted);
    }
    let detail: EntryDetail = json(&app.call::<LogEntry>(&[("id", TRIED)], Some(&sam)).await);
    assert_eq!(detail.feedback.len(), 1, "{:?}", detail.feedback);

    // A decision sent twice gets its first answer again, not "already reviewed".
    let op = open_piece(&app, &senco, sam_id).await.op;
    for _ in 0..2 {
        let status: EntryStatus = json(&send("reviewed", "", op.clone()).await);
        assert_eq!(status, EntryStatus::Reviewed);
    }
    let detail: EntryDetail = json(&app.call::<LogEntry>(&[("id", TRIED)], Some(&sam)).await);
    assert_eq!(
        detail.feedback.len(),
        2,
        "the feedback and the one decision"
    );

    // The same on a single answer's page.
    let single: ReviewDetail = json(
        &app.call::<ReviewEntry>(&[("id", ELLAS)], Some(&senco))
            .await,
    );
    let rev = single.rev.to_string();
    let act = |cookie: String| {
        let (app, rev, op) = (&app, rev.clone(), single.op.clone());
        async move {
            let form = [
                ("id", ELLAS),
                ("rev", rev.as_str()),
                ("action", "comment"),
                ("comment", "Thank you"),
                ("op", op.as_str()),
            ];
            app.call::<ReviewAct>(&form, Some(&cookie)).await
        }
    };
    for _ in 0..2 {
        let r = act(senco.clone()).await;
        assert_eq!(json::<EntryStatus>(&r), EntryStatus::Submitted);
    }
    let ella = app.sign_in(ELLA).await;
    let detail: EntryDetail = json(&app.call::<LogEntry>(&[("id", ELLAS)], Some(&ella)).await);
    assert_eq!(detail.feedback.len(), 1);
    // Someone else's reply id is not a way to learn its answer, or to skip the checks.
    app.person_elsewhere("senco@riverside.example", Role::Senco)
        .await;
    let r = act(app.sign_in("senco@riverside.example").await).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
}
