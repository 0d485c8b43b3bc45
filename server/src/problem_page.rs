//! A refusal made before any page is rendered (the database out of reach, a form from
//! outside Tandem's pages, a form too large), as a browser shows it: a styled page of its
//! own, with a policy that lets its stylesheet load. Bare text under the policy that allows
//! nothing reads as a broken site on a tablet; JSON callers still get plain words.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// The policy of a page with no script: our stylesheet, fonts and icon only.
pub const POLICY: &str = "default-src 'none'; style-src 'self'; font-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// Whether a browser will show the answer as a page: a navigation, or a plain form post
/// (which asks for HTML first). The app's own fetches ask for JSON.
pub fn wants_page(headers: &HeaderMap) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    text("sec-fetch-mode") == Some("navigate")
        || text(header::ACCEPT.as_str()).is_some_and(|a| a.starts_with("text/html"))
}

/// `words` as a page when a browser will show it, plain text otherwise.
pub fn refusal(
    headers: &HeaderMap,
    build: &str,
    status: StatusCode,
    title: &str,
    words: &str,
) -> Response {
    if !wants_page(headers) {
        return (status, words.to_string()).into_response();
    }
    let mut response = (status, page(build, title, words)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(POLICY),
    );
    response
}

fn page(build: &str, title: &str, words: &str) -> String {
    let (build, title, words) = (escape(build), escape(title), escape(words));
    format!(
        r##"<!DOCTYPE html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title} – Tandem</title>
  <link rel="stylesheet" href="/pkg/tandem.css?v={build}">
  <link rel="icon" href="/favicon.svg" type="image/svg+xml">
</head>
<body>
  <a href="#main-content" class="skip-link">Skip to main content</a>
  <header class="site-header">
    <div class="site-header-inner">
      <a href="/" class="site-name"><span aria-hidden="true" class="site-logo">◆</span>Tandem<span class="sr-only"> – home</span></a>
    </div>
  </header>
  <main id="main-content" class="site-main" tabindex="-1">
    <h1 class="page-title">{title}</h1>
    <p class="lead">{words}</p>
    <p><a href="/">Go to your home page</a></p>
  </main>
</body>
</html>
"##
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asking(accept: &str, mode: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(accept).unwrap());
        if let Some(mode) = mode {
            headers.insert("sec-fetch-mode", HeaderValue::from_str(mode).unwrap());
        }
        headers
    }

    #[tokio::test]
    async fn a_browser_gets_a_styled_page_and_the_app_plain_words() {
        let page = refusal(
            &asking("text/html,application/xhtml+xml", Some("navigate")),
            "b1",
            StatusCode::SERVICE_UNAVAILABLE,
            "Tandem is busy",
            "Try again <soon>.",
        );
        assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(page.headers()[header::CONTENT_SECURITY_POLICY], POLICY);
        assert!(page.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        let body = axum::body::to_bytes(page.into_body(), 1 << 16)
            .await
            .unwrap();
        let body = String::from_utf8(body.to_vec()).unwrap();
        assert!(body.contains(r#"href="/pkg/tandem.css?v=b1""#), "{body}");
        assert!(body.contains("Try again &lt;soon&gt;."), "{body}");

        let plain = refusal(
            &asking("application/json", Some("cors")),
            "b1",
            StatusCode::SERVICE_UNAVAILABLE,
            "Tandem is busy",
            "Try again soon.",
        );
        assert!(plain
            .headers()
            .get(header::CONTENT_SECURITY_POLICY)
            .is_none());
        assert!(plain.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/plain"));
    }
}
