//! 反馈与优化: feedback on the system from any page, and its answers.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::domain::audit::{AuditAction, Outcome};
use crate::domain::feedback::{Feedback, FeedbackForm};
use crate::error::AppError;

/// The feedback a person may read: everyone's for those who handle it,
/// otherwise their own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackList {
    pub everyone: bool,
    pub items: Vec<Feedback>,
}

/// Sends feedback on the system; any signed-in person may.
#[server(endpoint = "send_feedback", input = Json)]
pub async fn send_feedback(form: FeedbackForm) -> Result<(), AppError> {
    use super::ssr;

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::Feedback,
            "",
            async {
                let caller = request.caller().await?;
                let form = form.validate().map_err(AppError::BadRequest)?;
                let event = request.event(
                    AuditAction::Feedback,
                    "",
                    Outcome::Ok,
                    serde_json::json!({ "step": "sent", "page": form.page }),
                );
                request
                    .store()?
                    .send_feedback(&form, caller.username(), &event)
                    .await
                    .map_err(ssr::internal)
            }
            .await,
        )
        .await
}

/// Feedback newest first, open before handled.
#[server(endpoint = "list_feedback", input = Json)]
pub async fn list_feedback() -> Result<FeedbackList, AppError> {
    use super::ssr;
    use crate::domain::Right;

    let request = ssr::Request::begin();
    request.answer(
        async {
            let caller = request.caller().await?;
            let everyone = caller.role().may(Right::HandleFeedback);
            let by = (!everyone).then(|| caller.username());
            let items = request.store()?.feedback(by).await.map_err(ssr::internal)?;
            Ok(FeedbackList { everyone, items })
        }
        .await,
    )
}

/// Marks feedback handled, with the answer its sender will read.
#[server(endpoint = "answer_feedback", input = Json)]
pub async fn answer_feedback(id: String, answer: String) -> Result<(), AppError> {
    use super::ssr;
    use crate::domain::Right;
    use crate::domain::feedback::MAX_FEEDBACK;

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::Feedback,
            "",
            async {
                let caller = request.caller().await?;
                caller.require(Right::HandleFeedback)?;
                let answer = answer.trim();
                if answer.is_empty() {
                    return Err(AppError::BadRequest("请写下答复，说明如何处理".to_string()));
                }
                if answer.chars().count() > MAX_FEEDBACK {
                    return Err(AppError::BadRequest(format!(
                        "答复不能超过 {MAX_FEEDBACK} 个字"
                    )));
                }
                let event = request.event(
                    AuditAction::Feedback,
                    "",
                    Outcome::Ok,
                    serde_json::json!({ "step": "answered", "feedback": id.trim() }),
                );
                let found = request
                    .store()?
                    .answer_feedback(&id, answer, caller.username(), &event)
                    .await
                    .map_err(ssr::internal)?;
                if found {
                    Ok(())
                } else {
                    Err(AppError::NotFound("这条反馈".to_string()))
                }
            }
            .await,
        )
        .await
}
