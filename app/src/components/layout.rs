//! The frame around every page: app bar, side navigation (a bottom bar on
//! narrow screens) and the content area.

use leptos::prelude::*;
use leptos_router::components::A;

/// Entries of the navigation: path, label, and a one-letter mark that stands
/// in for an icon on the bottom bar.
const NAV: [(&str, &str, &str); 3] = [
    ("/", "首页", "首"),
    ("/intake", "新建档案", "建"),
    ("/customers", "档案查询", "查"),
];

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"跳到正文"</a>
        <header class="app-bar">
            <a class="brand" href="/">
                <img src="/icons/icon.svg" alt="" width="32" height="32" />
                <span class="brand-name">"农档"</span>
                <span class="brand-sub">"合作社客户档案"</span>
            </a>
        </header>
        <nav class="side-nav" aria-label="主导航">
            <ul>
                {NAV
                    .into_iter()
                    .map(|(href, label, mark)| {
                        view! {
                            <li>
                                <A href=href exact=true>
                                    <span class="nav-mark" aria-hidden="true">{mark}</span>
                                    <span class="nav-label">{label}</span>
                                </A>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
        <main id="main" class="content">{children()}</main>
    }
}
