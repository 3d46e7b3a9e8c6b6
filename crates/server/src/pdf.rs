//! The accepted agreement as a PDF: its text, version, the signer and the
//! UTC time of acceptance, labelled in English or Traditional Chinese.
//!
//! Latin text uses the standard Helvetica and Courier fonts with WinAnsi
//! encoding; any other character (Chinese names, for example) uses the
//! standard Traditional Chinese CID font `MSung-Light` with the predefined
//! `UniCNS-UCS2-H` encoding, which every PDF reader supplies, so no font
//! file is embedded. A ToUnicode map keeps all text searchable and copyable.

use pc_api::{Agreement, AgreementAcceptance};
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 56.0;
const BODY_SIZE: f32 = 9.5;
const BODY_LEADING: f32 = 13.0;
/// Courier is monospaced: every WinAnsi glyph is 0.6 em wide.
const COURIER_EM: f32 = 0.6;

const HELVETICA: Name = Name(b"F1");
const HELVETICA_BOLD: Name = Name(b"F2");
const COURIER: Name = Name(b"F3");
const CJK: Name = Name(b"F4");

/// What the document says beside the agreement itself.
pub struct AgreementRecord<'a> {
    pub agreement: &'a Agreement,
    pub acceptance: &'a AgreementAcceptance,
    pub legal_name: &'a str,
    pub mpn_id: &'a str,
    /// `zh-TW` or anything else for English.
    pub locale: &'a str,
}

struct Labels {
    record: &'static str,
    version: &'static str,
    company: &'static str,
    signer: &'static str,
    email: &'static str,
    phone: &'static str,
    accepted_at: &'static str,
    page: fn(usize, usize) -> String,
}

const EN: Labels = Labels {
    record: "Acceptance record",
    version: "Version",
    company: "Company",
    signer: "Accepted by",
    email: "Email",
    phone: "Phone",
    accepted_at: "Accepted at (UTC)",
    page: |n, of| format!("Page {n} of {of}"),
};

const ZH: Labels = Labels {
    record: "接受紀錄",
    version: "版本",
    company: "公司",
    signer: "接受者",
    email: "電子郵件",
    phone: "電話",
    accepted_at: "接受時間（UTC）",
    page: |n, of| format!("第 {n} 頁，共 {of} 頁"),
};

/// `2026-11-25 14:03:07 UTC` for seconds since the Unix epoch.
pub fn utc_time(secs: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(secs)
        .map(|t| {
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            )
        })
        .unwrap_or_else(|_| secs.to_string())
}

/// The WinAnsi byte of a character, if it has one.
fn win_ansi(c: char) -> Option<u8> {
    Some(match c {
        ' '..='~' => c as u8,
        '\u{a0}'..='\u{ff}' => c as u32 as u8,
        '€' => 0x80,
        '‚' => 0x82,
        '„' => 0x84,
        '…' => 0x85,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '™' => 0x99,
        _ => return None,
    })
}

/// Text split into runs: WinAnsi bytes, or UCS-2 for the CJK font.
fn runs(text: &str) -> Vec<(bool, Vec<u8>)> {
    let mut out: Vec<(bool, Vec<u8>)> = vec![];
    for c in text.chars() {
        let c = if c.is_control() { ' ' } else { c };
        let (cjk, bytes) = match win_ansi(c) {
            Some(b) => (false, vec![b]),
            None => {
                let u = u16::try_from(u32::from(c)).unwrap_or(0xFFFD);
                (true, u.to_be_bytes().to_vec())
            }
        };
        match out.last_mut() {
            Some((k, b)) if *k == cjk => b.extend(bytes),
            _ => out.push((cjk, bytes)),
        }
    }
    out
}

/// Width in em: Courier (and a conservative bound for Helvetica) 0.6, CJK 1.
fn em_width(text: &str) -> f32 {
    text.chars()
        .map(|c| {
            if win_ansi(c).is_some() {
                COURIER_EM
            } else {
                1.0
            }
        })
        .sum()
}

/// Breaks `text` into lines at most `width` points wide at `size`.
fn wrap(text: &str, size: f32, width: f32) -> Vec<String> {
    let max = width / size;
    let mut lines = vec![];
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split(' ') {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if em_width(&candidate) <= max || line.is_empty() && em_width(word) <= max {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // A word longer than a line (or CJK text without spaces) is cut.
            for c in word.chars() {
                if em_width(&line) + em_width(&c.to_string()) > max {
                    lines.push(std::mem::take(&mut line));
                }
                line.push(c);
            }
        }
        lines.push(line);
    }
    lines
}

