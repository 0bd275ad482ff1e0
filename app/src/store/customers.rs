//! Customer files and their archive serials.

use std::time::Duration;

use surrealdb::engine::any::Any;
use surrealdb::method::Transaction;
use surrealdb::types::{Datetime, QueryError, RecordId, SurrealValue};

use super::{Store, StoreError};
use crate::domain::SensitiveField;
use crate::domain::customer::names_alike;
use crate::domain::masking::{mask_id_number, mask_phone};
use crate::domain::region;
use crate::domain::{
    ArchiveCode, AreaMu, Customer, CustomerGroup, CustomerStatus, CustomerSummary,
    DuplicateCandidate, DuplicateReason, IdKind, NewCustomer, Phone, RegionScope, time_fmt,
};
use crate::secure::vault::DataKey;

/// Concurrent intakes in one region contend for one counter, and each round
/// of contention lets at least one through; a conflicting transaction is
/// retried this many times before the intake is given up.
const MAX_ATTEMPTS: u32 = 40;

/// One page of search results and the number of all matches.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchPage {
    pub total: u64,
    pub rows: Vec<CustomerSummary>,
}

#[derive(SurrealValue)]
struct NewCustomerRow {
    code: String,
    customer_group: String,
    name: String,
    phone_sealed: String,
    phone_index: String,
    id_kind: String,
    id_number_sealed: String,
    id_number_index: String,
    region: String,
    address: String,
    land_area_hundredths: i64,
    created_by: String,
    updated_by: String,
}

#[derive(SurrealValue)]
struct CustomerRow {
    code: String,
    customer_group: String,
    name: String,
    phone_sealed: String,
    id_kind: String,
    id_number_sealed: String,
    region: String,
    address: String,
    land_area_hundredths: i64,
    status: String,
    version: i64,
    created_at: Datetime,
    created_by: String,
    updated_at: Datetime,
    updated_by: String,
}

#[derive(SurrealValue)]
struct SummaryRow {
    code: String,
    name: String,
    customer_group: String,
    region: String,
}

#[derive(SurrealValue)]
struct DuplicateRow {
    code: String,
    name: String,
    region: String,
    id_number_index: String,
    phone_index: String,
}

#[derive(SurrealValue)]
struct CountRow {
    count: i64,
}

impl Store {
    /// Files a new customer under the next serial of its group and region.
    ///
    /// The serial is taken and the file written in one transaction: either
    /// both happen or neither, so serials have no gaps and are never shared.
    /// Concurrent intakes in one region conflict on the counter; the loser
    /// is retried after a short pause.
    pub async fn create_customer(
        &self,
        customer: &NewCustomer,
        actor: &str,
    ) -> Result<ArchiveCode, StoreError> {
        let counter_key = self.scheme.counter_key(customer.group, &customer.region);
        for attempt in 0..MAX_ATTEMPTS {
            let tx = self.db.clone().begin().await?;
            let outcome = self.insert_in(&tx, customer, &counter_key, actor).await;
            let outcome = match outcome {
                Ok(code) => tx.commit().await.map(|_| code),
                Err(error) => {
                    // The transaction is over either way; a failed cancel
                    // changes nothing about the error to report.
                    let _ = tx.cancel().await;
                    Err(error)
                }
            };
            match outcome {
                Ok(code) => return Ok(code),
                Err(error) if is_conflict(&error) => {
                    tracing::debug!(archive.counter = %counter_key, attempt, "serial contended");
                    tokio::time::sleep(backoff(attempt)).await;
                }
                // The unique index caught a file with the same ID number
                // filed at the same moment.
                Err(error) if error.message().contains("customer_id_number_index") => {
                    return Err(StoreError::DuplicateIdentity);
                }
                Err(error) => return Err(error.into()),
            }
        }
        Err(StoreError::Contention(counter_key))
    }

