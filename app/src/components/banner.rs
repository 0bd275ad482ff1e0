//! A message across the page: an error that concerns the whole page or form.

use leptos::prelude::*;

/// An error message, announced to screen readers as it appears.
#[component]
pub fn ErrorBanner(#[prop(into)] message: String) -> impl IntoView {
    view! {
        <div class="banner error" role="alert">
            {message}
        </div>
    }
}
