//! The one way a write that may arrive more than once is done once. A browser sends a write
//! again whenever it did not hear the answer (the outbox retries until it does; a reply can
//! be lost; a second tab may send the same queued write), so every such write carries an id
//! the browser made: the operation's id (a learning-log save, a progress event), or the new
//! row's own id (a post, a reply, a session), named by what it is (`key`) so that ids of
//! different writes never meet. Inside the write's transaction it asks
//! `earlier` first: a repeat gets the first answer again and writes nothing; an id someone
//! else used is refused. The write then `keep`s its answer. Answers are kept for
//! `sweep::OUTCOMES_KEPT_SECS`; after that the writes are still safe to repeat on their own
//! terms (a save compares text, a new row's id is taken once), so nothing is done twice.

use crate::metrics::{self, Outbox};
use serde::{de::DeserializeOwned, Serialize};

/// The id a write is known by here: "progress:<op id>", "post:<post id>". A learning-log
/// save's is its op id alone (as answers kept before names were given).
pub fn key(what: &str, id: &str) -> String {
    format!("{what}:{id}")
}

/// An answer as `keep` stores it, for a write that keeps it in a statement of its own
/// (`learning_log::accept` on PostgreSQL).
pub fn stored<T: Serialize>(answer: &T) -> Result<String, sqlx::Error> {
    serde_json::to_string(answer).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

/// What became of an earlier try of a write.
#[derive(Debug, PartialEq, Eq)]
pub enum Earlier<T> {
    /// None: this is the first.
    Unseen,
    /// The first try's answer.
    Answered(T),
    /// The id was used by someone else, or for another kind of write.
    NotYours,
}

impl<T: DeserializeOwned> Earlier<T> {
    /// What a kept answer (its maker and the answer), if any, means for `user_id`'s try.
    pub fn of(kept: Option<(i64, String)>, user_id: i64) -> Self {
        let Some((maker, reply)) = kept else {
            return Earlier::Unseen;
        };
        match serde_json::from_str(&reply) {
            Ok(answer) if maker == user_id => {
                metrics::outbox(Outbox::Replayed);
                Earlier::Answered(answer)
            }
            _ => {
                metrics::outbox(Outbox::Refused);
                Earlier::NotYours
            }
        }
    }
}

impl<T> Earlier<T> {
    /// The answer a repeat gets: the first try's, or `not_yours` for an id someone else
    /// used; None for a first try, which goes on to do the write.
    pub fn answer(self, not_yours: T) -> Option<T> {
        match self {
            Earlier::Unseen => None,
            Earlier::Answered(first) => Some(first),
            Earlier::NotYours => Some(not_yours),
        }
    }
}

#[engines::both]
mod sql {
    use super::*;

    /// What an earlier try of the write `op_id` by `user_id` was answered, if there was one.
    pub async fn earlier<T: DeserializeOwned>(
        tx: &mut Conn,
        op_id: &str,
        user_id: i64,
    ) -> Result<Earlier<T>, sqlx::Error> {
        let first = sqlx::query!(
            "SELECT user_id, reply FROM op_outcomes WHERE op_id = $1",
            op_id
        )
        .fetch_optional(&mut *tx)
        .await?;
        Ok(Earlier::of(first.map(|f| (f.user_id, f.reply)), user_id))
    }

    /// `earlier`, for a write whose form may carry no id (a page from before forms had
    /// one): without one, every try is a first.
    pub async fn earlier_if<T: DeserializeOwned>(
        tx: &mut Conn,
        op_id: Option<&str>,
        user_id: i64,
    ) -> Result<Earlier<T>, sqlx::Error> {
        match op_id {
            Some(op_id) => earlier(tx, op_id, user_id).await,
            None => Ok(Earlier::Unseen),
        }
    }

    /// `keep`, for a write that may carry no id.
    pub async fn keep_if<T: Serialize>(
        tx: &mut Conn,
        op_id: Option<&str>,
        user_id: i64,
        answer: &T,
    ) -> Result<(), sqlx::Error> {
        match op_id {
            Some(op_id) => keep(tx, op_id, user_id, answer).await,
            None => Ok(()),
        }
    }

    /// Keeps the answer to the write `op_id`, in the write's own transaction, so that the
    /// write and its answer are kept together or not at all.
    pub async fn keep<T: Serialize>(
        tx: &mut Conn,
        op_id: &str,
        user_id: i64,
        answer: &T,
    ) -> Result<(), sqlx::Error> {
        let reply = stored(answer)?;
        let at = crate::store::now();
        sqlx::query!(
            "INSERT INTO op_outcomes (op_id, user_id, reply, created_at) VALUES ($1, $2, $3, $4)",
            op_id,
            user_id,
            reply,
            at,
        )
        .execute(&mut *tx)
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{test_db, write};
    use domain::model::Role;

    #[tokio::test]
    async fn a_write_is_answered_once_and_only_for_whoever_made_it() {
        let db = test_db::fresh().await;
        let (setting, sam) = test_db::person(&db, "sam@x.test", Role::Practitioner, None).await;
        let (_, ella) =
            test_db::person(&db, "ella@x.test", Role::Practitioner, Some(setting)).await;
        let mut tx = write(&db).await.unwrap();
        assert_eq!(
            earlier::<String>(&mut tx, "op-1", sam).await.unwrap(),
            Earlier::Unseen
        );
        keep(&mut tx, "op-1", sam, &"rev 3".to_string())
            .await
            .unwrap();
        assert_eq!(
            earlier::<String>(&mut tx, "op-1", sam).await.unwrap(),
            Earlier::Answered("rev 3".into())
        );
        assert_eq!(
            earlier::<String>(&mut tx, "op-1", ella).await.unwrap(),
            Earlier::NotYours
        );
        // The same id sent for another kind of write (whose answer is not a text).
        assert_eq!(
            earlier::<bool>(&mut tx, "op-1", sam).await.unwrap(),
            Earlier::NotYours
        );
        // What a repeat answers: the first answer, or the caller's refusal for someone else.
        let first = earlier::<String>(&mut tx, "op-1", sam).await.unwrap();
        assert_eq!(first.answer("refused".into()), Some("rev 3".to_string()));
        let other = earlier::<String>(&mut tx, "op-1", ella).await.unwrap();
        assert_eq!(other.answer("refused".into()), Some("refused".to_string()));
        let new = earlier::<String>(&mut tx, "op-new", sam).await.unwrap();
        assert_eq!(new.answer("refused".into()), None);
        // A proposal keeps its new id as a text and reads it back as Some(id).
        assert_eq!(
            earlier::<Option<String>>(&mut tx, "op-1", sam)
                .await
                .unwrap(),
            Earlier::Answered(Some("rev 3".into()))
        );
        // Kept a second time, the same id is refused by the table: a write that did not ask
        // first cannot slip through.
        assert!(keep(&mut tx, "op-1", sam, &"again".to_string())
            .await
            .is_err());
    }

    #[tokio::test]
    async fn an_answer_is_kept_only_with_its_write() {
        let db = test_db::fresh().await;
        let (_, sam) = test_db::person(&db, "sam@x.test", Role::Practitioner, None).await;
        let mut tx = write(&db).await.unwrap();
        keep(&mut tx, "op-2", sam, &1).await.unwrap();
        drop(tx); // rolled back, as when the write fails after keeping its answer
        let mut tx = write(&db).await.unwrap();
        assert_eq!(
            earlier::<i64>(&mut tx, "op-2", sam).await.unwrap(),
            Earlier::Unseen
        );
    }
}
