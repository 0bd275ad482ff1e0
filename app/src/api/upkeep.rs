//! 定期核对: the files due for verification, and verifying one.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::domain::audit::{AuditAction, Outcome};
use crate::domain::upkeep::{DueCounts, DueFile, VerificationCycles, VerificationState};
use crate::error::AppError;

/// Files listed per page of the due list.
pub const DUE_PAGE_SIZE: u32 = 20;

/// The due list as the page asks for it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueQuery {
    /// A region code (province, city or county), or empty for all.
    pub region: String,
    /// A customer group key, or empty for all.
    pub group: String,
    /// 1-based.
    pub page: u32,
}

/// One page of the due list, and the counts of the caller's regions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DuePage {
    pub counts: DueCounts,
    /// Files matching the filter.
    pub total: u64,
    pub page: u32,
    pub page_size: u32,
    pub rows: Vec<DueFile>,
}

/// A verification as the verify page sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VerificationInput {
    pub code: String,
    /// The version of the file the page showed.
    pub version: i64,
    /// `confirmed`, `corrected` or `unreachable`.
    pub outcome: String,
    // The facts that a correction may change; ignored otherwise.
    pub phone: String,
    pub address: String,
    pub land_area: String,
    pub cooperation: Vec<String>,
    pub credit_rating: String,
    pub credit_reason: String,
    /// The customer no longer cooperates: the file turns inactive.
    pub ended: bool,
    /// How the check went; the reason of a correction of credit.
    pub note: String,
}

/// What a verification left behind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verified {
    pub version: i64,
    /// `YYYY-MM-DD`, or empty when the file left the cycle.
    pub next_due: String,
}

/// The caller's files due for verification within the fortnight, or
/// overdue, oldest date first.
#[server(endpoint = "due_files", input = Json)]
pub async fn due_files(query: DueQuery) -> Result<DuePage, AppError> {
    use super::ssr;
    use crate::domain::time_fmt::today_cst;
    use crate::domain::{CustomerGroup, RegionCode, Right};
    use crate::store::DueFilter;

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::Search,
            "",
            async {
                let caller = request.caller().await?;
                caller.require(Right::VerifyCustomer)?;
                let region_prefix = match query.region.trim() {
                    "" => String::new(),
                    typed => RegionCode::parse(typed)
                        .map_err(|e| AppError::BadRequest(e.to_string()))?
                        .tree_prefix()
                        .to_string(),
                };
                let group = match query.group.trim() {
                    "" => None,
                    key => Some(CustomerGroup::from_key(key).ok_or_else(|| {
                        AppError::BadRequest("客户类别不正确，请重新选择".to_string())
                    })?),
                };
                let page = query.page.max(1);
                let store = request.store()?;
                let (counts, total, rows) = store
                    .due_files(
                        caller.scope(),
                        &DueFilter {
                            region_prefix,
                            group,
                        },
                        today_cst(),
                        u64::from(page - 1) * u64::from(DUE_PAGE_SIZE),
                        u64::from(DUE_PAGE_SIZE),
                    )
                    .await
                    .map_err(ssr::internal)?;
                request
                    .record(&request.event(
                        AuditAction::Search,
                        "",
                        Outcome::Ok,
                        serde_json::json!({
                            "kind": "due", "region": query.region.trim(),
                            "group": query.group.trim(), "page": page,
                            "rows": rows.len(),
                        }),
                    ))
                    .await?;
                Ok(DuePage {
                    counts,
                    total,
                    page,
                    page_size: DUE_PAGE_SIZE,
                    rows,
                })
            }
            .await,
        )
        .await
}

/// How many of the caller's files are overdue or due soon, for the home
/// page; names nobody.
#[server(endpoint = "count_due", input = Json)]
pub async fn count_due() -> Result<DueCounts, AppError> {
    use super::ssr;
    use crate::domain::Right;
    use crate::domain::time_fmt::today_cst;
    use crate::store::DueFilter;

    let request = ssr::Request::begin();
    request.answer(
        async {
            let caller = request.caller().await?;
            caller.require(Right::VerifyCustomer)?;
            let store = request.store()?;
            let (counts, ..) = store
                .due_files(caller.scope(), &DueFilter::default(), today_cst(), 0, 0)
                .await
                .map_err(ssr::internal)?;
            Ok(counts)
        }
        .await,
    )
}

