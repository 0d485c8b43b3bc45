-- The community of practice: practice examples and questions shared within a setting or
-- across a network of settings, their replies, and the monthly sessions.

-- A network is a group of settings (a trust, a local-authority cluster, a college
-- partnership), made by the operator. A setting is in it once its admin has accepted.
CREATE TABLE networks (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    created_at  INTEGER NOT NULL
);

CREATE TABLE network_settings (
    network_id   INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    setting_id   INTEGER NOT NULL REFERENCES settings (id),
    invited_at   INTEGER NOT NULL,
    accepted_at  INTEGER,
    accepted_by  INTEGER REFERENCES users (id),
    PRIMARY KEY (network_id, setting_id)
);
CREATE INDEX network_settings_setting ON network_settings (setting_id, network_id);

-- People the operator named to moderate a network's posts (besides each setting's own).
CREATE TABLE network_moderators (
    network_id  INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (network_id, user_id)
);

-- What others see of a person in the community, and when they last looked at it.
ALTER TABLE users ADD COLUMN specialist INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN expertise TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN community_seen_at INTEGER;

-- A practice example or a question. Ids are made by the browser, so a post retried by the
-- outbox is stored once. `network_id` NULL: the author's setting only.
CREATE TABLE posts (
    id                 TEXT    PRIMARY KEY,
    author_id          INTEGER NOT NULL REFERENCES users (id),
    setting_id         INTEGER NOT NULL REFERENCES settings (id),
    network_id         INTEGER REFERENCES networks (id),
    kind               TEXT    NOT NULL CHECK (kind IN ('example', 'question')),
    title              TEXT    NOT NULL,
    area               TEXT    NOT NULL CHECK (area IN ('communication_interaction', 'cognition_learning', 'semh', 'sensory_physical')),
    sector             TEXT    NOT NULL CHECK (sector IN ('early_years', 'school_age', 'post_16')),
    age                TEXT    NOT NULL DEFAULT '',
    module_key         TEXT,
    need               TEXT    NOT NULL DEFAULT '',
    tried              TEXT    NOT NULL DEFAULT '',
    outcome            TEXT    NOT NULL DEFAULT '',
    change             TEXT    NOT NULL DEFAULT '',
    body               TEXT    NOT NULL DEFAULT '',
    -- The learning-log entry it was copied from (the author's own; never shown to others).
    source_entry_id    TEXT,
    accepted_reply_id  TEXT,
    reply_count        INTEGER NOT NULL DEFAULT 0,
    helpful_count      INTEGER NOT NULL DEFAULT 0,
    created_at         INTEGER NOT NULL,
    edited_at          INTEGER,
    hidden_at          INTEGER,
    hidden_by          INTEGER REFERENCES users (id),
    hidden_reason      TEXT,
    deleted_at         INTEGER
);
CREATE INDEX posts_network ON posts (network_id, created_at);
CREATE INDEX posts_setting ON posts (setting_id, network_id, created_at);
CREATE INDEX posts_author ON posts (author_id);

-- The text of a post before each edit.
CREATE TABLE post_revisions (
    id        INTEGER PRIMARY KEY,
    post_id   TEXT    NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    title     TEXT    NOT NULL,
    need      TEXT    NOT NULL,
    tried     TEXT    NOT NULL,
    outcome   TEXT    NOT NULL,
    change    TEXT    NOT NULL,
    body      TEXT    NOT NULL,
    saved_at  INTEGER NOT NULL
);
CREATE INDEX post_revisions_post ON post_revisions (post_id, id);

-- Search over what a post says; contentless (the text lives in posts), keyed by rowid.
CREATE VIRTUAL TABLE posts_fts USING fts5 (title, text, content = '');
CREATE TRIGGER posts_ai AFTER INSERT ON posts BEGIN
    INSERT INTO posts_fts (rowid, title, text)
    VALUES (new.rowid, new.title, new.need || ' ' || new.tried || ' ' || new.outcome || ' ' || new.change || ' ' || new.body || ' ' || new.age);
END;
CREATE TRIGGER posts_ad AFTER DELETE ON posts BEGIN
    INSERT INTO posts_fts (posts_fts, rowid, title, text)
    VALUES ('delete', old.rowid, old.title, old.need || ' ' || old.tried || ' ' || old.outcome || ' ' || old.change || ' ' || old.body || ' ' || old.age);
END;
CREATE TRIGGER posts_au AFTER UPDATE OF title, need, tried, outcome, change, body, age ON posts BEGIN
    INSERT INTO posts_fts (posts_fts, rowid, title, text)
    VALUES ('delete', old.rowid, old.title, old.need || ' ' || old.tried || ' ' || old.outcome || ' ' || old.change || ' ' || old.body || ' ' || old.age);
    INSERT INTO posts_fts (rowid, title, text)
    VALUES (new.rowid, new.title, new.need || ' ' || new.tried || ' ' || new.outcome || ' ' || new.change || ' ' || new.body || ' ' || new.age);
END;

-- Answers to a question, comments on an example, and comments on an answer (`parent_id`).
CREATE TABLE replies (
    id             TEXT    PRIMARY KEY,
    post_id        TEXT    NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    parent_id      TEXT    REFERENCES replies (id),
    author_id      INTEGER NOT NULL REFERENCES users (id),
    body           TEXT    NOT NULL,
    helpful_count  INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    edited_at      INTEGER,
    hidden_at      INTEGER,
    hidden_by      INTEGER REFERENCES users (id),
    hidden_reason  TEXT,
    deleted_at     INTEGER
);
CREATE INDEX replies_post ON replies (post_id, created_at);

-- "Helpful", once per person per post or reply.
CREATE TABLE helpful_marks (
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    target_id   TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (user_id, target_id)
);

-- Threads a person follows: kept on their devices for reading offline, and their new
-- replies in the email digest.
CREATE TABLE follows (
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    post_id      TEXT    NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (user_id, post_id)
);
CREATE INDEX follows_post ON follows (post_id);
ALTER TABLE users ADD COLUMN community_digest_at INTEGER;

CREATE TABLE reports (
    id           INTEGER PRIMARY KEY,
    post_id      TEXT    NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    reply_id     TEXT    REFERENCES replies (id) ON DELETE CASCADE,
    reporter_id  INTEGER NOT NULL REFERENCES users (id),
    reason       TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    closed_at    INTEGER,
    closed_by    INTEGER REFERENCES users (id)
);
CREATE INDEX reports_open ON reports (closed_at, post_id);

-- Every moderation action, kept: who, what, why, when.
CREATE TABLE moderation_log (
    id            INTEGER PRIMARY KEY,
    moderator_id  INTEGER NOT NULL REFERENCES users (id),
    post_id       TEXT    NOT NULL,
    reply_id      TEXT,
    action        TEXT    NOT NULL CHECK (action IN ('hide', 'unhide', 'dismiss')),
    reason        TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);

-- Community sessions ("swap and support"): for a setting, or for a network.
CREATE TABLE community_sessions (
    id            TEXT    PRIMARY KEY,
    organiser_id  INTEGER NOT NULL REFERENCES users (id),
    setting_id    INTEGER NOT NULL REFERENCES settings (id),
    network_id    INTEGER REFERENCES networks (id),
    topic         TEXT    NOT NULL,
    starts_at     INTEGER NOT NULL,
    minutes       INTEGER NOT NULL,
    place         TEXT    NOT NULL,
    notes         TEXT    NOT NULL DEFAULT '',
    notes_at      INTEGER,
    created_at    INTEGER NOT NULL
);
CREATE INDEX community_sessions_space ON community_sessions (setting_id, network_id, starts_at);

CREATE TABLE session_people (
    session_id  TEXT    NOT NULL REFERENCES community_sessions (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    coming      INTEGER NOT NULL DEFAULT 1,
    attended    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, user_id)
);
CREATE INDEX session_people_user ON session_people (user_id, attended);

-- Examples discussed at a session, linked from its notes.
CREATE TABLE session_posts (
    session_id  TEXT NOT NULL REFERENCES community_sessions (id) ON DELETE CASCADE,
    post_id     TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    PRIMARY KEY (session_id, post_id)
);
