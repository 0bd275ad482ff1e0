//! 待核对: the files of one's regions due for verification, oldest date
//! first. Filters and page live in the URL (`/due?region=510104&group=farmer`).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::api::upkeep::{DuePage, DueQuery, due_files};
use crate::components::banner::ErrorBanner;
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::pagination::Pagination;
use crate::domain::upkeep::{DUE_SOON_DAYS, Dueness};
use crate::domain::{CurrentUser, CustomerGroup};

#[component]
pub fn DuePage() -> impl IntoView {
    let query_map = use_query_map();
    let param = move |name: &'static str| query_map.with(|q| q.get(name).unwrap_or_default());
    let query = move || DueQuery {
        region: param("region"),
        group: param("group"),
        page: param("page").parse().unwrap_or(1),
    };
    let list = Resource::new(query, due_files);
    let regions = use_context::<CurrentUser>()
        .map(|u| u.regions)
        .unwrap_or_default();
    let done = move || {
        let code = param("verified");
        (!code.is_empty()).then(|| {
            let next = param("next");
            let message = if next.is_empty() {
                format!("已核对 {code}，档案已转为停用，不再列入核对")
            } else {
                format!("已核对 {code}，下次核对日期 {next}")
            };
            view! {
                <p class="banner success" role="status" data-testid="verified-notice">
                    {message}
                </p>
            }
        })
    };

    view! {
        <Title text="待核对" />
        <Breadcrumbs current="待核对".to_string() />
        <h1>"待核对档案"</h1>
        <p class="lead">
            {format!(
                "已逾期和 {DUE_SOON_DAYS} 天内到期的档案，到期早的在前。逐份与客户核对联系方式、合作状态、土地面积和信用状况。",
            )}
        </p>
        {done}
        <Form method="GET" action="/due" attr:class="filter-bar" attr:role="search">
            <div class="form-field inline">
                <label for="region">"地区代码"</label>
                <input
                    id="region"
                    name="region"
                    type="text"
                    inputmode="numeric"
                    maxlength="6"
                    list="my-regions"
                    placeholder="全部（可填省、市或县的代码）"
                    prop:value=move || param("region")
                />
                <datalist id="my-regions">
                    {regions
                        .into_iter()
                        .map(|code| view! { <option value=code.clone()>{code.clone()}</option> })
                        .collect_view()}
                </datalist>
            </div>
            <div class="form-field inline">
                <label for="group">"客户类别"</label>
                <select id="group" name="group" prop:value=move || param("group")>
                    <option value="">"全部"</option>
                    {CustomerGroup::ALL
                        .into_iter()
                        .map(|g| view! { <option value=g.key()>{g.label()}</option> })
                        .collect_view()}
                </select>
            </div>
            <div class="filter-actions">
                <button type="submit" class="button primary">
                    "筛选"
                </button>
                <a class="button" href="/due">
                    "重置"
                </a>
            </div>
        </Form>
        <Transition fallback=|| {
            view! { <p class="loading">"正在读取…"</p> }
        }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(found) => view! { <DueTable found query=query() /> }.into_any(),
                    Err(error) => view! { <ErrorBanner message=error.to_string() /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn DueTable(found: DuePage, query: DueQuery) -> impl IntoView {
    let counts = found.counts;
    let link = move |to: u64| {
        let mut href = format!("/due?page={to}");
        for (name, value) in [("region", &query.region), ("group", &query.group)] {
            if !value.is_empty() {
                href.push_str(&format!("&{name}={}", super::url_escape(value)));
            }
        }
        href
    };
    let summary = view! {
        <div class="counts" data-testid="due-counts">
            <span class="count overdue">
                <strong>{counts.overdue}</strong>
                " 份已逾期"
            </span>
            <span class="count soon">
                <strong>{counts.soon}</strong>
                {format!(" 份 {DUE_SOON_DAYS} 天内到期")}
            </span>
        </div>
    };
    if found.rows.is_empty() {
        return view! {
            {summary}
            <p class="empty">"没有需要核对的档案。"</p>
        }
        .into_any();
    }
    let page = u64::from(found.page);
    view! {
        {summary}
        <div class="table-wrap">
            <table class="data-table" data-testid="due-list">
                <thead>
                    <tr>
                        <th scope="col">"档案编号"</th>
                        <th scope="col">"姓名/单位名称"</th>
                        <th scope="col">"类别"</th>
                        <th scope="col">"地区"</th>
                        <th scope="col">"应核对日期"</th>
                        <th scope="col">"上次核对"</th>
                        <th scope="col">"操作"</th>
                    </tr>
                </thead>
                <tbody>
                    {found
                        .rows
                        .into_iter()
                        .map(|row| {
                            let late = matches!(row.dueness, Dueness::Overdue(_));
                            view! {
                                <tr class:late=late>
                                    <td>
                                        <a href=format!(
                                            "/customers/{}",
                                            row.code,
                                        )>{row.code.clone()}</a>
                                    </td>
                                    <td>{row.name}</td>
                                    <td>{row.group.label()}</td>
                                    <td>{row.region_name}</td>
                                    <td>
                                        {row.due} <br />
                                        <span class=if late {
                                            "badge danger"
                                        } else {
                                            "badge"
                                        }>{row.dueness.label()}</span>
                                    </td>
                                    <td>
                                        {if row.last_verified.is_empty() {
                                            "从未核对".to_string()
                                        } else {
                                            row.last_verified
                                        }}
                                    </td>
                                    <td>
                                        <a
                                            class="button small primary"
                                            href=format!("/customers/{}/verify", row.code)
                                        >
                                            "核对"
                                        </a>
                                    </td>
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
