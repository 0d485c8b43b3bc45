//! Pages of community spaces this server has read, kept for the next person who sees the
//! space alike. A network's first page is what every member opens, and reading it through
//! the visibility rule (a page, and a count of up to 1,001 posts; far more for a search)
//! cost more than the rest of the request together.
//!
//! A page is kept under the database's `community_version` (migration 0020), which a
//! trigger changes with every write a list shows, on whichever server it ran: a page read
//! under another number is never used. Only pages read for someone who sees no hidden post
//! in the space are kept and given out, and only to such people: the rule shows everyone
//! who may open a space its same posts, apart from hidden ones (shown to their author and
//! the space's moderators).

use domain::community::PostSummary;
use std::collections::HashMap;
use std::sync::Mutex;

/// At most this many pages (filters, searches and page numbers of every space) are kept;
/// past it they are all let go and kept again as they are read.
const MAX_PAGES: usize = 512;

/// A page of a space and its count, as `community::list` returns them.
pub type Page = (Vec<PostSummary>, u32);

#[derive(Debug, Default)]
pub struct ListMemo {
    kept: Mutex<Kept>,
}

#[derive(Debug, Default)]
struct Kept {
    version: i64,
    pages: HashMap<String, Page>,
}

impl ListMemo {
    /// The page kept under `key`, if it was read under `version`.
    pub fn get(&self, version: i64, key: &str) -> Option<Page> {
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        (kept.version == version).then(|| kept.pages.get(key).cloned())?
    }

    /// Keeps a page read under `version` (which was read before the page).
    pub fn put(&self, version: i64, key: String, page: Page) {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.version != version || kept.pages.len() >= MAX_PAGES {
            kept.pages.clear();
            kept.version = version;
        }
        kept.pages.insert(key, page);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(total: u32) -> Page {
        (vec![], total)
    }

    #[test]
    fn a_page_is_given_back_only_under_the_number_it_was_read_under() {
        let memo = ListMemo::default();
        memo.put(7, "a".into(), page(3));
        assert_eq!(memo.get(7, "a"), Some(page(3)));
        assert_eq!(memo.get(7, "b"), None);
        assert_eq!(memo.get(8, "a"), None);
        // A page read under a new number lets the old ones go.
        memo.put(8, "b".into(), page(4));
        assert_eq!(memo.get(8, "a"), None);
        assert_eq!(memo.get(8, "b"), Some(page(4)));
    }

    #[test]
    fn the_memo_stays_within_its_size() {
        let memo = ListMemo::default();
        for i in 0..(MAX_PAGES + 10) {
            memo.put(1, i.to_string(), page(i as u32));
        }
        let kept = memo.kept.lock().unwrap();
        assert!(kept.pages.len() <= MAX_PAGES);
        assert!(kept.pages.contains_key(&(MAX_PAGES + 9).to_string()));
    }
}
