//! Server-side plumbing shared by the server functions.

use axum::http::HeaderValue;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

use super::caller::{AuthSettings, Caller};
use crate::domain::audit::{AuditAction, Outcome};
use crate::error::AppError;
use crate::secure::token;
use crate::store::{AuditEntry, Store, StoreError};

/// What a server function needs from its request, read once, first thing.
///
/// Leptos hands these over through the reactive context of the request, and
/// that context is only dependable before the function's first `.await`: on
/// the multi-threaded runtime a resumed future has been seen without it. So
/// every server function begins with [`Request::begin`] and uses nothing
/// from the context after that.
pub(crate) struct Request {
    store: Option<Store>,
    pub auth: AuthSettings,
    token_hash: Option<String>,
    response: Option<ResponseOptions>,
    /// The address the request came from, for the audit trail.
    client: String,
    /// User name and role of the signed-in caller, once known.
    who: std::sync::Mutex<Option<(String, String)>>,
    /// The backup folder, which a destruction must reach too.
    backups: Option<crate::store::backup::Backups>,
}

impl Request {
    pub(crate) fn begin() -> Self {
        let parts = use_context::<Parts>();
        let cookie = parts
            .as_ref()
            .and_then(|p| p.headers.get(COOKIE)?.to_str().ok());
        let client = parts
            .as_ref()
            .and_then(|p| {
                p.extensions
                    .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            })
            .map_or_else(|| "local".to_string(), |info| info.0.ip().to_string());
        Self {
            client,
            who: std::sync::Mutex::new(None),
            token_hash: cookie
                .and_then(token::from_cookie_header)
                .map(token::token_hash),
            store: use_context::<Store>(),
            auth: use_context::<AuthSettings>().unwrap_or_default(),
            response: use_context::<ResponseOptions>(),
            backups: use_context::<crate::store::backup::Backups>(),
        }
    }

    /// The archive's backups.
    pub(crate) fn backups(&self) -> Result<&crate::store::backup::Backups, AppError> {
        self.backups.as_ref().ok_or_else(|| {
            tracing::error!("no backup folder in the request context");
            AppError::Internal
        })
    }

    /// After a destruction: the file's key leaves the keyring snapshots of
    /// every backup, and the certificate joins the register beside them.
    /// The destruction itself is done; a failure here is logged for the
    /// administrator, who must not copy old snapshots back.
    pub(crate) fn after_destruction(
        &self,
        key_id: &str,
        certificate: &crate::domain::lifecycle::Certificate,
    ) {
        let Some(backups) = &self.backups else {
            tracing::error!("no backup folder: backup keyrings not pruned after a destruction");
            return;
        };
        if let Err(error) = backups.forget(key_id, certificate) {
            tracing::error!(error = %error, "backup keyrings not pruned after a destruction");
        }
    }

    /// The archive's store.
    pub(crate) fn store(&self) -> Result<&Store, AppError> {
        self.store.as_ref().ok_or_else(|| {
            tracing::error!("no store in the request context");
            AppError::Internal
        })
    }

    /// The hash of the session token the request presents, if any.
    pub(crate) fn token_hash(&self) -> Option<&str> {
        self.token_hash.as_deref()
    }

    /// The signed-in caller, from the session cookie.
    pub(crate) async fn caller(&self) -> Result<Caller, AppError> {
        let caller = Caller::of(self).await?;
        self.acting_as(caller.username(), caller.role().key());
        Ok(caller)
    }

    /// Names who acts in this request's audit events (after a sign-in,
    /// before there is a session).
    pub(crate) fn acting_as(&self, username: &str, role: &str) {
        if let Ok(mut who) = self.who.lock() {
            *who = Some((username.to_string(), role.to_string()));
        }
    }

    /// An event of this request, by whoever is acting in it.
    pub(crate) fn event(
        &self,
        action: AuditAction,
        target: impl Into<String>,
        outcome: Outcome,
        details: serde_json::Value,
    ) -> AuditEntry {
        let (username, role) = self
            .who
            .lock()
            .ok()
            .and_then(|who| who.clone())
            .unwrap_or_default();
        AuditEntry {
            username,
            role,
            action,
            target: target.into(),
            outcome,
            client: self.client.clone(),
            details,
        }
    }

