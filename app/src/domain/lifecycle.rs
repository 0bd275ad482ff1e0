//! 资料保留期限, 评估与确认, 安全销毁: how long a file is kept after the
//! relationship ends, the review of files past that time, and the rules of
//! the two-person decision and the legal hold.

use serde::{Deserialize, Serialize};
use time::Date;

use super::CustomerGroup;
use super::profile::keyed_enum;
use super::upkeep::parse_day;

/// The longest retention an administrator may set, in years.
pub const MAX_RETENTION_YEARS: u8 = 50;

/// How long the files of one group are kept after the relationship ends,
/// and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionPolicy {
    pub group: CustomerGroup,
    pub years: u8,
    pub reason: String,
}

impl RetentionPolicy {
    /// The policies an archive starts with; administrators change them.
    pub fn defaults() -> Vec<Self> {
        let policy = |group, years, reason: &str| Self {
            group,
            years,
            reason: reason.to_string(),
        };
        vec![
            policy(
                CustomerGroup::Farmer,
                10,
                "社员档案关系到股金、盈余返还和土地托管等长期权益，成员资格终止后仍可能被追溯核对，保留 10 年。",
            ),
            policy(
                CustomerGroup::Partner,
                5,
                "合同纠纷的诉讼时效为 3 年（民法典第一百八十八条），合作结束后保留 5 年，留出举证余地。",
            ),
            policy(
                CustomerGroup::Supplier,
                5,
                "采购合同与质量争议的诉讼时效为 3 年，供货关系结束后保留 5 年，留出举证余地。",
            ),
            policy(
                CustomerGroup::Dealer,
                5,
                "销售合同与货款争议的诉讼时效为 3 年，经销关系结束后保留 5 年，留出举证余地。",
            ),
            policy(
                CustomerGroup::Other,
                3,
                "没有长期权益，覆盖 3 年诉讼时效即可。",
            ),
        ]
    }
}

/// Checks a retention an administrator typed: whole years and a reason.
pub fn parse_retention(years: &str, reason: &str) -> Result<(u8, String), String> {
    let years = match years.trim().parse::<u8>() {
        Ok(y) if (1..=MAX_RETENTION_YEARS).contains(&y) => y,
        _ => {
            return Err(format!(
                "保留年限请填写 1 到 {MAX_RETENTION_YEARS} 之间的整数（单位：年）"
            ));
        }
    };
    let reason = reason.trim();
    if reason.is_empty() {
        return Err("请写明设定此保留年限的依据".to_string());
    }
    if reason.chars().count() > 300 {
        return Err("依据不能超过 300 个字".to_string());
    }
    Ok((years, reason.to_string()))
}

/// The last day a file is kept: the relationship's end plus the policy's
/// years, or a later date an approved extension set. `None` while the
/// relationship has not ended.
pub fn retention_end(ended: &str, years: u8, extended_until: &str) -> Option<Date> {
    let end = add_years(parse_day(ended)?, years);
    Some(match parse_day(extended_until) {
        Some(extended) if extended > end => extended,
        _ => end,
    })
}

/// `date` moved on by whole years; 29 February becomes 28 February in a
/// year without it.
pub fn add_years(date: Date, years: u8) -> Date {
    let year = date.year() + i32::from(years);
    let last = time::util::days_in_month(date.month(), year);
    Date::from_calendar_date(year, date.month(), date.day().min(last)).unwrap_or(date)
}

keyed_enum! {
    /// What a proposal asks for.
    ProposalKind {
        /// 销毁: destroy the file's personal data and key.
        Destroy = "destroy", "销毁";
        /// 延期保留: keep the file until a later date.
        Extend = "extend", "延期保留";
    }
}

keyed_enum! {
    /// What became of a proposal.
    Decision {
        Pending = "pending", "待审批";
        Approved = "approved", "已批准";
        Rejected = "rejected", "已驳回";
    }
}

/// Why a step of the disposal review is refused, in words for staff.
pub fn check_decision(
    proposed_by: &str,
    deciding: &str,
    on_hold: bool,
    approve: bool,
) -> Result<(), String> {
    if proposed_by == deciding {
        return Err("提议人不能审批自己的提议，须由另一位负责人审批".to_string());
    }
    if on_hold && approve {
        return Err("此档案处于法律保全（冻结）中，解除冻结前不能批准".to_string());
    }
    Ok(())
}

