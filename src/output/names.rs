//! Output file names that are valid on Windows, macOS and Linux alike,
//! whatever the rep id or name holds (SPEC 10): no path separators, no
//! `..`, no Windows-reserved names or characters, no control characters,
//! at most 200 bytes; CJK kept.

use crate::period::Period;

/// Characters Windows forbids in file names (and `/`, `\` everywhere).
const FORBIDDEN: &[char] = &['<', '>', ':', '"', '/', '\\', '|', '?', '*'];

/// Windows device names, forbidden with any extension.
const RESERVED: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// Make one file-name component safe: forbidden and control characters
/// become `_`, leading and trailing dots and spaces are dropped, a reserved
/// device name gets a `_` suffix, and the result is cut to `max_bytes` on a
/// character boundary. Never empty.
pub fn sanitize(part: &str, max_bytes: usize) -> String {
    let mut s: String = part
        .chars()
        .map(|c| {
            if FORBIDDEN.contains(&c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    s = s.trim_matches(|c: char| c == '.' || c == ' ').to_string();
    if s.is_empty() {
        s = "_".into();
    }
    let stem = s.split('.').next().unwrap_or("").trim_end().to_uppercase();
    if RESERVED.contains(&stem.as_str()) {
        s.insert(stem.len(), '_');
    }
    if s.len() > max_bytes {
        let mut cut = max_bytes;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s = s.trim_end_matches(['.', ' ']).to_string();
    }
    s
}

/// `<rep_id>_<name>_<period>.xlsx`: the id keeps namesakes apart. An id
/// that had to be changed to be a valid name (`A/B` and `A:B` both become
/// `A_B`) gets `~` and a short hash of the id as written, so two reps never
/// share (and overwrite) one file.
pub fn rep_workbook(rep_id: &str, name: &str, period: Period) -> String {
    let mut id = sanitize(rep_id, 60);
    if id != rep_id {
        id.push('~');
        id.push_str(&crate::input::read::sha256_hex(rep_id.as_bytes())[..8]);
    }
    format!("{}_{}_{}.xlsx", id, sanitize(name, 120), period)
}

/// `团队汇总_<period>.xlsx` (English: `team-summary_<period>.xlsx`).
pub fn team_summary(period: Period, lang: crate::Lang) -> String {
    format!("{}_{period}.xlsx", lang.pick("团队汇总", "team-summary"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stay_inside_and_are_portable() {
        let p = Period::parse("2026-10").unwrap();
        // `~h`: `~` and the first 8 hex digits of the id's SHA-256.
        let cases = [
            ("S001", "张三", "S001_张三_2026-10.xlsx"),
            ("../../x", "李四", "_.._x~h_李四_2026-10.xlsx"),
            ("CON", "王五", "CON_~h_王五_2026-10.xlsx"),
            ("com1.txt", "a", "com1_.txt~h_a_2026-10.xlsx"),
            ("a/b", "张三:李四", "a_b~h_张三_李四_2026-10.xlsx"),
            ("S9", "..", "S9___2026-10.xlsx"),
            ("S9", "tab\there", "S9_tab_here_2026-10.xlsx"),
            ("S9", "😀 emoji ", "S9_😀 emoji_2026-10.xlsx"),
        ];
        for (id, name, want) in cases {
            let h = format!("~{}", &crate::input::read::sha256_hex(id.as_bytes())[..8]);
            let got = rep_workbook(id, name, p);
            assert_eq!(got, want.replace("~h", &h), "{id} {name}");
            assert!(!got.contains('/') && !got.contains('\\'));
        }
        assert_ne!(rep_workbook("A/B", "x", p), rep_workbook("A:B", "x", p));
        let long = "长".repeat(200);
        let got = rep_workbook("S1", &long, p);
        assert!(got.len() <= 255, "{}", got.len());
        assert!(got.ends_with("_2026-10.xlsx"));
        assert_eq!(team_summary(p, crate::Lang::Zh), "团队汇总_2026-10.xlsx");
    }
}
