//! The frame around every signed-in page: app bar with the signed-in person,
//! side navigation (a bottom bar on narrow screens) and the content area.
//! Without a session it sends the browser to the sign-in page.

use gloo_storage::{SessionStorage, Storage};
use leptos::prelude::*;
use leptos_router::components::{A, Outlet, Redirect};
use leptos_router::hooks::use_location;

use crate::pages::url_escape;

use crate::api::auth::{session_user, sign_out};
use crate::components::banner::ErrorBanner;
use crate::components::form::reload_at;
use crate::domain::{CurrentUser, Right};

/// Entries of the navigation: path, label, a one-character mark that stands
/// in for an icon on the bottom bar, and the right it needs (if any).
const NAV: [(&str, &str, &str, Option<Right>); 14] = [
    ("/", "首页", "首", None),
    ("/intake", "新建档案", "建", Some(Right::CreateCustomer)),
    ("/customers", "档案查询", "查", Some(Right::SearchCustomers)),
    ("/due", "待核对", "核", Some(Right::VerifyCustomer)),
    ("/follow-ups", "我的跟进", "跟", Some(Right::KeepTimeline)),
    ("/analysis", "数据分析", "析", Some(Right::ViewAnalysis)),
    ("/quality", "数据质量", "质", Some(Right::ViewQualityReport)),
    ("/disposal", "销毁审核", "销", Some(Right::ViewDisposals)),
    ("/requests", "个人请求", "请", Some(Right::HandleRequests)),
    (
        "/subsidy-roster",
        "补贴名册",
        "补",
        Some(Right::ExportSubsidyRoster),
    ),
    ("/audit", "审计", "审", Some(Right::ViewAudit)),
    ("/admin/users", "用户管理", "户", Some(Right::ManageUsers)),
    (
        "/admin/settings",
        "系统设置",
        "设",
        Some(Right::ManageSettings),
    ),
    (
        "/admin/backups",
        "数据备份",
        "备",
        Some(Right::ManageBackups),
    ),
];

/// Where a person must go before any other page.
const PASSWORD_PAGE: &str = "/account/password";

// Limitation: while rendering on the server, `<Suspense/>` runs its
// children again to find what they read, so whatever is built inside it
// (here every page; on the file page its consent and timeline cards) can be
// built twice and its resources numbered twice. Now and then the numbers
// the browser reads the data under then differ from the server's, the page
// does not hydrate, and taps on it do nothing until it is reloaded.
// Creating every resource above the `<Suspense/>` that waits for it would
// avoid it.
#[component]
pub fn SignedInLayout() -> impl IntoView {
    let user = Resource::new(|| (), |_| session_user());
    let location = use_location();

    view! {
        <Transition fallback=|| {
            view! { <p class="loading">"正在载入…"</p> }
        }>
            {move || Suspend::new(async move {
                let path = location.pathname.get_untracked();
                match user.await {
                    Ok(Some(user)) if user.must_change_password && path != PASSWORD_PAGE => {
                        view! { <Redirect path=PASSWORD_PAGE /> }.into_any()
                    }
                    Ok(Some(user)) => {
                        provide_context(user.clone());
                        view! { <Frame user /> }.into_any()
                    }
                    Ok(None) => {
                        let search = location.search.get_untracked();
                        let next = if search.is_empty() {
                            path
                        } else {
                            format!("{path}?{search}")
                        };
                        let target = format!("/login?next={}", crate::pages::url_escape(&next));
                        view! { <Redirect path=target /> }.into_any()
                    }
                    Err(error) => view! { <ErrorBanner message=error.to_string() /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Frame(user: CurrentUser) -> impl IntoView {
    let location = use_location();
    let leave = Action::new(|_: &()| sign_out());
    Effect::new(move |_| {
        if leave.value().get().is_some() {
            // Drafts hold personal data; they leave with the person.
            SessionStorage::clear();
            reload_at("/login");
        }
    });
    let entries: Vec<_> = NAV
        .into_iter()
        .filter(|(.., right)| right.is_none_or(|r| user.may(r)))
        .collect();

    view! {
        <a class="skip-link" href="#main">
            "跳到正文"
        </a>
        <header class="app-bar">
            <a class="brand" href="/">
                <img src="/icons/icon.svg" alt="" width="32" height="32" />
                <span class="brand-name">"农档"</span>
                <span class="brand-sub">"合作社客户档案"</span>
            </a>
            <div class="user-menu">
                <span class="user-name" data-testid="signed-in-user">
                    {user.display_name.clone()}
                    <small>{user.role.label()}</small>
                </span>
                <a
                    class="bar-link"
                    href=move || {
                        let here = location.pathname.get();
                        format!("/feedback?from={}", url_escape(&here))
                    }
                    data-testid="feedback-link"
                >
                    "意见反馈"
                </a>
                <a class="bar-link" href=PASSWORD_PAGE>
                    "修改密码"
                </a>
                <button
                    type="button"
                    class="bar-link"
                    on:click=move |_| {
                        leave.dispatch(());
                    }
                >
                    "退出"
                </button>
            </div>
        </header>
        <nav class="side-nav" aria-label="主导航">
            <ul>
                {entries
                    .into_iter()
                    .map(|(href, label, mark, _)| {
                        view! {
                            <li>
                                <A href=href exact=true>
                                    <span class="nav-mark" aria-hidden="true">
                                        {mark}
                                    </span>
                                    <span class="nav-label">{label}</span>
                                </A>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
        <main id="main" class="content">
            <Outlet />
        </main>
    }
}
