//! Customer files and their archive serials.

use std::time::Duration;

use surrealdb::engine::any::Any;
use surrealdb::method::Transaction;
use surrealdb::types::{Datetime, QueryError, RecordId, SurrealValue};

use super::audit::append_in;
use super::consent::{bind_consents, consent_writes};
use super::upkeep::{RECORD_VERIFICATION, VerificationWrite};
use super::{AuditEntry, Store, StoreError};
use crate::domain::SensitiveField;
use crate::domain::consent::CheckedConsent;
use crate::domain::customer::names_alike;
use crate::domain::history::{ChangeEntry, FieldChange};
use crate::domain::profile::{
    Asset, AssetKind, CooperationType, Credit, CreditRating, HouseholdMember, PaperLocation,
    Parcel, Tenure,
};
use crate::domain::{
    ArchiveCode, AreaMu, CheckedFile, Customer, CustomerDetails, CustomerGroup, CustomerStatus,
    DuplicateCandidate, DuplicateReason, IdKind, RegionScope, time_fmt,
};
use crate::domain::{region, township, upkeep};
use crate::secure::vault::DataKey;

/// Intakes and edits take turns with the other writers of the audit trail,
/// so a conflict can only come from a write outside those turns (search keys
/// written at start-up); such a transaction is retried this many times.
const MAX_ATTEMPTS: u32 = 40;

/// What became of an edit.
#[derive(Clone, Debug, PartialEq)]
pub enum UpdateOutcome {
    /// Saved as this version.
    Saved(i64),
    /// The file is at another version than the edit started from.
    Conflict,
    /// There is no such file (any more).
    Gone,
}

/// A file's details in full, as stored, and the version they belong to.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredFile {
    pub details: CustomerDetails,
    pub version: i64,
    pub status: CustomerStatus,
}

/// A saved edit: the checked file, who saved it, why, and what changed.
pub struct Edit<'a> {
    pub file: &'a CheckedFile,
    pub expected_version: i64,
    pub actor: &'a str,
    pub reason: &'a str,
    pub changes: &'a [FieldChange],
    /// `YYYY-MM-DD`, for the date of a new credit rating.
    pub today: &'a str,
    /// The event that records the edit.
    pub audit: &'a AuditEntry,
    /// The verification this edit corrects the file in, if any: recorded in
    /// the same transaction.
    pub verification: Option<&'a VerificationWrite>,
}

#[derive(Clone, SurrealValue)]
struct ParcelRow {
    location: String,
    area_hundredths: i64,
    crop: String,
    tenure: String,
}

#[derive(Clone, SurrealValue)]
struct AssetRow {
    kind: String,
    description: String,
    quantity: i64,
    unit: String,
}

/// Every stored field of a file that a save writes.
#[derive(Clone, SurrealValue)]
struct FileRow {
    code: String,
    created_by: String,
    customer_group: String,
    name: String,
    phone_sealed: String,
    phone_index: String,
    extra_phones_sealed: String,
    extra_phone_indexes: Vec<String>,
    id_kind: String,
    id_number_sealed: String,
    id_number_index: String,
    legal_representative: String,
    contact_person: String,
    region: String,
    township: String,
    address: String,
    land_area_hundredths: i64,
    household_sealed: String,
    parcels: Vec<ParcelRow>,
    assets: Vec<AssetRow>,
    cooperation: Vec<String>,
    credit_rating: String,
    credit_reason: String,
    credit_date: String,
    credit_set_by: String,
    tags: Vec<String>,
    notes: String,
    paper_cabinet: String,
    paper_shelf: String,
    paper_box: String,
    updated_by: String,
}

#[derive(SurrealValue)]
struct CustomerRow {
    code: String,
    customer_group: String,
    name: String,
    phone_sealed: String,
    extra_phones_sealed: String,
    id_kind: String,
    id_number_sealed: String,
    legal_representative: String,
    contact_person: String,
    region: String,
    township: String,
    address: String,
    land_area_hundredths: i64,
    household_sealed: String,
    parcels: Vec<ParcelRow>,
    assets: Vec<AssetRow>,
    cooperation: Vec<String>,
    credit_rating: String,
    credit_reason: String,
    credit_date: String,
    credit_set_by: String,
    tags: Vec<String>,
    notes: String,
    paper_cabinet: String,
    paper_shelf: String,
    paper_box: String,
    status: String,
    version: i64,
    key_id: String,
    created_at: Datetime,
    created_by: String,
    updated_at: Datetime,
    updated_by: String,
}

