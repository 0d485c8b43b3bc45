//! Markdown to safe HTML, once, at load time.

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag};

/// Renders CommonMark to HTML, turning `@m2.knowledge` links into page addresses, and
/// passes the result through the ammonia sanitiser (no raw HTML, scripts or styles survive).
pub fn render(markdown: &str) -> String {
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_SMART_PUNCTUATION,
    )
    .map(|event| match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) if dest_url.starts_with('@') => {
            let href = super::href_for_key(&dest_url[1..]).unwrap_or_default();
            Event::Start(Tag::Link {
                link_type,
                dest_url: CowStr::from(href),
                title,
                id,
            })
        }
        // Raw HTML is not part of our format: show it as text rather than dropping words.
        Event::Html(text) | Event::InlineHtml(text) => Event::Text(text),
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, parser);
    ammonia::Builder::default()
        .link_rel(None)
        .clean(&out)
        .to_string()
}

/// Counts words as a reader would: runs of letters or digits.
pub fn count_words(markdown: &str) -> u32 {
    markdown
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_rendered_and_sanitised() {
        let html = render(
            "## Heading\n\nSome *text* and <script>alert(1)</script> [link](@m2.knowledge).",
        );
        assert!(html.contains("<h2>Heading</h2>"));
        assert!(html.contains("<em>text</em>"));
        assert!(!html.contains("<script>"), "{html}");
        assert!(
            html.contains(r#"<a href="/modules/m2/knowledge">link</a>"#),
            "{html}"
        );
    }

    #[test]
    fn words_are_counted_like_a_reader_would() {
        assert_eq!(
            count_words("## A title\n\nIt's a *short* line — with 3 words-ish."),
            10
        );
    }
}
