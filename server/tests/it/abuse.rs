//! The abuse suite: every server function and plain route, called by nobody, by each role
//! that may not, with another setting's ids, and with malformed and oversized arguments.
//! Each must answer its documented refusal, never a 5xx or a panic, and a refused request
//! must change no row.

use crate::common::*;
use app::api::admin::{
    ChangeRole, ConfirmMember, CreateInvite, InviteCodes, RevokeInvite, SetMemberActive,
    SetTermDates, SetTimeZone, Staff, TermDates,
};
use app::api::auth::{CurrentMe, Join, SignIn, SignOut};
use app::api::check_in::{CheckIn, CheckInReminder, EndReview, SaveEndReview, SetPlanStart};
use app::api::community::{
    AcceptAnswer, AnswerNetwork, CommunityCompose, CommunityPost, CommunityReports, CommunitySpace,
    DeletePost, FollowPost, FollowedPosts, MarkHelpful, Moderate, OpenReports, PostReply,
    PublishPost, ReportPost, TriedThis,
};
use app::api::community_sessions::{
    Attend, CommunitySessions, Rsvp, ScheduleSession, SessionNotes,
};
use app::api::course::{CourseOverview, ModuleView, RecordProgress, SectionView};
use app::api::data_protection::{
    DataProtection, ErasePerson, PrivacyNotice, SavePrivacyNotice, SaveRetention,
};
use app::api::guide::FacilitatorGuide;
use app::api::learning_log::{
    DueFollowUps, FeedbackWaiting, LogEntry, LogExport, LogList, SaveAnswer, SaveSection,
    SectionAnswers, SubmitEntries,
};
use app::api::password_reset::{
    ForgotPassword, MakeResetCode, ResetLinkWorks, ResetNotice, ResetPassword, ResetsByEmail,
    ShowResetCode,
};
use app::api::plan::{
    AgreePlan, CommentOnPlan, MySelfReview, NetworkNeed, PictureOfNeed, ReadPlan, SavePlan,
    SaveSelfReview, SharePlan, SharedPlans,
};
use app::api::profile::{
    ChangePassword, CommunityProfile, RemoveSignInLink, SaveCommunityProfile, SavePreferences,
    SignInLinks, UpdateProfile,
};
use app::api::proof::{EnterProofCode, LinkWithPassword, ProofStatus, SendProofCode};
use app::api::proposals::{AnswerOffer, Offers, Proposals, Propose, WithdrawProposal};
use app::api::review::{MyEntryViews, Notices, ReviewAct, ReviewEntry, ReviewQueue};
use app::api::review_piece::{ReviewActPiece, ReviewPiece};
use app::api::single_sign_on::{
    SaveSso, SchoolSignInOffered, SsoRedirectUri, SsoSettings, TrustSignOn, TurnOffSso,
};
use app::api::staff::{StaffDashboard, StaffMember};
use app::api::staff_import::{ApplyImport, ImportCodes, ImportPreview};
use http::StatusCode;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anyone,
    SignedIn,
    Senco,
    Admin,
}