/// One line of text at (x, y) in `font`, switching to the CJK font where needed.
fn show(content: &mut Content, font: Name, size: f32, x: f32, y: f32, text: &str) {
    content.begin_text();
    content.next_line(x, y);
    for (cjk, bytes) in runs(text) {
        content.set_font(if cjk { CJK } else { font }, size);
        content.show(Str(&bytes));
    }
    content.end_text();
}

enum Line {
    Title(String),
    Heading(String),
    Field(&'static str, String),
    Body(String),
    Gap,
}

impl Line {
    fn height(&self) -> f32 {
        match self {
            Line::Title(_) => 24.0,
            Line::Heading(_) => 20.0,
            Line::Field(..) => 15.0,
            Line::Body(_) => BODY_LEADING,
            Line::Gap => 10.0,
        }
    }
}

fn lines(r: &AgreementRecord<'_>, l: &Labels) -> Vec<Line> {
    let text_w = PAGE_W - 2.0 * MARGIN;
    let a = r.acceptance;
    let mut out: Vec<Line> = wrap(&r.agreement.title, 16.0, text_w)
        .into_iter()
        .map(Line::Title)
        .collect();
    out.push(Line::Field(l.version, r.agreement.version.clone()));
    out.push(Line::Gap);
    out.push(Line::Heading(l.record.to_owned()));
    let field_w = text_w - 130.0;
    let company = format!("{} (MPN ID {})", r.legal_name, r.mpn_id);
    let signer = format!("{} {}", a.signer_first_name, a.signer_last_name);
    for (label, value) in [
        (l.company, company),
        (l.signer, signer),
        (l.email, a.signer_email.clone()),
        (l.phone, a.signer_phone.clone()),
        (l.accepted_at, utc_time(a.accepted_at)),
    ] {
        if value.trim().is_empty() {
            continue;
        }
        for (i, part) in wrap(&value, 10.0, field_w).into_iter().enumerate() {
            out.push(Line::Field(if i == 0 { label } else { "" }, part));
        }
    }
    out.push(Line::Gap);
    for para in r.agreement.text.split("\n\n") {
        let joined = para.lines().map(str::trim).collect::<Vec<_>>().join(" ");
        out.extend(wrap(&joined, BODY_SIZE, text_w).into_iter().map(Line::Body));
        out.push(Line::Gap);
    }
    out
}

/// Lays `lines` out on pages, each a list of (y, line).
fn paginate(lines: Vec<Line>) -> Vec<Vec<(f32, Line)>> {
    let top = PAGE_H - MARGIN;
    let bottom = MARGIN + 24.0;
    let mut pages = vec![vec![]];
    let mut y = top;
    for line in lines {
        let h = line.height();
        if y - h < bottom {
            if matches!(line, Line::Gap) {
                continue;
            }
            pages.push(vec![]);
            y = top;
        }
        y -= h;
        pages.last_mut().expect("a page").push((y, line));
    }
    pages
}

fn to_unicode_cmap() -> Vec<u8> {
    let mut s = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    // bfrange entries may not cross a first-byte boundary: one per high byte.
    for chunk in (0u16..=0xFF).collect::<Vec<_>>().chunks(100) {
        s.push_str(&format!("{} beginbfrange\n", chunk.len()));
        for hi in chunk {
            s.push_str(&format!("<{hi:02X}00> <{hi:02X}FF> <{hi:02X}00>\n"));
        }
        s.push_str("endbfrange\n");
    }
    s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    s.into_bytes()
}

/// The PDF of an accepted agreement.
pub fn agreement_pdf(r: &AgreementRecord<'_>) -> Vec<u8> {
    let l = if r.locale == "zh-TW" { &ZH } else { &EN };
    let pages = paginate(lines(r, l));
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let fonts = [Ref::new(3), Ref::new(4), Ref::new(5), Ref::new(6)];
    let cid_font = Ref::new(7);
    let descriptor = Ref::new(8);
    let cmap = Ref::new(9);
    let info = Ref::new(10);
    let first_page = 11;
    let page_ids: Vec<Ref> = (0..pages.len())
        .map(|i| Ref::new(first_page + 2 * i as i32))
        .collect();

    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(pages.len() as i32);
    let signer = format!(
        "{} {}",
        r.acceptance.signer_first_name, r.acceptance.signer_last_name
    );
    let mut doc_info = pdf.document_info(info);
    doc_info.title(TextStr(&r.agreement.title));
    doc_info.subject(TextStr(&format!(
        "{} {} – {}",
        l.version, r.agreement.version, r.legal_name
    )));
    doc_info.author(TextStr(&signer));
    doc_info.creator(TextStr("Partner Center"));
    doc_info.finish();

    for (id, name) in [
        (fonts[0], &b"Helvetica"[..]),
        (fonts[1], b"Helvetica-Bold"),
        (fonts[2], b"Courier"),
    ] {
        pdf.type1_font(id)
            .base_font(Name(name))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    pdf.type0_font(fonts[3])
        .base_font(Name(b"MSung-Light-UniCNS-UCS2-H"))
        .encoding_predefined(Name(b"UniCNS-UCS2-H"))
        .descendant_font(cid_font)
        .to_unicode(cmap);
    pdf.cid_font(cid_font)
        .subtype(CidFontType::Type0)
        .base_font(Name(b"MSung-Light"))
        .system_info(SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"CNS1"),
            supplement: 0,
        })
        .font_descriptor(descriptor)
        .default_width(1000.0);
    pdf.font_descriptor(descriptor)
        .name(Name(b"MSung-Light"))
        .flags(FontFlags::SYMBOLIC)
        .bbox(Rect::new(-160.0, -259.0, 1015.0, 888.0))
        .italic_angle(0.0)
        .ascent(880.0)
        .descent(-120.0)
        .cap_height(880.0)
        .stem_v(93.0);
    pdf.stream(cmap, &to_unicode_cmap());

