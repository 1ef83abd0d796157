//! How results are applied (SPEC 8, "Applying results"): the
//! improvement-plan rule (`[apply]`) and the distribution caps
//! (`[distribution]`, 强制分布 as a warning, never a regrade).
//!
//! ```toml
//! [apply]
//! improvement_after = 2        # months in a row below the line → 改进计划
//! improvement_below = "C"      # the line: a grade below C (default: the pass grade)
//! excellent_grades = ["S", "A"] # promotion / training candidates (default: the two highest)
//!
//! [distribution]               # largest share of the graded reps per grade
//! S = 0.10
//! A = 0.25
//! ```

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::build::{At, Errors};
use super::raw::{Num, RawApply};
use super::Grade;

/// The `[apply]` settings, checked against the scheme's grades.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Apply {
    /// Months in a row below `below` that put a rep on the improvement-plan
    /// list (`None`: the scheme asks for no list).
    pub improvement_after: Option<u32>,
    /// A grade lower than this one is below the line.
    pub below: String,
    /// The grades that count as excellent.
    pub excellent: Vec<String>,
}

/// The pass grade: the band just above the lowest (C of S/A/B/C/D); with a
/// single band, that band.
fn pass_grade(grades: &[Grade]) -> String {
    let i = grades.len().saturating_sub(2);
    grades.get(i).map(|g| g.name.clone()).unwrap_or_default()
}

/// Check `[apply]` and `[distribution]` against the grades (sorted highest
/// first). Unknown grade names, a zero month count and shares outside
/// (0, 1] are errors.
pub(super) fn build(
    apply: Option<&RawApply>,
    distribution: Option<&BTreeMap<String, Num>>,
    grades: &[Grade],
    errs: &mut Errors,
) -> (Apply, Vec<(String, Decimal)>) {
    let known = |name: &str| grades.iter().any(|g| g.name == name.trim());
    let names = grades
        .iter()
        .map(|g| g.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let mut out = Apply {
        improvement_after: None,
        below: pass_grade(grades),
        excellent: grades.iter().take(2).map(|g| g.name.clone()).collect(),
    };
    if let Some(raw) = apply {
        let at = At::default().push("[apply]", "[apply]");
        match raw.improvement_after {
            Some(0) => errs.add(
                &at.push("improvement_after", "improvement_after"),
                "应为至少 1 个月",
                "must be at least 1 month",
            ),
            n => out.improvement_after = n,
        }
        if let Some(b) = &raw.improvement_below {
            if known(b) {
                out.below = b.trim().to_string();
            } else {
                errs.add(
                    &at.push("improvement_below", "improvement_below"),
                    format!("没有等级「{}」；方案的等级为 {names}", b.trim()),
                    format!(
                        "there is no grade \"{}\"; the scheme's grades are {names}",
                        b.trim()
                    ),
                );
            }
        }
        if let Some(list) = &raw.excellent_grades {
            let at = at.push("excellent_grades", "excellent_grades");
            for g in list.iter().filter(|g| !known(g)) {
                errs.add(
                    &at,
                    format!("没有等级「{}」；方案的等级为 {names}", g.trim()),
                    format!(
                        "there is no grade \"{}\"; the scheme's grades are {names}",
                        g.trim()
                    ),
                );
            }
            // In the scheme's order, each once.
            out.excellent = grades
                .iter()
                .filter(|g| list.iter().any(|x| x.trim() == g.name))
                .map(|g| g.name.clone())
                .collect();
        }
    }
    let mut caps = Vec::new();
    if let Some(raw) = distribution {
        let at = At::default().push("[distribution]", "[distribution]");
        for (name, share) in raw {
            let at = at.push(&format!("等级 {name}"), &format!("grade {name}"));
            if !known(name) {
                errs.add(
                    &at,
                    format!("没有这个等级；方案的等级为 {names}"),
                    format!("no such grade; the scheme's grades are {names}"),
                );
            } else if share.0 <= Decimal::ZERO || share.0 > Decimal::ONE {
                errs.add(
                    &at,
                    "比例应大于 0、不超过 1（如 0.10 表示最多 10%）",
                    "the share must be above 0 and at most 1 (0.10 means at most 10%)",
                );
            }
        }
        for g in grades {
            if let Some(share) = raw.get(&g.name) {
                if share.0 > Decimal::ZERO && share.0 <= Decimal::ONE {
                    caps.push((g.name.clone(), share.0));
                }
            }
        }
    }
    (out, caps)
}

impl Apply {
    /// Whether `grade` is lower than the line (by the scheme's order of
    /// grades, highest first).
    pub fn is_below(&self, grades: &[Grade], grade: &str) -> bool {
        let rank = |n: &str| grades.iter().position(|g| g.name == n);
        match (rank(grade), rank(&self.below)) {
            (Some(g), Some(line)) => g > line,
            _ => false,
        }
    }

    pub fn is_excellent(&self, grade: &str) -> bool {
        self.excellent.iter().any(|g| g == grade)
    }
}

#[cfg(test)]
mod tests {
    use crate::scheme::Scheme;

    const PROFILE: &str = r#"
[[profiles]]
name = "P"
roles = ["销售"]
indicators = [ { code = "followups", weight = 100, pass = 10, excellent = 20 } ]
"#;

    fn scheme(extra: &str) -> Result<Scheme, String> {
        Scheme::parse(&format!("name = \"t\"\n{extra}\n{PROFILE}"), "t.toml").map_err(|e| e.message)
    }

    #[test]
    fn defaults_are_the_pass_grade_and_the_two_highest() {
        let s = scheme("").unwrap();
        assert_eq!(s.apply.improvement_after, None);
        assert_eq!(s.apply.below, "C");
        assert_eq!(s.apply.excellent, vec!["S", "A"]);
        assert!(s.apply.is_below(&s.grades, "D"));
        assert!(!s.apply.is_below(&s.grades, "C"));
        assert!(s.distribution.is_empty());
    }

    #[test]
    fn a_named_line_and_caps_are_read_in_grade_order() {
        let s = scheme(
            "[apply]\nimprovement_after = 3\nimprovement_below = \"B\"\nexcellent_grades = [\"A\", \"S\"]\n[distribution]\nA = 0.25\nS = 0.1\n",
        )
        .unwrap();
        assert_eq!(s.apply.improvement_after, Some(3));
        assert!(s.apply.is_below(&s.grades, "C"));
        assert!(!s.apply.is_below(&s.grades, "B"));
        assert_eq!(s.apply.excellent, vec!["S", "A"]);
        assert_eq!(
            s.distribution,
            vec![
                ("S".to_string(), rust_decimal::Decimal::new(1, 1)),
                ("A".to_string(), rust_decimal::Decimal::new(25, 2))
            ]
        );
    }

    #[test]
    fn unknown_grades_zero_months_and_bad_shares_are_errors() {
        let e = scheme(
            "[apply]\nimprovement_after = 0\nimprovement_below = \"E\"\nexcellent_grades = [\"X\"]\n[distribution]\nS = 1.5\nZ = 0.1\n",
        )
        .unwrap_err();
        assert!(e.contains("improvement_after"), "{e}");
        assert!(e.contains("没有等级「E」"), "{e}");
        assert!(e.contains("没有等级「X」"), "{e}");
        assert!(e.contains("等级 S：比例应大于 0"), "{e}");
        assert!(e.contains("等级 Z：没有这个等级"), "{e}");
    }
}
