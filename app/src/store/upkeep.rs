//! The verification cycle in the database: the cycle of each group, the
//! files due, and the record each verification leaves.

use surrealdb::types::{Datetime, RecordId, SurrealValue};
use time::Date;

use super::customers::scope_condition;
use super::{AuditEntry, Store, StoreError};
use crate::domain::upkeep::{
    DUE_SOON_DAYS, DueCounts, DueFile, Dueness, VerificationCycles, VerificationOutcome,
    VerificationRecord, VerificationState, parse_day,
};
use crate::domain::{ArchiveCode, CustomerGroup, RegionScope, region, time_fmt};

/// Thrown by a script whose file moved on (another version, or no longer
/// active) since the caller read it.
pub(super) const STALE: &str = "stale_version";

/// What a verification writes, besides any correction of the file.
#[derive(Clone, Debug)]
pub struct VerificationWrite {
    pub actor: String,
    pub outcome: VerificationOutcome,
    /// Names of the facts corrected (empty unless corrected).
    pub fields: Vec<String>,
    pub note: String,
    /// `YYYY-MM-DD`.
    pub next_due: String,
    /// `YYYY-MM-DD` when the relationship ended with this verification:
    /// the file turns inactive and leaves the cycle.
    pub ended: Option<String>,
}

/// Which due files to list.
#[derive(Clone, Debug, Default)]
pub struct DueFilter {
    /// A region code prefix (province, city or county), or empty.
    pub region_prefix: String,
    pub group: Option<CustomerGroup>,
}

/// The statements that record a verification, inside a transaction that
/// binds `$code`, `$id`, `$actor`, `$outcome`, `$fields`, `$note`,
/// `$next_due`, `$next_verification`, `$status`, `$ended` and `$expected`
/// (the version the verification saw, after any correction).
pub(super) const RECORD_VERIFICATION: &str = "
    LET $verified = (UPDATE ONLY $id SET last_verified_at = time::now(),
        last_verified_by = $actor, next_verification = $next_verification,
        status = $status, relationship_ended = $ended
        WHERE version = $expected AND status = 'active' RETURN VALUE code);
    IF $verified = NONE { THROW 'stale_version' };
    CREATE verification SET customer = $code, by = $actor, outcome = $outcome,
        fields = $fields, note_sealed = $note, next_due = $next_due RETURN NONE;
";

#[derive(SurrealValue)]
struct CycleRow {
    group: String,
    months: i64,
}

#[derive(SurrealValue)]
struct DueRow {
    code: String,
    name: String,
    customer_group: String,
    region: String,
    next_verification: String,
    last_verified_at: Option<Datetime>,
    last_verified_by: String,
}

#[derive(SurrealValue)]
struct VerificationRow {
    at: Datetime,
    by: String,
    outcome: String,
    fields: Vec<String>,
    note_sealed: String,
    next_due: String,
}

#[derive(SurrealValue)]
struct CountRow {
    count: i64,
}

impl VerificationWrite {
    /// Binds the values [`RECORD_VERIFICATION`] reads.
    pub(super) fn bind<'q>(
        &self,
        query: surrealdb::method::Query<'q, surrealdb::engine::any::Any>,
        code: &str,
        expected: i64,
        sealed_note: String,
    ) -> surrealdb::method::Query<'q, surrealdb::engine::any::Any> {
        let (status, next_verification, ended) = match &self.ended {
            Some(day) => ("inactive", String::new(), day.clone()),
            None => ("active", self.next_due.clone(), String::new()),
        };
        query
            .bind(("code", code.to_string()))
            .bind(("id", RecordId::new("customer", code)))
            .bind(("actor", self.actor.clone()))
            .bind(("outcome", self.outcome.key()))
            .bind(("fields", self.fields.clone()))
            .bind(("note", sealed_note))
            .bind(("next_due", self.next_due.clone()))
            .bind(("next_verification", next_verification))
            .bind(("status", status))
            .bind(("ended", ended))
            .bind(("expected", expected))
    }
}

impl Store {
    /// How often each group's files are verified.
    pub async fn verification_cycles(&self) -> Result<VerificationCycles, StoreError> {
        let rows: Vec<CycleRow> = self
            .db
            .query("SELECT record::id(id) AS group, months FROM verification_cycle")
            .await?
            .take(0)?;
        let mut cycles = VerificationCycles::default();
        for row in rows {
            if let (Some(group), Ok(months)) = (
                CustomerGroup::from_key(&row.group),
                u8::try_from(row.months),
            ) {
                cycles.set(group, months);
            }
        }
        Ok(cycles)
    }

