//! A large, realistic setting for benchmarks: N staff part-way through the course, with
//! submitted entries waiting for review. Deterministic (a fixed seed), so figures compare
//! across runs.

use crate::password;
use crate::store::{now, settings};
use domain::content::Course;
use domain::model::{Role, Sector};
use rand::{rngs::StdRng, Rng, SeedableRng};

pub const SENCO_EMAIL: &str = "senco@large.example";

pub const NETWORK_EMAIL: &str = "member@network.example";

/// Words practitioners write, for generated entries (searching them is the benchmark).
const VOCABULARY: [&str; 60] = [
    "the",
    "and",
    "with",
    "learner",
    "learners",
    "visual",
    "timetable",
    "transition",
    "support",
    "assistant",
    "reading",
    "phonics",
    "maths",
    "sensory",
    "break",
    "noise",
    "calm",
    "corner",
    "parent",
    "carer",
    "meeting",
    "plan",
    "review",
    "outcome",
    "target",
    "progress",
    "evidence",
    "observation",
    "language",
    "speech",
    "communication",
    "autism",
    "dyslexia",
    "anxiety",
    "attention",
    "behaviour",
    "regulation",
    "routine",
    "morning",
    "lunch",
    "playground",
    "writing",
    "scaffold",
    "fade",
    "prompt",
    "independence",
    "group",
    "pair",
    "adult",
    "feedback",
    "question",
    "strategy",
    "tried",
    "happened",
    "next",
    "changed",
    "week",
    "colleague",
    "SENCo",
    "graduated",
];

#[engines::both]
mod sql {
    use super::*;

    /// Creates "Large Academy" with one SENCo (SENCO_EMAIL) and `staff` practitioners, all
    /// signing in with `sign_in_password`, and `settings - 1` more like it ("Academy 002"
    /// onwards, senco@academy002.example and staff0000@academy002.example onwards): a local
    /// authority's worth with `--settings 300 --staff 50 --entries 64`. Each setting is
    /// written in a transaction of its own. Returns the first setting's id.
    pub async fn large_setting(
        db: &Db,
        course: &Course,
        settings: usize,
        staff: usize,
        entries_each: usize,
        sign_in_password: &str,
    ) -> anyhow::Result<i64> {
        let mut rng = StdRng::seed_from_u64(2026);
        let hash = password::hash(sign_in_password.to_string())
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let sections: Vec<(&str, bool)> = course
            .sections()
            .map(|(_, s)| {
                (
                    s.key.as_str(),
                    s.kind == domain::content::SectionKind::Reflection,
                )
            })
            .collect();
        let mut first = None;
        for k in 1..=settings.max(1) {
            let (name, domain) = if k == 1 {
                ("Large Academy".to_string(), "large.example".to_string())
            } else {
                (format!("Academy {k:03}"), format!("academy{k:03}.example"))
            };
            let setting = settings::sql::create(db, &name, Sector::SchoolAge).await?;
            first.get_or_insert(setting);
            let mut tx = write(db).await?;
            let people = People {
                setting,
                domain: &domain,
                hash: &hash,
                staff,
            };
            fill(&mut tx, &people, &sections, entries_each, &mut rng).await?;
            tx.commit().await?;
        }
        fresh_statistics(db).await?;
        first.ok_or_else(|| anyhow::anyhow!("no setting was made"))
    }

