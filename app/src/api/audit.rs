//! The audit trail for auditors and administrators: filtered reading,
//! export, the chain check and checkpoints.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::domain::audit::AlertRules;
use crate::domain::audit::{Alert, AuditEvent, AuditFilter, ChainReport};
use crate::error::AppError;

/// Events per page of the audit page.
pub const AUDIT_PAGE_SIZE: u32 = 50;

/// Most events one export holds.
pub const MAX_EXPORT: u64 = 50_000;

/// One page of the trail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub total: u64,
    pub page: u32,
    pub page_size: u32,
    pub events: Vec<AuditEvent>,
}

/// A file for the browser to save.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Download {
    pub file_name: String,
    pub mime: String,
    pub base64: String,
}

/// The events matching `filter`, newest first.
#[server(endpoint = "audit_events", input = Json)]
pub async fn audit_events(filter: AuditFilter, page: u32) -> Result<AuditPage, AppError> {
    use super::ssr;
    use crate::domain::Right;

    let request = ssr::Request::begin();
    request.answer(
        async {
            let caller = request.caller().await?;
            caller.require(Right::ViewAudit)?;
            check_filter(&filter)?;
            let page = page.max(1);
            let offset = u64::from(page - 1) * u64::from(AUDIT_PAGE_SIZE);
            let (total, events) = request
                .store()?
                .audit_events(&filter, offset, u64::from(AUDIT_PAGE_SIZE))
                .await
                .map_err(ssr::internal)?;
            Ok(AuditPage {
                total,
                page,
                page_size: AUDIT_PAGE_SIZE,
                events,
            })
        }
        .await,
    )
}

/// The events matching `filter` as a CSV or XLSX file; the export itself
/// is recorded.
#[server(endpoint = "export_audit", input = Json)]
pub async fn export_audit(filter: AuditFilter, format: String) -> Result<Download, AppError> {
    use super::ssr;
    use crate::domain::Right;
    use crate::domain::audit::{AuditAction, Outcome};
    use base64::Engine;

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::AuditExport,
            "",
            async {
                let caller = request.caller().await?;
                caller.require(Right::ViewAudit)?;
                check_filter(&filter)?;
                let store = request.store()?;
                let (total, events) = store
                    .audit_events(&filter, 0, MAX_EXPORT)
                    .await
                    .map_err(ssr::internal)?;
                let (mime, extension) = super::sheets::format_of(&format)?;
                let bytes = super::sheets::write(
                    extension,
                    &[super::sheets::Sheet {
                        name: "审计记录",
                        header: &HEADER,
                        rows: events.iter().map(|e| cells(e).to_vec()).collect(),
                        numeric: &[0],
                    }],
                )?;
                request
                    .record(&request.event(
                        AuditAction::AuditExport,
                        "",
                        Outcome::Ok,
                        serde_json::json!({
                            "format": extension,
                            "filter": filter,
                            "events": events.len(),
                            "matched": total,
                        }),
                    ))
                    .await?;
                let stamp = crate::domain::time_fmt::today_cst();
                Ok(Download {
                    file_name: format!("审计记录-{stamp}.{extension}"),
                    mime: mime.to_string(),
                    base64: base64::engine::general_purpose::STANDARD.encode(bytes),
                })
            }
            .await,
        )
        .await
}

/// Checks the hash chain and every signed checkpoint now.
#[server(endpoint = "verify_audit_trail", input = Json)]
pub async fn verify_audit_trail() -> Result<ChainReport, AppError> {
    use super::ssr;
    use crate::domain::Right;

    let request = ssr::Request::begin();
    let signer = use_context::<crate::store::AuditSigner>();
    request.answer(
        async {
            let caller = request.caller().await?;
            caller.require(Right::ViewAudit)?;
            let signer = signer.ok_or(AppError::Internal)?;
            signer.verify(request.store()?).await.map_err(ssr::internal)
        }
        .await,
    )
}

