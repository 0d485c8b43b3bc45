-- Invite codes that make someone a SENCo or an admin work once; practitioner codes as many
-- times as the admin chose (NULL: until they expire). Existing privileged codes become
-- single-use, so one that has been used already stops working.
ALTER TABLE invites ADD COLUMN max_uses INTEGER;
UPDATE invites SET max_uses = 1 WHERE role IN ('senco', 'admin');
CREATE INDEX invites_creator ON invites (created_by);

-- Search reaches only the person's own entries, from the index itself: each entry's words
-- are indexed with an `owner` token (u<user id>), so a query is the owner's entries
-- intersected with the words, never every user's matches filtered afterwards. The index is
-- contentless (the text lives in log_entries only).
DROP TRIGGER log_entries_ai;
DROP TRIGGER log_entries_ad;
DROP TRIGGER log_entries_au;
DROP TABLE log_entries_fts;
CREATE VIRTUAL TABLE log_entries_fts USING fts5 (body, owner, content = '');
CREATE TRIGGER log_entries_ai AFTER INSERT ON log_entries BEGIN
    INSERT INTO log_entries_fts (rowid, body, owner) VALUES (new.rowid, new.body, 'u' || new.user_id);
END;
CREATE TRIGGER log_entries_ad AFTER DELETE ON log_entries BEGIN
    INSERT INTO log_entries_fts (log_entries_fts, rowid, body, owner) VALUES ('delete', old.rowid, old.body, 'u' || old.user_id);
END;
CREATE TRIGGER log_entries_au AFTER UPDATE OF body, user_id ON log_entries BEGIN
    INSERT INTO log_entries_fts (log_entries_fts, rowid, body, owner) VALUES ('delete', old.rowid, old.body, 'u' || old.user_id);
    INSERT INTO log_entries_fts (rowid, body, owner) VALUES (new.rowid, new.body, 'u' || new.user_id);
END;
INSERT INTO log_entries_fts (rowid, body, owner) SELECT rowid, body, 'u' || user_id FROM log_entries;

-- Conflicting texts per entry are capped (see store/log.rs); counting them is an index look-up.
CREATE INDEX log_entry_revisions_conflicts ON log_entry_revisions (entry_id, conflict);

-- Progress events per person and day are capped (see store/progress.rs).
CREATE INDEX progress_events_user_time ON progress_events (user_id, server_time);