const CUSTOMER_COLUMNS: &str = "code, customer_group, name, phone_sealed, extra_phones_sealed, \
     id_kind, id_number_sealed, legal_representative, contact_person, region, township, address, \
     land_area_hundredths, household_sealed, parcels, assets, cooperation, credit_rating, \
     credit_reason, credit_date, credit_set_by, tags, notes, paper_cabinet, paper_shelf, \
     paper_box, status, version, key_id, created_at, created_by, updated_at, updated_by";

#[derive(SurrealValue)]
struct ChangeRow {
    version: i64,
    at: Datetime,
    by: String,
    reason: String,
    changes_sealed: String,
}

#[derive(SurrealValue)]
struct CooperationRow {
    key: String,
    label: String,
    active: bool,
}

#[derive(SurrealValue)]
struct DuplicateRow {
    code: String,
    name: String,
    region: String,
    township: String,
    id_number_index: String,
    phone_index: String,
    extra_phone_indexes: Vec<String>,
    status: String,
}

const DUPLICATE_FIELDS: &str =
    "code, name, region, township, id_number_index, phone_index, extra_phone_indexes, status";

/// At most this many possible duplicates are shown at intake.
const DUPLICATES_SHOWN: usize = 50;

/// The associated-data label of a sealed history entry.
fn change_field(version: i64) -> String {
    format!("change/{version}")
}

impl Store {
    /// Files a new customer under the next serial of its group and region,
    /// with the first entry of its history.
    ///
    /// The serial is taken and the file written in one transaction: either
    /// both happen or neither, so serials have no gaps and are never shared.
    /// Writers of the audit trail take turns (see `Store::write_turn`); a
    /// conflict with any other writer is retried after a short pause.
    pub async fn create_customer(
        &self,
        file: &CheckedFile,
        consent: Option<&CheckedConsent>,
        actor: &str,
        today: &str,
        audit: &AuditEntry,
    ) -> Result<ArchiveCode, StoreError> {
        let counter_key = self.scheme.counter_key(file.group, &file.region);
        let cycles = self.verification_cycles().await?;
        let due = upkeep::parse_day(today)
            .map(|day| upkeep::add_months(day, cycles.of(file.group)).to_string())
            .unwrap_or_default();
        for attempt in 0..MAX_ATTEMPTS {
            let turn = self.write_turn().await;
            let tx = self.db.clone().begin().await?;
            let outcome = self
                .insert_in(
                    &tx,
                    (file, consent),
                    &counter_key,
                    (actor, today, &due),
                    audit,
                )
                .await;
            let outcome = finish(tx, outcome).await;
            drop(turn);
            match outcome {
                Ok(code) => return Ok(code),
                Err(error) if is_conflict(&error) => {
                    tracing::debug!(archive.counter = %counter_key, attempt, "serial contended");
                    tokio::time::sleep(backoff(attempt)).await;
                }
                Err(error) => return Err(unique_or(error)),
            }
        }
        Err(StoreError::Contention(counter_key))
    }

    async fn insert_in(
        &self,
        tx: &Transaction<Any>,
        (file, consent): (&CheckedFile, Option<&CheckedConsent>),
        counter_key: &str,
        (actor, today, due): (&str, &str, &str),
        audit: &AuditEntry,
    ) -> Result<ArchiveCode, surrealdb::Error> {
        let serial: Option<i64> = tx
            .query("UPSERT ONLY $counter SET last = (last ?? 0) + 1 RETURN VALUE last")
            .bind(("counter", RecordId::new("archive_serial", counter_key)))
            .await?
            .take(0)?;
        let serial = serial.and_then(|s| u64::try_from(s).ok()).unwrap_or(1);
        let code = ArchiveCode::new(&self.scheme, file.group, file.region.clone(), serial);

        let (key, wrapped_key) = self.vault.new_data_key(code.as_str());
        // The key is on disk before the file that needs it is committed; if
        // the transaction fails, the next start forgets the unused key.
        let key_ref = new_key_id();
        if let Err(error) = self.keyring.put(&key_ref, &wrapped_key) {
            tracing::error!(error = %error, "data key not stored");
            return Err(surrealdb::Error::internal(
                "the keyring could not be written".to_string(),
            ));
        }
        let credit = credit_on_save(&file.details.credit, None, actor, today);
        let row = self.file_row(code.as_str(), &key, &file.details, &credit, (actor, actor));
        let changes = key.seal(code.as_str(), &change_field(1), "[]");
        tx.query(
            "CREATE ONLY $id CONTENT $row RETURN NONE;
             UPDATE ONLY $id SET next_verification = $due, key_id = $key_ref RETURN NONE;
             CREATE customer_change SET customer = $code, version = 1, by = $actor, \
                 fields = [], reason = '新建档案', changes_sealed = $changes RETURN NONE;",
        )
        .bind(("id", customer_id(code.as_str())))
        .bind(("row", row))
        .bind(("code", code.to_string()))
        .bind(("actor", actor.to_string()))
        .bind(("key_ref", key_ref))
        .bind(("changes", changes))
        .bind(("due", due.to_string()))
        .await?
        .check()?;
        self.write_search_keys(tx, code.as_str(), &file.details)
            .await?;
        if let Some(consent) = consent {
            let (script, rows) = consent_writes(code.as_str(), &key, consent, actor);
            bind_consents(tx.query(script), &rows).await?.check()?;
        }
        let event = AuditEntry {
            target: code.to_string(),
            ..audit.clone()
        };
        append_in(tx, &event).await?;
        Ok(code)
    }

