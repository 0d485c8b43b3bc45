//! A practitioner's CPD plan (issue 29): one to three goals in her own words, each linked to
//! modules of the course (suggested by her self-review, never assigned) and to the learners
//! it is for. Private until she shares it with her SENCo; then either of them may change it
//! or comment, and they mark it agreed together. Every change is kept as history.

use serde::{Deserialize, Serialize};

pub const MAX_GOALS: usize = 3;
pub const MAX_GOAL_CHARS: usize = 600;
pub const MAX_LEARNERS_CHARS: usize = 200;
pub const MAX_COMMENT_CHARS: usize = 2_000;

/// One goal of a plan.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    pub words: String,
    /// Module keys ("m4"), in the course's order.
    pub modules: Vec<String>,
    /// Initials or a short description, never a name.
    pub learners: String,
}

/// The plan form as sent: three goal slots (an empty one is left out), and the revision the
/// person was editing, so that a change made meanwhile by the other person is not
/// overwritten. Every field is text (it arrives as a plain form) and is checked by `check`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanForm {
    /// Whose plan: empty for one's own, a person's id for a SENCo changing a shared plan.
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub base_rev: String,
    #[serde(default)]
    pub goal1: String,
    #[serde(default)]
    pub learners1: String,
    #[serde(default)]
    pub modules1: Vec<String>,
    #[serde(default)]
    pub goal2: String,
    #[serde(default)]
    pub learners2: String,
    #[serde(default)]
    pub modules2: Vec<String>,
    #[serde(default)]
    pub goal3: String,
    #[serde(default)]
    pub learners3: String,
    #[serde(default)]
    pub modules3: Vec<String>,
    /// The form's id, new with each page: sent again (its answer lost), it is saved once.
    #[serde(default)]
    pub op: String,
}

/// The form's field names for goal slot `n` (1 to 3): its words, its learners, its modules.
pub fn fields_of(n: usize) -> (&'static str, &'static str, &'static str) {
    match n {
        1 => ("goal1", "learners1", "modules1"),
        2 => ("goal2", "learners2", "modules2"),
        _ => ("goal3", "learners3", "modules3"),
    }
}

impl PlanForm {
    /// Goal slot `n` (1 to 3) as sent.
    pub fn slot(&self, n: usize) -> Goal {
        let (words, learners, modules) = match n {
            1 => (&self.goal1, &self.learners1, &self.modules1),
            2 => (&self.goal2, &self.learners2, &self.modules2),
            _ => (&self.goal3, &self.learners3, &self.modules3),
        };
        Goal {
            words: words.clone(),
            modules: modules.clone(),
            learners: learners.clone(),
        }
    }

    fn slot_mut(&mut self, n: usize) -> (&mut String, &mut String, &mut Vec<String>) {
        match n {
            1 => (&mut self.goal1, &mut self.learners1, &mut self.modules1),
            2 => (&mut self.goal2, &mut self.learners2, &mut self.modules2),
            _ => (&mut self.goal3, &mut self.learners3, &mut self.modules3),
        }
    }

    /// The form filled in with a kept plan, at revision `rev`.
    pub fn of(goals: &[Goal], rev: i64) -> PlanForm {
        let mut form = PlanForm {
            base_rev: rev.to_string(),
            ..PlanForm::default()
        };
        for (i, goal) in goals.iter().take(MAX_GOALS).enumerate() {
            let (words, learners, modules) = form.slot_mut(i + 1);
            *words = goal.words.clone();
            *learners = goal.learners.clone();
            *modules = goal.modules.clone();
        }
        form
    }

    /// The form read back from a page address (after a refusal): modules come as one
    /// comma-separated value, as `fields` writes them.
    pub fn from_fields(get: impl Fn(&str) -> Option<String>) -> Option<PlanForm> {
        let mut form = PlanForm {
            owner: get("owner").unwrap_or_default(),
            base_rev: get("base_rev")?,
            ..PlanForm::default()
        };
        for n in 1..=MAX_GOALS {
            let names = fields_of(n);
            let (words, learners, modules) = form.slot_mut(n);
            *words = get(names.0).unwrap_or_default();
            *learners = get(names.1).unwrap_or_default();
            *modules = get(names.2)
                .unwrap_or_default()
                .split(',')
                .filter(|m| !m.is_empty())
                .map(str::to_string)
                .collect();
        }
        Some(form)
    }

