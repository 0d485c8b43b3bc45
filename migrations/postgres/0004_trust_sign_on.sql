-- A trust's single sign-on (see migrations/0017_trust_sign_on.sql).
CREATE TABLE trust_sign_on (
    network_id     BIGINT  PRIMARY KEY REFERENCES networks (id) ON DELETE CASCADE,
    kind           TEXT    NOT NULL CHECK (kind IN ('microsoft', 'google', 'other')),
    issuer         TEXT    NOT NULL,
    client_id      TEXT    NOT NULL,
    secret_sealed  TEXT    NOT NULL,
    updated_at     BIGINT  NOT NULL
);

CREATE TABLE trust_sign_on_domains (
    domain      TEXT    COLLATE nocase PRIMARY KEY,
    network_id  BIGINT  NOT NULL REFERENCES trust_sign_on (network_id) ON DELETE CASCADE,
    added_at    BIGINT  NOT NULL
);
CREATE INDEX trust_sign_on_domains_network ON trust_sign_on_domains (network_id);

ALTER TABLE sso_logins ALTER COLUMN setting_id DROP NOT NULL;
ALTER TABLE sso_logins ADD COLUMN network_id BIGINT REFERENCES networks (id) ON DELETE CASCADE;
ALTER TABLE sso_logins ADD CONSTRAINT sso_logins_one_owner
    CHECK ((setting_id IS NULL) <> (network_id IS NULL));
