//! Mail settings and message templates (SPEC 9, `kaohe mail`): the
//! scheme's optional `[mail]` table, the small template files given with
//! `--template`, and the built-in Chinese and English templates.
//!
//! A template is text with placeholders in braces: `{name}` (姓名),
//! `{rep_id}` (工号), `{period}` (期间), `{total}` (总分), `{grade}` (等级);
//! the Chinese words work as well (`{姓名}`). `{{` and `}}` are literal
//! braces. An unknown placeholder is an error when the scheme or template
//! file is read, never a message sent with `{nmae}` in it.
//!
//! ```toml
//! [mail]
//! from = "人力资源部 <hr@example.com>"
//! subject = "{period} 绩效考核表 - {name}"
//! body = """
//! {name}，您好：
//! 附件是您 {period} 的绩效考核表，总分 {total}，等级 {grade}。
//! """
//! ```

use crate::Lang;

/// One placeholder of a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    RepId,
    Period,
    Total,
    Grade,
}

/// Placeholder names (English and Chinese) and their fields.
const FIELDS: [(&str, &str, Field); 5] = [
    ("name", "姓名", Field::Name),
    ("rep_id", "工号", Field::RepId),
    ("period", "期间", Field::Period),
    ("total", "总分", Field::Total),
    ("grade", "等级", Field::Grade),
];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Field(Field),
}

/// A parsed template: literal text and placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

/// What a template's placeholders are filled with. `total` and `grade` are
/// `None` for a rep that was assessed but not graded.
#[derive(Debug, Clone, Copy)]
pub struct Values<'a> {
    pub name: &'a str,
    pub rep_id: &'a str,
    pub period: &'a str,
    pub total: Option<&'a str>,
    pub grade: Option<&'a str>,
}

impl Template {
    /// Parse template text. Errors (bilingual `中文 / English`) name the
    /// unknown placeholder or the unmatched brace.
    pub fn parse(text: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    lit.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    lit.push('}');
                }
                '{' => {
                    let mut key = String::new();
                    let mut closed = false;
                    for c in chars.by_ref() {
                        if c == '}' {
                            closed = true;
                            break;
                        }
                        key.push(c);
                    }
                    if !closed {
                        return Err(
                            "模板中的 { 没有对应的 }（字面的花括号请写 {{ 和 }}） / unmatched { in the template (write {{ and }} for literal braces)"
                                .to_string(),
                        );
                    }
                    let key = key.trim();
                    let field = FIELDS
                        .iter()
                        .find(|(en, zh, _)| key.eq_ignore_ascii_case(en) || key == *zh)
                        .map(|(_, _, f)| *f)
                        .ok_or_else(|| {
                            let known: Vec<String> = FIELDS
                                .iter()
                                .map(|(en, zh, _)| format!("{{{en}}} {{{zh}}}"))
                                .collect();
                            format!(
                                "模板中的占位符 {{{key}}} 未知（可用：{}） / unknown placeholder {{{key}}} in the template (known: {})",
                                known.join("、"),
                                known.join(", ")
                            )
                        })?;
                    if !lit.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut lit)));
                    }
                    parts.push(Part::Field(field));
                }
                '}' => {
                    return Err(
                        "模板中的 } 没有对应的 {（字面的花括号请写 {{ 和 }}） / unmatched } in the template (write {{ and }} for literal braces)"
                            .to_string(),
                    );
                }
                c => lit.push(c),
            }
        }
        if !lit.is_empty() {
            parts.push(Part::Text(lit));
        }
        Ok(Template { parts })
    }

    /// The text with every placeholder filled in (`-` for a missing total
    /// or grade).
    pub fn render(&self, v: &Values) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Field(f) => out.push_str(match f {
                    Field::Name => v.name,
                    Field::RepId => v.rep_id,
                    Field::Period => v.period,
                    Field::Total => v.total.unwrap_or("-"),
                    Field::Grade => v.grade.unwrap_or("-"),
                }),
            }
        }
        out
    }
}

/// A message template: subject (one line) and plain-text body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailTemplate {
    pub subject: Template,
    pub body: Template,
}

const DEFAULT_SUBJECT_ZH: &str = "{period} 绩效考核表 - {name}";
const DEFAULT_BODY_ZH: &str = "{name}，您好：

附件是您 {period} 的绩效考核表（考核表），总分 {total}，等级 {grade}。
考核表中有各项指标的计算依据（佐证材料）；如有疑问，请联系您的直属领导或人力资源部。

本邮件只发给您本人，请勿转发。
";
const DEFAULT_SUBJECT_EN: &str = "Performance assessment {period} - {name}";
const DEFAULT_BODY_EN: &str = "Dear {name},

Attached is your performance assessment for {period}: total {total}, grade {grade}.
The workbook shows how every indicator was calculated (evidence sheets); if you have
questions, please contact your supervisor or HR.

This message is sent to you only; please do not forward it.
";

impl MailTemplate {
    /// The built-in template of a language.
    pub fn builtin(lang: Lang) -> MailTemplate {
        let (s, b) = match lang {
            Lang::Zh => (DEFAULT_SUBJECT_ZH, DEFAULT_BODY_ZH),
            Lang::En => (DEFAULT_SUBJECT_EN, DEFAULT_BODY_EN),
        };
        MailTemplate {
            subject: Template::parse(s).expect("built-in subject template"),
            body: Template::parse(b).expect("built-in body template"),
        }
    }

