//! 数据分析: the files of one's regions at a glance — charts whose bars open
//! the list of files behind them, the numbers as tables, the high-potential
//! customers and the watch list with their reasons, and an XLSX export.
//!
//! The region looked at lives in the URL (`/analysis?region=510104`).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::api::analysis::{AnalysisPage as Analysis, analysis, export_analysis};
use crate::components::banner::{ActionError, ErrorBanner};
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::chart::{BarChart, Datum, DonutChart, LineChart};
use crate::components::form::save_download;
use crate::domain::analysis::{LAND_BANDS, Scored, Tally, Watched};

#[component]
pub fn AnalysisPage() -> impl IntoView {
    let query_map = use_query_map();
    let region = Memo::new(move |_| query_map.with(|q| q.get("region").unwrap_or_default()));
    let data = Resource::new(move || region.get(), analysis);
    let export = Action::new(|region: &String| export_analysis(region.clone()));
    Effect::new(move |_| {
        if let Some(Ok(file)) = export.value().get() {
            save_download(&file);
        }
    });

    view! {
        <Title text="数据分析" />
        <Breadcrumbs current="数据分析".to_string() />
        <h1>"数据分析"</h1>
        <p class="lead">
            "本人负责地区的档案分类统计、潜力评估和风险关注。点击图表中的条目可查看对应的档案名单。"
        </p>
        <Form method="GET" action="/analysis" attr:class="filter-bar no-print">
            <div class="form-field inline">
                <label for="a-region">"地区码"</label>
                <input
                    id="a-region"
                    name="region"
                    inputmode="numeric"
                    placeholder="留空为全部；省/市/县 6 位，乡镇 9 位"
                    prop:value=move || region.get()
                />
            </div>
            <div class="filter-actions">
                <button type="submit" class="button primary">
                    "统计"
                </button>
                <button
                    type="button"
                    class="button"
                    on:click=move |_| {
                        export.dispatch(region.get_untracked());
                    }
                >
                    "导出 XLSX"
                </button>
            </div>
        </Form>
        <ActionError action=export />
        <Transition fallback=|| {
            view! { <p class="loading">"正在统计…"</p> }
        }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) => view! { <Report page region=region.get_untracked() /> }.into_any(),
                    Err(error) => view! { <ErrorBanner message=error.to_string() /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The search page's address for files meeting `filters` inside `region`.
fn list_link(region: &str, filters: &[(&str, String)]) -> String {
    let mut params: Vec<String> = filters
        .iter()
        .map(|(name, value)| format!("{name}={}", super::url_escape(value)))
        .collect();
    if !region.is_empty() && !filters.iter().any(|(name, _)| *name == "region") {
        params.push(format!("region={}", super::url_escape(region)));
    }
    format!("/customers?{}", params.join("&"))
}

/// Bars of a breakdown, each opening the files behind it (`filter` gives
/// the search filters of a tally, `None` when no list stands behind it).
fn bars(
    tallies: &[Tally],
    region: &str,
    filter: impl Fn(&Tally) -> Option<Vec<(&'static str, String)>>,
) -> Vec<Datum> {
    tallies
        .iter()
        .map(|t| Datum {
            label: t.label.clone(),
            value: t.count,
            href: filter(t).map(|f| list_link(region, &f)),
        })
        .collect()
}

/// The search filters of a land band key such as `10-30`.
fn land_filter(key: &str) -> Option<Vec<(&'static str, String)>> {
    let (low, high) = key.split_once('-')?;
    let band = LAND_BANDS.iter().find(|(l, _)| l.to_string() == low)?;
    let mut filters = vec![("land_min", low.to_string())];
    if let Some(high) = band.1 {
        // The upper bound is exclusive; the search's is inclusive.
        filters.push(("land_max", format!("{}.99", high - 1)));
    } else {
        debug_assert!(high.is_empty());
    }
    Some(filters)
}

#[component]
fn Report(page: Analysis, region: String) -> impl IntoView {
    let o = page.overview;
    let r = region.as_str();
    let groups = bars(&o.by_group, r, |t| Some(vec![("group", t.key.clone())]));
    let places = bars(&o.by_region, r, |t| {
        (!t.key.is_empty()).then(|| vec![("region", t.key.clone())])
    });
    let lands = bars(&o.by_land, r, |t| land_filter(&t.key));
    let cooperation = bars(&o.by_cooperation, r, |t| {
        Some(vec![("cooperation", t.key.clone())])
    });
    let credit = bars(&o.by_credit, r, |t| Some(vec![("credit", t.key.clone())]));
    let months = bars(&o.by_month, r, |t| Some(vec![("opened", t.key.clone())]));
    let rules = page.rules;

    view! {
        <p class="report-stamp" data-testid="analysis-total">
            {format!("共 {} 份档案（不含已销毁）", o.total)}
        </p>
        <div class="chart-grid">
            <section class="card">
                <DonutChart title="客户类别".to_string() data=groups />
            </section>
            <section class="card">
                <BarChart title="地区分布".to_string() data=places unit="份" />
            </section>
            <section class="card">
                <BarChart title="土地面积".to_string() data=lands unit="份" />
            </section>
            <section class="card">
                <BarChart title="合作意向".to_string() data=cooperation unit="份" />
            </section>
            <section class="card">
                <BarChart title="信用等级".to_string() data=credit unit="份" />
            </section>
            <section class="card">
                <LineChart title="每月新建档案".to_string() data=months />
            </section>
        </div>
        <section class="card" aria-labelledby="potential-title">
            <h2 id="potential-title">"潜力评估：高潜力客户"</h2>
            <p class="hint">
                {format!(
                    "潜力分 = 土地（每 {} 亩 {} 分，最多 {} 分）+ 合作记录（每次 {} 分，最多 {} 分）+ 信用（A {:+}、B {:+}、C {:+}、D {:+}，须客户同意信用评估）+ 近 {} 个月有往来 {} 分；{} 分以上列入。",
                    rules.land_step_mu,
                    rules.land_points,
                    rules.land_cap,
                    rules.cooperation_points,
                    rules.cooperation_cap,
                    rules.credit_a,
                    rules.credit_b,
                    rules.credit_c,
                    rules.credit_d,
                    rules.active_months,
                    rules.active_points,
                    rules.high_potential,
                )}
            </p>
            <ListedTable
                rows=page.potential.into_iter().map(Listed::from).collect()
                testid="potential"
                empty="暂无达到分数线的客户。"
                reasons="依据"
            />
        </section>
        <section class="card" aria-labelledby="watch-title">
            <h2 id="watch-title">"风险关注"</h2>
            <p class="hint">
                {format!(
                    "信用 C、D 级，未解决的问题，定期核对逾期，或最近一次合作已超过 {} 个月的在档客户。",
                    rules.lapse_months,
                )}
            </p>
            <ListedTable
                rows=page.watch.into_iter().map(Listed::from).collect()
                testid="watch"
                empty="暂无需要关注的客户。"
                reasons="原因"
            />
        </section>
    }
}

/// One customer of a list and why it is there; `score` for the
/// potential list.
struct Listed {
    code: String,
    name: String,
    region_name: String,
    score: Option<i32>,
    reasons: Vec<String>,
}

impl From<Scored> for Listed {
    fn from(s: Scored) -> Self {
        Self {
            code: s.code,
            name: s.name,
            region_name: s.region_name,
            score: Some(s.score),
            reasons: s.reasons,
        }
    }
}

impl From<Watched> for Listed {
    fn from(w: Watched) -> Self {
        Self {
            code: w.code,
            name: w.name,
            region_name: w.region_name,
            score: None,
            reasons: w.reasons,
        }
    }
}

/// The high-potential customers or the watch list, with the reasons.
#[component]
fn ListedTable(
    rows: Vec<Listed>,
    testid: &'static str,
    empty: &'static str,
    reasons: &'static str,
) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="empty">{empty}</p> }.into_any();
    }
    let scored = rows.iter().any(|r| r.score.is_some());
    view! {
        <div class="table-wrap">
            <table class="data-table" data-testid=testid>
                <thead>
                    <tr>
                        <th scope="col">"档案编号"</th>
                        <th scope="col">"姓名/单位名称"</th>
                        <th scope="col">"地区"</th>
                        {scored.then(|| view! { <th scope="col">"潜力分"</th> })}
                        <th scope="col">{reasons}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|r| {
                            view! {
                                <tr>
                                    <td>
                                        <a href=format!(
                                            "/customers/{}",
                                            r.code,
                                        )>{r.code.clone()}</a>
                                    </td>
                                    <td>{r.name}</td>
                                    <td>{r.region_name}</td>
                                    {r.score.map(|score| view! { <td class="number">{score}</td> })}
                                    <td>{r.reasons.join("；")}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_land_band_opens_the_files_inside_it() {
        assert_eq!(
            land_filter("10-30"),
            Some(vec![
                ("land_min", "10".into()),
                ("land_max", "29.99".into())
            ])
        );
        assert_eq!(land_filter("100-"), Some(vec![("land_min", "100".into())]));
        assert_eq!(land_filter("7-8"), None);
        assert_eq!(
            list_link("510104", &[("credit", "a".into())]),
            "/customers?credit=a&region=510104"
        );
        assert_eq!(
            list_link("510104", &[("region", "510104001".into())]),
            "/customers?region=510104001"
        );
    }
}
