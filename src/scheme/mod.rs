//! The assessment scheme (考核方案): grade bands, defaults, profiles mapped
//! to roster roles, and per-profile indicators with weights, lines and
//! scoring methods (SPEC 4 and 6). Read from TOML as a raw structure, then
//! checked once into a [`Scheme`] whose invariants hold by construction
//! (weights sum to 100, lines ordered for the direction, known codes).
//! The file format is described in [`raw`] and `docs/scheme.md`.

pub mod apply;
mod build;
pub mod catalogue;
mod columns;
mod describe;
pub mod locate;
pub mod mail;
pub mod raw;
mod suggest;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use rust_decimal::Decimal;

pub use crate::input::aliases::ColumnAliases;
use crate::input::columns::Kind;
use crate::text::fold;
pub use build::TARGET_COLUMNS;
use catalogue::{Direction, IndicatorDef};
pub use columns::{load_aliases, parse_aliases, SchemeError};

/// How an indicator's value becomes a 0–100 score (SPEC 6.1).
#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    /// 60 at the pass line, 100 at the excellent line, linear between.
    Linear,
    /// min(v ÷ pass, cap) × 100.
    Ratio { cap: Decimal },
    /// The value, clamped to 0–100.
    Direct,
    /// Threshold → score; sorted by threshold, ascending.
    Steps(Vec<(Decimal, Decimal)>),
}

impl Method {
    /// The method in words (`线性`, `比例，封顶 1.2`, `阶梯 0.8→60 1→100`).
    pub fn describe(&self, lang: crate::Lang) -> String {
        match self {
            Method::Linear => lang.pick("线性", "linear").to_string(),
            Method::Ratio { cap } => {
                format!(
                    "{} {}",
                    lang.pick("比例，封顶", "ratio, cap"),
                    cap.normalize()
                )
            }
            Method::Direct => lang.pick("直接", "direct").to_string(),
            Method::Steps(st) => format!(
                "{} {}",
                lang.pick("阶梯", "steps"),
                st.iter()
                    .map(|(t, s)| format!("{}→{}", t.normalize(), s.normalize()))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        }
    }
}

/// What `sales` and `sales_achievement` add up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SalesBasis {
    /// Contract amounts by sign date.
    Signed,
    /// Amounts paid by paid date.
    Collected,
}

/// Which rows collection_rate is over (SPEC 5, second round).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CollectionBasis {
    /// Rows due in P, paid within the grace days (the default).
    #[default]
    DueInPeriod,
    /// 应收总额口径: rows due in P plus what rows due before P.start still
    /// owed at P.start; paid in P.
    Outstanding,
}

/// What an N/A weighted indicator does (SPEC 6.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NaPolicy {
    /// Drops out; the other weights are renormalised.
    Renormalise,
    /// Scores `na_score`.
    Score,
}

