//! `/admin/import`: load a staff list from a spreadsheet; `/admin/import/:id`: what it will
//! change, applying it, and the sheet of invite codes it made.

use super::Restricted;
use crate::api::staff_import::{import_codes, import_preview, ApplyImport, ImportView};
use crate::components::*;
use crate::session::local_date;
use domain::model::Role;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ImportPage() -> impl IntoView {
    // A code from the upload (never text from the address itself).
    let problem = query_value("problem")
        .and_then(|code| domain::staff::import::FileProblem::parse(&code))
        .map(|p| p.message());
    view! {
        <Title text="Import staff"/>
        <Restricted roles=&[Role::Admin]>
            <p class="breadcrumb"><a href="/admin">"Staff and invites"</a></p>
            <h1 class="page-title">"Import staff from a spreadsheet"</h1>
            {problem.clone().map(|p| view! {
                <div class="error-summary" role="alert" tabindex="-1">
                    <h2 class="error-summary-title">"The file cannot be used"</h2>
                    <p>{p}</p>
                </div>
            })}
            <section aria-labelledby="file-heading" class="card">
                <h2 id="file-heading" class="card-heading">"Your staff list"</h2>
                <p>"A CSV file with a header row and one row per person. Columns: name, email, role (practitioner, SENCo or admin) and, if you like, sector (Early Years, School age or Post-16). In Excel, use File → Save As → “CSV UTF-8”."</p>
                <pre class="sample">"name,email,role,sector\nDana Okafor,d.okafor@oakfield.sch.uk,SENCo,School age\nLee Hart,l.hart@oakfield.sch.uk,practitioner,"</pre>
                <p>"You will see what the file changes before anything happens. Importing the same file again changes nothing."</p>
                // A plain multipart form: it works before (or without) the page's code.
                <form method="post" action="/admin/import" enctype="multipart/form-data">
                    <div class="field">
                        <label for="file" class="field-label">"Staff list (CSV file)"</label>
                        <input id="file" name="file" type="file" accept=".csv,text/csv" class="input w-full" required/>
                    </div>
                    <Button>"Upload and preview"</Button>
                </form>
            </section>
        </Restricted>
    }
}

#[component]
pub fn ImportPreviewPage() -> impl IntoView {
    let id = use_params_map()
        .with_untracked(|p| p.get("id"))
        .unwrap_or_default();
    let preview = Resource::new(move || id.clone(), import_preview);
    view! {
        <Title text="Import staff: preview"/>
        <Restricted roles=&[Role::Admin]>
            <p class="breadcrumb"><a href="/admin/import">"Import staff"</a></p>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match preview.await {
                        Ok(v) => view! { <Preview v/> }.into_any(),
                        Err(e) => view! { <h1 class="page-title">"Import staff"</h1><p class="error-text">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </Restricted>
    }
}

#[component]
fn Preview(v: ImportView) -> impl IntoView {
    let apply = ServerAction::<ApplyImport>::new();
    let error = action_error(apply.value());
    let id = v.id.clone();
    let applied = v.applied_at.is_some();
    let summary = if applied {
        format!(
            "Applied {}: {} invited, {} role changes.",
            local_date(v.applied_at.unwrap_or_default()),
            v.invites,
            v.role_changes
        )
    } else {
        format!("{} people in the file: {} new, {} role changes, {} rows that cannot be used. Nothing has changed yet.", v.rows.len() + v.bad.len(), v.invites, v.role_changes, v.bad.len())
    };
    view! {
        <h1 class="page-title">{if applied { "Staff imported" } else { "Check the import" }}</h1>
        <p class="lead">{format!("{}: {summary}", v.file_name)}</p>
        {(!v.bad.is_empty()).then(|| view! {
            <section aria-labelledby="bad-heading" class="card">
                <h2 id="bad-heading" class="card-heading">{format!("Rows that cannot be imported ({})", v.bad.len())}</h2>
                <p>"Correct these in the spreadsheet and upload it again; the rest of the file can be imported now."</p>
                <table class="table table-stack">
                    <thead><tr><th scope="col">"Line"</th><th scope="col">"Row"</th><th scope="col">"Problem"</th></tr></thead>
                    <tbody>
                        {v.bad.iter().map(|b| view! {
                            <tr><td data-label="Line">{b.line}</td><td data-label="Row" class="pre">{b.text.clone()}</td><td data-label="Problem" class="error-text">{b.problem.clone()}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        })}
        <section aria-labelledby="rows-heading" class="card">
            <h2 id="rows-heading" class="card-heading">"People"</h2>
            <table class="table table-stack">
                <thead><tr><th scope="col">"Line"</th><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Role"</th><th scope="col">"What happens"</th></tr></thead>
                <tbody>
                    {v.rows.iter().map(|r| view! {
                        <tr>
                            <td data-label="Line">{r.row.line}</td>
                            <td data-label="Name">{r.row.name.clone()}</td>
                            <td data-label="Email" class="break-anywhere">{r.row.email.clone()}</td>
                            <td data-label="Role">{r.row.role.label()}</td>
                            <td data-label="What happens">{if r.notable { view! { <strong>{r.what.clone()}</strong> }.into_any() } else { view! { <span>{r.what.clone()}</span> }.into_any() }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            {(!applied).then(|| view! {
                <ErrorSummary error/>
                <ActionForm action=apply>
                    <input type="hidden" name="id" value=id.clone()/>
                    <Button busy=apply.pending()>"Import these staff"</Button>
                </ActionForm>
            })}
        </section>
        {applied.then(|| view! { <CodeSheet id=v.id.clone()/> })}
    }
}

/// The invite codes the import made that are still waiting, to print and hand out.
#[component]
fn CodeSheet(id: String) -> impl IntoView {
    let codes = Resource::new(move || id.clone(), import_codes);
    view! {
        <section aria-labelledby="codes-heading" class="card">
            <h2 id="codes-heading" class="card-heading">"Invite codes to hand out"</h2>
            <p>"Each new person creates their account at the Join page with their own code and the email address beside it. If your Tandem sends email, they also get it by email within a minute. Print this page to hand the codes out."</p>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match codes.await {
                        Ok(list) if list.is_empty() => view! { <p>"Everyone invited by this import has joined, or nobody new was in the file."</p> }.into_any(),
                        Ok(list) => view! {
                            <table class="table table-stack">
                                <thead><tr><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Role"</th><th scope="col">"Code"</th><th scope="col">"Use by"</th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|c| view! {
                                        <tr><td>{c.name}</td><td data-label="Email" class="break-anywhere">{c.email}</td><td data-label="Role">{c.role.label()}</td><td data-label="Code"><strong class="invite-code">{c.code}</strong></td><td data-label="Use by">{local_date(c.expires_at)}</td></tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(e) => view! { <p class="error-text">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
