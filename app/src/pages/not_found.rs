//! The page for addresses that lead nowhere.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(axum::http::StatusCode::NOT_FOUND);
        }
    }
    view! {
        <Title text="页面不存在" />
        <h1>"页面不存在"</h1>
        <p>"您访问的地址不存在，请检查地址或从左侧导航进入。"</p>
        <a class="button" href="/">
            "返回首页"
        </a>
    }
}