/// One indicator of a profile, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorSpec {
    /// `sales`, …, or `rating:协作响应速度`.
    pub code: String,
    /// The catalogue entry (for `rating:` codes, the generic rating entry).
    pub def: IndicatorDef,
    /// Name shown in workbooks: the catalogue's, or the rating's own name.
    pub name: String,
    pub dimension: String,
    /// Weight in the profile (0 for gates).
    pub weight: Decimal,
    /// A pass/fail gate: no weight; missing the pass line costs `penalty`.
    pub gate: bool,
    pub penalty: Decimal,
    /// Pass line (达标线) in the indicator's unit (ratios for achievement).
    pub pass: Option<Decimal>,
    /// Excellent line (优秀线).
    pub excellent: Option<Decimal>,
    pub method: Method,
    /// Lines of counts and money totals are monthly and scale with the
    /// period's months, unless this is false (SPEC 4).
    pub scale_with_period: bool,
    /// Scored as achievement against this target column (`sales_target`).
    pub target: Option<String>,
    /// Overrides the scheme's sales basis for this entry.
    pub basis: Option<SalesBasis>,
    /// `followups`: count only these method codes (empty: all).
    pub methods: Vec<&'static str>,
    /// `new_customers`: count only customers whose first installment was
    /// paid in full within the grace days.
    pub require_first_payment: bool,
    /// `collection_rate`: which rows (default: due in the period).
    pub collection_basis: CollectionBasis,
    /// `intent_followup_coverage`: follow-ups needed on a customer in each
    /// full week (default 2).
    pub times_per_week: u32,
    /// `renewal_rate`: days before or after a contract's end date within
    /// which a renewal counts (default 90).
    pub renewal_window_days: i64,
    /// `new_customers`, `new_customer_revenue_share`: only customers whose
    /// tier on their lead date is one of these (folded, lower-case; empty:
    /// any).
    pub tiers: Vec<String>,
    /// As `tiers`, for the customer's channel.
    pub channels: Vec<String>,
    /// `scope = "team"` (SPEC 5, "Team scope"): computed over every rep of
    /// the rep's team on P.end, pooled, each member assessed with the same
    /// value.
    pub team: bool,
    /// Manual indicators: rater code → weight (empty: plain mean).
    pub raters: Vec<(&'static str, Decimal)>,
    /// Manual indicators: the scale of the scores (5, 10 or 100).
    pub scale: Option<Decimal>,
}

impl IndicatorSpec {
    /// A spec with the catalogue's defaults: linear, no lines, weight 0.
    /// `None` for an unknown code.
    pub fn new(code: &str) -> Option<IndicatorSpec> {
        let def = catalogue::find(code)?;
        let name = code
            .strip_prefix("rating:")
            .map_or(def.zh.to_string(), str::to_string);
        Some(IndicatorSpec {
            code: code.to_string(),
            def,
            name,
            dimension: def.dimension.to_string(),
            weight: Decimal::ZERO,
            gate: false,
            penalty: Decimal::from(5),
            pass: None,
            excellent: None,
            method: Method::Linear,
            scale_with_period: true,
            target: None,
            basis: None,
            methods: Vec::new(),
            require_first_payment: false,
            collection_basis: CollectionBasis::DueInPeriod,
            times_per_week: 2,
            renewal_window_days: 90,
            tiers: Vec::new(),
            channels: Vec::new(),
            team: false,
            raters: Vec::new(),
            scale: None,
        })
    }

    /// The direction of the indicator (achievement against a target is ↑).
    pub fn direction(&self) -> Direction {
        if self.target.is_some() {
            Direction::Up
        } else {
            self.def.direction
        }
    }

    /// Whether the lines are multiplied by the months of the period.
    pub fn lines_scale(&self) -> bool {
        self.scale_with_period
            && self.target.is_none()
            && self.def.scaling == catalogue::Scaling::Monthly
    }

    /// For a manual indicator, the name it has in the score rows.
    pub fn rating_name(&self) -> Option<&str> {
        self.code.strip_prefix("rating:")
    }
}

/// The kind of a period, for a profile's period layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PeriodKind {
    Month,
    Quarter,
    Year,
}

impl PeriodKind {
    pub const ALL: [PeriodKind; 3] = [PeriodKind::Month, PeriodKind::Quarter, PeriodKind::Year];

    pub fn of(p: crate::period::Period) -> PeriodKind {
        match p {
            crate::period::Period::Month(_) => PeriodKind::Month,
            crate::period::Period::Quarter { .. } => PeriodKind::Quarter,
            crate::period::Period::Year(_) => PeriodKind::Year,
        }
    }

    /// The scheme file's key (`month`, `quarter`, `year`).
    pub fn key(self) -> &'static str {
        match self {
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Year => "year",
        }
    }

    /// 月度 / 季度 / 年度.
    pub fn label(self, lang: crate::Lang) -> &'static str {
        match self {
            PeriodKind::Month => lang.pick("月度", "monthly"),
            PeriodKind::Quarter => lang.pick("季度", "quarterly"),
            PeriodKind::Year => lang.pick("年度", "yearly"),
        }
    }
}