    /// Saves an edit if the file is still at the version the edit started
    /// from, together with its history entry, in one transaction.
    pub async fn update_customer(
        &self,
        code: &ArchiveCode,
        edit: &Edit<'_>,
    ) -> Result<UpdateOutcome, StoreError> {
        let Some((row, key)) = self.sealed_customer(code).await? else {
            return Ok(UpdateOutcome::Gone);
        };
        if row.version != edit.expected_version {
            return Ok(UpdateOutcome::Conflict);
        }
        let old_credit = credit_of(&row);
        let credit = credit_on_save(
            &edit.file.details.credit,
            Some(&old_credit),
            edit.actor,
            edit.today,
        );
        let file_row = self.file_row(
            code.as_str(),
            &key,
            &edit.file.details,
            &credit,
            (&row.created_by, edit.actor),
        );
        let version = edit.expected_version + 1;
        let changes = serde_json::to_string(edit.changes).unwrap_or_else(|_| "[]".to_string());
        let fields: Vec<String> = edit.changes.iter().map(|c| c.field.clone()).collect();

        for attempt in 0..MAX_ATTEMPTS {
            let turn = self.write_turn().await;
            let tx = self.db.clone().begin().await?;
            let saved = self
                .save_edit_in(
                    &tx,
                    code,
                    edit,
                    version,
                    &file_row,
                    &key,
                    (&changes, &fields),
                )
                .await;
            let saved = finish(tx, saved).await;
            drop(turn);
            match saved {
                Ok(Some(version)) => return Ok(UpdateOutcome::Saved(version)),
                Ok(None) => return Ok(UpdateOutcome::Conflict),
                // Another transaction touched the file or the audit trail at
                // the same moment; the version claim tells which on retry.
                Err(error) if is_conflict(&error) => {
                    tokio::time::sleep(backoff(attempt)).await;
                }
                Err(error) => return Err(unique_or(error)),
            }
        }
        Err(StoreError::Contention(code.to_string()))
    }

    /// The writes of one edit, inside `tx`: `None` when the file is no
    /// longer at the version the edit started from.
    #[allow(clippy::too_many_arguments, reason = "the parts of one edit")]
    async fn save_edit_in(
        &self,
        tx: &Transaction<Any>,
        code: &ArchiveCode,
        edit: &Edit<'_>,
        version: i64,
        file_row: &FileRow,
        key: &DataKey,
        (changes, fields): (&str, &[String]),
    ) -> Result<Option<i64>, surrealdb::Error> {
        // Claiming the next version first makes a concurrent save of the
        // same file conflict here, before anything else is written.
        let saved: Option<i64> = tx
            .query(
                "UPDATE ONLY $id SET version = $version, updated_at = time::now() \
                 WHERE version = $expected RETURN VALUE version",
            )
            .bind(("id", customer_id(code.as_str())))
            .bind(("version", version))
            .bind(("expected", edit.expected_version))
            .await?
            .take(0)?;
        if saved.is_none() {
            return Ok(None);
        }
        tx.query("UPDATE ONLY $id MERGE $row RETURN NONE")
            .bind(("id", customer_id(code.as_str())))
            .bind(("row", file_row.clone()))
            .await?
            .check()?;
        self.write_search_keys(tx, code.as_str(), &edit.file.details)
            .await?;
        tx.query(
            "CREATE customer_change SET customer = $code, version = $version, by = $actor, \
             fields = $fields, reason = $reason, changes_sealed = $changes RETURN NONE",
        )
        .bind(("code", code.to_string()))
        .bind(("version", version))
        .bind(("actor", edit.actor.to_string()))
        .bind(("fields", fields.to_vec()))
        .bind(("reason", edit.reason.to_string()))
        .bind((
            "changes",
            key.seal(code.as_str(), &change_field(version), changes),
        ))
        .await?
        .check()?;
        if let Some(write) = edit.verification {
            let note = self.seal_note(key, code, &write.note);
            write
                .bind(tx.query(RECORD_VERIFICATION), code.as_str(), version, note)
                .await?
                .check()?;
        }
        append_in(tx, edit.audit).await?;
        Ok(Some(version))
    }

