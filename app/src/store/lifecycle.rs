//! The end of a file's life in the database: retention policies, the
//! disposal review, legal holds, destruction and its certificates.

use std::collections::HashMap;

use sha2::{Digest, Sha256};
use surrealdb::types::{Datetime, RecordId, SurrealValue};
use time::Date;

use super::customers::scope_condition;
use super::upkeep::STALE;
use super::{AuditEntry, Store, StoreError};
use crate::domain::history::FieldChange;
use crate::domain::lifecycle::{
    Certificate, Decision, DisposalCandidate, Hold, LifecycleState, Proposal, ProposalKind,
    RetentionPolicy, retention_end,
};
use crate::domain::{ArchiveCode, CustomerGroup, RegionScope, region, time_fmt};

/// What became of a step of the review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReviewOutcome {
    Done,
    /// The file or proposal moved on since it was read; say this.
    Refused(String),
}

#[derive(SurrealValue)]
struct PolicyRow {
    group: String,
    years: i64,
    reason: String,
}

#[derive(SurrealValue)]
struct EndedRow {
    code: String,
    name: String,
    customer_group: String,
    region: String,
    relationship_ended: String,
    retention_extended_until: String,
    hold_reason: String,
    hold_by: String,
    hold_at: Option<Datetime>,
    status: String,
}

#[derive(SurrealValue)]
struct AskedRow {
    customer: String,
    received_on: String,
}

#[derive(SurrealValue)]
struct ProposalRow {
    id: String,
    customer: String,
    kind: String,
    reason: String,
    extend_until: String,
    proposed_by: String,
    proposed_at: Datetime,
    decision: String,
    decided_by: String,
    decided_at: Option<Datetime>,
    decision_note: String,
}

const PROPOSAL_COLUMNS: &str = "record::id(id) AS id, customer, kind, reason, extend_until, \
     proposed_by, proposed_at, decision, decided_by, decided_at, decision_note";

/// Everything a destruction removes, as stored: its hash goes on the
/// certificate.
#[derive(SurrealValue, serde::Serialize)]
struct DoomedRow {
    code: String,
    name: String,
    customer_group: String,
    region: String,
    township: String,
    address: String,
    phone_sealed: String,
    extra_phones_sealed: String,
    id_number_sealed: String,
    household_sealed: String,
    legal_representative: String,
    contact_person: String,
    notes: String,
    tags: Vec<String>,
    key_id: String,
    relationship_ended: String,
    retention_extended_until: String,
    paper_cabinet: String,
    paper_shelf: String,
    paper_box: String,
    #[serde(skip)]
    created_at: Datetime,
}

#[derive(SurrealValue)]
struct CertificateRow {
    code: String,
    customer_group: String,
    region: String,
    opened_on: String,
    relationship_ended: String,
    retention_end: String,
    policy_years: i64,
    policy_reason: String,
    paper_location: String,
    proposed_by: String,
    proposed_at: String,
    approved_by: String,
    approved_at: String,
    destroyed_at: String,
    content_hash: String,
}

fn customer_id(code: &str) -> RecordId {
    RecordId::new("customer", code)
}

impl ProposalRow {
    fn into_proposal(self) -> Result<Proposal, StoreError> {
        let corrupt = || StoreError::Corrupt(format!("disposal proposal {}", self.id));
        Ok(Proposal {
            kind: ProposalKind::from_key(&self.kind).ok_or_else(corrupt)?,
            decision: Decision::from_key(&self.decision).ok_or_else(corrupt)?,
            proposed_at: time_fmt::format_minute_cst(self.proposed_at.timestamp_millis()),
            decided_at: self
                .decided_at
                .map(|at| time_fmt::format_minute_cst(at.timestamp_millis()))
                .unwrap_or_default(),
            id: self.id,
            code: self.customer,
            reason: self.reason,
            extend_until: self.extend_until,
            proposed_by: self.proposed_by,
            decided_by: self.decided_by,
            decision_note: self.decision_note,
        })
    }
}

