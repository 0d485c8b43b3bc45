//! The self-review a CPD plan starts from, through the router: saved and read back by its
//! author only, refused plainly when incomplete (keeping what was typed), and gone with an
//! erased account's data.

use crate::common::*;
use app::api::plan::{MySelfReview, SaveSelfReview, SelfReviewView};
use http::StatusCode;

const RATED: [(&str, &str); 6] = [
    ("adaptive_teaching_rating", "3"),
    ("identifying_needs_rating", "2"),
    ("participation_rating", "1"),
    ("outcomes_rating", "1"),
    ("graduated_approach_rating", "4"),
    ("evidence_rating", "3"),
];

#[tokio::test]
async fn a_self_review_is_saved_suggests_modules_and_is_seen_by_its_author_only() {
    let app = TestApp::new().await;
    let (sam, ella, senco) = (
        app.sign_in(SAM).await,
        app.sign_in(ELLA).await,
        app.sign_in(SENCO).await,
    );
    let empty: SelfReviewView = json(&app.call::<MySelfReview>(&[], Some(&sam)).await);
    assert!(empty.review.is_none() && empty.suggestions.is_empty());

    let mut form = RATED.to_vec();
    form.push((
        "participation_words",
        "  I ask, but it rarely changes my plans. ",
    ));
    form.push(("learners", "J, Year 4"));
    let r = app.call::<SaveSelfReview>(&form, Some(&sam)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mine: SelfReviewView = json(&app.call::<MySelfReview>(&[], Some(&sam)).await);
    let review = mine.review.expect("saved");
    assert_eq!(review.answers.len(), 6);
    assert_eq!(
        review.answers[2].words,
        "I ask, but it rarely changes my plans."
    );
    assert_eq!(review.learners, "J, Year 4");
    let suggested: Vec<&str> = mine.suggestions.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(suggested, ["m3", "m4"], "the areas rated lowest");

    // Private: a colleague and the SENCo each see only their own (Ella's from the demo).
    let ellas: SelfReviewView = json(&app.call::<MySelfReview>(&[], Some(&ella)).await);
    assert_eq!(
        ellas.review.unwrap().learners,
        "A, Year 2, speech and language needs"
    );
    let sencos: SelfReviewView = json(&app.call::<MySelfReview>(&[], Some(&senco)).await);
    assert!(sencos.review.is_none());
    for endpoint in [
        Endpoint::of::<MySelfReview>(),
        Endpoint::of::<SaveSelfReview>(),
    ] {
        assert_eq!(
            app.call_at(endpoint, &form, None).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
}

#[tokio::test]
async fn an_incomplete_self_review_is_refused_field_by_field_and_keeps_what_was_typed() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    let long = "a".repeat(domain::self_review::MAX_WORDS_CHARS + 1);
    let form = [
        ("adaptive_teaching_rating", "3"),
        ("identifying_needs_rating", "7"),
        ("evidence_words", long.as_str()),
        ("learners", "J, Year 4"),
    ];
    let r = app.call::<SaveSelfReview>(&form, Some(&sam)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    for field in [
        "identifying_needs_rating",
        "participation_rating",
        "evidence_words",
    ] {
        assert!(r.body.contains(field), "{field}: {}", r.body);
    }
    let mine: SelfReviewView = json(&app.call::<MySelfReview>(&[], Some(&sam)).await);
    assert!(mine.review.is_none(), "nothing half-saved");

    // As a plain form (no script yet), it comes back to the page with the words kept.
    let r = app
        .call_with::<SaveSelfReview>(&form, Some(&sam), &[("accept", "text/html")])
        .await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.body);
    let to = r.headers[http::header::LOCATION].to_str().unwrap();
    assert!(to.starts_with("/plan?"), "{to}");
    assert!(to.contains("learners=J%2C%20Year%204"), "{to}");
    assert!(to.contains("adaptive_teaching_rating=3"), "{to}");
}

mod goals {
    use super::*;
    use app::api::plan::{
        AgreePlan, CommentOnPlan, PlanView, ReadPlan, SavePlan, SharePlan, SharedPlanRow,
        SharedPlans,
    };
    use domain::model::Role;
    use domain::plan::{Agreement, EventKind};

    async fn save(app: &TestApp, cookie: &str, owner: &str, base_rev: &str, goal: &str) -> Reply {
        let form = [
            ("owner", owner),
            ("base_rev", base_rev),
            ("goal1", goal),
            ("modules1[]", "m4"),
            ("modules1[]", "m1"),
            ("learners1", "J, Year 4"),
            ("goal3", "Use what learners tell me when planning"),
        ];
        app.call::<SavePlan>(&form, Some(cookie)).await
    }

    async fn read(app: &TestApp, cookie: &str, owner: i64) -> Reply {
        app.call::<ReadPlan>(&[("owner", &owner.to_string())], Some(cookie))
            .await
    }

    #[tokio::test]
    async fn a_plan_is_written_shared_talked_over_and_agreed_together() {
        let app = TestApp::new().await;
        let (sam, senco) = (app.sign_in(SAM).await, app.sign_in(SENCO).await);
        let sam_id = app.user_id(SAM).await;

        let r = save(
            &app,
            &sam,
            "",
            "0",
            "  Help J join in from the start of lessons ",
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let mine: PlanView = json(&read(&app, &sam, 0).await);
        assert_eq!(mine.rev, 1);
        assert_eq!(mine.goals.len(), 2, "the empty second slot is left out");
        assert_eq!(
            mine.goals[0].words,
            "Help J join in from the start of lessons"
        );
        assert_eq!(mine.goals[0].modules, ["m1", "m4"], "in the course's order");
        assert!(!mine.shared);

        // Private: the SENCo finds nothing, and her list is empty.
        assert_eq!(
            read(&app, &senco, sam_id).await.status,
            StatusCode::NOT_FOUND
        );
        let list: Vec<SharedPlanRow> = json(&app.call::<SharedPlans>(&[], Some(&senco)).await);
        assert!(list.iter().all(|p| p.owner_id != sam_id), "{list:?}");

        assert_eq!(
            app.call::<SharePlan>(&[("share", "true")], Some(&sam))
                .await
                .status,
            StatusCode::OK
        );
        let list: Vec<SharedPlanRow> = json(&app.call::<SharedPlans>(&[], Some(&senco)).await);
        let sams = list
            .iter()
            .find(|p| p.owner_id == sam_id)
            .expect("Sam's plan is listed");
        assert_eq!((sams.goals, sams.agreed), (2, false));
        let theirs: PlanView = json(&read(&app, &senco, sam_id).await);
        assert!(
            !theirs.mine && theirs.read_by.is_empty(),
            "reads are shown to the author only"
        );
        let comment = [
            ("owner", sam_id.to_string()),
            ("rev", "1".to_string()),
            (
                "comment",
                "Could goal 1 say how you will know J has joined in?".to_string(),
            ),
        ];
        let comment: Vec<(&str, &str)> = comment.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            app.call::<CommentOnPlan>(&comment, Some(&senco))
                .await
                .status,
            StatusCode::OK
        );
        // The SENCo agrees version 1; Sam changes it, so it is open again, then both agree.
        let agree = |owner: i64, rev: &'static str| {
            [("owner", owner.to_string()), ("rev", rev.to_string())]
        };
        let form = agree(sam_id, "1");
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            app.call::<AgreePlan>(&form, Some(&senco)).await.status,
            StatusCode::OK
        );
        let mine: PlanView = json(&read(&app, &sam, 0).await);
        assert_eq!(mine.agreement, Agreement::BySenco);
        assert_eq!(mine.read_by[0].0, "Priya Shah", "her reading is audited");
        let r = save(
            &app,
            &sam,
            "",
            "1",
            "Help J join in, and know it from what J does",
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        for (cookie, owner) in [(&sam, 0), (&senco, sam_id)] {
            let form = agree(owner, "2");
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            assert_eq!(
                app.call::<AgreePlan>(&form, Some(cookie)).await.status,
                StatusCode::OK
            );
        }
        let mine: PlanView = json(&read(&app, &sam, 0).await);
        assert_eq!(mine.agreement, Agreement::Agreed);

        // The SENCo's change from an old page does not overwrite Sam's: refused, kept.
        let r = save(&app, &senco, &sam_id.to_string(), "1", "An older idea").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(
            r.body.contains("changed while you had it open"),
            "{}",
            r.body
        );
        let mine: PlanView = json(&read(&app, &sam, 0).await);
        assert_eq!(
            mine.goals[0].words,
            "Help J join in, and know it from what J does"
        );

        // Every step is in the history, with who did it.
        let kinds: Vec<EventKind> = mine.history.iter().map(|h| h.kind).collect();
        use EventKind::*;
        assert_eq!(
            kinds,
            [Saved, Shared, Comment, Agreed, Saved, Agreed, Agreed]
        );
        assert_eq!(mine.history[2].who, "Priya Shah");
        assert_eq!(mine.history[0].who, "You");
    }

    #[tokio::test]
    async fn a_plan_is_refused_to_all_but_its_author_and_the_senco_she_shares_it_with() {
        let app = TestApp::new().await;
        let (sam, ella, admin, senco) = (
            app.sign_in(SAM).await,
            app.sign_in(ELLA).await,
            app.sign_in(ADMIN).await,
            app.sign_in(SENCO).await,
        );
        let sam_id = app.user_id(SAM).await;
        app.person_elsewhere("senco@riverside.example", Role::Senco)
            .await;
        let elsewhere = app.sign_in("senco@riverside.example").await;
        let r = save(&app, &sam, "", "0", "Help J join in").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(
            app.call::<SharePlan>(&[("share", "true")], Some(&sam))
                .await
                .status,
            StatusCode::OK
        );
        let owner = sam_id.to_string();
        let endpoints: [(Endpoint, Vec<(&str, &str)>); 4] = [
            (Endpoint::of::<ReadPlan>(), vec![("owner", &owner)]),
            (
                Endpoint::of::<SavePlan>(),
                vec![("owner", &owner), ("base_rev", "1"), ("goal1", "Mine now")],
            ),
            (
                Endpoint::of::<CommentOnPlan>(),
                vec![("owner", &owner), ("rev", "1"), ("comment", "Hello")],
            ),
            (
                Endpoint::of::<AgreePlan>(),
                vec![("owner", &owner), ("rev", "1")],
            ),
        ];
        for (endpoint, form) in &endpoints {
            assert_eq!(
                app.call_at(*endpoint, form, None).await.status,
                StatusCode::UNAUTHORIZED
            );
            // Another practitioner and the admin: not theirs to read.
            for cookie in [&ella, &admin] {
                assert_eq!(
                    app.call_at(*endpoint, form, Some(cookie)).await.status,
                    StatusCode::FORBIDDEN,
                    "{endpoint}"
                );
            }
            // Another setting's SENCo finds no such plan.
            assert_eq!(
                app.call_at(*endpoint, form, Some(&elsewhere)).await.status,
                StatusCode::NOT_FOUND,
                "{endpoint}"
            );
        }
        assert_eq!(
            app.call::<SharedPlans>(&[], Some(&sam)).await.status,
            StatusCode::FORBIDDEN
        );
        // Withdrawn: her own SENCo is refused everything, reading included.
        assert_eq!(
            app.call::<SharePlan>(&[("share", "false")], Some(&sam))
                .await
                .status,
            StatusCode::OK
        );
        for (endpoint, form) in &endpoints {
            assert_eq!(
                app.call_at(*endpoint, form, Some(&senco)).await.status,
                StatusCode::NOT_FOUND,
                "{endpoint}"
            );
        }
        let mine: PlanView = json(&read(&app, &sam, 0).await);
        assert_eq!(
            mine.goals[0].words, "Help J join in",
            "nothing refused was written"
        );
        assert_eq!(mine.history.len(), 3, "saved, shared, withdrawn");
        assert!(mine.read_by.is_empty(), "a refused read is not a read");
    }

    /// The outbox sends a plain form again when its answer was lost: the form's id (`op`)
    /// makes each write happen once, and the repeat is answered as the first was.
    #[tokio::test]
    async fn a_plan_form_sent_again_is_done_once_and_its_id_is_hers_alone() {
        let app = TestApp::new().await;
        let (sam, senco) = (app.sign_in(SAM).await, app.sign_in(SENCO).await);
        let goals = [
            ("owner", ""),
            ("base_rev", "0"),
            ("goal1", "Help J settle after break"),
            ("op", "goals-op-0001"),
        ];
        for _ in 0..2 {
            let r = app.call::<SavePlan>(&goals, Some(&sam)).await;
            assert_eq!(
                r.status,
                StatusCode::OK,
                "a repeat is not stale: {}",
                r.body
            );
        }
        let mine: PlanView = json(&read(&app, &sam, 0).await);
        assert_eq!(mine.rev, 1, "saved once");
        let comment = [
            ("owner", "0"),
            ("rev", "1"),
            ("comment", "Talked to J's TA about it"),
            ("op", "comment-op-0001"),
        ];
        for _ in 0..2 {
            let r = app.call::<CommentOnPlan>(&comment, Some(&sam)).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
        // A second comment from the same page offline carries its own id: said too.
        let other = [
            ("owner", "0"),
            ("rev", "1"),
            ("comment", "And to J"),
            ("op", "comment-op-0002"),
        ];
        assert_eq!(
            app.call::<CommentOnPlan>(&other, Some(&sam)).await.status,
            StatusCode::OK
        );
        let said = |v: &PlanView, words: &str| {
            v.history
                .iter()
                .filter(|h| h.kind == EventKind::Comment && h.comment.as_deref() == Some(words))
                .count()
        };
        let mine: PlanView = json(&read(&app, &sam, 0).await);
        assert_eq!(said(&mine, "Talked to J's TA about it"), 1);
        assert_eq!(said(&mine, "And to J"), 1);

        // Someone else's id, or one that is not an id, is refused and writes nothing.
        assert_eq!(
            app.call::<SharePlan>(&[("share", "true")], Some(&sam))
                .await
                .status,
            StatusCode::OK
        );
        let sam_id = app.user_id(SAM).await.to_string();
        for op in ["comment-op-0001", "not an id; DROP TABLE"] {
            let theirs = [
                ("owner", sam_id.as_str()),
                ("rev", "1"),
                ("comment", "Looks good"),
                ("op", op),
            ];
            let r = app.call::<CommentOnPlan>(&theirs, Some(&senco)).await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{op}: {}",
                r.body
            );
            assert!(r.body.contains("reload the page"), "{}", r.body);
        }
        let mine: PlanView = json(&read(&app, &sam, 0).await);
        assert_eq!(said(&mine, "Looks good"), 0);
    }

    #[tokio::test]
    async fn goals_that_do_not_check_out_are_refused_field_by_field() {
        let app = TestApp::new().await;
        let sam = app.sign_in(SAM).await;
        let long = "x".repeat(domain::plan::MAX_GOAL_CHARS + 1);
        let form = [
            ("base_rev", "0"),
            ("modules1[]", "m2"),
            ("goal2", long.as_str()),
            ("goal3", "Fine"),
            ("modules3[]", "m99"),
        ];
        let r = app.call::<SavePlan>(&form, Some(&sam)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        for field in ["goal1", "goal2", "modules3"] {
            assert!(r.body.contains(field), "{field}: {}", r.body);
        }
        let mine: PlanView = json(&read(&app, &sam, 0).await);
        assert_eq!(mine.rev, 0, "nothing kept");
        // Sharing a plan that does not exist yet is refused too.
        let r = app
            .call::<SharePlan>(&[("share", "true")], Some(&sam))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    }
}

mod need {
    use super::*;
    use app::api::plan::PictureOfNeed;
    use domain::model::{Role, Sector};
    use domain::plan::{Goal, NeedPicture};
    use domain::self_review::{Answer, Area};
    use services::store::{plans, self_reviews, users};

    /// A member of Sam's setting with a self-review rating every area `rating`, and a plan
    /// linking module 4, shared or not.
    async fn colleague(app: &TestApp, n: usize, rating: u8, shared: bool) {
        let db = &app.state.db;
        let setting_id = users::setting_of(db, app.user_id(SAM).await)
            .await
            .unwrap()
            .unwrap();
        let email = format!("colleague{n}@oakfield.example");
        let user = users::NewUser {
            email: &email,
            display_name: &email,
            password_hash: "x",
            role: Role::Practitioner,
            setting_id,
            sector: Sector::SchoolAge,
            email_proved: true,
        };
        let id = users::create(db, &user).await.unwrap();
        let answers: Vec<Answer> = Area::ALL
            .into_iter()
            .map(|area| Answer {
                area,
                rating,
                words: String::new(),
            })
            .collect();
        self_reviews::save(db, id, self_reviews::Stage::Start, &answers, "")
            .await
            .unwrap();
        let goal = Goal {
            words: "A goal".into(),
            modules: vec!["m4".into()],
            learners: String::new(),
        };
        plans::save(db, id, (id, plans::Side::Author), 0, &[goal], None)
            .await
            .unwrap();
        if shared {
            plans::set_shared(db, id, true).await.unwrap();
        }
    }

    async fn picture(app: &TestApp, cookie: &str, sector: &str, role: &str) -> NeedPicture {
        json(
            &app.call::<PictureOfNeed>(&[("sector", sector), ("role", role)], Some(cookie))
                .await,
        )
    }

    #[tokio::test]
    async fn a_network_moderator_sees_counts_per_setting_and_never_a_person() {
        use app::api::plan::{NetworkNeed, NetworkNeedView, ReadPlan};
        let app = TestApp::new().await;
        app.only_ella_shares().await;
        for n in 1..=5 {
            colleague(&app, n, 1, true).await;
        }
        // Niamh, in the network's other setting, moderates it (the demo's network is 1).
        let moderator = "niamh.doherty@riversidebridge.example";
        let niamh = app.user_id(moderator).await;
        assert!(
            services::store::networks::add_moderator(&app.state.db, 1, niamh)
                .await
                .unwrap()
        );
        let bridge = app.sign_in(moderator).await;
        let views: Vec<NetworkNeedView> = json(&app.call::<NetworkNeed>(&[], Some(&bridge)).await);
        assert_eq!(views.len(), 1);
        let oakfield = services::store::settings::list(&app.state.db)
            .await
            .unwrap()[0]
            .name
            .clone();
        let oak = views[0]
            .settings
            .iter()
            .find(|s| s.setting == oakfield)
            .expect("Oakfield's row");
        assert_eq!(oak.people, Some(6), "five colleagues and Ella share");
        let outcomes = oak
            .needing
            .iter()
            .find(|(a, _)| *a == Area::Outcomes)
            .unwrap();
        assert_eq!(outcomes.1, Some(6));
        // Her own setting has nobody sharing: no row, and nothing about anyone.
        assert_eq!(views[0].settings.len(), 1, "{views:?}");
        let body = app.call::<NetworkNeed>(&[], Some(&bridge)).await.body;
        assert!(
            !body.contains("colleague1") && !body.contains("Ella"),
            "{body}"
        );

        // Asking for individuals: their plans and the setting's own picture are refused.
        for owner in [
            app.user_id(ELLA).await,
            app.user_id("colleague1@oakfield.example").await,
        ] {
            let r = app
                .call::<ReadPlan>(&[("owner", &owner.to_string())], Some(&bridge))
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        }
        let r = app.call::<PictureOfNeed>(&[], Some(&bridge)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        // Someone who moderates nothing (the SENCo included) sees no network.
        for who in [SAM, SENCO] {
            let cookie = app.sign_in(who).await;
            let none: Vec<NetworkNeedView> =
                json(&app.call::<NetworkNeed>(&[], Some(&cookie)).await);
            assert!(none.is_empty(), "{who}");
        }
        assert_eq!(
            app.call::<NetworkNeed>(&[], None).await.status,
            StatusCode::UNAUTHORIZED
        );
    }

    #[tokio::test]
    async fn the_picture_of_need_counts_only_shared_plans_and_hides_small_groups() {
        let app = TestApp::new().await;
        app.only_ella_shares().await;
        let senco = app.sign_in(SENCO).await;
        // Ella (the demo) shares her plan; three colleagues share theirs, one does not.
        for n in 1..=3 {
            colleague(&app, n, 1, true).await;
        }
        colleague(&app, 9, 4, false).await;
        let p = picture(&app, &senco, "", "").await;
        assert_eq!(p.people, None, "four people: nothing shown");
        assert!(p.areas.is_empty() && p.modules.is_empty());

        colleague(&app, 4, 1, true).await;
        let p = picture(&app, &senco, "", "").await;
        assert_eq!(p.people, Some(5), "the private plan is not counted");
        let evidence = p.areas.iter().find(|a| a.0 == Area::Evidence).unwrap();
        // Four colleagues need to grow and Ella feels confident: 4 and 1, both hidden.
        assert_eq!((evidence.1, evidence.2), (None, None));
        let outcomes = p.areas.iter().find(|a| a.0 == Area::Outcomes).unwrap();
        assert_eq!(
            (outcomes.1, outcomes.2),
            (Some(5), Some(0)),
            "Ella rated it 2 too"
        );
        let m4 = p
            .modules
            .iter()
            .find(|m| m.0.starts_with("Module 4"))
            .unwrap();
        assert_eq!(m4.1, Some(5));

        // Narrowed to SENCos (none) or to Early Years (Ella alone): nobody to show.
        assert_eq!(picture(&app, &senco, "", "senco").await.people, Some(0));
        assert_eq!(picture(&app, &senco, "early_years", "").await.people, None);
        // Nonsense filters count as none.
        assert_eq!(
            picture(&app, &senco, "x' OR 1=1", "nobody").await.people,
            Some(5)
        );

        // Only a SENCo asks, and only about her own setting.
        for who in [SAM, ADMIN] {
            let cookie = app.sign_in(who).await;
            let r = app.call::<PictureOfNeed>(&[], Some(&cookie)).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
        }
        assert_eq!(
            app.call::<PictureOfNeed>(&[], None).await.status,
            StatusCode::UNAUTHORIZED
        );
        app.person_elsewhere("senco@riverside.example", Role::Senco)
            .await;
        let elsewhere = app.sign_in("senco@riverside.example").await;
        assert_eq!(picture(&app, &elsewhere, "", "").await.people, Some(0));
    }
}

/// From need to action: the SENCo proposes, each person answers for herself.
mod proposals {
    use super::*;
    use app::api::proposals::{
        AnswerOffer, OfferView, Offers, ProposalView, Proposals, Propose, WithdrawProposal,
    };

    async fn answer(app: &TestApp, cookie: &str, id: &str, join: &str) -> Reply {
        app.call::<AnswerOffer>(&[("id", id), ("join", join)], Some(cookie))
            .await
    }

    async fn offered(app: &TestApp, cookie: &str) -> Vec<OfferView> {
        json(&app.call::<Offers>(&[], Some(cookie)).await)
    }

    #[tokio::test]
    async fn a_proposal_reaches_the_staff_it_is_for_who_each_choose_and_the_senco_sees_who_added_it(
    ) {
        let app = TestApp::new().await;
        let (sam, ella, senco) = (
            app.sign_in(SAM).await,
            app.sign_in(ELLA).await,
            app.sign_in(SENCO).await,
        );
        // Refused, every problem named, and as a plain form what was typed comes back.
        let bad = [
            ("kind", "session"),
            ("area", "outcomes"),
            ("sector", "school_age"),
            ("title", ""),
            ("day", "2001-01-01"),
            ("details", "Bring a target."),
        ];
        let r = app.call::<Propose>(&bad, Some(&senco)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(
            r.body.contains("title") && r.body.contains("That day has passed"),
            "{}",
            r.body
        );
        let r = app
            .call_with::<Propose>(&bad, Some(&senco), &[("accept", "text/html")])
            .await;
        let to = r.headers[http::header::LOCATION].to_str().unwrap();
        assert!(
            to.starts_with("/plan/proposals?") && to.contains("details=Bring%20a%20target."),
            "{to}"
        );

        let good = [
            ("kind", "inset"),
            ("area", "participation"),
            ("sector", "school_age"),
            ("title", "Hearing the learner's voice"),
            ("day", ""),
            ("details", ""),
        ];
        let r = app.call::<Propose>(&good, Some(&senco)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let mine: Vec<ProposalView> = json(&app.call::<Proposals>(&[], Some(&senco)).await);
        let p = mine
            .iter()
            .find(|p| p.title == "Hearing the learner's voice")
            .unwrap();
        assert_eq!(p.for_whom, "School age");
        assert!(p.joined.is_empty());
        let id = p.id.clone();

        // School-age Sam is offered it; Ella (Early Years) is not, and cannot answer it.
        assert!(offered(&app, &sam)
            .await
            .iter()
            .any(|o| o.id == id && o.joined.is_none()));
        assert!(!offered(&app, &ella).await.iter().any(|o| o.id == id));
        assert_eq!(
            answer(&app, &ella, &id, "true").await.status,
            StatusCode::NOT_FOUND
        );

        // Sam adds it: the SENCo sees her name. She changes her mind: the SENCo sees nobody.
        assert_eq!(answer(&app, &sam, &id, "true").await.status, StatusCode::OK);
        let joined = |v: Vec<ProposalView>| v.into_iter().find(|p| p.id == id).unwrap().joined;
        assert_eq!(
            joined(json(&app.call::<Proposals>(&[], Some(&senco)).await)),
            ["Sam Taylor"]
        );
        assert_eq!(
            answer(&app, &sam, &id, "false").await.status,
            StatusCode::OK
        );
        assert!(joined(json(&app.call::<Proposals>(&[], Some(&senco)).await)).is_empty());
        assert_eq!(
            offered(&app, &sam)
                .await
                .iter()
                .find(|o| o.id == id)
                .unwrap()
                .joined,
            Some(false)
        );

        // Withdrawn: only the SENCo may; then gone for Sam, who had not kept it on her plan.
        let withdraw = [("id", id.as_str())];
        assert_eq!(
            app.call::<WithdrawProposal>(&withdraw, Some(&sam))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.call::<WithdrawProposal>(&withdraw, Some(&senco))
                .await
                .status,
            StatusCode::OK
        );
        assert!(!offered(&app, &sam).await.iter().any(|o| o.id == id));
        assert_eq!(
            answer(&app, &sam, &id, "true").await.status,
            StatusCode::NOT_FOUND
        );
        // Withdrawn again (a lost answer, a second tab): done, still called off once.
        assert_eq!(
            app.call::<WithdrawProposal>(&withdraw, Some(&senco))
                .await
                .status,
            StatusCode::OK
        );
        assert_eq!(
            app.call::<WithdrawProposal>(&[("id", "no-such-proposal")], Some(&senco))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }

    #[tokio::test]
    async fn a_proposal_sent_again_is_kept_once() {
        let app = TestApp::new().await;
        let (senco, sam) = (app.sign_in(SENCO).await, app.sign_in(SAM).await);
        let form = [
            ("kind", "session"),
            ("area", "outcomes"),
            ("sector", ""),
            ("title", "Outcomes with learners, twice sent"),
            ("day", ""),
            ("details", ""),
            ("op", "proposal-op-0001"),
        ];
        for _ in 0..2 {
            let r = app.call::<Propose>(&form, Some(&senco)).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
        let titled = |v: Vec<ProposalView>| {
            v.iter()
                .filter(|p| p.title == "Outcomes with learners, twice sent")
                .count()
        };
        assert_eq!(
            titled(json(&app.call::<Proposals>(&[], Some(&senco)).await)),
            1
        );
        assert_eq!(
            offered(&app, &sam)
                .await
                .iter()
                .filter(|o| o.title == "Outcomes with learners, twice sent")
                .count(),
            1
        );
    }
}
