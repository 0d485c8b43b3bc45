//! The community of practice: spaces (my setting, my networks), practice examples and
//! questions, replies, "helpful", following, "I tried this", reports and moderation.
//! Who may see what is one rule in `services::store::community`; every function here
//! starts with `require` and reads posts only through it.

// A server function takes a form's fields as its arguments: a post has many.
#![allow(clippy::too_many_arguments)]

pub use domain::community::PostSummary;
use domain::community::{Area, Draft, PostKind};
use domain::error::AppError;
use domain::model::{Role, Sector};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A space the person can open: their setting, or a network it belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceLink {
    pub param: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceView {
    pub spaces: Vec<SpaceLink>,
    /// The space shown (its `param`).
    pub space: String,
    pub space_name: String,
    pub posts: Vec<PostSummary>,
    /// How many posts match, counted up to [`store::COUNT_LIMIT`].
    pub total: u32,
    /// More posts match than were counted: `pages` is how many there are at least.
    pub more: bool,
    pub page: u32,
    pub pages: u32,
    /// Open reports the person can act on (moderators only).
    pub open_reports: u32,
    /// Network invitations waiting for this setting's admin.
    pub invitations: Vec<SpaceLink>,
}

/// Who wrote something, as others see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Byline {
    pub name: String,
    pub role: Role,
    pub setting: String,
    pub specialist: bool,
    pub expertise: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyView {
    pub id: String,
    pub by: Byline,
    pub body: String,
    pub created_at: i64,
    pub helpful_count: u32,
    pub helpful_mine: bool,
    pub mine: bool,
    pub hidden_reason: Option<String>,
    /// Comments on this reply (answers to a question can be commented on).
    pub comments: Vec<ReplyView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostView {
    pub id: String,
    pub kind: PostKind,
    pub title: String,
    pub area: Area,
    pub sector: Sector,
    pub age: String,
    pub module: Option<(String, String)>,
    pub need: String,
    pub tried: String,
    pub outcome: String,
    pub change: String,
    pub body: String,
    pub by: Byline,
    pub space: SpaceLink,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    pub hidden_reason: Option<String>,
    pub accepted_reply_id: Option<String>,
    pub helpful_count: u32,
    pub helpful_mine: bool,
    pub following: bool,
    pub mine: bool,
    /// The asker, or a SENCo of the asker's setting, marks the answer that helped.
    pub can_accept: bool,
    pub moderator: bool,
    pub replies: Vec<ReplyView>,
    /// Earlier versions (for the author and moderators).
    pub revisions: Vec<(i64, String)>,
    pub moderation: Vec<String>,
    /// The person's "I tried this" entry, and when its follow-up is due.
    pub tried_entry: Option<TriedState>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TriedState {
    pub entry_id: String,
    pub follow_up_due: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComposeData {
    pub spaces: Vec<SpaceLink>,
    pub draft: Draft,
    pub space: String,
    /// The post being edited, if any.
    pub editing: Option<String>,
    /// The learning-log entry copied from, if any.
    pub source_entry: Option<String>,
    pub modules: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportView {
    pub id: i64,
    pub post_id: String,
    pub reply_id: Option<String>,
    pub title: String,
    pub excerpt: String,
    pub author: String,
    pub reason: String,
    pub created_at: i64,
    pub hidden: bool,
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr_helpers {
    use super::*;
    pub use crate::server::{
        course, db,
        guard::{require, require_writer, Need},
    };
    pub use domain::community::{self as rules, Space};
    pub use domain::model::Me;
    pub use services::store::{community as store, community_sessions as sessions_store, networks};

    pub fn who(me: &Me) -> store::Who {
        store::Who {
            user_id: me.id,
            setting_id: me.setting_id,
        }
    }

    /// The spaces of the person's setting: itself, then each network it has accepted.
    pub async fn spaces(me: &Me) -> Result<Vec<super::SpaceLink>, AppError> {
        let mut spaces = vec![super::SpaceLink {
            param: Space::Setting.param(),
            name: me.setting_name.clone(),
        }];
        for n in networks::of_setting(&db()?, me.setting_id).await? {
            if n.accepted {
                spaces.push(super::SpaceLink {
                    param: Space::Network(n.network_id).param(),
                    name: n.name,
                });
            }
        }
        Ok(spaces)
    }

    /// Of the person's `spaces`, the one whose newest post (that they may see) is newest:
    /// its address value. Each is the first line of the space's first page, which the
    /// store keeps for the next person of the setting (`list_memo`).
    pub async fn liveliest(
        db: &services::store::Db,
        me: &Me,
        spaces: &[super::SpaceLink],
    ) -> Result<String, AppError> {
        let mut best: Option<(i64, &str)> = None;
        for link in spaces {
            let Some(space) = Space::parse(&link.param) else {
                continue;
            };
            let (rows, _) =
                store::list(db, who(me), space, &store::ListFilters::default(), 1, 1).await?;
            if let Some(newest) = rows.first().map(|r| r.created_at) {
                if best.is_none_or(|(at, _)| newest > at) {
                    best = Some((newest, &link.param));
                }
            }
        }
        Ok(best
            .map(|(_, param)| param.to_string())
            .unwrap_or_else(|| Space::Setting.param()))
    }

    /// The space named by `param`, if the person's setting belongs to it.
    pub async fn find_space(me: &Me, param: &str) -> Result<(Space, super::SpaceLink), AppError> {
        pick_space(&spaces(me).await?, param)
    }

    /// The space named by `param` among the person's `spaces`.
    pub fn pick_space(
        spaces: &[super::SpaceLink],
        param: &str,
    ) -> Result<(Space, super::SpaceLink), AppError> {
        let missing = || {
            AppError::NotFound("There is no such space, or your setting is not part of it.".into())
        };
        let wanted = Space::parse(param).ok_or_else(missing)?;
        spaces
            .iter()
            .find(|link| link.param == wanted.param())
            .map(|link| (wanted, link.clone()))
            .ok_or_else(missing)
    }

    /// A post the person may see, or the same "not found" for every other id.
    pub async fn visible(me: &Me, id: &str) -> Result<store::PostRow, AppError> {
        store::post(&db()?, who(me), id).await?.ok_or_else(|| {
            AppError::NotFound("There is no such post, or it is not shared with you.".into())
        })
    }

    pub fn byline(
        name: String,
        role: Role,
        setting: String,
        specialist: bool,
        expertise: String,
    ) -> super::Byline {
        super::Byline {
            name,
            role,
            setting,
            specialist,
            expertise,
        }
    }

    pub fn check_id(id: &str) -> Result<(), AppError> {
        if crate::api::course::valid_op_id(id) {
            Ok(())
        } else {
            Err(AppError::invalid(
                "title",
                "This form is out of date: reload the page and try again. What you typed is kept.",
            ))
        }
    }

    /// The course's words, for the likely-names check.
    pub fn vocabulary() -> Result<&'static std::collections::HashSet<String>, AppError> {
        static WORDS: std::sync::OnceLock<std::collections::HashSet<String>> =
            std::sync::OnceLock::new();
        let course = course()?;
        Ok(WORDS.get_or_init(|| {
            let text = serde_json::to_string(&course.modules).unwrap_or_default();
            rules::vocabulary([text.as_str(), course.facilitator.html.as_str()])
        }))
    }

    pub fn invalid(problems: Vec<(&'static str, String)>) -> AppError {
        AppError::fields(problems)
    }

    /// Checks a post and the privacy confirmation; likely names must be looked at once.
    pub fn check_post(
        draft: &Draft,
        confirm: bool,
        names_checked: bool,
    ) -> Result<rules::Checked, AppError> {
        let course = course()?;
        let modules: Vec<String> = course.modules.iter().map(|m| m.key.clone()).collect();
        let checked = rules::check(draft, &modules).map_err(invalid)?;
        let text = [
            &checked.title,
            &checked.age,
            &checked.need,
            &checked.tried,
            &checked.outcome,
            &checked.change,
            &checked.body,
        ]
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join("\n");
        let names = rules::likely_names(&text, vocabulary()?);
        let mut problems = Vec::new();
        if !names.is_empty() && !names_checked {
            problems.push((
                "names_checked",
                format!(
                    "These words may be names: {}. Change any that name a learner, a family member or a colleague. If none does, tick \u{201c}I have checked these words\u{201d} and post again.",
                    names.iter().map(|n| format!("\u{201c}{n}\u{201d}")).collect::<Vec<_>>().join(", ")
                ),
            ));
        }
        if !confirm {
            problems.push((
                "confirm_private",
                "Confirm that nothing in this post identifies a learner, a family or a colleague."
                    .to_string(),
            ));
        }
        if problems.is_empty() {
            Ok(checked)
        } else {
            Err(invalid(problems))
        }
    }

    pub fn refused_id() -> AppError {
        AppError::NotFound(
            "That id belongs to something else. Reload the page and try again.".into(),
        )
    }
}
#[cfg(feature = "ssr")]
use ssr_helpers::*;

/// One page of a space (default: the person's setting), with its filters. Looking at it
/// resets the "new" count in the navigation.
/// Reports from the community waiting for this person as a moderator (their setting's, and
/// their networks' for those who moderate one): for a SENCo's or admin's home.
#[server(endpoint = "community/open_reports")]
pub async fn open_reports() -> Result<u32, AppError> {
    let me = require(Need::SignedIn)?;
    if !matches!(me.role, Role::Senco | Role::Admin) {
        return Ok(0);
    }
    Ok(store::open_report_count(&db()?, who(&me)).await? as u32)
}

#[server(endpoint = "community/space")]
pub async fn community_space(
    space: Option<String>,
    kind: Option<String>,
    sector: Option<String>,
    area: Option<String>,
    module: Option<String>,
    answered: Option<String>,
    q: Option<String>,
    page: Option<u32>,
) -> Result<SpaceView, AppError> {
    let me = require(Need::SignedIn)?;
    let db = db()?;
    let words = domain::learning_log::search_words(q.as_deref().unwrap_or_default())
        .map_err(|m| AppError::invalid("q", m))?;
    let course = course()?;
    let filters = store::ListFilters {
        kind: kind.as_deref().and_then(PostKind::parse),
        sector: sector.as_deref().and_then(Sector::parse),
        area: area.as_deref().and_then(Area::parse),
        module: module.as_deref().filter(|m| course.module(m).is_some()),
        answered: match answered.as_deref() {
            Some("yes") => Some(true),
            Some("no") => Some(false),
            _ => None,
        },
        words: &words,
    };
    let size = rules::PAGE_SIZE;
    let plain = [&kind, &sector, &area, &module, &answered, &q]
        .iter()
        .all(|v| v.is_none())
        && page.is_none();
    let page = page.unwrap_or(1).max(1);
    // When the address names the space, its page and the count of open reports (the page's
    // link to them, for whoever may moderate: a SENCo or admin, and anyone in a network)
    // are read beside the person's spaces, as each is a round trip to the database. The
    // page is used only once the spaces show the person may open it; read for a setting
    // outside the space, it is empty (the rule in `visible_posts`).
    let moderates =
        |space: Space| matches!(me.role, Role::Senco | Role::Admin) || space.network_id().is_some();
    let named = space.as_deref().and_then(Space::parse);
    let reports = async {
        match named.filter(|s| moderates(*s)) {
            Some(_) => Ok::<_, AppError>(Some(store::open_report_count(&db, who(&me)).await?)),
            None => Ok(None),
        }
    };
    let early_page = async {
        match named {
            Some(named) => Ok::<_, AppError>(Some(
                store::list(&db, who(&me), named, &filters, page, size).await?,
            )),
            None => Ok(None),
        }
    };
    let (all_spaces, reports, early_page) = tokio::try_join!(spaces(&me), reports, early_page)?;
    // Opened plainly (no space, filter or page named), it opens where the life is: the space
    // with the newest post the person may see (their setting's own on a tie).
    let space = match space {
        None if plain => Some(liveliest(&db, &me, &all_spaces).await?),
        given => given,
    };
    let (space, link) = pick_space(&all_spaces, space.as_deref().unwrap_or_default())?;
    let (rows, total) = match early_page {
        Some(read) if named == Some(space) => read,
        _ => store::list(&db, who(&me), space, &filters, page, size).await?,
    };
    let more = total > store::COUNT_LIMIT;
    let pages = if more {
        let full = rows.len() as u32 == size;
        total.div_ceil(size).max(page + u32::from(full))
    } else {
        total.div_ceil(size).max(1)
    };
    let open_reports = match reports {
        Some(count) => count as u32,
        None if moderates(space) => store::open_report_count(&db, who(&me)).await? as u32,
        None => 0,
    };
    let invitations = if me.role == Role::Admin {
        networks::of_setting(&db, me.setting_id)
            .await?
            .into_iter()
            .filter(|n| !n.accepted)
            .map(|n| SpaceLink {
                param: Space::Network(n.network_id).param(),
                name: n.name,
            })
            .collect()
    } else {
        vec![]
    };
    // Only when there was something new: a list read is not a write otherwise.
    if me.counts.community_new > 0 {
        store::mark_seen(&db, me.id).await?;
    }
    Ok(SpaceView {
        spaces: all_spaces,
        space: link.param,
        space_name: link.name,
        posts: rows,
        total: total.min(store::COUNT_LIMIT),
        more,
        page: page.min(pages),
        pages,
        open_reports,
        invitations,
    })
}

/// A thread: the post, its replies, and what the person can do with it.
#[server(endpoint = "community/post")]
pub async fn community_post(id: String) -> Result<PostView, AppError> {
    let me = require(Need::SignedIn)?;
    let db = db()?;
    let course = course()?;
    let post = visible(&me, &id).await?;
    let rows = store::replies(&db, who(&me), &post).await?;
    let view = |r: &store::ReplyRow| ReplyView {
        id: r.id.clone(),
        by: byline(
            r.author.clone(),
            r.author_role,
            r.setting_name.clone(),
            r.author_specialist,
            r.author_expertise.clone(),
        ),
        body: r.body.clone(),
        created_at: r.created_at,
        helpful_count: r.helpful_count as u32,
        helpful_mine: r.helpful_mine,
        mine: r.author_id == me.id,
        hidden_reason: r.hidden_reason.clone(),
        comments: vec![],
    };
    let mut replies: Vec<ReplyView> = rows
        .iter()
        .filter(|r| r.parent_id.is_none())
        .map(view)
        .collect();
    for reply in &mut replies {
        reply.comments = rows
            .iter()
            .filter(|r| r.parent_id.as_deref() == Some(reply.id.as_str()))
            .map(view)
            .collect();
    }
    let mine = post.author_id == me.id;
    let revisions = if mine || post.moderator {
        store::revisions(&db, &post.id)
            .await?
            .into_iter()
            .map(|r| (r.saved_at, r.title))
            .collect()
    } else {
        vec![]
    };
    let moderation = if post.moderator || mine {
        store::moderation_log(&db, &post.id)
            .await?
            .into_iter()
            .map(|l| format!("{} · {} · {}", l.moderator, l.action, l.reason))
            .collect()
    } else {
        vec![]
    };
    let key = rules::tried_key(&post.id);
    let tried_entry = services::store::learning_log::for_section(&db, me.id, &key)
        .await?
        .into_iter()
        .find(|e| e.prompt_key == "tried")
        .map(|e| e.id);
    let tried_entry = match tried_entry {
        Some(entry_id) => Some(TriedState {
            entry_id,
            follow_up_due: services::store::learning_log::follow_up_due(&db, me.id, &key).await?,
        }),
        None => None,
    };
    let space = match post.network_id {
        Some(id) => SpaceLink {
            param: Space::Network(id).param(),
            name: post.network_name.clone().unwrap_or_default(),
        },
        None => SpaceLink {
            param: Space::Setting.param(),
            name: post.setting_name.clone(),
        },
    };
    Ok(PostView {
        module: post
            .module_key
            .as_deref()
            .and_then(|k| course.module(k))
            .map(|m| (m.key.clone(), format!("Module {}: {}", m.number, m.title))),
        by: byline(
            post.author.clone(),
            post.author_role,
            post.setting_name.clone(),
            post.author_specialist,
            post.author_expertise.clone(),
        ),
        can_accept: post.kind == PostKind::Question
            && (mine || (me.role == Role::Senco && me.setting_id == post.setting_id)),
        id: post.id,
        kind: post.kind,
        title: post.title,
        area: post.area,
        sector: post.sector,
        age: post.age,
        need: post.need,
        tried: post.tried,
        outcome: post.outcome,
        change: post.change,
        body: post.body,
        space,
        created_at: post.created_at,
        edited_at: post.edited_at,
        hidden_reason: post.hidden_reason,
        accepted_reply_id: post.accepted_reply_id,
        helpful_count: post.helpful_count as u32,
        helpful_mine: post.helpful_mine,
        following: post.following,
        mine,
        moderator: post.moderator,
        replies,
        revisions,
        moderation,
        tried_entry,
    })
}

/// What the sharing form starts with: empty, a copy of one of the person's own log entries
/// (`from`), or a post of theirs to edit (`edit`).
#[server(endpoint = "community/compose")]
pub async fn community_compose(
    kind: Option<String>,
    from: Option<String>,
    edit: Option<String>,
    space: Option<String>,
) -> Result<ComposeData, AppError> {
    let me = require(Need::SignedIn)?;
    let db = db()?;
    let course = course()?;
    let mut draft = Draft {
        kind: kind
            .as_deref()
            .and_then(PostKind::parse)
            .unwrap_or(PostKind::Example)
            .as_str()
            .into(),
        sector: me.sector.as_str().into(),
        ..Draft::default()
    };
    let mut source_entry = None;
    let mut editing = None;
    let mut space = space.unwrap_or_else(|| Space::Setting.param());
    if let Some(id) = edit {
        let post = visible(&me, &id).await?;
        if post.author_id != me.id {
            return Err(AppError::Forbidden);
        }
        draft = post.draft();
        space = post
            .network_id
            .map_or(Space::Setting, Space::Network)
            .param();
        editing = Some(post.id);
    } else if let Some(entry_id) = from {
        // Only the person's own entry: `get` finds nobody else's.
        let entry = services::store::learning_log::get(&db, me.id, &entry_id)
            .await?
            .ok_or_else(|| AppError::NotFound("There is no such entry in your log.".into()))?;
        let module = course
            .section(&entry.section_key)
            .map(|(m, _)| m.key.clone());
        draft.kind = PostKind::Example.as_str().into();
        draft.module = module.unwrap_or_default();
        draft.title = format!(
            "From my learning log: {}",
            course
                .section(&entry.section_key)
                .map(|(_, s)| s.title.clone())
                .unwrap_or_default()
        );
        draft.tried = entry.body;
        source_entry = Some(entry.id);
    }
    Ok(ComposeData {
        spaces: spaces(&me).await?,
        draft,
        space,
        editing,
        source_entry,
        modules: course
            .modules
            .iter()
            .map(|m| (m.key.clone(), format!("Module {}: {}", m.number, m.title)))
            .collect(),
    })
}

/// Publishes a post (or, with `editing`, changes one of the person's own). `id` is made by
/// the page, so a post retried by the outbox is stored once. Works as a plain form.
#[server(endpoint = "community/publish")]
pub async fn publish_post(
    id: String,
    space: String,
    #[server(flatten)] draft: Draft,
    source_entry: Option<String>,
    editing: Option<String>,
    confirm_private: Option<String>,
    names_checked: Option<String>,
) -> Result<String, AppError> {
    let outcome = publish(
        &id,
        &space,
        &draft,
        source_entry.as_deref(),
        editing.as_deref(),
        crate::api::profile::ticked(&confirm_private),
        crate::api::profile::ticked(&names_checked),
    )
    .await;
    match &outcome {
        Ok(post_id) => crate::api::redirect_plain_form(&format!("/community/p/{post_id}")),
        Err(error) => {
            let mut keep: Vec<(&str, &str)> = draft.fields().to_vec();
            keep.push(("space", &space));
            if let Some(edit) = editing.as_deref() {
                keep.push(("edit", edit));
            }
            if let Some(from) = source_entry.as_deref() {
                keep.push(("from", from));
            }
            crate::api::plain_form_error::<PublishPost>("/community/new", &keep, error)
        }
    }
    outcome
}

#[cfg(feature = "ssr")]
async fn publish(
    id: &str,
    space: &str,
    draft: &Draft,
    source_entry: Option<&str>,
    editing: Option<&str>,
    confirm: bool,
    names_checked: bool,
) -> Result<String, AppError> {
    let me = require_writer(Need::SignedIn).await?;
    let db = db()?;
    let checked = check_post(draft, confirm, names_checked)?;
    if let Some(post_id) = editing {
        let post = visible(&me, post_id).await?;
        if post.author_id != me.id {
            return Err(AppError::Forbidden);
        }
        return match store::edit_post(&db, me.id, post_id, &checked).await? {
            store::Stored::Done => Ok(post.id),
            store::Stored::NotYours => Err(AppError::Forbidden),
            store::Stored::Full => Err(full()),
        };
    }
    check_id(id)?;
    let (space, _) = find_space(&me, space).await?;
    // A copy of the person's own entry only; anything else is dropped, never shown.
    let source = match source_entry.filter(|s| !s.is_empty()) {
        Some(entry) => services::store::learning_log::get(&db, me.id, entry)
            .await?
            .map(|e| e.id),
        None => None,
    };
    let new = store::NewPost {
        id,
        author_id: me.id,
        setting_id: me.setting_id,
        network_id: space.network_id(),
        post: &checked,
        source_entry_id: source.as_deref(),
    };
    match store::create_post(&db, &new).await? {
        store::Stored::Done => Ok(id.to_string()),
        store::Stored::NotYours => Err(refused_id()),
        store::Stored::Full => Err(full()),
    }
}

/// The day's posts, replies and edits are used up (`store::DAILY_WRITES`).
#[cfg(feature = "ssr")]
fn full() -> AppError {
    AppError::TooManyAttempts(format!(
        "You have posted, replied or edited {} times in the last day, the most Tandem keeps from one person. What you typed is kept here: send it tomorrow.",
        store::DAILY_WRITES
    ))
}

/// Answers a question, comments on an example, or (with `parent`) comments on an answer.
#[server(endpoint = "community/reply")]
pub async fn post_reply(
    id: String,
    post: String,
    parent: Option<String>,
    body: String,
) -> Result<(), AppError> {
    let outcome = reply(
        &id,
        &post,
        parent.as_deref().filter(|p| !p.is_empty()),
        &body,
    )
    .await;
    match &outcome {
        Ok(()) => crate::api::redirect_plain_form(&format!("/community/p/{post}#reply-{id}")),
        Err(error) => {
            let field = parent
                .as_deref()
                .map_or("reply".to_string(), |p| format!("comment-{p}"));
            crate::api::plain_form_error::<PostReply>(
                &format!("/community/p/{post}"),
                &[(field.as_str(), body.as_str())],
                error,
            )
        }
    }
    outcome
}

#[cfg(feature = "ssr")]
async fn reply(id: &str, post_id: &str, parent: Option<&str>, body: &str) -> Result<(), AppError> {
    let me = require_writer(Need::SignedIn).await?;
    let db = db()?;
    let body = rules::check_reply(body).map_err(|m| AppError::invalid("body", m))?;
    check_id(id).map_err(|_| {
        AppError::invalid(
            "body",
            "This form is out of date: reload the page and try again. What you typed is kept.",
        )
    })?;
    let post = visible(&me, post_id).await?;
    if post.hidden_reason.is_some() {
        return Err(AppError::invalid(
            "body",
            "This post is hidden by a moderator, so it cannot take replies.",
        ));
    }
    if let Some(parent) = parent {
        if !store::reply_of(&db, &post.id, parent).await? {
            return Err(AppError::NotFound(
                "There is no such reply on this post.".into(),
            ));
        }
    }
    let new = store::NewReply {
        id,
        post_id: &post.id,
        parent_id: parent,
        author_id: me.id,
        body: &body,
    };
    match store::add_reply(&db, &new).await? {
        store::Stored::Done => Ok(()),
        store::Stored::NotYours => Err(refused_id()),
        store::Stored::Full => Err(full()),
    }
}

/// Marks (or with no `reply`, clears) the answer that helped: the asker, or a SENCo of the
/// asker's setting.
#[server(endpoint = "community/accept")]
pub async fn accept_answer(post: String, reply: Option<String>) -> Result<(), AppError> {
    let me = require_writer(Need::SignedIn).await?;
    let db = db()?;
    let found = visible(&me, &post).await?;
    let allowed = found.kind == PostKind::Question
        && (found.author_id == me.id
            || (me.role == Role::Senco && me.setting_id == found.setting_id));
    if !allowed {
        return Err(AppError::Forbidden);
    }
    let reply = reply.filter(|r| !r.is_empty());
    if let Some(r) = &reply {
        if !store::reply_of(&db, &found.id, r).await? {
            return Err(AppError::NotFound(
                "There is no such answer on this question.".into(),
            ));
        }
    }
    store::accept(&db, &found.id, reply.as_deref()).await?;
    crate::api::redirect_plain_form(&format!("/community/p/{post}"));
    Ok(())
}

/// "Helpful" on a post or one of its replies.
#[server(endpoint = "community/helpful")]
pub async fn mark_helpful(post: String, reply: Option<String>) -> Result<bool, AppError> {
    let me = require_writer(Need::SignedIn).await?;
    let db = db()?;
    let found = visible(&me, &post).await?;
    let reply = reply.filter(|r| !r.is_empty());
    if let Some(r) = &reply {
        if !store::reply_of(&db, &found.id, r).await? {
            return Err(AppError::NotFound(
                "There is no such reply on this post.".into(),
            ));
        }
    }
    let added = store::mark_helpful(&db, me.id, &found.id, reply.as_deref()).await?;
    crate::api::redirect_plain_form(&format!("/community/p/{post}"));
    Ok(added)
}

/// Follows a thread (or stops): its page is kept on the person's devices for reading
/// offline, and new replies come in their email digest.
#[server(endpoint = "community/follow")]
pub async fn follow_post(post: String, on: bool) -> Result<bool, AppError> {
    let me = require_writer(Need::SignedIn).await?;
    let found = visible(&me, &post).await?;
    store::follow(&db()?, me.id, &found.id, on).await?;
    crate::api::redirect_plain_form(&format!("/community/p/{post}"));
    Ok(on)
}

/// The threads the person follows, for keeping on this device.
#[server(endpoint = "community/followed")]
pub async fn followed_posts() -> Result<Vec<(String, String)>, AppError> {
    let me = require(Need::SignedIn)?;
    Ok(store::followed(&db()?, who(&me)).await?)
}

/// "I tried this": an entry in the person's own learning log, linked to the post, with a
/// follow-up ("what changed?") after the setting's usual number of days.
#[server(endpoint = "community/tried")]
pub async fn tried_this(post: String) -> Result<String, AppError> {
    let me = require_writer(Need::SignedIn).await?;
    let db = db()?;
    let found = visible(&me, &post).await?;
    let days = services::store::learning_log::follow_up_days(&db, me.setting_id).await?;
    let opening = format!(
        "I tried \u{201c}{}\u{201d}, shared by {} ({}).\n\n",
        found.title, found.author, found.setting_name
    );
    let entry = services::store::learning_log::tried(
        &db,
        me.id,
        &rules::tried_key(&found.id),
        &opening,
        services::store::now() + days * 86_400,
    )
    .await?;
    crate::api::redirect_plain_form(&format!("/community/p/{post}#tried"));
    Ok(entry)
}

/// Reports a post or reply to its moderators, with a reason.
#[server(endpoint = "community/report")]
pub async fn report_post(
    post: String,
    reply: Option<String>,
    reason: String,
) -> Result<(), AppError> {
    let me = require_writer(Need::SignedIn).await?;
    let db = db()?;
    let found = visible(&me, &post).await?;
    let reply = reply.filter(|r| !r.is_empty());
    let outcome = async {
        let reason = rules::check_reason(&reason).map_err(|m| AppError::invalid("reason", m))?;
        if let Some(r) = &reply {
            if !store::reply_of(&db, &found.id, r).await? {
                return Err(AppError::NotFound(
                    "There is no such reply on this post.".into(),
                ));
            }
        }
        store::report(&db, me.id, &found.id, reply.as_deref(), &reason).await?;
        Ok(())
    }
    .await;
    match &outcome {
        Ok(()) => crate::api::redirect_plain_form(&format!("/community/p/{post}?reported=1")),
        Err(error) => crate::api::plain_form_error::<ReportPost>(
            &format!("/community/p/{post}"),
            &[("reason", &reason)],
            error,
        ),
    }
    outcome
}

/// Open reports the person moderates.
#[server(endpoint = "community/reports")]
pub async fn community_reports() -> Result<Vec<ReportView>, AppError> {
    let me = require(Need::SignedIn)?;
    Ok(store::open_reports(&db()?, who(&me))
        .await?
        .into_iter()
        .map(|r| ReportView {
            id: r.id,
            post_id: r.post_id,
            reply_id: r.reply_id,
            title: r.title,
            excerpt: r.excerpt,
            author: r.author,
            reason: r.reason,
            created_at: r.created_at,
            hidden: r.hidden,
        })
        .collect())
}

/// Hides (with a reason the author sees), shows again, or dismisses the reports on a post
/// or reply. Moderators only: the SENCo and admins of the author's setting, and the
/// network's moderators for network posts. Every action is logged.
#[server(endpoint = "community/moderate")]
pub async fn moderate(
    post: String,
    reply: Option<String>,
    action: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    let me = require_writer(Need::SignedIn).await?;
    let db = db()?;
    let found = visible(&me, &post).await?;
    if !found.moderator {
        return Err(AppError::Forbidden);
    }
    let action = store::Moderation::parse(&action)
        .ok_or_else(|| AppError::invalid("action", "Choose what to do."))?;
    let reason = rules::check_reason(&reason).map_err(|m| AppError::invalid("reason", m))?;
    let reply = reply.filter(|r| !r.is_empty());
    if let Some(r) = &reply {
        if !store::reply_of(&db, &found.id, r).await? {
            return Err(AppError::NotFound(
                "There is no such reply on this post.".into(),
            ));
        }
    }
    store::moderate(&db, me.id, &found.id, reply.as_deref(), action, &reason).await?;
    crate::api::redirect_plain_form(&format!("/community/p/{post}"));
    Ok(())
}

/// The author deletes their post.
#[server(endpoint = "community/delete")]
pub async fn delete_post(post: String) -> Result<(), AppError> {
    let me = require_writer(Need::SignedIn).await?;
    let found = visible(&me, &post).await?;
    if found.author_id != me.id || !store::delete_post(&db()?, me.id, &found.id).await? {
        return Err(AppError::Forbidden);
    }
    crate::api::redirect_plain_form("/community?deleted=1");
    Ok(())
}

/// An admin accepts (or declines) their setting's invitation into a network.
#[server(endpoint = "community/network")]
pub async fn answer_network(network: String, accept: bool) -> Result<(), AppError> {
    let me = require_writer(crate::server::guard::ADMIN).await?;
    let id = Space::parse(&network)
        .and_then(Space::network_id)
        .ok_or_else(|| AppError::NotFound("There is no such network.".into()))?;
    if !networks::answer(&db()?, id, me.setting_id, Some(me.id), accept).await? {
        return Err(AppError::NotFound(
            "Your setting has no invitation from that network.".into(),
        ));
    }
    crate::api::redirect_plain_form("/community");
    Ok(())
}