    /// Every field as (name, value), for sending the form back with what was typed.
    pub fn fields(&self) -> Vec<(String, String)> {
        let mut fields = vec![
            ("owner".to_string(), self.owner.clone()),
            ("base_rev".to_string(), self.base_rev.clone()),
        ];
        for n in 1..=MAX_GOALS {
            let (words, learners, modules) = fields_of(n);
            let goal = self.slot(n);
            fields.push((words.into(), goal.words));
            fields.push((learners.into(), goal.learners));
            fields.push((modules.into(), goal.modules.join(",")));
        }
        fields
    }
}

/// A field and what is wrong with it.
pub type Problem = (String, String);

/// The goals a form describes, trimmed, empty slots left out and modules in the course's
/// order (`course_modules`, every module key there is), or every problem with it.
pub fn check(form: &PlanForm, course_modules: &[&str]) -> Result<Vec<Goal>, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut goals = Vec::new();
    for n in 1..=MAX_GOALS {
        let (words_field, learners_field, modules_field) = fields_of(n);
        let sent = form.slot(n);
        let words = sent.words.trim().to_string();
        let learners = sent.learners.trim().to_string();
        if words.is_empty() && learners.is_empty() && sent.modules.is_empty() {
            continue;
        }
        if words.is_empty() {
            problems.push((
                words_field.to_string(),
                format!("Say in your own words what goal {n} is, or clear its other boxes."),
            ));
        }
        too_long(&mut problems, words_field, &words, MAX_GOAL_CHARS);
        too_long(&mut problems, learners_field, &learners, MAX_LEARNERS_CHARS);
        if sent
            .modules
            .iter()
            .any(|m| !course_modules.contains(&m.as_str()))
        {
            problems.push((
                modules_field.to_string(),
                "Choose modules from the list.".to_string(),
            ));
        }
        let modules = course_modules
            .iter()
            .filter(|m| sent.modules.iter().any(|s| s == *m))
            .map(|m| m.to_string())
            .collect();
        goals.push(Goal {
            words,
            modules,
            learners,
        });
    }
    if goals.is_empty() && problems.is_empty() {
        problems.push((
            "goal1".to_string(),
            "Write at least one goal: what you would like to be able to do, in your own words."
                .to_string(),
        ));
    }
    if problems.is_empty() {
        Ok(goals)
    } else {
        Err(problems)
    }
}

fn too_long(problems: &mut Vec<Problem>, field: &str, text: &str, max: usize) {
    let n = text.chars().count();
    if n > max {
        problems.push((
            field.to_string(),
            format!("Keep this to {max} characters (this is {n}). Nothing has been cut."),
        ));
    }
}

/// A comment on a plan, trimmed, or why it cannot be sent.
pub fn check_comment(comment: &str) -> Result<String, String> {
    let comment = comment.trim();
    let n = comment.chars().count();
    if n == 0 {
        return Err("Write your comment before sending it.".into());
    }
    if n > MAX_COMMENT_CHARS {
        return Err(format!(
            "Keep a comment to {MAX_COMMENT_CHARS} characters (this is {n}). Nothing has been cut."
        ));
    }
    Ok(comment.to_string())
}

/// What happened to a plan, in its history.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "text", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Saved,
    Shared,
    Withdrawn,
    Comment,
    Agreed,
}

impl EventKind {
    /// How the line reads after the person's name.
    pub fn label(self) -> &'static str {
        match self {
            EventKind::Saved => "changed the goals",
            EventKind::Shared => "shared the plan with the SENCo",
            EventKind::Withdrawn => "stopped sharing the plan",
            EventKind::Comment => "commented",
            EventKind::Agreed => "agreed the plan",
        }
    }
}

/// A person's plan in her subject-access download: the goals, and its whole history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanExport {
    pub goals: Vec<Goal>,
    pub shared: bool,
    /// When it started: its check-ins (in the learning log) run from then.
    #[serde(default)]
    pub started_at: i64,
    pub history: Vec<ExportEvent>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportEvent {
    /// A name, or empty for someone since erased.
    pub who: String,
    pub kind: EventKind,
    pub comment: Option<String>,
    pub at: i64,
}

