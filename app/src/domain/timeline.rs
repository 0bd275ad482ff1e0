//! 客户关系管理: the relationship timeline of a file — cooperation items and
//! their outcomes, customer feedback, issues and follow-ups — and the rules
//! by which entries move from open to done.
//!
//! Entries are never removed: a correction keeps what it replaced, and every
//! step names who took it and when.

use serde::{Deserialize, Serialize};

use super::profile::keyed_enum;
use super::upkeep::{Dueness, parse_day};

/// Longest summary line of an entry, in characters.
pub const MAX_TITLE: usize = 60;
/// Longest description, outcome or step note, in characters.
pub const MAX_TEXT: usize = 1000;

keyed_enum! {
    /// What an entry of the timeline records.
    EntryKind {
        /// 合作事项: a purchase, contract or service, with its outcome.
        Cooperation = "cooperation", "合作事项";
        /// 客户反馈: what the customer said about the cooperative.
        Feedback = "feedback", "客户反馈";
        /// 问题: a problem to be handled, open until resolved.
        Issue = "issue", "问题";
        /// 跟进: something to do for the customer by a date.
        FollowUp = "follow_up", "跟进事项";
    }
}

keyed_enum! {
    /// Where an entry stands. The words shown depend on the kind
    /// ([`status_label`]).
    EntryStatus {
        Open = "open", "未完成";
        InProgress = "in_progress", "处理中";
        Closed = "closed", "已完成";
    }
}

/// The status as staff name it for this kind of entry.
pub fn status_label(kind: EntryKind, status: EntryStatus) -> &'static str {
    use EntryKind as K;
    use EntryStatus as S;
    match (kind, status) {
        (K::Cooperation, S::Closed) => "已结束",
        (K::Cooperation, _) => "进行中",
        (K::Feedback, _) => "已记录",
        (K::Issue, S::Open) => "待处理",
        (K::Issue, S::InProgress) => "处理中",
        (K::Issue, S::Closed) => "已解决",
        (K::FollowUp, S::Closed) => "已完成",
        (K::FollowUp, _) => "待跟进",
    }
}

impl EntryKind {
    /// The status a new entry starts in.
    pub fn first_status(self) -> EntryStatus {
        match self {
            Self::Feedback => EntryStatus::Closed,
            _ => EntryStatus::Open,
        }
    }

    /// Issues and follow-ups are someone's work: they have an owner and a
    /// due date.
    pub fn is_task(self) -> bool {
        matches!(self, Self::Issue | Self::FollowUp)
    }

    /// What the note of a closing step is called.
    pub fn closing_note(self) -> &'static str {
        match self {
            Self::Cooperation => "合作结果",
            Self::Issue => "处理办法和结果",
            Self::FollowUp | Self::Feedback => "跟进结果",
        }
    }
}

/// Whether an entry of `kind` may move from `from` to `to`, and if not,
/// why, in words for staff.
pub fn check_move(kind: EntryKind, from: EntryStatus, to: EntryStatus) -> Result<(), String> {
    use EntryStatus::{Closed, InProgress, Open};
    if from == to {
        return Err(format!(
            "此条目已是“{}”状态，请刷新页面查看最新情况",
            status_label(kind, to)
        ));
    }
    let allowed = match kind {
        EntryKind::Feedback => false,
        EntryKind::Cooperation | EntryKind::FollowUp => {
            matches!((from, to), (Open, Closed) | (Closed, Open))
        }
        EntryKind::Issue => matches!(
            (from, to),
            (Open, InProgress) | (Open | InProgress, Closed) | (Closed, Open)
        ),
    };
    if allowed {
        Ok(())
    } else if kind == EntryKind::Feedback {
        Err("客户反馈只作记录，没有处理状态；需要处理的请另记一条“问题”".to_string())
    } else {
        Err(format!(
            "{}不能从“{}”改为“{}”",
            kind.label(),
            status_label(kind, from),
            status_label(kind, to)
        ))
    }
}

