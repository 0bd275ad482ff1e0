//! Purposes, legal bases and the consents of each file.

use surrealdb::types::SurrealValue;

use super::customers::scope_condition;
use super::{AuditEntry, Store, StoreError};
use crate::domain::consent::{
    CheckedConsent, ConsentLists, ConsentMethod, ConsentRecord, FileConsents, ListedItem, SENSITIVE,
};
use crate::domain::region::RegionFilter;
use crate::domain::{ArchiveCode, CustomerDetails, RegionScope};
use crate::secure::vault::DataKey;

/// Which configured list an entry belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsentList {
    Purposes,
    LegalBases,
}

impl ConsentList {
    fn table(self) -> &'static str {
        match self {
            Self::Purposes => "purpose",
            Self::LegalBases => "legal_basis",
        }
    }
}

#[derive(SurrealValue)]
struct ItemRow {
    key: String,
    name: String,
    description: String,
    active: bool,
}

#[derive(SurrealValue)]
struct ConsentRow {
    id: String,
    purpose: String,
    method: String,
    legal_basis: String,
    given_on: String,
    paper_ref: String,
    signature_sealed: String,
    recorded_by: String,
    withdrawn_on: String,
    withdrawn_by: String,
    withdrawal_sealed: String,
}

/// A consent record on its way in.
#[derive(Clone, SurrealValue)]
pub(super) struct NewConsent {
    customer: String,
    purpose: String,
    method: String,
    legal_basis: String,
    given_on: String,
    paper_ref: String,
    signature_sealed: String,
    recorded_by: String,
}

fn signature_label(id: &str) -> String {
    format!("consent/{id}/signature")
}

fn withdrawal_label(id: &str) -> String {
    format!("consent/{id}/withdrawal")
}

/// The statements and values that record `consent` for the file `code`
/// sealed under `key`: one record per purpose, one for the sensitive
/// information. Binds `$consent_id_N` and `$consent_N`.
pub(super) fn consent_writes(
    code: &str,
    key: &DataKey,
    consent: &CheckedConsent,
    actor: &str,
) -> (String, Vec<(String, NewConsent)>) {
    let mut script = String::new();
    let mut rows = Vec::new();
    let mut add = |purpose: &str, method: ConsentMethod, legal_basis: &str| {
        let id = super::requests::new_id();
        let signature_sealed = if method == ConsentMethod::Signature {
            key.seal(code, &signature_label(&id), &consent.signature)
        } else {
            String::new()
        };
        let n = rows.len();
        script.push_str(&format!(
            "CREATE type::record('consent', $consent_id_{n}) CONTENT $consent_{n} RETURN NONE;\n"
        ));
        rows.push((
            id,
            NewConsent {
                customer: code.to_string(),
                purpose: purpose.to_string(),
                method: method.key().to_string(),
                legal_basis: legal_basis.to_string(),
                given_on: consent.given_on.to_string(),
                paper_ref: consent.paper_ref.clone(),
                signature_sealed,
                recorded_by: actor.to_string(),
            },
        ));
    };
    for purpose in &consent.purposes {
        add(purpose, consent.method, "");
    }
    if consent.sensitive {
        add(SENSITIVE, consent.method, "");
    }
    if !consent.legal_basis.is_empty() {
        add(SENSITIVE, ConsentMethod::LegalBasis, &consent.legal_basis);
    }
    (script, rows)
}

/// Binds what [`consent_writes`] names.
pub(super) fn bind_consents<'a, C: surrealdb::Connection>(
    mut query: surrealdb::method::Query<'a, C>,
    rows: &[(String, NewConsent)],
) -> surrealdb::method::Query<'a, C> {
    for (n, (id, row)) in rows.iter().enumerate() {
        query = query
            .bind((format!("consent_id_{n}"), id.clone()))
            .bind((format!("consent_{n}"), row.clone()));
    }
    query
}

