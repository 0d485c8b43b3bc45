//! The community's islands (in the full bundle only): sharing a post, replying, and keeping
//! a followed thread on this device. Writes go through the outbox like answers do.

use crate::api::community::{ComposeData, PostReply, PublishPost};
use crate::components::*;
use crate::session::hard_navigate;
use domain::community::PostKind;
use domain::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// Sharing a practice example or asking a question. Sent through the outbox, so a post
/// written offline is kept on the device and goes when Tandem can be reached; a plain form
/// before (or without) the page's code. `kept` and `error`: what a plain form sent back.
#[island]
pub fn ComposeForm(
    data: ComposeData,
    kept: Vec<(String, String)>,
    error: Option<AppError>,
    /// The new post's id (a write stored once, however often it is sent).
    id: String,
) -> impl IntoView {
    let kept = move |k: &str, fallback: &str| {
        kept.iter()
            .find(|(key, _)| key == k)
            .map_or_else(|| fallback.to_string(), |(_, v)| v.clone())
    };
    let write = QueuedWrite::new(move |reply| {
        if let Some(id) = reply.as_str() {
            hard_navigate(&format!("/community/p/{id}"));
        }
    });
    let error = Signal::derive(move || write.refused.get().or_else(|| error.clone()));
    let d = data.draft.clone();
    let kind = PostKind::parse(&kept("kind", &d.kind)).unwrap_or(PostKind::Example);
    let editing = data.editing.clone();
    let heading = heading(editing.is_some(), kind);
    let names_flagged = move || error.get().and_then(|e| e.field("names_checked")).is_some();
    let mut modules = vec![(String::new(), "None".to_string())];
    modules.extend(data.modules.clone());
    let spaces: Vec<(String, String)> = data
        .spaces
        .iter()
        .map(|s| (s.param.clone(), s.name.clone()))
        .collect();
    let is_example = kind == PostKind::Example;
    view! {
        <h1 class="page-title">{heading}</h1>
        <ErrorSummary error/>
        <Banner title="Before you share">
            <p>"Describe learners, families and colleagues by role or age (\"a Year 4 pupil\", \"his mum\", \"our speech and language therapist\"), never by name, and leave out anything that would let someone work out who they are. A worry about a child's safety goes to your safeguarding lead, not here."</p>
        </Banner>
        <form method="post" action=PublishPost::PATH on:submit=move |ev| {
            write.submit::<PublishPost>(ev, "A community post you wrote".into(), "/community/new".into())
        }>
            <input type="hidden" name="id" value=id/>
            <input type="hidden" name="kind" value=kind.as_str()/>
            {editing.clone().map(|e| view! { <input type="hidden" name="editing" value=e/> })}
            {data.source_entry.clone().map(|e| view! {
                <input type="hidden" name="source_entry" value=e/>
                <p class="muted">"This starts as a copy of your learning-log entry. Your entry itself stays private, and nothing you change here changes it."</p>
            })}
            {if editing.is_some() {
                view! { <input type="hidden" name="space" value=data.space.clone()/> }.into_any()
            } else {
                view! { <SelectField name="space" label="Share with" hint="Your setting only, or everyone in a network your setting belongs to. You choose each time." options=spaces selected=kept("space", &data.space) error=field_error(error, "space")/> }.into_any()
            }}
            <TextField name="title" label="Title" value=kept("title", &d.title) error=field_error(error, "title")/>
            <SelectField name="area" label="Area of need" options=area_options() selected=kept("area", &d.area) error=field_error(error, "area")/>
            <SelectField name="sector" label="Sector" options=sector_options() selected=kept("sector", &d.sector) error=field_error(error, "sector")/>
            <TextField name="age" label="Age or stage (optional)" hint="For example: 3 to 4 years, Year 4, 16 to 19." value=kept("age", &d.age) error=field_error(error, "age")/>
            <SelectField name="module" label="Course module it relates to (optional)" options=modules selected=kept("module", &d.module) error=field_error(error, "module")/>
            {if is_example {
                view! {
                    <TextArea name="need" label="The need" hint="Who it was for and what they found hard, without naming them." value=kept("need", &d.need) error=field_error(error, "need")/>
                    <TextArea name="tried" label="What you tried" value=kept("tried", &d.tried) error=field_error(error, "tried") rows=7/>
                    <TextArea name="outcome" label="What happened" hint="What you saw, heard or counted that tells you." value=kept("outcome", &d.outcome) error=field_error(error, "outcome")/>
                    <TextArea name="change" label="What you would change (optional)" value=kept("change", &d.change) error=field_error(error, "change")/>
                }.into_any()
            } else {
                view! {
                    <TextArea name="body" label="Your question" hint="What you have tried so far helps others answer." value=kept("body", &d.body) error=field_error(error, "body") rows=7/>
                }.into_any()
            }}
            {move || names_flagged().then(|| view! {
                <Checkbox name="names_checked" label="I have checked these words: none of them names a learner, a family member or a colleague" checked=false/>
            })}
            <Checkbox name="confirm_private" label="Nothing in this post identifies a learner, a family or a colleague" checked=false/>
            <Button busy=Signal::derive(move || write.waiting.get().is_some())>{if editing.is_some() { "Save changes" } else { "Publish" }}</Button>
            {write.status()}
        </form>
    }
}