    let total = pages.len();
    for (i, page) in pages.into_iter().enumerate() {
        let page_id = page_ids[i];
        let content_id = Ref::new(page_id.get() + 1);
        let mut content = Content::new();
        for (y, line) in page {
            match line {
                Line::Title(t) => show(&mut content, HELVETICA_BOLD, 16.0, MARGIN, y, &t),
                Line::Heading(t) => show(&mut content, HELVETICA_BOLD, 12.0, MARGIN, y, &t),
                Line::Field(label, value) => {
                    show(&mut content, HELVETICA_BOLD, 10.0, MARGIN, y, label);
                    show(&mut content, HELVETICA, 10.0, MARGIN + 130.0, y, &value);
                }
                Line::Body(t) => show(&mut content, COURIER, BODY_SIZE, MARGIN, y, &t),
                Line::Gap => {}
            }
        }
        let footer = format!(
            "{} {} · {}",
            r.agreement.title,
            r.agreement.version,
            (l.page)(i + 1, total)
        );
        show(&mut content, HELVETICA, 8.0, MARGIN, MARGIN - 12.0, &footer);
        pdf.stream(content_id, &content.finish());
        let mut p = pdf.page(page_id);
        p.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H))
            .parent(tree)
            .contents(content_id);
        let mut res = p.resources();
        let mut f = res.fonts();
        f.pair(HELVETICA, fonts[0]);
        f.pair(HELVETICA_BOLD, fonts[1]);
        f.pair(COURIER, fonts[2]);
        f.pair(CJK, fonts[3]);
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_times_are_formatted_exactly() {
        assert_eq!(utc_time(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc_time(1_795_615_387), "2026-11-25 14:03:07 UTC");
    }

    #[test]
    fn latin_text_is_win_ansi_and_chinese_is_ucs2() {
        assert_eq!(
            runs("Mei — 林美"),
            vec![
                (false, b"Mei \x97 ".to_vec()),
                (true, vec![0x67, 0x97, 0x7F, 0x8E]),
            ]
        );
    }

    #[test]
    fn lines_never_exceed_the_width() {
        let text = "word ".repeat(200) + &"長".repeat(120) + " " + &"x".repeat(300);
        for line in wrap(&text, 10.0, 300.0) {
            assert!(em_width(&line) * 10.0 <= 300.0, "{line}");
        }
        assert_eq!(wrap("a\n\nb", 10.0, 300.0), vec!["a", "", "b"]);
    }
}
