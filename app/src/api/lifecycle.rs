//! 资料保留期限, 评估与确认, 安全销毁: retention policies, the disposal
//! review with its two-person rule, legal holds and the register of
//! destroyed files.

use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::domain::audit::{AuditAction, Outcome};
use crate::domain::lifecycle::{Certificate, DisposalCandidate, LifecycleState, RetentionPolicy};
use crate::error::AppError;

/// Files past retention in the caller's regions, and those under review.
#[server(endpoint = "disposal_review", input = Json)]
pub async fn disposal_review() -> Result<Vec<DisposalCandidate>, AppError> {
    use super::ssr;
    use crate::domain::Right;
    use crate::domain::time_fmt::today_cst;

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::Search,
            "",
            async {
                let caller = request.caller().await?;
                caller.require(Right::ViewDisposals)?;
                let list = request
                    .store()?
                    .disposal_review(caller.scope(), today_cst())
                    .await
                    .map_err(ssr::internal)?;
                request
                    .record(&request.event(
                        AuditAction::Search,
                        "",
                        Outcome::Ok,
                        serde_json::json!({ "kind": "disposal_review", "rows": list.len() }),
                    ))
                    .await?;
                Ok(list)
            }
            .await,
        )
        .await
}

/// A file's retention, legal hold and proposals.
#[server(endpoint = "get_lifecycle", input = Json)]
pub async fn get_lifecycle(code: String) -> Result<LifecycleState, AppError> {
    use super::customers::viewable_code;
    use super::ssr;

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::ViewFile,
            &code.clone(),
            async {
                let code = viewable_code(&request, &code).await?;
                let store = request.store()?;
                store.lifecycle_state(&code).await.map_err(ssr::internal)
            }
            .await,
        )
        .await
}

/// Proposes destroying a file past its retention (`kind` `destroy`), or
/// keeping it until `extend_until` (`extend`), with a reason.
#[server(endpoint = "propose_disposal", input = Json)]
pub async fn propose_disposal(
    code: String,
    kind: String,
    reason: String,
    extend_until: String,
) -> Result<(), AppError> {
    use super::customers::visible_code;
    use super::ssr;
    use crate::domain::Right;
    use crate::domain::lifecycle::ProposalKind;
    use crate::domain::time_fmt::today_cst;
    use crate::domain::upkeep::parse_day;
    use crate::store::ReviewOutcome;

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::Disposal,
            &code.clone(),
            async {
                let caller = request.caller().await?;
                caller.require(Right::ProposeDisposal)?;
                let store = request.store()?;
                let code = visible_code(store, &caller, &code)?;
                let kind = ProposalKind::from_key(kind.trim())
                    .ok_or_else(|| AppError::BadRequest("请选择提议销毁或延期保留".to_string()))?;
                let reason = reason.trim();
                if reason.is_empty() || reason.chars().count() > 300 {
                    return Err(AppError::BadRequest(
                        "请写明理由（300 字以内）".to_string(),
                    ));
                }
                let today = today_cst();
                let until = match kind {
                    ProposalKind::Extend => match parse_day(&extend_until) {
                        Some(day) if day > today => day.to_string(),
                        _ => {
                            return Err(AppError::BadRequest(
                                "请填写延期保留到哪一天（须晚于今天，格式如 2030-12-31）"
                                    .to_string(),
                            ));
                        }
                    },
                    ProposalKind::Destroy => String::new(),
                };
                let state = store.lifecycle_state(&code).await.map_err(ssr::internal)?;
                let due = parse_day(&state.retention_end).is_some_and(|end| end <= today);
                // A person's request to delete their data is weighed now,
                // whatever the retention (PIPL art. 47).
                let asked = store.deletion_requested(&code).await.map_err(ssr::internal)?;
                if !due && !asked {
                    return Err(AppError::Conflict(if state.retention_end.is_empty() {
                        format!("档案 {code} 的合作尚未结束，不能进入销毁审核")
                    } else {
                        format!("档案 {code} 的保留期到 {} 才届满", state.retention_end)
                    }));
                }
                let event = request.event(
                    AuditAction::Disposal,
                    code.to_string(),
                    Outcome::Ok,
                    serde_json::json!({ "step": "proposed", "kind": kind.key(), "extend_until": until }),
                );
                match store
                    .propose_disposal(&code, (kind, reason, &until), caller.username(), &event)
                    .await
                    .map_err(ssr::internal)?
                {
                    ReviewOutcome::Done => Ok(()),
                    ReviewOutcome::Refused(why) => Err(AppError::Conflict(why)),
                }
            }
            .await,
        )
        .await
}

