//! `kaohe explain`: an indicator's definition, unit and direction; with
//! `--scheme`, how every profile of the scheme uses it (weight or gate,
//! lines, scoring, and the entry's options: target, basis, follow-up
//! methods, steps, scale and raters); `--all`: the Markdown reference
//! that is docs/indicators.md.

use std::path::Path;

use crate::exit::{say, EXIT_OK, EXIT_USAGE};
use crate::scheme::{IndicatorSpec, Method, Scheme};
use crate::Lang;

pub fn explain(
    indicator: Option<&str>,
    all: bool,
    scheme: Option<&Path>,
    lang: Lang,
) -> anyhow::Result<i32> {
    use crate::scheme::catalogue;
    if all {
        say(&catalogue::markdown());
        return Ok(EXIT_OK);
    }
    let Some(name) = indicator else {
        // No indicator named: the list to choose from, codes with names.
        let mut s = String::from(lang.pick(
            "指标（kaohe explain 代码或中文名 查看定义；--all 为全部定义）：\n",
            "indicators (kaohe explain CODE or name for a definition; --all for every one):\n",
        ));
        for d in catalogue::INDICATORS {
            s.push_str(&format!(
                "  {:<28} {}  {}\n",
                d.code,
                lang.pick(d.zh, d.en),
                d.dimension
            ));
        }
        s.push_str(lang.pick(
            "  rating:名称                   人工评分指标（如 rating:协作响应速度）\n",
            "  rating:NAME                  a manual indicator (e.g. rating:协作响应速度)\n",
        ));
        say(&s);
        return Ok(EXIT_OK);
    };
    let Some(d) = catalogue::lookup(name) else {
        let codes: Vec<&str> = catalogue::INDICATORS.iter().map(|d| d.code).collect();
        eprintln!(
            "kaohe: {} {name}; {}: {}, rating:NAME",
            lang.pick("未知指标", "unknown indicator"),
            lang.pick("可用", "known"),
            codes.join(", ")
        );
        return Ok(EXIT_USAGE);
    };
    // The scheme first: a scheme that does not validate is all that is said.
    let scheme = match scheme.map(Scheme::load) {
        Some(Err(e)) => {
            eprintln!("kaohe: {e}");
            return Ok(EXIT_USAGE);
        }
        Some(Ok(s)) => Some(s),
        None => None,
    };
    say(&catalogue::explain(&d, lang));
    if let Some(scheme) = scheme {
        let code = if name.starts_with("rating:") {
            name.to_string()
        } else {
            d.code.to_string()
        };
        say(&scheme_lines(&scheme, &code, lang));
    }
    Ok(EXIT_OK)
}

/// How a scheme uses an indicator: per version, profile and variant, one
/// line with the entry in words ([`entry_text`]).
pub fn scheme_lines(scheme: &Scheme, code: &str, lang: Lang) -> String {
    let mut out = format!(
        "\n{} {}（{}）:\n",
        lang.pick("考核方案", "Scheme"),
        scheme.name,
        scheme.label
    );
    let mut any = false;
    for v in &scheme.versions {
        for p in &v.profiles {
            for section in p.sections() {
                let label = crate::scheme::section_label(&section, lang);
                for spec in section.indicators.iter().filter(|s| {
                    s.code == code || (code == "rating" && s.code.starts_with("rating:"))
                }) {
                    any = true;
                    let rating = spec
                        .rating_name()
                        .filter(|_| code == "rating")
                        .map(|n| format!(" {n}"))
                        .unwrap_or_default();
                    out.push_str(&format!(
                        "  {} {} / {label}{rating}: {}\n",
                        crate::scheme::effective_label(v.effective_from, lang),
                        p.name,
                        entry_text(spec, &scheme.defaults, lang)
                    ));
                }
            }
        }
    }
    if !any {
        out.push_str(lang.pick(
            "  （本方案未使用该指标）\n",
            "  (not used by this scheme)\n",
        ));
    }
    out
}

