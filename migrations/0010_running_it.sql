-- Running Tandem at a school or trust: single sign-on, how long records of people who
-- have left are kept, erasure, and the privacy notice.

-- When an account was closed: records are kept `retention_years` after it.
ALTER TABLE users ADD COLUMN deactivated_at INTEGER;
UPDATE users SET deactivated_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE active = 0;
-- When the person's records were erased (on request, or at the end of retention). The row
-- stays, as "Former member", so what others wrote that mentions it still reads.
ALTER TABLE users ADD COLUMN erased_at INTEGER;

ALTER TABLE settings ADD COLUMN retention_years INTEGER NOT NULL DEFAULT 6
    CHECK (retention_years BETWEEN 1 AND 50);
-- What an erasure does with the person's community posts: erase them (1) or keep them
-- under "Former member" (0), as the setting chooses.
ALTER TABLE settings ADD COLUMN erase_posts INTEGER NOT NULL DEFAULT 1;
-- The setting's own privacy notice (Markdown), shown at /privacy; empty: Tandem's default.
ALTER TABLE settings ADD COLUMN privacy_notice TEXT NOT NULL DEFAULT '';
ALTER TABLE settings ADD COLUMN privacy_updated_at INTEGER;

-- Sign-in with the school's Microsoft Entra ID or Google Workspace (OpenID Connect).
-- The client secret is sealed with TANDEM_SECRET_KEY; it never leaves the server again.
CREATE TABLE sign_in_providers (
    setting_id        INTEGER PRIMARY KEY REFERENCES settings (id) ON DELETE CASCADE,
    kind              TEXT    NOT NULL CHECK (kind IN ('microsoft', 'google', 'other')),
    issuer            TEXT    NOT NULL,
    client_id         TEXT    NOT NULL,
    secret_sealed     TEXT    NOT NULL,
    domains           TEXT    NOT NULL,   -- allowed email domains, lower case, comma-separated
    new_role          TEXT    NOT NULL CHECK (new_role IN ('practitioner', 'senco', 'admin')),
    password_allowed  INTEGER NOT NULL DEFAULT 1,
    updated_by        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    updated_at        INTEGER NOT NULL
);

-- A sign-in in flight: the state sent to the provider, with its nonce and PKCE verifier.
-- Used once, and only within ten minutes.
CREATE TABLE sso_logins (
    state          TEXT    PRIMARY KEY,
    setting_id     INTEGER NOT NULL REFERENCES settings (id) ON DELETE CASCADE,
    nonce          TEXT    NOT NULL,
    pkce_verifier  TEXT    NOT NULL,
    created_at     INTEGER NOT NULL
);

-- The provider's account an account is linked to (issuer and subject never change; an
-- email address can).
CREATE TABLE user_identities (
    issuer     TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    linked_at  INTEGER NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX user_identities_user ON user_identities (user_id);

-- What retention and erasure did: counts only, never names or text.
CREATE TABLE data_protection_log (
    id          INTEGER PRIMARY KEY,
    setting_id  INTEGER REFERENCES settings (id) ON DELETE SET NULL,
    action      TEXT    NOT NULL CHECK (action IN ('retention', 'erasure')),
    actor_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    detail      TEXT    NOT NULL,
    at          INTEGER NOT NULL
);

-- Staff imported from a spreadsheet: the file as read, previewed before it is applied.
CREATE TABLE staff_imports (
    id          TEXT    PRIMARY KEY,
    setting_id  INTEGER NOT NULL REFERENCES settings (id) ON DELETE CASCADE,
    admin_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    file_name   TEXT    NOT NULL,
    rows        TEXT    NOT NULL,   -- JSON: the usable rows
    bad         TEXT    NOT NULL,   -- JSON: the rows that cannot be used, and why
    created_at  INTEGER NOT NULL,
    applied_at  INTEGER
);
-- A personal invite, made for one person by an import: only their address can use it, and
-- it is emailed to them when the server sends email.
ALTER TABLE invites ADD COLUMN email TEXT;
ALTER TABLE invites ADD COLUMN display_name TEXT;
ALTER TABLE invites ADD COLUMN import_id TEXT REFERENCES staff_imports (id) ON DELETE SET NULL;
ALTER TABLE invites ADD COLUMN emailed_at INTEGER;
CREATE INDEX invites_email ON invites (email);
