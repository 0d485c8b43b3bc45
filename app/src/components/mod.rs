//! The small set of components every page is built from. Modelled on the GOV.UK Design
//! System: a label, hint and inline error for each field, an error summary at the top that
//! links to the fields, and plain words.

mod answer;
mod form;
mod layout;
mod queued;
mod reading;
mod ui;

pub use answer::*;
pub use form::*;
pub use layout::*;
pub use queued::*;
pub use reading::*;
pub use ui::*;