/// What a step must say: closing an entry needs its result, reopening
/// needs a reason.
pub fn check_step_note(kind: EntryKind, to: EntryStatus, note: &str) -> Result<(), String> {
    let note = note.trim();
    if note.chars().count() > MAX_TEXT {
        return Err(format!("说明不能超过 {MAX_TEXT} 个字"));
    }
    if note.is_empty() {
        match to {
            EntryStatus::Closed => return Err(format!("请写明{}", kind.closing_note())),
            EntryStatus::Open => return Err("请写明重新打开的原因".to_string()),
            EntryStatus::InProgress => {}
        }
    }
    Ok(())
}

/// The content of an entry, sealed at rest under the file's data key (it
/// is about a person, and goes when the file is destroyed).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryContent {
    /// What: the item, the problem, the thing to do.
    pub title: String,
    pub detail: String,
    /// Cooperation items: how much (with its unit, e.g. `20 吨`).
    pub quantity: String,
    /// Cooperation items: value in 元, two decimals, or empty.
    pub value: String,
    /// Cooperation items: `YYYY-MM-DD` or empty.
    pub start: String,
    pub end: String,
}

/// An entry as the form sends it, new or corrected.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EntryForm {
    pub kind: String,
    pub title: String,
    pub detail: String,
    pub quantity: String,
    pub value: String,
    pub start: String,
    pub end: String,
    /// User name of who handles an issue or follow-up.
    pub owner: String,
    /// `YYYY-MM-DD` by which an issue or follow-up is to be done.
    pub due: String,
}

/// A checked entry form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedEntry {
    pub kind: EntryKind,
    pub content: EntryContent,
    pub owner: String,
    pub due: String,
}

/// One refusal of an entry form: the form control and what to fix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryError {
    pub control: &'static str,
    pub message: String,
}

impl EntryForm {
    /// Checks the form; every refusal names its control.
    pub fn validate(&self) -> Result<CheckedEntry, Vec<EntryError>> {
        let mut errors = Vec::new();
        let mut refuse = |control: &'static str, message: String| {
            errors.push(EntryError { control, message });
        };
        let kind = EntryKind::from_key(self.kind.trim());
        if kind.is_none() {
            refuse("kind", "请选择记录类型".to_string());
        }
        let title = self.title.trim();
        if title.is_empty() {
            refuse("title", "请填写内容摘要".to_string());
        } else if title.chars().count() > MAX_TITLE {
            refuse("title", format!("摘要不能超过 {MAX_TITLE} 个字"));
        }
        let detail = self.detail.trim();
        if detail.chars().count() > MAX_TEXT {
            refuse("detail", format!("详细说明不能超过 {MAX_TEXT} 个字"));
        }
        let is_cooperation = kind == Some(EntryKind::Cooperation);
        let value = if is_cooperation {
            match parse_yuan(&self.value) {
                Ok(value) => value,
                Err(message) => {
                    refuse("value", message);
                    String::new()
                }
            }
        } else {
            String::new()
        };
        let quantity = if is_cooperation {
            self.quantity.trim().to_string()
        } else {
            String::new()
        };
        if quantity.chars().count() > 30 {
            refuse("quantity", "数量不能超过 30 个字，例如“20 吨”".to_string());
        }
        let mut dates = [("start", &self.start), ("end", &self.end)]
            .map(|(control, text)| (control, text.trim().to_string()));
        if !is_cooperation {
            dates = [("start", String::new()), ("end", String::new())];
        }
        for (control, text) in &dates {
            if !text.is_empty() && parse_day(text).is_none() {
                refuse(
                    control,
                    "日期格式应为 年-月-日，例如 2026-12-03".to_string(),
                );
            }
        }
        if let (Some(start), Some(end)) = (parse_day(&dates[0].1), parse_day(&dates[1].1))
            && end < start
        {
            refuse("end", "结束日期不能早于开始日期".to_string());
        }
        let is_task = kind.is_some_and(EntryKind::is_task);
        let owner = if is_task {
            self.owner.trim().to_string()
        } else {
            String::new()
        };
        let due = if is_task {
            self.due.trim().to_string()
        } else {
            String::new()
        };
        if is_task && owner.is_empty() {
            refuse("owner", "请选择负责人".to_string());
        }
        if kind == Some(EntryKind::FollowUp) && due.is_empty() {
            refuse("due", "请填写跟进的截止日期".to_string());
        } else if !due.is_empty() && parse_day(&due).is_none() {
            refuse("due", "日期格式应为 年-月-日，例如 2026-12-03".to_string());
        }
        let Some(kind) = kind.filter(|_| errors.is_empty()) else {
            return Err(errors);
        };
        let [(_, start), (_, end)] = dates;
        Ok(CheckedEntry {
            kind,
            content: EntryContent {
                title: title.to_string(),
                detail: detail.to_string(),
                quantity,
                value,
                start,
                end,
            },
            owner,
            due,
        })
    }
}