/// Where a plan's agreement stands, for its current version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Agreement {
    /// Nobody has agreed this version.
    Open,
    /// The practitioner agreed it and it waits for the SENCo, or the other way round.
    ByAuthor,
    BySenco,
    /// Both agreed this version.
    Agreed,
}

impl Agreement {
    /// From the versions each side last agreed, and the plan's version now.
    pub fn of(rev: i64, author_agreed: Option<i64>, senco_agreed: Option<i64>) -> Agreement {
        match (author_agreed == Some(rev), senco_agreed == Some(rev)) {
            (true, true) => Agreement::Agreed,
            (true, false) => Agreement::ByAuthor,
            (false, true) => Agreement::BySenco,
            (false, false) => Agreement::Open,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODULES: [&str; 6] = ["m1", "m2", "m3", "m4", "m5", "m6"];

    #[test]
    fn empty_slots_are_left_out_and_modules_come_in_course_order() {
        let form = PlanForm {
            goal2: "  Plan lessons so that Jay can join in from the start ".into(),
            modules2: vec!["m4".into(), "m1".into()],
            learners2: " J, Year 4 ".into(),
            ..PlanForm::default()
        };
        let goals = check(&form, &MODULES).unwrap();
        assert_eq!(
            goals,
            vec![Goal {
                words: "Plan lessons so that Jay can join in from the start".into(),
                modules: vec!["m1".into(), "m4".into()],
                learners: "J, Year 4".into(),
            }]
        );
        // Read back into a form, the goal takes the first slot.
        let again = PlanForm::of(&goals, 3);
        assert_eq!(again.goal1, goals[0].words);
        assert_eq!(again.base_rev, "3");
        assert_eq!(check(&again, &MODULES).unwrap(), goals);
    }

    #[test]
    fn every_problem_is_named_by_its_field() {
        let form = PlanForm {
            modules1: vec!["m2".into()],
            goal2: "x".repeat(MAX_GOAL_CHARS + 1),
            goal3: "Use evidence".into(),
            modules3: vec!["m9' OR 1=1".into()],
            ..PlanForm::default()
        };
        let problems = check(&form, &MODULES).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["goal1", "goal2", "modules3"]);
        assert!(problems[1].1.contains("Nothing has been cut"));
        // Nothing at all is a problem too.
        let problems = check(&PlanForm::default(), &MODULES).unwrap_err();
        assert_eq!(problems[0].0, "goal1");
    }

    #[test]
    fn a_form_sent_back_reads_as_it_was_sent() {
        let form = PlanForm {
            owner: "7".into(),
            base_rev: "2".into(),
            goal1: "Listen to what learners tell me".into(),
            modules1: vec!["m3".into(), "m5".into()],
            ..PlanForm::default()
        };
        let fields = form.fields();
        let get = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(PlanForm::from_fields(get), Some(form));
    }

    #[test]
    fn a_plan_is_agreed_only_when_both_agreed_this_version() {
        assert_eq!(Agreement::of(2, Some(2), Some(2)), Agreement::Agreed);
        assert_eq!(Agreement::of(3, Some(2), Some(2)), Agreement::Open);
        assert_eq!(Agreement::of(3, Some(3), Some(2)), Agreement::ByAuthor);
        assert_eq!(Agreement::of(3, None, Some(3)), Agreement::BySenco);
    }

    #[test]
    fn a_comment_needs_words_and_fits() {
        assert_eq!(check_comment("  Good  ").unwrap(), "Good");
        assert!(check_comment("   ").is_err());
        assert!(check_comment(&"a".repeat(MAX_COMMENT_CHARS + 1)).is_err());
    }
}

/// The fewest people a number about staff may describe: a group smaller than this is shown
/// as "fewer than 5", so that nobody can be picked out of the setting's picture of need.
pub const SMALLEST_GROUP: i64 = 5;

/// A count as it may be shown: None when it describes fewer than `SMALLEST_GROUP` people
/// (none at all is not a person, and is shown).
pub fn shown(n: i64) -> Option<i64> {
    (n == 0 || n >= SMALLEST_GROUP).then_some(n)
}

/// How many people feel they need to grow in an area (not yet confident, or getting
/// there) and how many feel confident, as they may be shown. They add up to the group,
/// so if either is hidden both are: one could be worked out from the other.
pub fn shown_split(needing: i64, confident: i64) -> (Option<i64>, Option<i64>) {
    match (shown(needing), shown(confident)) {
        (Some(a), Some(b)) => (Some(a), Some(b)),
        _ => (None, None),
    }
}

#[cfg(test)]
mod suppression_tests {
    use super::*;

