//! A message across the page: an error that concerns the whole page or form.

use leptos::prelude::*;

use crate::error::AppError;

/// An error message, announced to screen readers as it appears.
#[component]
pub fn ErrorBanner(#[prop(into)] message: String) -> impl IntoView {
    view! {
        <div class="banner error" role="alert">
            {message}
        </div>
    }
}

/// The error of an action's last run as a banner, or nothing while it has
/// not failed.
#[component]
pub fn ActionError<I, T>(action: Action<I, Result<T, AppError>>) -> impl IntoView
where
    I: Send + Sync + 'static,
    T: Clone + Send + Sync + 'static,
{
    move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| view! { <ErrorBanner message=e.to_string() /> })
    }
}
