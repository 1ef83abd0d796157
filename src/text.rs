//! Text normalisation (SPEC 3 item 5).
//!
//! Unicode NFKC folds full-width letters, digits and punctuation to their
//! ordinary forms (`１２３` → `123`, `（` → `(`, `￥` → `¥`) and turns the
//! ideographic and non-breaking spaces into plain spaces. Then the text is
//! trimmed and inner runs of white space collapse to one space.

use std::borrow::Cow;

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// Fold a cell's text: NFKC, trimmed, white-space runs collapsed to one space.
pub fn fold(s: &str) -> String {
    fold_cow(s).into_owned()
}

/// [`fold`], borrowing `s` when folding leaves it as it is (most cells).
pub fn fold_cow(s: &str) -> Cow<'_, str> {
    if already_folded(s) {
        return Cow::Borrowed(s);
    }
    // Most ledger text (ASCII, common CJK) is already in NFKC: skip the
    // decomposition and recomposition, which dominate reading otherwise.
    Cow::Owned(
        if s.is_ascii() || is_nfkc_quick(s.chars()) == IsNormalized::Yes {
            collapse(s.chars(), s.len())
        } else if s.chars().all(narrows_plainly) {
            // Full-width punctuation in Chinese text (`，`, `（`, `：`).
            collapse(s.chars().map(narrow), s.len())
        } else {
            collapse(s.nfkc(), s.len())
        },
    )
}

/// Whether NFKC maps `c` on its own, whatever is around it: the characters
/// [`already_folded`] keeps, the ideographic space and the full-width forms
/// of ASCII (U+FF01–U+FF5E).
fn narrows_plainly(c: char) -> bool {
    c.is_ascii()
        || ('\u{4e00}'..='\u{9fff}').contains(&c)
        || ('\u{3000}'..='\u{3011}').contains(&c)
        || ('\u{ff01}'..='\u{ff5e}').contains(&c)
}

/// What NFKC makes of a character [`narrows_plainly`] accepts.
fn narrow(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        _ => c,
    }
}

/// `s` lower-cased, borrowed when no character changes (as
/// [`str::to_lowercase`]).
pub fn lowercase_cow(s: &str) -> Cow<'_, str> {
    recased(
        s,
        u8::is_ascii_uppercase,
        char::to_lowercase,
        str::to_lowercase,
    )
}

/// `s` upper-cased, borrowed when no character changes (as
/// [`str::to_uppercase`]).
pub fn uppercase_cow(s: &str) -> Cow<'_, str> {
    recased(
        s,
        u8::is_ascii_lowercase,
        char::to_uppercase,
        str::to_uppercase,
    )
}

/// `s` with each character mapped by `one` (`changes` tells which ASCII
/// bytes it changes), borrowed when no character changes, else `whole(s)`.
fn recased<'a, I: Iterator<Item = char>>(
    s: &'a str,
    changes: fn(&u8) -> bool,
    one: fn(char) -> I,
    whole: fn(&str) -> String,
) -> Cow<'a, str> {
    let same = if s.is_ascii() {
        !s.bytes().any(|b| changes(&b))
    } else {
        s.chars().all(|c| {
            let mut m = one(c);
            m.next() == Some(c) && m.next().is_none()
        })
    };
    if same {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(whole(s))
    }
}

/// Whether folding leaves `s` as it is: no white space to trim or
/// collapse, and only characters NFKC keeps (ASCII, the CJK unified
/// ideographs, and 、。〃〄々〆〇〈〉《》「」『』【】). Checked without
/// the normalisation tables: most ids, names and notes pass.
fn already_folded(s: &str) -> bool {
    let mut after_space = true;
    for c in s.chars() {
        if c == ' ' {
            if after_space {
                return false;
            }
            after_space = true;
            continue;
        }
        let kept = if c.is_ascii() {
            !c.is_ascii_whitespace() && c != '\u{0b}'
        } else {
            ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3001}'..='\u{3011}').contains(&c)
        };
        if !kept {
            return false;
        }
        after_space = false;
    }
    !after_space || s.is_empty()
}