/// A file's next due date and its verifications.
#[server(endpoint = "get_verification_state", input = Json)]
pub async fn get_verification_state(code: String) -> Result<VerificationState, AppError> {
    use super::customers::viewable_code;
    use super::ssr;
    use crate::domain::time_fmt::today_cst;

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::ViewFile,
            &code.clone(),
            async {
                let code = viewable_code(&request, &code).await?;
                let store = request.store()?;
                store
                    .verification_state(&code, today_cst())
                    .await
                    .map_err(ssr::internal)
            }
            .await,
        )
        .await
}

/// Records a verification: confirmed as it is, nobody reached, or
/// corrected (the corrections saved as a new version of the file, in the
/// same transaction). Moves the file's due date.
#[server(endpoint = "verify_customer", input = Json)]
pub async fn verify_customer(input: VerificationInput) -> Result<Verified, AppError> {
    use super::customers::{Amendment, apply_edit, conflict, not_found, visible_code};
    use super::ssr;
    use crate::domain::history::FieldChange;
    use crate::domain::profile::CreditRating;
    use crate::domain::time_fmt::today_cst;
    use crate::domain::upkeep::{VerificationOutcome, next_due};
    use crate::domain::{CustomerStatus, Right};
    use crate::store::VerificationWrite;

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::Verify,
            &input.code.clone(),
            async {
                let caller = request.caller().await?;
                caller.require(Right::VerifyCustomer)?;
                let store = request.store()?;
                let code = visible_code(store, &caller, &input.code)?;
                let outcome = VerificationOutcome::from_key(input.outcome.trim())
                    .ok_or_else(|| AppError::BadRequest("请选择核对结果".to_string()))?;
                let note = input.note.trim();
                if note.chars().count() > 200 {
                    return Err(AppError::field(
                        crate::domain::Field::Reason,
                        "说明不能超过 200 个字",
                    ));
                }
                let stored = store
                    .stored_file(&code)
                    .await
                    .map_err(ssr::internal)?
                    .ok_or_else(|| not_found(&code))?;
                if stored.status != CustomerStatus::Active {
                    return Err(AppError::Conflict(format!(
                        "档案 {code} 的状态是“{}”，不在核对范围内",
                        stored.status.label()
                    )));
                }
                if stored.version != input.version {
                    return Err(conflict(store, &code, input.version).await);
                }

                let today = today_cst();
                let cycles = store.verification_cycles().await.map_err(ssr::internal)?;
                let due = next_due(today, outcome, cycles.of(stored.details.group)).to_string();
                let ended = (outcome == VerificationOutcome::Corrected && input.ended)
                    .then(|| today.to_string());
                let write = VerificationWrite {
                    actor: caller.username().to_string(),
                    outcome,
                    fields: Vec::new(),
                    note: note.to_string(),
                    next_due: due.clone(),
                    ended: ended.clone(),
                };
                let event = |fields: Vec<String>| {
                    request.event(
                        AuditAction::Verify,
                        code.to_string(),
                        Outcome::Ok,
                        serde_json::json!({
                            "outcome": outcome.key(), "fields": fields,
                            "next_due": if ended.is_some() { "" } else { due.as_str() },
                            "ended": ended.is_some(),
                        }),
                    )
                };

                if outcome != VerificationOutcome::Corrected {
                    let saved = store
                        .record_verification(&code, stored.version, &write, &event(Vec::new()))
                        .await
                        .map_err(ssr::internal)?;
                    if !saved {
                        return Err(conflict(store, &code, input.version).await);
                    }
                    tracing::info!(customer.code = %code, outcome = outcome.key(), "file verified");
                    return Ok(Verified {
                        version: stored.version,
                        next_due: due,
                    });
                }

                let mut form = stored.details.clone().masked().to_form();
                form.phone = input.phone.clone();
                form.address = input.address.clone();
                form.land_area = input.land_area.clone();
                form.cooperation = input.cooperation.clone();
                form.credit_rating = input.credit_rating.clone();
                form.credit_reason = input.credit_reason.clone();
                let status_change = input.ended.then(|| FieldChange {
                    field: "status".to_string(),
                    label: "档案状态".to_string(),
                    before: CustomerStatus::Active.label().to_string(),
                    after: CustomerStatus::Inactive.label().to_string(),
                });
                // The form names "unrated" by an empty choice.
                let rating = match form.credit_rating.trim() {
                    "" => Some(CreditRating::Unrated),
                    key => CreditRating::from_key(key),
                };
                let credit_changed = rating != Some(stored.details.credit.rating)
                    || form.credit_reason.trim() != stored.details.credit.reason;
                if credit_changed && note.is_empty() {
                    return Err(AppError::field(
                        crate::domain::Field::Reason,
                        "更正了信用状况，请在“说明”中写明原因",
                    ));
                }
                let reason = if note.is_empty() {
                    "定期核对更正".to_string()
                } else {
                    format!("定期核对：{note}")
                };
                let version = apply_edit(
                    &request,
                    &caller,
                    &code,
                    &stored,
                    Amendment {
                        form: &form,
                        reason: &reason,
                        status_change,
                        verification: Some(write),
                    },
                    |changes, _| event(changes.iter().map(|c| c.field.clone()).collect()),
                )
                .await?
                .ok_or_else(|| {
                    AppError::BadRequest("没有更正任何内容；信息无误请点“信息无误”".to_string())
                })?;
                tracing::info!(customer.code = %code, outcome = outcome.key(), "file verified");
                Ok(Verified {
                    version,
                    next_due: if ended.is_some() { String::new() } else { due },
                })
            }
            .await,
        )
        .await
}

