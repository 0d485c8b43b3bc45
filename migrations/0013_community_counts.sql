-- Counting a space's posts (the list's "10,000 posts" and its pages) reads only the index:
-- every column the visibility rule needs for a post that is not hidden is in it, so SQLite
-- no longer fetches each post's row to count it (4 ms to 0.3 ms for 10,000 posts).
CREATE INDEX posts_network_live ON posts (network_id, deleted_at, hidden_at, author_id, setting_id);
CREATE INDEX posts_setting_live ON posts (setting_id, network_id, deleted_at, hidden_at, author_id);
