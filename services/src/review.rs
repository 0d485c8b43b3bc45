//! Review by the piece: what one person has submitted from one module (or from one community
//! post they tried) waits, is read and is answered as one piece, in the order the course asks
//! its questions, rather than answer by answer.

use crate::store::review::{QueueRow, SubmittedEntry};
use domain::content::Course;
use domain::learning_log::prompts_for;
use domain::model::Sector;
use domain::urlencode;

/// The piece an answer belongs to: its module's key (`m2`), or for an answer about a
/// community post tried in practice, that answer's own section key.
pub fn piece_of(course: &Course, section_key: &str) -> String {
    course
        .section(section_key)
        .map(|(m, _)| m.key.clone())
        .unwrap_or_else(|| section_key.to_string())
}

/// Where a question comes in the course: module, section, then prompt. A check-in's come
/// after the course's, in the order asked; a question the course no longer asks comes last.
pub fn course_order(course: &Course, section_key: &str, prompt_key: &str) -> (u32, usize, usize) {
    if let Some(n) = domain::check_in::number_of(section_key) {
        let p = domain::check_in::QUESTIONS
            .iter()
            .position(|(k, _)| *k == prompt_key)
            .unwrap_or(usize::MAX);
        return (u32::MAX - 1, usize::from(n), p);
    }
    course
        .modules
        .iter()
        .find_map(|m| {
            let (i, s) = m
                .sections
                .iter()
                .enumerate()
                .find(|(_, s)| s.key == section_key)?;
            let p = prompts_for(s)
                .iter()
                .position(|(k, ..)| k == prompt_key)
                .unwrap_or(usize::MAX);
            Some((m.number, i, p))
        })
        .unwrap_or((u32::MAX, usize::MAX, usize::MAX))
}

/// Sorts submitted entries into the order their questions are asked.
pub fn in_course_order(course: &Course, entries: &mut [SubmittedEntry]) {
    entries.sort_by_key(|e| course_order(course, &e.section_key, &e.prompt_key));
}

/// One person's waiting answers from one module, as the queue lists them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    pub author_id: i64,
    pub author: String,
    pub sector: Sector,
    /// See [`piece_of`].
    pub key: String,
    /// The answers waiting, in the order the course asks them (entry ids).
    pub entries: Vec<String>,
    /// When the first of them was submitted: the queue is oldest first.
    pub submitted_at: i64,
    /// Some answer was sent back for revision and has come back.
    pub resubmitted: bool,
    /// The first answer's row, for its question and place.
    pub first: QueueRow,
}

impl Piece {
    /// Where the SENCo reads it: the answer itself when it is one, the piece's page otherwise
    /// (a single answer keeps its own page, as it always had).
    pub fn href(&self) -> String {
        match self.entries.as_slice() {
            [one] => format!("/review/{}", urlencode(one)),
            _ => piece_href(self.author_id, &self.key),
        }
    }
}

pub fn piece_href(author_id: i64, key: &str) -> String {
    format!("/review/of/{author_id}/{}", urlencode(key))
}

/// The queue's rows (oldest first) gathered into pieces, oldest first.
pub fn pieces(course: &Course, rows: Vec<QueueRow>) -> Vec<Piece> {
    let mut out: Vec<(Piece, Vec<QueueRow>)> = Vec::new();
    for row in rows {
        let key = piece_of(course, &row.section_key);
        match out
            .iter_mut()
            .find(|(p, _)| p.author_id == row.author_id && p.key == key)
        {
            Some((piece, rows)) => {
                piece.submitted_at = piece.submitted_at.min(row.submitted_at);
                piece.resubmitted |= row.times_submitted > 1;
                rows.push(row);
            }
            None => out.push((
                Piece {
                    author_id: row.author_id,
                    author: row.author.clone(),
                    sector: row.sector,
                    key,
                    entries: vec![],
                    submitted_at: row.submitted_at,
                    resubmitted: row.times_submitted > 1,
                    first: row.clone(),
                },
                vec![row],
            )),
        }
    }
    let mut pieces: Vec<Piece> = out
        .into_iter()
        .map(|(mut piece, mut rows)| {
            rows.sort_by_key(|r| course_order(course, &r.section_key, &r.prompt_key));
            piece.first = rows[0].clone();
            piece.entries = rows.into_iter().map(|r| r.id).collect();
            piece
        })
        .collect();
    pieces.sort_by_key(|p| p.submitted_at);
    pieces
}

