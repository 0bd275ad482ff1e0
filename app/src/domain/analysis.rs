//! 数据分析: counts of the files by what they are, a potential score from
//! rules anyone can read, and the files to watch, each with its reasons.

use serde::{Deserialize, Serialize};

use super::profile::CreditRating;

/// One bar of a breakdown: what it counts (`key`, as a search filter takes
/// it), its name, and how many files.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub key: String,
    pub label: String,
    pub count: u64,
}

/// The files of the caller's regions (or of one region) counted every way
/// the analysis page shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    /// The region looked at (a code), or empty for all of one's regions.
    pub region: String,
    pub total: u64,
    pub by_group: Vec<Tally>,
    /// By county (or by township inside one county).
    pub by_region: Vec<Tally>,
    /// Keys are `min-max` in 亩, `max` empty for the last band.
    pub by_land: Vec<Tally>,
    pub by_cooperation: Vec<Tally>,
    pub by_credit: Vec<Tally>,
    /// New files per month (`YYYY-MM`), the last twelve months.
    pub by_month: Vec<Tally>,
}

/// Land bands in 亩: lower bound inclusive, upper exclusive.
pub const LAND_BANDS: [(u64, Option<u64>); 5] = [
    (0, Some(5)),
    (5, Some(10)),
    (10, Some(30)),
    (30, Some(100)),
    (100, None),
];

/// The band a land area (in hundredths of a 亩) falls in.
pub fn land_band(hundredths: u64) -> usize {
    LAND_BANDS
        .iter()
        .position(|(_, high)| high.is_none_or(|h| hundredths < h * 100))
        .unwrap_or(LAND_BANDS.len() - 1)
}

/// A band's name, e.g. `10–30 亩`, `100 亩以上`.
pub fn land_band_label(band: usize) -> String {
    match LAND_BANDS.get(band) {
        Some((low, Some(high))) => format!("{low}–{high} 亩"),
        Some((low, None)) => format!("{low} 亩以上"),
        None => String::new(),
    }
}

/// The rules of the potential score and of the watch list. Kept by
/// administrators on 系统设置; every point a file gets is shown with its
/// reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScoreRules {
    /// Points for every `land_step_mu` 亩 of land, up to `land_cap`.
    pub land_step_mu: u32,
    pub land_points: u32,
    pub land_cap: u32,
    /// Points per recorded cooperation item, up to `cooperation_cap`.
    pub cooperation_points: u32,
    pub cooperation_cap: u32,
    /// Points by credit rating; counted only with consent to credit
    /// assessment.
    pub credit_a: i32,
    pub credit_b: i32,
    pub credit_c: i32,
    pub credit_d: i32,
    /// Points when the file had an entry on its timeline within
    /// `active_months`.
    pub active_months: u32,
    pub active_points: u32,
    /// From this score on a customer is listed as high potential.
    pub high_potential: i32,
    /// Cooperation counts as lapsed after this many months without a new
    /// cooperation item.
    pub lapse_months: u32,
}

impl Default for ScoreRules {
    fn default() -> Self {
        Self {
            land_step_mu: 10,
            land_points: 5,
            land_cap: 30,
            cooperation_points: 5,
            cooperation_cap: 25,
            credit_a: 25,
            credit_b: 15,
            credit_c: 0,
            credit_d: -20,
            active_months: 12,
            active_points: 20,
            high_potential: 60,
            lapse_months: 18,
        }
    }
}

impl ScoreRules {
    /// What is wrong with the rules, in words for administrators.
    pub fn check(&self) -> Result<(), String> {
        if self.land_step_mu == 0 {
            return Err("每多少亩计分须大于 0".to_string());
        }
        if self.active_months == 0 || self.active_months > 60 {
            return Err("活跃期须在 1–60 个月之间".to_string());
        }
        if self.lapse_months == 0 || self.lapse_months > 120 {
            return Err("合作中断的月数须在 1–120 之间".to_string());
        }
        let points = [
            self.land_points,
            self.land_cap,
            self.cooperation_points,
            self.cooperation_cap,
            self.active_points,
        ];
        let credit = [self.credit_a, self.credit_b, self.credit_c, self.credit_d];
        if points.iter().any(|p| *p > 100) || credit.iter().any(|p| p.abs() > 100) {
            return Err("每项分值须在 -100 到 100 之间".to_string());
        }
        Ok(())
    }

    fn credit_points(&self, rating: CreditRating) -> Option<i32> {
        match rating {
            CreditRating::Unrated => None,
            CreditRating::A => Some(self.credit_a),
            CreditRating::B => Some(self.credit_b),
            CreditRating::C => Some(self.credit_c),
            CreditRating::D => Some(self.credit_d),
        }
    }
}

