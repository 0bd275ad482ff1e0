//! 客户关系管理: the relationship timeline of a file, and one's own open
//! issues and follow-ups.

use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::domain::audit::{AuditAction, Outcome};
use crate::domain::timeline::{Colleague, EntryForm, TaskRow, TimelineEntry};
use crate::error::AppError;

/// The timeline of a file, newest entry first.
#[server(endpoint = "timeline", input = Json)]
pub async fn timeline(code: String) -> Result<Vec<TimelineEntry>, AppError> {
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
                store.timeline(&code).await.map_err(ssr::internal)
            }
            .await,
        )
        .await
}

/// Adds an entry to a file's timeline and answers its key.
#[server(endpoint = "add_timeline_entry", input = Json)]
pub async fn add_timeline_entry(code: String, form: EntryForm) -> Result<String, AppError> {
    use super::customers::{not_found, visible_code};
    use super::ssr;
    use crate::domain::{CustomerStatus, Right};

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::Timeline,
            &code.clone(),
            async {
                let caller = request.caller().await?;
                caller.require(Right::KeepTimeline)?;
                let store = request.store()?;
                let code = visible_code(store, &caller, &code)?;
                let entry = checked(&form)?;
                check_owner(&request, &entry.owner).await?;
                let status = store
                    .stored_file(&code)
                    .await
                    .map_err(ssr::internal)?
                    .ok_or_else(|| not_found(&code))?
                    .status;
                if status == CustomerStatus::Destroyed {
                    return Err(AppError::Conflict(format!("档案 {code} 已销毁")));
                }
                let event = request.event(
                    AuditAction::Timeline,
                    code.to_string(),
                    Outcome::Ok,
                    serde_json::json!({}),
                );
                let key = store
                    .add_timeline_entry(&code, &entry, caller.username(), &event)
                    .await
                    .map_err(ssr::internal)?
                    .ok_or_else(|| not_found(&code))?;
                tracing::info!(customer.code = %code, timeline.kind = entry.kind.key(), "timeline entry added");
                Ok(key)
            }
            .await,
        )
        .await
}

/// Corrects an entry (what it says, its owner or due date); the step keeps
/// what it said before, and `reason` why it changed.
#[server(endpoint = "correct_timeline_entry", input = Json)]
pub async fn correct_timeline_entry(
    id: String,
    version: i64,
    form: EntryForm,
    reason: String,
) -> Result<(), AppError> {
    use super::ssr;
    use crate::domain::timeline::MAX_TEXT;

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::Timeline,
            "",
            async {
                let (caller, entry) = entry_for_change(&request, &id).await?;
                let corrected = checked(&form)?;
                if corrected.kind != entry.kind {
                    return Err(AppError::BadRequest(
                        "记录类型不能更改；类型记错时请新记一条，并在原记录中说明".to_string(),
                    ));
                }
                let reason = reason.trim();
                if reason.is_empty() {
                    return Err(AppError::BadRequest("请写明更正原因".to_string()));
                }
                if reason.chars().count() > MAX_TEXT {
                    return Err(AppError::BadRequest(format!(
                        "更正原因不能超过 {MAX_TEXT} 个字"
                    )));
                }
                if corrected.owner != entry.owner {
                    check_owner(&request, &corrected.owner).await?;
                }
                let event = request.event(
                    AuditAction::Timeline,
                    entry.code.clone(),
                    Outcome::Ok,
                    serde_json::json!({}),
                );
                let store = request.store()?;
                let outcome = store
                    .correct_timeline_entry(
                        &entry,
                        version,
                        &corrected,
                        (caller.username(), reason),
                        &event,
                    )
                    .await
                    .map_err(ssr::internal)?;
                answer(outcome)
            }
            .await,
        )
        .await
}

/// Moves an issue, follow-up or cooperation item to another status, with
/// a note (the result, when it is closed).
#[server(endpoint = "move_timeline_entry", input = Json)]
pub async fn move_timeline_entry(
    id: String,
    version: i64,
    to: String,
    note: String,
) -> Result<(), AppError> {
    use super::ssr;
    use crate::domain::timeline::{EntryStatus, check_move, check_step_note};

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::Timeline,
            "",
            async {
                let (caller, entry) = entry_for_change(&request, &id).await?;
                let to = EntryStatus::from_key(to.trim())
                    .ok_or_else(|| AppError::BadRequest("请选择新的状态".to_string()))?;
                if entry.version != version {
                    return Err(stale());
                }
                check_move(entry.kind, entry.status, to).map_err(AppError::BadRequest)?;
                check_step_note(entry.kind, to, &note).map_err(AppError::BadRequest)?;
                let event = request.event(
                    AuditAction::Timeline,
                    entry.code.clone(),
                    Outcome::Ok,
                    serde_json::json!({}),
                );
                let store = request.store()?;
                let outcome = store
                    .move_timeline_entry(
                        &entry,
                        version,
                        to,
                        (caller.username(), note.trim()),
                        &event,
                    )
                    .await
                    .map_err(ssr::internal)?;
                answer(outcome)
            }
            .await,
        )
        .await
}

