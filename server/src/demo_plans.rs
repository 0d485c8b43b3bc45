//! Demo CPD plans (issue 29): Oakfield staff part-way through plans at different stages, so
//! a new user sees how one unfolds over two terms, and the SENCo's picture of need has
//! enough people sharing (5 or more) to show counts. Ella's plan is shared and waiting for
//! her to agree it; the others are below. Every date is relative to the day the demo is made.

use domain::learning_log::EntryKind;
use domain::model::{Role, Sector};
use domain::plan::Goal;
use domain::self_review::{Answer, Area};
use services::store::plans::{self, Side};
use services::store::self_reviews::{self, Stage};
use services::store::{learning_log, now, proposals, users, Db};

const DAY: i64 = 86_400;

/// How far a person's plan has come.
#[derive(Clone, Copy, PartialEq)]
enum Progress {
    /// A self-review and goals, kept private.
    Private,
    /// Shared, and being talked over: the SENCo has commented; not agreed yet.
    Talking,
    /// Agreed `weeks` ago, with `check_ins` check-ins written.
    Agreed { weeks: i64, check_ins: u8 },
    /// Two terms and more ago: every check-in written and the end review done.
    Finished,
}

struct Person {
    email: &'static str,
    name: &'static str,
    stage: Progress,
    /// Ratings for `Area::ALL`, 1 to 4.
    ratings: [u8; 6],
    learners: &'static str,
    goal: &'static str,
    modules: &'static [&'static str],
}

/// Everyone finds participation and outcomes hard and adapting teaching easier, so those
/// three areas show counts; the others are mixed, and hidden as groups under 5.
const PEOPLE: [Person; 6] = [
    Person {
        email: "jo.barker@oakfield.example",
        name: "Jo Barker",
        stage: Progress::Private,
        ratings: [3, 2, 2, 1, 3, 2],
        learners: "Year 3 group with reading targets",
        goal: "Write reading targets that the children can say back to me in their own words.",
        modules: &["m4"],
    },
    Person {
        email: "marcus.reid@oakfield.example",
        name: "Marcus Reid",
        stage: Progress::Talking,
        ratings: [3, 3, 1, 2, 2, 3],
        learners: "T, Year 6, autistic",
        goal: "Give T a real say in how his transition to secondary school is planned.",
        modules: &["m3", "m4"],
    },
    Person {
        email: "aisha.khan@oakfield.example",
        name: "Aisha Khan",
        stage: Progress::Agreed {
            weeks: 7,
            check_ins: 1,
        },
        ratings: [4, 3, 2, 2, 3, 2],
        learners: "Two children in Year 1 who rarely speak in class",
        goal: "Find ways for quiet children to show me what they think without having to speak first.",
        modules: &["m3"],
    },
    Person {
        email: "tom.fletcher@oakfield.example",
        name: "Tom Fletcher",
        stage: Progress::Agreed {
            weeks: 20,
            check_ins: 2,
        },
        ratings: [3, 2, 2, 2, 1, 3],
        learners: "R, Year 4, SEN support for literacy",
        goal: "Run one full assess, plan, do, review cycle with R and his parents, and keep the evidence.",
        modules: &["m4", "m5"],
    },
    Person {
        email: "grace.owen@oakfield.example",
        name: "Grace Owen",
        stage: Progress::Finished,
        ratings: [3, 3, 1, 1, 2, 2],
        learners: "A small maths group in Year 5",
        goal: "Plan outcomes with the group that they care about, and check them with the children each half-term.",
        modules: &["m3", "m4", "m6"],
    },
    Person {
        email: "dan.price@oakfield.example",
        name: "Dan Price",
        stage: Progress::Agreed {
            weeks: 3,
            check_ins: 1,
        },
        ratings: [3, 2, 2, 2, 3, 1],
        learners: "S, Year 2, EHC plan",
        goal: "Keep short notes after trying something with S, so that reviews rest on what happened.",
        modules: &["m6"],
    },
];

/// What each check-in says, in turn (tried, changed, next).
const CHECK_IN_WORDS: [[&str; 3]; 4] = [
    [
        "Talked the goal through with the learners and tried one small change in two lessons.",
        "More of them joined in at the start. I know because I counted who answered in the first ten minutes.",
        "Keep it going and ask the SENCo to watch one lesson.",
    ],
    [
        "Used a visual choice board at the start of each lesson for three weeks.",
        "Fewer refusals; the teaching assistant's notes show two in three weeks, down from most days.",
        "Share the board with the parents so they can use it at home.",
    ],
    [
        "Wrote the next targets with the learners, in their words, and read them back together.",
        "They could tell me their targets a week later, which they could not before.",
        "Bring one example to the next staff meeting.",
    ],
    [
        "Looked back over the two terms with my SENCo and the learners' parents.",
        "The learners ask for what they need more often; the parents noticed it at home too.",
        "Carry the planning habit into next year's class, and mentor a colleague starting out.",
    ],
];