/// Where "Next submission" goes from the piece of `author_id`'s `key`: the oldest other
/// piece waiting.
pub fn next_after(pieces: &[Piece], author_id: i64, key: &str) -> Option<String> {
    pieces
        .iter()
        .find(|p| !(p.author_id == author_id && p.key == key))
        .map(Piece::href)
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::learning_log::EntryKind;

    fn row(id: &str, author: i64, section: &str, prompt: &str, at: i64) -> QueueRow {
        QueueRow {
            id: id.into(),
            author_id: author,
            author: format!("Person {author}"),
            sector: Sector::SchoolAge,
            section_key: section.into(),
            prompt_key: prompt.into(),
            kind: EntryKind::Reflection,
            submitted_at: at,
            times_submitted: 1,
        }
    }

    #[test]
    fn a_persons_answers_from_one_module_wait_as_one_piece_in_the_order_asked() {
        let course = crate::content::load_course(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content"),
        )
        .unwrap();
        let m2 = &course.module("m2").unwrap();
        let practice = m2
            .sections
            .iter()
            .find(|s| s.kind == domain::content::SectionKind::Practice)
            .unwrap();
        let m3 = &course.module("m3").unwrap().sections[0];
        let prompts: Vec<String> = prompts_for(practice).into_iter().map(|(k, ..)| k).collect();
        assert_eq!(prompts.len(), 3);
        let (first, second, third) = (&prompts[0], &prompts[1], &prompts[2]);
        // Submitted out of order, with someone else's answer in between and an answer from
        // another module later.
        let rows = vec![
            row("c", 1, &practice.key, third, 10),
            row("x", 2, &practice.key, first, 11),
            row("a", 1, &practice.key, first, 12),
            row("b", 1, &practice.key, second, 13),
            row("m3", 1, &m3.key, "p1", 14),
        ];
        let pieces = pieces(&course, rows);
        assert_eq!(pieces.len(), 3, "{pieces:?}");
        assert_eq!(pieces[0].author_id, 1);
        assert_eq!(pieces[0].key, "m2");
        assert_eq!(
            pieces[0].entries,
            ["a", "b", "c"],
            "in the order the course asks"
        );
        assert_eq!(pieces[0].first.id, "a");
        assert_eq!(pieces[0].submitted_at, 10);
        assert_eq!(pieces[0].href(), "/review/of/1/m2");
        assert_eq!(pieces[1].entries, ["x"]);
        assert_eq!(
            pieces[1].href(),
            "/review/x",
            "a single answer keeps its page"
        );
        assert_eq!(pieces[2].key, "m3");
        assert_eq!(next_after(&pieces, 1, "m2").as_deref(), Some("/review/x"));
        assert_eq!(
            next_after(&pieces, 2, "m2").as_deref(),
            Some("/review/of/1/m2")
        );
        assert_eq!(next_after(&pieces[..1], 1, "m2"), None);
    }

    #[test]
    fn an_answer_about_a_tried_post_is_its_own_piece_and_unknown_questions_come_last() {
        let course = crate::content::load_course(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content"),
        )
        .unwrap();
        let tried = domain::community::tried_key("post-1");
        assert_eq!(piece_of(&course, &tried), tried);
        assert_eq!(piece_of(&course, "m1.knowledge"), "m1");
        assert!(course_order(&course, &tried, "p1") > course_order(&course, "m7.knowledge", "p1"));
    }
}