impl EndedRow {
    fn hold(&self) -> Option<Hold> {
        (!self.hold_reason.is_empty()).then(|| Hold {
            reason: self.hold_reason.clone(),
            set_by: self.hold_by.clone(),
            set_at: self
                .hold_at
                .as_ref()
                .map(|at| time_fmt::format_minute_cst(at.timestamp_millis()))
                .unwrap_or_default(),
        })
    }
}

impl Store {
    /// The retention of every group: as set, or the default.
    pub async fn retention_policies(&self) -> Result<Vec<RetentionPolicy>, StoreError> {
        let rows: Vec<PolicyRow> = self
            .db
            .query("SELECT record::id(id) AS group, years, reason FROM retention_policy")
            .await?
            .take(0)?;
        let mut policies = RetentionPolicy::defaults();
        for row in rows {
            if let (Some(policy), Ok(years)) = (
                policies
                    .iter_mut()
                    .find(|p| Some(p.group) == CustomerGroup::from_key(&row.group)),
                u8::try_from(row.years),
            ) {
                policy.years = years;
                policy.reason = row.reason;
            }
        }
        Ok(policies)
    }

    pub async fn save_retention_policy(
        &self,
        policy: &RetentionPolicy,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        self.audited(
            "UPSERT ONLY type::record('retention_policy', $group) SET years = $years, \
             reason = $reason RETURN NONE",
            audit,
            |q| {
                q.bind(("group", policy.group.key()))
                    .bind(("years", i64::from(policy.years)))
                    .bind(("reason", policy.reason.clone()))
            },
        )
        .await
        .map(drop)
    }

    /// Files of `scope` whose relationship has ended and whose retention is
    /// over on `today`, that are already under review, or whose person asked
    /// for deletion; oldest end first, then the requests.
    pub async fn disposal_review(
        &self,
        scope: &RegionScope,
        today: Date,
    ) -> Result<Vec<DisposalCandidate>, StoreError> {
        let (scope_match, scope_values) = scope_condition(scope);
        let mut query = self.db.query(format!(
            "LET $asked = (SELECT VALUE customer FROM person_request \
                 WHERE kind = 'deletion' AND status = 'open');
             SELECT code, name, customer_group, region, relationship_ended, \
                 retention_extended_until, hold_reason, hold_by, hold_at, status FROM customer \
             WHERE ((status IN ['inactive', 'under_disposal_review'] \
                     AND relationship_ended != '') \
                 OR (code IN $asked AND status != 'destroyed')) \
                 AND {scope_match} ORDER BY relationship_ended, code;
             SELECT {PROPOSAL_COLUMNS} FROM disposal_proposal WHERE decision = 'pending';
             SELECT customer, received_on FROM person_request \
                 WHERE kind = 'deletion' AND status = 'open' ORDER BY received_on;"
        ));
        for value in scope_values {
            query = query.bind(value);
        }
        let mut response = query.await?;
        let rows: Vec<EndedRow> = response.take(1)?;
        let pending: Vec<ProposalRow> = response.take(2)?;
        let asked: Vec<AskedRow> = response.take(3)?;
        let mut asked_on: HashMap<String, String> = HashMap::new();
        for row in asked {
            asked_on.entry(row.customer).or_insert(row.received_on);
        }
        let mut pending: HashMap<String, Proposal> = pending
            .into_iter()
            .map(|p| p.into_proposal().map(|p| (p.code.clone(), p)))
            .collect::<Result<_, _>>()?;
        let policies = self.retention_policies().await?;
        let mut candidates = Vec::new();
        for row in rows {
            let Some(group) = CustomerGroup::from_key(&row.customer_group) else {
                continue;
            };
            let years = policies
                .iter()
                .find(|p| p.group == group)
                .map_or(0, |p| p.years);
            let end = retention_end(
                &row.relationship_ended,
                years,
                &row.retention_extended_until,
            );
            let deletion_requested = asked_on.remove(&row.code).unwrap_or_default();
            let proposal = pending.remove(&row.code);
            let due = end.is_some_and(|end| end <= today);
            if !(due
                || proposal.is_some()
                || row.status == "under_disposal_review"
                || !deletion_requested.is_empty())
            {
                continue;
            }
            candidates.push(DisposalCandidate {
                hold: row.hold(),
                region_name: region::full_name(&row.region),
                code: row.code,
                name: row.name,
                group,
                relationship_ended: row.relationship_ended,
                retention_end: end.map(|d| d.to_string()).unwrap_or_default(),
                policy_years: years,
                proposal,
                deletion_requested,
            });
        }
        Ok(candidates)
    }