/// One period layer of a profile (SPEC 5, "Period layers"): the list a
/// variant (`Regular`: the profile itself) uses for one kind of period.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    pub variant: Variant,
    pub kind: PeriodKind,
    pub indicators: Vec<IndicatorSpec>,
}

/// The list a rep's assessment uses, and where it comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Section<'a> {
    pub indicators: &'a [IndicatorSpec],
    /// The variant whose list (or layer) it is (`Regular`: the profile's).
    pub variant: Variant,
    /// The period layer, when the list is one.
    pub kind: Option<PeriodKind>,
}

/// A section in words: `常规`, `试用期`, `资深`, with its layer
/// (`常规·年度`, `资深·年度`).
pub fn section_label(s: &Section, lang: crate::Lang) -> String {
    let v = match s.variant {
        Variant::Regular => lang.pick("常规", "regular"),
        Variant::Probation => lang.pick("试用期", "probation"),
        Variant::Senior => lang.pick("资深", "senior"),
    };
    match s.kind {
        None => v.to_string(),
        Some(k) => match lang {
            crate::Lang::Zh => format!("{v}·{}", k.label(lang)),
            crate::Lang::En => format!("{v}, {}", k.label(lang)),
        },
    }
}

/// A profile's indicators for one status of the rep.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub name: String,
    /// Roster roles (岗位) this profile covers.
    pub roles: Vec<String>,
    pub indicators: Vec<IndicatorSpec>,
    /// For reps on probation (新入职), when the profile has a variant with
    /// a list of its own.
    pub probation: Option<Vec<IndicatorSpec>>,
    /// For senior reps (资深), when the profile has a variant with a list
    /// of its own.
    pub senior: Option<Vec<IndicatorSpec>>,
    /// Period layers (`[profiles.year]`, `[profiles.senior.year]` …).
    pub layers: Vec<Layer>,
}

/// Which variant of a profile applies to a rep in a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    Regular,
    Probation,
    Senior,
}

impl Profile {
    /// The list for a rep of this variant in a period of this kind: the
    /// most specific that exists — the variant's layer of the kind, the
    /// variant's own list, the profile's layer of the kind, the profile's
    /// own list (SPEC 5, "Period layers").
    pub fn section(&self, variant: Variant, kind: PeriodKind) -> Section<'_> {
        let layer = |v: Variant| {
            self.layers
                .iter()
                .find(|l| l.variant == v && l.kind == kind)
                .map(|l| Section {
                    indicators: &l.indicators,
                    variant: v,
                    kind: Some(kind),
                })
        };
        let own = match variant {
            Variant::Probation => self.probation.as_deref(),
            Variant::Senior => self.senior.as_deref(),
            Variant::Regular => None,
        };
        let specific = (variant != Variant::Regular)
            .then(|| layer(variant))
            .flatten()
            .or_else(|| {
                own.map(|indicators| Section {
                    indicators,
                    variant,
                    kind: None,
                })
            });
        specific
            .or_else(|| layer(Variant::Regular))
            .unwrap_or(Section {
                indicators: &self.indicators,
                variant: Variant::Regular,
                kind: None,
            })
    }

    /// Every list of the profile, with its variant and layer: the
    /// profile's own, its layers, each variant's own list and layers.
    pub fn sections(&self) -> Vec<Section<'_>> {
        let mut out = Vec::new();
        for variant in [Variant::Regular, Variant::Probation, Variant::Senior] {
            let own = match variant {
                Variant::Regular => Some(self.indicators.as_slice()),
                Variant::Probation => self.probation.as_deref(),
                Variant::Senior => self.senior.as_deref(),
            };
            if let Some(indicators) = own {
                out.push(Section {
                    indicators,
                    variant,
                    kind: None,
                });
            }
            for l in self.layers.iter().filter(|l| l.variant == variant) {
                out.push(Section {
                    indicators: &l.indicators,
                    variant,
                    kind: Some(l.kind),
                });
            }
        }
        out
    }

    /// Every indicator entry of every list.
    pub fn all_specs(&self) -> impl Iterator<Item = &IndicatorSpec> {
        self.indicators
            .iter()
            .chain(self.probation.iter().flatten())
            .chain(self.senior.iter().flatten())
            .chain(self.layers.iter().flat_map(|l| &l.indicators))
    }

    pub fn indicators(&self, variant: Variant) -> (&[IndicatorSpec], Variant) {
        match variant {
            Variant::Probation if self.probation.is_some() => (
                self.probation.as_deref().unwrap_or_default(),
                Variant::Probation,
            ),
            Variant::Senior if self.senior.is_some() => {
                (self.senior.as_deref().unwrap_or_default(), Variant::Senior)
            }
            _ => (&self.indicators, Variant::Regular),
        }
    }
}