    #[test]
    fn small_groups_are_hidden_and_their_complement_with_them() {
        assert_eq!(shown(0), Some(0));
        assert_eq!(shown(4), None);
        assert_eq!(shown(5), Some(5));
        assert_eq!(shown_split(5, 7), (Some(5), Some(7)));
        assert_eq!(
            shown_split(3, 9),
            (None, None),
            "9 of 12 would give away the 3"
        );
        assert_eq!(shown_split(0, 6), (Some(0), Some(6)));
    }
}

/// The setting's picture of need, from the staff who share their plan: how many feel they
/// need to grow in each area and how many chose each module for a goal. `people` is None,
/// and nothing else is given, when fewer than `SMALLEST_GROUP` people are in the group.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeedPicture {
    pub people: Option<i64>,
    /// (area, needing to grow, confident), each as it may be shown.
    pub areas: Vec<(crate::self_review::Area, Option<i64>, Option<i64>)>,
    /// (module key, people whose goals link it), as it may be shown.
    pub modules: Vec<(String, Option<i64>)>,
    /// (people who have done at least one check-in, check-ins done in all): None when
    /// the group or the people who did one are too few to show.
    #[serde(default)]
    pub check_ins: Option<(i64, i64)>,
}

impl NeedPicture {
    /// From the group's ratings (person, area, 1 to 4) and goals' modules (person, module
    /// keys), both already narrowed to the group; `module_keys` in the course's order.
    pub fn of(
        ratings: &[(i64, crate::self_review::Area, i64)],
        goals: &[(i64, Vec<String>)],
        module_keys: &[&str],
    ) -> NeedPicture {
        use std::collections::BTreeSet;
        let people: BTreeSet<i64> = ratings
            .iter()
            .map(|r| r.0)
            .chain(goals.iter().map(|g| g.0))
            .collect();
        let people = people.len() as i64;
        if shown(people).is_none() || people == 0 {
            return NeedPicture {
                people: shown(people),
                ..NeedPicture::default()
            };
        }
        let areas = crate::self_review::Area::ALL
            .into_iter()
            .map(|area| {
                let of_area = ratings.iter().filter(|r| r.1 == area);
                let needing = of_area.clone().filter(|r| r.2 <= 2).count() as i64;
                let confident = of_area.filter(|r| r.2 >= 3).count() as i64;
                let (needing, confident) = shown_split(needing, confident);
                (area, needing, confident)
            })
            .collect();
        let modules = module_keys
            .iter()
            .map(|key| {
                let chose: BTreeSet<i64> = goals
                    .iter()
                    .filter(|(_, modules)| modules.iter().any(|m| m == key))
                    .map(|g| g.0)
                    .collect();
                (key.to_string(), shown(chose.len() as i64))
            })
            .collect();
        NeedPicture {
            people: Some(people),
            areas,
            modules,
            check_ins: None,
        }
    }

    /// Adds the check-ins done (person, how many), narrowed to the same group.
    pub fn with_check_ins(mut self, done: &[(i64, i64)]) -> NeedPicture {
        if self.people.is_some_and(|n| n > 0) {
            let people = done.iter().filter(|(_, n)| *n > 0).count() as i64;
            let total = done.iter().map(|(_, n)| n).sum();
            self.check_ins = shown(people).map(|p| (p, total));
        }
        self
    }
}

#[cfg(test)]
mod check_in_count_tests {
    use super::*;

    #[test]
    fn check_ins_done_are_counted_only_when_enough_people_did_one() {
        let ratings: Vec<(i64, crate::self_review::Area, i64)> = (1..=6)
            .map(|p| (p, crate::self_review::Area::Outcomes, 2))
            .collect();
        let picture = NeedPicture::of(&ratings, &[], &[]);
        let five: Vec<(i64, i64)> = (1..=6).map(|p| (p, i64::from(p != 6) * 2)).collect();
        assert_eq!(
            picture.clone().with_check_ins(&five).check_ins,
            Some((5, 10))
        );
        let two: Vec<(i64, i64)> = (1..=6).map(|p| (p, i64::from(p <= 2))).collect();
        assert_eq!(
            picture.clone().with_check_ins(&two).check_ins,
            None,
            "2 people would be given away"
        );
        assert_eq!(picture.with_check_ins(&[]).check_ins, Some((0, 0)));
        let small = NeedPicture::of(&ratings[..4], &[], &[]);
        assert_eq!(small.with_check_ins(&five).check_ins, None);
    }
}

