-- How many progress events each person has recorded on the current day (UTC), for the
-- daily cap (domain::progress::MAX_EVENTS_PER_DAY). One row per person, replaced when a new
-- day begins: the cap was a count of the last day's events before every event, which grows
-- with a busy person's events (thousands of index entries each time on PostgreSQL).
CREATE TABLE progress_days (
    user_id  INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    -- Days since 1970-01-01, UTC.
    day      INTEGER NOT NULL,
    events   INTEGER NOT NULL
);
