//! `/admin/data`: retention, erasure and the privacy notice for a setting's admin; and
//! `/privacy`, the notice everyone can read.

use super::Restricted;
use crate::api::data_protection::{
    data_protection, privacy_notice, ErasePerson, Overview, SavePrivacyNotice, SaveRetention,
};
use crate::components::*;
use crate::session::local_date;
use domain::model::Role;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn DataProtectionPage() -> impl IntoView {
    view! {
        <Title text="Data protection"/>
        <Restricted roles=&[Role::Admin]>
            <DataProtection/>
        </Restricted>
    }
}

#[component]
fn DataProtection() -> impl IntoView {
    let overview = Resource::new(|| (), |_| data_protection());
    let erased = query_value("erased").is_some();
    view! {
        <p class="breadcrumb"><a href="/admin">"Staff and invites"</a></p>
        <h1 class="page-title">"Data protection"</h1>
        {erased.then(|| view! {
            <Banner title="Records erased" kind=BannerKind::Success>
                <p>"The person's records are gone. The line below in the log records what was erased, in numbers only."</p>
            </Banner>
        })}
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(o) => view! { <Sections o/> }.into_any(),
                    Err(e) => view! { <p class="error-text">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Sections(o: Overview) -> impl IntoView {
    let retention = ServerAction::<SaveRetention>::new();
    let notice = ServerAction::<SavePrivacyNotice>::new();
    let erase = ServerAction::<ErasePerson>::new();
    let retention_error = action_error(retention.value());
    let notice_error = action_error(notice.value());
    let erase_error = action_error(erase.value());
    let people: Vec<(String, String)> = o
        .closed
        .iter()
        .map(|(id, name, email)| (id.to_string(), format!("{name} ({email})")))
        .collect();
    let has_closed = !people.is_empty();
    let first = people.first().map(|p| p.0.clone()).unwrap_or_default();
    view! {
        <section aria-labelledby="retention-heading" class="card">
            <h2 id="retention-heading" class="card-heading">"Keeping records of people who have left"</h2>
            <p>"When someone's account is deactivated, Tandem keeps their records for this long, then erases them (checked every day). Schools commonly keep training records for six years."</p>
            <ErrorSummary error=retention_error/>
            <ActionForm action=retention>
                <TextField
                    name="years"
                    label="Years to keep records after an account is closed"
                    hint="From 1 to 50."
                    input_type="number"
                    value=o.retention_years.to_string()
                    width_class="w-24"
                    error=field_error(retention_error, "years")
                />
                <Checkbox
                    name="keep_posts"
                    label="Keep community posts under “Former member” when records are erased"
                    hint="Unticked: a person's community posts and replies are erased with the rest of their records."
                    checked=!o.erase_posts
                />
                <Button busy=retention.pending()>"Save"</Button>
            </ActionForm>
        </section>

        <section aria-labelledby="erase-heading" class="card">
            <h2 id="erase-heading" class="card-heading">"Erase a person's records"</h2>
            <p>"When someone asks for their data to be erased, deactivate their account on Staff and invites, then erase it here. This erases their learning log with every version, the feedback they received, their progress and CPD time, and their community posts and replies (unless you keep posts above). It cannot be undone."</p>
            <p>"Kept, so you can tell them: lines saying who opened their entries and when (no content), feedback they gave to others, the sessions they organised, and one line in the log below with the numbers erased."</p>
            {if has_closed {
                view! {
                    <ErrorSummary error=erase_error/>
                    <ActionForm action=erase>
                        <SelectField name="user_id" label="Person (deactivated accounts)" options=people selected=first/>
                        <Checkbox name="confirm" label="I understand that this person's records will be erased and cannot be brought back" checked=false/>
                        <Button busy=erase.pending() kind=ButtonKind::Warning>"Erase records"</Button>
                    </ActionForm>
                }.into_any()
            } else {
                view! { <p class="muted">"Nobody's account is deactivated, so there is nothing to erase."</p> }.into_any()
            }}
        </section>

        <section aria-labelledby="notice-heading" class="card">
            <h2 id="notice-heading" class="card-heading">"Privacy notice"</h2>
            <p>"Shown to everyone in your setting at "<a href="/privacy">"Privacy"</a>", linked from every page and the join page. Leave it empty to show Tandem's notice. Blank lines start new paragraphs; lines starting with “## ” are headings and “- ” are list items."</p>
            <ErrorSummary error=notice_error/>
            <ActionForm action=notice>
                <TextArea name="notice" label="Your setting's privacy notice" value=o.notice rows=12 error=field_error(notice_error, "notice")/>
                <Button busy=notice.pending()>"Save privacy notice"</Button>
            </ActionForm>
        </section>

        <section aria-labelledby="log-heading" class="card">
            <h2 id="log-heading" class="card-heading">"What has been erased"</h2>
            {if o.log.is_empty() {
                view! { <p class="muted">"Nothing yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list">
                        {o.log.into_iter().map(|l| view! {
                            <li>
                                <strong>{local_date(l.at)}</strong>" · "
                                {if l.action == "retention" { "End of the retention period".to_string() } else { format!("Erased on request by {}", l.by.unwrap_or_else(|| "an admin".into())) }}
                                ": "{l.detail}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// Tandem's own notice, shown when the setting has not written one (and before sign-in).
const DEFAULT_NOTICE: &str = "## Who is responsible for your data
Your setting (your school, nursery or college) decides why and how your data in Tandem is used: it is the data controller. Whoever runs this Tandem server does so for your setting.

## What Tandem holds
- Your account: name, email address, role, sector and the setting you belong to.
- Your learning: which sections you opened and completed, time on task, and what you wrote in your learning log, with its earlier versions.
- Review: entries you chose to submit to your SENCo, their feedback, and a record of who opened your entries and when.
- Community: posts, replies and comments you shared, helpful marks, threads you follow and sessions you signed up to.

## Why
To give you continuing professional development and a record of it, and so your SENCo can support you. Your learning log is private until you submit an entry.

## How long
While your account is open, and for a number of years after it is closed (your setting decides; schools commonly keep training records for six years). Then it is erased automatically.

## Your rights
- See everything Tandem holds about you: download \"All my data\" from your learning log at any time.
- Ask for something to be corrected or erased: ask your setting's admin. Erasure removes your learning log, feedback, progress and community writing; a record of who opened your entries (without content) is kept.
- If you are unhappy with how your data is used, tell your setting first. You can also complain to the Information Commissioner's Office (ico.org.uk).";

#[component]
pub fn PrivacyPage() -> impl IntoView {
    let notice = Resource::new(|| (), |_| privacy_notice());
    view! {
        <Title text="Privacy"/>
        <div class="narrow prose">
            <h1 class="page-title">"Privacy notice"</h1>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match notice.await {
                        Ok(n) => {
                            let own = !n.text.trim().is_empty();
                            let intro = match (&n.setting, own) {
                                (Some(s), true) => format!("From {s}{}.", n.updated_at.map(|t| format!(", updated {}", local_date(t))).unwrap_or_default()),
                                (Some(s), false) => format!("{s} has not written its own notice, so this is Tandem's. Records of people who leave are kept for {} years.", n.retention_years),
                                (None, _) => "Tandem's notice. Once you have signed in, this page shows your own setting's notice if it has written one.".to_string(),
                            };
                            let text = if own { n.text } else { DEFAULT_NOTICE.to_string() };
                            view! { <p class="lead">{intro}</p>{blocks(&text)} }.into_any()
                        }
                        Err(e) => view! { <p class="error-text">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

/// A small, safe subset of Markdown: `## ` headings, `- ` lists, paragraphs. Every piece
/// is text, escaped as any text is: an admin cannot put markup on the page.
fn blocks(text: &str) -> impl IntoView {
    let mut out = Vec::new();
    for block in text.split("\n\n").map(str::trim).filter(|b| !b.is_empty()) {
        let mut paragraph: Vec<&str> = Vec::new();
        let mut items: Vec<String> = Vec::new();
        let flush = |paragraph: &mut Vec<&str>, items: &mut Vec<String>, out: &mut Vec<AnyView>| {
            if !paragraph.is_empty() {
                out.push(view! { <p>{paragraph.join(" ")}</p> }.into_any());
                paragraph.clear();
            }
            if !items.is_empty() {
                let list = std::mem::take(items);
                out.push(view! { <ul>{list.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}</ul> }.into_any());
            }
        };
        for line in block.lines().map(str::trim) {
            if let Some(h) = line.strip_prefix("## ") {
                flush(&mut paragraph, &mut items, &mut out);
                out.push(view! { <h2>{h.to_string()}</h2> }.into_any());
            } else if let Some(item) = line.strip_prefix("- ") {
                if !paragraph.is_empty() {
                    flush(&mut paragraph, &mut Vec::new(), &mut out);
                }
                items.push(item.to_string());
            } else {
                if !items.is_empty() {
                    flush(&mut Vec::new(), &mut items, &mut out);
                }
                paragraph.push(line);
            }
        }
        flush(&mut paragraph, &mut items, &mut out);
    }
    out
}