/// Brings an inactive file back into the verification cycle, due today,
/// when the customer cooperates again; `reason` says why.
#[server(endpoint = "resume_cooperation", input = Json)]
pub async fn resume_cooperation(
    code: String,
    version: i64,
    reason: String,
) -> Result<i64, AppError> {
    use super::customers::{conflict, not_found, visible_code};
    use super::ssr;
    use crate::domain::time_fmt::today_cst;
    use crate::domain::{CustomerStatus, Right};

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::EditFile,
            &code.clone(),
            async {
                let caller = request.caller().await?;
                caller.require(Right::VerifyCustomer)?;
                let store = request.store()?;
                let code = visible_code(store, &caller, &code)?;
                let reason = reason.trim();
                if reason.is_empty() || reason.chars().count() > 200 {
                    return Err(AppError::BadRequest(
                        "请写明恢复合作的原因（200 字以内）".to_string(),
                    ));
                }
                let stored = store
                    .stored_file(&code)
                    .await
                    .map_err(ssr::internal)?
                    .ok_or_else(|| not_found(&code))?;
                if stored.status != CustomerStatus::Inactive {
                    return Err(AppError::Conflict(format!(
                        "档案 {code} 的状态是“{}”，只有停用的档案可以恢复合作",
                        stored.status.label()
                    )));
                }
                if stored.version != version {
                    return Err(conflict(store, &code, version).await);
                }
                let today = today_cst().to_string();
                let event = request.event(
                    AuditAction::EditFile,
                    code.to_string(),
                    Outcome::Ok,
                    serde_json::json!({ "version": version + 1, "fields": ["status"], "reason_given": true }),
                );
                let resumed = store
                    .set_relationship(&code, version, true, (caller.username(), reason, &today), &event)
                    .await
                    .map_err(ssr::internal)?;
                if !resumed {
                    return Err(conflict(store, &code, version).await);
                }
                tracing::info!(customer.code = %code, "cooperation resumed");
                Ok(version + 1)
            }
            .await,
        )
        .await
}

/// How often each group's files are verified.
#[server(endpoint = "get_verification_cycles", input = Json)]
pub async fn get_verification_cycles() -> Result<VerificationCycles, AppError> {
    use super::ssr;

    let request = ssr::Request::begin();
    request.answer(
        async {
            request.caller().await?;
            let store = request.store()?;
            store.verification_cycles().await.map_err(ssr::internal)
        }
        .await,
    )
}

/// Sets the verification cycle of one customer group, in months.
#[server(endpoint = "save_verification_cycle", input = Json)]
pub async fn save_verification_cycle(group: String, months: String) -> Result<(), AppError> {
    use super::ssr;
    use crate::domain::upkeep::parse_cycle;
    use crate::domain::{CustomerGroup, Right};

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::SettingsChange,
            "get_verification_cycles",
            async {
                let caller = request.caller().await?;
                caller.require(Right::ManageSettings)?;
                let group = CustomerGroup::from_key(group.trim()).ok_or_else(|| {
                    AppError::BadRequest("客户类别不正确，请重新选择".to_string())
                })?;
                let months = parse_cycle(&months).map_err(AppError::BadRequest)?;
                let store = request.store()?;
                let event = request.event(
                    AuditAction::SettingsChange,
                    "get_verification_cycles",
                    Outcome::Ok,
                    serde_json::json!({ "group": group.key(), "months": months }),
                );
                store
                    .save_verification_cycle(group, months, &event)
                    .await
                    .map_err(ssr::internal)
            }
            .await,
        )
        .await
}