    async fn insert_in(
        &self,
        tx: &Transaction<Any>,
        customer: &NewCustomer,
        counter_key: &str,
        actor: &str,
    ) -> Result<ArchiveCode, surrealdb::Error> {
        let serial: Option<i64> = tx
            .query("UPSERT ONLY $counter SET last = (last ?? 0) + 1 RETURN VALUE last")
            .bind(("counter", RecordId::new("archive_serial", counter_key)))
            .await?
            .take(0)?;
        let serial = serial.and_then(|s| u64::try_from(s).ok()).unwrap_or(1);
        let code = ArchiveCode::new(
            &self.scheme,
            customer.group,
            customer.region.clone(),
            serial,
        );

        let (key, wrapped_key) = self.vault.new_data_key(code.as_str());
        let phone = customer.phone.as_str();
        let id_number = customer.id_document.number();
        let row = NewCustomerRow {
            code: code.to_string(),
            customer_group: customer.group.key().to_string(),
            name: customer.name.as_str().to_string(),
            phone_sealed: key.seal(code.as_str(), SensitiveField::Phone.key(), phone),
            phone_index: self.vault.blind_index(SensitiveField::Phone.key(), phone),
            id_kind: customer.id_document.kind().key().to_string(),
            id_number_sealed: key.seal(code.as_str(), SensitiveField::IdNumber.key(), id_number),
            id_number_index: self
                .vault
                .blind_index(SensitiveField::IdNumber.key(), id_number),
            region: customer.region.as_str().to_string(),
            address: customer.address.clone(),
            land_area_hundredths: i64::try_from(customer.land_area.hundredths()).unwrap_or(0),
            created_by: actor.to_string(),
            updated_by: actor.to_string(),
        };
        tx.query(
            "CREATE ONLY $id CONTENT $row RETURN NONE;
             CREATE ONLY $key_id SET wrapped = $wrapped RETURN NONE;",
        )
        .bind(("id", customer_id(code.as_str())))
        .bind(("row", row))
        .bind(("key_id", key_id(code.as_str())))
        .bind(("wrapped", wrapped_key))
        .await?
        .check()?;
        Ok(code)
    }

    /// Files that may be the same customer as `customer`: the same ID number
    /// or credit code, the same phone, or a name one character apart in the
    /// same county. Each comes with its region code, for the caller's scope.
    pub async fn find_duplicates(
        &self,
        customer: &NewCustomer,
    ) -> Result<Vec<(DuplicateCandidate, String)>, StoreError> {
        let id_index = self.vault.blind_index(
            SensitiveField::IdNumber.key(),
            customer.id_document.number(),
        );
        let phone_index = self
            .vault
            .blind_index(SensitiveField::Phone.key(), customer.phone.as_str());
        let first_char: String = customer.name.as_str().chars().take(1).collect();
        let rows: Vec<DuplicateRow> = self
            .db
            .query(
                "SELECT code, name, region, id_number_index, phone_index FROM customer \
                 WHERE status != 'destroyed' AND (id_number_index = $id OR phone_index = $phone \
                 OR (region = $region AND string::starts_with(name, $first))) \
                 ORDER BY code LIMIT 50",
            )
            .bind(("id", id_index.clone()))
            .bind(("phone", phone_index.clone()))
            .bind(("region", customer.region.as_str().to_string()))
            .bind(("first", first_char))
            .await?
            .take(0)?;

        let candidates = rows.into_iter().filter_map(|row| {
            let reasons: Vec<DuplicateReason> = [
                (
                    row.id_number_index == id_index,
                    DuplicateReason::SameIdentity,
                ),
                (row.phone_index == phone_index, DuplicateReason::SamePhone),
                (
                    row.region == customer.region.as_str()
                        && names_alike(&row.name, customer.name.as_str()),
                    DuplicateReason::SimilarName,
                ),
            ]
            .into_iter()
            .filter_map(|(found, reason)| found.then_some(reason))
            .collect();
            (!reasons.is_empty()).then(|| {
                let candidate = DuplicateCandidate {
                    region_name: region::full_name(&row.region),
                    code: row.code,
                    name: row.name,
                    reasons,
                };
                (candidate, row.region)
            })
        });
        Ok(candidates.collect())
    }

