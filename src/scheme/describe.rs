//! A scheme entry in words, for the 考核表's 说明 column, the team
//! summary and `kaohe explain --scheme`: the step table of a `steps` entry,
//! the options that change what an indicator's value is (target, sales
//! basis, follow-up methods, first payment, a rating's scale and raters)
//! and how it is scored (method, gate penalty). Bilingual through
//! [`Lang::pick`].

use rust_decimal::Decimal;

use super::catalogue::{Direction, Unit};
use super::{Defaults, IndicatorSpec, Method, SalesBasis};
use crate::input::columns::Kind;
use crate::input::parse::words;
use crate::Lang;

impl IndicatorSpec {
    /// The unit of the value scored: a ratio for achievement against a
    /// target (shown as %), else the catalogue's.
    pub fn value_unit(&self) -> Unit {
        if self.target.is_some() {
            Unit::Percent
        } else {
            self.def.unit
        }
    }

    /// A line or threshold in the value's unit: ratios as percentages
    /// (`0.8` → `80%`), other values as written (`1`, `7.5`).
    pub fn show_value(&self, v: Decimal) -> String {
        match self.value_unit() {
            Unit::Percent => format!("{}%", (v * Decimal::ONE_HUNDRED).normalize()),
            _ => v.normalize().to_string(),
        }
    }

    /// The step table of a `steps` entry with its thresholds × `factor`
    /// (the period's months for monthly counts, `compute::score::line_factor`):
    /// `≥1 得 60；≥2 得 80；≥3 得 100（低于 1 得 0）`. `None` for the other
    /// methods.
    pub fn steps_text(&self, factor: Decimal, lang: Lang) -> Option<String> {
        let Method::Steps(steps) = &self.method else {
            return None;
        };
        let up = self.direction() == Direction::Up;
        let cmp = if up { "≥" } else { "≤" };
        let parts: Vec<String> = steps
            .iter()
            .map(|(t, s)| {
                let t = self.show_value(t.saturating_mul(factor));
                let s = s.normalize();
                match lang {
                    Lang::Zh => format!("{cmp}{t} 得 {s}"),
                    Lang::En => format!("{cmp}{t}: {s}"),
                }
            })
            .collect();
        let mut text = parts.join(lang.pick("；", "; "));
        // Beyond the last step (below the lowest for ↑, above the highest
        // for ↓) the score is 0.
        let edge = if up { steps.first() } else { steps.last() };
        if let Some((t, _)) = edge.filter(|(_, s)| !s.is_zero()) {
            let t = self.show_value(t.saturating_mul(factor));
            text.push_str(&match (lang, up) {
                (Lang::Zh, true) => format!("（低于 {t} 得 0）"),
                (Lang::Zh, false) => format!("（高于 {t} 得 0）"),
                (Lang::En, true) => format!(" (below {t}: 0)"),
                (Lang::En, false) => format!(" (above {t}: 0)"),
            });
        }
        Some(text)
    }