    /// A file's retention, hold and proposals.
    pub async fn lifecycle_state(&self, code: &ArchiveCode) -> Result<LifecycleState, StoreError> {
        let mut response = self
            .db
            .query(format!(
                "SELECT code, name, customer_group, region, relationship_ended, \
                     retention_extended_until, hold_reason, hold_by, hold_at, status \
                     FROM ONLY $id;
                 SELECT {PROPOSAL_COLUMNS} FROM disposal_proposal WHERE customer = $code \
                     ORDER BY proposed_at DESC;"
            ))
            .bind(("id", customer_id(code.as_str())))
            .bind(("code", code.to_string()))
            .await?;
        let row: Option<EndedRow> = response.take(0)?;
        let proposals: Vec<ProposalRow> = response.take(1)?;
        let Some(row) = row else {
            return Ok(LifecycleState::default());
        };
        let policies = self.retention_policies().await?;
        let years = CustomerGroup::from_key(&row.customer_group)
            .and_then(|g| policies.iter().find(|p| p.group == g))
            .map_or(0, |p| p.years);
        Ok(LifecycleState {
            retention_end: retention_end(
                &row.relationship_ended,
                years,
                &row.retention_extended_until,
            )
            .map(|d| d.to_string())
            .unwrap_or_default(),
            hold: row.hold(),
            relationship_ended: row.relationship_ended,
            policy_years: years,
            proposals: proposals
                .into_iter()
                .map(ProposalRow::into_proposal)
                .collect::<Result<_, _>>()?,
        })
    }

