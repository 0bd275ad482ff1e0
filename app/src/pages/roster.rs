//! 补贴申报名册: the roster of a region's active files for the government
//! subsidy report. Only files with a current consent to subsidy reporting
//! are on it; the others are listed below it with the reason, so staff
//! know whom to ask.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::api::audit::Download;
use crate::api::consent::{Roster, export_subsidy_roster, subsidy_roster};
use crate::components::banner::{ActionError, ErrorBanner};
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::facts::shown;
use crate::components::form::save_download;
use crate::error::AppError;

#[component]
pub fn RosterPage() -> impl IntoView {
    let query = use_query_map();
    let region_code = move || query.with(|q| q.get("region").unwrap_or_default());
    let roster = Resource::new(region_code, |code| async move {
        if code.trim().is_empty() {
            Ok(None)
        } else {
            subsidy_roster(code).await.map(Some)
        }
    });
    let export = Action::new(|code: &String| export_subsidy_roster(code.clone()));
    Effect::new(move |_| {
        if let Some(Ok(file)) = export.value().get() {
            save_download(&file);
        }
    });

    view! {
        <Title text="补贴申报名册" />
        <Breadcrumbs current="补贴申报名册".to_string() />
        <h1>"补贴申报名册"</h1>
        <p class="lead">
            "列出所选地区在档客户中同意“政府补贴申报”用途的档案。未同意或已撤回同意的客户不会进入名册，列在下方并注明原因。导出的名册含完整身份证号和电话，导出会记入审计。"
        </p>
        <Form method="GET" action="/subsidy-roster" attr:class="filter-bar" attr:role="search">
            <div class="form-field inline">
                <label for="region">"地区码"</label>
                <input
                    id="region"
                    name="region"
                    type="text"
                    inputmode="numeric"
                    maxlength="9"
                    placeholder="如 510104，乡镇 9 位"
                    prop:value=region_code
                />
            </div>
            <div class="filter-actions">
                <button type="submit" class="button primary">
                    "查询"
                </button>
                <a class="button" href="/subsidy-roster">
                    "重置"
                </a>
            </div>
        </Form>
        <ActionError action=export />
        <Transition fallback=|| {
            view! { <p class="loading">"正在生成名册…"</p> }
        }>
            {move || Suspend::new(async move {
                match roster.await {
                    Ok(Some(roster)) => view! { <RosterTables roster export /> }.into_any(),
                    Ok(None) => {
                        view! {
                            <p class="empty">
                                "请填写地区码后查询，省、市、县或乡镇均可。"
                            </p>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorBanner message=error.to_string() /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn RosterTables(
    roster: Roster,
    export: Action<String, Result<Download, AppError>>,
) -> impl IntoView {
    let code = roster.region.clone();
    let place = roster.place.clone();
    let rows = roster.rows.len();
    let refused = roster.refused.len();
    view! {
        <section class="card" aria-labelledby="roster-title" data-testid="roster">
            <h2 id="roster-title">{format!("{place} · 共 {rows} 人")}</h2>
            <div class="form-actions no-print">
                <button
                    type="button"
                    class="button primary"
                    disabled=rows == 0
                    on:click=move |_| {
                        export.dispatch(code.clone());
                    }
                >
                    "导出名册 XLSX"
                </button>
            </div>
            <div class="table-wrap">
                <table class="data-table">
                    <thead>
                        <tr>
                            <th scope="col">"序号"</th>
                            <th scope="col">"档案编号"</th>
                            <th scope="col">"姓名"</th>
                            <th scope="col">"身份证号"</th>
                            <th scope="col">"联系电话"</th>
                            <th scope="col">"土地面积（亩）"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {roster
                            .rows
                            .into_iter()
                            .enumerate()
                            .map(|(i, row)| {
                                view! {
                                    <tr>
                                        <td>{i + 1}</td>
                                        <td>
                                            <a href=format!(
                                                "/customers/{}",
                                                row.code,
                                            )>{row.code.clone()}</a>
                                        </td>
                                        <td>{row.name}</td>
                                        <td>{shown(row.id_number)}</td>
                                        <td>{shown(row.phone)}</td>
                                        <td>{row.land_area}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
        {(refused > 0)
            .then(|| {
                view! {
                    <section
                        class="card"
                        aria-labelledby="left-off-title"
                        data-testid="roster-refused"
                    >
                        <h2 id="left-off-title">
                            {format!("未列入名册 · 共 {refused} 人")}
                        </h2>
                        <ul class="plain-list">
                            {roster
                                .refused
                                .into_iter()
                                .map(|r| {
                                    view! {
                                        <li>
                                            <a href=format!(
                                                "/customers/{}",
                                                r.code,
                                            )>{r.code.clone()}</a>
                                            {format!(" {}：{}", r.name, r.reason)}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    </section>
                }
            })}
    }
}
