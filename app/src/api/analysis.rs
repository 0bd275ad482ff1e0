//! 数据分析: the files of the caller's regions counted every way, the
//! high-potential customers and the watch list, each with its reasons, and
//! the rules behind the scores.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::Json;

use super::audit::Download;
use crate::domain::analysis::{Overview, ScoreRules, Scored, Watched};
#[cfg(feature = "ssr")]
use crate::domain::audit::{AuditAction, Outcome};
use crate::error::AppError;

/// What the analysis page shows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AnalysisPage {
    pub overview: Overview,
    pub potential: Vec<Scored>,
    pub watch: Vec<Watched>,
    pub rules: ScoreRules,
}

/// The analysis of the caller's regions, or of `region` inside them (a
/// six-digit code at any level, or a township's nine digits).
#[server(endpoint = "analysis", input = Json)]
pub async fn analysis(region: String) -> Result<AnalysisPage, AppError> {
    use super::ssr;

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::Report,
            "analysis",
            async {
                let page = build(&request, &region).await?;
                request
                    .record(&request.event(
                        AuditAction::Report,
                        "analysis",
                        Outcome::Ok,
                        serde_json::json!({ "region": region, "files": page.overview.total }),
                    ))
                    .await?;
                Ok(page)
            }
            .await,
        )
        .await
}

/// The analysis as an XLSX workbook: the counts, the high-potential
/// customers and the watch list. The export is recorded.
#[server(endpoint = "export_analysis", input = Json)]
pub async fn export_analysis(region: String) -> Result<Download, AppError> {
    use super::sheets::{Sheet, format_of, write};
    use super::ssr;
    use base64::Engine;

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::Export,
            "analysis",
            async {
                let (mime, extension) = format_of("xlsx")?;
                let page = build(&request, &region).await?;
                let o = &page.overview;
                let mut counts = Vec::new();
                for (what, list) in [
                    ("客户类别", &o.by_group),
                    ("地区", &o.by_region),
                    ("土地面积", &o.by_land),
                    ("合作意向", &o.by_cooperation),
                    ("信用等级", &o.by_credit),
                    ("新建档案（月）", &o.by_month),
                ] {
                    for t in list {
                        counts.push(vec![what.to_string(), t.label.clone(), t.count.to_string()]);
                    }
                }
                let potential: Vec<Vec<String>> = page
                    .potential
                    .iter()
                    .map(|s| {
                        vec![
                            s.code.clone(),
                            s.name.clone(),
                            s.region_name.clone(),
                            s.score.to_string(),
                            s.reasons.join("；"),
                        ]
                    })
                    .collect();
                let watch: Vec<Vec<String>> = page
                    .watch
                    .iter()
                    .map(|w| {
                        vec![
                            w.code.clone(),
                            w.name.clone(),
                            w.region_name.clone(),
                            w.reasons.join("；"),
                        ]
                    })
                    .collect();
                let rows = counts.len() + potential.len() + watch.len();
                let bytes = write(
                    extension,
                    &[
                        Sheet {
                            name: "分类统计",
                            header: &["维度", "项目", "档案数"],
                            rows: counts,
                            numeric: &[2],
                        },
                        Sheet {
                            name: "高潜力客户",
                            header: &["档案编号", "姓名/名称", "地区", "潜力分", "依据"],
                            rows: potential,
                            numeric: &[3],
                        },
                        Sheet {
                            name: "风险关注",
                            header: &["档案编号", "姓名/名称", "地区", "原因"],
                            rows: watch,
                            numeric: &[],
                        },
                    ],
                )?;
                request
                    .record(&request.event(
                        AuditAction::Export,
                        "analysis",
                        Outcome::Ok,
                        serde_json::json!({ "format": extension, "rows": rows, "region": region }),
                    ))
                    .await?;
                let stamp = crate::domain::time_fmt::today_cst();
                Ok(Download {
                    file_name: format!("数据分析-{stamp}.{extension}"),
                    mime: mime.to_string(),
                    base64: base64::engine::general_purpose::STANDARD.encode(bytes),
                })
            }
            .await,
        )
        .await
}

/// Saves the rules of the potential score and the watch list.
#[server(endpoint = "save_score_rules", input = Json)]
pub async fn save_score_rules(rules: ScoreRules) -> Result<(), AppError> {
    use super::ssr;
    use crate::domain::Right;

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::SettingsChange,
            "score_rules",
            async {
                let caller = request.caller().await?;
                caller.require(Right::ManageSettings)?;
                rules.check().map_err(AppError::BadRequest)?;
                let saved = request.event(
                    AuditAction::SettingsChange,
                    "score_rules",
                    Outcome::Ok,
                    serde_json::to_value(&rules).unwrap_or_default(),
                );
                request
                    .store()?
                    .save_score_rules(&rules, caller.username(), &saved)
                    .await
                    .map_err(ssr::internal)?;
                tracing::info!("score rules saved");
                Ok(())
            }
            .await,
        )
        .await
}

/// The rules of the potential score, for the settings page.
#[server(endpoint = "score_rules", input = Json)]
pub async fn get_score_rules() -> Result<ScoreRules, AppError> {
    use super::ssr;
    use crate::domain::Right;

    let request = ssr::Request::begin();
    let caller = request.caller().await?;
    caller.require(Right::ManageSettings)?;
    request.store()?.score_rules().await.map_err(ssr::internal)
}

#[cfg(feature = "ssr")]
async fn build(request: &super::ssr::Request, region: &str) -> Result<AnalysisPage, AppError> {
    use super::ssr;
    use crate::domain::Right;
    use crate::domain::region::RegionFilter;
    use crate::domain::time_fmt::today_cst;

    let caller = request.caller().await?;
    caller.require(Right::ViewAnalysis)?;
    let region = match region.trim() {
        "" => None,
        code => Some(RegionFilter::parse(code).map_err(|_| {
            AppError::BadRequest(
                "地区请填写现行的地区码：省、市或县 6 位（如 510000、510104），乡镇 9 位"
                    .to_string(),
            )
        })?),
    };
    let store = request.store()?;
    let found = store
        .analysis(caller.scope(), region.as_ref(), today_cst())
        .await
        .map_err(ssr::internal)?;
    Ok(AnalysisPage {
        overview: found.overview,
        potential: found.potential,
        watch: found.watch,
        rules: found.rules,
    })
}
