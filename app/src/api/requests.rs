//! 个人信息请求: the register of requests from the people in the files, the
//! answers, and the copy of everything held about a person.

use leptos::prelude::*;
use server_fn::codec::Json;

use super::audit::Download;
#[cfg(feature = "ssr")]
use crate::domain::audit::{AuditAction, Outcome};
use crate::domain::requests::{AccessExport, PersonRequest, RequestForm};
use crate::error::AppError;

/// Registers a request and answers its id; the due date counts the
/// configured working days from the day it was received.
#[server(endpoint = "register_person_request", input = Json)]
pub async fn register_person_request(form: RequestForm) -> Result<String, AppError> {
    use super::customers::{not_found, visible_code};
    use super::ssr;
    use crate::domain::Right;
    use crate::domain::requests::add_working_days;
    use crate::domain::time_fmt::today_cst;

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::PersonRequest,
            &form.code.clone(),
            async {
                let caller = request.caller().await?;
                caller.require(Right::HandleRequests)?;
                let store = request.store()?;
                let code = visible_code(store, &caller, &form.code)?;
                let checked = form.validate(today_cst()).map_err(AppError::BadRequest)?;
                let days = store.request_due_days().await.map_err(ssr::internal)?;
                let due = add_working_days(checked.received_on, days);
                let event = request.event(
                    AuditAction::PersonRequest,
                    code.to_string(),
                    Outcome::Ok,
                    serde_json::json!({}),
                );
                store
                    .register_request(&code, &checked, (due, caller.username()), &event)
                    .await
                    .map_err(ssr::internal)?
                    .ok_or_else(|| not_found(&code))
            }
            .await,
        )
        .await
}

/// The requests about files of the caller's regions, open ones first.
#[server(endpoint = "list_person_requests", input = Json)]
pub async fn list_person_requests() -> Result<Vec<PersonRequest>, AppError> {
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
                caller.require(Right::HandleRequests)?;
                let list = request
                    .store()?
                    .requests(caller.scope(), None, today_cst())
                    .await
                    .map_err(ssr::internal)?;
                request
                    .record(&request.event(
                        AuditAction::Search,
                        "",
                        Outcome::Ok,
                        serde_json::json!({ "kind": "person_requests", "rows": list.len() }),
                    ))
                    .await?;
                Ok(list)
            }
            .await,
        )
        .await
}

/// Answers a request, or refuses it (`refused`) with the reason as the
/// answer.
#[server(endpoint = "answer_person_request", input = Json)]
pub async fn answer_person_request(
    id: String,
    refused: bool,
    answer: String,
) -> Result<(), AppError> {
    use super::customers::visible_code;
    use super::ssr;
    use crate::domain::Right;
    use crate::domain::requests::{MAX_REQUEST_TEXT, RequestStatus};
    use crate::domain::time_fmt::today_cst;

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::PersonRequest,
            "",
            async {
                let caller = request.caller().await?;
                caller.require(Right::HandleRequests)?;
                let store = request.store()?;
                let gone = || AppError::NotFound("此请求".to_string());
                let today = today_cst();
                let found = store
                    .request(id.trim(), today)
                    .await
                    .map_err(ssr::internal)?
                    .ok_or_else(gone)?;
                let code = visible_code(store, &caller, &found.code).map_err(|_| gone())?;
                let answer = answer.trim();
                if answer.is_empty() || answer.chars().count() > MAX_REQUEST_TEXT {
                    return Err(AppError::BadRequest(if refused {
                        "拒绝请求须写明理由（500 字以内）".to_string()
                    } else {
                        "请写下答复内容（500 字以内）".to_string()
                    }));
                }
                let status = if refused {
                    RequestStatus::Refused
                } else {
                    RequestStatus::Answered
                };
                let event = request.event(
                    AuditAction::PersonRequest,
                    code.to_string(),
                    Outcome::Ok,
                    serde_json::json!({}),
                );
                let done = store
                    .answer_request(&found, (status, answer, caller.username(), today), &event)
                    .await
                    .map_err(ssr::internal)?;
                if done {
                    Ok(())
                } else {
                    Err(AppError::Conflict(
                        "此请求已经答复，请刷新页面查看".to_string(),
                    ))
                }
            }
            .await,
        )
        .await
}

/// Everything held about the person of file `code`, for an access or copy
/// request; the copy is recorded.
#[server(endpoint = "copy_for_person", input = Json)]
pub async fn copy_for_person(code: String) -> Result<AccessExport, AppError> {
    use super::ssr;

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::Export,
            &code.clone(),
            async { gather(&request, &code, "page").await }.await,
        )
        .await
}

