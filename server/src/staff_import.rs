//! `POST /admin/import`: an admin's staff spreadsheet (a plain multipart form, so it works
//! without the page's code). The file is read and kept; the admin is sent to its preview,
//! where nothing has changed yet.

use app::server::guard::{Asker, ADMIN};
use app::server::AppState;
use axum::{
    extract::{DefaultBodyLimit, Multipart, State},
    response::{IntoResponse, Redirect, Response},
    routing::post,
    Router,
};
use domain::staff::import::{parse, FileProblem, MAX_BYTES};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/import", post(upload))
        // A little over the largest file, for the form's other parts.
        .layer(DefaultBodyLimit::max(MAX_BYTES + 64 * 1024))
}

/// Back to the upload page with the problem's code (the page says the words).
fn back(problem: FileProblem) -> Response {
    Redirect::to(&format!("/admin/import?problem={}", problem.code())).into_response()
}

async fn upload(State(state): State<AppState>, asker: Asker, mut form: Multipart) -> Response {
    let me = match asker.require(ADMIN) {
        Ok(me) => me,
        Err(refused) => return crate::downloads::Refused(refused).into_response(),
    };
    let mut file = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let name = field
                    .file_name()
                    .unwrap_or("staff.csv")
                    .chars()
                    .take(200)
                    .collect::<String>();
                match field.bytes().await {
                    Ok(bytes) => file = Some((name, bytes)),
                    Err(_) => return back(FileProblem::CutShort),
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => return back(FileProblem::CutShort),
        }
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return back(FileProblem::NoFile);
    };
    let parsed = match parse(&bytes) {
        Ok(parsed) => parsed,
        Err(problem) => return back(problem),
    };
    match services::store::staff_import::save(&state.db, me.setting_id, me.id, &name, &parsed).await
    {
        Ok(id) => Redirect::to(&format!("/admin/import/{id}")).into_response(),
        Err(error) => {
            tracing::error!(%error, "saving a staff import failed");
            back(FileProblem::NotSaved)
        }
    }
}
