-- Review by the setting's SENCo, what authors have read, who looked at whose entries, and
-- when each person was last sent an email digest.

-- Every revision an author sent for review. A SENCo only ever reads these texts, never
-- the current draft.
CREATE TABLE submissions (
    id            INTEGER PRIMARY KEY,
    entry_id      TEXT    NOT NULL REFERENCES log_entries (id) ON DELETE CASCADE,
    rev           INTEGER NOT NULL,
    submitted_at  INTEGER NOT NULL,
    UNIQUE (entry_id, rev)
);
INSERT INTO submissions (entry_id, rev, submitted_at)
    SELECT id, rev, submitted_at FROM log_entries WHERE submitted_at IS NOT NULL;

ALTER TABLE log_entries ADD COLUMN submitted_rev INTEGER;   -- the latest revision submitted
UPDATE log_entries SET submitted_rev = rev WHERE submitted_at IS NOT NULL;
CREATE INDEX log_entries_status ON log_entries (status, submitted_at);

-- A SENCo's reply: a comment, or a decision with an optional (for "reviewed") or required
-- (for "needs revision") comment. `rev` is the submitted revision it was about.
ALTER TABLE feedback ADD COLUMN action TEXT NOT NULL DEFAULT 'comment'
    CHECK (action IN ('comment', 'reviewed', 'needs_revision'));
ALTER TABLE feedback ADD COLUMN rev INTEGER;
ALTER TABLE feedback ADD COLUMN read_at INTEGER;             -- when the author first saw it

-- Who read or acted on someone else's entries, and when. Authors can see their own rows.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    actor_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    subject_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    entry_id    TEXT    REFERENCES log_entries (id) ON DELETE CASCADE,
    action      TEXT    NOT NULL,
    at          INTEGER NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log (subject_id, at);

-- The email digest: events after this time have not been emailed to the person yet.
ALTER TABLE users ADD COLUMN digest_sent_at INTEGER;