    /// What the value is, where the entry's options make it differ from
    /// the catalogue's plain definition, one phrase each: the target it is
    /// an achievement against, the sales basis (the scheme's default when
    /// the entry sets none), the follow-up methods counted, the
    /// first-payment condition, a rating's scale and raters.
    pub fn measure_text(&self, defaults: &Defaults, lang: Lang) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(t) = &self.target {
            let col = Kind::Targets.column(t);
            out.push(match lang {
                Lang::Zh => format!(
                    "对目标表「{}」({t}) 计达成率",
                    col.map_or(t.as_str(), |c| c.zh)
                ),
                Lang::En => format!(
                    "achievement against the targets' {} ({t})",
                    col.map_or(t.as_str(), |c| c.en)
                ),
            });
        }
        if self.code == "sales" || self.code == "sales_achievement" {
            let basis = self.basis.unwrap_or(defaults.sales_basis);
            let what = match basis {
                SalesBasis::Signed => lang.pick(
                    "口径：签约额（按签约日期）",
                    "basis: signed (contract amounts by sign date)",
                ),
                SalesBasis::Collected => lang.pick(
                    "口径：回款额（按实际回款日期）",
                    "basis: collected (amounts paid by paid date)",
                ),
            };
            let default = if self.basis.is_none() {
                lang.pick("（方案默认）", " (scheme default)")
            } else {
                ""
            };
            out.push(format!("{what}{default}"));
        }
        if !self.methods.is_empty() {
            let names: Vec<&str> = self
                .methods
                .iter()
                .map(|code| {
                    words::METHODS
                        .iter()
                        .find(|w| w.code == *code)
                        .map_or(*code, |w| lang.pick(w.zh, w.en))
                })
                .collect();
            out.push(match lang {
                Lang::Zh => format!("只计跟进方式：{}", names.join("、")),
                Lang::En => format!("counts only follow-ups by: {}", names.join(", ")),
            });
        }
        if self.require_first_payment {
            out.push(
                lang.pick(
                    "只计首付款在宽限期内付清的客户",
                    "only customers whose first installment was paid in full within the grace days",
                )
                .to_string(),
            );
        }
        if self.team {
            out.push(
                lang.pick(
                    "团队指标：按期末团队全体成员合计（比率为分子之和 ÷ 分母之和），本表只显示团队合计",
                    "team indicator: pooled over every member of the team at the period's end (rates as Σ numerators ÷ Σ denominators); only the team's total is shown",
                )
                .to_string(),
            );
        }
        if self.collection_basis == super::CollectionBasis::Outstanding {
            out.push(
                lang.pick(
                    "口径：应收总额（本期应收加期初仍欠的逾期应收，按本期实际回款）",
                    "basis: outstanding (due in the period plus what was still owed at its start; paid in the period)",
                )
                .to_string(),
            );
        }
        if self.code == "intent_followup_coverage" {
            out.push(match lang {
                Lang::Zh => format!("每个完整周至少跟进 {} 次", self.times_per_week),
                Lang::En => format!(
                    "at least {} follow-ups in every full week",
                    self.times_per_week
                ),
            });
        }
        if self.code == "renewal_rate" {
            out.push(match lang {
                Lang::Zh => format!("到期日前后 {} 天内续签", self.renewal_window_days),
                Lang::En => format!(
                    "renewed within {} days of the end date",
                    self.renewal_window_days
                ),
            });
        }
        for (list, zh, en) in [
            (&self.tiers, "只计客户层级", "only customer tiers"),
            (&self.channels, "只计渠道", "only channels"),
        ] {
            if !list.is_empty() {
                out.push(match lang {
                    Lang::Zh => format!("{zh}：{}", list.join("、")),
                    Lang::En => format!("{en}: {}", list.join(", ")),
                });
            }
        }
        if let Some(scale) = self.scale {
            out.push(match lang {
                Lang::Zh => format!("{} 分制", scale.normalize()),
                Lang::En => format!("scale of {}", scale.normalize()),
            });
        }
        if !self.raters.is_empty() {
            let raters: Vec<String> = self
                .raters
                .iter()
                .map(|(code, w)| {
                    let name = words::RATERS
                        .iter()
                        .find(|r| r.code == *code)
                        .map_or(*code, |r| lang.pick(r.zh, r.en));
                    format!("{name} ×{}", w.normalize())
                })
                .collect();
            out.push(match lang {
                Lang::Zh => format!("评分人及权重：{}", raters.join("、")),
                Lang::En => format!("raters and weights: {}", raters.join(", ")),
            });
        }
        out
    }

    /// How the value is scored, one phrase each: a gate and its penalty;
    /// the method when it is not the default linear one (the step table
    /// with thresholds × `factor`); a rating converted by its scale; lines
    /// kept monthly (`scale_with_period = false`).
    pub fn scoring_text(&self, factor: Decimal, lang: Lang) -> Vec<String> {
        let mut out = Vec::new();
        if self.gate {
            out.push(match lang {
                Lang::Zh => format!("达标项：未达标扣 {} 分", self.penalty.normalize()),
                Lang::En => format!("gate: a miss costs {} points", self.penalty.normalize()),
            });
            return out;
        }
        let converted = self.rating_name().is_some()
            && self.pass.is_none()
            && self.excellent.is_none()
            && matches!(self.method, Method::Linear | Method::Direct);
        match &self.method {
            Method::Linear if !converted => {}
            Method::Linear | Method::Direct if converted => {
                let scale = self.scale.unwrap_or(Decimal::ONE_HUNDRED).normalize();
                out.push(match lang {
                    Lang::Zh => format!("得分 = 评分 ÷ {scale} × 100"),
                    Lang::En => format!("score = rating ÷ {scale} × 100"),
                });
            }
            Method::Ratio { cap } => out.push(match lang {
                Lang::Zh => format!(
                    "比例计分：得分 = 考核值 ÷ 达标线 × 100，封顶 {}",
                    (cap * Decimal::ONE_HUNDRED).normalize()
                ),
                Lang::En => format!(
                    "ratio: score = value ÷ pass × 100, capped at {}",
                    (cap * Decimal::ONE_HUNDRED).normalize()
                ),
            }),
            Method::Steps(_) => {
                if let Some(t) = self.steps_text(factor, lang) {
                    out.push(format!("{}{t}", lang.pick("阶梯计分：", "steps: ")));
                }
            }
            Method::Linear | Method::Direct => out.push(
                lang.pick(
                    "直接计分：考核值即得分（0–100）",
                    "direct: the value is the score (0–100)",
                )
                .to_string(),
            ),
        }
        if !self.scale_with_period {
            out.push(
                lang.pick(
                    "季度、年度沿用月度线",
                    "quarters and years keep the monthly lines",
                )
                .to_string(),
            );
        }
        out
    }

    /// The kind of scoring in a word or two, for a column of its own:
    /// 达标项 (gate), 人工评分 (rating), else the method (线性, 比例,
    /// 直接, 阶梯).
    pub fn scoring_label(&self, lang: Lang) -> &'static str {
        if self.gate {
            return lang.pick("达标项", "gate");
        }
        if self.rating_name().is_some() {
            return lang.pick("人工评分", "manual rating");
        }
        match self.method {
            Method::Linear => lang.pick("线性", "linear"),
            Method::Ratio { .. } => lang.pick("比例", "ratio"),
            Method::Direct => lang.pick("直接", "direct"),
            Method::Steps(_) => lang.pick("阶梯", "steps"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Scheme;
    use super::*;

    fn specs(indicators: &str) -> Vec<IndicatorSpec> {
        let text = format!(
            "name = \"t\"\n[[profiles]]\nname = \"P\"\nroles = [\"销售\"]\nindicators = [\n{indicators}\n]\n"
        );
        let s = Scheme::parse(&text, "t.toml").unwrap();
        s.versions[0].profiles[0].indicators.clone()
    }

    #[test]
    fn steps_in_words_scale_with_the_period() {
        let s = specs(
            "{ code = \"key_project_signings\", weight = 50, method = \"steps\", steps = [[1, 60], [2, 80], [3, 100]] },
             { code = \"churn_rate\", weight = 30, method = \"steps\", steps = [[0.02, 100], [0.05, 60]] },
             { code = \"new_customers\", weight = 20, target = \"new_customer_target\", method = \"steps\", steps = [[0, 0], [0.8, 60], [1, 100]] }",
        );
        let one = Decimal::ONE;
        assert_eq!(
            s[0].steps_text(one, Lang::Zh).unwrap(),
            "≥1 得 60；≥2 得 80；≥3 得 100（低于 1 得 0）"
        );
        // A quarter: thresholds × 3 (1 → 3, 2 → 6, 3 → 9).
        assert_eq!(
            s[0].steps_text(Decimal::from(3), Lang::En).unwrap(),
            "≥3: 60; ≥6: 80; ≥9: 100 (below 3: 0)"
        );
        // ↓: the smallest threshold at or above the value; rates as %.
        assert_eq!(
            s[1].steps_text(one, Lang::Zh).unwrap(),
            "≤2% 得 100；≤5% 得 60（高于 5% 得 0）"
        );
        // Achievement ratios as %, no "below" when the first step scores 0.
        assert_eq!(
            s[2].steps_text(one, Lang::Zh).unwrap(),
            "≥0% 得 0；≥80% 得 60；≥100% 得 100"
        );
        assert_eq!(
            s[0].scoring_text(one, Lang::Zh),
            ["阶梯计分：≥1 得 60；≥2 得 80；≥3 得 100（低于 1 得 0）"]
        );
        assert_eq!(s[0].scoring_label(Lang::Zh), "阶梯");
    }

    #[test]
    fn options_in_words() {
        let s = specs(
            "{ code = \"followups\", weight = 20, pass = 20, excellent = 30, methods = [\"拜访\"], scale_with_period = false },
             { code = \"sales\", weight = 20, pass = 1, excellent = 2, basis = \"collected\" },
             { code = \"sales_achievement\", weight = 10, pass = 0.8, excellent = 1.2 },
             { code = \"new_customers\", weight = 10, pass = 0.8, excellent = 1.2, target = \"new_customer_target\", require_first_payment = true },
             { code = \"rating:协作响应速度\", weight = 20, scale = 5, raters = { \"上级\" = 0.6, \"同级\" = 0.4 } },
             { code = \"collection_rate\", weight = 20, method = \"ratio\", pass = 0.9, cap = 1.2 },
             { code = \"ledger_completeness\", gate = true, pass = 0.95, penalty = 5 }",
        );
        let d = Defaults::default();
        let one = Decimal::ONE;
        assert_eq!(s[0].measure_text(&d, Lang::Zh), ["只计跟进方式：拜访"]);
        assert_eq!(
            s[0].measure_text(&d, Lang::En),
            ["counts only follow-ups by: Visit"]
        );
        assert_eq!(s[0].scoring_text(one, Lang::Zh), ["季度、年度沿用月度线"]);
        assert_eq!(
            s[1].measure_text(&d, Lang::Zh),
            ["口径：回款额（按实际回款日期）"]
        );
        assert_eq!(
            s[2].measure_text(&d, Lang::Zh),
            [
                "对目标表「销售额目标」(sales_target) 计达成率",
                "口径：签约额（按签约日期）（方案默认）"
            ]
        );
        assert_eq!(
            s[3].measure_text(&d, Lang::En),
            [
                "achievement against the targets' New customer target (new_customer_target)",
                "only customers whose first installment was paid in full within the grace days"
            ]
        );
        assert_eq!(s[3].value_unit(), Unit::Percent);
        assert_eq!(
            s[4].measure_text(&d, Lang::Zh),
            ["5 分制", "评分人及权重：上级 ×0.6、同级 ×0.4"]
        );
        assert_eq!(s[4].scoring_text(one, Lang::Zh), ["得分 = 评分 ÷ 5 × 100"]);
        assert_eq!(s[4].scoring_label(Lang::En), "manual rating");
        assert_eq!(
            s[5].scoring_text(one, Lang::Zh),
            ["比例计分：得分 = 考核值 ÷ 达标线 × 100，封顶 120"]
        );
        assert_eq!(
            s[6].scoring_text(one, Lang::En),
            ["gate: a miss costs 5 points"]
        );
        assert_eq!(s[6].scoring_label(Lang::Zh), "达标项");
        assert!(s[6].measure_text(&d, Lang::Zh).is_empty());
    }
}
