//! 登录: signing in.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::auth::sign_in;
use crate::components::banner::ErrorBanner;
use crate::components::form::{reload_at, text};

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let interactive = RwSignal::new(false);
    let attempt =
        Action::new(|(name, password): &(String, String)| sign_in(name.clone(), password.clone()));

    Effect::new(move |_| {
        if form_ref.get().is_some() {
            interactive.set(true);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = attempt.value().get() {
            let next = query.with_untracked(|q| q.get("next")).unwrap_or_default();
            reload_at(&local_path(&next));
        }
    });

    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(form) = form_ref.get() else { return };
        attempt.dispatch((text(&form, "username"), text(&form, "password")));
    };
    let refusal = move || {
        attempt
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    };

    view! {
        <Title text="登录" />
        <div class="login-page">
            <form class="login-card" node_ref=form_ref method="post" on:submit=on_submit>
                <div class="login-brand">
                    <img src="/icons/icon.svg" alt="" width="48" height="48" />
                    <h1>"农档 · 合作社客户档案"</h1>
                </div>
                {move || {
                    refusal()
                        .map(|message| {
                            view! { <ErrorBanner message=message /> }
                        })
                }}
                <label for="username">"用户名"</label>
                <input
                    id="username"
                    name="username"
                    type="text"
                    autocomplete="username"
                    autocapitalize="none"
                    required
                />
                <label for="password">"密码"</label>
                <input
                    id="password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required
                />
                <button
                    type="submit"
                    class="button primary"
                    disabled=move || !interactive.get() || attempt.pending().get()
                >
                    {move || if attempt.pending().get() { "正在登录…" } else { "登录" }}
                </button>
                <p class="login-note">"忘记密码请联系系统管理员重置。"</p>
            </form>
        </div>
    }
}

/// Only paths of this site are followed after sign-in, never another host.
fn local_path(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") {
        next.to_string()
    } else {
        "/".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn sign_in_returns_only_to_pages_of_this_site() {
        assert_eq!(local_path("/customers?q=张"), "/customers?q=张");
        assert_eq!(local_path("//evil.example/"), "/");
        assert_eq!(local_path("https://evil.example/"), "/");
        assert_eq!(local_path(""), "/");
    }
}
