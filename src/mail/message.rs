//! One rep's message, built with lettre: From, To (the rep), optional Cc
//! (the supervisor), a subject and plain-text body from the template, and
//! the rep's workbook attached.
//!
//! The attachment's Chinese file name is written twice, because mail
//! clients disagree on where they read it: RFC 2231 `filename*=utf-8''…`
//! in Content-Disposition (Thunderbird, Apple Mail, Gmail and current
//! Outlook read it) and RFC 2047 `name="=?utf-8?B?…?="` in Content-Type
//! (what Foxmail, QQ Mail, older Outlook and many webmail readers look at).
//! lettre writes only the first, and splits it into RFC 2231 continuations
//! (`filename*0*=`) that some readers skip, so both headers are written
//! here, the `filename*=` in one piece on its own folded line (file names
//! are at most 200 bytes, far below the 998-character line limit).

use base64::Engine as _;
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::Message;

/// The MIME type of an `.xlsx` workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// What goes into one message.
#[derive(Debug, Clone)]
pub struct Draft<'a> {
    pub from: &'a Mailbox,
    pub to: Mailbox,
    pub cc: Option<Mailbox>,
    pub subject: String,
    pub body: String,
    /// The attachment's file name (Chinese kept).
    pub file_name: &'a str,
    pub bytes: &'a [u8],
    /// `<…@…>`.
    pub message_id: String,
}

/// The MIME type of an attachment, by its extension.
pub fn mime_type(file_name: &str) -> &'static str {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "xlsx" => XLSX,
        "xlsm" => "application/vnd.ms-excel.sheet.macroEnabled.12",
        "xls" => "application/vnd.ms-excel",
        "csv" => "text/csv",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// A parameter value as RFC 2047 encoded words (`=?utf-8?B?…?=`, each at
