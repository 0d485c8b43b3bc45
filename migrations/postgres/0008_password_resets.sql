-- A way back in for someone who has forgotten their password (store::password_resets): an
-- emailed link or, where Tandem sends no email, a one-time code from their setting's admin.
-- Only a hash of the secret is kept; an admin's code is kept in the clear only until the
-- admin's page has shown it once. A used reset stays, without its secret, so the person is
-- told who set their password by code.
CREATE TABLE password_resets (
    id           TEXT    PRIMARY KEY,
    user_id      BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    secret_hash  TEXT    UNIQUE,
    by_admin     BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    shown_code   TEXT,
    created_at   BIGINT  NOT NULL,
    expires_at   BIGINT  NOT NULL,
    used_at      BIGINT
);
CREATE INDEX password_resets_user ON password_resets (user_id);
