-- What an applied staff import did, row by row (JSON, as `store::staff_import::Planned`):
-- read back afterwards instead of comparing the file with accounts again, which made the
-- people it had just invited read as "already invited" and its counts 0.
ALTER TABLE staff_imports ADD COLUMN outcome TEXT;
