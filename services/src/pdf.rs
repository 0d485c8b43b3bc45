//! The PDFs Tandem makes (learning log, certificate, evidence pack): A4 pages of wrapped
//! text in Noto Sans, embedded as subsets so that every name prints (Łukasz, Nguyễn,
//! Greek and Cyrillic quotations), and tagged as PDF/UA-1 so that a screen reader reads the
//! title, headings and paragraphs in order. krilla writes the file; this module lays out.

use anyhow::{anyhow, Context};
use krilla::configure::{Accessibility, ConfigurationBuilder, ValidationError, Validator};
use krilla::destination::XyzDestination;
use krilla::error::KrillaError;
use krilla::geom::Point;
use krilla::metadata::Metadata;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, SpanTag, Tag, TagGroup, TagKind, TagTree,
};
use krilla::text::{Font, TextDirection};
use krilla::SerializeSettings;
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, GlyphId, MetadataProvider};
use std::num::NonZeroU16;

/// Noto Sans covers Latin (with Vietnamese), Greek and Cyrillic. SIL OFL: see fonts/OFL.txt.
static REGULAR: &[u8] = include_bytes!("../fonts/NotoSans-Regular.ttf");
static BOLD: &[u8] = include_bytes!("../fonts/NotoSans-Bold.ttf");

const LANGUAGE: &str = "en-GB";

/// What a block is to a screen reader: the title (H1), a heading (H2, H3) or a paragraph.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Role {
    Heading(u16),
    Paragraph,
}

/// A block's look (bold or regular, size in points) and its role.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    bold: bool,
    size: f32,
    role: Role,
}

pub const TITLE: Style = Style {
    bold: true,
    size: 20.0,
    role: Role::Heading(1),
};
pub const HEADING: Style = Style {
    bold: true,
    size: 13.0,
    role: Role::Heading(2),
};
/// Looks like `HEADING`, one level below it (an entry's question under "Entries").
pub const SUBHEADING: Style = Style {
    role: Role::Heading(3),
    ..HEADING
};
/// Looks like `HEADING` but is read as a paragraph (the certificate's statements).
pub const LEAD: Style = Style {
    role: Role::Paragraph,
    ..HEADING
};
pub const BODY: Style = Style {
    bold: false,
    size: 11.0,
    role: Role::Paragraph,
};
pub const SMALL: Style = Style {
    bold: false,
    size: 9.5,
    role: Role::Paragraph,
};

const WIDTH: f32 = 595.0;
const HEIGHT: f32 = 842.0;
const MARGIN: f32 = 56.0;
const FOOTER_SIZE: f32 = 9.0;

/// One face, for drawing (krilla) and for measuring (skrifa, which krilla reads fonts with).
struct Face {
    font: Font,
    charmap: skrifa::charmap::Charmap<'static>,
    /// Advances at a size of one point, so in ems.
    metrics: GlyphMetrics<'static>,
}

impl Face {
    fn load(data: &'static [u8]) -> anyhow::Result<Self> {
        let font = Font::new(data.into(), 0).context("krilla cannot read the bundled font")?;
        let font_ref = FontRef::new(data).context("skrifa cannot read the bundled font")?;
        Ok(Face {
            font,
            charmap: font_ref.charmap(),
            metrics: font_ref.glyph_metrics(Size::new(1.0), LocationRef::default()),
        })
    }

    /// The width of `text` at `size` points: the sum of its glyphs' advances, which is what
    /// krilla sets unless kerning or ligatures narrow it a little.
    fn width(&self, text: &str, size: f32) -> f32 {
        let ems: f32 = text
            .chars()
            .map(|c| {
                let glyph = self.charmap.map(c).unwrap_or(GlyphId::NOTDEF);
                self.metrics.advance_width(glyph).unwrap_or(0.0)
            })
            .sum();
        ems * size
    }
}

/// A line of text set on a page, and the block it belongs to.
struct Line {
    text: String,
    style: Style,
    /// The baseline, in points from the top of the page.
    y: f32,
    block: usize,
}

/// A paragraph or heading: a group in the tag tree. A heading's text is its title there
/// and in the outline (bookmarks).
struct Block {
    style: Style,
    /// Headings only.
    text: String,
    page: usize,
    y: f32,
}

pub struct Document {
    title: String,
    regular: Face,
    bold: Face,
    pages: Vec<Vec<Line>>,
    blocks: Vec<Block>,
    /// The distance of the next line's top from the top of the page.
    y: f32,
}

/// Whether to hold the file to PDF/UA-1 (the default), or, when the text has a character
/// the font lacks, to write it tagged all the same rather than fail the download.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Conformance {
    Ua1,
    Tagged,
}

impl Document {
    pub fn new(title: &str) -> anyhow::Result<Self> {
        Ok(Document {
            title: clean(title),
            regular: Face::load(REGULAR)?,
            bold: Face::load(BOLD)?,
            pages: vec![vec![]],
            blocks: vec![],
            y: MARGIN,
        })
    }

    fn face(&self, style: Style) -> &Face {
        if style.bold {
            &self.bold
        } else {
            &self.regular
        }
    }