/// A grade band: total ≥ `min` gives this grade and coefficient.
#[derive(Debug, Clone, PartialEq)]
pub struct Grade {
    pub name: String,
    pub min: Decimal,
    pub coefficient: Decimal,
}

/// Scheme-wide options (SPEC 4–7), with the SPEC's defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct Defaults {
    pub grace_days: i64,
    pub old_customer_months: u32,
    pub silence_months: u32,
    /// Stage codes that count as intent (`intent`, `proposal`, …).
    pub intent_stages: Vec<&'static str>,
    /// Customer sources that mark a referral (folded, lower-case).
    pub referral_sources: Vec<String>,
    pub approval_days_regular: i64,
    pub approval_days_special: i64,
    /// Columns expected filled for ledger completeness, per kind.
    pub completeness: BTreeMap<Kind, Vec<&'static str>>,
    pub na: NaPolicy,
    pub na_score: Decimal,
    pub max_bonus: Decimal,
    pub sales_basis: SalesBasis,
    pub probation_months: u32,
    pub senior_months: u32,
    pub min_employed_share: Decimal,
}

impl Default for Defaults {
    fn default() -> Self {
        // SPEC 5: every optional column listed in SPEC 2 except these four.
        // The second round's 签约类型 and 合同到期日 are not listed there
        // (many contracts have no end date; a blank type is inferred).
        let skip = [
            "amount_paid",
            "paid_date",
            "end_date",
            "referrer",
            "deal_type",
            "contract_end",
        ];
        let completeness = [Kind::Customers, Kind::Followups, Kind::Payments]
            .into_iter()
            .map(|k| {
                (
                    k,
                    k.columns()
                        .iter()
                        .filter(|c| !c.required && !skip.contains(&c.key))
                        .map(|c| c.key)
                        .collect(),
                )
            })
            .collect();
        Defaults {
            grace_days: 30,
            old_customer_months: 6,
            silence_months: 6,
            intent_stages: vec!["intent", "proposal", "quote", "negotiation"],
            referral_sources: vec!["转介绍".into(), "老客户介绍".into(), "referral".into()],
            approval_days_regular: 3,
            approval_days_special: 5,
            completeness,
            na: NaPolicy::Renormalise,
            na_score: Decimal::ZERO,
            max_bonus: Decimal::from(10),
            sales_basis: SalesBasis::Signed,
            probation_months: 3,
            senior_months: 12,
            min_employed_share: Decimal::new(5, 1),
        }
    }
}

/// The default grade bands: S ≥ 90 (1.5), A ≥ 80 (1.2), B ≥ 70 (1.0),
/// C ≥ 60 (0.8), D (0).
pub fn default_grades() -> Vec<Grade> {
    [
        ("S", 90, 15),
        ("A", 80, 12),
        ("B", 70, 10),
        ("C", 60, 8),
        ("D", 0, 0),
    ]
    .into_iter()
    .map(|(n, min, c)| Grade {
        name: n.into(),
        min: Decimal::from(min),
        coefficient: Decimal::new(c, 1),
    })
    .collect()
}

