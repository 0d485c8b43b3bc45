-- From need to action (domain::proposal): a SENCo proposes a community session or a
-- practice focus for an INSET day, for her setting or one sector of it (sector NULL: all).
-- `day` is days since 1970-01-01 in the setting's time zone, NULL when not fixed yet.
CREATE TABLE plan_proposals (
    id            TEXT    PRIMARY KEY,
    setting_id    INTEGER NOT NULL REFERENCES settings (id) ON DELETE CASCADE,
    author_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('session', 'inset')),
    area          TEXT    NOT NULL,
    sector        TEXT,
    title         TEXT    NOT NULL,
    details       TEXT    NOT NULL,
    day           INTEGER,
    created_at    INTEGER NOT NULL,
    withdrawn_at  INTEGER
);
CREATE INDEX plan_proposals_setting ON plan_proposals (setting_id, created_at);
-- Each person's own answer to a proposal: on her plan (joined = 1) or not for her (0).
CREATE TABLE plan_proposal_answers (
    proposal_id  TEXT    NOT NULL REFERENCES plan_proposals (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    joined       INTEGER NOT NULL CHECK (joined IN (0, 1)),
    answered_at  INTEGER NOT NULL,
    PRIMARY KEY (proposal_id, user_id)
);
CREATE INDEX plan_proposal_answers_user ON plan_proposal_answers (user_id);
