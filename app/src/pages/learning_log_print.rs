//! The printable learning log: clean A4 through the print stylesheet, no navigation.

use super::Restricted;
use crate::api::learning_log::{log_export, ExportData};
use crate::session::local_date;
use domain::progress::describe_minutes;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn LogPrintPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| log_export());
    view! {
        <Title text="Printable learning log"/>
        <Restricted>
            <Suspense fallback=|| view! { <p>"Preparing your log…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! { <Printable d/> }.into_any(),
                        Err(e) => view! { <p class="error-text">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </Restricted>
    }
}

#[component]
fn Printable(d: ExportData) -> impl IntoView {
    let period = d
        .period
        .map(|(a, b)| format!("{} to {}", local_date(a), local_date(b)))
        .unwrap_or_else(|| "No activity yet".into());
    view! {
        <p class="no-print"><a href="/log">"Back to your learning log"</a>" · Use your browser's Print command to print or save as PDF."</p>
        <article class="printable">
            <h1 class="page-title">{format!("Learning log: {}", d.name)}</h1>
            <dl class="summary-list">
                <dt>"Setting"</dt><dd>{d.setting.clone()}</dd>
                <dt>"Sector"</dt><dd>{d.sector.clone()}</dd>
                <dt>"Period"</dt><dd>{period}</dd>
                <dt>"CPD time"</dt><dd>{format!("{} ({} of {} sections complete)", describe_minutes(d.cpd_minutes), d.sections_complete, d.sections_total)}</dd>
            </dl>
            <p class="muted">{domain::progress::CPD_BASIS}</p>
            <h2 class="section-title">"Modules completed"</h2>
            {if d.modules_completed.is_empty() {
                view! { <p>"None yet."</p> }.into_any()
            } else {
                view! { <ul class="bullets">{d.modules_completed.iter().map(|m| view! { <li>{format!("Module {}: {} — completed {}", m.number, m.title, local_date(m.completed_at))}</li> }).collect_view()}</ul> }.into_any()
            }}
            <h2 class="section-title">"Entries"</h2>
            {d.entries.into_iter().map(|e| view! {
                <section class="print-entry">
                    <h3>{e.question.clone()}</h3>
                    <p class="caption">{format!("{} · {} · {} · {}", e.module, e.section, e.kind.label(), e.status.label())}</p>
                    <p class="pre">{e.body.clone()}</p>
                    {e.feedback.into_iter().map(|f| view! { <p class="feedback-print">{format!("Feedback from {} ({}): {}", f.author, local_date(f.created_at), f.body)}</p> }).collect_view()}
                </section>
            }).collect_view()}
        </article>
    }
}