fn show(v: &Version, start: &str) -> String {
    if v.effective_from == NaiveDate::MIN {
        start.to_string()
    } else {
        v.effective_from.to_string()
    }
}

/// One version of the profiles, in force from `effective_from`
/// (`NaiveDate::MIN` for the top-level profiles without a date: always).
#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    pub effective_from: NaiveDate,
    pub profiles: Vec<Profile>,
}

/// A checked scheme.
#[derive(Debug, Clone, PartialEq)]
pub struct Scheme {
    pub name: String,
    /// Version label as written (`2026.1`).
    pub label: String,
    /// The file it was read from, as named to [`Scheme::parse`].
    pub file: String,
    pub defaults: Defaults,
    /// Sorted by `min`, highest first; the last is the lowest grade.
    pub grades: Vec<Grade>,
    /// Sorted by `effective_from`.
    pub versions: Vec<Version>,
    pub columns: ColumnAliases,
    /// The `[mail]` table (sender and message template for `kaohe mail`).
    pub mail: mail::MailSettings,
    /// The `[form]` table: what the printed forms ask for besides the numbers.
    pub form: Form,
    /// `[input] passwords`: (file pattern, environment variable name) of
    /// encrypted ledgers, in the file's order.
    pub ledger_password_env: Vec<(String, String)>,
    /// `[apply]`: the improvement-plan rule and the excellent grades.
    pub apply: apply::Apply,
    /// `[distribution]`: grade → largest share of graded reps, highest
    /// grade first (empty: no caps).
    pub distribution: Vec<(String, Decimal)>,
}

impl Scheme {
    /// Parse and check scheme text (TOML). `file` names the file in errors.
    /// Every mistake found is reported, one per line of the message, each
    /// naming the version, profile, variant and indicator it concerns.
    pub fn parse(text: &str, file: &str) -> Result<Scheme, SchemeError> {
        build::parse(text, file)
    }

    /// Read, parse and check a scheme file.
    pub fn load(path: &Path) -> Result<Scheme, SchemeError> {
        let file = path.display().to_string();
        let text = columns::read_scheme_text(path)?;
        Scheme::parse(&text, &file)
    }

    /// The profile of a version that covers a roster role (compared after
    /// text normalisation). An error when no profile or more than one does.
    pub fn profile_for_role<'a>(
        &self,
        version: &'a Version,
        role: &str,
    ) -> Result<&'a Profile, SchemeError> {
        let role = fold(role);
        let mut found = version.profiles.iter().filter(|p| p.roles.contains(&role));
        let fail = |zh: String, en: String| SchemeError {
            file: self.file.clone(),
            message: format!("{zh} / {en}"),
        };
        match (found.next(), found.next()) {
            (Some(p), None) => Ok(p),
            (None, _) => Err(fail(
                format!(
                    "岗位「{role}」没有对应的考核档案（版本生效日 {}）；请把它加入某个档案的 roles",
                    show(version, "起始")
                ),
                format!(
                    "role \"{role}\" matches no profile (version from {}); add it to the roles of one profile",
                    show(version, "the start")
                ),
            )),
            (Some(a), Some(b)) => Err(fail(
                format!(
                    "岗位「{role}」同时属于档案「{}」和「{}」；请只在一个档案的 roles 中列出",
                    a.name, b.name
                ),
                format!(
                    "role \"{role}\" matches profiles \"{}\" and \"{}\"; list it in one profile's roles only",
                    a.name, b.name
                ),
            )),
        }
    }

    /// Every roster role that matches no profile, or more than one, in any
    /// version of the scheme: one bilingual message each (empty: all fine).
    /// Every role the scheme's profiles list (any version), sorted.
    pub fn known_roles(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .versions
            .iter()
            .flat_map(|v| &v.profiles)
            .flat_map(|p| p.roles.iter().cloned())
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// Whether a role maps to exactly one profile in every version.
    pub fn maps_role(&self, role: &str) -> bool {
        self.versions
            .iter()
            .all(|v| self.profile_for_role(v, role).is_ok())
    }

    pub fn check_roles(&self, roles: &[&str]) -> Vec<String> {
        let mut seen = Vec::new();
        let mut out = Vec::new();
        for role in roles {
            let role = fold(role);
            if seen.contains(&role) {
                continue;
            }
            for v in &self.versions {
                if let Err(e) = self.profile_for_role(v, &role) {
                    out.push(e.message);
                }
            }
            seen.push(role);
        }
        out
    }

    /// The version in force for a period starting on `start`: the latest
    /// whose `effective_from` ≤ start (the first one if none is).
    pub fn version_for(&self, start: NaiveDate) -> &Version {
        self.versions
            .iter()
            .rev()
            .find(|v| v.effective_from <= start)
            .unwrap_or(&self.versions[0])
    }

    /// The grade and coefficient of a total.
    pub fn grade(&self, total: Decimal) -> &Grade {
        self.grades
            .iter()
            .find(|g| total >= g.min)
            .unwrap_or_else(|| self.lowest_grade())
    }

    pub fn lowest_grade(&self) -> &Grade {
        self.grades.last().expect("a scheme has grades")
    }
}

