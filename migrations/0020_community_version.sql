-- A number that changes whenever anything a community list shows may have changed: a post
-- written, edited, hidden, deleted, replied to or marked helpful (each changes its row), a
-- setting joining or leaving a network, an author renamed or gone, a setting renamed. A server keeps a page of a space it has read,
-- for everyone who sees that space alike, only while the number stands (store::list_memo),
-- so several servers never show one another's stale pages. The new number is a random one,
-- so a database restored from a backup never brings back one a server kept pages under.
CREATE TABLE community_version (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  n INTEGER NOT NULL
);
INSERT INTO community_version (id, n) VALUES (1, 0);

CREATE TRIGGER community_posts_ai AFTER INSERT ON posts BEGIN
  UPDATE community_version SET n = random();
END;
CREATE TRIGGER community_posts_au AFTER UPDATE ON posts BEGIN
  UPDATE community_version SET n = random();
END;
CREATE TRIGGER community_posts_ad AFTER DELETE ON posts BEGIN
  UPDATE community_version SET n = random();
END;
CREATE TRIGGER community_networks_ai AFTER INSERT ON network_settings BEGIN
  UPDATE community_version SET n = random();
END;
CREATE TRIGGER community_networks_au AFTER UPDATE ON network_settings BEGIN
  UPDATE community_version SET n = random();
END;
CREATE TRIGGER community_networks_ad AFTER DELETE ON network_settings BEGIN
  UPDATE community_version SET n = random();
END;
CREATE TRIGGER community_authors_au AFTER UPDATE OF display_name, active ON users BEGIN
  UPDATE community_version SET n = random();
END;
CREATE TRIGGER community_authors_ad AFTER DELETE ON users BEGIN
  UPDATE community_version SET n = random();
END;
CREATE TRIGGER community_settings_au AFTER UPDATE OF name ON settings BEGIN
  UPDATE community_version SET n = random();
END;

