//! Setting oversight for the SENCo: the staff dashboard and one staff member's page.

use super::{errors::ProblemPage, Restricted};
use crate::api::staff::{staff_dashboard, staff_member, status_key, Dashboard, MemberView};
use crate::components::*;
use crate::session::local_date;
use domain::model::Role;
use domain::progress::{describe_minutes, Status};
use domain::staff::{ModuleCount, SortBy, StaffRow};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{hooks::use_params_map, params::Params};

const STATUSES: [Status; 3] = [Status::NotStarted, Status::InProgress, Status::Complete];

/// What the staff dashboard's address may hold: filters, the sort and the page.
#[derive(Params, Clone, Default, PartialEq)]
struct DashboardQuery {
    sector: Option<String>,
    status: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
    page: Option<u32>,
}

#[component]
pub fn StaffDashboardPage() -> impl IntoView {
    let query = typed_query::<DashboardQuery>();
    let shown = StoredValue::new((
        query.sector.clone().unwrap_or_default(),
        query.status.clone().unwrap_or_default(),
    ));
    let data = Resource::new(
        move || query.clone(),
        |q| staff_dashboard(q.sector, q.status, q.sort, q.dir, q.page),
    );
    view! {
        <Title text="Staff progress"/>
        <Restricted roles=&[Role::Senco]>
            <Transition fallback=|| view! { <p>"Loading staff progress…"</p> }>
                {move || {
                    let (sector, status) = shown.get_value();
                    Suspend::new(async move {
                        match data.await {
                            Ok(d) => view! { <DashboardView d sector status/> }.into_any(),
                            Err(e) => view! { <ProblemPage message=e.to_string()/> }.into_any(),
                        }
                    })
                }}
            </Transition>
        </Restricted>
    }
}

#[component]
fn DashboardView(d: Dashboard, sector: String, status: String) -> impl IntoView {
    let first = (d.page - 1) as usize * domain::staff::PAGE_SIZE + 1;
    let shown = if d.rows.is_empty() {
        format!("Showing 0 of {} staff", d.staff_total)
    } else if d.pages == 1 {
        format!("Showing {} of {} staff", d.rows.len(), d.staff_total)
    } else {
        format!(
            "Showing {}–{} of {} matching ({} staff in all), page {} of {}",
            first,
            first + d.rows.len() - 1,
            d.matching,
            d.staff_total,
            d.page,
            d.pages
        )
    };
    let filters = {
        let mut q = vec![];
        if !sector.is_empty() {
            q.push(format!("sector={sector}"));
        }
        if !status.is_empty() {
            q.push(format!("status={status}"));
        }
        q
    };
    view! {
        <h1 class="page-title">"Staff progress"</h1>
        <p class="lead">{format!(
            "How CPD is going across {}: {} {} taking part.",
            d.setting,
            d.staff_total,
            if d.staff_total == 1 { "person" } else { "people" }
        )}</p>
        <p class="export-links">
            <a href="/staff/progress.csv" rel="external" download>"Download progress (CSV)"</a>
            <a href="/review">"Review queue"</a>
        </p>
        <ModuleChart modules=d.modules.clone() staff=d.staff_total/>
        <h2 class="section-title" id="staff-heading">"Staff"</h2>
        <form method="get" action="/staff" class="filters" aria-label="Filter staff">
            <FilterSelect name="sector" label="Sector" any="All sectors" options=sector_options() selected=sector.clone()/>
            <FilterSelect name="status" label="Progress" any="Anyone" selected=status.clone()
                options=STATUSES.iter().map(|s| (status_key(*s).to_string(), s.label().to_string())).collect()/>
            // The column headers sort too; on a phone the table is cards with no headers.
            <FilterSelect name="sort" label="Order" any="Name, A to Z" options=sort_options()
                selected=if d.sort == SortBy::Name { String::new() } else { d.sort.as_str().to_string() }/>
            <button type="submit" class="btn btn-secondary">"Show staff"</button>
        </form>
        <p class="muted" role="status">{shown}</p>
        <div class="table-wrap">
            <table class="table table-stack staff-table" aria-labelledby="staff-heading">
                <thead>
                    <tr>
                        <SortHeader label="Name" by=SortBy::Name sort=d.sort descending=d.descending filters=filters.clone()/>
                        <th scope="col">"Modules"</th>
                        <SortHeader label="Sections complete" by=SortBy::Progress sort=d.sort descending=d.descending filters=filters.clone()/>
                        <SortHeader label="CPD time" by=SortBy::Cpd sort=d.sort descending=d.descending filters=filters.clone()/>
                        <SortHeader label="Last active" by=SortBy::LastActive sort=d.sort descending=d.descending filters=filters.clone()/>
                        <SortHeader label="Awaiting review" by=SortBy::Awaiting sort=d.sort descending=d.descending filters=filters.clone()/>
                    </tr>
                </thead>
                <tbody>
                    {d.rows.into_iter().map(|r| view! { <Row r/> }).collect_view()}
                </tbody>
            </table>
        </div>
        {(d.pages > 1).then(|| {
            let mut query = filters.clone();
            query.push(format!("sort={}", d.sort.as_str()));
            query.push(format!("dir={}", if d.descending { "desc" } else { "asc" }));
            view! { <Pager page=d.page pages=d.pages href=format!("/staff?{}&", query.join("&")) anchor="staff-heading" label="Pages of staff"/> }
        })}
    }
}