    /// The stored row of a file's details, sealed under its data key.
    fn file_row(
        &self,
        code: &str,
        key: &DataKey,
        details: &CustomerDetails,
        credit: &Credit,
        (created_by, actor): (&str, &str),
    ) -> FileRow {
        let phone_index = |phone: &str| self.vault.blind_index(SensitiveField::Phone.key(), phone);
        let seal_list = |field: &str, json: String, empty: bool| {
            if empty {
                String::new()
            } else {
                key.seal(code, field, &json)
            }
        };
        FileRow {
            code: code.to_string(),
            created_by: created_by.to_string(),
            customer_group: details.group.key().to_string(),
            name: details.name.clone(),
            phone_sealed: key.seal(code, SensitiveField::Phone.key(), &details.phone),
            phone_index: phone_index(&details.phone),
            extra_phones_sealed: seal_list(
                EXTRA_PHONES,
                serde_json::to_string(&details.extra_phones).unwrap_or_default(),
                details.extra_phones.is_empty(),
            ),
            extra_phone_indexes: details
                .extra_phones
                .iter()
                .map(|p| phone_index(p))
                .collect(),
            id_kind: details.id_kind.key().to_string(),
            id_number_sealed: key.seal(code, SensitiveField::IdNumber.key(), &details.id_number),
            id_number_index: self
                .vault
                .blind_index(SensitiveField::IdNumber.key(), &details.id_number),
            legal_representative: details.legal_representative.clone(),
            contact_person: details.contact_person.clone(),
            region: details.region.clone(),
            township: details.township.clone(),
            address: details.address.clone(),
            land_area_hundredths: hundredths(details.land_area),
            household_sealed: seal_list(
                HOUSEHOLD,
                serde_json::to_string(&details.household).unwrap_or_default(),
                details.household.is_empty(),
            ),
            parcels: details
                .parcels
                .iter()
                .map(|p| ParcelRow {
                    location: p.location.clone(),
                    area_hundredths: hundredths(p.area),
                    crop: p.crop.clone(),
                    tenure: p.tenure.key().to_string(),
                })
                .collect(),
            assets: details
                .assets
                .iter()
                .map(|a| AssetRow {
                    kind: a.kind.key().to_string(),
                    description: a.description.clone(),
                    quantity: i64::from(a.quantity),
                    unit: a.unit.clone(),
                })
                .collect(),
            cooperation: details.cooperation.clone(),
            credit_rating: credit.rating.key().to_string(),
            credit_reason: credit.reason.clone(),
            credit_date: credit.date.clone(),
            credit_set_by: credit.set_by.clone(),
            tags: details.tags.clone(),
            notes: details.notes.clone(),
            paper_cabinet: details.paper.cabinet.clone(),
            paper_shelf: details.paper.shelf.clone(),
            paper_box: details.paper.r#box.clone(),
            updated_by: actor.to_string(),
        }
    }