/// What the rules look at in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScoreFacts {
    /// Hundredths of a 亩.
    pub land: u64,
    pub credit: CreditRating,
    /// Whether the person consents to credit assessment now.
    pub credit_consent: bool,
    /// Cooperation items on the timeline.
    pub cooperation_items: u32,
    /// Months since the newest cooperation item, if there is one.
    pub months_since_cooperation: Option<u32>,
    /// Months since the newest timeline entry of any kind.
    pub months_since_activity: Option<u32>,
    /// Issues not yet resolved.
    pub open_issues: u32,
    /// The overdue verification's due day, if it is overdue.
    pub overdue_since: Option<time::Date>,
}

/// A score and the reasons that make it up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scored {
    pub code: String,
    pub name: String,
    pub region_name: String,
    pub score: i32,
    pub reasons: Vec<String>,
}

/// A file on the watch list and why it is there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Watched {
    pub code: String,
    pub name: String,
    pub region_name: String,
    pub reasons: Vec<String>,
}

/// One part of a potential score, with the reason it is shown with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScorePart {
    Land {
        mu: u64,
        points: u32,
    },
    Cooperation {
        items: u32,
        points: u32,
    },
    /// A credit rating that counts for nothing without consent.
    CreditWithoutConsent,
    Credit {
        rating: CreditRating,
        points: i32,
    },
    Active {
        months: u32,
        points: u32,
    },
}

impl ScorePart {
    pub fn points(self) -> i32 {
        let unsigned = |p: u32| i32::try_from(p).unwrap_or(i32::MAX);
        match self {
            Self::Land { points, .. }
            | Self::Cooperation { points, .. }
            | Self::Active { points, .. } => unsigned(points),
            Self::CreditWithoutConsent => 0,
            Self::Credit { points, .. } => points,
        }
    }
}

impl std::fmt::Display for ScorePart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Land { mu, points } => write!(f, "土地 {mu} 亩 +{points}"),
            Self::Cooperation { items, points } => write!(f, "合作记录 {items} 次 +{points}"),
            Self::CreditWithoutConsent => f.write_str("未同意信用评估，信用等级不计分"),
            Self::Credit { rating, points } => write!(f, "信用 {} {points:+}", rating.label()),
            Self::Active { months, points } => write!(f, "近 {months} 个月有往来 +{points}"),
        }
    }
}

/// The parts of a file's potential score, in the order they are shown.
/// Nothing is allocated, so a whole archive can be scored and only the
/// listed files given their reasons in words.
pub fn score_parts(facts: &ScoreFacts, rules: &ScoreRules) -> [Option<ScorePart>; 4] {
    let mu = facts.land / 100;
    let steps = u32::try_from(mu / u64::from(rules.land_step_mu)).unwrap_or(u32::MAX);
    let land = steps.saturating_mul(rules.land_points).min(rules.land_cap);
    let cooperation = facts
        .cooperation_items
        .saturating_mul(rules.cooperation_points)
        .min(rules.cooperation_cap);
    let credit = match rules.credit_points(facts.credit) {
        Some(_) if !facts.credit_consent => Some(ScorePart::CreditWithoutConsent),
        Some(points) if points != 0 => Some(ScorePart::Credit {
            rating: facts.credit,
            points,
        }),
        _ => None,
    };
    let active = facts
        .months_since_activity
        .is_some_and(|m| m < rules.active_months)
        && rules.active_points > 0;
    [
        (land > 0).then_some(ScorePart::Land { mu, points: land }),
        (cooperation > 0).then_some(ScorePart::Cooperation {
            items: facts.cooperation_items,
            points: cooperation,
        }),
        credit,
        active.then_some(ScorePart::Active {
            months: rules.active_months,
            points: rules.active_points,
        }),
    ]
}

/// The score the parts add up to.
pub fn score_of(parts: &[Option<ScorePart>]) -> i32 {
    parts.iter().flatten().map(|part| part.points()).sum()
}

/// The potential score of a file and its reasons, e.g. `土地 45 亩 +20`.
pub fn potential(facts: &ScoreFacts, rules: &ScoreRules) -> (i32, Vec<String>) {
    let parts = score_parts(facts, rules);
    let reasons = parts.iter().flatten().map(ToString::to_string).collect();
    (score_of(&parts), reasons)
}

/// One reason to watch a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Risk {
    PoorCredit(CreditRating),
    OpenIssues(u32),
    /// Verification overdue since this day.
    Overdue(time::Date),
    /// Months since the last cooperation item.
    Lapsed(u32),
}

