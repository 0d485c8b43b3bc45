-- Who may see a post, as one rule that every read of the community goes through: a
-- thread, a list, a search, followed threads, reports, the navigation's "new" count and
-- the email digest. A row per post and per person who may see it (`viewer_id`):
--
-- - a post kept to a setting is seen by that setting's people; a network post by the
--   people of every setting that has accepted the network's invitation;
-- - a deleted post by nobody;
-- - a hidden post only by its author and those who moderate it: the SENCos and admins of
--   its setting and the network's moderators (`viewer_moderates`).
--
-- Reads filter it by `viewer_id`; SQLite folds the view into the query, so a read costs
-- what the rule written into it would (the person's row by key, then the posts' indexes).
CREATE INDEX network_moderators_user ON network_moderators (user_id, network_id);

CREATE VIEW visible_posts AS
SELECT p.rowid AS search_rowid, p.*, v.id AS viewer_id,
       (v.role IN ('senco', 'admin') AND p.setting_id = v.setting_id)
         OR p.network_id IN (SELECT m.network_id FROM network_moderators m WHERE m.user_id = v.id)
         AS viewer_moderates
FROM users v JOIN posts p
  ON (p.network_id IS NULL AND p.setting_id = v.setting_id)
  OR p.network_id IN (SELECT ns.network_id FROM network_settings ns
                      WHERE ns.setting_id = v.setting_id AND ns.accepted_at IS NOT NULL)
WHERE p.deleted_at IS NULL
  AND (p.hidden_at IS NULL OR p.author_id = v.id
       OR (v.role IN ('senco', 'admin') AND p.setting_id = v.setting_id)
       OR p.network_id IN (SELECT m.network_id FROM network_moderators m WHERE m.user_id = v.id));

-- How a person appears beside what they wrote in the community: their name, or "Former
-- member" once their account is closed.
CREATE VIEW community_authors AS
SELECT u.id, CASE WHEN u.active THEN u.display_name ELSE 'Former member' END AS name,
       u.role, u.specialist, u.expertise, u.setting_id
FROM users u;

-- Who may see a community session: the people of its setting, or of every setting in its
-- network (as for posts, a setting only invited is not in it yet).
CREATE VIEW visible_sessions AS
SELECT cs.*, v.id AS viewer_id
FROM users v JOIN community_sessions cs
  ON (cs.network_id IS NULL AND cs.setting_id = v.setting_id)
  OR cs.network_id IN (SELECT ns.network_id FROM network_settings ns
                       WHERE ns.setting_id = v.setting_id AND ns.accepted_at IS NOT NULL);
