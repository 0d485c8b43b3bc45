//! Files made for the person asking: their own data (JSON and CSV for portability, the
//! learning log as PDF, the completion certificate), and a SENCo's downloads (progress of
//! every staff member by module, one member's evidence pack, audited). Each handler checks
//! who is asking with the same guard as the server functions, then has `services::exports`
//! build the file.

use app::server::guard::{Asker, Need, SENCO};
use app::server::AppState;
use axum::{
    extract::{Path, Request, State},
    http::{header, StatusCode},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use domain::error::AppError;
use domain::learning_log::ExportData;
use services::exports;
use services::store::review::Access;

/// A refusal as the answer of a download: its status, `Retry-After` when there is one, and
/// its words, never internals. (Server functions get theirs in `router::server_fn`.)
#[derive(Debug)]
pub struct Refused(pub AppError);

impl<E: Into<AppError>> From<E> for Refused {
    fn from(error: E) -> Self {
        Refused(error.into())
    }
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            self.0.to_string(),
        )
            .into_response();
        if let Some(seconds) = self.0.retry_after() {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from_static(seconds),
            );
        }
        response
    }
}

async fn data(state: &AppState, asker: &Asker) -> Result<ExportData, AppError> {
    let me = asker.require(Need::SignedIn)?;
    services::learning_log::export_data(&state.db, &state.course, &me).await
}

/// A PDF download, or if it could not be made a 500 that says so (the cause goes to the log).
/// Made on the blocking pool: shaping and subsetting a long log takes a few tenths of a
/// second, which would stall every other request on an async worker.
async fn pdf_file(
    filename: &str,
    make: impl FnOnce() -> anyhow::Result<Vec<u8>> + Send + 'static,
) -> Response {
    let made = tokio::task::spawn_blocking(make)
        .await
        .unwrap_or_else(|e| Err(anyhow::anyhow!("the PDF task ended: {e}")));
    match made {
        Ok(pdf) => download("application/pdf", filename, pdf),
        Err(e) => {
            tracing::error!("making {filename}: {e:#}");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The PDF could not be made. Please try again later.",
            )
                .into_response()
        }
    }
}

fn download(content_type: &'static str, filename: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        body,
    )
        .into_response()
}

/// Everything Tandem holds about the person asking (a subject access request answered at
/// once): their learning log as in the other downloads, and beside it their account, who
/// read their entries, the feedback they gave, their community writing and sessions.
pub async fn json(State(state): State<AppState>, asker: Asker) -> Result<Response, Refused> {
    #[derive(serde::Serialize)]
    struct MyData {
        about: &'static str,
        #[serde(flatten)]
        log: ExportData,
        #[serde(flatten)]
        held: services::store::data_protection::Held,
    }
    let me = asker.require(Need::SignedIn)?;
    let log = data(&state, &asker).await?;
    let held = services::store::data_protection::held(&state.db, me.id).await?;
    let mine = MyData {
        about: "Everything Tandem holds about you. Times are seconds since 1 January 1970 (UTC). audit_about_you lists who opened your entries and when; feedback is inside each entry.",
        log,
        held,
    };
    let body = serde_json::to_vec_pretty(&mine).map_err(|_| AppError::Internal)?;
    Ok(download("application/json", "tandem-my-data.json", body))
}

pub async fn csv_download(
    State(state): State<AppState>,
    asker: Asker,
) -> Result<Response, Refused> {
    let d = data(&state, &asker).await?;
    Ok(download(
        "text/csv; charset=utf-8",
        "tandem-my-data.csv",
        exports::csv(&d).into_bytes(),
    ))
}

pub async fn pdf_download(
    State(state): State<AppState>,
    asker: Asker,
) -> Result<Response, Refused> {
    let d = data(&state, &asker).await?;
    Ok(pdf_file("tandem-learning-log.pdf", move || {
        exports::learning_log_pdf(&d)
    })
    .await)
}

pub async fn certificate_download(
    State(state): State<AppState>,
    asker: Asker,
) -> Result<Response, Refused> {
    let d = data(&state, &asker).await?;
    if d.course_complete() {
        return Ok(pdf_file("tandem-certificate.pdf", move || {
            exports::certificate_pdf(&d)
        })
        .await);
    }
    Ok((
        StatusCode::CONFLICT,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!(
            "Your certificate is ready once every section of every module is complete. So far {} of {} sections are complete.",
            d.sections_complete, d.sections_total
        ),
    )
        .into_response())
}

/// A download asked for by someone not signed in (a bookmarked link, a session that
/// ended) goes to the sign-in page, and back to the page the download is on afterwards.
pub async fn sign_in_first(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    if response.status() != StatusCode::UNAUTHORIZED {
        return response;
    }
    let back = path.rsplit_once('/').map_or("/", |(page, _)| page);
    Redirect::to(&format!("/sign-in?next={back}")).into_response()
}

pub async fn progress_download(
    State(state): State<AppState>,
    asker: Asker,
) -> Result<Response, Refused> {
    let me = asker.require(SENCO)?;
    let (mut rows, _) =
        services::staff::dashboard_rows(&state.db, &state.course, me.setting_id).await?;
    domain::staff::sort(&mut rows, domain::staff::SortBy::Name, false);
    let titles: Vec<String> = state
        .course
        .modules
        .iter()
        .map(|m| m.title.clone())
        .collect();
    Ok(download(
        "text/csv; charset=utf-8",
        "tandem-staff-progress.csv",
        exports::progress_csv(&rows, &titles, &me.zone).into_bytes(),
    ))
}

pub async fn evidence_download(
    State(state): State<AppState>,
    asker: Asker,
    Path(id): Path<i64>,
) -> Result<Response, Refused> {
    let me = asker.require(SENCO)?;
    let view =
        services::staff::member_view(&state.db, &state.course, &me, id, Access::ExportedEvidence)
            .await?;
    let now = services::store::now();
    let filename = format!("tandem-evidence-{}.pdf", view.row.id);
    Ok(pdf_file(&filename, move || {
        exports::evidence_pdf(&view.row, &me.setting_name, &view.submitted, now, &me.zone)
    })
    .await)
}