    /// Files that may be the same customer as `details`: the same ID number
    /// or credit code, a shared phone, or a name one character apart in the
    /// same county. `except` leaves out the file being edited. Each comes
    /// with its region code, for the caller's scope.
    pub async fn find_duplicates(
        &self,
        details: &CustomerDetails,
        except: Option<&ArchiveCode>,
    ) -> Result<Vec<(DuplicateCandidate, String)>, StoreError> {
        let id_index = self
            .vault
            .blind_index(SensitiveField::IdNumber.key(), &details.id_number);
        let phone_indexes: Vec<String> = details
            .phones()
            .map(|p| self.vault.blind_index(SensitiveField::Phone.key(), p))
            .collect();
        let first_char: String = details.name.chars().take(1).collect();
        // One SELECT per reason, each along its own index (phones through
        // their search keys): a single WHERE joining them with OR, or a
        // CONTAINSANY on the list of extra phones, would read every file.
        let mut response = self
            .db
            .query(format!(
                "SELECT {DUPLICATE_FIELDS} FROM customer WHERE id_number_index = $id;
                 LET $sharing = SELECT VALUE file FROM search_key WHERE key IN $phone_keys;
                 SELECT {DUPLICATE_FIELDS} FROM $sharing;
                 SELECT {DUPLICATE_FIELDS} FROM customer \
                     WHERE region = $region AND string::starts_with(name, $first);"
            ))
            .bind(("id", id_index.clone()))
            .bind((
                "phone_keys",
                details
                    .phones()
                    .map(|p| self.phone_key(p))
                    .collect::<Vec<_>>(),
            ))
            .bind(("region", details.region.clone()))
            .bind(("first", first_char))
            .await?;
        let except = except.map(ArchiveCode::as_str);
        let mut rows: Vec<DuplicateRow> = Vec::new();
        for statement in [0, 2, 3] {
            let found: Vec<DuplicateRow> = response.take(statement)?;
            rows.extend(
                found
                    .into_iter()
                    .filter(|row| row.status != "destroyed" && Some(row.code.as_str()) != except),
            );
        }
        rows.sort_by(|a, b| a.code.cmp(&b.code));
        rows.dedup_by(|a, b| a.code == b.code);

        let candidates = rows.into_iter().filter_map(|row| {
            let shares_phone = phone_indexes
                .iter()
                .any(|p| *p == row.phone_index || row.extra_phone_indexes.contains(p));
            let reasons: Vec<DuplicateReason> = [
                (
                    row.id_number_index == id_index,
                    DuplicateReason::SameIdentity,
                ),
                (shares_phone, DuplicateReason::SamePhone),
                (
                    same_place(&row, details) && names_alike(&row.name, &details.name),
                    DuplicateReason::SimilarName,
                ),
            ]
            .into_iter()
            .filter_map(|(found, reason)| found.then_some(reason))
            .collect();
            (!reasons.is_empty()).then(|| {
                let candidate = DuplicateCandidate {
                    region_name: place_name(&row.region, &row.township),
                    code: row.code,
                    name: row.name,
                    reasons,
                };
                (candidate, row.region)
            })
        });
        Ok(candidates.take(DUPLICATES_SHOWN).collect())
    }

    /// The whole file of one customer, if it exists, with its ID numbers and
    /// phones masked.
    pub async fn customer(&self, code: &ArchiveCode) -> Result<Option<Customer>, StoreError> {
        let Some((row, key)) = self.sealed_customer(code).await? else {
            return Ok(None);
        };
        let details = row.details(&key)?.masked();
        Ok(Some(row.into_customer(details)?))
    }

    /// The details of a file in full, for an edit to compare against and to
    /// keep the values that the edit form showed masked.
    pub async fn stored_file(&self, code: &ArchiveCode) -> Result<Option<StoredFile>, StoreError> {
        let Some((row, key)) = self.sealed_customer(code).await? else {
            return Ok(None);
        };
        let details = row.details(&key)?;
        let status = CustomerStatus::from_key(&row.status)
            .ok_or_else(|| StoreError::Corrupt(row.code.clone()))?;
        Ok(Some(StoredFile {
            details,
            version: row.version,
            status,
        }))
    }

    /// The history of a file, newest first; `after` leaves out the versions
    /// up to and including it.
    pub async fn history(
        &self,
        code: &ArchiveCode,
        after: i64,
    ) -> Result<Vec<ChangeEntry>, StoreError> {
        let mut response = self
            .db
            .query(
                "SELECT version, at, by, reason, changes_sealed FROM customer_change \
                 WHERE customer = $code AND version > $after ORDER BY version DESC",
            )
            .bind(("code", code.to_string()))
            .bind(("after", after))
            .await?;
        let rows: Vec<ChangeRow> = response.take(0)?;
        let Some(key) = self.file_key(code).await? else {
            return Ok(Vec::new());
        };
        rows.into_iter()
            .map(|row| {
                let changes = if row.changes_sealed.is_empty() {
                    Vec::new()
                } else {
                    let json = key
                        .open(
                            code.as_str(),
                            &change_field(row.version),
                            &row.changes_sealed,
                        )
                        .map_err(|source| StoreError::Sealed {
                            code: code.to_string(),
                            field: "history",
                            source,
                        })?;
                    serde_json::from_str(&json)
                        .map_err(|_| StoreError::Corrupt(code.to_string()))?
                };
                Ok(ChangeEntry {
                    version: row.version,
                    at: time_fmt::format_minute_cst(row.at.timestamp_millis()),
                    by: row.by,
                    reason: row.reason,
                    changes,
                })
            })
            .collect()
    }