/// One scheme entry in words: weight (or gate and penalty), lines as
/// written in the scheme, how it is scored (达标项, 人工评分 with its
/// scale and raters, or the method with a step table in full), and every
/// option that changes the value (target, basis, methods, first payment).
pub fn entry_text(spec: &IndicatorSpec, defaults: &crate::scheme::Defaults, lang: Lang) -> String {
    let d = |x: Option<rust_decimal::Decimal>| {
        x.map(|v| v.normalize().to_string())
            .unwrap_or_else(|| "-".into())
    };
    let mut parts: Vec<String> = Vec::new();
    if spec.gate {
        parts.push(match lang {
            Lang::Zh => format!("达标项，未达标扣 {} 分", spec.penalty.normalize()),
            Lang::En => format!("gate, a miss costs {} points", spec.penalty.normalize()),
        });
        parts.push(format!("{} {}", lang.pick("达标线", "pass"), d(spec.pass)));
    } else {
        parts.push(format!(
            "{} {}",
            lang.pick("权重", "weight"),
            spec.weight.normalize()
        ));
        let lines = spec.pass.is_some() || spec.excellent.is_some();
        if lines {
            parts.push(format!(
                "{} {} / {} {}",
                lang.pick("达标", "pass"),
                d(spec.pass),
                lang.pick("优秀", "excellent"),
                d(spec.excellent)
            ));
        }
        if spec.rating_name().is_some() {
            parts.push(lang.pick("人工评分", "manual rating").to_string());
        }
        if spec.method == Method::Linear && lines {
            parts.push(lang.pick("线性", "linear").to_string());
        }
        // Ratio, direct, steps (monthly thresholds), a rating's conversion.
        parts.extend(spec.scoring_text(rust_decimal::Decimal::ONE, lang));
        if matches!(spec.method, Method::Steps(_)) && spec.lines_scale() {
            parts.push(
                lang.pick(
                    "阈值为月度，季度 ×3、年度 ×12",
                    "monthly thresholds: ×3 for a quarter, ×12 for a year",
                )
                .to_string(),
            );
        }
    }
    parts.extend(spec.measure_text(defaults, lang));
    parts.join(lang.pick("，", ", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn preset(name: &str) -> Scheme {
        let path = format!(
            "{}/workbook-templates/schemes/{name}.toml",
            env!("CARGO_MANIFEST_DIR")
        );
        Scheme::load(Path::new(&path)).unwrap()
    }

    /// 招商's follow-ups count only visits; its key-project signings are
    /// scored by steps; gates and ratings are not called linear.
    #[test]
    fn scheme_lines_show_every_option() {
        let s = preset("招商专员");
        let followups = scheme_lines(&s, "followups", Lang::Zh);
        assert!(followups.contains("只计跟进方式：拜访"), "{followups}");
        let steps = scheme_lines(&s, "key_project_signings", Lang::Zh);
        assert!(
            steps.contains("阶梯计分：≥1 得 60；≥2 得 80；≥3 得 100（低于 1 得 0）"),
            "{steps}"
        );
        assert!(steps.contains("阈值为月度，季度 ×3、年度 ×12"), "{steps}");
        let gate = scheme_lines(&s, "ledger_completeness", Lang::Zh);
        assert!(gate.contains("达标项，未达标扣 5 分，达标线 1"), "{gate}");
        assert!(!gate.contains("线性"), "{gate}");
        let rating = scheme_lines(&s, "rating:协作响应速度", Lang::Zh);
        assert!(
            rating.contains(
                "人工评分，得分 = 评分 ÷ 5 × 100，5 分制，评分人及权重：上级 ×0.6、同级 ×0.4"
            ),
            "{rating}"
        );
        assert!(!rating.contains("线性"), "{rating}");
        let rating = scheme_lines(&s, "rating:协作响应速度", Lang::En);
        assert!(
            rating.contains("raters and weights: Supervisor ×0.6, Peer ×0.4"),
            "{rating}"
        );
        let area = scheme_lines(&s, "signed_area", Lang::En);
        assert!(
            area.contains("achievement against the targets' Signed area target (area_target)"),
            "{area}"
        );
        assert!(scheme_lines(&s, "gross_margin", Lang::Zh).contains("本方案未使用该指标"));
        // The second round's options: the outstanding basis, the renewal
        // window, the tier filter.
        let collection = scheme_lines(&s, "collection_rate", Lang::Zh);
        assert!(collection.contains("口径：应收总额"), "{collection}");
        let renewal = scheme_lines(&s, "renewal_rate", Lang::En);
        assert!(
            renewal.contains("renewed within 90 days of the end date"),
            "{renewal}"
        );
        let b2b = preset("商务专员-B2B");
        let new = scheme_lines(&b2b, "new_customers", Lang::Zh);
        assert!(new.contains("只计客户层级：高端"), "{new}");
    }
}
