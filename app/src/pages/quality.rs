//! 数据质量: the data-quality report of one's regions for the supervision
//! meeting — per county and per staff member, with the least complete
//! files named. Prints on A4 and downloads as XLSX or CSV.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::quality::{export_quality_report, get_quality_report};
use crate::components::banner::{ActionError, ErrorBanner};
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::form::save_download;
use crate::domain::quality::{COMPLETE_ENOUGH, QualityReport, QualityRow};

#[component]
pub fn QualityPage() -> impl IntoView {
    let report = Resource::new(|| (), |_| get_quality_report());
    let export = Action::new(|format: &&'static str| export_quality_report(format.to_string()));
    Effect::new(move |_| {
        if let Some(Ok(file)) = export.value().get() {
            save_download(&file);
        }
    });
    let print = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    };

    view! {
        <Title text="数据质量报告" />
        <Breadcrumbs current="数据质量报告".to_string() />
        <h1>"数据质量报告"</h1>
        <p class="lead">
            {format!(
                "在档和停用档案的完整度、逾期未核对和逾期未解决的问题。完整度低于 {COMPLETE_ENOUGH}% 的档案计为不完整；按人员统计时，档案归建档人，问题归负责人。",
            )}
        </p>
        <div class="form-actions no-print">
            <button type="button" class="button" on:click=print>
                "打印"
            </button>
            <button
                type="button"
                class="button"
                on:click=move |_| {
                    export.dispatch("xlsx");
                }
            >
                "导出 XLSX"
            </button>
            <button
                type="button"
                class="button"
                on:click=move |_| {
                    export.dispatch("csv");
                }
            >
                "导出 CSV"
            </button>
        </div>
        <ActionError action=export />
        <Suspense fallback=|| {
            view! { <p class="loading">"正在统计…"</p> }
        }>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(report) => view! { <Report report /> }.into_any(),
                    Err(error) => view! { <ErrorBanner message=error.to_string() /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Report(report: QualityReport) -> impl IntoView {
    let totals = report.totals.clone();
    view! {
        <p class="report-stamp">{format!("统计时间 {}", report.generated_at)}</p>
        <section class="card" aria-labelledby="by-region">
            <h2 id="by-region">"按地区"</h2>
            <Rows rows=report.by_region totals=Some(totals) first="地区" testid="by-region" />
        </section>
        <section class="card" aria-labelledby="by-person">
            <h2 id="by-person">"按人员"</h2>
            <Rows rows=report.by_person totals=None first="人员" testid="by-person" />
        </section>
        <section class="card" aria-labelledby="incomplete">
            <h2 id="incomplete">"不完整的档案"</h2>
            {if report.incomplete_files.is_empty() {
                view! { <p class="empty">"没有不完整的档案。"</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="data-table" data-testid="incomplete-files">
                            <thead>
                                <tr>
                                    <th scope="col">"档案编号"</th>
                                    <th scope="col">"姓名/单位名称"</th>
                                    <th scope="col">"地区"</th>
                                    <th scope="col">"建档人"</th>
                                    <th scope="col">"完整度"</th>
                                    <th scope="col">"缺少"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {report
                                    .incomplete_files
                                    .into_iter()
                                    .map(|f| {
                                        view! {
                                            <tr>
                                                <td>
                                                    <a href=format!(
                                                        "/customers/{}",
                                                        f.code,
                                                    )>{f.code.clone()}</a>
                                                </td>
                                                <td>{f.name}</td>
                                                <td>{f.region_name}</td>
                                                <td>{f.created_by}</td>
                                                <td>{format!("{}%", f.score)}</td>
                                                <td>{f.missing}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                    .into_any()
            }}
        </section>
    }
}

#[component]
fn Rows(
    rows: Vec<QualityRow>,
    totals: Option<QualityRow>,
    first: &'static str,
    testid: &'static str,
) -> impl IntoView {
    let line = |r: QualityRow, total: bool| {
        let flags = [r.incomplete, r.overdue, r.issues_past_due].map(|n| n > 0);
        view! {
            <tr class:total=total>
                <th scope="row">{r.label}</th>
                <td>{r.files}</td>
                <td class:warn=flags[0]>{r.incomplete}</td>
                <td class:warn=flags[1]>{r.overdue}</td>
                <td class:warn=flags[2]>{r.issues_past_due}</td>
                <td>{format!("{}%", r.average_score)}</td>
            </tr>
        }
    };
    view! {
        <div class="table-wrap">
            <table class="data-table numbers" data-testid=testid>
                <thead>
                    <tr>
                        <th scope="col">{first}</th>
                        <th scope="col">"档案数"</th>
                        <th scope="col">"不完整"</th>
                        <th scope="col">"逾期未核对"</th>
                        <th scope="col">"逾期未解决问题"</th>
                        <th scope="col">"平均完整度"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|r| line(r, false)).collect_view()}
                    {totals.map(|t| line(t, true))}
                </tbody>
            </table>
        </div>
    }
}
