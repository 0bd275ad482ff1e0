//! 档案查询: find files by archive code or name.
//!
//! The query and the page live in the URL (`/customers?q=张&page=2`), so a
//! search can be bookmarked and shared and the back button works.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::api::customers::{SearchQuery, SearchResults, search_customers};
use crate::components::banner::ErrorBanner;
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::pagination::Pagination;

const PAGE_SIZE: u32 = 20;

#[component]
pub fn SearchPage() -> impl IntoView {
    let query_map = use_query_map();
    let text = move || query_map.with(|q| q.get("q").unwrap_or_default());
    let page = move || {
        query_map.with(|q| {
            q.get("page")
                .and_then(|p| p.parse::<u32>().ok())
                .unwrap_or(1)
                .max(1)
        })
    };

    let results = Resource::new(
        move || SearchQuery {
            text: text(),
            page: page(),
            page_size: PAGE_SIZE,
        },
        search_customers,
    );

    view! {
        <Title text="档案查询" />
        <Breadcrumbs current="档案查询".to_string() />
        <h1>"档案查询"</h1>
        <Form method="GET" action="/customers" attr:class="filter-bar" attr:role="search">
            <div class="form-field inline">
                <label for="q">"档案编号/姓名"</label>
                <input
                    id="q"
                    name="q"
                    type="search"
                    placeholder="如 NH-510104 或 张三"
                    prop:value=text
                />
            </div>
            <div class="filter-actions">
                <button type="submit" class="button primary">
                    "查询"
                </button>
                <a class="button" href="/customers">
                    "重置"
                </a>
            </div>
        </Form>
        <Transition fallback=|| {
            view! { <p class="loading">"正在查询…"</p> }
        }>
            {move || Suspend::new(async move {
                match results.await {
                    Ok(found) => view! { <ResultTable found text=text() /> }.into_any(),
                    Err(error) => view! { <ErrorBanner message=error.to_string() /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ResultTable(found: SearchResults, text: String) -> impl IntoView {
    let page = u64::from(found.page);
    let link = move |to: u64| {
        let mut href = format!("/customers?page={to}");
        if !text.is_empty() {
            href.push_str("&q=");
            href.push_str(&super::url_escape(&text));
        }
        href
    };

    if found.rows.is_empty() {
        return view! { <p class="empty">"没有找到符合条件的档案。"</p> }.into_any();
    }

    view! {
        <div class="table-wrap">
            <table class="data-table">
                <thead>
                    <tr>
                        <th scope="col">"档案编号"</th>
                        <th scope="col">"姓名/单位名称"</th>
                        <th scope="col">"客户类别"</th>
                        <th scope="col">"所在地区"</th>
                    </tr>
                </thead>
                <tbody>
                    {found
                        .rows
                        .into_iter()
                        .map(|row| {
                            view! {
                                <tr>
                                    <td>
                                        <a href=format!(
                                            "/customers/{}",
                                            row.code,
                                        )>{row.code.clone()}</a>
                                    </td>
                                    <td>{row.name}</td>
                                    <td>{row.group.label()}</td>
                                    <td>{format!("{} {}", row.region_name, row.region)}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        <Pagination total=found.total page page_size=found.page_size link />
    }
    .into_any()
}
