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
}

impl AuditAction {
    pub const ALL: [AuditAction; 18] = [
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
