-- How many progress events each person has recorded on the current day (UTC), for the
-- daily cap; see migrations/0026_progress_days.sql.
CREATE TABLE progress_days (
    user_id  BIGINT  PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    -- Days since 1970-01-01, UTC.
    day      BIGINT  NOT NULL,
    events   BIGINT  NOT NULL
);