/// Signs a checkpoint of the trail's head now; answers its sequence
/// number, or `None` when nothing happened since the last one.
#[server(endpoint = "sign_audit_checkpoint", input = Json)]
pub async fn sign_audit_checkpoint() -> Result<Option<i64>, AppError> {
    use super::ssr;
    use crate::domain::Right;
    use crate::domain::audit::{AuditAction, Outcome};

    let request = ssr::Request::begin();
    let signer = use_context::<crate::store::AuditSigner>();
    request.answer(
        async {
            let caller = request.caller().await?;
            caller.require(Right::ViewAudit)?;
            let signer = signer.ok_or(AppError::Internal)?;
            let store = request.store()?;
            let signed = signer.checkpoint(store).await.map_err(ssr::internal)?;
            if let Some(checkpoint) = &signed {
                request
                    .record(&request.event(
                        AuditAction::AuditCheckpoint,
                        "",
                        Outcome::Ok,
                        serde_json::json!({ "seq": checkpoint.seq }),
                    ))
                    .await?;
            }
            Ok(signed.map(|c| c.seq))
        }
        .await,
    )
}

/// The alerts of abnormal use, after reading the newest events against
/// the rules; open ones first.
#[server(endpoint = "audit_alerts", input = Json)]
pub async fn audit_alerts() -> Result<Vec<Alert>, AppError> {
    use super::ssr;
    use crate::domain::Right;

    let request = ssr::Request::begin();
    let rules = use_context::<AlertRules>().unwrap_or_default();
    request.answer(
        async {
            let caller = request.caller().await?;
            caller.require(Right::ViewAudit)?;
            let store = request.store()?;
            let raised = store.scan_alerts(&rules).await.map_err(ssr::internal)?;
            if raised > 0 {
                tracing::warn!(audit.alerts = raised, "abnormal use found");
            }
            store.alerts(200).await.map_err(ssr::internal)
        }
        .await,
    )
}

/// Marks an alert handled, with a comment that says what was found.
#[server(endpoint = "acknowledge_alert", input = Json)]
pub async fn acknowledge_alert(key: String, comment: String) -> Result<(), AppError> {
    use super::ssr;
    use crate::domain::audit::{AuditAction, Outcome};
    use crate::domain::{Field, Right};

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::AlertAcknowledge,
            "",
            async {
                let caller = request.caller().await?;
                caller.require(Right::ViewAudit)?;
                let comment = comment.trim();
                if comment.is_empty() || comment.chars().count() > 500 {
                    return Err(AppError::field(
                        Field::Reason,
                        "请写明处理情况（不超过 500 字），例如“已核实为年底集中核对”",
                    ));
                }
                let entry = request.event(
                    AuditAction::AlertAcknowledge,
                    key.clone(),
                    Outcome::Ok,
                    serde_json::json!({ "comment_chars": comment.chars().count() }),
                );
                let done = request
                    .store()?
                    .acknowledge_alert(&key, comment, &entry)
                    .await
                    .map_err(ssr::internal)?;
                if !done {
                    return Err(AppError::NotFound("该预警或它已处理".to_string()));
                }
                Ok(())
            }
            .await,
        )
        .await
}

#[cfg(feature = "ssr")]
fn check_filter(filter: &AuditFilter) -> Result<(), AppError> {
    use crate::domain::audit::{AuditAction, Outcome};
    let date_ok = |d: &str| {
        d.is_empty()
            || time::Date::parse(
                d.trim(),
                time::macros::format_description!("[year]-[month]-[day]"),
            )
            .is_ok()
    };
    if !date_ok(&filter.from) || !date_ok(&filter.to) {
        return Err(AppError::BadRequest(
            "日期应写作 年-月-日，例如 2026-12-03".to_string(),
        ));
    }
    if !filter.action.is_empty() && AuditAction::from_key(&filter.action).is_none() {
        return Err(AppError::BadRequest("没有这种操作类型".to_string()));
    }
    if !filter.outcome.is_empty() && Outcome::from_key(&filter.outcome).is_none() {
        return Err(AppError::BadRequest("没有这种结果".to_string()));
    }
    Ok(())
}

/// The columns of an export, in Chinese.
#[cfg(feature = "ssr")]
const HEADER: [&str; 9] = [
    "序号",
    "时间",
    "用户",
    "角色",
    "操作",
    "对象",
    "结果",
    "来源地址",
    "详情",
];

#[cfg(feature = "ssr")]
fn cells(event: &AuditEvent) -> [String; 9] {
    [
        event.seq.to_string(),
        event.at.clone(),
        event.username.clone(),
        event.role.clone(),
        event.action.label().to_string(),
        event.target.clone(),
        event.outcome.label().to_string(),
        event.client.clone(),
        event.details.clone(),
    ]
}