/// The heading (and title) of the form for a post of this kind.
pub fn heading(editing: bool, kind: PostKind) -> &'static str {
    match (editing, kind) {
        (true, _) => "Edit your post",
        (false, PostKind::Example) => "Share a practice example",
        (false, PostKind::Question) => "Ask a question",
    }
}

/// The reply (or answer) box under a thread. On a reply sent, the page loads again to show
/// it in its place.
#[island]
pub fn ReplyForm(
    post: String,
    /// The new reply's id.
    id: String,
    label: String,
    is_question: bool,
    /// What a plain form sent back: the text typed, and why it was refused.
    typed: String,
    error: Option<AppError>,
) -> impl IntoView {
    let href = format!("/community/p/{post}");
    let write = {
        let (href, id) = (href.clone(), id.clone());
        // A new address (not only a new `#`), so the page really loads again.
        QueuedWrite::new(move |_| hard_navigate(&format!("{href}?replied={id}#reply-{id}")))
    };
    let error = Signal::derive(move || write.refused.get().or_else(|| error.clone()));
    view! {
        <ErrorSummary error/>
        <form method="post" action=PostReply::PATH on:submit=move |ev| {
            write.submit::<PostReply>(ev, label.clone(), href.clone())
        }>
            <input type="hidden" name="id" value=id/>
            <input type="hidden" name="post" value=post.clone()/>
            <TextArea name="body" id="reply".to_string() label=if is_question { "Your answer" } else { "Your comment" }
                value=typed error=field_error(error, "body")/>
            <Button busy=Signal::derive(move || write.waiting.get().is_some())>{if is_question { "Post answer" } else { "Post comment" }}</Button>
            {write.status()}
        </form>
    }
}

/// A followed thread is kept on this device, like a saved module, for reading offline (and
/// fetched again on each visit, so the copy is the latest one seen); one no longer followed
/// is let go.
#[island]
pub fn KeepOffline(post: String, following: bool) -> impl IntoView {
    let status = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let post = post.clone();
        leptos::task::spawn_local(async move {
            let url = format!("/community/p/{post}");
            let key = format!("thread:{post}");
            if !following {
                if crate::offline::saved_modules().contains(&key) {
                    let _ = crate::offline::remove_module(key).await;
                }
                return;
            }
            let kept = crate::offline::save_module(key, vec![url], |_, _| {}).await;
            status.set(Some(match kept {
                Ok(_) => "Kept on this device: you can read this thread offline.".into(),
                Err(e) => e,
            }));
        });
    });
    view! { <p class="muted" role="status">{move || status.get()}</p> }
}