/// A server function with arguments that are valid for the person allowed to call it.
struct Function {
    endpoint: Endpoint,
    who: Who,
    args: Vec<(&'static str, String)>,
}

const ENTRY: &str = "31111111-2222-4333-8444-555555555555";

fn functions(invite: &str, other_invite: &str, proposal: &str) -> Vec<Function> {
    let f = |endpoint, who, args: &[(&'static str, &str)]| Function {
        endpoint,
        who,
        args: args.iter().map(|(k, v)| (*k, v.to_string())).collect(),
    };
    vec![
        f(Endpoint::of::<CurrentMe>(), Who::Anyone, &[]),
        f(
            Endpoint::of::<SignIn>(),
            Who::Anyone,
            &[
                ("email", "nobody@oakfield.example"),
                ("password", "not it"),
                ("next", "/modules"),
            ],
        ),
        f(
            Endpoint::of::<SignOut>(),
            Who::Anyone,
            &[("session", "0000000000000000")],
        ),
        f(
            Endpoint::of::<Join>(),
            Who::Anyone,
            &[
                ("code", invite),
                ("display_name", "Pat Doe"),
                ("email", "pat.doe@oakfield.example"),
                ("password", "a long enough pass phrase"),
                ("sector", "school_age"),
            ],
        ),
        f(Endpoint::of::<PrivacyNotice>(), Who::Anyone, &[]),
        // The proof pages: the proof cookie is what they need (none here: not found).
        f(Endpoint::of::<ProofStatus>(), Who::Anyone, &[]),
        f(Endpoint::of::<SendProofCode>(), Who::Anyone, &[]),
        f(
            Endpoint::of::<EnterProofCode>(),
            Who::Anyone,
            &[("code", "123456")],
        ),
        f(
            Endpoint::of::<LinkWithPassword>(),
            Who::Anyone,
            &[("password", "a guess")],
        ),
        f(Endpoint::of::<SchoolSignInOffered>(), Who::Anyone, &[]),
        // A forgotten password (no email in these tests: asking for a link is refused).
        f(Endpoint::of::<ResetsByEmail>(), Who::Anyone, &[]),
        f(
            Endpoint::of::<ForgotPassword>(),
            Who::Anyone,
            &[("email", "sam@oakfield.example")],
        ),
        f(
            Endpoint::of::<ResetPassword>(),
            Who::Anyone,
            &[
                ("email", "sam@oakfield.example"),
                ("code", "ABCD-EFGH"),
                ("new_password", "a long enough pass phrase"),
                ("confirm_password", "a long enough pass phrase"),
            ],
        ),
        f(
            Endpoint::of::<ResetLinkWorks>(),
            Who::Anyone,
            &[("token", "not-a-token")],
        ),
        f(Endpoint::of::<ResetNotice>(), Who::SignedIn, &[]),
        f(
            Endpoint::of::<MakeResetCode>(),
            Who::Admin,
            &[("user_id", "4")],
        ),
        f(
            Endpoint::of::<ShowResetCode>(),
            Who::Admin,
            &[("id", "not-a-reset")],
        ),
        f(Endpoint::of::<SignInLinks>(), Who::SignedIn, &[]),
        f(
            Endpoint::of::<RemoveSignInLink>(),
            Who::SignedIn,
            &[("issuer", "https://idp.example"), ("subject", "nobody")],
        ),
        // Nobody waiting with this id: always refused.
        f(
            Endpoint::of::<ConfirmMember>(),
            Who::Admin,
            &[("user_id", "999999")],
        ),
        f(Endpoint::of::<SsoSettings>(), Who::Admin, &[]),
        f(Endpoint::of::<SsoRedirectUri>(), Who::Admin, &[]),
        f(Endpoint::of::<TrustSignOn>(), Who::Admin, &[]),
        f(
            Endpoint::of::<SaveSso>(),
            Who::Admin,
            &[
                ("kind", "google"),
                ("issuer", "https://accounts.google.com"),
                ("client_id", "tandem-client"),
                ("client_secret", "a-client-secret"),
                ("domains", "oakfield.example"),
                ("new_role", "practitioner"),
                ("password_allowed", "on"),
            ],
        ),
        f(Endpoint::of::<TurnOffSso>(), Who::Admin, &[]),
        f(Endpoint::of::<DataProtection>(), Who::Admin, &[]),
        f(
            Endpoint::of::<SaveRetention>(),
            Who::Admin,
            &[("years", "6"), ("keep_posts", "")],
        ),
        f(
            Endpoint::of::<SavePrivacyNotice>(),
            Who::Admin,
            &[("notice", "## Our notice\nWe keep records for six years.")],
        ),
        // Nobody with this id is in the setting: always refused.
        f(
            Endpoint::of::<ErasePerson>(),
            Who::Admin,
            &[("user_id", "999999"), ("confirm", "on")],
        ),
        f(
            Endpoint::of::<ImportPreview>(),
            Who::Admin,
            &[("id", "91111111-2222-4333-8444-555555555555")],
        ),
        f(
            Endpoint::of::<ApplyImport>(),
            Who::Admin,
            &[("id", "91111111-2222-4333-8444-555555555555")],
        ),
        f(
            Endpoint::of::<ImportCodes>(),
            Who::Admin,
            &[("id", "91111111-2222-4333-8444-555555555555")],
        ),
        f(Endpoint::of::<CourseOverview>(), Who::SignedIn, &[]),
        f(
            Endpoint::of::<ModuleView>(),
            Who::SignedIn,
            &[("key", "m1")],
        ),
        f(
            Endpoint::of::<SectionView>(),
            Who::SignedIn,
            &[
                ("module", "m1"),
                ("section", "knowledge"),
                ("sector", "post_16"),
            ],
        ),
        f(
            Endpoint::of::<RecordProgress>(),
            Who::SignedIn,
            &[
                ("op_id", "41111111-2222-4333-8444-555555555555"),
                ("section_key", "m1.knowledge"),
                ("kind", "time_spent"),
                ("seconds", "60"),
                ("client_time", "1800000000"),
            ],
        ),
        f(Endpoint::of::<FacilitatorGuide>(), Who::Senco, &[]),
        f(
            Endpoint::of::<SectionAnswers>(),
            Who::SignedIn,
            &[("section_key", "m1.reflection")],
        ),
        f(
            Endpoint::of::<SaveSection>(),
            Who::SignedIn,
            &[
                ("section_key", "m1.reflection"),
                ("answers[0][prompt_key]", "p1"),
                (
                    "answers[0][entry_id]",
                    "61111111-2222-4333-8444-555555555555",
                ),
                ("answers[0][base_rev]", "0"),
                ("answers[0][body]", "From the plain form."),
            ],
        ),
        f(
            Endpoint::of::<SaveAnswer>(),
            Who::SignedIn,
            &[
                ("op_id", "51111111-2222-4333-8444-555555555555"),
                ("entry_id", ENTRY),
                ("section_key", "m1.reflection"),
                ("prompt_key", "p1"),
                ("base_rev", "1"),
                ("body", "An edit."),
            ],
        ),
        f(
            Endpoint::of::<LogList>(),
            Who::SignedIn,
            &[
                ("module", "m1"),
                ("kind", "reflection"),
                ("status", "draft"),
                ("q", "timetable"),
            ],
        ),
        f(
            Endpoint::of::<LogEntry>(),
            Who::SignedIn,
            &[("id", ENTRY), ("history", "1")],
        ),
        f(
            Endpoint::of::<SubmitEntries>(),
            Who::SignedIn,
            &[("module", "m1")],
        ),
        f(Endpoint::of::<DueFollowUps>(), Who::SignedIn, &[]),
        f(Endpoint::of::<FeedbackWaiting>(), Who::SignedIn, &[]),
        f(Endpoint::of::<LogExport>(), Who::SignedIn, &[]),
        f(Endpoint::of::<MyEntryViews>(), Who::SignedIn, &[]),
        f(Endpoint::of::<Notices>(), Who::SignedIn, &[]),
        f(
            Endpoint::of::<UpdateProfile>(),
            Who::SignedIn,
            &[("display_name", "Sam Taylor"), ("sector", "school_age")],
        ),
        f(
            Endpoint::of::<SavePreferences>(),
            Who::SignedIn,
            &[
                ("text_size", "large"),
                ("line_spacing", "wide"),
                ("dyslexia_font", "on"),
            ],
        ),
        f(
            Endpoint::of::<ChangePassword>(),
            Who::SignedIn,
            &[
                ("current_password", "not the password"),
                ("new_password", "another long pass phrase"),
                ("confirm_password", "another long pass phrase"),
            ],
        ),
        f(Endpoint::of::<CommunityProfile>(), Who::SignedIn, &[]),
        f(Endpoint::of::<MySelfReview>(), Who::SignedIn, &[]),
        f(Endpoint::of::<ReadPlan>(), Who::SignedIn, &[("owner", "0")]),
        f(
            Endpoint::of::<SavePlan>(),
            Who::SignedIn,
            &[
                ("base_rev", "0"),
                ("goal1", "Help J join in"),
                ("modules1[]", "m1"),
                ("learners1", "J"),
            ],
        ),
        f(
            Endpoint::of::<SharePlan>(),
            Who::SignedIn,
            &[("share", "true")],
        ),
        f(
            Endpoint::of::<CommentOnPlan>(),
            Who::SignedIn,
            &[("owner", "0"), ("rev", "1"), ("comment", "A thought")],
        ),
        f(
            Endpoint::of::<AgreePlan>(),
            Who::SignedIn,
            &[("owner", "0"), ("rev", "1")],
        ),
        f(Endpoint::of::<SharedPlans>(), Who::Senco, &[]),
        f(
            Endpoint::of::<PictureOfNeed>(),
            Who::Senco,
            &[("sector", "school_age"), ("role", "practitioner")],
        ),
        f(
            Endpoint::of::<SaveSelfReview>(),
            Who::SignedIn,
            &[
                ("adaptive_teaching_rating", "3"),
                ("identifying_needs_rating", "2"),
                ("participation_rating", "2"),
                ("outcomes_rating", "1"),
                ("graduated_approach_rating", "3"),
                ("evidence_rating", "4"),
                ("learners", "J, Year 4"),
            ],
        ),
        f(Endpoint::of::<CheckInReminder>(), Who::SignedIn, &[]),
        f(Endpoint::of::<NetworkNeed>(), Who::SignedIn, &[]),
        f(Endpoint::of::<CheckIn>(), Who::SignedIn, &[("number", "1")]),
        f(Endpoint::of::<EndReview>(), Who::SignedIn, &[]),
        f(
            Endpoint::of::<SaveEndReview>(),
            Who::SignedIn,
            &[
                ("adaptive_teaching_rating", "3"),
                ("identifying_needs_rating", "2"),
                ("participation_rating", "2"),
                ("outcomes_rating", "1"),
                ("graduated_approach_rating", "3"),
                ("evidence_rating", "4"),
            ],
        ),
        f(
            Endpoint::of::<SetPlanStart>(),
            Who::SignedIn,
            &[("started", "2026-09-07")],
        ),
        f(
            Endpoint::of::<Propose>(),
            Who::Senco,
            &[
                ("kind", "session"),
                ("area", "outcomes"),
                ("title", "Writing outcomes with learners"),
            ],
        ),
        f(
            Endpoint::of::<WithdrawProposal>(),
            Who::Senco,
            &[("id", proposal)],
        ),
        f(Endpoint::of::<Proposals>(), Who::Senco, &[]),
        f(Endpoint::of::<Offers>(), Who::SignedIn, &[]),
        f(
            Endpoint::of::<AnswerOffer>(),
            Who::SignedIn,
            &[("id", proposal), ("join", "true")],
        ),
        f(Endpoint::of::<TermDates>(), Who::Admin, &[]),
        f(
            Endpoint::of::<SetTermDates>(),
            Who::Admin,
            &[("terms", "2027-01-04 to 2027-02-12")],
        ),
        f(
            Endpoint::of::<SaveCommunityProfile>(),
            Who::SignedIn,
            &[("specialist", "on"), ("expertise", "autism, AAC")],
        ),
        f(
            Endpoint::of::<ReviewQueue>(),
            Who::Senco,
            &[("module", "m1"), ("sector", "school_age")],
        ),
        f(Endpoint::of::<ReviewEntry>(), Who::Senco, &[("id", ENTRY)]),
        f(
            Endpoint::of::<ReviewAct>(),
            Who::Senco,
            &[
                ("id", ENTRY),
                ("rev", "1"),
                ("action", "comment"),
                ("comment", "Thank you."),
            ],
        ),
        f(
            Endpoint::of::<ReviewPiece>(),
            Who::Senco,
            &[("author", "3"), ("module", "m1")],
        ),
        f(
            Endpoint::of::<ReviewActPiece>(),
            Who::Senco,
            &[
                ("author", "3"),
                ("module", "m1"),
                ("entries", &format!("{ENTRY}:1")),
                ("action", "comment"),
                ("comment", "Thank you."),
            ],
        ),
        f(
            Endpoint::of::<StaffDashboard>(),
            Who::Senco,
            &[
                ("sector", "school_age"),
                ("status", "in_progress"),
                ("sort", "name"),
            ],
        ),
        f(Endpoint::of::<StaffMember>(), Who::Senco, &[("id", "3")]),
        f(Endpoint::of::<Staff>(), Who::Admin, &[]),
        f(Endpoint::of::<InviteCodes>(), Who::Admin, &[]),
        f(
            Endpoint::of::<CreateInvite>(),
            Who::Admin,
            &[("role", "practitioner"), ("days", "7"), ("uses", "3")],
        ),
        f(
            Endpoint::of::<RevokeInvite>(),
            Who::Admin,
            &[("code", other_invite)],
        ),
        f(
            Endpoint::of::<ChangeRole>(),
            Who::Admin,
            &[("user_id", "4"), ("role", "practitioner")],
        ),
        f(
            Endpoint::of::<SetMemberActive>(),
            Who::Admin,
            &[("user_id", "4"), ("active", "true")],
        ),
        f(
            Endpoint::of::<SetTimeZone>(),
            Who::Admin,
            &[("time_zone", "Europe/London")],
        ),
        // The community. Moderation, scheduling and notes are for some signed-in people
        // (moderators, organisers): their refusals are in tests/community.rs.
        f(
            Endpoint::of::<CommunitySpace>(),
            Who::SignedIn,
            &[
                ("space", "network-1"),
                ("kind", "example"),
                ("sector", "school_age"),
                ("area", "semh"),
                ("module", "m1"),
                ("answered", "no"),
                ("q", "timetable"),
                ("page", "2"),
            ],
        ),
        f(
            Endpoint::of::<CommunityPost>(),
            Who::SignedIn,
            &[("id", "demo-post-000")],
        ),
        f(
            Endpoint::of::<CommunityCompose>(),
            Who::SignedIn,
            &[("kind", "example"), ("from", ENTRY), ("space", "setting")],
        ),
        f(
            Endpoint::of::<PublishPost>(),
            Who::SignedIn,
            &[
                ("id", "81111111-2222-4333-8444-555555555555"),
                ("space", "network-1"),
                ("kind", "question"),
                ("title", "how do you plan short sensory breaks?"),
                ("area", "sensory_physical"),
                ("sector", "school_age"),
                ("age", "year 4"),
                ("module", "m1"),
                (
                    "body",
                    "what has worked for you and the learners you work with?",
                ),
                ("confirm_private", "on"),
            ],
        ),
        f(
            Endpoint::of::<PostReply>(),
            Who::SignedIn,
            &[
                ("id", "91111111-2222-4333-8444-555555555555"),
                ("post", "demo-post-008"),
                ("parent", "demo-reply-008-00"),
                ("body", "Thank you, that helped."),
            ],
        ),
        f(
            Endpoint::of::<AcceptAnswer>(),
            Who::SignedIn,
            &[("post", "demo-post-008"), ("reply", "demo-reply-008-01")],
        ),
        f(
            Endpoint::of::<MarkHelpful>(),
            Who::SignedIn,
            &[("post", "demo-post-000"), ("reply", "demo-reply-000-00")],
        ),
        f(
            Endpoint::of::<FollowPost>(),
            Who::SignedIn,
            &[("post", "demo-post-000"), ("on", "true")],
        ),
        f(Endpoint::of::<FollowedPosts>(), Who::SignedIn, &[]),
        f(
            Endpoint::of::<TriedThis>(),
            Who::SignedIn,
            &[("post", "demo-post-000")],
        ),
        f(
            Endpoint::of::<ReportPost>(),
            Who::SignedIn,
            &[
                ("post", "demo-post-002"),
                ("reason", "It may name a pupil."),
            ],
        ),
        f(Endpoint::of::<CommunityReports>(), Who::SignedIn, &[]),
        f(Endpoint::of::<OpenReports>(), Who::SignedIn, &[]),
        f(
            Endpoint::of::<Moderate>(),
            Who::SignedIn,
            &[
                ("post", "demo-post-000"),
                ("action", "hide"),
                ("reason", "Names a child."),
            ],
        ),
        f(
            Endpoint::of::<DeletePost>(),
            Who::SignedIn,
            &[("post", "demo-post-001")],
        ),
        f(
            Endpoint::of::<AnswerNetwork>(),
            Who::Admin,
            &[("network", "network-1"), ("accept", "true")],
        ),
        f(
            Endpoint::of::<CommunitySessions>(),
            Who::SignedIn,
            &[("space", "network-1")],
        ),
        f(
            Endpoint::of::<ScheduleSession>(),
            Who::SignedIn,
            &[
                ("id", "a1111111-2222-4333-8444-555555555555"),
                ("space", "setting"),
                ("topic", "swap and support"),
                ("date", "2030-01-10"),
                ("time", "16:00"),
                ("minutes", "60"),
                ("place", "the library"),
            ],
        ),
        f(
            Endpoint::of::<Rsvp>(),
            Who::SignedIn,
            &[("session", "demo-session-next"), ("coming", "true")],
        ),
        f(
            Endpoint::of::<Attend>(),
            Who::SignedIn,
            &[("session", "demo-session-past")],
        ),
        f(
            Endpoint::of::<SessionNotes>(),
            Who::SignedIn,
            &[
                ("session", "demo-session-past"),
                ("notes", "What we discussed."),
                ("discussed[0]", "demo-post-000"),
            ],
        ),
    ]
}

/// Every table a refused request must leave alone (counters, sessions and first answers
/// to writes are left out: they are meant to change on attempts and sign-ins).
const TABLES: [&str; 34] = [
    "settings",
    "users",
    "invites",
    "log_entries",
    "log_entry_revisions",
    "feedback",
    "progress_events",
    "section_progress",
    "progress_days",
    "follow_ups",
    "audit_log",
    "submissions",
    "network_settings",
    "posts",
    "post_revisions",
    "replies",
    "helpful_marks",
    "follows",
    "reports",
    "moderation_log",
    "community_sessions",
    "session_people",
    "sign_in_providers",
    "staff_imports",
    "data_protection_log",
    "user_identities",
    "sign_in_domains",
    "email_proofs",
    "mail_outbox",
    "plans",
    "plan_events",
    "term_dates",
    "plan_proposals",
    "plan_proposal_answers",
];

async fn snapshot(app: &TestApp) -> String {
    let mut out = String::new();
    for table in TABLES {
        if app.on_postgres() {
            // Each row as PostgreSQL writes a row out, in the order of that text.
            let rows: Vec<(String,)> = sqlx::query_as(&format!(
                "SELECT CAST(t AS TEXT) AS row FROM \"{table}\" t ORDER BY 1"
            ))
            .fetch_all(app.sql().await)
            .await
            .unwrap();
            let rows: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
            out.push_str(&format!("{table}: {}\n", rows.join("\n")));
            continue;
        }
        let columns: Vec<(String,)> =
            sqlx::query_as(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .fetch_all(app.sql().await)
                .await
                .unwrap();
        let row = columns
            .iter()
            .map(|(c,)| format!("quote(\"{c}\")"))
            .collect::<Vec<_>>()
            .join(" || ',' || ");
        let rows: Vec<(String,)> =
            sqlx::query_as(&format!("SELECT {row} FROM \"{table}\" ORDER BY rowid"))
                .fetch_all(app.sql().await)
                .await
                .unwrap();
        out.push_str(&format!(
            "{table}: {}\n",
            rows.iter()
                .map(|r| r.0.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        ));
    }
    out
}

struct World {
    app: TestApp,
    admin: String,
    senco: String,
    sam: String,
    elsewhere_admin: String,
    elsewhere_senco: String,
    elsewhere_practitioner: String,
    invite: String,
    other_invite: String,
    /// A staff import of Oakfield's, not applied.
    import: String,
    /// Someone who joined Oakfield with an open code, waiting for the admin to confirm them.
    waiting: String,
    /// The demo's proposal for Oakfield's staff (`demo_plans`).
    proposal: String,
}

async fn world() -> World {
    let app = TestApp::new().await;
    let (admin, senco, sam) = (
        app.sign_in(ADMIN).await,
        app.sign_in(SENCO).await,
        app.sign_in(SAM).await,
    );
    // An entry of Sam's, submitted, for the review functions.
    let r = app
        .call::<SaveAnswer>(
            &[
                ("op_id", "61111111-2222-4333-8444-555555555555"),
                ("entry_id", ENTRY),
                ("section_key", "m1.reflection"),
                ("prompt_key", "p1"),
                ("base_rev", "0"),
                ("body", "Sam's reflection."),
            ],
            Some(&sam),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        app.call::<SubmitEntries>(&[("id", ENTRY)], Some(&sam))
            .await
            .status,
        StatusCode::OK
    );
    let invite = app
        .invite(&admin, &[("role", "practitioner"), ("days", "7")])
        .await;
    let other_invite = app
        .invite(&admin, &[("role", "practitioner"), ("days", "7")])
        .await;
    for (email, role) in [
        ("head@riverside.example", domain::model::Role::Admin),
        ("senco@riverside.example", domain::model::Role::Senco),
        ("tutor@riverside.example", domain::model::Role::Practitioner),
    ] {
        app.person_elsewhere(email, role).await;
    }
    let oakfield = app.state.db.clone();
    let parsed = domain::staff::import::parse(
        b"name,email,role\nNew Person,new.person@oakfield.example,practitioner\n",
    )
    .unwrap();
    let admin_id = app.user_id(ADMIN).await;
    let (setting_id,): (i64,) = sqlx::query_as("SELECT setting_id FROM users WHERE id = $1")
        .bind(admin_id)
        .fetch_one(app.sql().await)
        .await
        .unwrap();
    let import =
        services::store::staff_import::save(&oakfield, setting_id, admin_id, "staff.csv", &parsed)
            .await
            .unwrap();
    let r = app
        .call::<Join>(
            &[
                ("code", &invite),
                ("display_name", "Wai Ting"),
                ("email", "waiting@oakfield.example"),
                ("password", "a long enough pass phrase"),
                ("sector", "school_age"),
            ],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let waiting = app.user_id("waiting@oakfield.example").await.to_string();
    let (proposal,): (String,) = sqlx::query_as("SELECT id FROM plan_proposals")
        .fetch_one(app.sql().await)
        .await
        .unwrap();
    World {
        waiting,
        proposal,
        import,
        elsewhere_admin: app.sign_in("head@riverside.example").await,
        elsewhere_senco: app.sign_in("senco@riverside.example").await,
        elsewhere_practitioner: app.sign_in("tutor@riverside.example").await,
        app,
        admin,
        senco,
        sam,
        invite,
        other_invite,
    }
}

impl World {
    fn cookie(&self, who: Who) -> Option<&str> {
        match who {
            Who::Anyone => None,
            Who::SignedIn => Some(&self.sam),
            Who::Senco => Some(&self.senco),
            Who::Admin => Some(&self.admin),
        }
    }
}

fn form<'a>(args: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    args.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[tokio::test]
async fn every_server_function_is_in_this_suite() {
    let listed: std::collections::BTreeSet<String> = functions("", "", "")
        .iter()
        .map(|f| f.endpoint.path().to_string())
        .collect();
    let registered: std::collections::BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .collect();
    assert_eq!(
        listed, registered,
        "add new server functions to the abuse suite"
    );
}

#[tokio::test]
async fn nobody_and_the_wrong_roles_are_refused_and_change_nothing() {
    let w = world().await;
    for f in functions(&w.invite, &w.other_invite, &w.proposal) {
        let args = form(&f.args);
        let refused: Vec<(Option<&str>, StatusCode)> = match f.who {
            Who::Anyone => vec![],
            Who::SignedIn => vec![(None, StatusCode::UNAUTHORIZED)],
            Who::Senco => vec![
                (None, StatusCode::UNAUTHORIZED),
                (Some(&w.sam), StatusCode::FORBIDDEN),
                (Some(&w.admin), StatusCode::FORBIDDEN),
            ],
            Who::Admin => vec![
                (None, StatusCode::UNAUTHORIZED),
                (Some(&w.sam), StatusCode::FORBIDDEN),
                (Some(&w.senco), StatusCode::FORBIDDEN),
            ],
        };
        for (cookie, status) in refused {
            let before = snapshot(&w.app).await;
            let r = w.app.call_at(f.endpoint, &args, cookie).await;
            assert_eq!(r.status, status, "{} as {cookie:?}: {}", f.endpoint, r.body);
            assert_eq!(
                snapshot(&w.app).await,
                before,
                "{} changed a row",
                f.endpoint
            );
        }
    }
}

#[tokio::test]
async fn another_settings_ids_are_not_found_and_change_nothing() {
    let w = world().await;
    let sam_id = w.app.user_id(SAM).await.to_string();
    let entry_read = format!("{ENTRY}:1");
    type Case<'a> = (&'a str, Endpoint, Vec<(&'a str, &'a str)>);
    let cases: Vec<Case> = vec![
        (
            &w.elsewhere_senco,
            Endpoint::of::<ReviewEntry>(),
            vec![("id", ENTRY)],
        ),
        (
            &w.elsewhere_senco,
            Endpoint::of::<ReviewAct>(),
            vec![
                ("id", ENTRY),
                ("rev", "1"),
                ("action", "reviewed"),
                ("comment", "Seen."),
            ],
        ),
        (
            &w.elsewhere_senco,
            Endpoint::of::<StaffMember>(),
            vec![("id", &sam_id)],
        ),
        (
            &w.elsewhere_senco,
            Endpoint::of::<ReviewPiece>(),
            vec![("author", &sam_id), ("module", "m1")],
        ),
        (
            &w.elsewhere_senco,
            Endpoint::of::<ReviewActPiece>(),
            vec![
                ("author", &sam_id),
                ("module", "m1"),
                ("entries", &entry_read),
                ("action", "reviewed"),
                ("comment", "Seen."),
            ],
        ),
        (
            &w.elsewhere_admin,
            Endpoint::of::<ChangeRole>(),
            vec![("user_id", &sam_id), ("role", "admin")],
        ),
        (
            &w.elsewhere_admin,
            Endpoint::of::<SetMemberActive>(),
            vec![("user_id", &sam_id), ("active", "false")],
        ),
        (
            &w.elsewhere_admin,
            Endpoint::of::<MakeResetCode>(),
            vec![("user_id", &sam_id)],
        ),
        (
            &w.elsewhere_admin,
            Endpoint::of::<RevokeInvite>(),
            vec![("code", &w.invite)],
        ),
        // Confirming someone of another setting who is waiting to be confirmed.
        (
            &w.elsewhere_admin,
            Endpoint::of::<ConfirmMember>(),
            vec![("user_id", &w.waiting)],
        ),
        // Erasing, or importing over, another setting's people.
        (
            &w.elsewhere_admin,
            Endpoint::of::<ErasePerson>(),
            vec![("user_id", &sam_id), ("confirm", "on")],
        ),
        (
            &w.elsewhere_admin,
            Endpoint::of::<ImportPreview>(),
            vec![("id", &w.import)],
        ),
        (
            &w.elsewhere_admin,
            Endpoint::of::<ApplyImport>(),
            vec![("id", &w.import)],
        ),
        // Another setting's proposal: not theirs to withdraw, nor offered to them.
        (
            &w.elsewhere_senco,
            Endpoint::of::<WithdrawProposal>(),
            vec![("id", &w.proposal)],
        ),
        (
            &w.elsewhere_practitioner,
            Endpoint::of::<AnswerOffer>(),
            vec![("id", &w.proposal), ("join", "true")],
        ),
        (
            &w.elsewhere_practitioner,
            Endpoint::of::<LogEntry>(),
            vec![("id", ENTRY)],
        ),
        // A network post, from a setting outside the network.
        (
            &w.elsewhere_practitioner,
            Endpoint::of::<CommunityPost>(),
            vec![("id", "demo-post-008")],
        ),
        (
            &w.elsewhere_practitioner,
            Endpoint::of::<PostReply>(),
            vec![
                ("id", "b1111111-2222-4333-8444-555555555555"),
                ("post", "demo-post-008"),
                ("body", "From outside."),
            ],
        ),
        (
            &w.elsewhere_senco,
            Endpoint::of::<Moderate>(),
            vec![
                ("post", "demo-post-008"),
                ("action", "hide"),
                ("reason", "From outside."),
            ],
        ),
        (
            &w.elsewhere_practitioner,
            Endpoint::of::<CommunitySpace>(),
            vec![("space", "network-1")],
        ),
        (
            &w.elsewhere_practitioner,
            Endpoint::of::<Attend>(),
            vec![("session", "demo-session-past")],
        ),
        (
            &w.elsewhere_practitioner,
            Endpoint::of::<SubmitEntries>(),
            vec![("id", ENTRY)],
        ),
        (
            &w.elsewhere_practitioner,
            Endpoint::of::<SaveAnswer>(),
            vec![
                ("op_id", "71111111-2222-4333-8444-555555555555"),
                ("entry_id", ENTRY),
                ("section_key", "m1.reflection"),
                ("prompt_key", "p1"),
                ("base_rev", "1"),
                ("body", "Overwritten."),
            ],
        ),
    ];
    for (cookie, endpoint, args) in cases {
        let before = snapshot(&w.app).await;
        let r = w.app.call_at(endpoint, &args, Some(cookie)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{endpoint}: {}", r.body);
        assert!(
            !r.body.contains("Sam"),
            "{endpoint} says nothing of Sam: {}",
            r.body
        );
        assert_eq!(snapshot(&w.app).await, before, "{endpoint} changed a row");
    }
    // The plain routes too.
    for path in [format!("/staff/{sam_id}/evidence.pdf")] {
        let r = w.app.get(&path, Some(&w.elsewhere_senco)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
    }
}

/// What a hostile or broken client may send in place of one argument.
fn malformed() -> Vec<(&'static str, Option<String>)> {
    vec![
        ("missing", None),
        ("empty", Some(String::new())),
        ("1 MB", Some("x".repeat(1 << 20))),
        (
            "control characters",
            Some("\u{0}\u{1}\u{7}\t\n\r\u{1b}[31m\u{7f}".into()),
        ),
        (
            "a huge number",
            Some("340282366920938463463374607431768211456".into()),
        ),
        ("a negative number", Some("-9223372036854775808".into())),
        ("the wrong type", Some("[object Object]".into())),
        ("markup", Some("<script>alert(1)</script>".into())),
        ("a path", Some("../../etc/passwd".into())),
        ("SQL", Some("' OR 1=1; DROP TABLE users; --".into())),
        ("FTS syntax", Some("\" OR * NEAR(a b) NOT x:".into())),
    ]
}

#[tokio::test]
async fn malformed_and_oversized_arguments_get_a_4xx_and_change_nothing() {
    let w = world().await;
    for f in functions(&w.invite, &w.other_invite, &w.proposal) {
        for (i, (name, _)) in f.args.iter().enumerate() {
            for (what, value) in malformed() {
                let mut args = f.args.clone();
                match &value {
                    Some(v) => args[i].1 = v.clone(),
                    None => {
                        args.remove(i);
                    }
                }
                let before = snapshot(&w.app).await;
                let r = w
                    .app
                    .call_at(f.endpoint, &form(&args), w.cookie(f.who))
                    .await;
                let label = format!("{} with {name} = {what}", f.endpoint);
                assert!(
                    r.status.as_u16() < 500,
                    "{label}: {} {}",
                    r.status,
                    &r.body[..r.body.len().min(300)]
                );
                if r.status.is_client_error() {
                    assert_eq!(
                        snapshot(&w.app).await,
                        before,
                        "{label} was refused but changed a row"
                    );
                    assert!(
                        r.body.len() < 4096,
                        "{label}: a refusal does not echo the input back"
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn invalid_utf8_and_broken_forms_are_refused_plainly() {
    let w = world().await;
    for f in functions(&w.invite, &w.other_invite, &w.proposal) {
        for body in [
            b"%FF%FE%FD=%C3%28".to_vec(),
            vec![0xff, 0xfe, b'=', 0xc3, 0x28],
            b"a=1&a=2&&&=&%".to_vec(),
            b"key=%".to_vec(),
        ] {
            let before = snapshot(&w.app).await;
            let r = w
                .app
                .post_raw(f.endpoint, body.clone(), w.cookie(f.who))
                .await;
            assert!(
                r.status.as_u16() < 500,
                "{} with {body:?}: {} {}",
                f.endpoint,
                r.status,
                r.body
            );
            if r.status.is_client_error() {
                assert_eq!(
                    snapshot(&w.app).await,
                    before,
                    "{} changed a row",
                    f.endpoint
                );
            }
        }
    }
}

#[tokio::test]
async fn plain_routes_refuse_nobody_other_roles_and_nonsense_ids() {
    let w = world().await;
    let sam_id = w.app.user_id(SAM).await;
    for path in [
        "/log/export.json",
        "/log/export.csv",
        "/log/learning-log.pdf",
        "/log/certificate.pdf",
        "/staff/progress.csv",
    ] {
        assert_eq!(
            w.app.get(path, None).await.status,
            StatusCode::SEE_OTHER,
            "{path}"
        );
    }
    assert_eq!(
        w.app.get("/staff/progress.csv", Some(&w.sam)).await.status,
        StatusCode::FORBIDDEN
    );
    for path in [
        format!("/staff/{sam_id}/evidence.pdf"),
        "/staff/abc/evidence.pdf".into(),
        "/staff/99999999999999999999999/evidence.pdf".into(),
        "/staff/-1/evidence.pdf".into(),
    ] {
        let r = w.app.get(&path, Some(&w.sam)).await;
        assert!(
            r.status.is_client_error(),
            "{path} as a practitioner: {}",
            r.status
        );
        let r = w.app.get(&path, Some(&w.senco)).await;
        assert!(r.status.as_u16() < 500, "{path} as the SENCo: {}", r.status);
    }
}

#[tokio::test]
async fn requests_from_other_sites_or_from_nowhere_are_refused() {
    let app = TestApp::new().await;
    let sign_in = |headers: Vec<(&'static str, &'static str)>| {
        let app = &app;
        async move {
            let mut request = http::Request::post(SignIn::PATH)
                .header("host", HOST)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("accept", "application/json");
            for (k, v) in headers {
                request = request.header(k, v);
            }
            let body = format!(
                "email={}&password={}",
                urlencode(SAM),
                urlencode(server::demo::DEMO_PASSWORD)
            );
            app.send(request.body(axum::body::Body::from(body)).unwrap())
                .await
        }
    };
    for (what, headers) in [
        ("another site", vec![("origin", "https://evil.example")]),
        (
            "an opaque origin (a sandboxed frame or cross-site redirect)",
            vec![("origin", "null")],
        ),
        ("no origin at all", vec![]),
        (
            "a cross-site fetch",
            vec![
                ("origin", "http://127.0.0.1:3000"),
                ("sec-fetch-site", "cross-site"),
            ],
        ),
        (
            "another site's referer",
            vec![("referer", "https://evil.example/page")],
        ),
    ] {
        let r = sign_in(headers).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{what}: {}", r.body);
        assert!(r.session_cookie().is_none(), "{what}: no login CSRF");
    }
    assert_eq!(
        sign_in(vec![("origin", "http://127.0.0.1:3000")])
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        sign_in(vec![("referer", "http://127.0.0.1:3000/sign-in")])
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        sign_in(vec![("sec-fetch-site", "same-origin")])
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn behind_https_the_public_url_is_the_only_origin_and_cookies_are_host_only() {
    let app = TestApp::with(|c| {
        c.public_origin = Some("https://tandem.school.uk".into());
        c.secure_cookies = true;
    })
    .await;
    let post = |origin: &'static str| {
        let app = &app;
        async move {
            let request = http::Request::post(SignIn::PATH)
                .header("host", "tandem.school.uk")
                .header("origin", origin)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("accept", "application/json");
            let body = format!(
                "email={}&password={}",
                urlencode(SAM),
                urlencode(server::demo::DEMO_PASSWORD)
            );
            app.send(request.body(axum::body::Body::from(body)).unwrap())
                .await
        }
    };
    assert_eq!(
        post("http://tandem.school.uk").await.status,
        StatusCode::FORBIDDEN,
        "the scheme counts"
    );
    assert_eq!(
        post("https://tandem.school.uk:8443").await.status,
        StatusCode::FORBIDDEN,
        "the port counts"
    );
    let r = post("https://tandem.school.uk").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let cookie = r
        .headers
        .get_all(http::header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(cookie.starts_with("__Host-tandem_session="), "{cookie}");
    assert!(
        cookie.contains("; Secure") && cookie.contains("Path=/") && !cookie.contains("Domain"),
        "{cookie}"
    );
    assert_eq!(r.headers["strict-transport-security"], "max-age=31536000");
    // A plain cookie planted by another site of the domain is not a session here.
    let token = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("__Host-tandem_session=");
    let planted = app
        .get("/profile", Some(&format!("tandem_session={token}")))
        .await;
    assert!(
        planted.status.is_redirection(),
        "sent to sign in: {}",
        planted.status
    );
    let real = app
        .get("/profile", Some(&format!("__Host-tandem_session={token}")))
        .await;
    assert_eq!(real.status, StatusCode::OK);
}

#[tokio::test]
async fn next_after_sign_in_never_leaves_the_site_and_never_panics() {
    let app = TestApp::new().await;
    for next in [
        "/%09/evil.example",
        "/\t/evil.example",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example",
        "/a\r\nSet-Cookie: x=1",
        "/%0d%0aLocation:%20https://evil.example",
    ] {
        let r = app
            .call::<SignIn>(
                &[
                    ("email", SAM),
                    ("password", server::demo::DEMO_PASSWORD),
                    ("next", next),
                ],
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{next:?}: {}", r.body);
        assert_eq!(r.body, "\"/\"", "{next:?}");
        // As a plain form post (no JavaScript), the redirect goes home.
        let request = http::Request::post(SignIn::PATH)
            .header("host", HOST)
            .header("origin", format!("http://{HOST}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "text/html");
        let body = format!(
            "email={}&password={}&next={}",
            urlencode(SAM),
            urlencode(server::demo::DEMO_PASSWORD),
            urlencode(next)
        );
        let r = app
            .send(request.body(axum::body::Body::from(body)).unwrap())
            .await;
        assert!(r.status.is_redirection(), "{next:?}: {}", r.status);
        assert_eq!(r.headers["location"], "/", "{next:?}");
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_limit() {
    let app = TestApp::with(|c| {
        c.trusted_proxies = services::network::parse_trusted("10.0.0.1").unwrap()
    })
    .await;
    let proxy: std::net::SocketAddr = "10.0.0.1:50000".parse().unwrap();
    let stranger: std::net::SocketAddr = "203.0.113.5:50000".parse().unwrap();
    let wrong = |peer, forwarded: &'static str, n: u32| {
        let app = &app;
        async move {
            let email = format!("nobody{n}@oakfield.example");
            app.call_from::<SignIn>(
                Some(peer),
                &[("email", &email), ("password", "wrong")],
                None,
                &[("x-forwarded-for", forwarded)],
            )
            .await
            .status
        }
    };
    // One client behind the proxy uses up its per-address limit (30)...
    for n in 0..30 {
        assert_eq!(
            wrong(proxy, "198.51.100.1", n).await,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    assert_eq!(
        wrong(proxy, "198.51.100.1", 30).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // ...and everyone else behind the same proxy can still sign in.
    assert_eq!(
        wrong(proxy, "198.51.100.2", 31).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // From anyone but the proxy, the header is the client's own invention and is ignored:
    // a client cannot dodge its limit by naming a fresh address each time.
    for n in 0..30 {
        let status = wrong(
            stranger,
            ["192.0.2.1", "192.0.2.2", "192.0.2.3"][n as usize % 3],
            100 + n,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(
        wrong(stranger, "192.0.2.99", 200).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn privileged_invite_codes_work_once_and_go_with_their_maker() {
    let app = TestApp::new().await;
    let admin = app.sign_in(ADMIN).await;
    let create = |role: &'static str, uses: &'static str| {
        let (app, admin) = (&app, &admin);
        async move {
            app.invite(admin, &[("role", role), ("days", "30"), ("uses", uses)])
                .await
        }
    };
    let join = |code: String, n: u32| {
        let app = &app;
        async move {
            let email = format!("joiner{n}@oakfield.example");
            app.call::<Join>(
                &[
                    ("code", &code),
                    ("display_name", "Jo Joiner"),
                    ("email", &email),
                    ("password", "a long enough pass phrase"),
                    ("sector", "school_age"),
                ],
                None,
            )
            .await
            .status
        }
    };
    let senco_code = create("senco", "").await;
    assert_eq!(join(senco_code.clone(), 1).await, StatusCode::OK);
    assert_eq!(
        join(senco_code, 2).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a SENCo code works once"
    );
    let twice = create("practitioner", "2").await;
    assert_eq!(join(twice.clone(), 3).await, StatusCode::OK);
    assert_eq!(join(twice.clone(), 4).await, StatusCode::OK);
    assert_eq!(join(twice, 5).await, StatusCode::UNPROCESSABLE_ENTITY);
    // An admin who leaves takes their codes with them.
    let second_admin = create("admin", "").await;
    assert_eq!(join(second_admin, 6).await, StatusCode::OK);
    app.confirm_by_admin("joiner6@oakfield.example").await;
    let r = app
        .call::<SignIn>(
            &[
                ("email", "joiner6@oakfield.example"),
                ("password", "a long enough pass phrase"),
            ],
            None,
        )
        .await;
    let new_admin = r.session_cookie().expect("the new admin signs in");
    let theirs = app
        .invite(&new_admin, &[("role", "practitioner"), ("days", "30")])
        .await;
    let id = app.user_id("joiner6@oakfield.example").await.to_string();
    assert_eq!(
        app.call::<SetMemberActive>(&[("user_id", &id), ("active", "false")], Some(&admin))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(join(theirs, 7).await, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn one_account_cannot_grow_the_database_without_bound() {
    let app = TestApp::new().await;
    let sam = app.sign_in(SAM).await;
    let save = |n: u32, base: i64, body: String| {
        let (app, sam) = (&app, &sam);
        async move {
            let op = format!("81111111-2222-4333-8444-{n:012}");
            app.call::<SaveAnswer>(
                &[
                    ("op_id", &op),
                    ("entry_id", ENTRY),
                    ("section_key", "m1.reflection"),
                    ("prompt_key", "p1"),
                    ("base_rev", &base.to_string()),
                    ("body", &body),
                ],
                Some(sam),
            )
            .await
        }
    };
    assert_eq!(save(0, 0, "first".into()).await.status, StatusCode::OK);
    assert_eq!(save(1, 1, "second".into()).await.status, StatusCode::OK);
    // Stale saves of new texts: kept as conflicts up to the cap, then refused with a message.
    let cap = services::store::learning_log::MAX_CONFLICTS_PER_ENTRY as u32;
    for n in 0..cap {
        assert_eq!(
            save(10 + n, 1, format!("stale {n} {}", "x".repeat(19_000)))
                .await
                .status,
            StatusCode::OK
        );
    }
    let r = save(10 + cap, 1, "one too many".into()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("choose which version to keep"));
    // The history is paged: one page of 20, however many there are.
    let detail: serde_json::Value = serde_json::from_str(
        &app.call::<LogEntry>(&[("id", ENTRY)], Some(&sam))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(detail["revisions"].as_array().unwrap().len(), 20);
    assert_eq!(detail["revision_count"], cap + 2);
    let last: serde_json::Value = serde_json::from_str(
        &app.call::<LogEntry>(&[("id", ENTRY), ("history", "999")], Some(&sam))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(last["history_page"], (cap + 2).div_ceil(20));
}

#[tokio::test]
async fn a_runaway_writer_is_slowed_down() {
    let app = TestApp::new().await;
    let ella = app.sign_in(ELLA).await;
    let mut statuses = std::collections::BTreeMap::new();
    for n in 0..2000u32 {
        let op = format!("91111111-2222-4333-8444-{n:012}");
        let r = app
            .call::<RecordProgress>(
                &[
                    ("op_id", &op),
                    ("section_key", "m1.knowledge"),
                    ("kind", "opened"),
                ],
                Some(&ella),
            )
            .await;
        *statuses.entry(r.status.as_u16()).or_insert(0) += 1;
    }
    let accepted = statuses.get(&200).copied().unwrap_or(0);
    assert!(statuses.get(&429).copied().unwrap_or(0) > 0, "{statuses:?}");
    assert!(
        accepted >= 600,
        "a burst of 600 is always allowed: {statuses:?}"
    );
    assert_eq!(
        statuses.keys().filter(|s| **s >= 500).count(),
        0,
        "{statuses:?}"
    );
}

#[tokio::test]
async fn a_day_of_progress_events_is_capped_and_says_so() {
    let app = TestApp::new().await;
    let ella = app.sign_in(ELLA).await;
    let ella_id = app.user_id(ELLA).await;
    let event = |op: &'static str| {
        let (app, ella) = (&app, &ella);
        async move {
            app.call::<RecordProgress>(
                &[
                    ("op_id", op),
                    ("section_key", "m1.knowledge"),
                    ("kind", "opened"),
                ],
                Some(ella),
            )
            .await
        }
    };
    let first = "92222222-2222-4333-8444-000000000001";
    assert_eq!(event(first).await.status, StatusCode::OK);
    // A day's worth already recorded today (a script's, not a person's reading).
    sqlx::query("UPDATE progress_days SET events = $1 WHERE user_id = $2")
        .bind(domain::progress::MAX_EVENTS_PER_DAY)
        .bind(ella_id)
        .execute(app.sql().await)
        .await
        .unwrap();
    let r = event("92222222-2222-4333-8444-000000000002").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(
        r.body.contains("It will record more tomorrow"),
        "{}",
        r.body
    );
    // A retry of what was recorded is answered as before, not refused.
    assert_eq!(event(first).await.status, StatusCode::OK);
    let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM progress_events WHERE user_id = $1")
        .bind(ella_id)
        .fetch_one(app.sql().await)
        .await
        .unwrap();
    assert_eq!(events, 1);
}

/// Made-up paths, as anyone could send them: each is a 404.
async fn junk(app: &TestApp, n: usize) {
    for path in [
        format!("/api/junk-{n}"),
        format!("/api/log/save/{n}"),
        format!("/no-such-page-{n}"),
    ] {
        let get = app.get(&path, None).await;
        assert_eq!(get.status, StatusCode::NOT_FOUND, "GET {path}");
    }
    let post = app
        .send(
            http::Request::post(format!("/api/made-up/{n}"))
                .header("host", HOST)
                .header("origin", format!("http://{HOST}"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(axum::body::Body::from("a=b"))
                .unwrap(),
        )
        .await;
    assert_eq!(post.status, StatusCode::NOT_FOUND, "POST /api/made-up/{n}");
}

/// Anyone, signed in or not, sending made-up paths: each is a 404, and neither the number
/// of series nor the server's memory grows with them, whether metrics are on or off.
#[tokio::test]
async fn ten_thousand_junk_paths_add_no_series_and_no_memory() {
    // Off (the default): nothing is counted at all.
    let app = TestApp::new().await;
    for n in 0..50 {
        junk(&app, n).await;
    }
    assert_eq!(services::metrics::series(), 0, "counted with metrics off");

    let mut app = TestApp::new().await;
    app.router = server::router::with_metrics(
        app.state.clone(),
        Some(server::metrics::Access {
            token: Some(crate::metrics::TOKEN.into()),
        }),
    );
    let auth = format!("Bearer {}", crate::metrics::TOKEN);
    for n in 0..500 {
        junk(&app, n).await;
    }
    let series = services::metrics::series();
    let before = rss_mb();
    for n in 500..10_500 {
        junk(&app, n).await;
    }
    let after = rss_mb();
    assert_eq!(services::metrics::series(), series, "junk made new series");
    let text = crate::metrics::scrape(&app, Some(&auth)).await.body;
    assert!(
        !text.contains("junk") && !text.contains("made-up"),
        "{text}"
    );
    assert!(
        crate::metrics::value(
            &text,
            r#"tandem_http_requests_total{route="/api/unknown",method="POST",status="404"}"#
        ) >= 10_000.0,
        "{text}"
    );
    println!("figures: 40,000 junk requests: {series} series throughout; memory {before:.1} MB before, {after:.1} MB after");
    assert!(
        after - before < 10.0,
        "memory grew from {before:.1} MB to {after:.1} MB"
    );
}

/// The proof pages and sign-on routes, called by nobody, with a forged or another browser's
/// proof, and with nonsense: never a 5xx, never anyone signed in, nothing changed.
#[tokio::test]
async fn proof_pages_and_sign_on_routes_refuse_what_is_not_theirs() {
    let w = world().await;
    let sam_id = w.app.user_id(SAM).await;
    let real =
        services::accounts::start_link_proof(&w.app.state.db, sam_id, "https://idp.example", "x")
            .await
            .unwrap();
    let before = snapshot(&w.app).await;
    for cookie in [
        None,
        Some("tandem_proof=forged".to_string()),
        Some(format!("tandem_proof={}x", real)),
        Some(format!("__Host-tandem_proof={real}")),
        Some(format!("tandem_proof={}", "a".repeat(100_000))),
    ] {
        for page in ["/confirm-email", "/sign-in/link"] {
            let r = w.app.get(page, cookie.as_deref()).await;
            assert_eq!(r.status, StatusCode::OK, "{page} with {cookie:?}");
            assert!(
                r.body.contains("This check has ended"),
                "{page} with {cookie:?}"
            );
        }
        let r = w
            .app
            .call::<LinkWithPassword>(
                &[("password", server::demo::DEMO_PASSWORD)],
                cookie.as_deref(),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{cookie:?}: {}", r.body);
        assert!(r.session_cookie().is_none());
    }
    for path in [
        "/sign-in/sso/callback",
        "/sign-in/sso/callback?state=&code=",
        "/sign-in/sso/callback?error=access_denied&state=x",
    ] {
        let r = w.app.get(path, None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
        assert!(r.session_cookie().is_none());
    }
    assert_eq!(snapshot(&w.app).await, before);
}

/// PostgreSQL cannot keep U+0000 in text: any request carrying one, in a form or the
/// address, is refused with words before a server function runs, on either engine.
#[tokio::test]
async fn a_null_character_is_refused_plainly_and_changes_nothing() {
    let app = TestApp::new().await;
    let before = snapshot(&app).await;
    let reply = app
        .call::<Join>(
            &[
                ("code", "ABCD-EFGH"),
                ("display_name", "Jo\u{0}Joiner"),
                ("email", "jo@oakfield.example"),
                ("password", "a long enough pass phrase"),
                ("sector", "school_age"),
            ],
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert!(reply.body.contains("null character"), "{}", reply.body);
    assert_eq!(snapshot(&app).await, before);
}