/// The caller's open issues and follow-ups, soonest due first.
#[server(endpoint = "my_tasks", input = Json)]
pub async fn my_tasks() -> Result<Vec<TaskRow>, AppError> {
    use super::ssr;
    use crate::domain::Right;
    use crate::domain::time_fmt::today_cst;

    let request = ssr::Request::begin();
    request.answer(
        async {
            let caller = request.caller().await?;
            caller.require(Right::KeepTimeline)?;
            let store = request.store()?;
            store
                .tasks_of(caller.username(), caller.scope(), today_cst())
                .await
                .map_err(ssr::internal)
        }
        .await,
    )
}

/// The people an issue or follow-up may be given to: active accounts that
/// keep timelines.
#[server(endpoint = "colleagues", input = Json)]
pub async fn colleagues() -> Result<Vec<Colleague>, AppError> {
    use super::ssr;
    use crate::domain::Right;

    let request = ssr::Request::begin();
    request.answer(
        async {
            let caller = request.caller().await?;
            caller.require(Right::KeepTimeline)?;
            let store = request.store()?;
            let users = store.users().await.map_err(ssr::internal)?;
            Ok(users
                .into_iter()
                .filter(|u| !u.disabled && u.role.may(Right::KeepTimeline))
                .map(|u| Colleague {
                    username: u.username,
                    display_name: u.display_name,
                })
                .collect())
        }
        .await,
    )
}

/// The checked form, or its refusals in one message.
#[cfg(feature = "ssr")]
fn checked(form: &EntryForm) -> Result<crate::domain::timeline::CheckedEntry, AppError> {
    form.validate().map_err(|errors| {
        AppError::BadRequest(
            errors
                .into_iter()
                .map(|e| e.message)
                .collect::<Vec<_>>()
                .join("；"),
        )
    })
}

/// Refuses an owner who is no active account that keeps timelines.
#[cfg(feature = "ssr")]
async fn check_owner(request: &super::ssr::Request, owner: &str) -> Result<(), AppError> {
    use crate::domain::Right;
    if owner.is_empty() {
        return Ok(());
    }
    let user = request
        .store()?
        .user(owner)
        .await
        .map_err(super::ssr::internal)?;
    match user {
        Some(user) if !user.disabled && user.role.may(Right::KeepTimeline) => Ok(()),
        _ => Err(AppError::BadRequest(
            "负责人须是在用、且能处理客户往来的账户，请重新选择".to_string(),
        )),
    }
}

/// The caller, who may change timelines, and the entry `id` of a file in
/// their regions.
#[cfg(feature = "ssr")]
async fn entry_for_change(
    request: &super::ssr::Request,
    id: &str,
) -> Result<(super::caller::Caller, TimelineEntry), AppError> {
    use super::customers::visible_code;
    use crate::domain::Right;

    let caller = request.caller().await?;
    caller.require(Right::KeepTimeline)?;
    let store = request.store()?;
    let gone = || AppError::NotFound("此往来记录".to_string());
    let entry = store
        .timeline_entry(id.trim())
        .await
        .map_err(super::ssr::internal)?
        .ok_or_else(gone)?;
    visible_code(store, &caller, &entry.code).map_err(|_| gone())?;
    Ok((caller, entry))
}

#[cfg(feature = "ssr")]
fn stale() -> AppError {
    AppError::Conflict("此记录刚被他人更新，请刷新页面查看后再操作".to_string())
}

#[cfg(feature = "ssr")]
fn answer(outcome: crate::store::EntryOutcome) -> Result<(), AppError> {
    use crate::store::EntryOutcome;
    match outcome {
        EntryOutcome::Saved => Ok(()),
        EntryOutcome::Stale => Err(stale()),
        EntryOutcome::Gone => Err(AppError::NotFound("此往来记录".to_string())),
    }
}
