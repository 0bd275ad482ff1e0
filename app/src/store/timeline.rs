//! The relationship timeline in the database: entries and their steps,
//! sealed under the file's data key, never removed.

use std::collections::HashMap;

use argon2::password_hash::rand_core::{OsRng, RngCore};
use surrealdb::types::{Datetime, SurrealValue};
use time::Date;

use super::upkeep::STALE;
use super::{AuditEntry, Store, StoreError};
use crate::domain::timeline::{
    CheckedEntry, EntryContent, EntryKind, EntryStatus, EntryStep, StepAction, TaskRow,
    TimelineEntry,
};
use crate::domain::upkeep::{Dueness, parse_day};
use crate::domain::{ArchiveCode, RegionScope, time_fmt};
use crate::secure::vault::DataKey;

/// What became of a change to an entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryOutcome {
    /// Saved; the entry is now at this version.
    Saved,
    /// Someone changed the entry since it was read.
    Stale,
    /// No such entry, or its file has no key any more.
    Gone,
}

#[derive(SurrealValue)]
struct EntryRow {
    id: String,
    customer: String,
    kind: String,
    status: String,
    owner: String,
    due: String,
    content_sealed: String,
    version: i64,
}

#[derive(SurrealValue)]
struct StepRow {
    entry: String,
    at: Datetime,
    by: String,
    step_sealed: String,
}

#[derive(SurrealValue)]
struct NameRow {
    code: String,
    name: String,
    region: String,
}

/// What a step seals: its action and its note.
#[derive(serde::Serialize, serde::Deserialize)]
struct SealedStep {
    action: StepAction,
    note: String,
}

const ENTRY_COLUMNS: &str =
    "record::id(id) AS id, customer, kind, status, owner, due, content_sealed, version";

const ADD_STEP: &str = "CREATE timeline_step SET entry = $key, customer = $code, by = $actor, \
     step_sealed = $step RETURN NONE";

fn content_label(key: &str) -> String {
    format!("timeline/{key}")
}

fn step_label(key: &str) -> String {
    format!("timeline/{key}/step")
}