    /// The whole file of one customer, if it exists, with its ID number and
    /// phone masked.
    pub async fn customer(&self, code: &ArchiveCode) -> Result<Option<Customer>, StoreError> {
        let Some((row, key)) = self.sealed_customer(code).await? else {
            return Ok(None);
        };
        let phone = open_field(&key, &row.code, SensitiveField::Phone, &row.phone_sealed)?;
        let id_number = open_field(
            &key,
            &row.code,
            SensitiveField::IdNumber,
            &row.id_number_sealed,
        )?;
        row.into_customer(&mask_phone(&phone), &mask_id_number(&id_number))
            .map(Some)
    }

    /// One personal value of a file in full, and a record that `username`
    /// saw it, in one transaction: no disclosure goes unrecorded.
    pub async fn reveal(
        &self,
        code: &ArchiveCode,
        field: SensitiveField,
        username: &str,
    ) -> Result<Option<String>, StoreError> {
        let Some((row, key)) = self.sealed_customer(code).await? else {
            return Ok(None);
        };
        let sealed = match field {
            SensitiveField::Phone => &row.phone_sealed,
            SensitiveField::IdNumber => &row.id_number_sealed,
        };
        let value = open_field(&key, &row.code, field, sealed)?;
        self.db
            .query("CREATE disclosure SET username = $username, customer = $code, field = $field")
            .bind(("username", username.to_string()))
            .bind(("code", row.code.clone()))
            .bind(("field", field.key()))
            .await?
            .check()?;
        Ok(Some(value))
    }

    /// How many times values of the file `code` were seen in full.
    pub async fn disclosures_of(&self, code: &ArchiveCode) -> Result<u64, StoreError> {
        let count: Option<i64> = self
            .db
            .query("RETURN count(SELECT VALUE id FROM disclosure WHERE customer = $code)")
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
        let mut response = self
            .db
            .query(
                "SELECT code, customer_group, name, phone_sealed, id_kind, id_number_sealed, \
                 region, address, land_area_hundredths, status, version, created_at, \
                 created_by, updated_at, updated_by FROM ONLY $id;
                 SELECT VALUE wrapped FROM ONLY $key_id;",
            )
            .bind(("id", customer_id(code.as_str())))
            .bind(("key_id", key_id(code.as_str())))
            .await?;
        let row: Option<CustomerRow> = response.take(0)?;
        let wrapped: Option<String> = response.take(1)?;
        let (Some(row), Some(wrapped)) = (row, wrapped) else {
            return Ok(None);
        };

        let key = self
            .vault
            .unwrap_data_key(&row.code, &wrapped)
            .map_err(|source| StoreError::Sealed {
                code: row.code.clone(),
                field: "data key",
                source,
            })?;
        Ok(Some((row, key)))
    }

    /// Files whose archive code starts with `text` (ignoring case) or whose
    /// name contains it, by archive code.
    // Limitation: the name match scans the table; it is quick for the
    // thousands of files of one cooperative, and a full-text index replaces
    // it before archives reach hundreds of thousands of files.
    pub async fn search_customers(
        &self,
        text: &str,
        scope: &RegionScope,
        offset: u64,
        limit: u64,
    ) -> Result<SearchPage, StoreError> {
        let text_match = "(string::starts_with(code, $code_prefix) \
             OR string::contains(name, $text) \
             OR phone_index = $phone_index OR id_number_index = $id_number_index)";
        let (scope_match, scope_values) = scope_condition(scope);
        let condition = format!("{text_match} AND {scope_match}");
        let mut query = self.db.query(format!(
            "SELECT count() FROM customer WHERE {condition} GROUP ALL;
             SELECT code, name, customer_group, region FROM customer WHERE {condition} \
             ORDER BY code LIMIT $limit START $offset;"
        ));
        for value in scope_values {
            query = query.bind(value);
        }
        let mut response = query
            .bind(("code_prefix", text.to_uppercase()))
            .bind(("text", text.to_string()))
            .bind(("phone_index", self.exact_index(SensitiveField::Phone, text)))
            .bind((
                "id_number_index",
                self.exact_index(SensitiveField::IdNumber, text),
            ))
            .bind(("limit", i64::try_from(limit).unwrap_or(i64::MAX)))
            .bind(("offset", i64::try_from(offset).unwrap_or(i64::MAX)))
            .await?;
        let count: Option<CountRow> = response.take(0)?;
        let rows: Vec<SummaryRow> = response.take(1)?;

        let rows = rows
            .into_iter()
            .map(SummaryRow::into_summary)
            .collect::<Result<_, _>>()?;
        let total = count.map_or(0, |c| u64::try_from(c.count).unwrap_or(0));
        Ok(SearchPage { total, rows })
    }
}