/// An amount in 元 as typed (`12000`, `12,000.5`) in its stored form
/// (`12000.50`); empty stays empty.
pub fn parse_yuan(input: &str) -> Result<String, String> {
    let text: String = input
        .trim()
        .trim_start_matches('¥')
        .trim_end_matches('元')
        .chars()
        .filter(|c| *c != ',' && *c != '，' && !c.is_whitespace())
        .collect();
    if text.is_empty() {
        return Ok(String::new());
    }
    let refused = || "金额请填写数字，单位为元，最多两位小数，例如 12000 或 3500.50".to_string();
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text.as_str(), None),
    };
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !digits(whole) || fraction.is_some_and(|f| !digits(f) || f.len() > 2) {
        return Err(refused());
    }
    if whole.len() > 12 {
        return Err("金额过大，请核对（单位为元）".to_string());
    }
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    Ok(format!("{whole}.{:0<2}", fraction.unwrap_or("")))
}

/// What a step did to an entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepAction {
    Created,
    /// The content, owner or due date was corrected; `previous` is what it
    /// replaced.
    Corrected {
        previous: Box<EntryContent>,
        owner: String,
        due: String,
    },
    /// The status moved to this.
    Moved(EntryStatus),
}

/// One step in the life of an entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryStep {
    /// `YYYY-MM-DD HH:MM`.
    pub at: String,
    pub by: String,
    pub action: StepAction,
    pub note: String,
}

/// An entry of the timeline with all its steps, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub id: String,
    pub code: String,
    pub kind: EntryKind,
    pub status: EntryStatus,
    pub content: EntryContent,
    pub owner: String,
    pub due: String,
    pub version: i64,
    pub steps: Vec<EntryStep>,
}

impl TimelineEntry {
    /// The entry as its form shows it, for a correction.
    pub fn to_form(&self) -> EntryForm {
        EntryForm {
            kind: self.kind.key().to_string(),
            title: self.content.title.clone(),
            detail: self.content.detail.clone(),
            quantity: self.content.quantity.clone(),
            value: self.content.value.clone(),
            start: self.content.start.clone(),
            end: self.content.end.clone(),
            owner: self.owner.clone(),
            due: self.due.clone(),
        }
    }
}

/// An open issue or follow-up on someone's list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskRow {
    pub id: String,
    pub code: String,
    pub customer_name: String,
    pub kind: EntryKind,
    pub status: EntryStatus,
    pub title: String,
    pub due: String,
    pub dueness: Option<Dueness>,
}

