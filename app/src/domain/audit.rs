//! The audit trail as the pages see it: what happened, by whom, to which
//! file, with what outcome. Events name codes and fields, never personal
//! values.

use serde::{Deserialize, Serialize};

/// What an event records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    SignIn,
    SignInFailed,
    SignOut,
    Lockout,
    PasswordChange,
    ViewFile,
    Search,
    Reveal,
    CreateFile,
    EditFile,
    Print,
    UserCreate,
    UserChange,
    PasswordReset,
    SettingsChange,
    AuditExport,
    AuditCheckpoint,
    AlertAcknowledge,
    Verify,
    Timeline,
    Feedback,
    Report,
    Export,
    Disposal,
    LegalHold,
    Destroy,
    Backup,
    Restore,
    PersonRequest,
    Consent,
}

impl AuditAction {
    pub const ALL: [AuditAction; 30] = [
        Self::SignIn,
        Self::SignInFailed,
        Self::SignOut,
        Self::Lockout,
        Self::PasswordChange,
        Self::ViewFile,
        Self::Search,
        Self::Reveal,
        Self::CreateFile,
        Self::EditFile,
        Self::Print,
        Self::UserCreate,
        Self::UserChange,
        Self::PasswordReset,
        Self::SettingsChange,
        Self::AuditExport,
        Self::AuditCheckpoint,
        Self::AlertAcknowledge,
        Self::Verify,
        Self::Timeline,
        Self::Feedback,
        Self::Report,
        Self::Export,
        Self::Disposal,
        Self::LegalHold,
        Self::Destroy,
        Self::Backup,
        Self::Restore,
        Self::PersonRequest,
        Self::Consent,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::SignIn => "sign_in",
            Self::SignInFailed => "sign_in_failed",
            Self::SignOut => "sign_out",
            Self::Lockout => "lockout",
            Self::PasswordChange => "password_change",
            Self::ViewFile => "view_file",
            Self::Search => "search",
            Self::Reveal => "reveal",
            Self::CreateFile => "create_file",
            Self::EditFile => "edit_file",
            Self::Print => "print",
            Self::UserCreate => "user_create",
            Self::UserChange => "user_change",
            Self::PasswordReset => "password_reset",
            Self::SettingsChange => "settings_change",
            Self::AuditExport => "audit_export",
            Self::AuditCheckpoint => "audit_checkpoint",
            Self::AlertAcknowledge => "alert_acknowledge",
            Self::Verify => "verify",
            Self::Timeline => "timeline",
            Self::Feedback => "feedback",
            Self::Report => "report",
            Self::Export => "export",
            Self::Disposal => "disposal",
            Self::LegalHold => "legal_hold",
            Self::Destroy => "destroy",
            Self::Backup => "backup",
            Self::Restore => "restore",
            Self::PersonRequest => "person_request",
            Self::Consent => "consent",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::SignIn => "登录",
            Self::SignInFailed => "登录失败",
            Self::SignOut => "退出",
            Self::Lockout => "账户锁定",
            Self::PasswordChange => "修改密码",
            Self::ViewFile => "查看档案",
            Self::Search => "查询档案",
            Self::Reveal => "查看完整信息",
            Self::CreateFile => "新建档案",
            Self::EditFile => "修改档案",
            Self::Print => "打印",
            Self::UserCreate => "新建用户",
            Self::UserChange => "修改用户",
            Self::PasswordReset => "重置密码",
            Self::SettingsChange => "修改设置",
            Self::AuditExport => "导出审计记录",
            Self::AuditCheckpoint => "审计签名",
            Self::AlertAcknowledge => "处理预警",
            Self::Verify => "定期核对",
            Self::Timeline => "客户往来记录",
            Self::Feedback => "意见反馈",
            Self::Report => "查看报表",
            Self::Export => "导出",
            Self::Disposal => "销毁审核",
            Self::LegalHold => "法律保全",
            Self::Destroy => "销毁档案",
            Self::Backup => "备份",
            Self::Restore => "恢复备份",
            Self::PersonRequest => "个人信息请求",
            Self::Consent => "同意与撤回",
        }
    }
}

/// How an operation ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Done.
    Ok,
    /// Refused: no right, outside the caller's regions, wrong password.
    Refused,
}

