//! One module per page.

pub mod admin;
pub mod admin_sign_in;
pub mod check_in;
pub mod community;
pub mod community_sessions;
pub mod course;
pub mod data_protection;
pub mod errors;
pub mod facilitator;
pub mod home;
pub mod join;
pub mod learning_log;
pub mod learning_log_print;
pub mod password_reset;
pub mod plan;
pub mod profile;
pub mod proof;
pub mod proposals;
pub mod review;
pub mod sign_in;
pub mod staff;
pub mod staff_import;

use crate::session::use_me;
use domain::model::Role;
use leptos::prelude::*;
use leptos_router::{components::Redirect, hooks::use_location};

/// Shows `children` only to a signed-in person with one of `roles` (any role when empty):
/// others are sent to sign in, or told plainly that the page is not for them.
#[component]
pub fn Restricted(#[prop(optional)] roles: &'static [Role], children: ChildrenFn) -> impl IntoView {
    let me = use_me();
    let location = use_location();
    // Only the role matters here: a change of name or preferences must not re-create the page.
    let role = Memo::new(move |_| me.with(|m| m.as_ref().map(|m| m.role)));
    move || match role.get() {
        None => {
            let next = location.pathname.get_untracked();
            view! { <Redirect path=format!("/sign-in?next={}", urlencode(&next))/> }.into_any()
        }
        Some(role) if roles.is_empty() || roles.contains(&role) => children().into_any(),
        Some(_) => view! { <errors::Forbidden/> }.into_any(),
    }
}

pub use crate::urlencode;
