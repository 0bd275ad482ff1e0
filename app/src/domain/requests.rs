//! Requests from the people in the files (PIPL art. 44–47): to see, copy,
//! correct or delete what is held about them, to withdraw consent, or to
//! have the rules explained; each answered by a due date.

use serde::{Deserialize, Serialize};
use time::{Date, Weekday};

use super::profile::keyed_enum;
use super::upkeep::parse_day;

/// Working days to answer a request, unless an administrator sets another
/// number.
pub const DEFAULT_DUE_WORKING_DAYS: u8 = 15;

/// Longest text of a request field, in characters.
pub const MAX_REQUEST_TEXT: usize = 500;

keyed_enum! {
    /// What a person asks for.
    RequestKind {
        Access = "access", "查阅";
        Copy = "copy", "复制";
        Correction = "correction", "更正";
        Deletion = "deletion", "删除";
        Withdrawal = "withdrawal", "撤回同意";
        Explanation = "explanation", "解释处理规则";
    }
}

keyed_enum! {
    /// Where a request stands.
    RequestStatus {
        Open = "open", "处理中";
        Answered = "answered", "已答复";
        Refused = "refused", "已拒绝（附理由）";
    }
}

keyed_enum! {
    /// How a request came in.
    Channel {
        InPerson = "in_person", "本人到场";
        Written = "written", "书面申请";
        Phone = "phone", "电话";
        Agent = "agent", "代理人";
    }
}

/// `days` working days (Monday to Friday) after `from`.
// Limitation: public holidays and the weekend working days that replace
// them (调休) are not known; a due date may fall a day or two early around
// them, never late.
pub fn add_working_days(from: Date, days: u8) -> Date {
    let mut day = from;
    let mut left = days;
    while left > 0 {
        day = day.next_day().unwrap_or(day);
        if !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
            left -= 1;
        }
    }
    day
}

/// A request as the register form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RequestForm {
    /// The archive code of the person's file.
    pub code: String,
    pub kind: String,
    /// Who asked (the person, or their agent).
    pub requester: String,
    pub channel: String,
    /// `YYYY-MM-DD`; the due date counts from it.
    pub received_on: String,
    /// How the requester's identity was checked (e.g. 核验身份证原件).
    pub identity_check: String,
    /// What exactly is asked.
    pub details: String,
}

/// A checked request form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedRequest {
    pub kind: RequestKind,
    pub channel: Channel,
    pub received_on: Date,
    pub requester: String,
    pub identity_check: String,
    pub details: String,
}

impl RequestForm {
    /// The form checked against `today`, or what to fix.
    pub fn validate(&self, today: Date) -> Result<CheckedRequest, String> {
        let kind = RequestKind::from_key(self.kind.trim()).ok_or("请选择请求类型")?;
        let channel = Channel::from_key(self.channel.trim()).ok_or("请选择请求方式")?;
        let received_on =
            parse_day(&self.received_on).ok_or("收到日期的格式应为 年-月-日，例如 2026-12-03")?;
        if received_on > today {
            return Err("收到日期不能晚于今天".to_string());
        }
        let text = |value: &str, what: &str, required: bool| -> Result<String, String> {
            let value = value.trim();
            if required && value.is_empty() {
                return Err(format!("请填写{what}"));
            }
            if value.chars().count() > MAX_REQUEST_TEXT {
                return Err(format!("{what}不能超过 {MAX_REQUEST_TEXT} 个字"));
            }
            Ok(value.to_string())
        };
        Ok(CheckedRequest {
            kind,
            channel,
            received_on,
            requester: text(&self.requester, "请求人", true)?,
            identity_check: text(&self.identity_check, "身份核验方式", true)?,
            details: text(&self.details, "请求内容", false)?,
        })
    }
}

/// A registered request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRequest {
    pub id: String,
    pub code: String,
    pub kind: RequestKind,
    pub channel: Channel,
    pub requester: String,
    pub received_on: String,
    pub identity_check: String,
    pub details: String,
    /// `YYYY-MM-DD`.
    pub due_on: String,
    pub status: RequestStatus,
    pub answer: String,
    pub answered_by: String,
    pub answered_on: String,
    pub recorded_by: String,
    /// Open and past its due date.
    pub overdue: bool,
}

/// Everything held about one person, for an access or copy request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccessExport {
    /// `YYYY-MM-DD HH:MM`.
    pub made_at: String,
    pub made_by: String,
    /// The file in full, personal values unmasked: it is the person's own.
    pub file: super::Customer,
    pub history: Vec<super::history::ChangeEntry>,
    pub verifications: Vec<super::upkeep::VerificationRecord>,
    pub timeline: Vec<super::timeline::TimelineEntry>,
    pub requests: Vec<PersonRequest>,
    /// The consents given for each purpose, and their withdrawals.
    pub consents: Vec<super::consent::ConsentRecord>,
    /// Who saw the masked values in full, and when.
    pub disclosures: u64,
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn fifteen_working_days_skip_the_weekends() {
        // Thursday 2026-12-03 + 15 working days = Thursday 2026-12-24.
        assert_eq!(
            add_working_days(date!(2026 - 12 - 03), 15),
            date!(2026 - 12 - 24)
        );
        // A Friday + 1 is the Monday after.
        assert_eq!(
            add_working_days(date!(2026 - 12 - 04), 1),
            date!(2026 - 12 - 07)
        );
        // Received on a Saturday: the count starts on Monday.
        assert_eq!(
            add_working_days(date!(2026 - 12 - 05), 1),
            date!(2026 - 12 - 07)
        );
    }

    #[test]
    fn a_request_needs_who_how_checked_and_a_sensible_date() {
        let today = date!(2026 - 12 - 03);
        let form = RequestForm {
            code: "NH-510104-00001".into(),
            kind: "access".into(),
            requester: "张三（本人）".into(),
            channel: "in_person".into(),
            received_on: "2026-12-03".into(),
            identity_check: "核验身份证原件".into(),
            details: String::new(),
        };
        assert!(form.validate(today).is_ok());
        let later = RequestForm {
            received_on: "2026-12-04".into(),
            ..form.clone()
        };
        assert!(later.validate(today).is_err());
        let unchecked = RequestForm {
            identity_check: " ".into(),
            ..form.clone()
        };
        assert!(
            unchecked
                .validate(today)
                .expect_err("refused")
                .contains("身份核验")
        );
        let unknown = RequestForm {
            kind: "forget".into(),
            ..form
        };
        assert!(unknown.validate(today).is_err());
    }
}
