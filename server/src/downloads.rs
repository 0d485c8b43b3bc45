//! Files made for the person asking: their own data (JSON and CSV for portability, the
//! learning log as PDF, the completion certificate, their CPD plan's summary as PDF), and a
//! SENCo's downloads (progress of every staff member by module, one member's evidence pack,
//! audited). Each handler checks who is asking with the same guard as the server functions,
//! then has `services::exports` build the file; the plan's summary, whose data is the app's
//! (`EndReviewView`), is laid out here with `services::pdf`.

use app::api::check_in::{agreed_label, state_label, EndReviewView};
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

/// The person's own CPD plan on one page, as a PDF to take to an appraisal: what
/// `/plan/summary` shows. Only ever the asker's own (the path names nobody); someone with
/// no plan yet is told so.
pub async fn plan_summary_download(
    State(state): State<AppState>,
    asker: Asker,
) -> Result<Response, Refused> {
    let me = asker.require(Need::SignedIn)?;
    let v = app::api::check_in::end_review_of(&state.db, &state.course, &me).await?;
    let generated = me.zone.date(services::store::now());
    Ok(pdf_file("tandem-cpd-plan.pdf", move || plan_pdf(&v, &generated)).await)
}

/// The summary page's content laid out as a PDF: the plan's standing, each goal with its
/// evidence, the two self-reviews area by area, and each check-in with its answers. In the
/// page's words (`app::api::check_in`'s labels, `domain::self_review`'s).
fn plan_pdf(v: &EndReviewView, generated: &str) -> anyhow::Result<Vec<u8>> {
    use domain::self_review::{rating_label, Area, SelfReview};
    use services::pdf::{self, Document};
    let title = format!("CPD plan: {}", v.owner_name);
    let mut doc = Document::new(&title)?;
    doc.paragraph(&title, pdf::TITLE);
    for line in [
        format!("Setting: {}", v.setting_name),
        format!("Agreed with the SENCo: {}", agreed_label(v.agreed)),
        format!("Check-ins done: {} of {}", v.done(), v.check_ins.len()),
        format!("Generated by Tandem on {generated}"),
    ] {
        doc.paragraph(&line, pdf::BODY);
    }

    doc.space(8.0);
    doc.paragraph("Goals and the evidence for them", pdf::HEADING);
    for (i, g) in v.goals.iter().enumerate() {
        doc.space(6.0);
        doc.paragraph(&format!("Goal {}", i + 1), pdf::SUBHEADING);
        doc.paragraph(&g.goal.words, pdf::BODY);
        if !g.goal.learners.is_empty() {
            doc.paragraph(&format!("For: {}", g.goal.learners), pdf::BODY);
        }
        if !g.modules.is_empty() {
            doc.paragraph(&format!("Linked to {}", g.modules.join("; ")), pdf::SMALL);
        }
        if g.entries.is_empty() {
            doc.paragraph(
                "No answers in the learning log from these modules yet.",
                pdf::BODY,
            );
        } else {
            doc.paragraph("Answered in the learning log:", pdf::BODY);
            for (question, _) in &g.entries {
                doc.paragraph(&format!("• {question}"), pdf::BODY);
            }
        }
    }

    doc.space(8.0);
    doc.paragraph("Self-review", pdf::HEADING);
    // Her rating, then her words (if any) as a paragraph of their own.
    let answer = |doc: &mut Document, review: &Option<SelfReview>, area: Area, when: &str| {
        let found = review
            .as_ref()
            .and_then(|r| r.answers.iter().find(|a| a.area == area));
        match found {
            Some(a) => {
                doc.paragraph(&format!("{when}: {}", rating_label(a.rating)), pdf::BODY);
                if !a.words.trim().is_empty() {
                    doc.paragraph(a.words.trim(), pdf::BODY);
                }
            }
            None => doc.paragraph(&format!("{when}: Not written yet"), pdf::BODY),
        }
    };
    for area in Area::ALL {
        doc.space(6.0);
        doc.paragraph(area.title(), pdf::SUBHEADING);
        answer(&mut doc, &v.start, area, "At the start");
        answer(&mut doc, &v.end, area, "Two terms on");
    }

    doc.space(8.0);
    doc.paragraph("Check-ins", pdf::HEADING);
    for c in &v.check_ins {
        doc.space(6.0);
        doc.paragraph(
            &format!("Check-in {}: {}", c.number, c.name),
            pdf::SUBHEADING,
        );
        let mut answers = v
            .answers
            .iter()
            .filter(|(n, _, _)| *n == c.number)
            .peekable();
        if answers.peek().is_none() {
            doc.paragraph(&state_label(c.state, &c.due, &c.dates), pdf::BODY);
        }
        for (_, question, words) in answers {
            doc.paragraph(question, pdf::SMALL);
            doc.paragraph(words, pdf::BODY);
        }
    }
    doc.finish()
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
