//! A practitioner's self-review (`domain::self_review`): one row per person and stage, and
//! one per area answered. Only its author reads or writes it here; sharing comes with the
//! plan it starts.

use super::now;
use domain::self_review::{Answer, Area, SelfReview};

/// Which self-review: where the plan starts, or where it ends two terms later.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Start,
    End,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Start => "start",
            Stage::End => "end",
        }
    }
}

struct AnswerRow {
    area: String,
    rating: i64,
    words: String,
}

#[engines::both]
mod sql {
    use super::*;

    /// The person's self-review at `stage`, if they have saved one.
    pub async fn get(
        db: &Db,
        user_id: i64,
        stage: Stage,
    ) -> Result<Option<SelfReview>, sqlx::Error> {
        let stage = stage.as_str();
        let Some(head) = sqlx::query!(
            r#"SELECT learners, updated_at AS "updated_at!: i64" FROM self_reviews
               WHERE user_id = $1 AND stage = $2"#,
            user_id,
            stage
        )
        .fetch_optional(db.pool())
        .await?
        else {
            return Ok(None);
        };
        let rows = sqlx::query_as!(
            AnswerRow,
            r#"SELECT area, rating AS "rating!: i64", words FROM self_review_answers
               WHERE user_id = $1 AND stage = $2"#,
            user_id,
            stage
        )
        .fetch_all(db.pool())
        .await?;
        let mut answers: Vec<Answer> = rows
            .into_iter()
            .filter_map(|r| {
                Some(Answer {
                    area: Area::parse(&r.area)?,
                    rating: u8::try_from(r.rating).ok()?,
                    words: r.words,
                })
            })
            .collect();
        answers.sort_by_key(|a| a.area);
        Ok(Some(SelfReview {
            answers,
            learners: head.learners,
            updated_at: head.updated_at,
        }))
    }

    /// Keeps the person's self-review at `stage`, replacing what was there, in one write.
    pub async fn save(
        db: &Db,
        user_id: i64,
        stage: Stage,
        answers: &[Answer],
        learners: &str,
    ) -> Result<(), sqlx::Error> {
        let (stage, at) = (stage.as_str(), now());
        let mut tx = write(db).await?;
        sqlx::query!(
            "INSERT INTO self_reviews (user_id, stage, learners, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id, stage) DO UPDATE SET learners = excluded.learners, updated_at = excluded.updated_at",
            user_id,
            stage,
            learners,
            at
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "DELETE FROM self_review_answers WHERE user_id = $1 AND stage = $2",
            user_id,
            stage
        )
        .execute(&mut *tx)
        .await?;
        for a in answers {
            let (area, rating) = (a.area.as_str(), i64::from(a.rating));
            sqlx::query!(
                "INSERT INTO self_review_answers (user_id, stage, area, rating, words) VALUES ($1, $2, $3, $4, $5)",
                user_id,
                stage,
                area,
                rating,
                a.words
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_db;
    use domain::model::Role;

    fn answers(ratings: [u8; 6]) -> Vec<Answer> {
        Area::ALL
            .into_iter()
            .zip(ratings)
            .map(|(area, rating)| Answer {
                area,
                rating,
                words: format!("About {}", area.as_str()),
            })
            .collect()
    }

    #[tokio::test]
    async fn a_self_review_is_kept_whole_replaced_whole_and_only_for_its_author() {
        let db = test_db::fresh().await;
        let (oak, sam) = test_db::person(&db, "sam@oak.example", Role::Practitioner, None).await;
        let (_, ella) =
            test_db::person(&db, "ella@oak.example", Role::Practitioner, Some(oak)).await;
        assert_eq!(get(&db, sam, Stage::Start).await.unwrap(), None);

        save(
            &db,
            sam,
            Stage::Start,
            &answers([1, 2, 3, 4, 3, 2]),
            "J, Year 4",
        )
        .await
        .unwrap();
        let kept = get(&db, sam, Stage::Start).await.unwrap().unwrap();
        assert_eq!(kept.answers, answers([1, 2, 3, 4, 3, 2]));
        assert_eq!(kept.learners, "J, Year 4");
        assert!(kept.updated_at > 0);

        // Saved again: replaced, not added to.
        save(&db, sam, Stage::Start, &answers([3, 3, 3, 3, 3, 3]), "")
            .await
            .unwrap();
        let kept = get(&db, sam, Stage::Start).await.unwrap().unwrap();
        assert_eq!(kept.answers, answers([3, 3, 3, 3, 3, 3]));
        assert_eq!(kept.learners, "");

        // Nobody else's, and not the other stage.
        assert_eq!(get(&db, ella, Stage::Start).await.unwrap(), None);
        assert_eq!(get(&db, sam, Stage::End).await.unwrap(), None);
    }
}