/// most 75 characters, separated by spaces so the header can be folded
/// between them); plain ASCII is returned as it is.
pub fn rfc2047_param(value: &str) -> String {
    if value.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return value.to_string();
    }
    // 45 bytes of UTF-8 → 60 base64 characters; with `=?utf-8?B?` and `?=`
    // an encoded word stays under 75. Chunks end on character boundaries.
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in value.chars() {
        if chunk.len() + c.len_utf8() > 45 {
            words.push(std::mem::take(&mut chunk));
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        words.push(chunk);
    }
    words
        .iter()
        .map(|w| {
            format!(
                "=?utf-8?B?{}?=",
                base64::engine::general_purpose::STANDARD.encode(w)
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// RFC 2231 `filename*` value: UTF-8, percent-encoded except attr-chars.
pub fn rfc2231_value(value: &str) -> String {
    let mut out = String::from("utf-8''");
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `Content-Disposition: attachment; filename*=utf-8''…` (plain
/// `filename="…"` for a printable ASCII name).
#[derive(Debug, Clone, PartialEq, Eq)]
struct AttachmentDisposition(String);

impl Header for AttachmentDisposition {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Content-Disposition")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AttachmentDisposition(s.to_string()))
    }

    fn display(&self) -> HeaderValue {
        let name = &self.0;
        let plain = name
            .bytes()
            .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\');
        let param = if plain {
            format!("filename=\"{name}\"")
        } else {
            format!("filename*={}", rfc2231_value(name))
        };
        HeaderValue::dangerous_new_pre_encoded(
            Self::name(),
            format!("attachment; filename=\"{name}\""),
            format!("attachment;\r\n {param}"),
        )
    }
}

/// The attachment's Content-Type with the RFC 2047 `name=` parameter.
fn attachment_type(file_name: &str) -> ContentType {
    let quoted = rfc2047_param(file_name)
        .replace('\\', "\\\\")
        .replace('"', "\\\"");
    let mime = mime_type(file_name);
    ContentType::parse(&format!("{mime}; name=\"{quoted}\""))
        .or_else(|_| ContentType::parse(mime))
        .expect("a known MIME type parses")
}

/// Build the message.
pub fn build(d: &Draft) -> Result<Message, lettre::error::Error> {
    let mut b = Message::builder()
        .from(d.from.clone())
        .to(d.to.clone())
        .subject(d.subject.clone())
        .message_id(Some(d.message_id.clone()))
        .user_agent(format!("kaohe {}", env!("CARGO_PKG_VERSION")));
    if let Some(cc) = &d.cc {
        b = b.cc(cc.clone());
    }
    let attachment = SinglePart::builder()
        .header(attachment_type(d.file_name))
        .header(AttachmentDisposition(d.file_name.to_string()))
        .body(d.bytes.to_vec());
    b.multipart(
        MultiPart::mixed()
            .singlepart(SinglePart::plain(d.body.clone()))
            .singlepart(attachment),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_words_split_on_characters_and_stay_short() {
        assert_eq!(rfc2047_param("S001_a_2026-03.xlsx"), "S001_a_2026-03.xlsx");
        assert_eq!(
            rfc2047_param("张三.xlsx"),
            format!(
                "=?utf-8?B?{}?=",
                base64::engine::general_purpose::STANDARD.encode("张三.xlsx")
            )
        );
        let long = "S001_".to_string() + &"欧阳".repeat(30) + "_2026-03.xlsx";
        let enc = rfc2047_param(&long);
        let words: Vec<&str> = enc.split(' ').collect();
        assert!(words.len() > 1);
        let mut back = String::new();
        for w in &words {
            assert!(w.len() <= 75, "{w}");
            let b64 = w
                .strip_prefix("=?utf-8?B?")
                .unwrap()
                .strip_suffix("?=")
                .unwrap();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b64)
                .unwrap();
            back.push_str(std::str::from_utf8(&bytes).expect("whole characters"));
        }
        assert_eq!(back, long);
    }

    #[test]
    fn rfc2231_values() {
        let cases = [
            ("a.xlsx", "utf-8''a.xlsx"),
            ("张三 (1).xlsx", "utf-8''%E5%BC%A0%E4%B8%89%20%281%29.xlsx"),
            ("50%'*", "utf-8''50%25%27%2A"),
        ];
        for (name, want) in cases {
            assert_eq!(rfc2231_value(name), want, "{name}");
        }
    }

    #[test]
    fn mime_types_by_extension() {
        let cases = [
            ("S001_张三_2026-03.xlsx", XLSX),
            ("a.XLSX", XLSX),
            ("a.pdf", "application/pdf"),
            ("noext", "application/octet-stream"),
        ];
        for (name, want) in cases {
            assert_eq!(mime_type(name), want, "{name}");
        }
    }

    #[test]
    fn both_file_name_headers_and_an_encoded_subject() {
        let from: Mailbox = "人力资源部 <hr@example.com>".parse().unwrap();
        let to: Mailbox = "张伟明 <zhangweiming@example.com>".parse().unwrap();
        let m = build(&Draft {
            from: &from,
            to,
            cc: Some("lead@example.com".parse().unwrap()),
            subject: "2026-03 绩效考核表 - 张伟明".into(),
            body: "您好".into(),
            file_name: "S001_张伟明_2026-03.xlsx",
            bytes: b"PK\x03\x04\x00\xff",
            message_id: "<x@example.com>".into(),
        })
        .unwrap();
        let raw = String::from_utf8(m.formatted()).unwrap();
        let unfolded = raw.replace("\r\n ", " ").replace("\r\n\t", " ");
        let name = rfc2047_param("S001_张伟明_2026-03.xlsx");
        assert!(
            unfolded.contains(&format!("Content-Type: {XLSX}; name=\"{name}\"")),
            "{raw}"
        );
        assert!(
            raw.contains(
                "Content-Disposition: attachment;\r\n filename*=utf-8''S001_%E5%BC%A0%E4%BC%9F%E6%98%8E_2026-03.xlsx\r\n"
            ),
            "{raw}"
        );
        assert!(unfolded.contains("Subject: 2026-03 =?utf-8?b?"), "{raw}");
        assert!(unfolded.contains("Cc: lead@example.com"), "{raw}");
        assert!(unfolded.contains("Message-ID: <x@example.com>"), "{raw}");
        assert!(raw.is_ascii(), "every header and part encoded");

        let ascii = build(&Draft {
            file_name: "S001_Zhang_2026-03.xlsx",
            to: "zhang@example.com".parse().unwrap(),
            cc: None,
            ..Draft {
                from: &from,
                to: "x@example.com".parse().unwrap(),
                cc: None,
                subject: "s".into(),
                body: "b".into(),
                file_name: "",
                bytes: b"x",
                message_id: "<y@example.com>".into(),
            }
        })
        .unwrap();
        let raw = String::from_utf8(ascii.formatted()).unwrap();
        assert!(raw.contains(" name=\"S001_Zhang_2026-03.xlsx\""), "{raw}");
        assert!(
            raw.contains(
                "Content-Disposition: attachment;\r\n filename=\"S001_Zhang_2026-03.xlsx\"\r\n"
            ),
            "{raw}"
        );
    }
}
