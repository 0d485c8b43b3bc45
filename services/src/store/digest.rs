//! What each person has not yet been emailed about: new submissions for a SENCo, new
//! feedback for an author, new replies on the community threads they follow. A digest moves the person's watermark past what it contained.

use domain::review::ReviewAction;

/// One line of someone's digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DigestLine {
    pub recipient_id: i64,
    pub recipient_email: String,
    pub recipient_name: String,
    /// Who did it: the author who submitted, or the SENCo who replied.
    pub actor: String,
    pub section_key: String,
    pub prompt_key: String,
    /// None for a submission; the feedback's action for a reply.
    pub event: Option<ReviewAction>,
    pub at: i64,
    /// The recipient's setting's time zone, for the dates in their email.
    pub time_zone: String,
}

#[engines::both]
mod sql {
    use super::*;

    /// Everything not yet emailed, grouped by recipient in id order.
    pub async fn pending(db: &Db) -> Result<Vec<DigestLine>, sqlx::Error> {
        sqlx::query_as!(
        DigestLine,
        r#"SELECT s.id AS "recipient_id!", s.email AS "recipient_email!", s.display_name AS "recipient_name!",
                a.display_name AS "actor!", e.section_key AS "section_key!", e.prompt_key AS "prompt_key!",
                NULL AS "event?: ReviewAction", e.submitted_at AS "at!: i64",
                (SELECT time_zone FROM settings WHERE id = s.setting_id) AS "time_zone!: String"
         FROM users s JOIN users a ON a.setting_id = s.setting_id JOIN log_entries e ON e.user_id = a.id
         WHERE s.role = 'senco' AND s.active = TRUE AND e.status = 'submitted'
           AND e.submitted_at > COALESCE(s.digest_sent_at, s.created_at - 1)
         UNION ALL
         SELECT u.id, u.email, u.display_name, r.display_name, e.section_key, e.prompt_key, f.action, f.created_at,
                (SELECT time_zone FROM settings WHERE id = u.setting_id)
         FROM feedback f JOIN log_entries e ON e.id = f.entry_id JOIN users u ON u.id = e.user_id
              JOIN users r ON r.id = f.author_id
         WHERE u.active = TRUE AND f.read_at IS NULL AND f.author_id <> u.id
           AND f.created_at > COALESCE(u.digest_sent_at, u.created_at - 1)
         UNION ALL
         -- Replies by others on community threads the person follows and may still see.
         SELECT u.id, u.email, u.display_name, a.display_name, 'community:' || p.id, 'reply', NULL, r.created_at,
                (SELECT time_zone FROM settings WHERE id = u.setting_id)
         FROM follows fo JOIN users u ON u.id = fo.user_id
              JOIN visible_posts p ON p.id = fo.post_id AND p.viewer_id = u.id
              JOIN replies r ON r.post_id = p.id JOIN users a ON a.id = r.author_id
         WHERE u.active = TRUE AND r.author_id <> u.id AND r.deleted_at IS NULL AND r.hidden_at IS NULL
           AND p.hidden_at IS NULL AND r.created_at > COALESCE(u.digest_sent_at, u.created_at - 1)
         ORDER BY 1, 8 -- recipient, then time"#
    )
    .fetch_all(db.pool())
    .await
    }

    /// Records that a person has been told about everything up to `through`.
    pub async fn mark_sent(db: &Db, user_id: i64, through: i64) -> Result<(), sqlx::Error> {
        sqlx::query!(
            "UPDATE users SET digest_sent_at = MAX(COALESCE(digest_sent_at, 0), $1) WHERE id = $2",
            through,
            user_id
        )
        .write_in_turn(db)
        .await?;
        Ok(())
    }
}
