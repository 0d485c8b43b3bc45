//! The self-review a practitioner's CPD plan starts from (issue 29): how confident she feels,
//! on a simple scale and in her own words, about each thing the course covers, and which
//! learners she has in mind. Private to her. What she rates lowest suggests modules to
//! start with: suggestions, never assignments.

use serde::{Deserialize, Serialize};

/// What the self-review asks about, in the course's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "text", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    AdaptiveTeaching,
    IdentifyingNeeds,
    Participation,
    Outcomes,
    GraduatedApproach,
    Evidence,
}

impl Area {
    pub const ALL: [Area; 6] = [
        Area::AdaptiveTeaching,
        Area::IdentifyingNeeds,
        Area::Participation,
        Area::Outcomes,
        Area::GraduatedApproach,
        Area::Evidence,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Area::AdaptiveTeaching => "adaptive_teaching",
            Area::IdentifyingNeeds => "identifying_needs",
            Area::Participation => "participation",
            Area::Outcomes => "outcomes",
            Area::GraduatedApproach => "graduated_approach",
            Area::Evidence => "evidence",
        }
    }

    pub fn parse(s: &str) -> Option<Area> {
        Area::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// The form's field for its rating.
    pub fn rating_field(self) -> &'static str {
        match self {
            Area::AdaptiveTeaching => "adaptive_teaching_rating",
            Area::IdentifyingNeeds => "identifying_needs_rating",
            Area::Participation => "participation_rating",
            Area::Outcomes => "outcomes_rating",
            Area::GraduatedApproach => "graduated_approach_rating",
            Area::Evidence => "evidence_rating",
        }
    }

    /// The form's field for its words.
    pub fn words_field(self) -> &'static str {
        match self {
            Area::AdaptiveTeaching => "adaptive_teaching_words",
            Area::IdentifyingNeeds => "identifying_needs_words",
            Area::Participation => "participation_words",
            Area::Outcomes => "outcomes_words",
            Area::GraduatedApproach => "graduated_approach_words",
            Area::Evidence => "evidence_words",
        }
    }

    /// A short name, for headings and tables.
    pub fn title(self) -> &'static str {
        match self {
            Area::AdaptiveTeaching => "High-quality, adaptive teaching",
            Area::IdentifyingNeeds => "Identifying needs across the four broad areas",
            Area::Participation => "Participation and the learner's voice",
            Area::Outcomes => "Meaningful outcomes",
            Area::GraduatedApproach => "The graduated approach",
            Area::Evidence => "Using evidence in your own practice",
        }
    }

    /// The question, as she answers it.
    pub fn question(self) -> &'static str {
        match self {
            Area::AdaptiveTeaching => "How confident are you at adapting your everyday teaching so that a learner with SEND reaches the same goal as the rest of the group?",
            Area::IdentifyingNeeds => "How confident are you at noticing a learner's needs in communication and interaction, cognition and learning, social, emotional and mental health, and sensory or physical development, and at saying what you noticed?",
            Area::Participation => "How confident are you at hearing what a learner and their family want, and letting it change what you do?",
            Area::Outcomes => "How confident are you at writing an outcome with a learner that both of you will know has been met?",
            Area::GraduatedApproach => "How confident are you at taking part in assess, plan, do and review, and at knowing when to ask your SENCo for more?",
            Area::Evidence => "How confident are you at trying something small in your own setting, looking at what happened, and deciding what to keep?",
        }
    }

    /// The module that covers it.
    pub fn module(self) -> &'static str {
        match self {
            Area::AdaptiveTeaching => "m1",
            Area::IdentifyingNeeds => "m2",
            Area::Participation => "m3",
            Area::Outcomes => "m4",
            Area::GraduatedApproach => "m5",
            Area::Evidence => "m6",
        }
    }
}

/// The scale, from 1 to 4, in words.
pub const RATINGS: [(u8, &str); 4] = [
    (1, "Not yet confident"),
    (2, "Getting there"),
    (3, "Confident"),
    (4, "Confident enough to help a colleague"),
];