    /// Adds text wrapped to the page width, starting a new page when needed. For a screen
    /// reader each of its lines (split at '\n') is a paragraph; a heading stays one heading.
    pub fn paragraph(&mut self, text: &str, style: Style) {
        let leading = style.size * 1.4;
        let text = text.replace('\t', " ");
        let mut block = None;
        for raw_line in text.split('\n') {
            let raw_line = clean(raw_line);
            if style.role == Role::Paragraph {
                block = None;
            }
            for line in wrap(self.face(style), &raw_line, style.size) {
                if self.y + leading > HEIGHT - MARGIN {
                    self.new_page();
                }
                self.y += leading;
                if line.is_empty() {
                    continue;
                }
                let index = *block.get_or_insert_with(|| {
                    self.blocks.push(Block {
                        style,
                        text: String::new(),
                        page: self.pages.len() - 1,
                        y: self.y - leading,
                    });
                    self.blocks.len() - 1
                });
                if style.role != Role::Paragraph {
                    let heading = &mut self.blocks[index].text;
                    if !heading.is_empty() {
                        heading.push(' ');
                    }
                    heading.push_str(line.trim_end());
                }
                if let Some(page) = self.pages.last_mut() {
                    page.push(Line {
                        text: line,
                        style,
                        y: self.y,
                        block: index,
                    });
                }
            }
        }
        self.y += style.size * 0.5;
    }

    pub fn space(&mut self, points: f32) {
        self.y += points;
    }

    fn new_page(&mut self) {
        self.pages.push(vec![]);
        self.y = MARGIN;
    }

    /// The PDF: PDF/UA-1, or merely tagged when the text needs a glyph the font lacks.
    pub fn finish(self) -> anyhow::Result<Vec<u8>> {
        match self.render(Conformance::Ua1) {
            Err(KrillaError::Validation(errors)) => {
                // Counts only: the errors quote the text, which is personal.
                let lacking = errors
                    .iter()
                    .filter(|(e, _)| matches!(e, ValidationError::ContainsNotDefGlyph(..)))
                    .count();
                tracing::warn!(
                    "a PDF is not PDF/UA-1 ({lacking} characters the font lacks, {} other problems); written tagged only",
                    errors.len() - lacking
                );
                self.render(Conformance::Tagged)
                    .map_err(|e| anyhow!("writing the PDF: {e}"))
            }
            made => made.map_err(|e| anyhow!("writing the PDF: {e}")),
        }
    }

    fn render(&self, conformance: Conformance) -> Result<Vec<u8>, KrillaError> {
        let mut configuration = ConfigurationBuilder::new();
        if conformance == Conformance::Ua1 {
            configuration = configuration.set_validator(Validator::Ua(Accessibility::UA1));
        }
        let settings = SerializeSettings {
            // The builder only fails for clashing validators; with one there is no clash.
            configuration: configuration.finish().unwrap_or_default(),
            enable_tagging: true,
            ..SerializeSettings::default()
        };
        let mut pdf = krilla::Document::new_with(settings);
        pdf.set_metadata(
            Metadata::new()
                .title(self.title.clone())
                .language(LANGUAGE.into())
                .creator("Tandem".into()),
        );
        let mut groups: Vec<TagGroup> = self.blocks.iter().map(|b| TagGroup::new(tag(b))).collect();
        let count = self.pages.len();
        // A4 always has a valid size, so `from_wh` is never None.
        let settings = PageSettings::from_wh(WIDTH, HEIGHT).unwrap_or_default();
        for (i, lines) in self.pages.iter().enumerate() {
            let mut page = pdf.start_page_with(settings.clone());
            let mut surface = page.surface();
            for line in lines {
                let id = surface.start_tagged(ContentTag::Span(SpanTag::empty()));
                surface.draw_text(
                    Point::from_xy(MARGIN, line.y),
                    self.face(line.style).font.clone(),
                    line.style.size,
                    &line.text,
                    false,
                    TextDirection::Auto,
                );
                surface.end_tagged();
                groups[line.block].push(id);
            }
            // The page number is furniture, not content: an artifact, outside the tag tree.
            surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(
                ArtifactType::PageNumber,
            )));
            surface.draw_text(
                Point::from_xy(MARGIN, HEIGHT - 30.0),
                self.regular.font.clone(),
                FOOTER_SIZE,
                &format!("Page {} of {count}", i + 1),
                false,
                TextDirection::Auto,
            );
            surface.end_tagged();
            surface.finish();
            page.finish();
        }
        let mut tree = TagTree::new().with_lang(Some(LANGUAGE.into()));
        for group in groups {
            tree.push(group);
        }
        pdf.set_tag_tree(tree);
        pdf.set_outline(self.outline());
        pdf.finish()
    }

    /// Bookmarks for the headings, nested by level (PDF/UA-1 asks for an outline).
    fn outline(&self) -> Outline {
        fn close(open: &mut Vec<(u16, OutlineNode)>, outline: &mut Outline) {
            if let Some((_, node)) = open.pop() {
                match open.last_mut() {
                    Some((_, parent)) => parent.push_child(node),
                    None => outline.push_child(node),
                }
            }
        }
        let mut outline = Outline::new();
        let mut open: Vec<(u16, OutlineNode)> = vec![];
        for block in &self.blocks {
            let Role::Heading(level) = block.style.role else {
                continue;
            };
            while open.last().is_some_and(|(l, _)| *l >= level) {
                close(&mut open, &mut outline);
            }
            let to = XyzDestination::new(block.page, Point::from_xy(MARGIN, block.y));
            open.push((level, OutlineNode::new(block.text.clone(), to)));
        }
        while !open.is_empty() {
            close(&mut open, &mut outline);
        }
        outline
    }
}