#[cfg(test)]
mod picture_tests {
    use super::*;
    use crate::self_review::Area;

    #[test]
    fn a_group_under_five_shows_nothing_and_small_cells_are_hidden() {
        let four: Vec<(i64, Area, i64)> = (1..=4).map(|p| (p, Area::Outcomes, 1)).collect();
        let picture = NeedPicture::of(&four, &[], &["m1"]);
        assert_eq!(picture.people, None);
        assert!(picture.areas.is_empty() && picture.modules.is_empty());

        // Eight people: six need to grow in outcomes, two feel confident (so both hidden);
        // everyone needs to grow in evidence.
        let mut ratings: Vec<(i64, Area, i64)> = (1..=8)
            .map(|p| (p, Area::Outcomes, if p <= 6 { 2 } else { 4 }))
            .collect();
        ratings.extend((1..=8).map(|p| (p, Area::Evidence, 1)));
        let goals: Vec<(i64, Vec<String>)> = (1..=8)
            .map(|p| {
                (
                    p,
                    if p <= 5 {
                        vec!["m4".into(), "m4".into()]
                    } else {
                        vec!["m1".into()]
                    },
                )
            })
            .collect();
        let picture = NeedPicture::of(&ratings, &goals, &["m1", "m4"]);
        assert_eq!(picture.people, Some(8));
        let row = |area| *picture.areas.iter().find(|a| a.0 == area).unwrap();
        assert_eq!(row(Area::Outcomes), (Area::Outcomes, None, None));
        assert_eq!(row(Area::Evidence), (Area::Evidence, Some(8), Some(0)));
        assert_eq!(
            picture.modules,
            [("m1".to_string(), None), ("m4".to_string(), Some(5))],
            "a person counts once per module"
        );
    }
}

/// One setting's row in a network's picture of need: how many share a plan, and how many
/// of them need to grow in each area, each as it may be shown (a setting with fewer than
/// 5 people sharing shows nothing).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingNeed {
    pub setting: String,
    pub people: Option<i64>,
    /// (area, needing to grow), in `Area::ALL` order; empty when `people` is hidden.
    pub needing: Vec<(crate::self_review::Area, Option<i64>)>,
}

/// A network's picture of need, setting by setting, from (setting, person, area, rating).
pub fn network_need(ratings: &[(String, i64, crate::self_review::Area, i64)]) -> Vec<SettingNeed> {
    let mut settings: Vec<&str> = ratings.iter().map(|r| r.0.as_str()).collect();
    settings.dedup();
    settings
        .into_iter()
        .map(|setting| {
            let of: Vec<(i64, crate::self_review::Area, i64)> = ratings
                .iter()
                .filter(|r| r.0 == setting)
                .map(|r| (r.1, r.2, r.3))
                .collect();
            let picture = NeedPicture::of(&of, &[], &[]);
            SettingNeed {
                setting: setting.to_string(),
                people: picture.people,
                needing: picture.areas.into_iter().map(|(a, n, _)| (a, n)).collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod network_tests {
    use super::*;
    use crate::self_review::Area;

    #[test]
    fn a_network_sees_counts_per_setting_and_nothing_of_a_small_one() {
        let mut ratings = Vec::new();
        for p in 1..=6 {
            ratings.push((
                "Elm".to_string(),
                p,
                Area::Outcomes,
                if p <= 5 { 1 } else { 4 },
            ));
        }
        for p in 10..=12 {
            ratings.push(("Oak".to_string(), p, Area::Outcomes, 1));
        }
        let rows = network_need(&ratings);
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].setting.as_str(), rows[0].people), ("Elm", Some(6)));
        let outcomes = rows[0]
            .needing
            .iter()
            .find(|(a, _)| *a == Area::Outcomes)
            .unwrap();
        assert_eq!(
            outcomes.1, None,
            "5 of 6 would give away the one who is confident"
        );
        assert_eq!((rows[1].setting.as_str(), rows[1].people), ("Oak", None));
        assert!(rows[1].needing.is_empty());
    }
}
