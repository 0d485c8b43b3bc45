-- A practitioner's self-review, where her CPD plan starts (store::self_reviews): how
-- confident she feels about each area the course covers (1 to 4, and her own words), and
-- the learners she has in mind. Private to her. `stage` is 'start' (and, after two terms,
-- 'end', read beside it). Both tables are the person's, so both go when they are erased.
CREATE TABLE self_reviews (
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    stage       TEXT    NOT NULL CHECK (stage IN ('start', 'end')),
    learners    TEXT    NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (user_id, stage)
);
CREATE TABLE self_review_answers (
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    stage    TEXT    NOT NULL,
    area     TEXT    NOT NULL,
    rating   INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    words    TEXT    NOT NULL,
    PRIMARY KEY (user_id, stage, area)
);