    /// A subject and body as written (in the scheme or a template file).
    pub fn new(subject: &str, body: &str) -> Result<MailTemplate, String> {
        let subject = subject.trim();
        if subject.is_empty() {
            return Err("邮件主题为空 / the subject is empty".into());
        }
        if subject.contains(['\r', '\n']) {
            return Err("邮件主题只能有一行 / the subject must be one line".into());
        }
        if body.trim().is_empty() {
            return Err("邮件正文为空 / the body is empty".into());
        }
        Ok(MailTemplate {
            subject: Template::parse(subject)?,
            body: Template::parse(body)?,
        })
    }

    /// A template file: UTF-8 text whose first line is the subject
    /// (optionally prefixed `主题:` or `Subject:`), the rest the body.
    ///
    /// ```text
    /// 主题: {period} 绩效考核表 - {name}
    ///
    /// {name}，您好：
    /// 附件是您 {period} 的考核表。
    /// ```
    pub fn parse_file(text: &str) -> Result<MailTemplate, String> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let text = text.replace("\r\n", "\n");
        let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
        let subject = ["主题:", "主题：", "Subject:", "subject:", "SUBJECT:"]
            .iter()
            .find_map(|p| first.trim_start().strip_prefix(p))
            .unwrap_or(first);
        MailTemplate::new(subject, rest.trim_start_matches('\n'))
    }
}

/// The scheme's `[mail]` table, checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MailSettings {
    /// The sender, `人力资源部 <hr@example.com>` or `hr@example.com`.
    pub from: Option<String>,
    /// The message template; `None`: the built-in one of the language.
    pub template: Option<MailTemplate>,
    /// Encrypt every attachment with the rep's file password.
    pub encrypt: bool,
    /// Where a rep's file password comes from (default: the roster's
    /// 文件密码 column).
    pub password: PasswordRule,
    /// How the password is formed, for the message body
    /// (`密码为您的身份证号后六位`).
    pub password_hint: Option<String>,
}

/// Where a rep's file password comes from: never one password for all.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum PasswordRule {
    /// The roster's 文件密码 column.
    #[default]
    FilePassword,
    /// The last `n` characters of the roster's 身份证号 column.
    IdNumberLast(usize),
}

/// Check a sender address (`Name <addr>` or `addr`).
pub fn check_from(text: &str) -> Result<(), String> {
    text.trim()
        .parse::<lettre::message::Mailbox>()
        .map(|_| ())
        .map_err(|e| {
            format!("发件人地址 {text} 无效（{e}） / the sender address {text} is invalid ({e})")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> Values<'static> {
        Values {
            name: "张伟明",
            rep_id: "S001",
            period: "2026-03",
            total: Some("86.5"),
            grade: Some("A"),
        }
    }

    #[test]
    fn placeholders_render_in_both_languages() {
        let cases = [
            ("{name} {period}", "张伟明 2026-03"),
            (
                "{姓名}/{期间}/{总分}/{等级}/{工号}",
                "张伟明/2026-03/86.5/A/S001",
            ),
            ("{ NAME }：{total}分", "张伟明：86.5分"),
            ("{{name}} {grade}", "{name} A"),
            ("无占位符", "无占位符"),
        ];
        for (text, want) in cases {
            assert_eq!(
                Template::parse(text).unwrap().render(&values()),
                want,
                "{text}"
            );
        }
        let ungraded = Values {
            total: None,
            grade: None,
            ..values()
        };
        assert_eq!(
            Template::parse("{total}/{grade}")
                .unwrap()
                .render(&ungraded),
            "-/-"
        );
    }

    #[test]
    fn template_mistakes_are_named() {
        let cases = [
            ("{nmae}", "{nmae}"),
            ("{name", "unmatched {"),
            ("name}", "unmatched }"),
        ];
        for (text, want) in cases {
            let e = Template::parse(text).unwrap_err();
            assert!(e.contains(want), "{text}: {e}");
        }
        assert!(MailTemplate::new("a\nb", "x").is_err());
        assert!(MailTemplate::new(" ", "x").is_err());
        assert!(MailTemplate::new("a", "\n").is_err());
    }

    #[test]
    fn template_files_have_the_subject_first() {
        let t =
            MailTemplate::parse_file("\u{feff}主题：{period} 考核 - {name}\r\n\r\n您好 {name}\r\n")
                .unwrap();
        assert_eq!(t.subject.render(&values()), "2026-03 考核 - 张伟明");
        assert_eq!(t.body.render(&values()), "您好 张伟明\n");
        let t = MailTemplate::parse_file("Subject: {name}\nbody").unwrap();
        assert_eq!(t.subject.render(&values()), "张伟明");
        let t = MailTemplate::parse_file("{name}\nbody").unwrap();
        assert_eq!(t.subject.render(&values()), "张伟明");
        assert!(MailTemplate::parse_file("only a subject").is_err());
    }

    #[test]
    fn builtin_templates_fill_every_field() {
        for lang in [Lang::Zh, Lang::En] {
            let t = MailTemplate::builtin(lang);
            let body = t.body.render(&values());
            assert!(body.contains("张伟明") && body.contains("86.5") && body.contains('A'));
            assert!(t.subject.render(&values()).contains("2026-03"));
        }
    }

    #[test]
    fn sender_addresses() {
        assert!(check_from("hr@example.com").is_ok());
        assert!(check_from("人力资源部 <hr@example.com>").is_ok());
        assert!(check_from("not an address").is_err());
    }
}
