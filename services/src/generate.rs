//! A large, realistic setting for benchmarks: N staff part-way through the course, with
//! submitted entries waiting for review, and self-reviews and CPD plans (most shared with
//! the SENCo) for the picture of need. Deterministic (a fixed seed), so figures compare
//! across runs.

use crate::password;
use crate::store::{now, settings};
use domain::content::Course;
use domain::model::{Role, Sector};
use domain::plan::Goal;
use domain::self_review::Area;
use rand::distributions::{Distribution, WeightedIndex};
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

/// Between `n.start` and `n.end` words from VOCABULARY, as generated text.
fn words(rng: &mut StdRng, n: std::ops::Range<usize>) -> String {
    (0..rng.gen_range(n))
        .map(|_| VOCABULARY[rng.gen_range(0..VOCABULARY.len())])
        .collect::<Vec<_>>()
        .join(" ")
}

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
        // Self-reviews and plans draw from a stream of their own, so the rest of the data
        // (and the figures measured on it) stays as it was before they were added.
        let mut plan_rng = StdRng::seed_from_u64(2028);
        let modules: Vec<&str> = course.modules.iter().map(|m| m.key.as_str()).collect();
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
            let ids = fill(&mut tx, &people, &sections, entries_each, &mut rng).await?;
            reviews_and_plans(&mut tx, &ids, &modules, &mut plan_rng).await?;
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
    ) -> anyhow::Result<Vec<i64>> {
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
        let mut ids = Vec::with_capacity(staff);
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
            ids.push(user_id);
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
        Ok(ids)
    }

    /// Starting self-reviews for 4 in 5 of `staff`; of those, 3 in 4 have a plan shared with
    /// the SENCo and 1 in 8 a private one. Goals link 1 to 3 `modules` (the course's keys),
    /// mostly those covering the areas she rated low, as the self-review suggests.
    async fn reviews_and_plans(
        tx: &mut Conn,
        staff: &[i64],
        modules: &[&str],
        rng: &mut StdRng,
    ) -> anyhow::Result<()> {
        // Half of each area's ratings lean up or down from an even spread, so the picture
        // has shape.
        const LEAN: [i64; 6] = [1, 0, 1, -1, 0, -1];
        // All six answers in one statement: a sixth of the round trips.
        let answers = format!(
            "INSERT INTO self_review_answers (user_id, stage, area, rating, words) VALUES {}",
            (0..6)
                .map(|i| format!(
                    "($1, 'start', ${}, ${}, ${})",
                    3 * i + 2,
                    3 * i + 3,
                    3 * i + 4
                ))
                .collect::<Vec<_>>()
                .join(", ")
        );
        for &user_id in staff {
            if rng.gen_range(0..5) == 0 {
                continue;
            }
            let at = now() - rng.gen_range(30..90) * 86_400;
            let initial = char::from(b'A' + rng.gen_range(0..26));
            sqlx::query("INSERT INTO self_reviews (user_id, stage, learners, updated_at) VALUES ($1, 'start', $2, $3)")
                .bind(user_id)
                .bind(format!("{initial}, Year {}", rng.gen_range(1..7)))
                .bind(at)
                .execute(&mut *tx)
                .await?;
            let ratings = LEAN.map(|lean| {
                let lean = if rng.gen_bool(0.5) { lean } else { 0 };
                (rng.gen_range(1..=4) + lean).clamp(1, 4)
            });
            let mut insert = sqlx::query(&answers).bind(user_id);
            for (area, rating) in Area::ALL.into_iter().zip(ratings) {
                insert = insert
                    .bind(area.as_str())
                    .bind(rating)
                    .bind(words(rng, 0..12));
            }
            insert.execute(&mut *tx).await?;
            let shared = match rng.gen_range(0..8) {
                0..=5 => true,
                6 => false,
                _ => continue,
            };
            // A module covering an area rated 2 or below is four times as likely to be chosen.
            let low = |key: &str| {
                Area::ALL
                    .iter()
                    .zip(ratings)
                    .any(|(a, r)| r <= 2 && a.module() == key)
            };
            let weights = WeightedIndex::new(modules.iter().map(|m| if low(m) { 4 } else { 1 }))?;
            let goals: Vec<Goal> = (0..rng.gen_range(1..=3))
                .map(|_| {
                    let mut picked = std::collections::BTreeSet::new();
                    let n = rng.gen_range(1..=3).min(modules.len());
                    while picked.len() < n {
                        picked.insert(weights.sample(rng));
                    }
                    Goal {
                        words: words(rng, 8..30),
                        // BTreeSet order is the course's order, as `plan::check` keeps them.
                        modules: picked.into_iter().map(|i| modules[i].to_string()).collect(),
                        learners: initial.to_string(),
                    }
                })
                .collect();
            let body = serde_json::to_string(&goals)?;
            let shared_at = shared.then_some(at + 86_400);
            sqlx::query("INSERT INTO plans (user_id, rev, goals, shared_at, updated_at, started_at) VALUES ($1, 1, $2, $3, $4, $4)")
                .bind(user_id)
                .bind(&body)
                .bind(shared_at)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            // Its history as `plans::save` and `set_shared` write it.
            let history = "INSERT INTO plan_events (owner_id, actor_id, kind, rev, body, at) VALUES ($1, $1, 'saved', 1, $2, $3)";
            let query = if shared {
                format!("{history}, ($1, $1, 'shared', 1, '', $4)")
            } else {
                history.to_string()
            };
            let mut insert = sqlx::query(&query).bind(user_id).bind(&body).bind(at);
            if let Some(shared_at) = shared_at {
                insert = insert.bind(shared_at);
            }
            insert.execute(&mut *tx).await?;
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
            "ANALYZE users, settings, network_settings, posts, replies, log_entries, section_progress, self_reviews, self_review_answers, plans, plan_events",
        )
        .execute(db.pool())
        .await?;
        let _ = db;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::store::{plans, test_db};

    /// Most of a generated setting's staff share a plan with a rating for every area, and
    /// goals linking 1 to 3 of the course's modules: the picture of need has data.
    #[tokio::test]
    async fn a_generated_setting_shares_plans_for_the_picture_of_need() {
        let db = test_db::fresh().await;
        let course = crate::content::load_course(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content"),
        )
        .unwrap();
        let setting = super::large_setting(&db, &course, 1, 40, 1, "a long test password")
            .await
            .unwrap();
        let goals = plans::shared_goals(&db, setting).await.unwrap();
        let ratings = plans::shared_ratings(&db, setting).await.unwrap();
        assert!((15..=35).contains(&goals.len()), "{} of 40", goals.len());
        assert_eq!(ratings.len(), goals.len() * 6);
        assert!((1..=4).all(|r| ratings.iter().any(|a| a.rating == r)));
        for goal in goals.iter().flat_map(|g| &g.goals) {
            assert!((1..=3).contains(&goal.modules.len()), "{goal:?}");
            assert!(goal.modules.iter().all(|m| course.module(m).is_some()));
        }
    }
}