/// A colleague who may be given an issue or follow-up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Colleague {
    pub username: String,
    pub display_name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(kind: EntryKind) -> EntryForm {
        EntryForm {
            kind: kind.key().to_string(),
            title: "春季化肥采购".to_string(),
            owner: "li.si".to_string(),
            due: "2026-12-20".to_string(),
            ..EntryForm::default()
        }
    }

    #[test]
    fn issues_move_through_in_progress_to_resolved_and_may_be_reopened() {
        use EntryStatus::{Closed, InProgress, Open};
        let k = EntryKind::Issue;
        assert!(check_move(k, Open, InProgress).is_ok());
        assert!(check_move(k, InProgress, Closed).is_ok());
        assert!(check_move(k, Open, Closed).is_ok());
        assert!(check_move(k, Closed, Open).is_ok());
        assert!(check_move(k, Closed, InProgress).is_err());
        assert!(check_move(k, InProgress, InProgress).is_err());
    }

    #[test]
    fn follow_ups_and_cooperation_are_open_or_done_and_feedback_never_moves() {
        use EntryStatus::{Closed, InProgress, Open};
        for k in [EntryKind::FollowUp, EntryKind::Cooperation] {
            assert!(check_move(k, Open, Closed).is_ok());
            assert!(check_move(k, Closed, Open).is_ok());
            assert!(check_move(k, Open, InProgress).is_err());
        }
        let refusal = check_move(EntryKind::Feedback, Closed, Open).expect_err("refused");
        assert!(refusal.contains("问题"), "{refusal}");
    }

    #[test]
    fn closing_needs_its_result_and_reopening_a_reason() {
        let k = EntryKind::Issue;
        assert!(check_step_note(k, EntryStatus::Closed, " ").is_err());
        assert!(check_step_note(k, EntryStatus::Open, "").is_err());
        assert!(check_step_note(k, EntryStatus::InProgress, "").is_ok());
        assert!(check_step_note(k, EntryStatus::Closed, "已更换种子").is_ok());
    }

    #[test]
    fn a_follow_up_needs_an_owner_and_a_date() {
        let mut f = form(EntryKind::FollowUp);
        f.owner.clear();
        f.due.clear();
        let errors = f.validate().expect_err("refused");
        let controls: Vec<_> = errors.iter().map(|e| e.control).collect();
        assert_eq!(controls, ["owner", "due"]);
    }

    #[test]
    fn an_issue_may_have_no_due_date_but_not_a_bad_one() {
        let mut f = form(EntryKind::Issue);
        f.due.clear();
        assert!(f.validate().is_ok());
        f.due = "2026-13-01".to_string();
        assert_eq!(f.validate().expect_err("refused")[0].control, "due");
    }

    #[test]
    fn cooperation_keeps_its_amounts_and_dates_and_others_drop_them() {
        let mut f = form(EntryKind::Cooperation);
        f.quantity = "20 吨".to_string();
        f.value = "12,000.5".to_string();
        f.start = "2026-03-01".to_string();
        f.end = "2026-02-01".to_string();
        assert_eq!(f.validate().expect_err("refused")[0].control, "end");
        f.end = "2026-06-30".to_string();
        let checked = f.validate().expect("accepted");
        assert_eq!(checked.content.value, "12000.50");
        assert_eq!(checked.content.quantity, "20 吨");
        assert!(checked.owner.is_empty(), "cooperation items have no owner");

        let mut feedback = f.clone();
        feedback.kind = "feedback".to_string();
        let checked = feedback.validate().expect("accepted");
        assert!(checked.content.value.is_empty() && checked.content.start.is_empty());
    }

    #[test]
    fn amounts_are_yuan_with_at_most_two_decimals() {
        assert_eq!(parse_yuan("").expect("accepted"), "");
        assert_eq!(parse_yuan("3500").expect("accepted"), "3500.00");
        assert_eq!(parse_yuan("¥0.5元").expect("accepted"), "0.50");
        assert_eq!(parse_yuan("007").expect("accepted"), "7.00");
        for bad in ["1.234", "一千", "-5", "1e5", ".5", "12.", "1000000000000"] {
            assert!(parse_yuan(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn titles_are_required_and_short() {
        let mut f = form(EntryKind::Feedback);
        f.title = " ".to_string();
        assert_eq!(f.validate().expect_err("refused")[0].control, "title");
        f.title = "长".repeat(MAX_TITLE + 1);
        assert_eq!(f.validate().expect_err("refused")[0].control, "title");
        f.kind = "memo".to_string();
        assert!(
            f.validate()
                .expect_err("refused")
                .iter()
                .any(|e| e.control == "kind")
        );
    }

    #[test]
    fn new_feedback_is_recorded_and_other_entries_open() {
        assert_eq!(EntryKind::Feedback.first_status(), EntryStatus::Closed);
        assert_eq!(EntryKind::Issue.first_status(), EntryStatus::Open);
        assert_eq!(
            status_label(EntryKind::Issue, EntryStatus::Closed),
            "已解决"
        );
    }
}