/// Approves or rejects a proposal. Nobody decides their own proposal; a
/// legal hold blocks approval. Approving a destruction destroys the file.
#[server(endpoint = "decide_disposal", input = Json)]
pub async fn decide_disposal(id: String, approve: bool, note: String) -> Result<(), AppError> {
    use super::customers::visible_code;
    use super::ssr;
    use crate::domain::Right;
    use crate::domain::lifecycle::{Decision, ProposalKind, check_decision};
    use crate::store::ReviewOutcome;

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::Disposal,
            "",
            async {
                let caller = request.caller().await?;
                caller.require(Right::ApproveDisposal)?;
                let store = request.store()?;
                let gone = || AppError::NotFound("此提议".to_string());
                let proposal = store
                    .proposal(id.trim())
                    .await
                    .map_err(ssr::internal)?
                    .ok_or_else(gone)?;
                let code = visible_code(store, &caller, &proposal.code).map_err(|_| gone())?;
                if proposal.decision != Decision::Pending {
                    return Err(AppError::Conflict(format!(
                        "此提议已于 {} 由 {} {}",
                        proposal.decided_at,
                        proposal.decided_by,
                        proposal.decision.label()
                    )));
                }
                let note = note.trim();
                if !approve && note.is_empty() {
                    return Err(AppError::BadRequest("驳回时请写明理由".to_string()));
                }
                if note.chars().count() > 300 {
                    return Err(AppError::BadRequest("意见不能超过 300 个字".to_string()));
                }
                let on_hold = store
                    .lifecycle_state(&code)
                    .await
                    .map_err(ssr::internal)?
                    .hold
                    .is_some();
                check_decision(&proposal.proposed_by, caller.username(), on_hold, approve)
                    .map_err(AppError::Conflict)?;

                if approve && proposal.kind == ProposalKind::Destroy {
                    let key_id = store
                        .key_id_of(&proposal.code)
                        .await
                        .map_err(ssr::internal)?;
                    let event = request.event(
                        AuditAction::Destroy,
                        code.to_string(),
                        Outcome::Ok,
                        serde_json::json!({
                            "proposal": proposal.id, "proposed_by": proposal.proposed_by,
                        }),
                    );
                    let certificate = store
                        .destroy_file(&proposal, (caller.username(), note), &event)
                        .await
                        .map_err(ssr::internal)?
                        .map_err(AppError::Conflict)?;
                    request.after_destruction(&key_id, &certificate);
                    tracing::info!(customer.code = %code, "customer file destroyed");
                    return Ok(());
                }
                let event = request.event(
                    AuditAction::Disposal,
                    code.to_string(),
                    Outcome::Ok,
                    serde_json::json!({
                        "step": if approve { "approved" } else { "rejected" },
                        "proposal": proposal.id, "kind": proposal.kind.key(),
                    }),
                );
                match store
                    .decide_proposal(&proposal, approve, (caller.username(), note), &event)
                    .await
                    .map_err(ssr::internal)?
                {
                    ReviewOutcome::Done => Ok(()),
                    ReviewOutcome::Refused(why) => Err(AppError::Conflict(why)),
                }
            }
            .await,
        )
        .await
}

/// Sets (`hold` true) or lifts a legal hold on a file, with its reason.
#[server(endpoint = "set_legal_hold", input = Json)]
pub async fn set_legal_hold(
    code: String,
    version: i64,
    hold: bool,
    reason: String,
) -> Result<(), AppError> {
    use super::customers::visible_code;
    use super::ssr;
    use crate::domain::Right;
    use crate::store::ReviewOutcome;

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::LegalHold,
            &code.clone(),
            async {
                let caller = request.caller().await?;
                caller.require(Right::SetLegalHold)?;
                let store = request.store()?;
                let code = visible_code(store, &caller, &code)?;
                let reason = reason.trim();
                if reason.is_empty() || reason.chars().count() > 300 {
                    return Err(AppError::BadRequest(if hold {
                        "请写明冻结的原因，如案号或调查文书（300 字以内）".to_string()
                    } else {
                        "请写明解除冻结的依据（300 字以内）".to_string()
                    }));
                }
                let event = request.event(
                    AuditAction::LegalHold,
                    code.to_string(),
                    Outcome::Ok,
                    serde_json::json!({ "step": if hold { "set" } else { "lifted" } }),
                );
                match store
                    .set_hold(&code, version, (hold, reason, caller.username()), &event)
                    .await
                    .map_err(ssr::internal)?
                {
                    ReviewOutcome::Done => Ok(()),
                    ReviewOutcome::Refused(_) => Err(AppError::Conflict(
                        "档案刚被他人修改，或冻结状态已经改变，请刷新页面后再试".to_string(),
                    )),
                }
            }
            .await,
        )
        .await
}

/// The certificates of destroyed files in the caller's regions.
#[server(endpoint = "destruction_register", input = Json)]
pub async fn destruction_register() -> Result<Vec<Certificate>, AppError> {
    use super::ssr;
    use crate::domain::Right;

    let request = ssr::Request::begin();
    request.answer(
        async {
            let caller = request.caller().await?;
            caller.require(Right::ViewDisposals)?;
            request
                .store()?
                .certificates(caller.scope())
                .await
                .map_err(ssr::internal)
        }
        .await,
    )
}

/// How long each group's files are kept after the relationship ends.
#[server(endpoint = "retention_policies", input = Json)]
pub async fn retention_policies() -> Result<Vec<RetentionPolicy>, AppError> {
    use super::ssr;

    let request = ssr::Request::begin();
    request.answer(
        async {
            request.caller().await?;
            request
                .store()?
                .retention_policies()
                .await
                .map_err(ssr::internal)
        }
        .await,
    )
}

/// Sets the retention of one group, with the reason for it.
#[server(endpoint = "save_retention_policy", input = Json)]
pub async fn save_retention_policy(
    group: String,
    years: String,
    reason: String,
) -> Result<(), AppError> {
    use super::ssr;
    use crate::domain::lifecycle::parse_retention;
    use crate::domain::{CustomerGroup, Right};

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::SettingsChange,
            "retention_policies",
            async {
                let caller = request.caller().await?;
                caller.require(Right::ManageSettings)?;
                let group = CustomerGroup::from_key(group.trim()).ok_or_else(|| {
                    AppError::BadRequest("客户类别不正确，请重新选择".to_string())
                })?;
                let (years, reason) =
                    parse_retention(&years, &reason).map_err(AppError::BadRequest)?;
                let event = request.event(
                    AuditAction::SettingsChange,
                    "retention_policies",
                    Outcome::Ok,
                    serde_json::json!({ "group": group.key(), "years": years }),
                );
                request
                    .store()?
                    .save_retention_policy(
                        &RetentionPolicy {
                            group,
                            years,
                            reason,
                        },
                        &event,
                    )
                    .await
                    .map_err(ssr::internal)
            }
            .await,
        )
        .await
}
