//! Errors, and which layer uses which.
//!
//! - `domain` returns one small error enum per rule (`PhoneError`, …) whose
//!   message tells staff what to fix; the intake form gathers them into
//!   [`FieldError`]s.
//! - `store` returns [`StoreError`](crate::store::StoreError): what went wrong
//!   in the database, for the log only.
//! - `api` (server functions) returns [`AppError`], the one error type that
//!   crosses the wire. Each variant maps to one HTTP status and one message a
//!   person can act on, in Chinese. Internal causes are logged once, where
//!   they are turned into [`AppError::Internal`], and never shown.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

use crate::domain::history::ChangeEntry;
use crate::domain::{DuplicateCandidate, Field, FieldError};

/// The error every server function answers with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Some fields were refused; nothing was saved.
    #[error("有 {} 项内容需要修改，请按提示更正后再提交", .0.len())]
    Invalid(Vec<FieldError>),
    /// A request that is malformed as a whole (not a single field).
    #[error("{0}")]
    BadRequest(String),
    #[error("请先登录")]
    Unauthenticated,
    /// Wrong name or password, or a locked account: deliberately one answer,
    /// so that nobody learns which user names exist.
    #[error("用户名或密码不正确；连续多次输错后账户会被暂时锁定，如有疑问请联系管理员")]
    SignInFailed,
    /// The account's password was set by an administrator and must be
    /// replaced before any other work.
    #[error("请先修改初始密码")]
    PasswordChangeRequired,
    #[error("您没有进行此操作的权限")]
    Forbidden,
    /// The named thing does not exist (or is not visible to the caller).
    #[error("未找到{0}")]
    NotFound(String),
    /// A file with this ID number or credit code exists already; `code` is
    /// given when the caller may see that file.
    #[error("已有档案使用此证件号码，同一客户只能建一份档案")]
    DuplicateIdentity { code: Option<String> },
    /// Files that may be the same customer; saving needs a confirmation.
    /// `elsewhere` counts candidates outside the caller's regions.
    #[error("发现可能重复的档案，请核对后再决定是否保存")]
    PossibleDuplicates {
        candidates: Vec<DuplicateCandidate>,
        elsewhere: u32,
    },
    /// Someone else changed the record first.
    #[error("{0}")]
    Conflict(String),
    /// The file was saved by someone else while it was being edited:
    /// `version` is its version now, `entries` what changed since the
    /// edit began. Nothing was saved; the edit form keeps its input.
    #[error("此档案在您编辑期间已被他人修改，请查看对方的修改后再决定是否保存")]
    EditConflict {
        version: i64,
        entries: Vec<ChangeEntry>,
    },
    /// The browser could not reach the server.
    #[error("无法连接服务器，请检查网络后重试；已填写的内容不会丢失")]
    Network,
    /// Anything else; the cause is in the server log, not here.
    #[error("服务器暂时无法完成请求，请稍后重试；已填写的内容不会丢失")]
    Internal,
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) => Self::Network,
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => Self::malformed(),
            // On the server this is the request's arguments failing to
            // decode; in the browser it is the server's answer, which is no
            // fault of the person at the tablet.
            ServerFnErrorErr::Deserialization(_) if cfg!(feature = "ssr") => Self::malformed(),
            _ => Self::Internal,
        }
    }
}

impl AppError {
    fn malformed() -> Self {
        Self::BadRequest("请求内容不完整或格式不正确，请刷新页面后重试".to_string())
    }

    /// One refused field.
    pub fn field(field: Field, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError {
            field,
            message: message.into(),
        }])
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// The one mapping from error to HTTP status.
    pub fn status(&self) -> axum::http::StatusCode {
        use axum::http::StatusCode;
        match self {
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthenticated | Self::SignInFailed => StatusCode::UNAUTHORIZED,
            Self::PasswordChangeRequired => StatusCode::FORBIDDEN,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_)
            | Self::EditConflict { .. }
            | Self::DuplicateIdentity { .. }
            | Self::PossibleDuplicates { .. } => StatusCode::CONFLICT,
            Self::Network => StatusCode::BAD_GATEWAY,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}