impl Store {
    /// The blind index a typed search text would have as a stored phone or
    /// ID number; a value that is neither gets an index nothing has.
    fn exact_index(&self, field: SensitiveField, text: &str) -> String {
        let normal = match field {
            SensitiveField::Phone => Phone::parse(text).map(|p| p.as_str().to_string()).ok(),
            SensitiveField::IdNumber => {
                let number: String = text
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect::<String>()
                    .to_uppercase();
                (number.len() >= 6).then_some(number)
            }
        };
        normal
            .map(|value| self.vault.blind_index(field.key(), &value))
            .unwrap_or_default()
    }
}

/// A condition that keeps only files inside `scope`, and its bound values
/// (`$scope_0`, `$scope_1`, …).
fn scope_condition(scope: &RegionScope) -> (String, Vec<(String, String)>) {
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

fn key_id(code: &str) -> RecordId {
    RecordId::new("customer_key", code)
}

fn open_field(
    key: &DataKey,
    code: &str,
    field: SensitiveField,
    sealed: &str,
) -> Result<String, StoreError> {
    key.open(code, field.key(), sealed)
        .map_err(|source| StoreError::Sealed {
            code: code.to_string(),
            field: field.key(),
            source,
        })
}

fn customer_id(code: &str) -> RecordId {
    RecordId::new("customer", code)
}

/// SurrealDB reports a write-write conflict between transactions as a
/// retryable query error.
fn is_conflict(error: &surrealdb::Error) -> bool {
    error.query_details() == Some(&QueryError::TransactionConflict)
        || error.message().contains("can be retried")
}

/// A short pause that grows with each attempt (up to 20 ms) and differs
/// between callers, so that contending intakes do not collide again in
/// lockstep.
fn backoff(attempt: u32) -> Duration {
    let jitter = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::from(d.subsec_nanos() % 8));
    Duration::from_millis((2 * u64::from(attempt) + 1).min(20) + jitter)
}

fn parse_group(code: &str, key: &str) -> Result<CustomerGroup, StoreError> {
    CustomerGroup::from_key(key).ok_or_else(|| StoreError::Corrupt(code.to_string()))
}

impl CustomerRow {
    fn into_customer(self, phone: &str, id_number: &str) -> Result<Customer, StoreError> {
        let corrupt = || StoreError::Corrupt(self.code.clone());
        let group = parse_group(&self.code, &self.customer_group)?;
        let id_kind = IdKind::from_key(&self.id_kind).ok_or_else(corrupt)?;
        let status = CustomerStatus::from_key(&self.status).ok_or_else(corrupt)?;
        let land_area = u64::try_from(self.land_area_hundredths).map_err(|_| corrupt())?;
        Ok(Customer {
            region_name: region::full_name(&self.region),
            code: self.code,
            group,
            name: self.name,
            phone: phone.to_string(),
            id_kind,
            id_number: id_number.to_string(),
            region: self.region,
            address: self.address,
            land_area: AreaMu::from_hundredths(land_area),
            status,
            version: self.version,
            created_at: time_fmt::format_minute_cst(self.created_at.timestamp_millis()),
            created_by: self.created_by,
            updated_at: time_fmt::format_minute_cst(self.updated_at.timestamp_millis()),
            updated_by: self.updated_by,
        })
    }
}

impl SummaryRow {
    fn into_summary(self) -> Result<CustomerSummary, StoreError> {
        Ok(CustomerSummary {
            group: parse_group(&self.code, &self.customer_group)?,
            region_name: region::full_name(&self.region),
            code: self.code,
            name: self.name,
            region: self.region,
        })
    }
}