    /// The list of cooperation intentions, in the order offered.
    pub async fn cooperation_types(&self) -> Result<Vec<CooperationType>, StoreError> {
        let rows: Vec<CooperationRow> = self
            .db
            .query(
                "SELECT record::id(id) AS key, label, active, position FROM cooperation_type \
                 ORDER BY position, key",
            )
            .await?
            .take(0)?;
        Ok(rows
            .into_iter()
            .map(|r| CooperationType {
                key: r.key,
                label: r.label,
                active: r.active,
            })
            .collect())
    }

    /// Adds an entry to the list of cooperation intentions, or renames,
    /// retires or brings back one.
    pub async fn save_cooperation_type(
        &self,
        entry: &CooperationType,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        self.audited(
            "UPSERT ONLY type::record('cooperation_type', $key) SET label = $label, \
             active = $active, position = position ?? \
             (math::max((SELECT VALUE position FROM cooperation_type)) ?? 0) + 1 \
             RETURN NONE",
            audit,
            |q| {
                q.bind(("key", entry.key.clone()))
                    .bind(("label", entry.label.clone()))
                    .bind(("active", entry.active))
            },
        )
        .await?;
        Ok(())
    }

    /// One personal value of a file in full, and a record that `username`
    /// saw it, in one transaction: no disclosure goes unrecorded.
    pub async fn reveal(
        &self,
        code: &ArchiveCode,
        field: SensitiveField,
        audit: &AuditEntry,
    ) -> Result<Option<String>, StoreError> {
        let Some((row, key)) = self.sealed_customer(code).await? else {
            return Ok(None);
        };
        let sealed = match field {
            SensitiveField::Phone => &row.phone_sealed,
            SensitiveField::IdNumber => &row.id_number_sealed,
        };
        let value = open_field(&key, &row.code, field.key(), sealed)?;
        self.audited(
            "CREATE disclosure SET username = $username, customer = $code, field = $field",
            audit,
            |q| {
                q.bind(("username", audit.username.clone()))
                    .bind(("code", row.code.clone()))
                    .bind(("field", field.key()))
            },
        )
        .await?;
        Ok(Some(value))
    }

    /// How many times values of the file `code` were seen in full.
    pub async fn disclosures_of(&self, code: &ArchiveCode) -> Result<u64, StoreError> {
        let count: Option<i64> = self
            .db
            .query(
                "RETURN count(SELECT VALUE seq FROM audit_event \
                 WHERE target = $code AND action = 'reveal' AND outcome = 'ok')",
            )
            .bind(("code", code.to_string()))
            .await?
            .take(0)?;
        Ok(count.and_then(|c| u64::try_from(c).ok()).unwrap_or(0))
    }

    /// A file as stored, and its unwrapped data key.
    async fn sealed_customer(
        &self,
        code: &ArchiveCode,
    ) -> Result<Option<(CustomerRow, DataKey)>, StoreError> {
        let row: Option<CustomerRow> = self
            .db
            .query(format!("SELECT {CUSTOMER_COLUMNS} FROM ONLY $id"))
            .bind(("id", customer_id(code.as_str())))
            .await?
            .take(0)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let Some(wrapped) = self.keyring.get(&row.key_id) else {
            return Ok(None);
        };
        let key = self.data_key(&row.code, &wrapped)?;
        Ok(Some((row, key)))
    }

    /// The unwrapped data key of a file, if the file (still) has one.
    pub(super) async fn file_key(&self, code: &ArchiveCode) -> Result<Option<DataKey>, StoreError> {
        let key_id: Option<String> = self
            .db
            .query("SELECT VALUE key_id FROM ONLY $id")
            .bind(("id", customer_id(code.as_str())))
            .await?
            .take(0)?;
        key_id
            .and_then(|id| self.keyring.get(&id))
            .map(|wrapped| self.data_key(code.as_str(), &wrapped))
            .transpose()
    }

    /// Moves data keys that older versions kept in the database into the
    /// keyring, once.
    pub(super) async fn move_keys_out_of_the_database(&self) -> Result<(), StoreError> {
        #[derive(SurrealValue)]
        struct OldKey {
            code: String,
            wrapped: String,
        }
        let old: Vec<OldKey> = self
            .db
            .query("SELECT record::id(id) AS code, wrapped FROM customer_key")
            .await?
            .take(0)?;
        for key in &old {
            let id = new_key_id();
            self.keyring.put(&id, &key.wrapped)?;
            self.db
                .query(
                    "UPDATE ONLY $customer SET key_id = $id RETURN NONE;
                     DELETE $old;",
                )
                .bind(("customer", customer_id(&key.code)))
                .bind(("id", id))
                .bind(("old", RecordId::new("customer_key", key.code.as_str())))
                .await?
                .check()?;
        }
        if !old.is_empty() {
            tracing::info!(keys.moved = old.len(), "data keys moved to the keyring");
        }
        Ok(())
    }

