-- Settings (a school, nursery or college), the people in them, invites, sessions and the
-- counters that rate-limit sign-in. Times are unix seconds (UTC).

CREATE TABLE settings (
    id             INTEGER PRIMARY KEY,
    name           TEXT    NOT NULL,
    default_sector TEXT    NOT NULL CHECK (default_sector IN ('early_years', 'school_age', 'post_16')),
    created_at     INTEGER NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    display_name  TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('practitioner', 'senco', 'admin')),
    setting_id    INTEGER NOT NULL REFERENCES settings (id),
    sector        TEXT    NOT NULL CHECK (sector IN ('early_years', 'school_age', 'post_16')),
    preferences   TEXT    NOT NULL DEFAULT '{}',
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER
);
CREATE INDEX users_setting ON users (setting_id);

CREATE TABLE invites (
    code        TEXT    PRIMARY KEY,
    setting_id  INTEGER NOT NULL REFERENCES settings (id),
    role        TEXT    NOT NULL CHECK (role IN ('practitioner', 'senco', 'admin')),
    created_by  INTEGER REFERENCES users (id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    revoked_at  INTEGER,
    uses        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX invites_setting ON invites (setting_id);

-- Only a hash of the session token is stored, so a copy of the database cannot be used to
-- impersonate anyone.
CREATE TABLE sessions (
    token_hash  TEXT    PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Fixed-window counters for sign-in and invite redemption, per account and per address.
-- In the database (not in memory) so that several server processes share them.
CREATE TABLE rate_limits (
    bucket       TEXT    PRIMARY KEY,
    window_start INTEGER NOT NULL,
    hits         INTEGER NOT NULL
);
