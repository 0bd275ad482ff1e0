//! 监督检查: the data-quality report of the caller's regions, on screen and
//! as a spreadsheet for the supervision meeting.

use leptos::prelude::*;
use server_fn::codec::Json;

use super::audit::Download;
#[cfg(feature = "ssr")]
use crate::domain::audit::{AuditAction, Outcome};
use crate::domain::quality::QualityReport;
use crate::error::AppError;

/// The report over the files of the caller's regions.
#[server(endpoint = "get_quality_report", input = Json)]
pub async fn get_quality_report() -> Result<QualityReport, AppError> {
    use super::ssr;

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::Report,
            "quality",
            async {
                let report = build(&request).await?;
                request
                    .record(&request.event(
                        AuditAction::Report,
                        "quality",
                        Outcome::Ok,
                        serde_json::json!({ "files": report.totals.files }),
                    ))
                    .await?;
                Ok(report)
            }
            .await,
        )
        .await
}

/// The report as a CSV or XLSX file; the export is recorded.
#[server(endpoint = "export_quality_report", input = Json)]
pub async fn export_quality_report(format: String) -> Result<Download, AppError> {
    use super::sheets::{Sheet, format_of, write};
    use super::ssr;
    use base64::Engine;

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::Export,
            "quality",
            async {
                let (mime, extension) = format_of(&format)?;
                let report = build(&request).await?;
                let line = |r: &crate::domain::quality::QualityRow| {
                    vec![
                        r.label.clone(),
                        r.key.clone(),
                        r.files.to_string(),
                        r.incomplete.to_string(),
                        r.overdue.to_string(),
                        r.issues_past_due.to_string(),
                        r.average_score.to_string(),
                    ]
                };
                let head = [
                    "名称",
                    "代码",
                    "档案数",
                    "不完整",
                    "逾期未核对",
                    "逾期未解决问题",
                    "平均完整度",
                ];
                let mut regions: Vec<_> = report.by_region.iter().map(line).collect();
                regions.push(line(&report.totals));
                let people: Vec<_> = report.by_person.iter().map(line).collect();
                let files: Vec<_> = report
                    .incomplete_files
                    .iter()
                    .map(|f| {
                        vec![
                            f.code.clone(),
                            f.name.clone(),
                            f.region_name.clone(),
                            f.created_by.clone(),
                            f.score.to_string(),
                            f.missing.clone(),
                        ]
                    })
                    .collect();
                let rows = regions.len() + people.len() + files.len();
                let bytes = write(
                    extension,
                    &[
                        Sheet {
                            name: "按地区",
                            header: &head,
                            rows: regions,
                            numeric: &[2, 3, 4, 5, 6],
                        },
                        Sheet {
                            name: "按人员",
                            header: &head,
                            rows: people,
                            numeric: &[2, 3, 4, 5, 6],
                        },
                        Sheet {
                            name: "不完整档案",
                            header: &["档案编号", "姓名/名称", "地区", "建档人", "完整度", "缺少"],
                            rows: files,
                            numeric: &[4],
                        },
                    ],
                )?;
                request
                    .record(&request.event(
                        AuditAction::Export,
                        "quality",
                        Outcome::Ok,
                        serde_json::json!({ "format": extension, "rows": rows }),
                    ))
                    .await?;
                let stamp = crate::domain::time_fmt::today_cst();
                Ok(Download {
                    file_name: format!("数据质量报告-{stamp}.{extension}"),
                    mime: mime.to_string(),
                    base64: base64::engine::general_purpose::STANDARD.encode(bytes),
                })
            }
            .await,
        )
        .await
}

#[cfg(feature = "ssr")]
async fn build(request: &super::ssr::Request) -> Result<QualityReport, AppError> {
    use super::ssr;
    use crate::domain::Right;
    use crate::domain::time_fmt::today_cst;

    let caller = request.caller().await?;
    caller.require(Right::ViewQualityReport)?;
    let store = request.store()?;
    let people = store
        .users()
        .await
        .map_err(ssr::internal)?
        .into_iter()
        .map(|u| (u.username, u.display_name))
        .collect();
    store
        .quality_report(caller.scope(), today_cst(), &people)
        .await
        .map_err(ssr::internal)
}
