//! Domain types shared by the server and the browser. No I/O here.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "text", rename_all = "snake_case")
)]
pub enum Role {
    Practitioner,
    Senco,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Practitioner, Role::Senco, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Practitioner => "practitioner",
            Role::Senco => "senco",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim().to_ascii_lowercase())
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Practitioner => "Practitioner",
            Role::Senco => "SENCo",
            Role::Admin => "Setting admin",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "text", rename_all = "snake_case")
)]
pub enum Sector {
    EarlyYears,
    SchoolAge,
    #[serde(rename = "post_16")]
    #[cfg_attr(feature = "ssr", sqlx(rename = "post_16"))]
    Post16,
}

impl Sector {
    pub const ALL: [Sector; 3] = [Sector::EarlyYears, Sector::SchoolAge, Sector::Post16];

    /// The value stored in the database and sent by forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Sector::EarlyYears => "early_years",
            Sector::SchoolAge => "school_age",
            Sector::Post16 => "post_16",
        }
    }

    /// Accepts the stored form and the content-file form (`early-years`).
    pub fn parse(s: &str) -> Option<Sector> {
        let s = s.trim().to_ascii_lowercase().replace('-', "_");
        Sector::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Sector::EarlyYears => "Early Years",
            Sector::SchoolAge => "School age",
            Sector::Post16 => "Post-16",
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextSize {
    #[default]
    Standard,
    Large,
    Largest,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineSpacing {
    #[default]
    Standard,
    Wide,
    Widest,
}

/// Reading preferences. Applied as classes on `<html>` by the server, so the first paint
/// already has them, and stored with the account so they follow the person between devices.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Preferences {
    pub text_size: TextSize,
    pub line_spacing: LineSpacing,
    pub dyslexia_font: bool,
    pub high_contrast: bool,
    pub reduced_motion: bool,
}

impl Preferences {
    /// The classes for the `<html>` element; the stylesheet keys everything off these.
    pub fn html_classes(&self) -> String {
        let mut classes = vec![];
        match self.text_size {
            TextSize::Standard => {}
            TextSize::Large => classes.push("pref-text-large"),
            TextSize::Largest => classes.push("pref-text-largest"),
        }
        match self.line_spacing {
            LineSpacing::Standard => {}
            LineSpacing::Wide => classes.push("pref-spacing-wide"),
            LineSpacing::Widest => classes.push("pref-spacing-widest"),
        }
        if self.dyslexia_font {
            classes.push("pref-dyslexia-font");
        }
        if self.high_contrast {
            classes.push("pref-high-contrast");
        }
        if self.reduced_motion {
            classes.push("pref-reduced-motion");
        }
        classes.join(" ")
    }

    /// Stored as JSON; anything unreadable falls back to the defaults rather than failing.
    pub fn from_json(json: &str) -> Preferences {
        serde_json::from_str(json).unwrap_or_default()
    }
}

/// The signed-in person, as the pages need them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub sector: Sector,
    pub setting_id: i64,
    pub setting_name: String,
    pub preferences: Preferences,
    /// The navigation badges, read with the person on every request.
    #[serde(default)]
    pub counts: NavCounts,
    /// Their setting's time zone: every date they see is a day in it.
    #[serde(default)]
    pub zone: crate::zone::Zone,
}

/// What the navigation badges show.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NavCounts {
    /// Entries in the setting waiting for review (SENCos only).
    pub awaiting_review: u32,
    /// Feedback on this person's entries that they have not opened.
    pub unread_feedback: u32,
    /// Community posts by others made since this person last looked, counted up to
    /// `COMMUNITY_NEW_SHOWN + 1` (shown as "99+").
    #[serde(default)]
    pub community_new: u32,
}

/// The most new community posts the badge counts exactly. The count runs on every page, so
/// it stops there: someone away for a term in a network of 10,000 posts would otherwise
/// have every one of them counted on each request.
pub const COMMUNITY_NEW_SHOWN: u32 = 99;

impl Me {
    pub fn first_name(&self) -> &str {
        self.display_name
            .split_whitespace()
            .next()
            .unwrap_or(&self.display_name)
    }
}

/// A member of a setting, as the admin's staff list shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Member {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub sector: Sector,
    pub active: bool,
    pub last_seen_at: Option<i64>,
    /// False while the person has not proved their email address (joined with an open
    /// invite code where Tandem sends no email): their admin confirms them.
    pub email_proved: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Invite {
    pub code: String,
    pub role: Role,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked: bool,
    pub uses: i64,
    /// How many people can join with it (None: any number until it expires).
    pub max_uses: Option<i64>,
}

impl Invite {
    pub fn is_usable(&self, now: i64) -> bool {
        !self.revoked && now < self.expires_at && self.max_uses.is_none_or(|m| self.uses < m)
    }
}

/// The current time in unix seconds, on the server or in the browser.
pub fn now_secs() -> i64 {
    #[cfg(target_arch = "wasm32")]
    {
        (js_sys::Date::now() / 1000.0) as i64
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_and_sectors_round_trip_through_their_stored_form() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        for sector in Sector::ALL {
            assert_eq!(Sector::parse(sector.as_str()), Some(sector));
        }
        assert_eq!(Sector::parse("post-16"), Some(Sector::Post16));
        assert_eq!(Sector::parse("early-years"), Some(Sector::EarlyYears));
        assert_eq!(Role::parse("headteacher"), None);
    }

    #[test]
    fn preferences_become_html_classes() {
        assert_eq!(Preferences::default().html_classes(), "");
        let p = Preferences {
            text_size: TextSize::Largest,
            line_spacing: LineSpacing::Wide,
            dyslexia_font: true,
            high_contrast: true,
            reduced_motion: false,
        };
        assert_eq!(
            p.html_classes(),
            "pref-text-largest pref-spacing-wide pref-dyslexia-font pref-high-contrast"
        );
    }

    #[test]
    fn unreadable_preferences_fall_back_to_defaults() {
        assert_eq!(Preferences::from_json("not json"), Preferences::default());
        let partial = Preferences::from_json(r#"{"high_contrast":true}"#);
        assert!(partial.high_contrast);
        assert_eq!(partial.text_size, TextSize::Standard);
    }

    #[test]
    fn invites_expire_and_can_be_revoked() {
        let invite = Invite {
            code: "X".into(),
            role: Role::Practitioner,
            created_at: 0,
            expires_at: 100,
            revoked: false,
            uses: 0,
            max_uses: None,
        };
        assert!(invite.is_usable(99));
        assert!(!invite.is_usable(100));
        assert!(!Invite {
            revoked: true,
            ..invite
        }
        .is_usable(0));
    }
}
