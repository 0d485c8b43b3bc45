//! Demo data for trying Tandem out: one setting with an admin, a SENCo and two
//! practitioners in different sectors (and more staff part-way through CPD plans:
//! `demo_plans`), and a network with a second setting whose people
//! have been sharing practice with them for some weeks (`demo_community.json`).

use domain::model::{Role, Sector};
use services::password;
use services::store::{settings, users, Db};

pub const DEMO_PASSWORD: &str = "tandem-demo-2026";
pub const SETTING_NAME: &str = "Oakfield Primary School and Nursery";

pub struct DemoAccount {
    pub email: &'static str,
    pub name: &'static str,
    pub role: Role,
    pub sector: Sector,
}

pub const ACCOUNTS: [DemoAccount; 4] = [
    DemoAccount {
        email: "admin@oakfield.example",
        name: "Alex Morgan",
        role: Role::Admin,
        sector: Sector::SchoolAge,
    },
    DemoAccount {
        email: "senco@oakfield.example",
        name: "Priya Shah",
        role: Role::Senco,
        sector: Sector::SchoolAge,
    },
    DemoAccount {
        email: "sam@oakfield.example",
        name: "Sam Taylor",
        role: Role::Practitioner,
        sector: Sector::SchoolAge,
    },
    DemoAccount {
        email: "ella@oakfield.example",
        name: "Ella Hughes",
        role: Role::Practitioner,
        sector: Sector::EarlyYears,
    },
];

/// Seeds the demo when the database has no settings; returns false (and changes nothing)
/// otherwise, so real data is never mixed with demo accounts.
pub async fn seed_if_empty(db: &Db) -> anyhow::Result<bool> {
    if settings::count(db).await? > 0 {
        return Ok(false);
    }
    let setting_id = settings::create(db, SETTING_NAME, Sector::SchoolAge).await?;
    let hash = password::hash(DEMO_PASSWORD.to_string())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut ids = Vec::new();
    for account in &ACCOUNTS {
        let user = users::NewUser {
            email: account.email,
            display_name: account.name,
            password_hash: &hash,
            role: account.role,
            setting_id,
            sector: account.sector,
            email_proved: true,
        };
        let id = users::create(db, &user)
            .await
            .map_err(|e| anyhow::anyhow!("creating {}: {e:?}", account.email))?;
        ids.push((account.email, id));
    }
    let id = |email: &str| ids.iter().find(|(e, _)| *e == email).map(|(_, id)| *id);
    if let (Some(ella), Some(priya)) = (id("ella@oakfield.example"), id("senco@oakfield.example")) {
        self_review(db, ella).await?;
        plan(db, ella, priya).await?;
        crate::demo_plans::seed(db, setting_id, priya, &hash).await?;
    }
    community::seed(db, setting_id, &hash).await?;
    Ok(true)
}

/// Ella has started her CPD plan: a self-review that points her to modules 3 and 4.
async fn self_review(db: &Db, user_id: i64) -> anyhow::Result<()> {
    use domain::self_review::{Answer, Area};
    use services::store::self_reviews::{save, Stage};
    let said = [
        (
            3,
            "I plan for the whole class and adapt on the spot; I would like to plan it ahead.",
        ),
        (
            3,
            "I notice more in speech and language than anywhere else.",
        ),
        (
            2,
            "I ask the learner, but what they say rarely changes my plans.",
        ),
        (
            2,
            "Our targets are written about learners rather than with them.",
        ),
        (3, ""),
        (
            3,
            "I try things, but I do not often look back at what happened.",
        ),
    ];
    let answers: Vec<Answer> = Area::ALL
        .into_iter()
        .zip(said)
        .map(|(area, (rating, words))| Answer {
            area,
            rating,
            words: words.to_string(),
        })
        .collect();
    save(
        db,
        user_id,
        Stage::Start,
        &answers,
        "A, Year 2, speech and language needs",
    )
    .await?;
    Ok(())
}

mod community {
    use domain::community::{Draft, Space};
    use domain::model::{Role, Sector};
    use serde::Deserialize;
    use services::store::{community as store, networks, now, settings, users, Db};
    use std::collections::HashMap;

