-- A space's page of posts is read newest first from an index on the space, date and id
-- (the id settles posts written in the same millisecond), so a page of 20 reads about 20
-- posts, each checked against the visibility rule, instead of sorting the whole space.
DROP INDEX posts_network;
CREATE INDEX posts_network ON posts (network_id, created_at DESC, id);
DROP INDEX posts_setting;
CREATE INDEX posts_setting ON posts (setting_id, network_id, created_at DESC, id);