/// Seeds Oakfield's staff part-way through plans, and a proposal two of them have added.
pub async fn seed(db: &Db, setting_id: i64, senco: i64, hash: &str) -> anyhow::Result<()> {
    let mut ids = Vec::new();
    for p in &PEOPLE {
        let user = users::NewUser {
            email: p.email,
            display_name: p.name,
            password_hash: hash,
            role: Role::Practitioner,
            setting_id,
            sector: Sector::SchoolAge,
            email_proved: true,
        };
        let id = users::create(db, &user)
            .await
            .map_err(|e| anyhow::anyhow!("creating {}: {e:?}", p.email))?;
        seed_plan(db, id, senco, p).await?;
        ids.push(id);
    }
    let proposal = domain::proposal::Proposal {
        kind: domain::proposal::Kind::Session,
        area: Area::Outcomes,
        sector: None,
        title: "Writing outcomes with learners, not about them".into(),
        day: None,
        details: "An hour after school: bring one target you wrote this term, and we will rewrite it together with the learner's own words.".into(),
    };
    // Without a form id every call is a first, so there is always an id.
    let id = proposals::create(db, setting_id, senco, &proposal, None)
        .await?
        .unwrap_or_default();
    for user in &ids[2..4] {
        proposals::answer(db, *user, setting_id, Sector::SchoolAge, &id, true).await?;
    }
    Ok(())
}

async fn seed_plan(db: &Db, id: i64, senco: i64, p: &Person) -> anyhow::Result<()> {
    let answers: Vec<Answer> = Area::ALL
        .into_iter()
        .zip(p.ratings)
        .map(|(area, rating)| Answer {
            area,
            rating,
            words: String::new(),
        })
        .collect();
    self_reviews::save(db, id, Stage::Start, &answers, p.learners).await?;
    let goal = Goal {
        words: p.goal.into(),
        modules: p.modules.iter().map(|m| m.to_string()).collect(),
        learners: p.learners.into(),
    };
    plans::save(db, id, (id, Side::Author), 0, &[goal], None).await?;
    if p.stage == Progress::Private {
        return Ok(());
    }
    plans::set_shared(db, id, true).await?;
    plans::comment(
        db,
        id,
        (senco, Side::Senco),
        1,
        "This is a good goal. Could we look at it together after your next lesson with them?",
        None,
    )
    .await?;
    let (weeks, check_ins) = match p.stage {
        Progress::Talking => return Ok(()),
        Progress::Agreed { weeks, check_ins } => (weeks, check_ins),
        _ => (56, 4),
    };
    plans::agree(db, id, (id, Side::Author), 1).await?;
    plans::agree(db, id, (senco, Side::Senco), 1).await?;
    plans::set_started(db, id, now() - weeks * 7 * DAY).await?;
    for n in 1..=check_ins {
        for (q, (prompt, _)) in domain::check_in::QUESTIONS.iter().enumerate() {
            let section = domain::check_in::key(n);
            let entry = format!("demo-check-in-{id}-{n}-{prompt}");
            let input = learning_log::SaveInput {
                op_id: &entry,
                entry_id: &entry,
                user_id: id,
                section_key: &section,
                prompt_key: prompt,
                kind: EntryKind::FollowUp,
                base_rev: 0,
                body: CHECK_IN_WORDS[usize::from(n - 1)][q],
            };
            learning_log::save(db, &input)
                .await?
                .map_err(|e| anyhow::anyhow!("demo check-in: {e:?}"))?;
        }
    }
    if p.stage == Progress::Finished {
        // Two terms on, more confident everywhere she worked on.
        let end: Vec<Answer> = answers
            .into_iter()
            .map(|a| Answer {
                rating: (a.rating + 1).min(4),
                ..a
            })
            .collect();
        self_reviews::save(db, id, Stage::End, &end, p.learners).await?;
    }
    Ok(())
}

/// The demo's staff part-way through plans, for the sign-in instructions.
pub fn accounts() -> impl Iterator<Item = (&'static str, String)> {
    PEOPLE.iter().map(|p| {
        let stage = match p.stage {
            Progress::Private => "goals written, not shared yet".to_string(),
            Progress::Talking => "plan shared, talking it over with the SENCo".to_string(),
            Progress::Agreed { weeks, check_ins } => {
                let s = if check_ins == 1 { "" } else { "s" };
                format!("plan agreed {weeks} weeks ago, {check_ins} check-in{s} written")
            }
            Progress::Finished => {
                "two terms on: every check-in and the end review done".to_string()
            }
        };
        (p.email, format!("{}, {stage}", p.name))
    })
}
