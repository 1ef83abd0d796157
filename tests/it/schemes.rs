//! The scheme presets and the sample scheme: every one parses and
//! validates, follows the dimension ranges, and the sample's profiles are
//! exactly the presets' (so they cannot drift apart).

use std::path::{Path, PathBuf};

use kaohe::scheme::catalogue::{COLLABORATION, CUSTOMER_OPS, PERFORMANCE, PROCESS};
use kaohe::scheme::{IndicatorSpec, Scheme};
use rust_decimal::Decimal;

use crate::common::kaohe;

const PRESETS: [&str; 5] = [
    "商务专员-B2B",
    "商务专员-B2C",
    "招商专员",
    "客户经理",
    "商务总监",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn preset_path(name: &str) -> PathBuf {
    root()
        .join("workbook-templates/schemes")
        .join(format!("{name}.toml"))
}

fn load(path: &Path) -> Scheme {
    Scheme::load(path).unwrap_or_else(|e| panic!("{e}"))
}

fn dimension_weight(list: &[IndicatorSpec], dim: &str) -> Decimal {
    list.iter()
        .filter(|s| !s.gate && s.dimension == dim)
        .map(|s| s.weight)
        .sum()
}

#[test]
fn every_preset_parses_and_follows_the_dimension_ranges() {
    for name in PRESETS {
        let s = load(&preset_path(name));
        assert_eq!(s.versions.len(), 1, "{name}");
        let profiles = &s.versions[0].profiles;
        assert_eq!(profiles.len(), 1, "{name}");
        let p = &profiles[0];
        assert_eq!(p.name, name);
        assert_eq!(p.roles, [name]);
        assert!(s.check_roles(&[name]).is_empty());

        let weighted = p.indicators.iter().filter(|s| !s.gate).count();
        assert!(
            (8..=12).contains(&weighted),
            "{name}: {weighted} indicators"
        );
        let range = |dim: &str, lo: i64, hi: i64| {
            let w = dimension_weight(&p.indicators, dim);
            assert!(
                w >= Decimal::from(lo) && w <= Decimal::from(hi),
                "{name} {dim}: {w}"
            );
        };
        range(PERFORMANCE, 40, 50);
        range(CUSTOMER_OPS, 20, 25);
        range(PROCESS, 15, 20);
        range(COLLABORATION, 10, 15);
        // The method's ledger lines in every list: completeness 100 % (a
        // gate, penalty 5) and accuracy at least 98 % (a gate, or a weighted
        // indicator passing at 98 %).
        for section in p.sections() {
            let list = section.indicators;
            let find = |code: &str| list.iter().find(|s| s.code == code);
            let completeness = find("ledger_completeness").expect("completeness");
            assert!(completeness.gate, "{name}");
            assert_eq!(completeness.pass, Some(Decimal::ONE), "{name}");
            assert_eq!(completeness.penalty, Decimal::from(5));
            let accuracy = find("ledger_accuracy").expect("accuracy");
            assert_eq!(accuracy.pass, Some(Decimal::new(98, 2)), "{name}");
            // 满意度: 8.5 passes (scores 60), below 7 fails (scores 0).
            if let Some(sat) = find("satisfaction") {
                let score = |v| kaohe::compute::score::indicator_score(sat, v, 1);
                assert_eq!(score(Decimal::new(85, 1)), Decimal::from(60), "{name}");
                assert!(score(Decimal::new(84, 1)) < Decimal::from(60), "{name}");
                assert_eq!(score(Decimal::new(69, 1)), Decimal::ZERO, "{name}");
            }
            // 回访: at least half of the active customers.
            if let Some(cov) = find("customer_coverage") {
                assert_eq!(cov.pass, Some(Decimal::new(5, 1)), "{name}");
            }
        }

        // Probation: lighter performance, more process.
        let prob = p.probation.as_ref().expect("a probation variant");
        let perf = dimension_weight(prob, PERFORMANCE);
        let process = dimension_weight(prob, PROCESS);
        if name == "招商专员" {
            assert_eq!(perf, Decimal::from(10));
            assert_eq!(process, Decimal::from(60));
            // 能力 30 %: 专业能力 and 产品知识, not collaboration ratings.
            assert_eq!(dimension_weight(prob, "能力发展"), Decimal::from(30));
            assert_eq!(dimension_weight(prob, COLLABORATION), Decimal::ZERO);
        } else {
            assert_eq!(perf, Decimal::from(30), "{name}");
            assert_eq!(process, Decimal::from(30), "{name}");
        }

        // The 商务专员 presets: a senior variant with 业绩 50 % and 团队帮扶
        // 5–10 % as a rating.
        match (name.starts_with("商务专员"), p.senior.as_ref()) {
            (true, Some(senior)) => {
                assert_eq!(dimension_weight(senior, PERFORMANCE), Decimal::from(50));
                let help = senior
                    .iter()
                    .find(|s| s.code == "rating:团队帮扶")
                    .expect("团队帮扶");
                assert!(help.weight >= Decimal::from(5) && help.weight <= Decimal::from(10));
            }
            (false, None) => {}
            (is, senior) => panic!("{name}: senior variant {}, expected {is}", senior.is_some()),
        }
    }
}

/// Period layers as the method gives them (SPEC 5): the 商务专员-B2B year
/// is 业绩 60 + 行为 20 + 能力 20, for regular and senior reps alike; months
/// and quarters keep the profile's lists.
#[test]
fn the_b2b_year_is_performance_60_conduct_20_ability_20() {
    use kaohe::scheme::{PeriodKind, Variant};
    let s = load(&preset_path("商务专员-B2B"));
    let p = &s.versions[0].profiles[0];
    for variant in [Variant::Regular, Variant::Senior] {
        let year = p.section(variant, PeriodKind::Year);
        assert_eq!((year.variant, year.kind), (variant, Some(PeriodKind::Year)));
        for (dim, w) in [(PERFORMANCE, 60), ("行为合规", 20), ("能力发展", 20)] {
            assert_eq!(
                dimension_weight(year.indicators, dim),
                Decimal::from(w),
                "{variant:?} {dim}"
            );
        }
        for kind in [PeriodKind::Month, PeriodKind::Quarter] {
            assert_eq!(p.section(variant, kind).kind, None, "{variant:?} {kind:?}");
        }
    }
    // A probation rep in a year (hired in its last three months) keeps the
    // probation list: the variant's own list is more specific than the
    // profile's year.
    let prob = p.section(Variant::Probation, PeriodKind::Year);
    assert_eq!((prob.variant, prob.kind), (Variant::Probation, None));
}

/// 转介绍 per month as the method gives it: B2B at least 2, B2C at least 5.
#[test]
fn referral_lines_follow_the_method() {
    for (name, pass) in [("商务专员-B2B", 2), ("商务专员-B2C", 5)] {
        let s = load(&preset_path(name));
        let p = &s.versions[0].profiles[0];
        let referrals = p
            .indicators
            .iter()
            .find(|s| s.code == "referrals")
            .expect("referrals");
        assert_eq!(referrals.pass, Some(Decimal::from(pass)), "{name}");
    }
}

#[test]
fn sample_scheme_profiles_equal_the_presets() {
    let sample = load(&root().join("samples/考核方案.toml"));
    let roles = ["商务专员-B2B", "商务专员-B2C", "招商专员", "商务总监"];
    assert!(sample.check_roles(&roles).is_empty());
    assert_eq!(sample.versions.len(), 1);
    let profiles = &sample.versions[0].profiles;
    assert_eq!(profiles.len(), roles.len());
    for (p, role) in profiles.iter().zip(roles) {
        let preset = load(&preset_path(role));
        assert_eq!(p, &preset.versions[0].profiles[0], "{role}");
        assert_eq!(sample.defaults, preset.defaults, "{role}");
        assert_eq!(sample.grades, preset.grades, "{role}");
    }
}

#[test]
fn presets_use_the_sample_rating_names_and_raters() {
    for name in PRESETS {
        let s = load(&preset_path(name));
        let p = &s.versions[0].profiles[0];
        let lists = p
            .indicators
            .iter()
            .chain(p.probation.iter().flatten())
            .chain(p.senior.iter().flatten());
        for spec in lists {
            match spec.rating_name() {
                Some("协作响应速度") => {
                    assert_eq!(spec.scale, Some(Decimal::from(5)));
                    let raters: Vec<_> = spec.raters.iter().map(|r| r.0).collect();
                    assert_eq!(raters, ["supervisor", "peer"]);
                }
                Some("协作任务质量") => {
                    assert_eq!(spec.scale, Some(Decimal::from(10)));
                    let raters: Vec<_> = spec.raters.iter().map(|r| r.0).collect();
                    assert_eq!(raters, ["supervisor", "partner_dept"]);
                }
                // The method's ability and team-help ratings: 10-point
                // scale, rated by the supervisor.
                Some("专业能力" | "产品知识" | "团队帮扶") => {
                    assert_eq!(spec.scale, Some(Decimal::from(10)));
                    let raters: Vec<_> = spec.raters.iter().map(|r| r.0).collect();
                    assert_eq!(raters, ["supervisor"]);
                }
                Some(other) => panic!("{name}: unexpected rating {other}"),
                None => {}
            }
        }
    }
}

/// Every way a scheme can be wrong, through the command line: exit code 2
/// (SPEC 9), and a message naming the file, the place (line and column for
/// TOML mistakes; version, profile and indicator otherwise) and the fix.
#[test]
fn scheme_mistakes_name_the_file_the_place_and_the_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let ledgers = tmp.path().join("ledgers");
    crate::cli::clean_ledgers(&ledgers);
    let profile = |name: &str, roles: &str, ind: &str| {
        format!("[[profiles]]\nname = \"{name}\"\nroles = [{roles}]\nindicators = [{ind}]\n")
    };
    let ok = "{ code = \"followups\", weight = 100, pass = 1, excellent = 3 }";
    let head = "name = \"x\"\nversion = \"1\"\n";
    let version = |from: &str| {
        format!(
            "[[versions]]\neffective_from = \"{from}\"\n[[versions.profiles]]\nname = \"B2B\"\nroles = [\"商务专员-B2B\"]\nindicators = [{ok}]\n"
        )
    };
    let cases: Vec<(&str, String, Vec<&str>)> = vec![
        (
            "TOML syntax",
            format!("{head}[[profiles]\nname = \"B2B\"\n"),
            vec!["第 3 行第 12 列", "line 3, column 12", "invalid TOML"],
        ),
        (
            "unknown key",
            format!(
                "{head}{}",
                profile("B2B", "\"商务专员-B2B\"", &ok.replace("weight", "wieght"))
            ),
            vec![
                "line 6, column",
                "unknown field `wieght`",
                "expected one of",
            ],
        ),
        (
            "weights not summing to 100",
            format!(
                "{head}{}",
                profile("B2B", "\"商务专员-B2B\"", &ok.replace("100", "90"))
            ),
            vec!["profile \"B2B\"", "sum to 90, not 100", "add up to 100"],
        ),
        (
            "inverted lines",
            format!(
                "{head}{}",
                profile(
                    "B2B",
                    "\"商务专员-B2B\"",
                    &ok.replace("pass = 1, excellent = 3", "pass = 3, excellent = 1")
                )
            ),
            vec![
                "profile \"B2B\", indicator followups",
                "excellent must be above pass (pass 3, excellent 1)",
            ],
        ),
        (
            "unknown indicator",
            format!(
                "{head}{}",
                profile(
                    "B2B",
                    "\"商务专员-B2B\"",
                    &ok.replace("followups", "folowups")
                )
            ),
            vec![
                "indicator folowups",
                "unknown indicator code",
                "kaohe explain",
            ],
        ),
        (
            "role matched by no profile",
            format!("{head}{}", profile("B2C", "\"商务专员-B2C\"", ok)),
            // Checked against the roster, in the language of the run.
            vec![
                "岗位“商务专员-B2B”在考核方案",
                "或把它加入方案某个档案的 roles",
            ],
        ),
        (
            "role matched by two profiles",
            format!(
                "{head}{}{}",
                profile("B2B", "\"商务专员-B2B\"", ok),
                profile("Other", "\"商务专员-B2B\"", ok)
            ),
            vec![
                "profile \"Other\"",
                "also covered by profile \"B2B\"",
                "one profile's roles only",
            ],
        ),
        (
            "overlapping versions",
            format!("{head}{}{}", version("2026-01-01"), version("2026-01-01")),
            vec!["same day: 2026-01-01", "its own effective_from"],
        ),
    ];
    for (what, text, needles) in cases {
        let file = tmp.path().join("方案.toml");
        std::fs::write(&file, &text).unwrap();
        let out = tmp.path().join("out");
        let o = kaohe(&[
            "run",
            ledgers.to_str().unwrap(),
            "--scheme",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        // Each line in the user's language: the Chinese run, then the
        // English one, together hold every needle.
        let en = kaohe(&[
            "run",
            ledgers.to_str().unwrap(),
            "--scheme",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--lang",
            "en",
        ]);
        assert_eq!(en.status.code(), Some(2), "{what}");
        let err = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stderr),
            String::from_utf8_lossy(&en.stderr)
        );
        assert_eq!(o.status.code(), Some(2), "{what}: {err}");
        assert!(
            err.contains(file.to_str().unwrap()),
            "{what}: names the file: {err}"
        );
        for n in needles {
            assert!(err.contains(n), "{what}: expected {n:?} in:\n{err}\n{text}");
        }
        assert!(!out.exists(), "{what}: nothing written");
    }
}