/// A file in the disposal review list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisposalCandidate {
    pub code: String,
    pub name: String,
    pub group: CustomerGroup,
    pub region_name: String,
    /// `YYYY-MM-DD`.
    pub relationship_ended: String,
    pub retention_end: String,
    pub policy_years: u8,
    /// The open proposal, if any.
    pub proposal: Option<Proposal>,
    /// The legal hold's reason and who set it, if the file is held.
    pub hold: Option<Hold>,
    /// When the person asked for the file to be deleted (`YYYY-MM-DD`), if
    /// such a request is open; such a file is reviewed whatever its
    /// retention.
    pub deletion_requested: String,
}

/// A proposal to destroy a file or to keep it longer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    pub id: String,
    pub code: String,
    pub kind: ProposalKind,
    pub reason: String,
    /// For extensions: keep until this day (`YYYY-MM-DD`).
    pub extend_until: String,
    pub proposed_by: String,
    /// `YYYY-MM-DD HH:MM`.
    pub proposed_at: String,
    pub decision: Decision,
    pub decided_by: String,
    pub decided_at: String,
    pub decision_note: String,
}

/// A legal hold on a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hold {
    pub reason: String,
    pub set_by: String,
    /// `YYYY-MM-DD HH:MM`.
    pub set_at: String,
}

/// What the archive keeps of a destroyed file: enough to prove what was
/// destroyed, when, under which policy and by whose decision, and nothing
/// of the person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    pub code: String,
    pub group: CustomerGroup,
    pub region: String,
    /// `YYYY-MM-DD`.
    pub opened_on: String,
    pub relationship_ended: String,
    pub retention_end: String,
    pub policy_years: u8,
    pub policy_reason: String,
    /// Where the paper folder was kept, so that it is shredded too.
    pub paper_location: String,
    pub proposed_by: String,
    pub proposed_at: String,
    pub approved_by: String,
    pub approved_at: String,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub destroyed_at: String,
    /// SHA-256 (hex) of the sealed values and key that were destroyed.
    pub content_hash: String,
}

/// Where a file stands in its life, for its page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifecycleState {
    pub relationship_ended: String,
    /// Empty while the relationship has not ended.
    pub retention_end: String,
    pub policy_years: u8,
    pub hold: Option<Hold>,
    /// Newest first.
    pub proposals: Vec<Proposal>,
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn retention_runs_from_the_end_of_the_relationship() {
        assert_eq!(
            retention_end("2020-03-31", 5, ""),
            Some(date!(2025 - 03 - 31))
        );
        assert_eq!(
            retention_end("2016-02-29", 10, ""),
            Some(date!(2026 - 02 - 28))
        );
        assert_eq!(retention_end("", 5, ""), None);
        assert_eq!(
            retention_end("2000-01-01", 50, ""),
            Some(date!(2050 - 01 - 01))
        );
    }

    #[test]
    fn an_extension_only_ever_lengthens_retention() {
        assert_eq!(
            retention_end("2020-03-31", 5, "2027-01-01"),
            Some(date!(2027 - 01 - 01))
        );
        assert_eq!(
            retention_end("2020-03-31", 5, "2024-01-01"),
            Some(date!(2025 - 03 - 31))
        );
    }

    #[test]
    fn nobody_approves_their_own_proposal_and_a_hold_blocks_approval() {
        assert!(check_decision("wang", "wang", false, true).is_err());
        assert!(check_decision("wang", "wang", false, false).is_err());
        assert!(check_decision("wang", "li", true, true).is_err());
        assert!(
            check_decision("wang", "li", true, false).is_ok(),
            "rejecting stays possible"
        );
        assert!(check_decision("wang", "li", false, true).is_ok());
    }

    #[test]
    fn every_group_has_a_default_policy_with_its_reason() {
        let defaults = RetentionPolicy::defaults();
        for group in CustomerGroup::ALL {
            let policy = defaults
                .iter()
                .find(|p| p.group == group)
                .expect("a policy");
            assert!(policy.years >= 3 && !policy.reason.is_empty());
        }
    }

    #[test]
    fn a_retention_needs_sensible_years_and_a_reason() {
        assert_eq!(parse_retention(" 8 ", "依据"), Ok((8, "依据".to_string())));
        assert!(parse_retention("0", "依据").is_err());
        assert!(parse_retention("51", "依据").is_err());
        assert!(parse_retention("8", " ").is_err());
    }
}