    /// Appends an event that goes with no change (a view, a search).
    pub(crate) async fn record(&self, entry: &AuditEntry) -> Result<(), AppError> {
        self.store()?.record(entry).await.map_err(internal)
    }

    /// Passes `result` on; a refusal of a known caller (no right, a file
    /// outside their regions) is recorded first as a refused `action`.
    pub(crate) async fn refusal_recorded<T>(
        &self,
        action: AuditAction,
        target: &str,
        result: Result<T, AppError>,
    ) -> Result<T, AppError> {
        let known = self.who.lock().ok().is_some_and(|who| who.is_some());
        if let Err(error @ (AppError::Forbidden | AppError::NotFound(_))) = &result
            && known
        {
            let reason = if matches!(error, AppError::Forbidden) {
                "no_right"
            } else {
                "not_found"
            };
            // What was typed may be anything, a name even: only a code-like
            // target is kept.
            let target = target.trim();
            let target = if target.len() <= 40
                && target
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-._".contains(c))
            {
                target.to_uppercase()
            } else {
                "(无法识别)".to_string()
            };
            let entry = self.event(
                action,
                target,
                Outcome::Refused,
                serde_json::json!({ "reason": reason }),
            );
            if let Ok(store) = self.store()
                && let Err(failure) = store.record(&entry).await
            {
                tracing::error!(error = %failure.log_safe(), "refusal not recorded");
            }
        }
        result
    }

    /// Gives an error answer its HTTP status; the body says the rest.
    pub(crate) fn answer<T>(&self, result: Result<T, AppError>) -> Result<T, AppError> {
        if let (Err(error), Some(response)) = (&result, &self.response) {
            response.set_status(error.status());
        }
        result
    }

    /// Like [`Self::answer`], after recording a refusal of `action`.
    pub(crate) async fn answer_audited<T>(
        &self,
        action: AuditAction,
        target: &str,
        result: Result<T, AppError>,
    ) -> Result<T, AppError> {
        self.answer(self.refusal_recorded(action, target, result).await)
    }

    /// Hands the browser a cookie with this answer.
    pub(crate) fn set_cookie(&self, value: &str) {
        if let (Some(response), Ok(value)) = (&self.response, HeaderValue::from_str(value)) {
            response.append_header(SET_COOKIE, value);
        }
    }
}

/// The scheme and host the browser used to reach this server, as
/// `https://host:port`; read from the request, so call it before the first
/// `.await`.
// Limitation: a server reached under several names prints whichever name
// the printing browser used.
pub(crate) fn origin(https: bool) -> String {
    let host = use_context::<Parts>()
        .and_then(|p| {
            p.headers
                .get(axum::http::header::HOST)?
                .to_str()
                .ok()
                .map(str::to_string)
        })
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or_else(|| "localhost".to_string());
    let scheme = if https { "https" } else { "http" };
    format!("{scheme}://{host}")
}

/// Logs a store failure once, here at the boundary, and hides it from the
/// caller.
pub(crate) fn internal(error: StoreError) -> AppError {
    if let StoreError::Contention(_) = error {
        // Too many saves at the same moment: nothing was written, and the
        // same request can simply be sent again.
        tracing::warn!(error = %error.log_safe(), "store busy");
        return AppError::Conflict(
            "档案库此刻正忙，本次未保存任何内容，请稍后重新提交。".to_string(),
        );
    }
    tracing::error!(error = %error.log_safe(), "store operation failed");
    AppError::Internal
}

/// A password hash that could not be computed: a server fault.
pub(crate) fn hashing_failed(error: String) -> AppError {
    tracing::error!(error = %error, "password hashing failed");
    AppError::Internal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_archive_asks_to_send_again_instead_of_failing() {
        match internal(StoreError::Contention("NH-510104".to_string())) {
            AppError::Conflict(message) => assert!(message.contains("重新提交"), "{message}"),
            other => panic!("expected a conflict, got {other:?}"),
        }
        assert!(matches!(internal(StoreError::NotEmpty), AppError::Internal));
    }
}