/// The orders the filter form offers (name, the default, is its first option), each the way
/// a first click on its column header sorts.
fn sort_options() -> Vec<(String, String)> {
    [
        (SortBy::Progress, "Most sections complete"),
        (SortBy::Cpd, "Most CPD time"),
        (SortBy::LastActive, "Most recently active"),
        (SortBy::Awaiting, "Most waiting for review"),
    ]
    .into_iter()
    .map(|(by, label)| (by.as_str().to_string(), label.to_string()))
    .collect()
}

/// A column header that sorts by its column: a link (so it works before the wasm loads and
/// by keyboard), with `aria-sort` saying how the table is sorted now.
#[component]
fn SortHeader(
    label: &'static str,
    by: SortBy,
    sort: SortBy,
    descending: bool,
    filters: Vec<String>,
) -> impl IntoView {
    let current = sort == by;
    let next_descending = if current {
        !descending
    } else {
        by.default_descending()
    };
    let mut query = filters;
    query.push(format!("sort={}", by.as_str()));
    query.push(format!(
        "dir={}",
        if next_descending { "desc" } else { "asc" }
    ));
    let sorted = current.then_some(if descending {
        "descending"
    } else {
        "ascending"
    });
    let arrow = match sorted {
        Some("descending") => " ▼",
        Some(_) => " ▲",
        None => "",
    };
    view! {
        <th scope="col" aria-sort=sorted>
            <a href=format!("/staff?{}", query.join("&"))>
                {label}<span aria-hidden="true">{arrow}</span>
                <span class="sr-only">{format!(", sort {}", if next_descending { "highest first" } else { "lowest first" })}</span>
            </a>
        </th>
    }
}