/// The `[form]` table: the sign-off chain and appeal note of the 考核表,
/// the team summary's sign-off lines and whether its ranking shows bonus
/// amounts. A list or note the scheme leaves out takes the default in the
/// output's language.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    /// `signoffs`: who signs the 考核表, in order.
    pub signoffs: Option<Vec<String>>,
    /// `appeal`: the appeal note (empty: none).
    pub appeal: Option<String>,
    /// `summary_signoffs`: the team summary's 制表 / 审核 / 审批 lines.
    pub summary_signoffs: Option<Vec<String>>,
    /// `ranking_bonus`: the ranking shows bonus bases and amounts (default
    /// true; false leaves them to the 绩效奖金 sheet).
    pub ranking_bonus: bool,
}

impl Default for Form {
    fn default() -> Self {
        Form {
            signoffs: None,
            appeal: None,
            summary_signoffs: None,
            ranking_bonus: true,
        }
    }
}

impl Form {
    /// Who signs the 考核表: the scheme's list, else 被考核人, 直属领导,
    /// 部门负责人, 人力资源部.
    pub fn signoffs(&self, lang: crate::Lang) -> Vec<String> {
        self.signoffs.clone().unwrap_or_else(|| {
            let zh = ["被考核人", "直属领导", "部门负责人", "人力资源部"];
            let en = ["Rep", "Supervisor", "Department head", "Human resources"];
            match lang {
                crate::Lang::Zh => zh.map(String::from).to_vec(),
                crate::Lang::En => en.map(String::from).to_vec(),
            }
        })
    }

    /// The appeal note: the scheme's (empty: none), else the default.
    pub fn appeal(&self, lang: crate::Lang) -> String {
        self.appeal.clone().unwrap_or_else(|| {
            lang.pick(
                "如对考核结果有异议，请于 7 个工作日内向人力资源部提出申诉。",
                "If you disagree with this assessment, appeal to Human Resources within 7 working days.",
            )
            .to_string()
        })
    }

    /// The team summary's sign-off lines: the scheme's, else 制表, 审核, 审批.
    pub fn summary_signoffs(&self, lang: crate::Lang) -> Vec<String> {
        self.summary_signoffs.clone().unwrap_or_else(|| {
            let v: [&str; 3] = match lang {
                crate::Lang::Zh => ["制表", "审核", "审批"],
                crate::Lang::En => ["Prepared by", "Reviewed by", "Approved by"],
            };
            v.map(String::from).to_vec()
        })
    }
}

/// A version's effective date as shown to people: the date, or 始终适用 /
/// "always" for a scheme without `effective_from` (internally the earliest
/// date there is).
pub fn effective_label(d: NaiveDate, lang: crate::Lang) -> String {
    if d == NaiveDate::MIN {
        lang.pick("始终适用", "always").to_string()
    } else {
        d.to_string()
    }
}