impl Outcome {
    pub fn key(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Refused => "refused",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        [Self::Ok, Self::Refused]
            .into_iter()
            .find(|o| o.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Ok => "成功",
            Self::Refused => "被拒绝",
        }
    }
}

/// One event of the trail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub seq: i64,
    /// `YYYY-MM-DD HH:MM:SS` in China Standard Time.
    pub at: String,
    pub username: String,
    pub role: String,
    pub action: AuditAction,
    /// An archive code, a user name or a setting; empty when none.
    pub target: String,
    pub outcome: Outcome,
    pub client: String,
    /// Facts of the event as JSON: field names, counts, criteria; no values.
    pub details: String,
}

/// What the audit page asks for. Empty fields do not filter.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditFilter {
    /// `YYYY-MM-DD`, China Standard Time, inclusive.
    pub from: String,
    pub to: String,
    pub username: String,
    /// An [`AuditAction`] key.
    pub action: String,
    pub target: String,
    /// An [`Outcome`] key.
    pub outcome: String,
}

/// The verdict on the trail's hash chain and its signed checkpoints.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainReport {
    /// Events in the trail.
    pub events: u64,
    /// The chain is intact from event 1 up to this one.
    pub intact_up_to: u64,
    /// The first event (by sequence number) found broken, and why.
    pub broken: Option<(u64, String)>,
    /// Signed checkpoints that were checked and matched.
    pub checkpoints_ok: u64,
}

impl ChainReport {
    pub fn is_intact(&self) -> bool {
        self.broken.is_none()
    }

    /// One line for people: "intact up to event N" or where it breaks.
    pub fn summary(&self) -> String {
        match &self.broken {
            None => format!(
                "审计记录完整：共 {} 条，至第 {} 条均未被改动；{} 个签名检查点吻合",
                self.events, self.intact_up_to, self.checkpoints_ok
            ),
            Some((seq, why)) => format!(
                "审计记录在第 {seq} 条处被改动（{why}）；第 {} 条及以前完整",
                self.intact_up_to
            ),
        }
    }
}

/// The rules that find abnormal use, with their thresholds. Set by the
/// operator (`nongdang --help`, `NONGDANG_ALERT_*`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertRules {
    /// The window the counting rules look at.
    pub window_minutes: i64,
    /// More views (or searches) than this by one user in the window.
    pub max_views: u64,
    /// More reveals than this by one user in the window.
    pub max_reveals: u64,
    /// This many failed sign-ins for one account in the window.
    pub max_failed_sign_ins: u64,
    /// An export of at least this many events.
    pub bulk_export: u64,
    /// Office hours, China Standard Time: work from `start` to `end` hour.
    pub hours_start: u8,
    pub hours_end: u8,
}

impl Default for AlertRules {
    fn default() -> Self {
        Self {
            window_minutes: 10,
            max_views: 100,
            max_reveals: 20,
            max_failed_sign_ins: 5,
            bulk_export: 1_000,
            hours_start: 7,
            hours_end: 20,
        }
    }
}

/// The rules, by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertRule {
    ManyViews,
    ManyReveals,
    FailedSignIns,
    BulkExport,
    OutsideHours,
    NewAddress,
}

impl AlertRule {
    pub const ALL: [AlertRule; 6] = [
        Self::ManyViews,
        Self::ManyReveals,
        Self::FailedSignIns,
        Self::BulkExport,
        Self::OutsideHours,
        Self::NewAddress,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::ManyViews => "many_views",
            Self::ManyReveals => "many_reveals",
            Self::FailedSignIns => "failed_sign_ins",
            Self::BulkExport => "bulk_export",
            Self::OutsideHours => "outside_hours",
            Self::NewAddress => "new_address",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::ManyViews => "短时间内大量查看档案",
            Self::ManyReveals => "短时间内大量查看完整信息",
            Self::FailedSignIns => "多次登录失败",
            Self::BulkExport => "批量导出",
            Self::OutsideHours => "非工作时间操作",
            Self::NewAddress => "特权账户从新地址登录",
        }
    }
}

/// An alert with its evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    pub key: String,
    pub rule: AlertRule,
    pub username: String,
    /// `YYYY-MM-DD HH:MM:SS`, China Standard Time.
    pub at: String,
    /// The event that crossed the threshold.
    pub seq: i64,
    pub evidence: String,
    /// Empty while open.
    pub acknowledged_by: String,
    pub comment: String,
}