pub fn rating_label(rating: u8) -> &'static str {
    RATINGS
        .iter()
        .find(|(r, _)| *r == rating)
        .map(|(_, l)| *l)
        .unwrap_or("Not rated")
}

pub const MAX_WORDS_CHARS: usize = 1_000;
pub const MAX_LEARNERS_CHARS: usize = 500;

/// One area's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub area: Area,
    /// 1 to 4 (`RATINGS`).
    pub rating: u8,
    /// In her own words; may be empty.
    pub words: String,
}

/// A whole self-review, every area answered, in `Area::ALL` order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfReview {
    pub answers: Vec<Answer>,
    /// The learners she is thinking about, by initials or a short description.
    pub learners: String,
    pub updated_at: i64,
}

impl SelfReview {
    /// The modules to start with: those covering the areas rated lowest (2 or below), in
    /// course order. Empty when she feels confident in everything.
    pub fn suggested_modules(&self) -> Vec<&'static str> {
        let lowest = self.answers.iter().map(|a| a.rating).min().unwrap_or(4);
        if lowest > 2 {
            return vec![];
        }
        self.answers
            .iter()
            .filter(|a| a.rating == lowest)
            .map(|a| a.area.module())
            .collect()
    }
}

/// The form as sent: for each area `rating` ("1" to "4") and `words`; and `learners`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Form {
    pub adaptive_teaching_rating: String,
    pub adaptive_teaching_words: String,
    pub identifying_needs_rating: String,
    pub identifying_needs_words: String,
    pub participation_rating: String,
    pub participation_words: String,
    pub outcomes_rating: String,
    pub outcomes_words: String,
    pub graduated_approach_rating: String,
    pub graduated_approach_words: String,
    pub evidence_rating: String,
    pub evidence_words: String,
    pub learners: String,
}

impl Form {
    /// Each area's (rating, words) as sent.
    pub fn area(&self, area: Area) -> (&str, &str) {
        match area {
            Area::AdaptiveTeaching => (
                &self.adaptive_teaching_rating,
                &self.adaptive_teaching_words,
            ),
            Area::IdentifyingNeeds => (
                &self.identifying_needs_rating,
                &self.identifying_needs_words,
            ),
            Area::Participation => (&self.participation_rating, &self.participation_words),
            Area::Outcomes => (&self.outcomes_rating, &self.outcomes_words),
            Area::GraduatedApproach => (
                &self.graduated_approach_rating,
                &self.graduated_approach_words,
            ),
            Area::Evidence => (&self.evidence_rating, &self.evidence_words),
        }
    }

    /// Each area's (rating, words), to fill in.
    pub fn area_mut(&mut self, area: Area) -> (&mut String, &mut String) {
        match area {
            Area::AdaptiveTeaching => (
                &mut self.adaptive_teaching_rating,
                &mut self.adaptive_teaching_words,
            ),
            Area::IdentifyingNeeds => (
                &mut self.identifying_needs_rating,
                &mut self.identifying_needs_words,
            ),
            Area::Participation => (
                &mut self.participation_rating,
                &mut self.participation_words,
            ),
            Area::Outcomes => (&mut self.outcomes_rating, &mut self.outcomes_words),
            Area::GraduatedApproach => (
                &mut self.graduated_approach_rating,
                &mut self.graduated_approach_words,
            ),
            Area::Evidence => (&mut self.evidence_rating, &mut self.evidence_words),
        }
    }

    /// The form as a saved review shows it (to edit).
    pub fn of(review: &SelfReview) -> Form {
        let mut form = Form {
            learners: review.learners.clone(),
            ..Form::default()
        };
        for a in &review.answers {
            let (rating, words) = form.area_mut(a.area);
            *rating = a.rating.to_string();
            *words = a.words.clone();
        }
        form
    }

    /// Each field with its name in the form, for keeping what was typed after a refusal.
    pub fn fields(&self) -> Vec<(String, &str)> {
        let mut out = Vec::new();
        for area in Area::ALL {
            let (rating, words) = self.area(area);
            out.push((area.rating_field().to_string(), rating));
            out.push((area.words_field().to_string(), words));
        }
        out.push(("learners".into(), &self.learners));
        out
    }
}

