-- The first answer to every queued write, so that a repeat of the same op (a lost reply, a
-- second tab, a retry after a crash) gets exactly that answer again, conflict and all.
CREATE TABLE op_outcomes (
    op_id       TEXT    PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reply       TEXT    NOT NULL,                 -- the answer, as JSON
    created_at  INTEGER NOT NULL
);
CREATE INDEX op_outcomes_created ON op_outcomes (created_at);

-- Saves made before this table: their first answers, rebuilt from the revisions. A
-- conflicting text was answered with the entry's newest accepted text before it.
INSERT INTO op_outcomes (op_id, user_id, reply, created_at)
SELECT r.op_id, e.user_id,
       CASE WHEN r.conflict = 0 THEN
           json_object('entry_id', r.entry_id, 'rev', r.rev, 'status', r.status, 'outcome', 'Saved')
       ELSE
           json_object('entry_id', r.entry_id, 'rev', COALESCE(b.rev, 0), 'status', r.status,
                       'outcome', json_object('Conflict', json_object('theirs', COALESCE(b.body, ''))))
       END,
       r.created_at
FROM log_entry_revisions r
JOIN log_entries e ON e.id = r.entry_id
LEFT JOIN log_entry_revisions b ON b.id = (
    SELECT MAX(x.id) FROM log_entry_revisions x
    WHERE x.entry_id = r.entry_id AND x.rev IS NOT NULL AND x.id < r.id
)
WHERE r.op_id IS NOT NULL;