    /// One proposal by its id.
    pub async fn proposal(&self, id: &str) -> Result<Option<Proposal>, StoreError> {
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Ok(None);
        }
        let row: Option<ProposalRow> = self
            .db
            .query(format!(
                "SELECT {PROPOSAL_COLUMNS} FROM ONLY type::record('disposal_proposal', $id)"
            ))
            .bind(("id", id.to_string()))
            .await?
            .take(0)?;
        row.map(ProposalRow::into_proposal).transpose()
    }

    /// Records a proposal; a proposal to destroy puts the file under
    /// review. Refused when the file is held, already has an open proposal,
    /// or is neither inactive nor the subject of an open deletion request.
    pub async fn propose_disposal(
        &self,
        code: &ArchiveCode,
        (kind, reason, extend_until): (ProposalKind, &str, &str),
        actor: &str,
        audit: &AuditEntry,
    ) -> Result<ReviewOutcome, StoreError> {
        let outcome = self
            .audited(
                "LET $file = (SELECT status, hold_reason FROM ONLY $id);
                 IF $file = NONE { THROW 'not_reviewable' };
                 LET $asked = array::len((SELECT VALUE id FROM person_request \
                     WHERE customer = $code AND kind = 'deletion' AND status = 'open')) > 0;
                 IF $file.status != 'inactive' AND !($asked AND $file.status = 'active') {
                     THROW 'not_reviewable'
                 };
                 IF $file.hold_reason != '' { THROW 'on_hold' };
                 IF array::len((SELECT VALUE id FROM disposal_proposal \
                     WHERE customer = $code AND decision = 'pending')) > 0 { THROW 'pending' };
                 CREATE disposal_proposal SET customer = $code, kind = $kind, reason = $reason, \
                     extend_until = $until, proposed_by = $actor RETURN NONE;
                 IF $kind = 'destroy' {
                     UPDATE $id SET status = 'under_disposal_review' RETURN NONE
                 }",
                audit,
                |q| {
                    q.bind(("id", customer_id(code.as_str())))
                        .bind(("code", code.to_string()))
                        .bind(("kind", kind.key()))
                        .bind(("reason", reason.to_string()))
                        .bind(("until", extend_until.to_string()))
                        .bind(("actor", actor.to_string()))
                },
            )
            .await;
        refusal_of(outcome)
    }

    /// Rejects a proposal (the file leaves review), or approves an
    /// extension. Destruction is [`Self::destroy_file`].
    pub async fn decide_proposal(
        &self,
        proposal: &Proposal,
        approve: bool,
        (actor, note): (&str, &str),
        audit: &AuditEntry,
    ) -> Result<ReviewOutcome, StoreError> {
        let follow_up = if approve {
            "UPDATE $id SET retention_extended_until = $until RETURN NONE"
        } else {
            // A file that came into review through a deletion request while
            // its relationship was still going on goes back to active.
            "UPDATE $id SET status = 'active' \
                 WHERE status = 'under_disposal_review' AND relationship_ended = '' RETURN NONE;
             UPDATE $id SET status = 'inactive' WHERE status = 'under_disposal_review' RETURN NONE"
        };
        let outcome = self
            .audited(
                &format!(
                    "LET $decided = (UPDATE ONLY type::record('disposal_proposal', $proposal) \
                         SET decision = $decision, decided_by = $actor, decided_at = time::now(), \
                         decision_note = $note WHERE decision = 'pending' RETURN VALUE customer);
                     IF $decided = NONE {{ THROW '{STALE}' }};
                     {follow_up}"
                ),
                audit,
                |q| {
                    q.bind(("proposal", proposal.id.clone()))
                        .bind(("decision", if approve { "approved" } else { "rejected" }))
                        .bind(("actor", actor.to_string()))
                        .bind(("note", note.to_string()))
                        .bind(("id", customer_id(&proposal.code)))
                        .bind(("until", proposal.extend_until.clone()))
                },
            )
            .await;
        refusal_of(outcome)
    }

    /// Destroys the file of an approved proposal: its personal data are
    /// cleared, its data key leaves the keyring (so every sealed copy,
    /// in the database, its log and its backups, stays unreadable), and a
    /// certificate is kept. The archive code is never given out again.
    pub async fn destroy_file(
        &self,
        proposal: &Proposal,
        (approver, note): (&str, &str),
        audit: &AuditEntry,
    ) -> Result<Result<Certificate, String>, StoreError> {
        let doomed: Option<DoomedRow> = self
            .db
            .query(
                "SELECT code, name, customer_group, region, township, address, phone_sealed, \
                 extra_phones_sealed, id_number_sealed, household_sealed, legal_representative, \
                 contact_person, notes, tags, key_id, relationship_ended, \
                 retention_extended_until, paper_cabinet, paper_shelf, paper_box, created_at \
                 FROM ONLY $id",
            )
            .bind(("id", customer_id(&proposal.code)))
            .await?
            .take(0)?;
        let Some(doomed) = doomed else {
            return Ok(Err("档案不存在".to_string()));
        };
        let group = CustomerGroup::from_key(&doomed.customer_group)
            .ok_or_else(|| StoreError::Corrupt(doomed.code.clone()))?;
        let policy = self
            .retention_policies()
            .await?
            .into_iter()
            .find(|p| p.group == group)
            .unwrap_or_else(|| RetentionPolicy {
                group,
                years: 0,
                reason: String::new(),
            });
        let wrapped = self.keyring.get(&doomed.key_id).unwrap_or_default();
        let content_hash = {
            let mut hasher = Sha256::new();
            hasher.update(serde_json::to_vec(&doomed).unwrap_or_default());
            hasher.update(wrapped.as_bytes());
            crate::secure::hex(&hasher.finalize())
        };
        let paper = [
            &doomed.paper_cabinet,
            &doomed.paper_shelf,
            &doomed.paper_box,
        ]
        .iter()
        .zip(["柜", "架", "盒"])
        .filter(|(v, _)| !v.is_empty())
        .map(|(v, unit)| format!("{v} {unit}"))
        .collect::<Vec<_>>()
        .join(" ");
        let certificate = Certificate {
            code: doomed.code.clone(),
            group,
            region: doomed.region.clone(),
            opened_on: time_fmt::format_minute_cst(doomed.created_at.timestamp_millis())
                .get(..10)
                .unwrap_or_default()
                .to_string(),
            relationship_ended: doomed.relationship_ended.clone(),
            retention_end: retention_end(
                &doomed.relationship_ended,
                policy.years,
                &doomed.retention_extended_until,
            )
            .map(|d| d.to_string())
            .unwrap_or_default(),
            policy_years: policy.years,
            policy_reason: policy.reason.clone(),
            paper_location: paper,
            proposed_by: proposal.proposed_by.clone(),
            proposed_at: proposal.proposed_at.clone(),
            approved_by: approver.to_string(),
            approved_at: time_fmt::format_minute_cst(crate::api::caller::now_ms()),
            destroyed_at: time_fmt::format_second_cst(crate::api::caller::now_ms()),
            content_hash,
        };
        let outcome = self
            .audited(
                &format!(
                    "LET $decided = (UPDATE ONLY type::record('disposal_proposal', $proposal) \
                         SET decision = 'approved', decided_by = $actor, \
                         decided_at = time::now(), decision_note = $note \
                         WHERE decision = 'pending' RETURN VALUE customer);
                     IF $decided = NONE {{ THROW '{STALE}' }};
                     LET $gone = (UPDATE ONLY $id SET {SCRUB} \
                         WHERE status = 'under_disposal_review' AND hold_reason = '' \
                         RETURN VALUE code);
                     IF $gone = NONE {{ THROW 'not_destroyable' }};
                     DELETE search_key WHERE file = $id;
                     CREATE type::record('destruction_certificate', $code) CONTENT $certificate \
                         RETURN NONE;
                     UPDATE person_request SET status = 'answered', answered_by = $actor, \
                         answered_on = $today \
                         WHERE customer = $code AND kind = 'deletion' AND status = 'open' \
                         RETURN NONE"
                ),
                audit,
                |q| {
                    q.bind(("proposal", proposal.id.clone()))
                        .bind(("actor", approver.to_string()))
                        .bind(("note", note.to_string()))
                        .bind(("id", customer_id(&doomed.code)))
                        .bind(("code", doomed.code.clone()))
                        .bind(("scrub_phone", scrub(&doomed.code, "phone")))
                        .bind(("scrub_id", scrub(&doomed.code, "id_number")))
                        .bind(("certificate", certificate_row(&certificate)))
                        .bind(("today", time_fmt::today_cst().to_string()))
                },
            )
            .await;
        match refusal_of(outcome)? {
            ReviewOutcome::Refused(why) => return Ok(Err(why)),
            ReviewOutcome::Done => {}
        }
        // The database no longer names the key; were this to fail, the next
        // start forgets it.
        if !doomed.key_id.is_empty() {
            self.keyring.remove(std::slice::from_ref(&doomed.key_id))?;
        }
        Ok(Ok(certificate))
    }

    /// Sets (`Some(reason)`) or lifts a legal hold, as a new version of the
    /// file with its history entry.
    pub async fn set_hold(
        &self,
        code: &ArchiveCode,
        expected_version: i64,
        (hold, why, actor): (bool, &str, &str),
        audit: &AuditEntry,
    ) -> Result<ReviewOutcome, StoreError> {
        let Some(key) = self.file_key(code).await? else {
            return Ok(ReviewOutcome::Refused("档案不存在或已销毁".to_string()));
        };
        let version = expected_version + 1;
        let (before, after) = if hold {
            ("无".to_string(), format!("冻结：{why}"))
        } else {
            ("冻结".to_string(), "解除".to_string())
        };
        let changes = serde_json::to_string(&[FieldChange {
            field: "legal_hold".to_string(),
            label: "法律保全".to_string(),
            before,
            after,
        }])
        .unwrap_or_default();
        let sealed = key.seal(code.as_str(), &format!("change/{version}"), &changes);
        let outcome = self
            .audited(
                &format!(
                    "LET $held = (UPDATE ONLY $id SET hold_reason = $hold_reason, hold_by = $hold_by, \
                         hold_at = $hold_at, version = $version, updated_at = time::now(), \
                         updated_by = $actor WHERE version = $expected \
                         AND status != 'destroyed' AND (hold_reason = '') = $hold \
                         RETURN VALUE code);
                     IF $held = NONE {{ THROW '{STALE}' }};
                     CREATE customer_change SET customer = $code, version = $version, \
                         by = $actor, fields = ['legal_hold'], reason = $why, \
                         changes_sealed = $changes RETURN NONE"
                ),
                audit,
                |q| {
                    q.bind(("id", customer_id(code.as_str())))
                        .bind(("code", code.to_string()))
                        .bind(("hold", hold))
                        .bind(("hold_reason", if hold { why.to_string() } else { String::new() }))
                        .bind(("hold_by", if hold { actor.to_string() } else { String::new() }))
                        .bind(("hold_at", hold.then(Datetime::now)))
                        .bind(("version", version))
                        .bind(("expected", expected_version))
                        .bind(("actor", actor.to_string()))
                        .bind(("why", why.to_string()))
                        .bind(("changes", sealed.clone()))
                },
            )
            .await;
        refusal_of(outcome)
    }

    /// Certificates of destroyed files in `scope`, newest first.
    pub async fn certificates(&self, scope: &RegionScope) -> Result<Vec<Certificate>, StoreError> {
        let (scope_match, scope_values) = scope_condition(scope);
        let mut query = self.db.query(format!(
            "SELECT * FROM destruction_certificate WHERE {scope_match} ORDER BY destroyed_at DESC"
        ));
        for value in scope_values {
            query = query.bind(value);
        }
        let rows: Vec<CertificateRow> = query.await?.take(0)?;
        rows.into_iter()
            .map(|row| {
                Ok(Certificate {
                    group: CustomerGroup::from_key(&row.customer_group)
                        .ok_or_else(|| StoreError::Corrupt(row.code.clone()))?,
                    policy_years: u8::try_from(row.policy_years).unwrap_or(0),
                    code: row.code,
                    region: row.region,
                    opened_on: row.opened_on,
                    relationship_ended: row.relationship_ended,
                    retention_end: row.retention_end,
                    policy_reason: row.policy_reason,
                    paper_location: row.paper_location,
                    proposed_by: row.proposed_by,
                    proposed_at: row.proposed_at,
                    approved_by: row.approved_by,
                    approved_at: row.approved_at,
                    destroyed_at: row.destroyed_at,
                    content_hash: row.content_hash,
                })
            })
            .collect()
    }

    /// When the file `code` was destroyed, if it was.
    pub async fn destroyed_on(&self, code: &ArchiveCode) -> Result<Option<String>, StoreError> {
        let at: Option<String> = self
            .db
            .query("SELECT VALUE destroyed_at FROM ONLY type::record('destruction_certificate', $code)")
            .bind(("code", code.to_string()))
            .await?
            .take(0)?;
        Ok(at)
    }
}