impl Store {
    /// The configured purposes and legal bases, in the order offered.
    pub async fn consent_lists(&self) -> Result<ConsentLists, StoreError> {
        let mut response = self
            .db
            .query(
                "SELECT record::id(id) AS key, name, description, active, position FROM purpose \
                 ORDER BY position, key;
                 SELECT record::id(id) AS key, name, description, active, position \
                 FROM legal_basis ORDER BY position, key;",
            )
            .await?;
        let purposes: Vec<ItemRow> = response.take(0)?;
        let bases: Vec<ItemRow> = response.take(1)?;
        let items = |rows: Vec<ItemRow>| {
            rows.into_iter()
                .map(|r| ListedItem {
                    key: r.key,
                    name: r.name,
                    description: r.description,
                    active: r.active,
                })
                .collect()
        };
        Ok(ConsentLists {
            purposes: items(purposes),
            legal_bases: items(bases),
        })
    }

    /// Adds an entry to a list, or describes, retires or brings back one.
    pub async fn save_listed_item(
        &self,
        list: ConsentList,
        item: &ListedItem,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let table = list.table();
        self.audited(
            &format!(
                "UPSERT ONLY type::record('{table}', $key) SET name = $name, \
                 description = $description, active = $active, position = position ?? \
                 (math::max((SELECT VALUE position FROM {table})) ?? 0) + 1 RETURN NONE"
            ),
            audit,
            |q| {
                q.bind(("key", item.key.clone()))
                    .bind(("name", item.name.clone()))
                    .bind(("description", item.description.clone()))
                    .bind(("active", item.active))
            },
        )
        .await?;
        Ok(())
    }

    /// The consents of the file `code`, newest first; `None` when the file
    /// has no key (destroyed or unknown).
    pub async fn consents(&self, code: &ArchiveCode) -> Result<Option<FileConsents>, StoreError> {
        let Some(key) = self.file_key(code).await? else {
            return Ok(None);
        };
        let lists = self.consent_lists().await?;
        let rows: Vec<ConsentRow> = self
            .db
            .query(
                "SELECT record::id(id) AS id, purpose, method, legal_basis, given_on, paper_ref, \
                 signature_sealed, recorded_by, withdrawn_on, withdrawn_by, withdrawal_sealed, \
                 recorded_at FROM consent WHERE customer = $code \
                 ORDER BY recorded_at DESC, purpose",
            )
            .bind(("code", code.to_string()))
            .await?
            .take(0)?;
        let open = |label: String, text: &str| -> Result<String, StoreError> {
            if text.is_empty() {
                return Ok(String::new());
            }
            key.open(code.as_str(), &label, text)
                .map_err(|source| StoreError::Sealed {
                    code: code.to_string(),
                    field: "consent",
                    source,
                })
        };
        let mut records = Vec::with_capacity(rows.len());
        for row in rows {
            let method = ConsentMethod::from_key(&row.method)
                .ok_or_else(|| StoreError::Corrupt(format!("consent {}", row.id)))?;
            records.push(ConsentRecord {
                purpose_name: lists.name_of(&row.purpose),
                legal_basis: lists
                    .legal_basis(&row.legal_basis)
                    .map_or_else(|| row.legal_basis.clone(), |b| b.name.clone()),
                signature: open(signature_label(&row.id), &row.signature_sealed)?,
                withdrawal_note: open(withdrawal_label(&row.id), &row.withdrawal_sealed)?,
                id: row.id,
                purpose: row.purpose,
                method,
                given_on: row.given_on,
                paper_ref: row.paper_ref,
                recorded_by: row.recorded_by,
                withdrawn_on: row.withdrawn_on,
                withdrawn_by: row.withdrawn_by,
            });
        }
        Ok(Some(FileConsents { records }))
    }

    /// Records a consent for the file `code`; `false` when the file has no
    /// key (destroyed).
    pub async fn record_consent(
        &self,
        code: &ArchiveCode,
        consent: &CheckedConsent,
        actor: &str,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let Some(key) = self.file_key(code).await? else {
            return Ok(false);
        };
        let (script, rows) = consent_writes(code.as_str(), &key, consent, actor);
        self.audited(&script, audit, |q| bind_consents(q, &rows))
            .await?;
        Ok(true)
    }