    /// One generated setting's people: a SENCo and `staff` practitioners at `domain`.
    struct People<'a> {
        setting: i64,
        domain: &'a str,
        hash: &'a str,
        staff: usize,
    }

    async fn fill(
        tx: &mut Conn,
        people: &People<'_>,
        sections: &[(&str, bool)],
        entries_each: usize,
        rng: &mut StdRng,
    ) -> anyhow::Result<()> {
        let People {
            setting,
            domain,
            hash,
            staff,
        } = *people;
        let t0 = now() - 120 * 86_400;
        let insert_user = "INSERT INTO users (email, display_name, password_hash, role, setting_id, sector, created_at, last_seen_at, email_verified_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7)";
        sqlx::query(insert_user)
            .bind(format!("senco@{domain}"))
            .bind("Jordan Ellis")
            .bind(hash)
            .bind(Role::Senco.as_str())
            .bind(setting)
            .bind(Sector::SchoolAge.as_str())
            .bind(t0)
            .bind(now())
            .execute(&mut *tx)
            .await?;
        for i in 0..staff {
            let sector = Sector::ALL[rng.gen_range(0..3)];
            let last_seen = now() - rng.gen_range(0..60) * 86_400;
            let user_id: i64 = sqlx::query_scalar(&format!("{insert_user} RETURNING id"))
                .bind(format!("staff{i:04}@{domain}"))
                .bind(format!("Staff Member {i:04}"))
                .bind(hash)
                .bind(Role::Practitioner.as_str())
                .bind(setting)
                .bind(sector.as_str())
                .bind(t0)
                .bind(last_seen)
                .fetch_one(&mut *tx)
                .await?;
            // Most people are part-way: a few have not started, a few have finished.
            let done = match rng.gen_range(0..10) {
                0 => 0,
                9 => sections.len(),
                _ => rng.gen_range(1..sections.len()),
            };
            for (n, (key, reflection)) in sections.iter().enumerate().take(done + 1) {
                let at = t0 + (n as i64 + 1) * 3 * 86_400 + rng.gen_range(0..86_400);
                let completed = (n < done).then_some(at + 1_800);
                sqlx::query("INSERT INTO section_progress (user_id, section_key, first_opened_at, last_opened_at, completed_at, active_seconds) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(user_id)
                .bind(key)
                .bind(at)
                .bind(at)
                .bind(completed)
                .bind(rng.gen_range(300..2_400))
                .execute(&mut *tx)
                .await?;
                if *reflection && n < done {
                    let id = format!("{:08x}-0000-4000-8000-{:012x}", user_id, n);
                    let status = if rng.gen_bool(0.3) {
                        "submitted"
                    } else {
                        "draft"
                    };
                    let submitted = (status == "submitted").then_some(at + 3_600);
                    sqlx::query("INSERT INTO log_entries (id, user_id, section_key, prompt_key, kind, body, status, rev, created_at, updated_at, submitted_at, submitted_rev) VALUES ($1, $2, $3, 'p1', 'reflection', $4, $5, 1, $6, $7, $8, $9)")
                    .bind(&id)
                    .bind(user_id)
                    .bind(key)
                    .bind("A reflection written for the benchmark: what I tried, what happened, and what I will do next.")
                    .bind(status)
                    .bind(at)
                    .bind(at)
                    .bind(submitted)
                    .bind(submitted.map(|_| 1))
                    .execute(&mut *tx)
                    .await?;
                }
            }
            for n in 0..entries_each {
                let (key, _) = sections[n % sections.len()];
                let words: Vec<&str> = (0..rng.gen_range(30..120))
                    .map(|_| VOCABULARY[rng.gen_range(0..VOCABULARY.len())])
                    .collect();
                let at = t0 + rng.gen_range(0..100) * 86_400;
                sqlx::query("INSERT INTO log_entries (id, user_id, section_key, prompt_key, kind, body, status, rev, created_at, updated_at) VALUES ($1, $2, $3, $4, 'practice_note', $5, 'draft', 1, $6, $7)")
                .bind(format!("{:08x}-0000-4000-9000-{:012x}", user_id, n))
                .bind(user_id)
                .bind(key)
                .bind(format!("g{n}"))
                .bind(words.join(" "))
                .bind(at)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            }
        }
        Ok(())
    }

    /// A network of `settings` settings ("Bench Network"), each with a SENCo and two
    /// practitioners, and `posts` posts shared across it (a tenth of them questions, a fifth of
    /// those answered). The first setting's first practitioner is NETWORK_EMAIL. Returns the
    /// network's id.
    pub async fn large_network(
        db: &Db,
        settings_count: usize,
        posts: usize,
        sign_in_password: &str,
    ) -> anyhow::Result<i64> {
        use domain::community::Area;
        let mut rng = StdRng::seed_from_u64(2027);
        let hash = password::hash(sign_in_password.to_string())
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let network = crate::store::networks::sql::create(db, "Bench Network").await?;
        let t0 = now() - 365 * 86_400;
        let mut authors: Vec<(i64, i64)> = Vec::new();
        for s in 0..settings_count {
            let setting =
                settings::sql::create(db, &format!("Bench Setting {s:02}"), Sector::ALL[s % 3])
                    .await?;
            crate::store::networks::sql::invite(db, network, setting).await?;
            crate::store::networks::sql::answer(db, network, setting, None, true).await?;
            let mut tx = write(db).await?;
            for (n, role) in [Role::Senco, Role::Practitioner, Role::Practitioner]
                .iter()
                .enumerate()
            {
                let email = if s == 0 && n == 1 {
                    NETWORK_EMAIL.to_string()
                } else {
                    format!("p{n}@bench{s:02}.example")
                };
                let id: i64 = sqlx::query_scalar("INSERT INTO users (email, display_name, password_hash, role, setting_id, sector, created_at, email_verified_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id")
                .bind(email)
                .bind(format!("Bench Person {s:02}-{n}"))
                .bind(&hash)
                .bind(role.as_str())
                .bind(setting)
                .bind(Sector::ALL[s % 3].as_str())
                .bind(t0)
                .fetch_one(&mut *tx)
                .await?;
                authors.push((id, setting));
            }
            tx.commit().await?;
        }
        let mut tx = write(db).await?;
        let words = |rng: &mut StdRng, n: std::ops::Range<usize>| {
            (0..rng.gen_range(n))
                .map(|_| VOCABULARY[rng.gen_range(0..VOCABULARY.len())])
                .collect::<Vec<_>>()
                .join(" ")
        };
        for i in 0..posts {
            let (author, setting) = authors[rng.gen_range(0..authors.len())];
            let question = i % 10 == 0;
            let at = t0 + (i as i64) * (365 * 86_400 / posts.max(1) as i64);
            let title = words(&mut rng, 4..9);
            let (need, tried, outcome, body) = if question {
                (
                    String::new(),
                    String::new(),
                    String::new(),
                    words(&mut rng, 30..80),
                )
            } else {
                (
                    words(&mut rng, 20..50),
                    words(&mut rng, 40..120),
                    words(&mut rng, 20..60),
                    String::new(),
                )
            };
            sqlx::query("INSERT INTO posts (id, author_id, setting_id, network_id, kind, title, area, sector, age, module_key, need, tried, outcome, body, created_at, reply_count, accepted_reply_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '', $9, $10, $11, $12, $13, $14, $15, $16)")
            .bind(format!("bench-post-{i:06}"))
            .bind(author)
            .bind(setting)
            .bind(network)
            .bind(if question { "question" } else { "example" })
            .bind(title)
            .bind(Area::ALL[rng.gen_range(0..4)].as_str())
            .bind(Sector::ALL[rng.gen_range(0..3)].as_str())
            .bind(format!("m{}", rng.gen_range(1..=6)))
            .bind(need)
            .bind(tried)
            .bind(outcome)
            .bind(body)
            .bind(at)
            .bind(if question { 1 } else { 0 })
            .bind((question && i % 50 == 0).then(|| format!("bench-reply-{i:06}")))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        fresh_statistics(db).await?;
        Ok(network)
    }

    /// After a bulk load PostgreSQL's planner needs the tables' new statistics, which it
    /// would otherwise only have once autovacuum comes round (a minute or more): until then
    /// it thinks a network of 10,000 posts is empty and plans for that.
    async fn fresh_statistics(db: &Db) -> Result<(), sqlx::Error> {
        #[only(postgres)]
        let _ = sqlx::query(
            "ANALYZE users, settings, network_settings, posts, replies, log_entries, section_progress",
        )
        .execute(db.pool())
        .await?;
        let _ = db;
        Ok(())
    }
}