/// What a destruction writes over a file: no personal value stays, only
/// code, group, region, dates and the paper folder's place. Binds `$actor`,
/// `$scrub_phone` and `$scrub_id`.
const SCRUB: &str = "status = 'destroyed', name = '（已销毁）', name_pinyin = '', \
     name_initials = '', \
     phone_sealed = '', phone_index = $scrub_phone, extra_phones_sealed = '', \
     extra_phone_indexes = [], id_number_sealed = '', id_number_index = $scrub_id, \
     legal_representative = '', contact_person = '', township = '', address = '', \
     household_sealed = '', parcels = [], assets = [], cooperation = [], \
     credit_rating = 'unrated', credit_reason = '', credit_date = '', credit_set_by = '', \
     tags = [], notes = '', next_verification = '', key_id = '', version = version + 1, \
     updated_at = time::now(), updated_by = $actor";

/// A value for a unique index that no real value can have.
fn scrub(code: &str, kind: &str) -> String {
    crate::secure::hex(&Sha256::digest(format!("destroyed/{kind}/{code}")))
}

impl Store {
    /// Destroys again a file that a restored backup brought back: the
    /// register outside the database names it. Answers whether anything
    /// was left to destroy.
    pub async fn reapply_destruction(
        &self,
        certificate: &Certificate,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        // A backup older than the file itself knows neither the file nor its
        // serial: the counter moves past it so the code is never handed out
        // again, and the certificate is put back in the register.
        if let Ok(code) = ArchiveCode::parse(&self.scheme, &certificate.code) {
            self.db
                .query(
                    "UPSERT ONLY $counter SET last = math::max([last ?? 0, $serial]) RETURN NONE;
                     IF (SELECT VALUE code FROM ONLY $certificate_id) = NONE {
                         CREATE $certificate_id CONTENT $certificate RETURN NONE
                     };",
                )
                .bind((
                    "counter",
                    RecordId::new(
                        "archive_serial",
                        self.scheme.counter_key(code.group(), code.region()),
                    ),
                ))
                .bind(("serial", i64::try_from(code.serial()).unwrap_or(i64::MAX)))
                .bind((
                    "certificate_id",
                    RecordId::new("destruction_certificate", certificate.code.as_str()),
                ))
                .bind(("certificate", certificate_row(certificate)))
                .await?
                .check()?;
        }
        let key_id = self.key_id_of(&certificate.code).await?;
        let outcome = self
            .audited(
                &format!(
                    "LET $gone = (UPDATE $id SET {SCRUB} WHERE status != 'destroyed' \
                         RETURN VALUE code);
                     IF array::len($gone) = 0 {{ THROW 'already_destroyed' }};
                     DELETE search_key WHERE file = $id;"
                ),
                audit,
                |q| {
                    q.bind(("id", customer_id(&certificate.code)))
                        .bind(("actor", "(恢复备份)"))
                        .bind(("scrub_phone", scrub(&certificate.code, "phone")))
                        .bind(("scrub_id", scrub(&certificate.code, "id_number")))
                },
            )
            .await;
        match outcome {
            Ok(_) => {}
            Err(error) if error.is_thrown("already_destroyed") => return Ok(false),
            Err(error) => return Err(error),
        }
        if !key_id.is_empty() {
            self.keyring.remove(&[key_id])?;
        }
        Ok(true)
    }
}

