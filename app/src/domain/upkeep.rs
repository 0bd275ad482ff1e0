//! 定期核对: every active file is checked with the customer on a cycle, and
//! each check moves the file's next due date.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month};

use super::CustomerGroup;
use super::profile::keyed_enum;

/// The cycle of a group unless an administrator sets another: a quarter.
pub const DEFAULT_CYCLE_MONTHS: u8 = 3;

/// The longest cycle an administrator may set: three years.
pub const MAX_CYCLE_MONTHS: u8 = 36;

/// A customer who could not be reached is tried again this many days
/// later (or at the end of the cycle, when that comes first).
pub const UNREACHABLE_RETRY_DAYS: i64 = 14;

/// Files due within this many days count as due now: staff plan their
/// rounds a fortnight ahead.
pub const DUE_SOON_DAYS: i64 = 14;

keyed_enum! {
    /// How a verification ended.
    VerificationOutcome {
        /// 信息无误: the customer confirmed the file as it is.
        Confirmed = "confirmed", "信息无误";
        /// 已更正: the customer gave new facts, and the file was corrected.
        Corrected = "corrected", "已更正";
        /// 联系不上: nobody could be reached; tried again soon.
        Unreachable = "unreachable", "联系不上";
    }
}

/// How often the files of each group are verified, in months.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationCycles {
    /// Indexed by [`CustomerGroup::index`].
    pub months: [u8; 5],
}

impl Default for VerificationCycles {
    fn default() -> Self {
        Self {
            months: [DEFAULT_CYCLE_MONTHS; 5],
        }
    }
}

impl VerificationCycles {
    pub fn of(&self, group: CustomerGroup) -> u8 {
        self.months[group.index()]
    }

    pub fn set(&mut self, group: CustomerGroup, months: u8) {
        self.months[group.index()] = months;
    }
}

/// Checks a cycle length an administrator typed.
pub fn parse_cycle(input: &str) -> Result<u8, String> {
    match input.trim().parse::<u8>() {
        Ok(months) if (1..=MAX_CYCLE_MONTHS).contains(&months) => Ok(months),
        _ => Err(format!(
            "核对周期请填写 1 到 {MAX_CYCLE_MONTHS} 之间的整数（单位：月）"
        )),
    }
}

/// `date` moved on by whole months; a day the target month lacks becomes
/// its last day (31 January + 1 month = 28 or 29 February).
pub fn add_months(date: Date, months: u8) -> Date {
    let index = date.year() * 12 + i32::from(u8::from(date.month())) - 1 + i32::from(months);
    let year = index.div_euclid(12);
    let month = Month::try_from(u8::try_from(index.rem_euclid(12) + 1).unwrap_or(1))
        .unwrap_or(Month::January);
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, date.day().min(last)).unwrap_or(date)
}

/// The next due date after a verification on `today` with `outcome`.
pub fn next_due(today: Date, outcome: VerificationOutcome, cycle_months: u8) -> Date {
    let cycle = add_months(today, cycle_months);
    match outcome {
        VerificationOutcome::Confirmed | VerificationOutcome::Corrected => cycle,
        VerificationOutcome::Unreachable => {
            cycle.min(today + Duration::days(UNREACHABLE_RETRY_DAYS))
        }
    }
}

/// `YYYY-MM-DD`, the form due dates are stored and compared in.
pub fn day(date: Date) -> String {
    date.to_string()
}

/// Reads a stored `YYYY-MM-DD`.
pub fn parse_day(text: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text.trim(), &format).ok()
}

/// Where a due date stands on `today`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Dueness {
    /// Past its date by this many days.
    Overdue(i64),
    /// Due today or within [`DUE_SOON_DAYS`], in this many days.
    Soon(i64),
    /// Not yet.
    Later,
}

impl Dueness {
    pub fn of(due: Date, today: Date) -> Self {
        let days = (due - today).whole_days();
        if days < 0 {
            Self::Overdue(-days)
        } else if days <= DUE_SOON_DAYS {
            Self::Soon(days)
        } else {
            Self::Later
        }
    }

    /// `已逾期 12 天`, `今天到期`, `5 天后到期`.
    pub fn label(self) -> String {
        match self {
            Self::Overdue(days) => format!("已逾期 {days} 天"),
            Self::Soon(0) => "今天到期".to_string(),
            Self::Soon(days) => format!("{days} 天后到期"),
            Self::Later => "未到期".to_string(),
        }
    }
}