    /// Sets the cycle of one group. It applies from each file's next
    /// verification (or intake); dates already set stay.
    pub async fn save_verification_cycle(
        &self,
        group: CustomerGroup,
        months: u8,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        self.audited(
            "UPSERT ONLY type::record('verification_cycle', $group) SET months = $months \
             RETURN NONE",
            audit,
            |q| {
                q.bind(("group", group.key()))
                    .bind(("months", i64::from(months)))
            },
        )
        .await
        .map(drop)
    }

    /// Records a verification that changed nothing in the file (confirmed,
    /// or nobody reached), with its event. `Ok(false)` when the file moved
    /// on since `expected_version` or is no longer active.
    pub async fn record_verification(
        &self,
        code: &ArchiveCode,
        expected_version: i64,
        write: &VerificationWrite,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let Some(key) = self.file_key(code).await? else {
            return Ok(false);
        };
        let sealed = self.seal_note(&key, code, &write.note);
        let outcome = self
            .audited(RECORD_VERIFICATION, audit, |q| {
                write.bind(q, code.as_str(), expected_version, sealed.clone())
            })
            .await;
        match outcome {
            Ok(_) => Ok(true),
            Err(error) if error.is_thrown(STALE) => Ok(false),
            Err(error) => Err(error),
        }
    }

    /// Seals a verification note under the file's key (empty stays empty).
    pub(super) fn seal_note(
        &self,
        key: &crate::secure::vault::DataKey,
        code: &ArchiveCode,
        note: &str,
    ) -> String {
        if note.is_empty() {
            String::new()
        } else {
            key.seal(code.as_str(), "verification", note)
        }
    }

