//! Markdown to safe HTML, once, at load time.

use domain::content::ActivityKind;
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
            let (key, fragment) = match dest_url[1..].split_once('#') {
                Some((key, fragment)) => (key, format!("#{fragment}")),
                None => (&dest_url[1..], String::new()),
            };
            let href = domain::content::href_for_key(key)
                .map(|href| href + &fragment)
                .unwrap_or_default();
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
    let clean = ammonia::Builder::default()
        .link_rel(None)
        .clean(&out)
        .to_string();
    scrolling_tables(&clean)
}

/// A table wider than a phone scrolls sideways inside its own region instead of widening
/// the page; the region takes keyboard focus so it can be scrolled without a pointer.
/// Applied to sanitised output, whose `<table>` tags carry no attributes.
fn scrolling_tables(html: &str) -> String {
    html.replace(
        "<table>",
        r#"<div class="table-scroll" role="region" tabindex="0" aria-label="Table (scrolls sideways on a narrow screen)"><table>"#,
    )
    .replace("</table>", "</table></div>")
}

/// Escapes text for use in HTML content or a double-quoted attribute.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A structured activity: a `section` named by its level-3 heading (which says the kind and
/// the time first), its sanitised text, and the model answer, if any, in a closed
/// `details` element so the reader decides before looking. The wrapper is built here from
/// validated values (the id from section keys, the kind from a fixed list, the title
/// escaped); everything written by an author goes through [`render`] and the sanitiser.
pub fn render_activity(
    id: &str,
    kind: ActivityKind,
    minutes: u32,
    title: &str,
    body: &str,
    answer: Option<(&str, &str)>,
) -> String {
    let mut out = format!(
        r#"<section class="activity activity-{kind}" aria-labelledby="{id}"><h3 class="activity-title" id="{id}"><span class="activity-label">{label}, about {minutes} minutes<span class="sr-only">:</span></span> <span class="activity-name">{title}</span></h3>"#,
        kind = kind.as_str(),
        id = escape(id),
        label = kind.label(),
        title = escape(title),
    );
    out.push_str(&render(body));
    if let Some((summary, answer)) = answer {
        out.push_str(&format!(
            r#"<details class="model-answer"><summary>{}</summary><div class="model-answer-body">{}</div></details>"#,
            escape(summary),
            render(answer)
        ));
    }
    out.push_str("</section>");
    out
}

/// The element id of the "What may change" box (one per section at most).
pub const MAY_CHANGE_ID: &str = "what-may-change";

/// The "What may change" box: a titled `aside` with the date it was last reviewed, then its
/// sanitised text. Built, like an activity, from validated values around rendered Markdown.
pub fn render_may_change(reviewed: time::Date, body: &str) -> String {
    let format = time::macros::format_description!("[day padding:none] [month repr:long] [year]");
    let shown = reviewed
        .format(format)
        .unwrap_or_else(|_| reviewed.to_string());
    format!(
        r#"<aside class="may-change" id="{MAY_CHANGE_ID}" aria-labelledby="{MAY_CHANGE_ID}-title"><h3 id="{MAY_CHANGE_ID}-title">What may change</h3><p class="may-change-reviewed">Last reviewed <time datetime="{reviewed}">{shown}</time></p>{}</aside>"#,
        render(body)
    )
}

/// A case study: its sanitised text in a marked box.
pub fn render_case(markdown: &str) -> String {
    format!(r#"<div class="case-study">{}</div>"#, render(markdown))
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
    fn an_activity_is_a_named_section_with_its_answer_folded_away() {
        let html = render_activity(
            "m1-knowledge-activity-1",
            ActivityKind::Scenario,
            10,
            "Stay <in>?",
            "What would you do? <script>x()</script>",
            Some(("Compare with a model answer", "We would *talk* first.")),
        );
        assert!(html.starts_with(
            r#"<section class="activity activity-scenario" aria-labelledby="m1-knowledge-activity-1"><h3 class="activity-title" id="m1-knowledge-activity-1"><span class="activity-label">Scenario, about 10 minutes<span class="sr-only">:</span></span> <span class="activity-name">Stay &lt;in&gt;?</span></h3>"#
        ), "{html}");
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains(r#"<details class="model-answer"><summary>Compare with a model answer</summary><div class="model-answer-body"><p>We would <em>talk</em> first.</p>"#), "{html}");
        assert!(html.ends_with("</section>"));
        assert_eq!(
            render_case("Ava, 3, *likes* stories."),
            r#"<div class="case-study"><p>Ava, 3, <em>likes</em> stories.</p>
</div>"#
        );
    }

    #[test]
    fn a_table_scrolls_in_a_focusable_region_of_its_own() {
        let html = render("| a | b |\n|---|---|\n| 1 | 2 |\n\n<table>raw</table>\n");
        assert!(
            html.starts_with(r#"<div class="table-scroll" role="region" tabindex="0" aria-label="Table (scrolls sideways on a narrow screen)"><table>"#),
            "{html}"
        );
        assert_eq!(
            html.matches("<table>").count(),
            1,
            "raw HTML stays text: {html}"
        );
        assert_eq!(html.matches("</table></div>").count(), 1, "{html}");
    }

    #[test]
    fn words_are_counted_like_a_reader_would() {
        assert_eq!(
            count_words("## A title\n\nIt's a *short* line — with 3 words-ish."),
            10
        );
    }
}