/// A fresh entry key: 80 random bits in hex.
fn new_key() -> String {
    let mut bytes = [0u8; 10];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An entry key as it may come back from a browser: hex only.
fn valid_key(key: &str) -> bool {
    key.len() == 20 && key.chars().all(|c| c.is_ascii_hexdigit())
}

impl Store {
    /// Adds an entry to the timeline of `code` with its first step; `None`
    /// when the file has no data key (destroyed).
    pub async fn add_timeline_entry(
        &self,
        code: &ArchiveCode,
        entry: &CheckedEntry,
        actor: &str,
        audit: &AuditEntry,
    ) -> Result<Option<String>, StoreError> {
        let Some(key) = self.file_key(code).await? else {
            return Ok(None);
        };
        let entry_key = new_key();
        let content = seal_json(&key, code, &content_label(&entry_key), &entry.content);
        let step = seal_json(
            &key,
            code,
            &step_label(&entry_key),
            &SealedStep {
                action: StepAction::Created,
                note: String::new(),
            },
        );
        let audit = AuditEntry {
            details: serde_json::json!({
                "entry": entry_key, "kind": entry.kind.key(), "step": "created",
            }),
            ..audit.clone()
        };
        self.audited(
            &format!(
                "CREATE ONLY type::record('timeline_entry', $key) SET customer = $code, \
                 kind = $kind, status = $status, owner = $owner, due = $due, \
                 content_sealed = $content, created_by = $actor RETURN NONE;
                 {ADD_STEP}"
            ),
            &audit,
            |q| {
                q.bind(("key", entry_key.clone()))
                    .bind(("code", code.to_string()))
                    .bind(("kind", entry.kind.key()))
                    .bind(("status", entry.kind.first_status().key()))
                    .bind(("owner", entry.owner.clone()))
                    .bind(("due", entry.due.clone()))
                    .bind(("content", content.clone()))
                    .bind(("actor", actor.to_string()))
                    .bind(("step", step.clone()))
            },
        )
        .await?;
        Ok(Some(entry_key))
    }

    /// The timeline of a file, newest entry first, each with its steps.
    pub async fn timeline(&self, code: &ArchiveCode) -> Result<Vec<TimelineEntry>, StoreError> {
        let mut response = self
            .db
            .query(format!(
                "SELECT {ENTRY_COLUMNS}, created_at FROM timeline_entry WHERE customer = $code \
                     ORDER BY created_at DESC;
                 SELECT entry, at, by, step_sealed FROM timeline_step WHERE customer = $code \
                     ORDER BY at;"
            ))
            .bind(("code", code.to_string()))
            .await?;
        let rows: Vec<EntryRow> = response.take(0)?;
        let steps: Vec<StepRow> = response.take(1)?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let Some(key) = self.file_key(code).await? else {
            return Ok(Vec::new());
        };
        let mut steps_of: HashMap<String, Vec<StepRow>> = HashMap::new();
        for step in steps {
            steps_of.entry(step.entry.clone()).or_default().push(step);
        }
        rows.into_iter()
            .map(|row| {
                let steps = steps_of.remove(&row.id).unwrap_or_default();
                open_entry(&key, code, row, steps)
            })
            .collect()
    }

    /// One entry and its steps, by its key.
    pub async fn timeline_entry(
        &self,
        entry_key: &str,
    ) -> Result<Option<TimelineEntry>, StoreError> {
        if !valid_key(entry_key) {
            return Ok(None);
        }
        let mut response = self
            .db
            .query(format!(
                "SELECT {ENTRY_COLUMNS} FROM ONLY type::record('timeline_entry', $key);
                 SELECT entry, at, by, step_sealed FROM timeline_step WHERE entry = $key \
                     ORDER BY at;"
            ))
            .bind(("key", entry_key.to_string()))
            .await?;
        let row: Option<EntryRow> = response.take(0)?;
        let steps: Vec<StepRow> = response.take(1)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let code = ArchiveCode::parse(&self.scheme, &row.customer)
            .ok()
            .ok_or_else(|| StoreError::Corrupt(row.customer.clone()))?;
        let Some(key) = self.file_key(&code).await? else {
            return Ok(None);
        };
        open_entry(&key, &code, row, steps).map(Some)
    }

    /// Replaces what an entry says, its owner and due date, keeping what it
    /// said before in the step; refused as stale when the entry changed
    /// since `expected_version`.
    pub async fn correct_timeline_entry(
        &self,
        entry: &TimelineEntry,
        expected_version: i64,
        corrected: &CheckedEntry,
        (actor, note): (&str, &str),
        audit: &AuditEntry,
    ) -> Result<EntryOutcome, StoreError> {
        let action = StepAction::Corrected {
            previous: Box::new(entry.content.clone()),
            owner: entry.owner.clone(),
            due: entry.due.clone(),
        };
        self.step(
            entry,
            expected_version,
            (action, note, actor),
            "content_sealed = $content, owner = $owner, due = $due",
            Some(corrected),
            audit,
        )
        .await
    }

    /// Moves an entry to another status with a step that says why.
    pub async fn move_timeline_entry(
        &self,
        entry: &TimelineEntry,
        expected_version: i64,
        to: EntryStatus,
        (actor, note): (&str, &str),
        audit: &AuditEntry,
    ) -> Result<EntryOutcome, StoreError> {
        self.step(
            entry,
            expected_version,
            (StepAction::Moved(to), note, actor),
            "status = $status",
            None,
            audit,
        )
        .await
    }

    async fn step(
        &self,
        entry: &TimelineEntry,
        expected_version: i64,
        (action, note, actor): (StepAction, &str, &str),
        assignments: &str,
        corrected: Option<&CheckedEntry>,
        audit: &AuditEntry,
    ) -> Result<EntryOutcome, StoreError> {
        let code = ArchiveCode::parse(&self.scheme, &entry.code)
            .ok()
            .ok_or_else(|| StoreError::Corrupt(entry.code.clone()))?;
        let Some(key) = self.file_key(&code).await? else {
            return Ok(EntryOutcome::Gone);
        };
        let status = match &action {
            StepAction::Moved(to) => to.key(),
            _ => entry.status.key(),
        };
        let step_name = match &action {
            StepAction::Created => "created".to_string(),
            StepAction::Corrected { .. } => "corrected".to_string(),
            StepAction::Moved(to) => to.key().to_string(),
        };
        let step = seal_json(
            &key,
            &code,
            &step_label(&entry.id),
            &SealedStep {
                action,
                note: note.to_string(),
            },
        );
        let content = corrected
            .map(|c| seal_json(&key, &code, &content_label(&entry.id), &c.content))
            .unwrap_or_default();
        let audit = AuditEntry {
            details: serde_json::json!({
                "entry": entry.id, "kind": entry.kind.key(), "step": step_name,
            }),
            ..audit.clone()
        };
        let script = format!(
            "LET $changed = (UPDATE ONLY type::record('timeline_entry', $key) SET {assignments}, \
                 version = version + 1 WHERE version = $expected RETURN VALUE version);
             IF $changed = NONE {{ THROW '{STALE}' }};
             {ADD_STEP}"
        );
        let outcome = self
            .audited(&script, &audit, |q| {
                q.bind(("key", entry.id.clone()))
                    .bind(("code", entry.code.clone()))
                    .bind(("expected", expected_version))
                    .bind(("status", status))
                    .bind(("content", content.clone()))
                    .bind((
                        "owner",
                        corrected.map(|c| c.owner.clone()).unwrap_or_default(),
                    ))
                    .bind(("due", corrected.map(|c| c.due.clone()).unwrap_or_default()))
                    .bind(("actor", actor.to_string()))
                    .bind(("step", step.clone()))
            })
            .await;
        match outcome {
            Ok(_) => Ok(EntryOutcome::Saved),
            Err(error) if error.is_thrown(STALE) => Ok(EntryOutcome::Stale),
            Err(error) => Err(error),
        }
    }

    /// Open issues and follow-ups owned by `owner` in files of `scope`,
    /// soonest due first (those without a date last).
    pub async fn tasks_of(
        &self,
        owner: &str,
        scope: &RegionScope,
        today: Date,
    ) -> Result<Vec<TaskRow>, StoreError> {
        let rows: Vec<EntryRow> = self
            .db
            .query(format!(
                "SELECT {ENTRY_COLUMNS} FROM timeline_entry WHERE owner = $owner \
                 AND status != 'closed' AND kind IN ['issue', 'follow_up']"
            ))
            .bind(("owner", owner.to_string()))
            .await?
            .take(0)?;
        let codes: Vec<String> = rows.iter().map(|r| r.customer.clone()).collect();
        let names: Vec<NameRow> = self
            .db
            .query("SELECT code, name, region FROM customer WHERE code IN $codes")
            .bind(("codes", codes))
            .await?
            .take(0)?;
        let names: HashMap<String, NameRow> =
            names.into_iter().map(|n| (n.code.clone(), n)).collect();
        let mut keys: HashMap<String, Option<DataKey>> = HashMap::new();
        let mut tasks = Vec::new();
        for row in rows {
            let Some(file) = names.get(&row.customer) else {
                continue;
            };
            if !scope.contains(&file.region) {
                continue;
            }
            let code = ArchiveCode::parse(&self.scheme, &row.customer)
                .ok()
                .ok_or_else(|| StoreError::Corrupt(row.customer.clone()))?;
            if !keys.contains_key(&row.customer) {
                keys.insert(row.customer.clone(), self.file_key(&code).await?);
            }
            let Some(Some(key)) = keys.get(&row.customer) else {
                continue;
            };
            let content: EntryContent =
                open_json(key, &code, &content_label(&row.id), &row.content_sealed)?;
            let corrupt = || StoreError::Corrupt(format!("timeline entry {}", row.id));
            tasks.push(TaskRow {
                code: row.customer.clone(),
                customer_name: file.name.clone(),
                kind: EntryKind::from_key(&row.kind).ok_or_else(corrupt)?,
                status: EntryStatus::from_key(&row.status).ok_or_else(corrupt)?,
                title: content.title,
                dueness: parse_day(&row.due).map(|due| Dueness::of(due, today)),
                due: row.due,
                id: row.id,
            });
        }
        tasks.sort_by(|a, b| {
            (a.due.is_empty(), &a.due, &a.code).cmp(&(b.due.is_empty(), &b.due, &b.code))
        });
        Ok(tasks)
    }

    /// Open issues whose due date has passed, as (file, owner) pairs.
    pub(super) async fn issues_past_due(
        &self,
        today: Date,
    ) -> Result<Vec<(String, String)>, StoreError> {
        #[derive(SurrealValue)]
        struct Row {
            customer: String,
            owner: String,
        }
        let rows: Vec<Row> = self
            .db
            .query(
                "SELECT customer, owner FROM timeline_entry WHERE kind = 'issue' \
                 AND status != 'closed' AND due != '' AND due < $today",
            )
            .bind(("today", today.to_string()))
            .await?
            .take(0)?;
        Ok(rows.into_iter().map(|r| (r.customer, r.owner)).collect())
    }
}

fn seal_json<T: serde::Serialize>(
    key: &DataKey,
    code: &ArchiveCode,
    label: &str,
    value: &T,
) -> String {
    let json = serde_json::to_string(value).unwrap_or_default();
    key.seal(code.as_str(), label, &json)
}

fn open_json<T: serde::de::DeserializeOwned>(
    key: &DataKey,
    code: &ArchiveCode,
    label: &str,
    sealed: &str,
) -> Result<T, StoreError> {
    let json = key
        .open(code.as_str(), label, sealed)
        .map_err(|source| StoreError::Sealed {
            code: code.to_string(),
            field: "timeline",
            source,
        })?;
    serde_json::from_str(&json).map_err(|_| StoreError::Corrupt(code.to_string()))
}

fn open_entry(
    key: &DataKey,
    code: &ArchiveCode,
    row: EntryRow,
    steps: Vec<StepRow>,
) -> Result<TimelineEntry, StoreError> {
    let corrupt = || StoreError::Corrupt(format!("timeline entry {}", row.id));
    let steps = steps
        .into_iter()
        .map(|step| {
            let sealed: SealedStep = open_json(key, code, &step_label(&row.id), &step.step_sealed)?;
            Ok(EntryStep {
                at: time_fmt::format_minute_cst(step.at.timestamp_millis()),
                by: step.by,
                action: sealed.action,
                note: sealed.note,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok(TimelineEntry {
        content: open_json(key, code, &content_label(&row.id), &row.content_sealed)?,
        kind: EntryKind::from_key(&row.kind).ok_or_else(corrupt)?,
        status: EntryStatus::from_key(&row.status).ok_or_else(corrupt)?,
        code: row.customer,
        owner: row.owner,
        due: row.due,
        version: row.version,
        steps,
        id: row.id,
    })
}
