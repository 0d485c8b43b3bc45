-- Settings brought in from a school's own database (`tandem import-setting`): which source
-- setting each one came from, so that running the import again leaves it be.
CREATE TABLE setting_imports (
    -- The setting in the database it came from: "<its created_at>/<its name then>".
    source       TEXT    PRIMARY KEY,
    setting_id   BIGINT  NOT NULL REFERENCES settings (id) ON DELETE CASCADE,
    imported_at  BIGINT  NOT NULL
);