    /// Forgets keys that no file names: left by an intake that failed after
    /// its key was written, or by a destruction interrupted in between.
    pub(super) async fn forget_unused_keys(&self) -> Result<(), StoreError> {
        if self.keyring.is_empty() {
            return Ok(());
        }
        let used: Vec<String> = self
            .db
            .query("SELECT VALUE key_id FROM customer WHERE key_id != ''")
            .await?
            .take(0)?;
        let used: std::collections::HashSet<String> = used.into_iter().collect();
        let gone = self.keyring.retain(|id| used.contains(id))?;
        if gone > 0 {
            tracing::info!(keys.forgotten = gone, "unused data keys forgotten");
        }
        Ok(())
    }

    pub(super) fn data_key(&self, code: &str, wrapped: &str) -> Result<DataKey, StoreError> {
        self.vault
            .unwrap_data_key(code, wrapped)
            .map_err(|source| StoreError::Sealed {
                code: code.to_string(),
                field: "data key",
                source,
            })
    }
}

/// A condition that keeps only files inside `scope`, and its bound values
/// (`$scope_0`, `$scope_1`, …).
pub(super) fn scope_condition(scope: &RegionScope) -> (String, Vec<(String, String)>) {
    let Some(prefixes) = scope.prefixes() else {
        return ("true".to_string(), Vec::new());
    };
    if prefixes.is_empty() {
        return ("false".to_string(), Vec::new());
    }
    let names: Vec<String> = (0..prefixes.len()).map(|i| format!("scope_{i}")).collect();
    let condition = names
        .iter()
        .map(|name| format!("string::starts_with(region, ${name})"))
        .collect::<Vec<_>>()
        .join(" OR ");
    let bound = names.into_iter().zip(prefixes.iter().cloned()).collect();
    (format!("({condition})"), bound)
}

/// A fresh key id: 96 random bits in hex.
fn new_key_id() -> String {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    let mut bytes = [0u8; 12];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn open_field(
    key: &DataKey,
    code: &str,
    field: &'static str,
    sealed: &str,
) -> Result<String, StoreError> {
    key.open(code, field, sealed)
        .map_err(|source| StoreError::Sealed {
            code: code.to_string(),
            field,
            source,
        })
}

fn customer_id(code: &str) -> RecordId {
    RecordId::new("customer", code)
}

/// SurrealDB reports a write-write conflict between transactions as a
/// retryable query error.
pub(super) fn is_conflict(error: &surrealdb::Error) -> bool {
    error.query_details() == Some(&QueryError::TransactionConflict)
        || error.message().contains("can be retried")
}

/// A short pause that grows with each attempt (up to 20 ms) and differs
/// between callers, so that contending intakes do not collide again in
/// lockstep.
pub(super) fn backoff(attempt: u32) -> Duration {
    let jitter = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::from(d.subsec_nanos() % 8));
    Duration::from_millis((2 * u64::from(attempt) + 1).min(20) + jitter)
}

fn parse_group(code: &str, key: &str) -> Result<CustomerGroup, StoreError> {
    CustomerGroup::from_key(key).ok_or_else(|| StoreError::Corrupt(code.to_string()))
}

/// Two files lie in the same place when they share the county and, where
/// both name one, the township.
fn same_place(row: &DuplicateRow, details: &CustomerDetails) -> bool {
    row.region == details.region
        && (row.township.is_empty()
            || details.township.is_empty()
            || row.township == details.township)
}

/// The full name of a county and, when given, its township.
fn place_name(region_code: &str, township_code: &str) -> String {
    let county = region::full_name(region_code);
    match township::name(township_code) {
        Some(town) => format!("{county} {town}"),
        None => county,
    }
}

/// Associated-data labels of the sealed lists.
const EXTRA_PHONES: &str = "extra_phones";
const HOUSEHOLD: &str = "household";

fn hundredths(area: AreaMu) -> i64 {
    i64::try_from(area.hundredths()).unwrap_or(i64::MAX)
}

/// Commits the transaction when its work succeeded, cancels it otherwise.
async fn finish<T>(
    tx: Transaction<Any>,
    outcome: Result<T, surrealdb::Error>,
) -> Result<T, surrealdb::Error> {
    match outcome {
        Ok(value) => tx.commit().await.map(|_| value),
        Err(error) => {
            // The transaction is over either way; a failed cancel changes
            // nothing about the error to report.
            let _ = tx.cancel().await;
            Err(error)
        }
    }
}

