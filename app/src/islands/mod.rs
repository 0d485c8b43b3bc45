//! The islands of pages that are otherwise the server's alone: the parts a person touches
//! that need the browser. Those of the learner's pages are here and in `components` (the
//! answer boxes, the sync status, signing out, reading aloud); those of the community, the
//! SENCo's and the admin's pages only in the full bundle (feature `full`), so a teacher
//! reading a section never downloads them.

pub mod course;

#[cfg(any(feature = "ssr", feature = "full"))]
pub mod community;

/// Called by the browser's entry point (`frontend`): a crate it never names is not linked,
/// and then none of its islands would be in the bundle.
pub fn link() {}
