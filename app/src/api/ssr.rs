//! Server-side plumbing shared by the server functions.

use leptos::prelude::*;
use leptos_axum::ResponseOptions;

use super::caller::AuthSettings;
use crate::error::AppError;
use crate::store::{Store, StoreError};

/// The store the server put into the request's context.
pub(crate) fn store() -> Result<Store, AppError> {
    use_context::<Store>().ok_or_else(|| {
        tracing::error!("no store in the request context");
        AppError::Internal
    })
}

/// The sign-in rules the server was started with.
pub(crate) fn auth_settings() -> AuthSettings {
    use_context::<AuthSettings>().unwrap_or_default()
}

/// Logs a store failure once, here at the boundary, and hides it from the
/// caller.
pub(crate) fn internal(error: StoreError) -> AppError {
    tracing::error!(error = %error.log_safe(), "store operation failed");
    AppError::Internal
}

/// Gives an error answer its HTTP status; the body says the rest.
pub(crate) fn answer<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(error) = &result
        && let Some(response) = use_context::<ResponseOptions>()
    {
        response.set_status(error.status());
    }
    result
}

/// Hands the browser a cookie with this answer.
pub(crate) fn set_cookie(value: &str) {
    if let (Some(response), Ok(value)) = (
        use_context::<ResponseOptions>(),
        axum::http::HeaderValue::from_str(value),
    ) {
        response.append_header(axum::http::header::SET_COOKIE, value);
    }
}

/// A password hash that could not be computed: a server fault.
pub(crate) fn hashing_failed(error: String) -> AppError {
    tracing::error!(error = %error, "password hashing failed");
    AppError::Internal
}
