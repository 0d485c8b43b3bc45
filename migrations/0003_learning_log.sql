-- The learning log: every answer a practitioner writes, private until submitted.

ALTER TABLE settings ADD COLUMN follow_up_days INTEGER NOT NULL DEFAULT 21;

CREATE TABLE log_entries (
    id            TEXT    PRIMARY KEY,            -- made by the browser
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    section_key   TEXT    NOT NULL,
    prompt_key    TEXT    NOT NULL,               -- which question of the section it answers
    kind          TEXT    NOT NULL CHECK (kind IN ('reflection', 'practice_note', 'enquiry', 'follow_up')),
    body          TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('draft', 'submitted', 'reviewed', 'needs_revision')),
    rev           INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    submitted_at  INTEGER,
    UNIQUE (user_id, section_key, prompt_key)
);
CREATE INDEX log_entries_user ON log_entries (user_id, updated_at);

-- Every accepted save, and every save that arrived on top of a newer text (a conflict),
-- so that nothing anyone typed is ever lost.
CREATE TABLE log_entry_revisions (
    id          INTEGER PRIMARY KEY,
    entry_id    TEXT    NOT NULL REFERENCES log_entries (id) ON DELETE CASCADE,
    rev         INTEGER,                          -- NULL for a conflicting text
    body        TEXT    NOT NULL,
    status      TEXT    NOT NULL,                 -- the entry's status once this was saved
    conflict    INTEGER NOT NULL DEFAULT 0,
    op_id       TEXT    UNIQUE,
    created_at  INTEGER NOT NULL
);
CREATE INDEX log_entry_revisions_entry ON log_entry_revisions (entry_id, id);

CREATE TABLE feedback (
    id          INTEGER PRIMARY KEY,
    entry_id    TEXT    NOT NULL REFERENCES log_entries (id) ON DELETE CASCADE,
    author_id   INTEGER NOT NULL REFERENCES users (id),
    body        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX feedback_entry ON feedback (entry_id);

CREATE TABLE follow_ups (
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    section_key  TEXT    NOT NULL,
    due_at       INTEGER NOT NULL,
    done_at      INTEGER,
    PRIMARY KEY (user_id, section_key)
);

-- Full-text search over the person's own entries.
CREATE VIRTUAL TABLE log_entries_fts USING fts5 (body, content = 'log_entries', content_rowid = 'rowid');
CREATE TRIGGER log_entries_ai AFTER INSERT ON log_entries BEGIN
    INSERT INTO log_entries_fts (rowid, body) VALUES (new.rowid, new.body);
END;
CREATE TRIGGER log_entries_ad AFTER DELETE ON log_entries BEGIN
    INSERT INTO log_entries_fts (log_entries_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
END;
CREATE TRIGGER log_entries_au AFTER UPDATE OF body ON log_entries BEGIN
    INSERT INTO log_entries_fts (log_entries_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
    INSERT INTO log_entries_fts (rowid, body) VALUES (new.rowid, new.body);
END;
