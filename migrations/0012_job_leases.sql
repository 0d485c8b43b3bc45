-- Jobs that must run once across every app server sharing this database (email digests,
-- the mail outbox, housekeeping): the server holding a job's lease runs it and renews the
-- lease each time; when a server stops, its leases lapse and another server takes them.
CREATE TABLE job_leases (
    job         TEXT    PRIMARY KEY,
    holder      TEXT    NOT NULL,
    expires_at  INTEGER NOT NULL
);