    /// Active files of `scope` due within the fortnight or overdue, oldest
    /// date first; the counts of the whole scope (not only the filter), and
    /// how many match the filter.
    pub async fn due_files(
        &self,
        scope: &RegionScope,
        filter: &DueFilter,
        today: Date,
        offset: u64,
        limit: u64,
    ) -> Result<(DueCounts, u64, Vec<DueFile>), StoreError> {
        let (scope_match, scope_values) = scope_condition(scope);
        let mut conditions = vec![
            "status = 'active'".to_string(),
            "next_verification != ''".to_string(),
            "next_verification <= $soon".to_string(),
            scope_match.clone(),
        ];
        if !filter.region_prefix.is_empty() {
            conditions.push("string::starts_with(region, $region_prefix)".to_string());
        }
        if filter.group.is_some() {
            conditions.push("customer_group = $group".to_string());
        }
        let condition = conditions.join(" AND ");
        let base = format!("status = 'active' AND next_verification != '' AND {scope_match}");
        let mut query = self.db.query(format!(
            "SELECT count() FROM customer WHERE {base} AND next_verification < $today GROUP ALL;
             SELECT count() FROM customer WHERE {base} AND next_verification >= $today \
                 AND next_verification <= $soon GROUP ALL;
             SELECT count() FROM customer WHERE {condition} GROUP ALL;
             SELECT code, name, customer_group, region, next_verification, last_verified_at, \
                 last_verified_by FROM customer WHERE {condition} \
                 ORDER BY next_verification, code LIMIT $limit START $offset;"
        ));
        for value in scope_values {
            query = query.bind(value);
        }
        let soon = today + time::Duration::days(DUE_SOON_DAYS);
        let mut response = query
            .bind(("today", today.to_string()))
            .bind(("soon", soon.to_string()))
            .bind(("region_prefix", filter.region_prefix.clone()))
            .bind(("group", filter.group.map(|g| g.key()).unwrap_or_default()))
            .bind(("limit", i64::try_from(limit).unwrap_or(i64::MAX)))
            .bind(("offset", i64::try_from(offset).unwrap_or(i64::MAX)))
            .await?;
        let count = |row: Option<CountRow>| row.map_or(0, |c| u64::try_from(c.count).unwrap_or(0));
        let overdue = count(response.take(0)?);
        let soon_count = count(response.take(1)?);
        let total = count(response.take(2)?);
        let rows: Vec<DueRow> = response.take(3)?;
        let files = rows
            .into_iter()
            .map(|row| {
                let due = parse_day(&row.next_verification)
                    .ok_or_else(|| StoreError::Corrupt(row.code.clone()))?;
                let group = CustomerGroup::from_key(&row.customer_group)
                    .ok_or_else(|| StoreError::Corrupt(row.code.clone()))?;
                let last_verified = row
                    .last_verified_at
                    .map(|at| {
                        format!(
                            "{} · {}",
                            time_fmt::format_minute_cst(at.timestamp_millis()),
                            row.last_verified_by
                        )
                    })
                    .unwrap_or_default();
                Ok(DueFile {
                    region_name: region::full_name(&row.region),
                    code: row.code,
                    name: row.name,
                    group,
                    due: row.next_verification,
                    dueness: Dueness::of(due, today),
                    last_verified,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        let counts = DueCounts {
            overdue,
            soon: soon_count,
        };
        Ok((counts, total, files))
    }

    /// A file's next due date and its verifications, newest first.
    pub async fn verification_state(
        &self,
        code: &ArchiveCode,
        today: Date,
    ) -> Result<VerificationState, StoreError> {
        let mut response = self
            .db
            .query(
                "SELECT VALUE next_verification FROM ONLY $id;
                 SELECT at, by, outcome, fields, note_sealed, next_due FROM verification \
                     WHERE customer = $code ORDER BY at DESC;",
            )
            .bind(("id", RecordId::new("customer", code.as_str())))
            .bind(("code", code.to_string()))
            .await?;
        let next_due: Option<String> = response.take(0)?;
        let rows: Vec<VerificationRow> = response.take(1)?;
        let key = if rows.iter().any(|r| !r.note_sealed.is_empty()) {
            self.file_key(code).await?
        } else {
            None
        };
        let records = rows
            .into_iter()
            .map(|row| {
                let note = match (&key, row.note_sealed.is_empty()) {
                    (Some(key), false) => key
                        .open(code.as_str(), "verification", &row.note_sealed)
                        .map_err(|source| StoreError::Sealed {
                            code: code.to_string(),
                            field: "verification note",
                            source,
                        })?,
                    _ => String::new(),
                };
                Ok(VerificationRecord {
                    at: time_fmt::format_minute_cst(row.at.timestamp_millis()),
                    by: row.by,
                    outcome: VerificationOutcome::from_key(&row.outcome)
                        .ok_or_else(|| StoreError::Corrupt(code.to_string()))?,
                    changed: row.fields,
                    note,
                    next_due: row.next_due,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        let next_due = next_due.unwrap_or_default();
        Ok(VerificationState {
            dueness: parse_day(&next_due).map(|due| Dueness::of(due, today)),
            next_due,
            records,
        })
    }

    /// Brings an inactive file back into the cycle, due on `day`, or (with
    /// `active` false) ends the relationship on `day`, taking the file out
    /// of the cycle; either as a new version with its history entry.
    /// `Ok(false)` when the file moved on since `expected_version` or is not
    /// in the opposite state.
    pub async fn set_relationship(
        &self,
        code: &ArchiveCode,
        expected_version: i64,
        active: bool,
        (actor, reason, day): (&str, &str, &str),
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        use crate::domain::CustomerStatus::{Active, Inactive};
        use crate::domain::history::FieldChange;

        let Some(key) = self.file_key(code).await? else {
            return Ok(false);
        };
        let (from, to) = if active {
            (Inactive, Active)
        } else {
            (Active, Inactive)
        };
        let version = expected_version + 1;
        let changes = serde_json::to_string(&[FieldChange {
            field: "status".to_string(),
            label: "档案状态".to_string(),
            before: from.label().to_string(),
            after: to.label().to_string(),
        }])
        .unwrap_or_default();
        let sealed = key.seal(code.as_str(), &format!("change/{version}"), &changes);
        let (next, ended) = if active { (day, "") } else { ("", day) };
        let outcome = self
            .audited(
                "LET $changed = (UPDATE ONLY $id SET status = $to, relationship_ended = $ended, \
                     next_verification = $next, version = $version, updated_at = time::now(), \
                     updated_by = $actor WHERE version = $expected AND status = $from \
                     RETURN VALUE version);
                 IF $changed = NONE { THROW 'stale_version' };
                 CREATE customer_change SET customer = $code, version = $version, by = $actor, \
                     fields = ['status'], reason = $reason, changes_sealed = $changes RETURN NONE",
                audit,
                |q| {
                    q.bind(("id", RecordId::new("customer", code.as_str())))
                        .bind(("code", code.to_string()))
                        .bind(("from", from.key()))
                        .bind(("to", to.key()))
                        .bind(("next", next.to_string()))
                        .bind(("ended", ended.to_string()))
                        .bind(("version", version))
                        .bind(("expected", expected_version))
                        .bind(("actor", actor.to_string()))
                        .bind(("reason", reason.to_string()))
                        .bind(("changes", sealed.clone()))
                },
            )
            .await;
        match outcome {
            Ok(_) => Ok(true),
            Err(error) if error.is_thrown(STALE) => Ok(false),
            Err(error) => Err(error),
        }
    }
}
