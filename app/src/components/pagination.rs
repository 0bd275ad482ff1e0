//! The page links under a list: the count, where one is, and the links to
//! the first, previous and next pages.

use leptos::prelude::*;

/// Page links for a list of known length; `link(n)` is the address of page
/// `n` (1-based).
#[component]
pub fn Pagination(
    total: u64,
    page: u64,
    page_size: u32,
    link: impl Fn(u64) -> String + 'static,
) -> impl IntoView {
    let pages = total.div_ceil(u64::from(page_size)).max(1);
    view! {
        <PageNav
            count=format!("共 {total} 条")
            place=format!("每页 {page_size} 条 · 第 {page} / {pages} 页")
            first=None
            previous=(page > 1).then(|| link(page - 1))
            next=(page < pages).then(|| link(page + 1))
        />
    }
}

/// The navigation itself, for lists that say for themselves how many they
/// hold and where the other pages are.
#[component]
pub fn PageNav(
    count: String,
    place: String,
    first: Option<String>,
    previous: Option<String>,
    next: Option<String>,
) -> impl IntoView {
    let link = |href: Option<String>, label: &'static str| {
        href.map(|href| {
            view! {
                <a class="button" href=href>
                    {label}
                </a>
            }
        })
    };
    view! {
        <nav class="pagination" aria-label="分页">
            <span class="total" data-testid="page-count">
                {count}
            </span>
            <span>{place}</span>
            {link(first, "第一页")}
            {link(previous, "上一页")}
            {link(next, "下一页")}
        </nav>
    }
}