/// One file in the list of verifications due.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DueFile {
    pub code: String,
    pub name: String,
    pub group: CustomerGroup,
    pub region_name: String,
    /// `YYYY-MM-DD`.
    pub due: String,
    pub dueness: Dueness,
    /// `YYYY-MM-DD HH:MM · user`, or empty when never verified.
    pub last_verified: String,
}

/// How many files of the caller's regions wait for verification.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueCounts {
    /// Past their date.
    pub overdue: u64,
    /// Due today or within [`DUE_SOON_DAYS`].
    pub soon: u64,
}

/// One recorded verification, as the file page lists them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VerificationRecord {
    /// `YYYY-MM-DD HH:MM`.
    pub at: String,
    pub by: String,
    pub outcome: VerificationOutcome,
    /// Labels of the facts corrected.
    pub changed: Vec<String>,
    pub note: String,
    /// The due date this verification set.
    pub next_due: String,
}

/// A file's place in the cycle, for its page.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct VerificationState {
    /// `YYYY-MM-DD`, empty for files that are not active.
    pub next_due: String,
    pub dueness: Option<Dueness>,
    /// Newest first.
    pub records: Vec<VerificationRecord>,
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn months_are_added_on_the_calendar_and_clamped_to_the_month_end() {
        assert_eq!(add_months(date!(2026 - 12 - 03), 3), date!(2027 - 03 - 03));
        assert_eq!(add_months(date!(2026 - 11 - 30), 3), date!(2027 - 02 - 28));
        assert_eq!(add_months(date!(2027 - 11 - 30), 3), date!(2028 - 02 - 29));
        assert_eq!(add_months(date!(2026 - 01 - 31), 1), date!(2026 - 02 - 28));
        assert_eq!(add_months(date!(2026 - 05 - 15), 12), date!(2027 - 05 - 15));
        assert_eq!(add_months(date!(2026 - 05 - 15), 36), date!(2029 - 05 - 15));
    }

    #[test]
    fn each_outcome_sets_its_own_next_date() {
        let today = date!(2026 - 12 - 03);
        for outcome in [
            VerificationOutcome::Confirmed,
            VerificationOutcome::Corrected,
        ] {
            assert_eq!(next_due(today, outcome, 3), date!(2027 - 03 - 03));
            assert_eq!(next_due(today, outcome, 1), date!(2027 - 01 - 03));
        }
        let retry = next_due(today, VerificationOutcome::Unreachable, 3);
        assert_eq!(retry, date!(2026 - 12 - 17));
    }

    #[test]
    fn an_unreachable_customer_is_never_retried_later_than_the_cycle() {
        // A one-month cycle that ends before the fortnight would: impossible
        // with whole months, so the retry is the fortnight; shown here so a
        // change of either constant keeps the rule.
        let today = date!(2026 - 02 - 27);
        let retry = next_due(today, VerificationOutcome::Unreachable, 1);
        assert!(retry <= add_months(today, 1));
        assert_eq!(retry, today + Duration::days(UNREACHABLE_RETRY_DAYS));
    }

    #[test]
    fn dueness_counts_days_both_ways() {
        let today = date!(2026 - 12 - 03);
        assert_eq!(
            Dueness::of(date!(2026 - 11 - 21), today),
            Dueness::Overdue(12)
        );
        assert_eq!(Dueness::of(today, today), Dueness::Soon(0));
        assert_eq!(Dueness::of(date!(2026 - 12 - 17), today), Dueness::Soon(14));
        assert_eq!(Dueness::of(date!(2026 - 12 - 18), today), Dueness::Later);
        assert_eq!(Dueness::Overdue(12).label(), "已逾期 12 天");
        assert_eq!(Dueness::Soon(0).label(), "今天到期");
    }

    #[test]
    fn a_cycle_is_a_whole_number_of_months_within_three_years() {
        assert_eq!(parse_cycle(" 6 "), Ok(6));
        assert_eq!(parse_cycle("36"), Ok(36));
        for bad in ["0", "37", "", "三", "-1", "1.5"] {
            assert!(parse_cycle(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_group_starts_quarterly() {
        let cycles = VerificationCycles::default();
        for group in CustomerGroup::ALL {
            assert_eq!(cycles.of(group), 3);
        }
    }
}
