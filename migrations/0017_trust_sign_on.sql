-- A trust's single sign-on: one provider and its email domains for every setting of a
-- network (a trust, a local authority), set up by whoever runs Tandem (`tandem sso trust`),
-- so approved as it is saved. A person it signs in for the first time goes to the setting
-- whose staff import named them, or is told to ask their setting's admin.
CREATE TABLE trust_sign_on (
    network_id     INTEGER PRIMARY KEY REFERENCES networks (id) ON DELETE CASCADE,
    kind           TEXT    NOT NULL CHECK (kind IN ('microsoft', 'google', 'other')),
    issuer         TEXT    NOT NULL,
    client_id      TEXT    NOT NULL,
    secret_sealed  TEXT    NOT NULL,
    updated_at     INTEGER NOT NULL
);

-- A domain signs in through one provider only: a setting's (sign_in_domains) or a trust's.
CREATE TABLE trust_sign_on_domains (
    domain      TEXT    PRIMARY KEY COLLATE NOCASE,
    network_id  INTEGER NOT NULL REFERENCES trust_sign_on (network_id) ON DELETE CASCADE,
    added_at    INTEGER NOT NULL
);
CREATE INDEX trust_sign_on_domains_network ON trust_sign_on_domains (network_id);

-- A sign-in in flight is for a setting's provider or a trust's. The rows live ten minutes,
-- so those in flight during the upgrade are let go (their people start again).
DROP TABLE sso_logins;
CREATE TABLE sso_logins (
    state          TEXT    PRIMARY KEY,
    setting_id     INTEGER REFERENCES settings (id) ON DELETE CASCADE,
    network_id     INTEGER REFERENCES networks (id) ON DELETE CASCADE,
    nonce          TEXT    NOT NULL,
    pkce_verifier  TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    CHECK ((setting_id IS NULL) <> (network_id IS NULL))
);
