//! Validation of what people type, shared by the server (which always checks) and the
//! browser (which may check early). Messages follow GOV.UK style: say what to do.

use crate::error::{AppError, FieldError};
use crate::model::{Role, Sector};

pub const MIN_PASSWORD_LEN: usize = 10;
pub const MAX_PASSWORD_LEN: usize = 200;
pub const MAX_NAME_LEN: usize = 100;
pub const MAX_EMAIL_LEN: usize = 254;

/// Collects field errors so a form reports every problem at once, not one per submit.
#[derive(Default)]
pub struct Checks(Vec<FieldError>);

impl Checks {
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs a check and keeps its value when it passes.
    pub fn check<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(message) => {
                self.0.push(FieldError::new(field, message));
                None
            }
        }
    }

    pub fn finish(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self.0))
        }
    }
}

pub fn email(raw: &str) -> Result<String, String> {
    let email = raw.trim().to_lowercase();
    if email.is_empty() {
        return Err("Enter your email address".into());
    }
    if email.len() > MAX_EMAIL_LEN {
        return Err(format!(
            "Email address must be {MAX_EMAIL_LEN} characters or fewer"
        ));
    }
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    };
    if valid {
        Ok(email)
    } else {
        Err("Enter an email address in the correct format, like name@school.org.uk".into())
    }
}

pub fn display_name(raw: &str) -> Result<String, String> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        Err("Enter your name".into())
    } else if name.chars().count() > MAX_NAME_LEN {
        Err(format!("Name must be {MAX_NAME_LEN} characters or fewer"))
    } else {
        Ok(name)
    }
}

pub fn setting_name(raw: &str) -> Result<String, String> {
    display_name(raw).map_err(|_| "Enter the setting's name, up to 100 characters".to_string())
}

/// A password is strong enough when it is long: length beats character rules, and a short
/// list of the passwords people try first is refused outright.
pub fn new_password(raw: &str) -> Result<String, String> {
    const COMMON: [&str; 8] = [
        "password",
        "123456789",
        "qwertyuiop",
        "iloveyou",
        "letmein",
        "welcome",
        "tandem",
        "school",
    ];
    let length = raw.chars().count();
    if length < MIN_PASSWORD_LEN {
        return Err(format!(
            "Password must be at least {MIN_PASSWORD_LEN} characters; three or four random words work well"
        ));
    }
    if length > MAX_PASSWORD_LEN {
        return Err(format!(
            "Password must be {MAX_PASSWORD_LEN} characters or fewer"
        ));
    }
    let lower = raw.to_lowercase();
    let distinct = lower
        .chars()
        .collect::<std::collections::HashSet<_>>()
        .len();
    if distinct < 4
        || COMMON
            .iter()
            .any(|c| lower.starts_with(c) && lower.len() < c.len() + 4)
    {
        return Err(
            "Choose a password that is harder to guess; three or four random words work well"
                .into(),
        );
    }
    Ok(raw.to_string())
}

pub fn role(raw: &str) -> Result<Role, String> {
    Role::parse(raw).ok_or_else(|| "Choose a role: practitioner, SENCo or setting admin".into())
}

pub fn sector(raw: &str) -> Result<Sector, String> {
    Sector::parse(raw).ok_or_else(|| "Choose a sector: Early Years, School age or Post-16".into())
}

/// Invite codes are shown in groups (`ABCD-EFGH`); people type them in any case, with or
/// without the dash and spaces.
pub fn invite_code(raw: &str) -> Result<String, String> {
    let code: String = raw
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_uppercase();
    if code.is_empty() {
        Err("Enter the invite code you were given".into())
    } else if code.len() != 8 {
        Err("Invite codes are 8 letters and numbers, like ABCD-2345".into())
    } else {
        Ok(format!("{}-{}", &code[..4], &code[4..]))
    }
}

pub fn invite_days(raw: &str) -> Result<i64, String> {
    match raw.trim().parse::<i64>() {
        Ok(days) if (1..=90).contains(&days) => Ok(days),
        _ => Err("Enter how many days the code lasts, from 1 to 90".into()),
    }
}

/// How many people may join with a practitioner code: empty for any number.
pub fn invite_uses(raw: &str) -> Result<Option<i64>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    match raw.parse::<i64>() {
        Ok(uses) if (1..=500).contains(&uses) => Ok(Some(uses)),
        _ => Err(
            "Enter how many people can join with the code, from 1 to 500, or leave it empty".into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invite_uses_are_a_small_number_or_none() {
        assert_eq!(invite_uses(" "), Ok(None));
        assert_eq!(invite_uses("30"), Ok(Some(30)));
        assert!(
            invite_uses("0").is_err()
                && invite_uses("501").is_err()
                && invite_uses("lots").is_err()
        );
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            email("  Sam.Jones@School.ORG.uk "),
            Ok("sam.jones@school.org.uk".into())
        );
        assert!(email("").unwrap_err().contains("Enter your email"));
        for bad in [
            "sam",
            "sam@",
            "@school.org",
            "sam@school",
            "sam @school.org",
            "a@b@c.org",
            "sam@.org",
        ] {
            assert!(email(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn weak_passwords_are_refused_with_a_reason() {
        assert!(new_password("short").unwrap_err().contains("at least 10"));
        assert!(new_password("aaaaaaaaaaaa")
            .unwrap_err()
            .contains("harder to guess"));
        assert!(new_password("password123")
            .unwrap_err()
            .contains("harder to guess"));
        assert!(new_password("kettle orbit window plum").is_ok());
        assert!(new_password(&"x1".repeat(101)).unwrap_err().contains("200"));
    }

    #[test]
    fn names_are_trimmed_and_limited() {
        assert_eq!(display_name("  Priya   Shah "), Ok("Priya Shah".into()));
        assert!(display_name("   ").is_err());
        assert!(display_name(&"a".repeat(101)).is_err());
    }

    #[test]
    fn invite_codes_accept_any_case_and_spacing() {
        assert_eq!(invite_code("abcd 2345"), Ok("ABCD-2345".into()));
        assert_eq!(invite_code("ABCD-2345"), Ok("ABCD-2345".into()));
        assert!(invite_code("")
            .unwrap_err()
            .contains("Enter the invite code"));
        assert!(invite_code("ABC").unwrap_err().contains("8 letters"));
    }

    #[test]
    fn checks_collect_every_problem() {
        let mut checks = Checks::new();
        assert_eq!(checks.check("email", email("nope")), None);
        assert_eq!(
            checks.check("name", display_name("Ann")),
            Some("Ann".to_string())
        );
        assert_eq!(checks.check("password", new_password("x")), None);
        let error = checks.finish().unwrap_err();
        assert!(error.field("email").is_some());
        assert!(error.field("password").is_some());
        assert!(error.field("name").is_none());
    }

    #[test]
    fn invite_lifetimes_are_bounded() {
        assert_eq!(invite_days("14"), Ok(14));
        assert!(invite_days("0").is_err());
        assert!(invite_days("365").is_err());
        assert!(invite_days("soon").is_err());
    }
}
