//! The register of requests from the people in the files.

use std::collections::HashMap;

use surrealdb::types::SurrealValue;
use time::Date;

use super::customers::scope_condition;
use super::upkeep::STALE;
use super::{AuditEntry, Store, StoreError};
use crate::domain::requests::{
    Channel, CheckedRequest, DEFAULT_DUE_WORKING_DAYS, PersonRequest, RequestKind, RequestStatus,
};
use crate::domain::{ArchiveCode, Customer, RegionScope};
use crate::secure::vault::DataKey;

#[derive(SurrealValue)]
struct RequestRow {
    id: String,
    customer: String,
    kind: String,
    channel: String,
    received_on: String,
    due_on: String,
    status: String,
    content_sealed: String,
    answer_sealed: String,
    answered_by: String,
    answered_on: String,
    recorded_by: String,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Content {
    requester: String,
    identity_check: String,
    details: String,
}

const COLUMNS: &str = "record::id(id) AS id, customer, kind, channel, received_on, due_on, \
     status, content_sealed, answer_sealed, answered_by, answered_on, recorded_by";

fn label(id: &str) -> String {
    format!("request/{id}")
}

fn answer_label(id: &str) -> String {
    format!("request/{id}/answer")
}

pub(super) fn new_id() -> String {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    let mut bytes = [0u8; 10];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Store {
    /// Working days to answer a request.
    pub async fn request_due_days(&self) -> Result<u8, StoreError> {
        let days: Option<i64> = self
            .db
            .query("SELECT VALUE value FROM ONLY setting:request_due_days")
            .await?
            .take(0)?;
        Ok(days
            .and_then(|d| u8::try_from(d).ok())
            .unwrap_or(DEFAULT_DUE_WORKING_DAYS))
    }

    pub async fn save_request_due_days(
        &self,
        days: u8,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        self.audited(
            "UPSERT setting:request_due_days SET value = $days RETURN NONE",
            audit,
            |q| q.bind(("days", i64::from(days))),
        )
        .await
        .map(drop)
    }

    /// Registers a request about the file `code`; `None` when the file has
    /// no key (destroyed).
    pub async fn register_request(
        &self,
        code: &ArchiveCode,
        request: &CheckedRequest,
        (due_on, actor): (Date, &str),
        audit: &AuditEntry,
    ) -> Result<Option<String>, StoreError> {
        let Some(key) = self.file_key(code).await? else {
            return Ok(None);
        };
        let id = new_id();
        let content = serde_json::to_string(&Content {
            requester: request.requester.clone(),
            identity_check: request.identity_check.clone(),
            details: request.details.clone(),
        })
        .unwrap_or_default();
        let sealed = key.seal(code.as_str(), &label(&id), &content);
        let audit = AuditEntry {
            details: serde_json::json!({
                "request": id, "kind": request.kind.key(), "step": "registered",
                "due_on": due_on.to_string(),
            }),
            ..audit.clone()
        };
        self.audited(
            "CREATE ONLY type::record('person_request', $id) SET customer = $code, kind = $kind, \
             channel = $channel, received_on = $received, due_on = $due, \
             content_sealed = $content, recorded_by = $actor RETURN NONE",
            &audit,
            |q| {
                q.bind(("id", id.clone()))
                    .bind(("code", code.to_string()))
                    .bind(("kind", request.kind.key()))
                    .bind(("channel", request.channel.key()))
                    .bind(("received", request.received_on.to_string()))
                    .bind(("due", due_on.to_string()))
                    .bind(("content", sealed.clone()))
                    .bind(("actor", actor.to_string()))
            },
        )
        .await?;
        Ok(Some(id))
    }

    /// Requests about files in `scope` (or about `code` only), open ones
    /// first, soonest due first.
    pub async fn requests(
        &self,
        scope: &RegionScope,
        code: Option<&ArchiveCode>,
        today: Date,
    ) -> Result<Vec<PersonRequest>, StoreError> {
        let rows: Vec<RequestRow> = self
            .db
            .query(format!(
                "SELECT {COLUMNS} FROM person_request {} ORDER BY due_on",
                if code.is_some() {
                    "WHERE customer = $code"
                } else {
                    ""
                }
            ))
            .bind(("code", code.map(ToString::to_string).unwrap_or_default()))
            .await?
            .take(0)?;
        let regions = self
            .regions_of(rows.iter().map(|r| r.customer.clone()).collect(), scope)
            .await?;
        let mut keys: HashMap<String, Option<DataKey>> = HashMap::new();
        let mut list = Vec::new();
        for row in rows {
            if !regions.contains_key(&row.customer) {
                continue;
            }
            let Ok(file) = ArchiveCode::parse(&self.scheme, &row.customer) else {
                continue;
            };
            if !keys.contains_key(&row.customer) {
                keys.insert(row.customer.clone(), self.file_key(&file).await?);
            }
            let Some(Some(key)) = keys.get(&row.customer) else {
                continue;
            };
            list.push(open_row(key, &file, row, today)?);
        }
        list.sort_by(|a, b| {
            (a.status != RequestStatus::Open, &a.due_on)
                .cmp(&(b.status != RequestStatus::Open, &b.due_on))
        });
        Ok(list)
    }

    /// The regions of the files `codes` that lie in `scope`.
    async fn regions_of(
        &self,
        codes: Vec<String>,
        scope: &RegionScope,
    ) -> Result<HashMap<String, String>, StoreError> {
        #[derive(SurrealValue)]
        struct Row {
            code: String,
            region: String,
        }
        let (scope_match, scope_values) = scope_condition(scope);
        let mut query = self.db.query(format!(
            "SELECT code, region FROM customer WHERE code IN $codes AND {scope_match}"
        ));
        for value in scope_values {
            query = query.bind(value);
        }
        let rows: Vec<Row> = query.bind(("codes", codes)).await?.take(0)?;
        Ok(rows.into_iter().map(|r| (r.code, r.region)).collect())
    }

    /// One request by its id.
    pub async fn request(
        &self,
        id: &str,
        today: Date,
    ) -> Result<Option<PersonRequest>, StoreError> {
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_hexdigit()) {
            return Ok(None);
        }
        let row: Option<RequestRow> = self
            .db
            .query(format!(
                "SELECT {COLUMNS} FROM ONLY type::record('person_request', $id)"
            ))
            .bind(("id", id.to_string()))
            .await?
            .take(0)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let file = ArchiveCode::parse(&self.scheme, &row.customer)
            .map_err(|_| StoreError::Corrupt(row.customer.clone()))?;
        let Some(key) = self.file_key(&file).await? else {
            return Ok(None);
        };
        open_row(&key, &file, row, today).map(Some)
    }

    /// Answers (or refuses, with the reason as the answer) an open request.
    /// `Ok(false)` when it is no longer open.
    pub async fn answer_request(
        &self,
        request: &PersonRequest,
        (status, answer, actor, today): (RequestStatus, &str, &str, Date),
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let file = ArchiveCode::parse(&self.scheme, &request.code)
            .map_err(|_| StoreError::Corrupt(request.code.clone()))?;
        let Some(key) = self.file_key(&file).await? else {
            return Ok(false);
        };
        let sealed = key.seal(&request.code, &answer_label(&request.id), answer);
        let audit = AuditEntry {
            details: serde_json::json!({ "request": request.id, "kind": request.kind.key(), "step": status.key() }),
            ..audit.clone()
        };
        let outcome = self
            .audited(
                &format!(
                    "LET $answered = (UPDATE ONLY type::record('person_request', $id) \
                         SET status = $status, answer_sealed = $answer, answered_by = $actor, \
                         answered_on = $today WHERE status = 'open' RETURN VALUE status);
                     IF $answered = NONE {{ THROW '{STALE}' }}"
                ),
                &audit,
                |q| {
                    q.bind(("id", request.id.clone()))
                        .bind(("status", status.key()))
                        .bind(("answer", sealed.clone()))
                        .bind(("actor", actor.to_string()))
                        .bind(("today", today.to_string()))
                },
            )
            .await;
        match outcome {
            Ok(_) => Ok(true),
            Err(error) if error.is_thrown(STALE) => Ok(false),
            Err(error) => Err(error),
        }
    }

    /// Open requests past their due date in `scope`.
    pub async fn overdue_requests(
        &self,
        scope: &RegionScope,
        today: Date,
    ) -> Result<u64, StoreError> {
        let codes: Vec<String> = self
            .db
            .query("SELECT VALUE customer FROM person_request WHERE status = 'open' AND due_on < $today")
            .bind(("today", today.to_string()))
            .await?
            .take(0)?;
        let regions = self.regions_of(codes.clone(), scope).await?;
        Ok(codes.iter().filter(|c| regions.contains_key(*c)).count() as u64)
    }

    /// The whole file with its personal values unmasked, for the person's
    /// own copy.
    pub async fn customer_in_full(
        &self,
        code: &ArchiveCode,
    ) -> Result<Option<Customer>, StoreError> {
        let Some(full) = self.stored_file(code).await? else {
            return Ok(None);
        };
        let Some(mut customer) = self.customer(code).await? else {
            return Ok(None);
        };
        customer.details = full.details;
        Ok(Some(customer))
    }

    /// Whether the person of the file `code` has an open request to have it
    /// deleted.
    pub async fn deletion_requested(&self, code: &ArchiveCode) -> Result<bool, StoreError> {
        let open: Option<i64> = self
            .db
            .query(
                "RETURN array::len((SELECT VALUE id FROM person_request \
                 WHERE customer = $code AND kind = 'deletion' AND status = 'open'))",
            )
            .bind(("code", code.to_string()))
            .await?
            .take(0)?;
        Ok(open.unwrap_or(0) > 0)
    }
}

fn open_row(
    key: &DataKey,
    code: &ArchiveCode,
    row: RequestRow,
    today: Date,
) -> Result<PersonRequest, StoreError> {
    let sealed = |field: &'static str, label: String, text: &str| -> Result<String, StoreError> {
        if text.is_empty() {
            return Ok(String::new());
        }
        key.open(code.as_str(), &label, text)
            .map_err(|source| StoreError::Sealed {
                code: code.to_string(),
                field,
                source,
            })
    };
    let content: Content =
        serde_json::from_str(&sealed("request", label(&row.id), &row.content_sealed)?)
            .map_err(|_| StoreError::Corrupt(format!("request {}", row.id)))?;
    let answer = sealed("request answer", answer_label(&row.id), &row.answer_sealed)?;
    let corrupt = || StoreError::Corrupt(format!("request {}", row.id));
    let status = RequestStatus::from_key(&row.status).ok_or_else(corrupt)?;
    Ok(PersonRequest {
        overdue: status == RequestStatus::Open && row.due_on < today.to_string(),
        kind: RequestKind::from_key(&row.kind).ok_or_else(corrupt)?,
        channel: Channel::from_key(&row.channel).ok_or_else(corrupt)?,
        requester: content.requester,
        identity_check: content.identity_check,
        details: content.details,
        status,
        answer,
        id: row.id,
        code: row.customer,
        received_on: row.received_on,
        due_on: row.due_on,
        answered_by: row.answered_by,
        answered_on: row.answered_on,
        recorded_by: row.recorded_by,
    })
}