fn certificate_row(c: &Certificate) -> CertificateRow {
    CertificateRow {
        code: c.code.clone(),
        customer_group: c.group.key().to_string(),
        region: c.region.clone(),
        opened_on: c.opened_on.clone(),
        relationship_ended: c.relationship_ended.clone(),
        retention_end: c.retention_end.clone(),
        policy_years: i64::from(c.policy_years),
        policy_reason: c.policy_reason.clone(),
        paper_location: c.paper_location.clone(),
        proposed_by: c.proposed_by.clone(),
        proposed_at: c.proposed_at.clone(),
        approved_by: c.approved_by.clone(),
        approved_at: c.approved_at.clone(),
        destroyed_at: c.destroyed_at.clone(),
        content_hash: c.content_hash.clone(),
    }
}

/// A script's refusal in words for staff; other failures pass on.
fn refusal_of<T>(outcome: Result<T, StoreError>) -> Result<ReviewOutcome, StoreError> {
    let refusals = [
        (STALE, "此记录刚被他人处理，请刷新页面查看"),
        (
            "not_reviewable",
            "只有已停用（合作已结束）的档案可以进入销毁审核",
        ),
        (
            "on_hold",
            "此档案处于法律保全（冻结）中，解除冻结前不能提议或批准销毁",
        ),
        ("pending", "此档案已有待审批的提议，请等待负责人审批"),
        (
            "not_destroyable",
            "档案已不在销毁审核中，或处于法律保全（冻结）中",
        ),
    ];
    match outcome {
        Ok(_) => Ok(ReviewOutcome::Done),
        Err(error) => match refusals.iter().find(|(marker, _)| error.is_thrown(marker)) {
            Some((_, words)) => Ok(ReviewOutcome::Refused((*words).to_string())),
            None => Err(error),
        },
    }
}
