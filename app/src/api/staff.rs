//! Setting oversight for the SENCo: the staff dashboard, one staff member's page, and the
//! data behind the progress CSV and the evidence pack. Only people of the SENCo's own
//! setting, and only what they submitted.

use domain::error::AppError;
use domain::progress::Status;
pub use domain::staff::{Dashboard, MemberView, SubmittedItem};
#[cfg(feature = "ssr")]
use domain::staff::{SortBy, StaffRow};
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use services::staff::{dashboard_rows, member_view};

#[cfg(feature = "ssr")]
use crate::server::{
    course, db,
    guard::{require, SENCO},
};

#[server(endpoint = "staff/dashboard")]
pub async fn staff_dashboard(
    sector: Option<String>,
    status: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
    page: Option<u32>,
) -> Result<Dashboard, AppError> {
    let me = require(SENCO)?;
    let (db, course) = (db()?, course()?);
    let (all, modules) = dashboard_rows(&db, &course, me.setting_id).await?;
    let staff_total = all.len() as u32;
    let sector = sector.as_deref().and_then(domain::model::Sector::parse);
    let status = status.as_deref().and_then(|s| {
        [Status::NotStarted, Status::InProgress, Status::Complete]
            .into_iter()
            .find(|x| status_key(*x) == s)
    });
    let sort = sort.as_deref().and_then(SortBy::parse).unwrap_or_default();
    let descending = match dir.as_deref() {
        Some("asc") => false,
        Some("desc") => true,
        _ => sort.default_descending(),
    };
    let mut rows: Vec<StaffRow> = all
        .into_iter()
        .filter(|r| domain::staff::keep(r, sector, status))
        .collect();
    domain::staff::sort(&mut rows, sort, descending);
    let matching = rows.len() as u32;
    let (rows, page, pages) =
        domain::staff::page_of(rows, page.unwrap_or(1), domain::staff::PAGE_SIZE);
    Ok(Dashboard {
        setting: me.setting_name,
        staff_total,
        modules,
        rows,
        matching,
        page,
        pages,
        sort,
        descending,
    })
}

/// The query-string value of a status filter.
pub fn status_key(status: Status) -> &'static str {
    match status {
        Status::NotStarted => "not_started",
        Status::InProgress => "in_progress",
        Status::Complete => "complete",
    }
}

/// A staff member's page for their SENCo: progress and submitted entries (never drafts).
/// Every entry shown is written to the audit log.
#[server(endpoint = "staff/member")]
pub async fn staff_member(id: i64) -> Result<MemberView, AppError> {
    let me = require(SENCO)?;
    let (db, course) = (db()?, course()?);
    member_view(
        &db,
        &course,
        &me,
        id,
        services::store::review::Access::Viewed,
    )
    .await
}