impl std::fmt::Display for Risk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::PoorCredit(rating) => write!(f, "信用 {}", rating.label()),
            Self::OpenIssues(count) => write!(f, "未解决问题 {count} 个"),
            Self::Overdue(day) => write!(f, "定期核对已逾期（应于 {day} 核对）"),
            Self::Lapsed(months) => write!(f, "合作中断：最近一次合作在 {months} 个月前"),
        }
    }
}

/// Why a file is worth watching, without words (see [`risks`]).
pub fn risk_parts(facts: &ScoreFacts, rules: &ScoreRules) -> [Option<Risk>; 4] {
    let poor = facts.credit_consent && matches!(facts.credit, CreditRating::C | CreditRating::D);
    [
        poor.then_some(Risk::PoorCredit(facts.credit)),
        (facts.open_issues > 0).then_some(Risk::OpenIssues(facts.open_issues)),
        facts.overdue_since.map(Risk::Overdue),
        facts
            .months_since_cooperation
            .filter(|months| *months >= rules.lapse_months)
            .map(Risk::Lapsed),
    ]
}

/// Why a file is worth watching; empty when it is not.
pub fn risks(facts: &ScoreFacts, rules: &ScoreRules) -> Vec<String> {
    risk_parts(facts, rules)
        .iter()
        .flatten()
        .map(ToString::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> ScoreFacts {
        ScoreFacts {
            land: 4_500,
            credit: CreditRating::A,
            credit_consent: true,
            cooperation_items: 3,
            months_since_cooperation: Some(2),
            months_since_activity: Some(2),
            open_issues: 0,
            overdue_since: None,
        }
    }

    #[test]
    fn land_falls_in_its_band() {
        assert_eq!(land_band(0), 0);
        assert_eq!(land_band(499), 0);
        assert_eq!(land_band(500), 1);
        assert_eq!(land_band(2_999), 2);
        assert_eq!(land_band(10_000), 4);
        assert_eq!(land_band_label(2), "10–30 亩");
        assert_eq!(land_band_label(4), "100 亩以上");
    }

    #[test]
    fn the_score_is_the_sum_of_its_reasons() {
        let (score, reasons) = potential(&facts(), &ScoreRules::default());
        // 45 亩: 4 steps of 10 → 20; 3 items → 15; A → 25; active → 20.
        assert_eq!(score, 80);
        assert_eq!(
            reasons,
            [
                "土地 45 亩 +20",
                "合作记录 3 次 +15",
                "信用 A 级（优秀） +25",
                "近 12 个月有往来 +20"
            ]
        );
        let big = ScoreFacts {
            land: 100_000,
            cooperation_items: 40,
            ..facts()
        };
        let (capped, _) = potential(&big, &ScoreRules::default());
        assert_eq!(capped, 30 + 25 + 25 + 20, "land and cooperation are capped");
    }

    #[test]
    fn credit_counts_only_with_consent() {
        let without = ScoreFacts {
            credit_consent: false,
            credit: CreditRating::D,
            ..facts()
        };
        let (score, reasons) = potential(&without, &ScoreRules::default());
        assert_eq!(score, 55);
        assert!(reasons.iter().any(|r| r.contains("未同意信用评估")));
        assert!(risks(&without, &ScoreRules::default()).is_empty());
        let with = ScoreFacts {
            credit_consent: true,
            ..without
        };
        assert_eq!(potential(&with, &ScoreRules::default()).0, 35);
        assert_eq!(risks(&with, &ScoreRules::default()), ["信用 D 级（较差）"]);
    }

    #[test]
    fn each_risk_names_itself() {
        let watched = ScoreFacts {
            open_issues: 2,
            overdue_since: Some(time::macros::date!(2026 - 10 - 01)),
            months_since_cooperation: Some(20),
            ..facts()
        };
        assert_eq!(
            risks(&watched, &ScoreRules::default()),
            [
                "未解决问题 2 个",
                "定期核对已逾期（应于 2026-10-01 核对）",
                "合作中断：最近一次合作在 20 个月前"
            ]
        );
        assert!(risks(&facts(), &ScoreRules::default()).is_empty());
    }

    #[test]
    fn rules_out_of_range_are_refused() {
        let rules = ScoreRules {
            land_step_mu: 0,
            ..ScoreRules::default()
        };
        assert!(rules.check().is_err());
        assert!(ScoreRules::default().check().is_ok());
        let rules = ScoreRules {
            credit_d: -500,
            ..ScoreRules::default()
        };
        assert!(rules.check().is_err());
    }
}
