//! 档案查询: one search box for codes, names, pinyin, phones and ID numbers,
//! filters, an order, and pages.
//!
//! The query, the filters and the page live in the URL
//! (`/customers?q=zs&group=farmer&page=2&after=…`), so a search can be
//! bookmarked and shared and the back button brings the previous one back.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::api::customers::{cooperation_types, search_customers};
use crate::components::banner::ErrorBanner;
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::pagination::PageNav;
use crate::domain::profile::CreditRating;
use crate::domain::search::{SearchQuery, SearchResults, SortKey};
use crate::domain::{CustomerGroup, CustomerStatus};

const PAGE_SIZE: u32 = 20;

#[component]
pub fn SearchPage() -> impl IntoView {
    let query_map = use_query_map();
    let query = Memo::new(move |_| {
        query_map.with(|q| SearchQuery {
            page_size: PAGE_SIZE,
            ..SearchQuery::from_params(|name| q.get(name))
        })
    });
    let results = Resource::new(move || query.get(), search_customers);
    let types = Resource::new(|| (), |_| cooperation_types());
    let value = move |pick: fn(&SearchQuery) -> &String| move || pick(&query.read()).clone();

    view! {
        <Title text="档案查询" />
        <Breadcrumbs current="档案查询".to_string() />
        <h1>"档案查询"</h1>
        <Form method="GET" action="/customers" attr:class="search-form" attr:role="search">
            <div class="filter-bar">
                <div class="form-field inline grow">
                    <label for="q">"查找"</label>
                    <input
                        id="q"
                        name="q"
                        type="search"
                        placeholder="档案编号、姓名、拼音或首字母（zs）、电话或尾号、证件号"
                        prop:value=value(|q| &q.text)
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
            </div>
            <details class="filters" prop:open=move || query.read().has_filters()>
                <summary>"筛选与排序"</summary>
                <div class="filter-grid">
                    <Choice
                        name="group"
                        label="客户类别"
                        any="全部"
                        options=CustomerGroup::ALL.iter().map(|g| (g.key(), g.label())).collect()
                        current=Signal::derive(move || query.read().group.clone())
                    />
                    <div class="form-field">
                        <label for="f-region">"地区码"</label>
                        <input
                            id="f-region"
                            name="region"
                            inputmode="numeric"
                            placeholder="省/市/县 6 位或乡镇 9 位"
                            prop:value=value(|q| &q.region)
                        />
                    </div>
                    <div class="form-field">
                        <label for="f-cooperation">"合作意向"</label>
                        <select id="f-cooperation" name="cooperation">
                            <option value="">"全部"</option>
                            <Suspense fallback=|| ()>
                                {move || Suspend::new(async move {
                                    types
                                        .await
                                        .unwrap_or_default()
                                        .into_iter()
                                        .map(|t| {
                                            let selected = query.read_untracked().cooperation == t.key;
                                            view! {
                                                <option value=t.key.clone() selected=selected>
                                                    {t.label}
                                                </option>
                                            }
                                        })
                                        .collect_view()
                                })}
                            </Suspense>
                        </select>
                    </div>
                    <Choice
                        name="credit"
                        label="信用等级"
                        any="全部"
                        options=CreditRating::ALL.iter().map(|r| (r.key(), r.label())).collect()
                        current=Signal::derive(move || query.read().credit.clone())
                    />
                    <Choice
                        name="status"
                        label="档案状态"
                        any="全部（不含已销毁）"
                        options=CustomerStatus::ALL.iter().map(|s| (s.key(), s.label())).collect()
                        current=Signal::derive(move || query.read().status.clone())
                    />
                    <div class="form-field">
                        <label for="f-land-min">"土地面积（亩）从"</label>
                        <input
                            id="f-land-min"
                            name="land_min"
                            inputmode="decimal"
                            prop:value=value(|q| &q.land_min)
                        />
                    </div>
                    <div class="form-field">
                        <label for="f-land-max">"到"</label>
                        <input
                            id="f-land-max"
                            name="land_max"
                            inputmode="decimal"
                            prop:value=value(|q| &q.land_max)
                        />
                    </div>
                    <Choice
                        name="due"
                        label="定期核对"
                        any="不限"
                        options=vec![
                            ("due", "待核对（两周内到期或已逾期）"),
                            ("overdue", "已逾期"),
                        ]
                        current=Signal::derive(move || query.read().due.clone())
                    />
                    <div class="form-field">
                        <label for="f-tag">"标签"</label>
                        <input id="f-tag" name="tag" prop:value=value(|q| &q.tag) />
                    </div>
                    <div class="form-field">
                        <label for="f-opened">"建档月份"</label>
                        <input
                            id="f-opened"
                            name="opened"
                            type="month"
                            placeholder="2026-03"
                            prop:value=value(|q| &q.opened)
                        />
                    </div>
                    <Choice
                        name="sort"
                        label="排序"
                        any=""
                        options=SortKey::ALL.iter().map(|k| (k.key(), k.label())).collect()
                        current=Signal::derive(move || query.read().sort.clone())
                    />
                </div>
            </details>
        </Form>
        <Transition fallback=|| {
            view! { <p class="loading">"正在查询…"</p> }
        }>
            {move || Suspend::new(async move {
                match results.await {
                    Ok(found) => {
                        view! { <ResultTable found query=query.get_untracked() /> }.into_any()
                    }
                    Err(error) => view! { <ErrorBanner message=error.to_string() /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A select of keyed options under its label; `any` (when not empty) is
/// a first option that leaves the filter off.
#[component]
fn Choice(
    name: &'static str,
    label: &'static str,
    any: &'static str,
    options: Vec<(&'static str, &'static str)>,
    current: Signal<String>,
) -> impl IntoView {
    let id = format!("f-{name}");
    view! {
        <div class="form-field">
            <label for=id.clone()>{label}</label>
            <select id=id name=name>
                {(!any.is_empty()).then(|| view! { <option value="">{any}</option> })}
                {options
                    .into_iter()
                    .map(|(key, text)| {
                        view! {
                            <option value=key selected=move || current.read().as_str() == key>
                                {text}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

/// The address of a page of the same search.
fn page_link(query: &SearchQuery, page: u32, cursor: Option<(&str, &str)>) -> String {
    let mut params: Vec<(&str, String)> = query.url_params();
    if page > 1 {
        params.push(("page", page.to_string()));
        if let Some((name, value)) = cursor {
            params.push((name, value.to_string()));
        }
    }
    let query: Vec<String> = params
        .into_iter()
        .map(|(name, value)| format!("{name}={}", super::url_escape(&value)))
        .collect();
    if query.is_empty() {
        "/customers".to_string()
    } else {
        format!("/customers?{}", query.join("&"))
    }
}

#[component]
fn ResultTable(found: SearchResults, query: SearchQuery) -> impl IntoView {
    if found.rows.is_empty() {
        return view! { <p class="empty">"没有找到符合条件的档案。"</p> }.into_any();
    }
    let page = found.page;
    let previous = (page > 1).then(|| page_link(&query, page - 1, Some(("before", &found.first))));
    let next = found
        .has_next
        .then(|| page_link(&query, page + 1, Some(("after", &found.last))));
    let first = (page > 2).then(|| page_link(&query, 1, None));
    let count = if found.more {
        format!("超过 {} 条", found.total)
    } else {
        format!("共 {} 条", found.total)
    };

    view! {
        <div class="table-wrap">
            <table class="data-table" data-testid="search-results">
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
        <PageNav
            count
            place=format!("每页 {} 条 · 第 {page} 页", found.page_size)
            first
            previous
            next
        />
    }
    .into_any()
}
