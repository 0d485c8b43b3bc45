//! Who is asking, and what they may touch. Every server function starts with
//! `require(...)`: one line, and the refusal is the same everywhere.

use domain::error::AppError;
use domain::model::{Me, Role};
use leptos::prelude::*;

/// The person behind the request, resolved once per request by the server's session
/// middleware and stored in the request's extensions.
#[derive(Clone, Debug, Default)]
pub struct Viewer {
    pub me: Option<Me>,
    /// The raw session token, kept so sign-out and password change can act on this session.
    pub token: Option<String>,
    /// A tag naming the session (not the session itself), which pages carry so a device
    /// can tell one sign-in from the next (see `public/offline.js`).
    pub session_tag: Option<String>,
}

/// Whether a request reads the counts on the navigation badges with the person asking
/// (`services::store::sessions::Badges`). Pages show them, and two server functions read
/// them: `notices` hands them over, and `community_space` clears the "new" count only when
/// there is one. Every other server function (a save, a progress event, a list a page's
/// script reads) is answered without them, and sees zeros.
pub fn shows_badges(path: &str) -> bool {
    use crate::api::{community::CommunitySpace, review::Notices};
    use leptos::server_fn::ServerFn;
    !path.starts_with("/api/") || path == Notices::PATH || path == CommunitySpace::PATH
}

/// What a server function needs of the person asking.
#[derive(Clone, Copy, Debug)]
pub enum Need {
    /// Any signed-in, active account.
    SignedIn,
    /// One of these roles.
    Role(&'static [Role]),
}

pub const ADMIN: Need = Need::Role(&[Role::Admin]);
/// Review and oversight of a setting's staff: their SENCo only.
pub const SENCO: Need = Need::Role(&[Role::Senco]);

/// The viewer of the current request (nobody when there is no request context).
pub fn viewer() -> Viewer {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Viewer>().cloned())
        .unwrap_or_default()
}

pub fn current_user() -> Option<Me> {
    viewer().me
}

/// The signed-in person, if they meet `need`; otherwise the refusal to send back.
pub fn require(need: Need) -> Result<Me, AppError> {
    use_context::<http::request::Parts>()
        .map(|parts| Asker::of(&parts))
        .unwrap_or_default()
        .require(need)
}

/// The person asking, taken from a request: what `require` uses inside server functions,
/// and an extractor for axum handlers (the downloads), so both refuse by the same rule.
#[derive(Clone, Debug, Default)]
pub struct Asker {
    me: Option<Me>,
    /// Whose a queued write says it is (`Tandem-Person`), if it says.
    claimed: Option<String>,
}

impl Asker {
    pub fn of(parts: &http::request::Parts) -> Self {
        Asker {
            me: parts
                .extensions
                .get::<Viewer>()
                .and_then(|viewer| viewer.me.clone()),
            claimed: parts
                .headers
                .get(PERSON_HEADER)
                .map(|v| v.to_str().unwrap_or("?").trim().to_string()),
        }
    }

    /// A write queued on a shared device names the person who made it: when someone else's
    /// session holds the device now, it is refused, so nobody's work is ever saved into
    /// another person's account.
    pub fn require(&self, need: Need) -> Result<Me, AppError> {
        let me = check(self.me.clone(), need)?;
        match &self.claimed {
            Some(claimed) if *claimed != me.id.to_string() => Err(AppError::WrongPerson(
                "This change was made by someone else who used this device. It stays on the device until they sign in again."
                    .into(),
            )),
            _ => Ok(me),
        }
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Asker {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(Asker::of(parts))
    }
}

/// `require`, for functions that write: also refuses (429) a person writing far faster than
/// anyone types or any outbox sends (`throttle::WRITES`, shared by every app server).
pub async fn require_writer(need: Need) -> Result<Me, AppError> {
    let me = require(need)?;
    if services::throttle::WRITES.allow(&super::db()?, me.id).await {
        Ok(me)
    } else {
        Err(AppError::TooManyAttempts(
            "Too many changes in a short time. They are kept and will be sent again shortly."
                .into(),
        ))
    }
}

/// Header on queued writes naming whose they are.
pub const PERSON_HEADER: &str = "tandem-person";
/// The rule itself, without the request: unit-tested below.
pub fn check(me: Option<Me>, need: Need) -> Result<Me, AppError> {
    let me = me.ok_or(AppError::Unauthenticated)?;
    match need {
        Need::SignedIn => Ok(me),
        Need::Role(roles) if roles.contains(&me.role) => Ok(me),
        Need::Role(_) => Err(AppError::Forbidden),
    }
}

/// Refuses unless `setting_id` is the setting of the person asking. Returns NotFound rather
/// than Forbidden so that ids from other settings reveal nothing.
pub fn same_setting(me: &Me, setting_id: i64) -> Result<(), AppError> {
    if me.setting_id == setting_id {
        Ok(())
    } else {
        Err(AppError::NotFound(
            "That person is not in your setting.".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::model::{Preferences, Sector};

    fn person(role: Role) -> Me {
        Me {
            id: 1,
            email: "a@b.org".into(),
            display_name: "A B".into(),
            role,
            sector: Sector::SchoolAge,
            setting_id: 7,
            setting_name: "Oak".into(),
            preferences: Preferences::default(),
            counts: Default::default(),
            zone: Default::default(),
        }
    }

    #[test]
    fn pages_and_the_two_functions_that_hand_them_over_read_the_badges() {
        use crate::api::{course::RecordProgress, learning_log::SaveAnswer};
        use leptos::server_fn::ServerFn;
        for path in [
            "/",
            "/community",
            "/log/e1",
            "/api/notices",
            "/api/community/space",
        ] {
            assert!(shows_badges(path), "{path}");
        }
        for path in [SaveAnswer::PATH, RecordProgress::PATH, "/api/log/list"] {
            assert!(!shows_badges(path), "{path}");
        }
    }

    #[test]
    fn nobody_is_asked_to_sign_in() {
        assert_eq!(check(None, Need::SignedIn), Err(AppError::Unauthenticated));
        assert_eq!(check(None, ADMIN), Err(AppError::Unauthenticated));
    }

    #[test]
    fn roles_are_enforced() {
        assert!(check(Some(person(Role::Admin)), ADMIN).is_ok());
        assert_eq!(
            check(Some(person(Role::Practitioner)), ADMIN),
            Err(AppError::Forbidden)
        );
        assert_eq!(
            check(Some(person(Role::Senco)), ADMIN),
            Err(AppError::Forbidden)
        );
        assert!(check(Some(person(Role::Practitioner)), Need::SignedIn).is_ok());
    }

    #[test]
    fn other_settings_are_out_of_reach() {
        let me = person(Role::Admin);
        assert!(same_setting(&me, 7).is_ok());
        assert!(matches!(same_setting(&me, 8), Err(AppError::NotFound(_))));
    }
}
