-- A number that changes whenever anything a community list shows may have changed: a post
-- written, edited, hidden, deleted, replied to or marked helpful (each changes its row), a
-- setting joining or leaving a network, an author renamed or gone, a setting renamed. A server keeps a page of a space it has read,
-- for everyone who sees that space alike, only while the number stands (store::list_memo),
-- so several servers never show one another's stale pages. The new number is a random one,
-- so a database restored from a backup never brings back one a server kept pages under.
CREATE TABLE community_version (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  n BIGINT NOT NULL
);
INSERT INTO community_version (id, n) VALUES (1, 0);

CREATE FUNCTION community_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE community_version SET n = (random() * 9.2e18)::bigint;
  RETURN NULL;
END
$$;
CREATE TRIGGER community_posts AFTER INSERT OR UPDATE OR DELETE ON posts
  FOR EACH STATEMENT EXECUTE FUNCTION community_changed();
CREATE TRIGGER community_networks AFTER INSERT OR UPDATE OR DELETE ON network_settings
  FOR EACH STATEMENT EXECUTE FUNCTION community_changed();
CREATE TRIGGER community_authors AFTER UPDATE OF display_name, active OR DELETE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION community_changed();
CREATE TRIGGER community_settings AFTER UPDATE OF name ON settings
  FOR EACH STATEMENT EXECUTE FUNCTION community_changed();

