//! Downloads of a person's own data: JSON and CSV (portability), the learning log as PDF
//! and the completion certificate.

use crate::pdf::{self, Document};
use app::api::log::{export_data, ExportData};
use app::model::format_date;
use app::progress::describe_minutes;
use app::server::{guard::Viewer, AppState};
use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Redirect, Response},
    Extension,
};

async fn data(state: &AppState, viewer: &Viewer) -> Result<ExportData, Response> {
    let Some(me) = &viewer.me else {
        return Err(Redirect::to("/sign-in?next=/log").into_response());
    };
    export_data(&state.db, &state.course, me)
        .await
        .map_err(refused)
}

/// An error as a download's answer: its status and its words, never internals.
pub(crate) fn refused(e: app::error::AppError) -> Response {
    (
        StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        e.to_string(),
    )
        .into_response()
}

/// A PDF download, or if it could not be made a 500 that says so (the cause goes to the log).
/// Made on the blocking pool: shaping and subsetting a long log takes a few tenths of a
/// second, which would stall every other request on an async worker.
pub(crate) async fn pdf_file(
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

pub(crate) fn download(content_type: &'static str, filename: &str, body: Vec<u8>) -> Response {
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

pub async fn json(State(state): State<AppState>, Extension(viewer): Extension<Viewer>) -> Response {
    match data(&state, &viewer).await {
        Ok(d) => download(
            "application/json",
            "tandem-my-data.json",
            serde_json::to_vec_pretty(&d).unwrap_or_default(),
        ),
        Err(r) => r,
    }
}

/// One CSV cell: quotes doubled, and text a spreadsheet would run as a formula prefixed
/// with an apostrophe (OWASP's list: a leading tab or carriage return counts too).
pub(crate) fn cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// One row per entry.
pub fn csv(d: &ExportData) -> String {
    let mut out = String::from(
        "module,section,kind,question,answer,status,created,last_changed,submitted,feedback\r\n",
    );
    for e in &d.entries {
        let feedback = e
            .feedback
            .iter()
            .map(|f| format!("{}: {}", f.author, f.body))
            .collect::<Vec<_>>()
            .join(" | ");
        let row = [
            e.module.clone(),
            e.section.clone(),
            e.kind.label().to_string(),
            e.question.clone(),
            e.body.clone(),
            e.status.label().to_string(),
            format_date(e.created_at),
            format_date(e.updated_at),
            e.submitted_at.map(format_date).unwrap_or_default(),
            feedback,
        ];
        out.push_str(&row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

pub async fn csv_download(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Response {
    match data(&state, &viewer).await {
        Ok(d) => download(
            "text/csv; charset=utf-8",
            "tandem-my-data.csv",
            csv(&d).into_bytes(),
        ),
        Err(r) => r,
    }
}

pub fn learning_log_pdf(d: &ExportData) -> anyhow::Result<Vec<u8>> {
    let mut doc = Document::new(&format!("Learning log: {}", d.name))?;
    doc.paragraph(&format!("Learning log: {}", d.name), pdf::TITLE);
    let period = d
        .period
        .map(|(a, b)| format!("{} to {}", format_date(a), format_date(b)))
        .unwrap_or_else(|| "no activity yet".into());
    for line in [
        format!("Setting: {} ({})", d.setting, d.sector),
        format!("Period: {period}"),
        format!(
            "CPD time: {} ({} of {} sections complete)",
            describe_minutes(d.cpd_minutes),
            d.sections_complete,
            d.sections_total
        ),
        app::progress::CPD_BASIS.to_string(),
        format!("Generated by Tandem on {}", format_date(d.generated_at)),
    ] {
        doc.paragraph(&line, pdf::BODY);
    }
    doc.space(8.0);
    doc.paragraph("Modules completed", pdf::HEADING);
    if d.modules_completed.is_empty() {
        doc.paragraph("None yet.", pdf::BODY);
    }
    for m in &d.modules_completed {
        doc.paragraph(
            &format!(
                "Module {}: {} (completed {})",
                m.number,
                m.title,
                format_date(m.completed_at)
            ),
            pdf::BODY,
        );
    }
    doc.space(8.0);
    doc.paragraph("Entries", pdf::HEADING);
    if d.entries.is_empty() {
        doc.paragraph("No entries yet.", pdf::BODY);
    }
    for e in &d.entries {
        doc.space(6.0);
        doc.paragraph(&e.question, pdf::SUBHEADING);
        doc.paragraph(
            &format!(
                "{} · {} · {} · {} · last changed {}",
                e.module,
                e.section,
                e.kind.label(),
                e.status.label(),
                format_date(e.updated_at)
            ),
            pdf::SMALL,
        );
        doc.paragraph(&e.body, pdf::BODY);
        for f in &e.feedback {
            doc.paragraph(
                &format!(
                    "Feedback from {} ({}): {}",
                    f.author,
                    format_date(f.created_at),
                    f.body
                ),
                pdf::BODY,
            );
        }
    }
    doc.finish()
}

pub async fn pdf_download(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Response {
    match data(&state, &viewer).await {
        Ok(d) => pdf_file("tandem-learning-log.pdf", move || learning_log_pdf(&d)).await,
        Err(r) => r,
    }
}

pub fn certificate_pdf(d: &ExportData) -> anyhow::Result<Vec<u8>> {
    let mut doc = Document::new(&format!("Certificate of completion: {}", d.name))?;
    doc.space(120.0);
    doc.paragraph("Certificate of completion", pdf::TITLE);
    doc.space(20.0);
    doc.paragraph(
        &format!("This certifies that {} of {}", d.name, d.setting),
        pdf::LEAD,
    );
    doc.paragraph("has completed all six modules of the Tandem SEND continuing professional development programme:", pdf::BODY);
    for m in &d.modules_completed {
        doc.paragraph(
            &format!(
                "Module {}: {} (completed {})",
                m.number,
                m.title,
                format_date(m.completed_at)
            ),
            pdf::BODY,
        );
    }
    doc.space(12.0);
    doc.paragraph(
        &format!("CPD time: {}", describe_minutes(d.cpd_minutes)),
        pdf::LEAD,
    );
    doc.paragraph(app::progress::CPD_BASIS, pdf::BODY);
    doc.paragraph(
        &format!("Issued on {}", format_date(d.generated_at)),
        pdf::BODY,
    );
    doc.finish()
}

pub async fn certificate_download(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
) -> Response {
    match data(&state, &viewer).await {
        Ok(d) if d.course_complete() => {
            pdf_file("tandem-certificate.pdf", move || certificate_pdf(&d)).await
        }
        Ok(d) => (
            StatusCode::CONFLICT,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!(
                "Your certificate is ready once every section of all six modules is complete. So far {} of {} sections are complete.",
                d.sections_complete, d.sections_total
            ),
        )
            .into_response(),
        Err(r) => r,
    }
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_that_a_spreadsheet_would_run_are_defused() {
        for formula in ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"] {
            assert!(cell(formula).starts_with("\"'"), "{formula:?}");
        }
        assert_eq!(cell("plain \"quoted\""), "\"plain \"\"quoted\"\"\"");
    }
}