#[component]
fn Row(r: StaffRow) -> impl IntoView {
    view! {
        <tr>
            <th scope="row">
                <a href=format!("/staff/{}", r.id)>{r.name.clone()}</a>
                <span class="muted block">{format!("{} · {}", r.role.label(), r.sector.label())}</span>
            </th>
            <td data-label="Modules">
                // Short on purpose: a 500-person setting has 3,000 of these on one page. The
                // module titles are in the chart's table above (M1 is its Module 1).
                <ul class="module-bars" aria-label="Sections complete per module">
                    {r.modules.iter().enumerate().map(|(i, t)| view! {
                        <li>
                            <span class="sr-only">{format!("Module {}: {} of {}", i + 1, t.complete, t.total)}</span>
                            <progress value=t.complete max=t.total.max(1) aria-hidden="true"></progress>
                            <span class="module-bar-label" aria-hidden="true">{format!("M{}", i + 1)}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </td>
            <td data-label="Sections complete">{format!("{} of {}", r.overall.complete, r.overall.total)}<span class="muted block">{r.status.label()}</span></td>
            <td data-label="CPD time">{describe_minutes(r.cpd_minutes)}</td>
            <td data-label="Last active">{r.last_active.map(local_date).unwrap_or_else(|| "Not yet".into())}</td>
            <td data-label="Awaiting review">{r.awaiting_review}</td>
        </tr>
    }
}

/// Module completion across staff as a bar chart drawn on the server (each row says its
/// figures to a screen reader), with the same numbers and each module's title in a table
/// folded under it. The
/// words are HTML, so they stay readable however narrow the screen; each bar is a small
/// SVG stretched to its row (the page's policy allows no inline styles for widths).
#[component]
pub fn ModuleChart(modules: Vec<ModuleCount>, staff: u32) -> impl IntoView {
    let share = |n: u32| format!("{:.2}", 100.0 * n as f32 / staff.max(1) as f32);
    view! {
        <section aria-labelledby="chart-heading" class="card">
            <h2 id="chart-heading" class="card-heading">"Module completion across staff"</h2>
            <div class="chart">
                <ul class="chart-key" aria-hidden="true">
                    <li><span class="chart-swatch chart-complete"></span>"Complete"</li>
                    <li><span class="chart-swatch chart-progress"></span>"In progress"</li>
                </ul>
                {modules.iter().map(|m| {
                    let done = share(m.complete);
                    let going = share(m.in_progress);
                    view! {
                        <div class="chart-row">
                            <span class="chart-label">{format!("Module {}", m.number)}</span>
                            <span class="sr-only">
                                {format!(": {} of {staff} complete, {} in progress.", m.complete, m.in_progress)}
                            </span>
                            <svg class="chart-bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false">
                                <rect width="100" height="10" class="chart-track"></rect>
                                <rect width=done.clone() height="10" class="chart-complete"></rect>
                                <rect x=done width=going height="10" class="chart-progress"></rect>
                            </svg>
                            <span class="chart-figure" aria-hidden="true">{format!("{}/{}", m.complete, staff)}</span>
                        </div>
                    }
                }).collect_view()}
            </div>
            <details class="details">
            <summary>"Each module's figures, with its title"</summary>
            <table class="table table-stack">
                <caption class="sr-only">"Staff who have completed or started each module"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Module"</th>
                        <th scope="col">"Complete"</th>
                        <th scope="col">"In progress"</th>
                        <th scope="col">"Not started"</th>
                    </tr>
                </thead>
                <tbody>
                    {modules.into_iter().map(|m| view! {
                        <tr>
                            <th scope="row">{format!("Module {}: {}", m.number, m.title)}</th>
                            <td data-label="Complete">{m.complete}</td>
                            <td data-label="In progress">{m.in_progress}</td>
                            <td data-label="Not started">{staff.saturating_sub(m.complete + m.in_progress)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            </details>
        </section>
    }
}

#[component]
pub fn StaffMemberPage() -> impl IntoView {
    let params = use_params_map();
    let member = Resource::new(
        move || {
            params.with(|p| {
                p.get("id")
                    .and_then(|id| id.parse::<i64>().ok())
                    .unwrap_or(0)
            })
        },
        staff_member,
    );
    view! {
        <Restricted roles=&[Role::Senco]>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match member.await {
                        Ok(m) => view! { <Member m/> }.into_any(),
                        Err(domain::error::AppError::NotFound(_)) => view! { <super::errors::NotFound/> }.into_any(),
                        Err(e) => view! { <ProblemPage message=e.to_string()/> }.into_any(),
                    }
                })}
            </Transition>
        </Restricted>
    }
}

#[component]
fn Member(m: MemberView) -> impl IntoView {
    let r = m.row;
    view! {
        <Title text=r.name.clone()/>
        <nav aria-label="Breadcrumb" class="breadcrumbs">
            <ol>
                <li><a href="/staff">"Staff progress"</a></li>
                <li aria-current="page">{r.name.clone()}</li>
            </ol>
        </nav>
        <h1 class="page-title">{r.name.clone()}</h1>
        <p class="meta">{format!("{} · {} · last active {}", r.role.label(), r.sector.label(), r.last_active.map(local_date).unwrap_or_else(|| "not yet".into()))}</p>
        <p class="export-links">
            <a href=format!("/staff/{}/evidence.pdf", r.id) rel="external" download>"Download evidence pack (PDF)"</a>
        </p>
        <section aria-labelledby="progress-heading" class="card">
            <h2 id="progress-heading" class="card-heading">"Progress"</h2>
            <p>{format!("{} · CPD time {}", r.overall.explain(), describe_minutes(r.cpd_minutes))}</p>
            {r.modules.iter().zip(m.module_titles).enumerate().map(|(i, (t, title))| view! {
                <ProgressBar label=format!("Module {}: {title}", i + 1) value=t.complete max=t.total explanation=t.explain()/>
            }).collect_view()}
        </section>
        <h2 class="section-title">"Submitted entries"</h2>
        <p class="muted">"Only what this person has submitted to you. Their drafts are private."</p>
        {if m.submitted.is_empty() {
            view! { <p>"Nothing submitted yet."</p> }.into_any()
        } else {
            m.submitted.into_iter().map(|e| view! {
                <article class="card">
                    <p class="caption">{format!("Module {}: {} · {} · {}", e.module_number, e.module_title, e.section_title, e.kind.label())}</p>
                    <h3 class="card-heading"><a href=format!("/review/{}", e.id)>{e.question.clone()}</a></h3>
                    <p class="meta"><EntryStatusTag status=e.status/><span>{format!("Submitted {}", local_date(e.submitted_at))}</span></p>
                    <p class="pre">{e.body.clone()}</p>
                    <details>
                        <summary>{format!("Feedback ({})", e.feedback.len())}</summary>
                        <FeedbackThread feedback=e.feedback.clone() empty="No feedback yet." nested=true/>
                    </details>
                </article>
            }).collect_view().into_any()
        }}
    }
}
