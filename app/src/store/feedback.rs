//! Feedback on the archive system, and its answers.

use surrealdb::types::{Datetime, SurrealValue};

use super::{AuditEntry, Store, StoreError};
use crate::domain::feedback::{Feedback, FeedbackForm};
use crate::domain::time_fmt;

#[derive(SurrealValue)]
struct FeedbackRow {
    id: String,
    at: Datetime,
    by: String,
    page: String,
    happened: String,
    suggestion: String,
    handled: bool,
    answer: String,
    answered_by: String,
    answered_at: Option<Datetime>,
}

impl Store {
    /// Keeps a piece of feedback from `by`.
    pub async fn send_feedback(
        &self,
        form: &FeedbackForm,
        by: &str,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        self.audited(
            "CREATE system_feedback SET by = $by, page = $page, happened = $happened, \
             suggestion = $suggestion RETURN NONE",
            audit,
            |q| {
                q.bind(("by", by.to_string()))
                    .bind(("page", form.page.clone()))
                    .bind(("happened", form.happened.clone()))
                    .bind(("suggestion", form.suggestion.clone()))
            },
        )
        .await
        .map(drop)
    }

    /// Feedback newest first: everyone's, or only that of `by`.
    pub async fn feedback(&self, by: Option<&str>) -> Result<Vec<Feedback>, StoreError> {
        let condition = if by.is_some() { "WHERE by = $by" } else { "" };
        let rows: Vec<FeedbackRow> = self
            .db
            .query(format!(
                "SELECT record::id(id) AS id, at, by, page, happened, suggestion, handled, \
                 answer, answered_by, answered_at FROM system_feedback {condition} \
                 ORDER BY handled, at DESC LIMIT 500"
            ))
            .bind(("by", by.unwrap_or_default().to_string()))
            .await?
            .take(0)?;
        Ok(rows
            .into_iter()
            .map(|row| Feedback {
                id: row.id,
                at: time_fmt::format_minute_cst(row.at.timestamp_millis()),
                by: row.by,
                page: row.page,
                happened: row.happened,
                suggestion: row.suggestion,
                handled: row.handled,
                answer: row.answer,
                answered_by: row.answered_by,
                answered_at: row
                    .answered_at
                    .map(|at| time_fmt::format_minute_cst(at.timestamp_millis()))
                    .unwrap_or_default(),
            })
            .collect())
    }

    /// Marks a piece of feedback handled with an answer; `false` when there
    /// is no such feedback.
    pub async fn answer_feedback(
        &self,
        id: &str,
        answer: &str,
        by: &str,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let id = id.trim();
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Ok(false);
        }
        let outcome = self
            .audited(
                "LET $answered = (UPDATE ONLY type::record('system_feedback', $id) \
                     SET handled = true, answer = $answer, answered_by = $by, \
                     answered_at = time::now() RETURN VALUE by);
                 IF $answered = NONE { THROW 'no_such_feedback' }",
                audit,
                |q| {
                    q.bind(("id", id.to_string()))
                        .bind(("answer", answer.to_string()))
                        .bind(("by", by.to_string()))
                },
            )
            .await;
        match outcome {
            Ok(_) => Ok(true),
            Err(error) if error.is_thrown("no_such_feedback") => Ok(false),
            Err(error) => Err(error),
        }
    }
}
