//! The one error type of the app. What it says is safe to show to the person using Tandem:
//! database and other internal details are logged on the server and never serialised.

use serde::{Deserialize, Serialize};
use server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
    Encodes,
};

/// A problem with one field of a form, in words that tell the person how to fix it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The `name` (and `id`) of the form control, so the error summary can link to it.
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_string(),
            message: message.into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please sign in to continue.")]
    Unauthenticated,
    #[error("You do not have permission to do that.")]
    Forbidden,
    #[error("{0}")]
    NotFound(String),
    /// One or more fields need correcting; the form shows each message beside its field.
    #[error("There is a problem with what was entered.")]
    Invalid(Vec<FieldError>),
    /// Too many attempts in a short time (sign-in, invite codes).
    #[error("{0}")]
    TooManyAttempts(String),
    /// The server is too busy to do this now (password hashing is bounded): try again soon.
    #[error("{0}")]
    Busy(String),
    /// A write queued on a shared device by one person arrived under another's session.
    #[error("{0}")]
    WrongPerson(String),
    #[error("Something went wrong on our side. Nothing you typed has been lost: please try again in a moment.")]
    Internal,
    /// The request never reached Tandem or its answer could not be read (often: offline).
    #[error("Tandem could not be reached. Check your connection and try again; what you typed is still here.")]
    Network(String),
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid(vec![FieldError::new(field, message)])
    }

    /// Every problem a form check found, each against its field.
    pub fn fields<F: AsRef<str>>(problems: impl IntoIterator<Item = (F, String)>) -> Self {
        AppError::Invalid(
            problems
                .into_iter()
                .map(|(field, message)| FieldError::new(field.as_ref(), message))
                .collect(),
        )
    }

    /// The message for one field, if this error has one.
    pub fn field(&self, name: &str) -> Option<String> {
        match self {
            AppError::Invalid(errors) => errors
                .iter()
                .find(|e| e.field == name)
                .map(|e| e.message.clone()),
            _ => None,
        }
    }

    /// When to ask again, in seconds: soon when busy, at the end of the window when limited.
    pub fn retry_after(&self) -> Option<&'static str> {
        match self {
            AppError::Busy(_) => Some("5"),
            AppError::TooManyAttempts(_) => Some("900"),
            _ => None,
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::NotFound(_) => 404,
            AppError::Invalid(_) => 422,
            AppError::TooManyAttempts(_) => 429,
            AppError::WrongPerson(_) => 409,
            AppError::Busy(_) => 503,
            AppError::Internal => 500,
            AppError::Network(_) => 503,
        }
    }
}

/// What each kind of refusal says when it carries no words of its own, by the name it has
/// in a serialised `AppError` (`"Forbidden"`, `{"Invalid": [...]}`), for the page's
/// scripts (`public/status.js` reads them from the page), and what an unreadable one says.
pub fn messages() -> Vec<(&'static str, String)> {
    vec![
        ("Unauthenticated", AppError::Unauthenticated.to_string()),
        ("Forbidden", AppError::Forbidden.to_string()),
        ("Invalid", AppError::Invalid(vec![]).to_string()),
        ("Internal", AppError::Internal.to_string()),
        (
            "unreadable",
            "The server could not accept this change as it is.".to_string(),
        ),
    ]
}

/// A wait in words for a message: "30 seconds", "1 minute", "4 minutes" (rounded up).
pub fn wait_words(seconds: i64) -> String {
    match seconds {
        ..=1 => "a second".into(),
        2..=59 => format!("{seconds} seconds"),
        60 => "1 minute".into(),
        _ => format!("{} minutes", (seconds + 59) / 60),
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(e) | ServerFnErrorErr::Response(e) => AppError::Network(e),
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                AppError::Invalid(vec![FieldError::new(
                    "form",
                    "Some of the form was missing. Please reload the page and try again.",
                )])
            }
            // On the server, a request that cannot be decoded at all (broken encoding) is
            // the sender's mistake, not ours.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(_) => AppError::Invalid(vec![FieldError::new(
                "form",
                "The form could not be read. Please reload the page and try again.",
            )]),
            other => {
                #[cfg(feature = "ssr")]
                tracing::error!(error = %other, "server function failure");
                #[cfg(not(feature = "ssr"))]
                let _ = other;
                AppError::Internal
            }
        }
    }

    /// Only the words travel: the HTTP status and `Retry-After` for an error are set where
    /// the server answers (the server crate's `middleware::server_fn_status`, from `status()`).
    fn ser(&self) -> bytes::Bytes {
        <JsonEncoding as Encodes<Self>>::encode(self).unwrap_or_default()
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(%error, "database error");
        AppError::Internal
    }
}

#[cfg(test)]
mod tests {
    use super::{messages, wait_words, AppError, FieldError};

    /// The page's script words a refusal from its serialised form (`public/status.js`,
    /// `refusal`): a kind without words of its own must have them in `messages()`.
    #[test]
    fn every_refusal_has_words_for_the_pages_script() {
        let known: Vec<&str> = messages().iter().map(|(k, _)| *k).collect();
        let all = [
            AppError::Unauthenticated,
            AppError::Forbidden,
            AppError::NotFound("There is no such section.".into()),
            AppError::Invalid(vec![FieldError::new("body", "Too long.")]),
            AppError::TooManyAttempts("Wait a minute.".into()),
            AppError::Busy("Busy.".into()),
            AppError::WrongPerson("Someone else.".into()),
            AppError::Internal,
            AppError::Network("down".into()),
        ];
        for error in all {
            match serde_json::to_value(&error).unwrap() {
                serde_json::Value::String(kind) => {
                    assert!(known.contains(&kind.as_str()), "{kind} has no words")
                }
                serde_json::Value::Object(map) => {
                    let (kind, value) = map.iter().next().unwrap();
                    assert!(
                        value.is_string() || known.contains(&kind.as_str()),
                        "{kind} has no words"
                    );
                }
                other => panic!("unexpected shape {other}"),
            }
        }
        assert!(known.contains(&"unreadable"));
    }

    #[test]
    fn waits_are_said_in_words_rounded_up() {
        assert_eq!(wait_words(1), "a second");
        assert_eq!(wait_words(30), "30 seconds");
        assert_eq!(wait_words(60), "1 minute");
        assert_eq!(wait_words(61), "2 minutes");
        assert_eq!(wait_words(900), "15 minutes");
    }
}