/// A field that needs changing, and what to do: (field, message).
pub type Problem = (String, String);

/// Checks a sent form, naming each field that needs changing: every area needs a rating;
/// words and learners have a length limit (nothing is cut).
pub fn check(form: &Form) -> Result<(Vec<Answer>, String), Vec<Problem>> {
    let mut problems = Vec::new();
    let mut answers = Vec::new();
    for area in Area::ALL {
        let (rating, words) = form.area(area);
        match rating.trim().parse::<u8>() {
            Ok(r @ 1..=4) => answers.push(Answer {
                area,
                rating: r,
                words: words.trim().to_string(),
            }),
            _ => problems.push((
                area.rating_field().to_string(),
                format!(
                    "Choose how confident you feel about {}.",
                    area.title().to_lowercase()
                ),
            )),
        }
        let n = words.trim().chars().count();
        if n > MAX_WORDS_CHARS {
            problems.push((
                area.words_field().to_string(),
                format!("Keep this to {MAX_WORDS_CHARS} characters (this is {n}). Nothing has been cut."),
            ));
        }
    }
    let learners = form.learners.trim().to_string();
    let n = learners.chars().count();
    if n > MAX_LEARNERS_CHARS {
        problems.push((
            "learners".into(),
            format!(
                "Keep this to {MAX_LEARNERS_CHARS} characters (this is {n}). Nothing has been cut."
            ),
        ));
    }
    if problems.is_empty() {
        Ok((answers, learners))
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(ratings: [&str; 6]) -> Form {
        let mut f = Form {
            learners: "  J, Year 4, hearing impairment ".into(),
            ..Form::default()
        };
        f.adaptive_teaching_rating = ratings[0].into();
        f.identifying_needs_rating = ratings[1].into();
        f.participation_rating = ratings[2].into();
        f.outcomes_rating = ratings[3].into();
        f.graduated_approach_rating = ratings[4].into();
        f.evidence_rating = ratings[5].into();
        f.outcomes_words = " Targets are written for them, not with them ".into();
        f
    }

    #[test]
    fn every_area_needs_a_rating_from_one_to_four() {
        let problems = check(&form(["3", "", "5", "0", "x", "2"])).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            [
                "identifying_needs_rating",
                "participation_rating",
                "outcomes_rating",
                "graduated_approach_rating"
            ]
        );
        assert!(problems[0].1.contains("identifying needs"), "{problems:?}");
    }

    #[test]
    fn long_words_are_refused_not_cut_and_the_rest_is_trimmed() {
        let mut f = form(["3", "2", "4", "1", "3", "2"]);
        f.evidence_words = "a".repeat(MAX_WORDS_CHARS + 1);
        let problems = check(&f).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, "evidence_words");
        assert!(problems[0].1.contains("Nothing has been cut"));
        f.evidence_words = "a".repeat(MAX_WORDS_CHARS);
        let (answers, learners) = check(&f).unwrap();
        assert_eq!(learners, "J, Year 4, hearing impairment");
        assert_eq!(answers.len(), 6);
        assert_eq!(
            answers[3].words,
            "Targets are written for them, not with them"
        );
    }

    #[test]
    fn the_lowest_rated_areas_suggest_their_modules_and_a_form_round_trips() {
        let (answers, learners) = check(&form(["3", "2", "4", "1", "3", "1"])).unwrap();
        let review = SelfReview {
            answers,
            learners,
            updated_at: 0,
        };
        assert_eq!(review.suggested_modules(), ["m4", "m6"]);
        assert_eq!(check(&Form::of(&review)).unwrap().0, review.answers);
        let (answers, learners) = check(&form(["3", "3", "4", "3", "3", "4"])).unwrap();
        let confident = SelfReview {
            answers,
            learners,
            updated_at: 0,
        };
        assert!(confident.suggested_modules().is_empty());
    }
}
