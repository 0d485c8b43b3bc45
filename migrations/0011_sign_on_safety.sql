-- Closing the holes a security review found in sign-on, invites and domains.

-- Whether the person proved they own their email address (an emailed code, a personal
-- invite sent to it, their school's sign-in, or their admin confirming them). An account
-- that has not cannot be signed in to, and is never linked to a school account. Accounts
-- made before this (by the operator, the demo, sign-on or an invite) count as proved.
ALTER TABLE users ADD COLUMN email_verified_at INTEGER;
UPDATE users SET email_verified_at = created_at;

-- An email domain whose people sign in through a setting's provider: one setting each,
-- and only once whoever runs Tandem has approved it (`tandem sso approve`), so no admin can
-- claim another school's domain.
CREATE TABLE sign_in_domains (
    domain       TEXT    PRIMARY KEY COLLATE NOCASE,
    setting_id   INTEGER NOT NULL REFERENCES settings (id) ON DELETE CASCADE,
    added_at     INTEGER NOT NULL,
    approved_at  INTEGER
);
CREATE INDEX sign_in_domains_setting ON sign_in_domains (setting_id);
-- The domains saved before: kept, waiting for the operator's approval.
WITH RECURSIVE split (setting_id, domain, rest) AS (
    SELECT setting_id, '', domains || ',' FROM sign_in_providers
    UNION ALL
    SELECT setting_id, substr(rest, 1, instr(rest, ',') - 1), substr(rest, instr(rest, ',') + 1)
    FROM split WHERE rest <> ''
)
INSERT OR IGNORE INTO sign_in_domains (domain, setting_id, added_at)
SELECT domain, setting_id, CAST(strftime('%s', 'now') AS INTEGER) FROM split WHERE domain <> '';
ALTER TABLE sign_in_providers DROP COLUMN domains;
-- A provider that is not Microsoft's or Google's is used only once the operator approved
-- its issuer; changing the issuer needs approval again.
ALTER TABLE sign_in_providers ADD COLUMN approved_issuer TEXT;

-- A proof in progress that someone owns an address (joining) or an account (linking a
-- school account to it). Bound to the browser that started it by a cookie whose hash is
-- the id; the emailed code is kept only as a hash, and a few wrong codes end the proof.
CREATE TABLE email_proofs (
    id          TEXT    PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose     TEXT    NOT NULL CHECK (purpose IN ('join', 'link')),
    code_hash   TEXT,
    issuer      TEXT,
    subject     TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    sends       INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    sent_at     INTEGER
);
CREATE INDEX email_proofs_user ON email_proofs (user_id);

-- Email waiting to be sent (codes, notices of a link, invites): sent within seconds by the
-- server that has SMTP, deleted once sent.
CREATE TABLE mail_outbox (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER REFERENCES users (id) ON DELETE CASCADE,
    to_email    TEXT    NOT NULL,
    to_name     TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0
);

-- Which provider account was linked, and how the link was made, for the profile page.
ALTER TABLE user_identities ADD COLUMN how TEXT NOT NULL DEFAULT 'email';

-- Invites from a staff import are emailed only to the setting's approved sign-in domains,
-- unless the operator allows any address for the setting (`tandem setting mail-any`): an
-- import must not turn Tandem into a relay that emails anyone, with any name.
ALTER TABLE settings ADD COLUMN invite_mail_any INTEGER NOT NULL DEFAULT 0;
