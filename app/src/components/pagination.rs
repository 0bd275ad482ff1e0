//! The page links under a list: the count, where one is, previous and next.

use leptos::prelude::*;

/// `link(n)` is the address of page `n` (1-based).
#[component]
pub fn Pagination(
    total: u64,
    page: u64,
    page_size: u32,
    link: impl Fn(u64) -> String + 'static,
) -> impl IntoView {
    let pages = total.div_ceil(u64::from(page_size)).max(1);
    let previous = (page > 1).then(|| link(page - 1));
    let next = (page < pages).then(|| link(page + 1));
    view! {
        <nav class="pagination" aria-label="分页">
            <span class="total">{format!("共 {total} 条")}</span>
            <span>{format!("每页 {page_size} 条 · 第 {page} / {pages} 页")}</span>
            {previous
                .map(|href| {
                    view! {
                        <a class="button" href=href>
                            "上一页"
                        </a>
                    }
                })}
            {next
                .map(|href| {
                    view! {
                        <a class="button" href=href>
                            "下一页"
                        </a>
                    }
                })}
        </nav>
    }
}
