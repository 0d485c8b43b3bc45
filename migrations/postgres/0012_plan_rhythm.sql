-- The rhythm of a CPD plan (domain::check_in): the day it started (its first goals), from
-- which its half-termly check-ins run, and when its author was last reminded of one by
-- email (never more than once a week).
ALTER TABLE plans ADD COLUMN started_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE plans ADD COLUMN reminded_at BIGINT;
UPDATE plans SET started_at = COALESCE(
    (SELECT MIN(e.at) FROM plan_events e WHERE e.owner_id = plans.user_id AND e.kind = 'saved'),
    updated_at);
-- A setting's own term dates, as half-terms (domain::terms): their first and last school
-- day, as days since 1970-01-01 in the setting's time zone. None: England's usual dates.
CREATE TABLE term_dates (
    setting_id  BIGINT  NOT NULL REFERENCES settings (id) ON DELETE CASCADE,
    first_day   BIGINT  NOT NULL,
    last_day    BIGINT  NOT NULL,
    PRIMARY KEY (setting_id, first_day)
);