    /// Withdraws every current consent of the file `code` for `purpose`
    /// on `day`; answers how many were withdrawn.
    pub async fn withdraw_consent(
        &self,
        code: &ArchiveCode,
        purpose: &str,
        (day, note, actor): (&str, &str, &str),
        audit: &AuditEntry,
    ) -> Result<usize, StoreError> {
        let Some(key) = self.file_key(code).await? else {
            return Ok(0);
        };
        let current: Vec<String> = self
            .db
            .query(
                "SELECT VALUE record::id(id) FROM consent \
                 WHERE customer = $code AND purpose = $purpose AND withdrawn_on = ''",
            )
            .bind(("code", code.to_string()))
            .bind(("purpose", purpose.to_string()))
            .await?
            .take(0)?;
        if current.is_empty() {
            return Ok(0);
        }
        let mut script = String::new();
        for n in 0..current.len() {
            script.push_str(&format!(
                "UPDATE ONLY type::record('consent', $id_{n}) SET withdrawn_on = $day, \
                 withdrawn_by = $actor, withdrawal_sealed = $note_{n} \
                 WHERE withdrawn_on = '' RETURN NONE;\n"
            ));
        }
        self.audited(&script, audit, |mut q| {
            for (n, id) in current.iter().enumerate() {
                q = q.bind((format!("id_{n}"), id.clone())).bind((
                    format!("note_{n}"),
                    key.seal(code.as_str(), &withdrawal_label(id), note),
                ));
            }
            q.bind(("day", day.to_string()))
                .bind(("actor", actor.to_string()))
        })
        .await?;
        Ok(current.len())
    }
}

/// Most files one roster holds; a larger one is drawn up per township.
pub const MAX_ROSTER_FILES: usize = 5_000;

/// A file that may go on a purpose-bound list, with its consents for that
/// purpose.
pub struct PurposeCandidate {
    pub code: ArchiveCode,
    pub details: CustomerDetails,
    pub consents: FileConsents,
}

impl Store {
    /// The active files in `scope` and in `region`, in code order, each
    /// with its consents for `purposes`; `None` when there are more than
    /// [`MAX_ROSTER_FILES`].
    pub async fn purpose_candidates(
        &self,
        scope: &RegionScope,
        region: &RegionFilter,
        purposes: &[&str],
    ) -> Result<Option<Vec<PurposeCandidate>>, StoreError> {
        #[derive(SurrealValue)]
        struct Given {
            customer: String,
            purpose: String,
            withdrawn_on: String,
        }
        let (scope_match, scope_values) = scope_condition(scope);
        let (region_match, region_value) = match region {
            RegionFilter::Within(prefix) => ("string::starts_with(region, $region)", prefix),
            RegionFilter::Township(code) => ("township = $region", code),
        };
        let mut query = self.db.query(format!(
            "SELECT VALUE code FROM customer WHERE status = 'active' \
             AND {region_match} AND {scope_match} \
             ORDER BY code LIMIT {}",
            MAX_ROSTER_FILES + 1
        ));
        for value in scope_values {
            query = query.bind(value);
        }
        let codes: Vec<String> = query
            .bind(("region", region_value.clone()))
            .await?
            .take(0)?;
        if codes.len() > MAX_ROSTER_FILES {
            return Ok(None);
        }
        let given: Vec<Given> = self
            .db
            .query(
                "SELECT customer, purpose, withdrawn_on FROM consent \
                 WHERE purpose IN $purposes AND customer IN $codes",
            )
            .bind((
                "purposes",
                purposes.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ))
            .bind(("codes", codes.clone()))
            .await?
            .take(0)?;
        let mut list = Vec::with_capacity(codes.len());
        for code in codes {
            let Ok(parsed) = ArchiveCode::parse(&self.scheme, &code) else {
                continue;
            };
            let Some(file) = self.stored_file(&parsed).await? else {
                continue;
            };
            let records = given
                .iter()
                .filter(|g| g.customer == code)
                .map(|g| ConsentRecord {
                    id: String::new(),
                    purpose: g.purpose.clone(),
                    purpose_name: String::new(),
                    method: ConsentMethod::Paper,
                    legal_basis: String::new(),
                    given_on: String::new(),
                    paper_ref: String::new(),
                    signature: String::new(),
                    recorded_by: String::new(),
                    withdrawn_on: g.withdrawn_on.clone(),
                    withdrawn_by: String::new(),
                    withdrawal_note: String::new(),
                })
                .collect();
            list.push(PurposeCandidate {
                code: parsed,
                details: file.details,
                consents: FileConsents { records },
            });
        }
        Ok(Some(list))
    }
}