/// The same, as a machine-readable JSON file.
#[server(endpoint = "copy_for_person_file", input = Json)]
pub async fn copy_for_person_file(code: String) -> Result<Download, AppError> {
    use super::ssr;
    use base64::Engine;

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::Export,
            &code.clone(),
            async {
                let export = gather(&request, &code, "json").await?;
                let json = serde_json::to_vec_pretty(&export).map_err(|error| {
                    tracing::error!(error = %error, "access export not serialised");
                    AppError::Internal
                })?;
                Ok(Download {
                    file_name: format!("个人信息副本-{}.json", export.file.code),
                    mime: "application/json;charset=utf-8".to_string(),
                    base64: base64::engine::general_purpose::STANDARD.encode(json),
                })
            }
            .await,
        )
        .await
}

/// Working days to answer a request.
#[server(endpoint = "request_due_days", input = Json)]
pub async fn request_due_days() -> Result<u8, AppError> {
    use super::ssr;

    let request = ssr::Request::begin();
    request.answer(
        async {
            request.caller().await?;
            request
                .store()?
                .request_due_days()
                .await
                .map_err(ssr::internal)
        }
        .await,
    )
}

/// Sets the working days to answer a request (1–60).
#[server(endpoint = "save_request_due_days", input = Json)]
pub async fn save_request_due_days(days: String) -> Result<(), AppError> {
    use super::ssr;
    use crate::domain::Right;

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::SettingsChange,
            "request_due_days",
            async {
                let caller = request.caller().await?;
                caller.require(Right::ManageSettings)?;
                let days = match days.trim().parse::<u8>() {
                    Ok(d) if (1..=60).contains(&d) => d,
                    _ => {
                        return Err(AppError::BadRequest(
                            "答复期限请填写 1 到 60 之间的整数（单位：工作日）".to_string(),
                        ));
                    }
                };
                let event = request.event(
                    AuditAction::SettingsChange,
                    "request_due_days",
                    Outcome::Ok,
                    serde_json::json!({ "days": days }),
                );
                request
                    .store()?
                    .save_request_due_days(days, &event)
                    .await
                    .map_err(ssr::internal)
            }
            .await,
        )
        .await
}

/// How many requests of the caller's regions are past their due date.
#[server(endpoint = "count_overdue_requests", input = Json)]
pub async fn count_overdue_requests() -> Result<u64, AppError> {
    use super::ssr;
    use crate::domain::Right;
    use crate::domain::time_fmt::today_cst;

    let request = ssr::Request::begin();
    request.answer(
        async {
            let caller = request.caller().await?;
            caller.require(Right::HandleRequests)?;
            request
                .store()?
                .overdue_requests(caller.scope(), today_cst())
                .await
                .map_err(ssr::internal)
        }
        .await,
    )
}

/// Everything held about the person of `code`, with the copy recorded.
#[cfg(feature = "ssr")]
async fn gather(
    request: &super::ssr::Request,
    code: &str,
    form: &str,
) -> Result<AccessExport, AppError> {
    use super::customers::{not_found, visible_code};
    use super::ssr;
    use crate::domain::Right;
    use crate::domain::time_fmt::{format_minute_cst, today_cst};

    let caller = request.caller().await?;
    caller.require(Right::HandleRequests)?;
    let store = request.store()?;
    let code = visible_code(store, &caller, code)?;
    let file = store
        .customer_in_full(&code)
        .await
        .map_err(ssr::internal)?
        .ok_or_else(|| not_found(&code))?;
    let today = today_cst();
    let export = AccessExport {
        made_at: format_minute_cst(super::caller::now_ms()),
        made_by: caller.username().to_string(),
        history: store.history(&code, 0).await.map_err(ssr::internal)?,
        verifications: store
            .verification_state(&code, today)
            .await
            .map_err(ssr::internal)?
            .records,
        timeline: store.timeline(&code).await.map_err(ssr::internal)?,
        requests: store
            .requests(caller.scope(), Some(&code), today)
            .await
            .map_err(ssr::internal)?,
        consents: store
            .consents(&code)
            .await
            .map_err(ssr::internal)?
            .unwrap_or_default()
            .records,
        disclosures: store.disclosures_of(&code).await.map_err(ssr::internal)?,
        file,
    };
    request
        .record(&request.event(
            AuditAction::Export,
            code.to_string(),
            Outcome::Ok,
            serde_json::json!({ "kind": "access_copy", "form": form }),
        ))
        .await?;
    Ok(export)
}
