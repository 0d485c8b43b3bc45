//! The small set of components every page is built from. Modelled on the GOV.UK Design
//! System: a label, hint and inline error for each field, an error summary at the top that
//! links to the fields, and plain words.

mod answer;
#[cfg(feature = "ssr")]
mod entries;
mod form;
mod layout;
mod queued;
mod reading;
#[cfg(feature = "ssr")]
mod spaces;
mod ui;

pub use answer::*;
#[cfg(feature = "ssr")]
pub use entries::*;
pub use form::*;
pub use layout::*;
pub use queued::*;
pub use reading::*;
#[cfg(feature = "ssr")]
pub use spaces::*;
pub use ui::*;