    #[derive(Deserialize)]
    struct Data {
        network: Network,
        setting: Setting,
        posts: Vec<Post>,
    }
    #[derive(Deserialize)]
    struct Network {
        name: String,
    }
    #[derive(Deserialize)]
    struct Setting {
        name: String,
        sector: String,
        people: Vec<Person>,
    }
    #[derive(Deserialize)]
    struct Person {
        email: String,
        name: String,
        role: String,
        sector: String,
        specialist: bool,
        expertise: Vec<String>,
    }
    #[derive(Deserialize)]
    struct Post {
        author: String,
        kind: String,
        scope: String,
        title: String,
        area: String,
        sector: String,
        age: String,
        module: Option<String>,
        need: String,
        tried: String,
        happened: String,
        change: String,
        body: String,
        days_ago: i64,
        replies: Vec<Reply>,
    }
    #[derive(Deserialize)]
    struct Reply {
        author: String,
        body: String,
        days_ago: i64,
        #[serde(default)]
        accepted: bool,
        #[serde(default)]
        comments: Vec<Reply>,
    }

    /// The network, its second setting and its people, and their posts.
    pub async fn seed(db: &Db, first_setting: i64, hash: &str) -> anyhow::Result<()> {
        let data: Data = serde_json::from_str(include_str!("demo_community.json"))?;
        let sector = Sector::parse(&data.setting.sector).unwrap_or(Sector::Post16);
        let second = settings::create(db, &data.setting.name, sector).await?;
        let mut people: HashMap<String, (i64, i64)> = HashMap::new();
        for account in &super::ACCOUNTS {
            if let Some(c) = users::credentials_by_email(db, account.email).await? {
                people.insert(account.email.to_string(), (c.id, first_setting));
            }
        }
        for p in &data.setting.people {
            let user = users::NewUser {
                email: &p.email,
                display_name: &p.name,
                password_hash: hash,
                role: Role::parse(&p.role).unwrap_or(Role::Practitioner),
                setting_id: second,
                sector: Sector::parse(&p.sector).unwrap_or(sector),
                email_proved: true,
            };
            let id = users::create(db, &user)
                .await
                .map_err(|e| anyhow::anyhow!("creating {}: {e:?}", p.email))?;
            store::set_profile(db, id, p.specialist, &p.expertise.join(", ")).await?;
            people.insert(p.email.clone(), (id, second));
        }
        let network = networks::create(db, &data.network.name).await?;
        for setting in [first_setting, second] {
            networks::invite(db, network, setting).await?;
            networks::answer(db, network, setting, None, true).await?;
        }
        let person = |email: &str| {
            people
                .get(email)
                .copied()
                .ok_or_else(|| anyhow::anyhow!("demo community: unknown author {email}"))
        };
        let modules: Vec<String> = (1..=6).map(|n| format!("m{n}")).collect();
        let day = 86_400;
        for (n, p) in data.posts.iter().enumerate() {
            let (author, setting) = person(&p.author)?;
            let draft = Draft {
                kind: p.kind.clone(),
                title: p.title.clone(),
                area: p.area.clone(),
                sector: p.sector.clone(),
                age: p.age.clone(),
                module: p.module.clone().unwrap_or_default(),
                need: p.need.clone(),
                tried: p.tried.clone(),
                outcome: p.happened.clone(),
                change: p.change.clone(),
                body: p.body.clone(),
            };
            let checked = domain::community::check(&draft, &modules)
                .map_err(|e| anyhow::anyhow!("demo post {:?}: {e:?}", p.title))?;
            let id = format!("demo-post-{n:03}");
            let space = if p.scope == "network" {
                Space::Network(network)
            } else {
                Space::Setting
            };
            store::create_post(
                db,
                &store::NewPost {
                    id: &id,
                    author_id: author,
                    setting_id: setting,
                    network_id: space.network_id(),
                    post: &checked,
                    source_entry_id: None,
                },
            )
            .await?;
            store::backdate(db, &id, false, now() - p.days_ago * day).await?;
            for (r, reply) in p.replies.iter().enumerate() {
                let reply_id = format!("demo-reply-{n:03}-{r:02}");
                seed_reply(db, &id, &reply_id, None, reply, &person).await?;
                if reply.accepted {
                    store::accept(db, &id, Some(&reply_id)).await?;
                }
                for (c, comment) in reply.comments.iter().enumerate() {
                    let comment_id = format!("{reply_id}-{c:02}");
                    seed_reply(db, &id, &comment_id, Some(&reply_id), comment, &person).await?;
                }
            }
        }
        seed_sessions(db, network, first_setting, &person).await
    }

