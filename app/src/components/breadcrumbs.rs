//! 首页 / 档案查询 / NH-510104-00001

use leptos::prelude::*;

/// A trail of links from the home page to the current page; the last entry
/// is the current page and is not a link.
#[component]
pub fn Breadcrumbs(
    /// Earlier pages as (label, path).
    #[prop(optional)]
    trail: Vec<(&'static str, &'static str)>,
    /// The current page.
    #[prop(into)]
    current: Signal<String>,
) -> impl IntoView {
    view! {
        <nav class="breadcrumbs" aria-label="当前位置">
            <ol>
                <li>
                    <a href="/">"首页"</a>
                </li>
                {trail
                    .into_iter()
                    .map(|(label, href)| {
                        view! {
                            <li>
                                <a href=href>{label}</a>
                            </li>
                        }
                    })
                    .collect_view()}
                <li aria-current="page">{move || current.get()}</li>
            </ol>
        </nav>
    }
}