/// The unique index caught a second file with the same ID number, saved at
/// the same moment as the first.
fn unique_or(error: surrealdb::Error) -> StoreError {
    if error.message().contains("customer_id_number_index") {
        StoreError::DuplicateIdentity
    } else {
        error.into()
    }
}

/// The credit status to store: a changed rating or reason is dated today
/// and signed by whoever saves it; an unchanged one keeps its date and
/// author.
fn credit_on_save(typed: &Credit, stored: Option<&Credit>, actor: &str, today: &str) -> Credit {
    match stored {
        Some(old) if old.rating == typed.rating && old.reason == typed.reason => old.clone(),
        _ if typed.rating == CreditRating::Unrated && typed.reason.is_empty() => Credit::default(),
        _ => Credit {
            rating: typed.rating,
            reason: typed.reason.clone(),
            date: today.to_string(),
            set_by: actor.to_string(),
        },
    }
}

fn credit_of(row: &CustomerRow) -> Credit {
    Credit {
        rating: CreditRating::from_key(&row.credit_rating).unwrap_or_default(),
        reason: row.credit_reason.clone(),
        date: row.credit_date.clone(),
        set_by: row.credit_set_by.clone(),
    }
}

impl CustomerRow {
    /// The file's details in full, its sealed values opened.
    fn details(&self, key: &DataKey) -> Result<CustomerDetails, StoreError> {
        let corrupt = || StoreError::Corrupt(self.code.clone());
        let open_list = |field: &'static str, sealed: &str| -> Result<String, StoreError> {
            if sealed.is_empty() {
                return Ok("[]".to_string());
            }
            open_field(key, &self.code, field, sealed)
        };
        let extra_phones: Vec<String> =
            serde_json::from_str(&open_list(EXTRA_PHONES, &self.extra_phones_sealed)?)
                .map_err(|_| corrupt())?;
        let household: Vec<HouseholdMember> =
            serde_json::from_str(&open_list(HOUSEHOLD, &self.household_sealed)?)
                .map_err(|_| corrupt())?;
        let area = |h: i64| {
            u64::try_from(h)
                .map(AreaMu::from_hundredths)
                .map_err(|_| corrupt())
        };
        let parcels = self
            .parcels
            .iter()
            .map(|p| {
                Ok(Parcel {
                    location: p.location.clone(),
                    area: area(p.area_hundredths)?,
                    crop: p.crop.clone(),
                    tenure: Tenure::from_key(&p.tenure).ok_or_else(corrupt)?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        let assets = self
            .assets
            .iter()
            .map(|a| {
                Ok(Asset {
                    kind: AssetKind::from_key(&a.kind).ok_or_else(corrupt)?,
                    description: a.description.clone(),
                    quantity: u32::try_from(a.quantity).map_err(|_| corrupt())?,
                    unit: a.unit.clone(),
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(CustomerDetails {
            group: parse_group(&self.code, &self.customer_group)?,
            name: self.name.clone(),
            phone: open_field(
                key,
                &self.code,
                SensitiveField::Phone.key(),
                &self.phone_sealed,
            )?,
            extra_phones,
            id_kind: IdKind::from_key(&self.id_kind).ok_or_else(corrupt)?,
            id_number: open_field(
                key,
                &self.code,
                SensitiveField::IdNumber.key(),
                &self.id_number_sealed,
            )?,
            legal_representative: self.legal_representative.clone(),
            contact_person: self.contact_person.clone(),
            region: self.region.clone(),
            township: self.township.clone(),
            address: self.address.clone(),
            land_area: area(self.land_area_hundredths)?,
            household,
            parcels,
            assets,
            cooperation: self.cooperation.clone(),
            credit: credit_of(self),
            tags: self.tags.clone(),
            notes: self.notes.clone(),
            paper: PaperLocation {
                cabinet: self.paper_cabinet.clone(),
                shelf: self.paper_shelf.clone(),
                r#box: self.paper_box.clone(),
            },
        })
    }

    fn into_customer(self, details: CustomerDetails) -> Result<Customer, StoreError> {
        let status = CustomerStatus::from_key(&self.status)
            .ok_or_else(|| StoreError::Corrupt(self.code.clone()))?;
        Ok(Customer {
            region_name: place_name(&self.region, &self.township),
            code: self.code,
            details,
            status,
            version: self.version,
            created_at: time_fmt::format_minute_cst(self.created_at.timestamp_millis()),
            created_by: self.created_by,
            updated_at: time_fmt::format_minute_cst(self.updated_at.timestamp_millis()),
            updated_by: self.updated_by,
        })
    }
}
