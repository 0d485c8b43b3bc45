//! A small PDF writer for the learning log and the certificate: A4 pages of wrapped text
//! in the standard Helvetica fonts (no font files, no headless browser). Text streams are
//! left uncompressed so the words are searchable and copyable in any viewer.

/// A line style: regular or bold, and a size in points.
#[derive(Clone, Copy)]
pub struct Style {
    pub bold: bool,
    pub size: f32,
}

pub const TITLE: Style = Style {
    bold: true,
    size: 20.0,
};
pub const HEADING: Style = Style {
    bold: true,
    size: 13.0,
};
pub const BODY: Style = Style {
    bold: false,
    size: 11.0,
};
pub const SMALL: Style = Style {
    bold: false,
    size: 9.5,
};

const WIDTH: f32 = 595.0;
const HEIGHT: f32 = 842.0;
const MARGIN: f32 = 56.0;

pub struct Document {
    title: String,
    pages: Vec<String>,
    current: String,
    y: f32,
}

impl Document {
    pub fn new(title: &str) -> Self {
        Document {
            title: title.to_string(),
            pages: vec![],
            current: String::new(),
            y: HEIGHT - MARGIN,
        }
    }

    /// Adds a paragraph, wrapped to the page width, starting a new page when needed.
    pub fn paragraph(&mut self, text: &str, style: Style) {
        let leading = style.size * 1.4;
        for raw_line in text.split('\n') {
            for line in wrap(raw_line, style) {
                if self.y - leading < MARGIN {
                    self.new_page();
                }
                self.y -= leading;
                let font = if style.bold { "F2" } else { "F1" };
                self.current.push_str(&format!(
                    "BT /{font} {} Tf {MARGIN} {:.1} Td ({}) Tj ET\n",
                    style.size,
                    self.y,
                    escape(&line)
                ));
            }
        }
        self.y -= style.size * 0.5;
    }

    pub fn space(&mut self, points: f32) {
        self.y -= points;
    }

    pub fn new_page(&mut self) {
        self.pages.push(std::mem::take(&mut self.current));
        self.y = HEIGHT - MARGIN;
    }

    pub fn finish(mut self) -> Vec<u8> {
        if !self.current.is_empty() || self.pages.is_empty() {
            self.pages.push(std::mem::take(&mut self.current));
        }
        let n = self.pages.len();
        // Objects: 1 catalog, 2 pages, 3 regular font, 4 bold font, 5 info, then a page and
        // its content stream for each page.
        let mut objects: Vec<String> = vec![
            "<< /Type /Catalog /Pages 2 0 R /Lang (en-GB) /ViewerPreferences << /DisplayDocTitle true >> >>".into(),
            format!("<< /Type /Pages /Count {n} /Kids [{}] >>", (0..n).map(|i| format!("{} 0 R", 6 + 2 * i)).collect::<Vec<_>>().join(" ")),
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".into(),
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>".into(),
            format!("<< /Title ({}) /Producer (Tandem) >>", escape(&self.title)),
        ];
        for (i, content) in self.pages.iter().enumerate() {
            objects.push(format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {WIDTH} {HEIGHT}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
                7 + 2 * i
            ));
            let footer = format!("BT /F1 9 Tf {MARGIN} 30 Td (Page {} of {n}) Tj ET\n", i + 1);
            let stream = format!("{content}{footer}");
            objects.push(format!(
                "<< /Length {} >>\nstream\n{stream}endstream",
                latin1(&stream).len()
            ));
        }
        let mut out: Vec<u8> = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
        let mut offsets = vec![];
        for (i, object) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend_from_slice(&latin1(object));
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        out.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
        );
        for offset in offsets {
            out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .as_bytes(),
        );
        out
    }
}

/// Approximate Helvetica widths (in thousandths of the size) for line breaking.
fn char_width(c: char, bold: bool) -> f32 {
    let w = match c {
        'i' | 'j' | 'l' | '\'' | '.' | ',' | ':' | ';' | '!' | '|' => 250.0,
        'f' | 't' | 'r' | ' ' | '(' | ')' | '-' | '/' => 320.0,
        'm' | 'w' | 'M' | 'W' | '@' => 850.0,
        'A'..='Z' => 680.0,
        _ => 540.0,
    };
    if bold {
        w * 1.06
    } else {
        w
    }
}

/// Greedy word wrap to the text width.
pub fn wrap(text: &str, style: Style) -> Vec<String> {
    let max = (WIDTH - 2.0 * MARGIN) * 1000.0 / style.size;
    let width = |s: &str| s.chars().map(|c| char_width(c, style.bold)).sum::<f32>();
    let mut lines = vec![];
    let mut line = String::new();
    for word in text.split(' ') {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if width(&candidate) <= max || line.is_empty() {
            line = candidate;
        } else {
            lines.push(std::mem::take(&mut line));
            line = word.to_string();
        }
    }
    lines.push(line);
    lines
}

/// Escapes a string for a PDF literal, mapping typographic characters to WinAnsi.
fn escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '\\' | '(' | ')' => {
                out.push('\\');
                out.push(c);
            }
            '\u{2018}' => out.push('\u{91}'),
            '\u{2019}' => out.push('\u{92}'),
            '\u{201c}' => out.push('\u{93}'),
            '\u{201d}' => out.push('\u{94}'),
            '\u{2013}' => out.push('\u{96}'),
            '\u{2014}' => out.push('\u{97}'),
            '\u{2026}' => out.push('\u{85}'),
            '\t' => out.push(' '),
            c if (c as u32) < 0x20 => {}
            c if (c as u32) <= 0xff => out.push(c),
            _ => out.push('?'),
        }
    }
    out
}

/// Every char here is below 256 after `escape`: write each as one byte.
fn latin1(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| if (c as u32) <= 0xff { c as u8 } else { b'?' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_has_its_text_and_a_valid_cross_reference() {
        let mut doc = Document::new("Learning log");
        doc.paragraph("Visual timetables (with photos) helped – a lot", BODY);
        for _ in 0..80 {
            doc.paragraph("A long line of reflection that will need wrapping across the width of an A4 page at eleven points.", BODY);
        }
        let bytes = doc.finish();
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.starts_with("%PDF-1.4"));
        assert!(text.contains(r"(Visual timetables \(with photos\) helped "));
        assert!(
            text.contains("/Count 3") || text.contains("/Count 4"),
            "several pages"
        );
        // The xref offset points at the xref table.
        let start: usize = text
            .rsplit("startxref\n")
            .next()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(bytes[start..].starts_with(b"xref"));
    }

    #[test]
    fn long_text_wraps_within_the_page() {
        let lines = wrap(&"word ".repeat(100), BODY);
        assert!(lines.len() > 3);
        assert!(lines.iter().all(|l| l.len() < 110));
    }
}