    /// Last month's swap and support (with notes, attended by two people) and next month's.
    async fn seed_sessions(
        db: &Db,
        network: i64,
        setting: i64,
        person: &impl Fn(&str) -> anyhow::Result<(i64, i64)>,
    ) -> anyhow::Result<()> {
        use services::store::community_sessions as sessions;
        let (organiser, _) = person("senco@oakfield.example")?;
        let day = 86_400;
        // 16:00 UK time, near enough for demo data (the page shows the setting's time).
        let today = now() - now().rem_euclid(day) + 16 * 3_600;
        for (id, topic, at) in [
            (
                "demo-session-past",
                "Swap and support: first-then boards and objects of reference",
                today - 21 * day,
            ),
            (
                "demo-session-next",
                "Swap and support: redrafting our graduated response document together",
                today + 9 * day,
            ),
        ] {
            sessions::create(
                db,
                &sessions::NewSession {
                    id,
                    organiser_id: organiser,
                    setting_id: setting,
                    network_id: Some(network),
                    topic,
                    starts_at: at,
                    minutes: 60,
                    place: "Online: the link is in the partnership calendar invitation",
                },
            )
            .await?;
        }
        for email in [
            "ella@oakfield.example",
            "niamh.doherty@riversidebridge.example",
        ] {
            sessions::attend(db, "demo-session-past", person(email)?.0).await?;
        }
        sessions::set_notes(
            db,
            "demo-session-past",
            "Eight of us from both settings. We compared how each setting introduces objects of reference and agreed to share one laminated card format for cover staff.\n\nNext time: bring your current graduated response document, printed, so phase groups can redraft it together.",
            &["demo-post-000".to_string()],
        )
        .await?;
        Ok(())
    }

    async fn seed_reply(
        db: &Db,
        post: &str,
        id: &str,
        parent: Option<&str>,
        reply: &Reply,
        person: &impl Fn(&str) -> anyhow::Result<(i64, i64)>,
    ) -> anyhow::Result<()> {
        let (author, _) = person(&reply.author)?;
        store::add_reply(
            db,
            &store::NewReply {
                id,
                post_id: post,
                parent_id: parent,
                author_id: author,
                body: &reply.body,
            },
        )
        .await?;
        store::backdate(db, id, true, now() - reply.days_ago * 86_400).await?;
        Ok(())
    }
}

/// Accounts of the demo network's second setting, shown with the others.
pub const NETWORK_ACCOUNTS: [(&str, &str); 2] = [
    (
        "senco@riversidebridge.example",
        "SENCo at Riverside College and Bridge Specialist School",
    ),
    (
        "niamh.doherty@riversidebridge.example",
        "teacher at the specialist school, in the same network",
    ),
];

pub fn sign_in_instructions(addr: &str) -> String {
    let mut text = format!("\nDemo data is ready. Open http://{addr} and sign in with any of these (password: {DEMO_PASSWORD}):\n");
    for a in &ACCOUNTS {
        text.push_str(&format!(
            "  {:<24} {} ({}, {})\n",
            a.email,
            a.name,
            a.role.label(),
            a.sector.label()
        ));
    }
    text.push_str("Oakfield staff part-way through CPD plans (the same password):\n");
    for (email, who) in crate::demo_plans::accounts() {
        text.push_str(&format!("  {email:<30} {who}\n"));
    }
    text.push_str("In the community, Oakfield shares a network with a second setting; its people sign in the same way:\n");
    for (email, who) in NETWORK_ACCOUNTS {
        text.push_str(&format!("  {email:<32} {who}\n"));
    }
    text
}

/// Ella's plan, part-way: two goals from her self-review, shared with Priya, who suggested
/// something and agreed it; it waits for Ella to agree it too.
async fn plan(db: &Db, ella: i64, priya: i64) -> anyhow::Result<()> {
    use domain::plan::Goal;
    use services::store::plans::{agree, comment, save, set_shared, Side};
    let goals = [
        Goal {
            words: "Plan with A what she will need in a lesson, before it starts, rather than adapting on the spot.".into(),
            modules: vec!["m1".into(), "m3".into()],
            learners: "A, Year 2, speech and language needs".into(),
        },
        Goal {
            words: "Write A's next targets with her, in words she would use.".into(),
            modules: vec!["m4".into()],
            learners: "A".into(),
        },
    ];
    save(db, ella, (ella, Side::Author), 0, &goals, None).await?;
    set_shared(db, ella, true).await?;
    comment(
        db,
        ella,
        (priya, Side::Senco),
        1,
        "Both goals sound right for A. For the first, could you try it in phonics, where you said the adapting happens most?",
        None,
    )
    .await?;
    agree(db, ella, (priya, Side::Senco), 1).await?;
    Ok(())
}
