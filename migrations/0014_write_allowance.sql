-- How fast one person may write (answer saves, progress, posts), shared by every app server
-- on this database: a token bucket per person, refilled over time. Each server takes a few
-- tokens at a time from here (services::throttle), so one person's writes count once
-- however their requests are spread across servers.
CREATE TABLE write_allowance (
    person_id  INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    tokens     REAL    NOT NULL,
    -- Milliseconds since the epoch when `tokens` was last worked out.
    at_ms      INTEGER NOT NULL
);
