-- Progress through the course. Events are append-only and deduplicated by the op id the
-- browser made, so a replayed or retried event counts once. section_progress is the
-- state those events produce (see app/src/progress.rs), kept up to date as they arrive.

CREATE TABLE progress_events (
    op_id        TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    section_key  TEXT    NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('opened', 'completed', 'time_spent')),
    seconds      INTEGER NOT NULL DEFAULT 0,
    client_time  INTEGER,
    server_time  INTEGER NOT NULL
);
CREATE INDEX progress_events_user ON progress_events (user_id, section_key);

CREATE TABLE section_progress (
    user_id          INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    section_key      TEXT    NOT NULL,
    first_opened_at  INTEGER,
    last_opened_at   INTEGER,
    completed_at     INTEGER,
    active_seconds   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, section_key)
);