fn tag(block: &Block) -> TagKind {
    match block.style.role {
        Role::Heading(level) => Tag::Hn(
            NonZeroU16::new(level).unwrap_or(NonZeroU16::MIN),
            Some(block.text.clone()),
        )
        .into(),
        Role::Paragraph => Tag::P.into(),
    }
}

/// Text without the characters a PDF cannot carry as text (controls, byte order marks);
/// PDF/UA-1 refuses a file with them.
fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() && !matches!(c, '\u{feff}' | '\u{fffe}' | '\u{ffff}'))
        .collect()
}

/// Greedy word wrap to the text width. A word wider than the line is broken between
/// characters. Every line but the last keeps the space it was broken at, so that a
/// screen reader or a copy of the text keeps the word boundary.
fn wrap(face: &Face, text: &str, size: f32) -> Vec<String> {
    let max = WIDTH - 2.0 * MARGIN;
    let mut lines = vec![];
    let mut line = String::new();
    for word in text.split(' ') {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if face.width(&candidate, size) <= max {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            line.push(' ');
            lines.push(std::mem::take(&mut line));
        }
        for c in word.chars() {
            line.push(c);
            if face.width(&line, size) > max && line.chars().count() > 1 {
                line.pop();
                lines.push(std::mem::replace(&mut line, c.to_string()));
            }
        }
    }
    lines.push(line);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn long_document() -> Document {
        let mut doc = Document::new("Learning log: Łukasz Wójcik").unwrap();
        doc.paragraph("Learning log: Łukasz Wójcik", TITLE);
        doc.paragraph("Entries", HEADING);
        for i in 0..40 {
            doc.paragraph(&format!("Question {i}: what did you notice?"), SUBHEADING);
            doc.paragraph("A long line of reflection that will need wrapping across the width of an A4 page at eleven points, with Greek (Καλημέρα) and Cyrillic (Доброго ранку).\n\nA second paragraph.", BODY);
        }
        doc
    }

    #[test]
    fn a_document_of_many_pages_is_pdf_ua() {
        let doc = long_document();
        assert!(doc.pages.len() > 3, "{} pages", doc.pages.len());
        let pdf = doc.render(Conformance::Ua1).unwrap();
        assert!(pdf.starts_with(b"%PDF-1.7"));
    }

    #[test]
    fn every_line_fits_within_the_margins() {
        let doc = long_document();
        for line in doc.pages.iter().flatten() {
            let width = doc
                .face(line.style)
                .width(line.text.trim_end(), line.style.size);
            assert!(width <= WIDTH - 2.0 * MARGIN, "{width}: {:?}", line.text);
            assert!(line.y > MARGIN && line.y <= HEIGHT - MARGIN, "{}", line.y);
        }
        let face = Face::load(REGULAR).unwrap();
        let lines = wrap(&face, &format!("{} end", "x".repeat(300)), BODY.size);
        assert!(lines.len() >= 3, "an over-long word is broken: {lines:?}");
        assert!(lines
            .iter()
            .all(|l| face.width(l.trim_end(), BODY.size) <= WIDTH - 2.0 * MARGIN));
        assert_eq!(
            lines.concat().replace(' ', ""),
            format!("{}end", "x".repeat(300))
        );
    }

    #[test]
    fn headings_carry_their_text_and_lines_keep_their_spaces() {
        let doc = long_document();
        let titles: Vec<&str> = doc
            .blocks
            .iter()
            .filter(|b| b.style.role != Role::Paragraph)
            .map(|b| b.text.as_str())
            .collect();
        assert_eq!(
            titles[..3],
            [
                "Learning log: Łukasz Wójcik",
                "Entries",
                "Question 0: what did you notice?"
            ]
        );
        let first = &doc.pages[0][3];
        assert!(first.text.ends_with(' '), "{:?}", first.text);
    }

    #[test]
    fn a_script_the_font_lacks_still_gives_a_tagged_pdf() {
        let mut doc = Document::new("Learning log").unwrap();
        doc.paragraph("Learning log", TITLE);
        doc.paragraph("学习日志 and \u{1f600}", BODY);
        assert!(matches!(
            doc.render(Conformance::Ua1),
            Err(KrillaError::Validation(_))
        ));
        let pdf = doc.finish().unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
    }

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(clean("a\u{0}b\u{7}c\u{feff}d\re"), "abcde");
    }
}
