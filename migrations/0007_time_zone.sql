-- Dates are shown in the setting's own time zone (an IANA name), so "last active" and
-- digests near midnight and across the clock changes name the day people lived.
ALTER TABLE settings ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'Europe/London';
