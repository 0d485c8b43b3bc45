-- A practitioner's CPD plan (store::plans): her goals, kept whole as JSON in the shape
-- domain::plan::Goal gives them (read and written only whole), at a revision that moves
-- on with every change so that two people editing cannot overwrite each other. Private
-- until `shared_at`; agreed when both sides agreed the revision it is at now.
CREATE TABLE plans (
    user_id            INTEGER NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    rev                INTEGER NOT NULL,
    goals              TEXT    NOT NULL,
    shared_at          INTEGER,
    author_agreed_rev  INTEGER,
    senco_agreed_rev   INTEGER,
    updated_at         INTEGER NOT NULL
);
-- Its history: every change (with the goals as they became), share, withdrawal, comment
-- and agreement, and who did it. A colleague who leaves and is erased stays a blank name.
CREATE TABLE plan_events (
    id        INTEGER PRIMARY KEY,
    owner_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    actor_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    kind      TEXT    NOT NULL CHECK (kind IN ('saved', 'shared', 'withdrawn', 'comment', 'agreed')),
    rev       INTEGER NOT NULL,
    body      TEXT    NOT NULL,
    at        INTEGER NOT NULL
);
CREATE INDEX plan_events_owner ON plan_events (owner_id, id);