/// Trim, and collapse inner runs of white space to one space.
fn collapse(chars: impl Iterator<Item = char>, len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut pending_space = false;
    for ch in chars {
        if ch.is_whitespace() || ch == '\u{200b}' || ch == '\u{feff}' {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(ch);
    }
    out
}

/// Fold for comparison of identifiers: like [`fold`], upper-cased.
pub fn id_key(s: &str) -> String {
    let mut t = fold(s);
    if t.is_ascii() {
        t.make_ascii_uppercase();
        t
    } else {
        t.to_uppercase()
    }
}

/// A header cell, ready for matching against the column catalogue: folded,
/// lower-cased, a leading or trailing `*` (required marker) removed, and a
/// trailing unit in brackets split off (`合同金额(万元)` → (`合同金额`, `万元`)).
pub fn header_key(s: &str) -> (String, Option<String>) {
    let mut t = fold(s).to_lowercase();
    t = t
        .trim_matches(|c: char| c == '*' || c.is_whitespace())
        .to_string();
    let mut unit = None;
    for (open, close) in [('(', ')'), ('[', ']'), ('【', '】'), ('〔', '〕')] {
        if t.ends_with(close) {
            if let Some(at) = t.rfind(open) {
                if at > 0 {
                    unit = Some(
                        t[at + open.len_utf8()..t.len() - close.len_utf8()]
                            .trim()
                            .to_string(),
                    );
                    t = t[..at].trim_end().to_string();
                }
            }
            break;
        }
    }
    let t = t
        .trim_matches(|c: char| c == '*' || c.is_whitespace())
        .to_string();
    (t, unit)
}

/// Whether a row whose first non-empty cell is `s` is a totals row
/// (合计 / 总计 / 小计 / Total, SPEC 3 item 2).
pub fn is_totals_label(s: &str) -> bool {
    // Asked of every data row's first cell: reject most text without
    // folding it (every label has 计 or a t).
    if s.len() > 64 || !s.contains(['计', 't', 'T', 'ｔ', 'Ｔ']) {
        return false;
    }
    let t: String = fold(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    let t = t.trim_end_matches([':', '：']);
    matches!(
        t,
        "合计" | "总计" | "小计" | "总合计" | "total" | "subtotal" | "grandtotal" | "totals"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding() {
        let cases = [
            ("  张三  ", "张三"),
            ("\u{3000}张\u{3000}\u{3000}三\u{a0}", "张 三"),
            ("ＫＨ０００１２３", "KH000123"),
            ("（合作中）", "(合作中)"),
            ("a \t\n b", "a b"),
            ("", ""),
            ("\u{feff}工号", "工号"),
            ("Ｒｅｐ　ＩＤ", "Rep ID"),
            ("㎡ ①", "m2 1"),
        ];
        for (input, want) in cases {
            assert_eq!(fold(input), want, "{input:?}");
        }
    }

    /// The quick path (text left as it is) agrees with full NFKC folding
    /// on every character it lets through and on the white space around.
    #[test]
    fn quick_path_agrees_with_nfkc() {
        let slow = |s: &str| collapse(s.nfkc(), s.len());
        let mut chars: Vec<char> = (0u32..0x80).filter_map(char::from_u32).collect();
        chars.extend((0x3000u32..=0x303f).filter_map(char::from_u32));
        chars.extend((0xff00u32..=0xff65).filter_map(char::from_u32));
        chars.extend([
            '\u{4e00}', '张', '三', '\u{9fff}', '\u{a0}', '\u{200b}', '\u{feff}',
        ]);
        for &c in &chars {
            for s in [
                format!("{c}"),
                format!("a{c}b"),
                format!(" {c}"),
                format!("{c} "),
                format!("张{c}{c}三"),
                format!("x {c} y"),
            ] {
                assert_eq!(fold(&s), slow(&s), "{s:?}");
            }
        }
        for s in [
            "首次电话沟通，了解客户基本需求（二期）：ＯＫ！",
            "　张三，\u{3000}李四",
            "Ａ\u{301}，",
            "ｅ\u{301}",
        ] {
            assert_eq!(fold(s), slow(s), "{s:?}");
        }
        assert!(already_folded("KH-0001 张三 公司"));
        assert!(!already_folded("张三 "));
        assert!(!already_folded("张  三"));
        assert!(!already_folded("ＫＨ"));
    }

    #[test]
    fn case_changes_borrow_only_what_stays() {
        for s in [
            "abc", "ABC", "aBc", "张三", "ΣΑΣ", "ǅ", "ß", "ﬁ", "İx", "KH-001", "", "Ωmega",
        ] {
            assert_eq!(lowercase_cow(s), s.to_lowercase(), "{s:?}");
            assert_eq!(uppercase_cow(s), s.to_uppercase(), "{s:?}");
        }
        assert!(matches!(lowercase_cow("kh-001 张三"), Cow::Borrowed(_)));
        assert!(matches!(uppercase_cow("KH-001 张三"), Cow::Borrowed(_)));
        assert!(matches!(fold_cow("KH-001"), Cow::Borrowed(_)));
    }

    #[test]
    fn header_keys() {
        let cases = [
            ("合同金额(元)", ("合同金额", Some("元"))),
            ("合同金额（万元）", ("合同金额", Some("万元"))),
            (" Rep ID ", ("rep id", None)),
            ("*客户编号", ("客户编号", None)),
            ("客户编号*", ("客户编号", None)),
            ("签约面积【㎡】", ("签约面积", Some("m2"))),
            ("(元)", ("(元)", None)),
        ];
        for (input, (key, unit)) in cases {
            assert_eq!(
                header_key(input),
                (key.to_string(), unit.map(String::from)),
                "{input:?}"
            );
        }
    }

    #[test]
    fn totals_labels() {
        for s in ["合计", "合 计", "总计：", "小计", "Total", "GRAND TOTAL"] {
            assert!(is_totals_label(s), "{s}");
        }
        for s in ["合计金额", "张三", "", "total sales"] {
            assert!(!is_totals_label(s), "{s}");
        }
    }
}
