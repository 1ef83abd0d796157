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

    /// What the value is called in the 评分标准 text: 达成率 for
    /// achievement, else 考核值 (the 考核表's value column).
    fn value_word(&self, lang: Lang) -> &'static str {
        if self.target.is_some() || self.code == "sales_achievement" {
            lang.pick("达成率", "achievement")
        } else {
            lang.pick("考核值", "value")
        }
    }

    /// The 评分标准 of the 考核表: how the line is scored, in words, with
    /// the lines in force for the period (thresholds × `factor`, the
    /// period's months for monthly counts, `compute::score::line_factor`):
    ///
    /// - linear ↑: `考核值 ≥ 120% 得 100 分；= 80% 得 60 分；之间按比例；低于 80% 按 60×考核值÷80%`
    /// - linear ↓: `越低越好：考核值 ≤ 2% 得 100 分；= 5% 得 60 分；之间按比例；高于 5% 按 60×(1−(考核值−5%)÷5%)，最低 0 分`
    /// - ratio: `得分 = 考核值 ÷ 90% × 100，封顶 120 分`
    /// - direct: `得分 = 考核值（0–100）`
    /// - steps: `阶梯：≥1 得 60；≥2 得 80；≥3 得 100（低于 1 得 0）`
    /// - gate: `≥95% 为达标；未达标扣 5 分`
    /// - a rating without lines: `人工评分（5 分制）：得分 = 评分 ÷ 5 × 100`
    ///
    /// Lines that scale with the period say so (`月度线 ×3`).
    pub fn criterion_text(&self, factor: Decimal, lang: Lang) -> String {
        let up = self.direction() == Direction::Up;
        let v = self.value_word(lang);
        let at = |x: Option<Decimal>| x.map(|x| self.show_value(x.saturating_mul(factor)));
        let (pass, excellent) = (at(self.pass), at(self.excellent));
        let lower = if up {
            ""
        } else {
            lang.pick("越低越好：", "lower is better: ")
        };
        let sep = lang.pick("；", "; ");
        let mut text = if self.gate {
            let pen = self.penalty.normalize();
            match (pass, lang) {
                (Some(p), Lang::Zh) => format!(
                    "{lower}{v} {}{p} 为达标{sep}未达标扣 {pen} 分",
                    if up { "≥ " } else { "≤ " }
                ),
                (Some(p), Lang::En) => format!(
                    "{lower}met when the {v} is {} {p}{sep}a miss costs {pen} points",
                    if up { "≥" } else { "≤" }
                ),
                (None, _) => lang
                    .pick(
                        "达标项：无达标线，始终达标",
                        "gate without a pass line: always met",
                    )
                    .to_string(),
            }
        } else {
            let converted = self.rating_name().is_some()
                && self.pass.is_none()
                && self.excellent.is_none()
                && matches!(self.method, Method::Linear | Method::Direct);
            if converted {
                match self.scale.map(|s| s.normalize()) {
                    Some(s) if s != Decimal::ONE_HUNDRED => match lang {
                        Lang::Zh => format!("人工评分（{s} 分制）：得分 = 评分 ÷ {s} × 100"),
                        Lang::En => {
                            format!("manual rating (scale of {s}): score = rating ÷ {s} × 100")
                        }
                    },
                    _ => lang
                        .pick(
                            "人工评分：得分 = 评分（0–100）",
                            "manual rating: score = rating (0–100)",
                        )
                        .to_string(),
                }
            } else {
                match (&self.method, pass, excellent) {
                    (Method::Linear, Some(p), Some(e)) => match (lang, up) {
                        (Lang::Zh, true) => format!(
                            "{v} ≥ {e} 得 100 分；= {p} 得 60 分；之间按比例；低于 {p} 按 60×{v}÷{p}"
                        ),
                        (Lang::Zh, false) => format!(
                            "{lower}{v} ≤ {e} 得 100 分；= {p} 得 60 分；之间按比例；高于 {p} 按 60×(1−({v}−{p})÷{p})，最低 0 分"
                        ),
                        (Lang::En, true) => format!(
                            "{v} ≥ {e}: 100; = {p}: 60; in proportion between; below {p}: 60 × {v} ÷ {p}"
                        ),
                        (Lang::En, false) => format!(
                            "{lower}{v} ≤ {e}: 100; = {p}: 60; in proportion between; above {p}: 60 × (1 − ({v} − {p}) ÷ {p}), at least 0"
                        ),
                    },
                    (Method::Ratio { cap }, Some(p), _) => {
                        let cap = (cap * Decimal::ONE_HUNDRED).normalize();
                        match lang {
                            Lang::Zh => format!("得分 = {v} ÷ {p} × 100，封顶 {cap} 分"),
                            Lang::En => format!("score = {v} ÷ {p} × 100, at most {cap}"),
                        }
                    }
                    (Method::Steps(_), _, _) => format!(
                        "{lower}{}{}",
                        lang.pick("阶梯：", "steps: "),
                        self.steps_text(factor, lang).unwrap_or_default()
                    ),
                    _ => match lang {
                        Lang::Zh => format!("得分 = {v}（0–100）"),
                        Lang::En => format!("score = the {v} (0–100)"),
                    },
                }
            }
        };
        if factor > Decimal::ONE && (self.pass.is_some() || matches!(self.method, Method::Steps(_)))
        {
            text.push_str(&match lang {
                Lang::Zh => format!("（月度线 ×{}）", factor.normalize()),
                Lang::En => format!(" (monthly lines ×{})", factor.normalize()),
            });
        }
        text
    }

    /// Where the value comes from (数据来源): the ledgers and their columns,
    /// `回款台账（合同金额、签约日期）；目标表（销售额目标）`.
    pub fn data_source(&self, defaults: &Defaults, lang: Lang) -> String {
        use Kind::*;
        let basis = self.basis.unwrap_or(defaults.sales_basis);
        let sales: &[&str] = match basis {
            SalesBasis::Signed => &["contract_amount", "sign_date"],
            SalesBasis::Collected => &["amount_paid", "paid_date"],
        };
        let collection: &[&str] = &["amount_due", "due_date", "amount_paid", "paid_date"];
        let mut parts: Vec<(Kind, Vec<&str>)> = match self.code.as_str() {
            "sales" => vec![(Payments, sales.to_vec())],
            "sales_achievement" if self.target.is_none() => {
                vec![(Payments, sales.to_vec()), (Targets, vec!["sales_target"])]
            }
            "sales_achievement" => vec![(Payments, sales.to_vec())],
            "new_customers" => vec![(Payments, vec!["customer_id", "sign_date"])],
            "new_customer_revenue_share" => {
                vec![(
                    Payments,
                    vec!["customer_id", "contract_amount", "sign_date"],
                )]
            }
            "collection_rate" => vec![(Payments, collection.to_vec())],
            "first_payment_rate" | "final_payment_rate" => {
                let mut c = collection.to_vec();
                c.push("payment_kind");
                vec![(Payments, c)]
            }
            "avg_deal_size" => vec![(Payments, vec!["contract_amount", "sign_date"])],
            "gross_margin" => vec![(Payments, vec!["gross_profit", "contract_amount"])],
            "signed_area" => vec![(Payments, vec!["area", "sign_date"])],
            "key_project_signings" => vec![(Payments, vec!["key_project", "sign_date"])],
            "sales_cycle_days" => vec![
                (Customers, vec!["lead_time"]),
                (Payments, vec!["sign_date"]),
            ],
            "repurchase_rate" | "churn_rate" => vec![
                (Customers, vec!["owner", "status", "end_date"]),
                (Payments, vec!["sign_date"]),
            ],
            "referrals" => vec![
                (Customers, vec!["source", "referrer"]),
                (Payments, vec!["sign_date"]),
            ],
            "satisfaction" => vec![(Scores, vec!["indicator", "score"])],
            "customer_coverage" => vec![(Customers, vec!["owner"]), (Followups, vec!["time"])],
            "first_followup_24h" => vec![
                (Customers, vec!["owner", "lead_time"]),
                (Followups, vec!["time"]),
            ],
            "intent_followups_per_week" => vec![(Followups, vec!["time", "stage"])],
            "followups" if self.methods.is_empty() => vec![(Followups, vec!["time"])],
            "followups" => vec![(Followups, vec!["time", "method"])],
            "conversion_rate" => vec![(Followups, vec!["stage"]), (Payments, vec!["sign_date"])],
            "approval_on_time_rate" => vec![
                (
                    Payments,
                    vec!["submitted_date", "approved_date", "contract_type"],
                ),
                (Calendar, vec![]),
            ],
            "ledger_completeness" | "ledger_accuracy" => {
                vec![(Customers, vec![]), (Followups, vec![]), (Payments, vec![])]
            }
            _ if self.rating_name().is_some() => {
                let mut c = vec!["indicator", "score"];
                if !self.raters.is_empty() {
                    c.push("rater");
                }
                vec![(Scores, c)]
            }
            _ => Vec::new(),
        };
        if let Some(t) = &self.target {
            parts.push((Targets, vec![t.as_str()]));
        }
        parts
            .iter()
            .map(|(kind, cols)| {
                let names: Vec<&str> = cols
                    .iter()
                    .map(|c| kind.column(c).map_or(*c, |d| d.header(lang)))
                    .collect();
                if names.is_empty() {
                    kind.name(lang).to_string()
                } else {
                    format!(
                        "{}{}{}{}",
                        kind.name(lang),
                        lang.pick("（", " ("),
                        names.join(lang.pick("、", ", ")),
                        lang.pick("）", ")")
                    )
                }
            })
            .collect::<Vec<_>>()
            .join(lang.pick("；", "; "))
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

    /// The 评分标准 of each method, as the 考核表 prints it. Lines are the
    /// period's: a quarter (factor 3) multiplies the monthly count lines
    /// 1 and 2 by 3 (3 and 6) and the steps 1, 2, 3 (3, 6, 9); rates and
    /// achievement never scale.
    #[test]
    fn scoring_rules_in_words_for_each_method() {
        let s = specs(
            "{ code = \"sales_achievement\", weight = 20, pass = 0.8, excellent = 1.2 },
             { code = \"churn_rate\", weight = 10, pass = 0.05, excellent = 0.02 },
             { code = \"collection_rate\", weight = 10, method = \"ratio\", pass = 0.9, cap = 1.2 },
             { code = \"satisfaction\", weight = 10, method = \"direct\" },
             { code = \"key_project_signings\", weight = 10, method = \"steps\", steps = [[1, 60], [2, 80], [3, 100]] },
             { code = \"ledger_completeness\", gate = true, pass = 0.95, penalty = 5 },
             { code = \"rating:协作响应速度\", weight = 20, scale = 5, raters = { \"自评\" = 0.3, \"上级\" = 0.7 } },
             { code = \"new_customers\", weight = 20, pass = 1, excellent = 2 },
             { code = \"sales_cycle_days\", gate = true, pass = 60, penalty = 3 }",
        );
        let (one, three) = (Decimal::ONE, Decimal::from(3));
        let zh: Vec<String> = s.iter().map(|x| x.criterion_text(one, Lang::Zh)).collect();
        assert_eq!(
            zh,
            [
                "达成率 ≥ 120% 得 100 分；= 80% 得 60 分；之间按比例；低于 80% 按 60×达成率÷80%",
                "越低越好：考核值 ≤ 2% 得 100 分；= 5% 得 60 分；之间按比例；高于 5% 按 60×(1−(考核值−5%)÷5%)，最低 0 分",
                "得分 = 考核值 ÷ 90% × 100，封顶 120 分",
                "得分 = 考核值（0–100）",
                "阶梯：≥1 得 60；≥2 得 80；≥3 得 100（低于 1 得 0）",
                "考核值 ≥ 95% 为达标；未达标扣 5 分",
                "人工评分（5 分制）：得分 = 评分 ÷ 5 × 100",
                "考核值 ≥ 2 得 100 分；= 1 得 60 分；之间按比例；低于 1 按 60×考核值÷1",
                "越低越好：考核值 ≤ 60 为达标；未达标扣 3 分",
            ]
        );
        // A quarter: count lines and steps × 3, said so; rates unchanged.
        assert_eq!(
            s[4].criterion_text(three, Lang::Zh),
            "阶梯：≥3 得 60；≥6 得 80；≥9 得 100（低于 3 得 0）（月度线 ×3）"
        );
        assert_eq!(
            s[7].criterion_text(three, Lang::Zh),
            "考核值 ≥ 6 得 100 分；= 3 得 60 分；之间按比例；低于 3 按 60×考核值÷3（月度线 ×3）"
        );
        let en: Vec<String> = s.iter().map(|x| x.criterion_text(one, Lang::En)).collect();
        assert_eq!(
            en[..3],
            [
                "achievement ≥ 120%: 100; = 80%: 60; in proportion between; below 80%: 60 × achievement ÷ 80%",
                "lower is better: value ≤ 2%: 100; = 5%: 60; in proportion between; above 5%: 60 × (1 − (value − 5%) ÷ 5%), at least 0",
                "score = value ÷ 90% × 100, at most 120",
            ]
        );
        assert_eq!(en[5], "met when the value is ≥ 95%; a miss costs 5 points");
        assert_eq!(
            en[6],
            "manual rating (scale of 5): score = rating ÷ 5 × 100"
        );
    }

    #[test]
    fn data_sources_name_ledgers_and_columns() {
        let s = specs(
            "{ code = \"sales_achievement\", weight = 40, pass = 0.8, excellent = 1.2 },
             { code = \"followups\", weight = 20, pass = 20, excellent = 30, methods = [\"拜访\"], target = \"followup_target\" },
             { code = \"rating:协作响应速度\", weight = 20, scale = 5, raters = { \"上级\" = 1 } },
             { code = \"ledger_accuracy\", weight = 20, pass = 0.9, excellent = 1 }",
        );
        let d = Defaults::default();
        assert_eq!(
            s[0].data_source(&d, Lang::Zh),
            "回款台账（合同金额、签约日期）；目标表（销售额目标）"
        );
        assert_eq!(
            s[1].data_source(&d, Lang::Zh),
            "跟进记录（跟进时间、跟进方式）；目标表（跟进量目标）"
        );
        assert_eq!(
            s[2].data_source(&d, Lang::En),
            "Scores (Indicator, Score, Rater)"
        );
        assert_eq!(
            s[3].data_source(&d, Lang::Zh),
            "客户台账；跟进记录；回款台账"
        );
    }
}
