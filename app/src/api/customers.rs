//! Customer files: intake, reading one, searching.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::domain::audit::{AuditAction, Outcome};
use crate::domain::history::ChangeEntry;
use crate::domain::lifecycle::LifecycleState;
use crate::domain::profile::CooperationType;
use crate::domain::township::Township;
use crate::domain::upkeep::VerificationState;
use crate::domain::{Customer, CustomerForm, SensitiveField};
use crate::error::AppError;

pub use crate::domain::search::{SearchQuery, SearchResults};

/// Opens a new customer file from the intake form and answers its archive
/// code. Every field is checked again here; the browser's check is a
/// courtesy, this one is the rule.
#[server(endpoint = "intake_customer", input = Json)]
pub async fn intake_customer(form: CustomerForm) -> Result<String, AppError> {
    use super::ssr;
    use crate::domain::consent::{CheckedConsent, intake_consent_errors, missing_sensitive_basis};
    use crate::domain::time_fmt::today_cst;
    use crate::domain::{Field, Right};
    use crate::store::StoreError;

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::CreateFile,
            "",
            async {
                let caller = request.caller().await?;
                caller.require(Right::CreateCustomer)?;

                let mut refused = intake_consent_errors(&form);
                let file = match form.validate(today_cst()) {
                    Ok(file) if refused.is_empty() => file,
                    Ok(_) => return Err(AppError::Invalid(refused)),
                    Err(mut errors) => {
                        errors.append(&mut refused);
                        return Err(AppError::Invalid(errors));
                    }
                };
                if !caller.scope().contains(file.region.as_str()) {
                    return Err(AppError::field(
                        Field::Region,
                        "该地区不在您负责的范围内，请核对地区码或联系管理员",
                    ));
                }

                let store = request.store()?;
                let consent = if form.consent.is_empty() {
                    None
                } else {
                    let lists = store.consent_lists().await.map_err(ssr::internal)?;
                    let checked = form
                        .consent
                        .validate(&lists, today_cst())
                        .map_err(|why| AppError::field(Field::Consent, why))?;
                    Some(checked)
                };
                let covered = consent.as_ref().is_some_and(CheckedConsent::covers_sensitive);
                if let Some(why) = missing_sensitive_basis(&file.details, covered) {
                    return Err(AppError::field(Field::Consent, why));
                }
                check_cooperation(store, &file.details.cooperation, &[]).await?;
                check_duplicates(store, &caller, &file.details, None, form.confirm_duplicates)
                    .await?;
                let today = today_cst().to_string();
                let opened = request.event(
                    AuditAction::CreateFile,
                    "",
                    Outcome::Ok,
                    serde_json::json!({
                        "group": file.group.key(),
                        "duplicates_confirmed": form.confirm_duplicates,
                        "consent": consent.as_ref().map(|c| super::consent::consent_details(c, "given")),
                    }),
                );
                let code = match store
                    .create_customer(&file, consent.as_ref(), caller.username(), &today, &opened)
                    .await
                {
                    Err(StoreError::DuplicateIdentity) => {
                        return Err(AppError::DuplicateIdentity { code: None });
                    }
                    other => other.map_err(ssr::internal)?,
                };

                tracing::info!(customer.code = %code, "customer file opened");
                Ok(code.to_string())
            }
            .await,
        )
        .await
}

/// An edit of a file as the edit page sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerEdit {
    pub code: String,
    /// The version the edit started from.
    pub version: i64,
    pub form: CustomerForm,
    /// Why the file is changed; needed for identity and credit.
    pub reason: String,
}

/// Saves an edit of a file and answers its new version. Refused with the
/// changes made meanwhile when someone else saved the file first.
#[server(endpoint = "update_customer", input = Json)]
pub async fn update_customer(edit: CustomerEdit) -> Result<i64, AppError> {
    use super::ssr;
    use crate::domain::{CustomerStatus, Right};

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::EditFile,
            &edit.code.clone(),
            async {
                let caller = request.caller().await?;
                caller.require(Right::EditCustomer)?;
                let store = request.store()?;
                let code = visible_code(store, &caller, &edit.code)?;

                let stored = store
                    .stored_file(&code)
                    .await
                    .map_err(ssr::internal)?
                    .ok_or_else(|| not_found(&code))?;
                if stored.status == CustomerStatus::Destroyed {
                    return Err(AppError::Conflict(format!(
                        "档案 {code} 已销毁，不能再修改"
                    )));
                }
                if stored.version != edit.version {
                    return Err(conflict(store, &code, edit.version).await);
                }

                let saved = apply_edit(
                    &request,
                    &caller,
                    &code,
                    &stored,
                    Amendment {
                        form: &edit.form,
                        reason: edit.reason.trim(),
                        status_change: None,
                        verification: None,
                    },
                    |changes, reason| {
                        request.event(
                            AuditAction::EditFile,
                            code.to_string(),
                            Outcome::Ok,
                            serde_json::json!({
                                "version": edit.version + 1,
                                "fields": changes.iter().map(|c| c.field.as_str()).collect::<Vec<_>>(),
                                "reason_given": !reason.is_empty(),
                            }),
                        )
                    },
                )
                .await?;
                Ok(saved.unwrap_or(stored.version))
            }
            .await,
        )
        .await
}

/// A change to a file on its way to the store: the form as sent, the
/// reason given, and what else goes with it.
#[cfg(feature = "ssr")]
pub(crate) struct Amendment<'a> {
    pub form: &'a CustomerForm,
    pub reason: &'a str,
    /// A change of status that goes with the edit (a relationship ended at
    /// a verification), shown in the history with the other changes.
    pub status_change: Option<crate::domain::history::FieldChange>,
    /// The verification the edit belongs to; its fields are filled in
    /// with the changes.
    pub verification: Option<crate::store::VerificationWrite>,
}

/// Checks and saves a change to a file that is at `stored.version`, with
/// its history entry and the event `event` makes of the changes. `None`
/// when nothing changed (and nothing was saved).
#[cfg(feature = "ssr")]
pub(crate) async fn apply_edit(
    request: &super::ssr::Request,
    caller: &super::caller::Caller,
    code: &crate::domain::ArchiveCode,
    stored: &crate::store::StoredFile,
    amendment: Amendment<'_>,
    event: impl FnOnce(&[crate::domain::history::FieldChange], &str) -> crate::store::AuditEntry,
) -> Result<Option<i64>, AppError> {
    use super::ssr;
    use crate::domain::Field;
    use crate::domain::history::diff;
    use crate::domain::time_fmt::today_cst;
    use crate::store::{Edit, StoreError, UpdateOutcome};

    let store = request.store()?;
    let form = keep_masked(amendment.form, &stored.details);
    let file = form.validate(today_cst()).map_err(AppError::Invalid)?;
    if !caller.scope().contains(file.region.as_str()) {
        return Err(AppError::field(
            Field::Region,
            "该地区不在您负责的范围内，请核对地区码或联系管理员",
        ));
    }
    check_cooperation(
        store,
        &file.details.cooperation,
        &stored.details.cooperation,
    )
    .await?;

    let types = store.cooperation_types().await.map_err(ssr::internal)?;
    let (mut changes, needs_reason) = diff(&stored.details, &file.details, &types);
    changes.extend(amendment.status_change);
    if changes.is_empty() {
        return Ok(None);
    }
    let reason = amendment.reason;
    if needs_reason && reason.is_empty() {
        return Err(AppError::field(
            Field::Reason,
            "修改了姓名、证件或信用状况，请写明修改原因（例如“按身份证原件更正”）",
        ));
    }
    if reason.chars().count() > 200 {
        return Err(AppError::field(Field::Reason, "修改原因不能超过 200 个字"));
    }
    check_sensitive_basis(store, code, &file.details, &changes).await?;
    let who_changed = ["name", "id_number", "phone", "extra_phones", "region"];
    if changes
        .iter()
        .any(|c| who_changed.contains(&c.field.as_str()))
    {
        check_duplicates(
            store,
            caller,
            &file.details,
            Some(code),
            form.confirm_duplicates,
        )
        .await?;
    }

    let today = today_cst().to_string();
    let changed = event(&changes, reason);
    let verification = amendment
        .verification
        .map(|write| crate::store::VerificationWrite {
            fields: changes.iter().map(|c| c.field.clone()).collect(),
            ..write
        });
    let outcome = store
        .update_customer(
            code,
            &Edit {
                file: &file,
                expected_version: stored.version,
                actor: caller.username(),
                reason,
                changes: &changes,
                today: &today,
                audit: &changed,
                verification: verification.as_ref(),
            },
        )
        .await;
    match outcome {
        Ok(UpdateOutcome::Saved(version)) => {
            let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
            tracing::info!(
                customer.code = %code,
                customer.version = version,
                customer.fields = %fields.join(","),
                "customer file changed"
            );
            Ok(Some(version))
        }
        Ok(UpdateOutcome::Conflict) => Err(conflict(store, code, stored.version).await),
        Ok(UpdateOutcome::Gone) => Err(not_found(code)),
        Err(StoreError::DuplicateIdentity) => Err(AppError::DuplicateIdentity { code: None }),
        Err(error) => Err(ssr::internal(error)),
    }
}

/// The history of a file, newest first.
#[server(endpoint = "customer_history", input = Json)]
pub async fn customer_history(code: String) -> Result<Vec<ChangeEntry>, AppError> {
    use super::ssr;

    let request = ssr::Request::begin();
    request.answer(
        async {
            let code = viewable_code(&request, &code).await?;
            let store = request.store()?;
            store.history(&code, 0).await.map_err(ssr::internal)
        }
        .await,
    )
}

/// The townships of one county, for the region picker.
#[server(endpoint = "townships", input = Json)]
pub async fn townships(county: String) -> Result<Vec<Township>, AppError> {
    use super::ssr;

    let request = ssr::Request::begin();
    request.answer(
        async {
            request.caller().await?;
            Ok(crate::domain::township::in_county(county.trim()))
        }
        .await,
    )
}

/// The list of cooperation intentions, retired entries included (files may
/// still name them).
#[server(endpoint = "cooperation_types", input = Json)]
pub async fn cooperation_types() -> Result<Vec<CooperationType>, AppError> {
    use super::ssr;

    let request = ssr::Request::begin();
    request.answer(
        async {
            request.caller().await?;
            let store = request.store()?;
            store.cooperation_types().await.map_err(ssr::internal)
        }
        .await,
    )
}

/// Adds, renames, retires or brings back an entry of the list of
/// cooperation intentions. Entries are never deleted: old files name them.
#[server(endpoint = "save_cooperation_type", input = Json)]
pub async fn save_cooperation_type(entry: CooperationType) -> Result<(), AppError> {
    use super::ssr;
    use crate::domain::Right;

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::SettingsChange,
            "cooperation_types",
            async {
                let caller = request.caller().await?;
                caller.require(Right::ManageSettings)?;
                let key = entry.key.trim();
                if key.is_empty()
                    || key.len() > 40
                    || !key
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                {
                    return Err(AppError::BadRequest(
                        "代码只能由小写英文字母、数字和下划线组成，最多 40 个字符".to_string(),
                    ));
                }
                let label = entry.label.trim();
                if label.is_empty() || label.chars().count() > 20 {
                    return Err(AppError::BadRequest(
                        "名称不能为空，且不超过 20 个字".to_string(),
                    ));
                }
                let store = request.store()?;
                let saved = request.event(
                    AuditAction::SettingsChange,
                    "cooperation_types",
                    Outcome::Ok,
                    serde_json::json!({ "key": key, "label": label, "active": entry.active }),
                );
                store
                    .save_cooperation_type(
                        &CooperationType {
                            key: key.to_string(),
                            label: label.to_string(),
                            active: entry.active,
                        },
                        &saved,
                    )
                    .await
                    .map_err(ssr::internal)?;
                tracing::info!(
                    setting.cooperation_type = key,
                    "cooperation intention saved"
                );
                Ok(())
            }
            .await,
        )
        .await
}

/// Refuses a change to sensitive information (ID numbers, credit) of a
/// person whose file has neither the separate consent nor a legal basis,
/// and a new credit rating without consent to credit assessment.
#[cfg(feature = "ssr")]
async fn check_sensitive_basis(
    store: &crate::store::Store,
    code: &crate::domain::ArchiveCode,
    details: &crate::domain::CustomerDetails,
    changes: &[crate::domain::history::FieldChange],
) -> Result<(), AppError> {
    use crate::domain::consent::{CREDIT_PURPOSE, SENSITIVE, holds_sensitive};
    use crate::domain::profile::CreditRating;

    let changed = |field: &str| changes.iter().any(|c| c.field == field);
    if !holds_sensitive(details)
        || !["id_number", "household", "credit"]
            .into_iter()
            .any(changed)
    {
        return Ok(());
    }
    let consents = store
        .consents(code)
        .await
        .map_err(super::ssr::internal)?
        .unwrap_or_default();
    if !consents.allows(SENSITIVE) {
        return Err(AppError::Conflict(
            "此档案没有客户对敏感个人信息的单独同意或法定处理依据，不能保存证件号码、\
             家庭成员证件号或信用状况的修改。请先在档案页“同意与用途”中登记。"
                .to_string(),
        ));
    }
    if changed("credit") && details.credit.rating != CreditRating::Unrated {
        super::consent::require_consent(store, code, CREDIT_PURPOSE).await?;
    }
    Ok(())
}

/// What the printed cover sheet of a paper folder shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cover {
    pub customer: Customer,
    /// Labels of the file's cooperation intentions.
    pub cooperation: Vec<String>,
    /// The address of the electronic file, which the QR code holds.
    pub url: String,
    /// The QR code as an SVG document.
    pub qr_svg: String,
}

/// The cover sheet of a file's paper folder: the main facts (personal
/// values masked) and a QR code that opens the electronic file.
#[server(endpoint = "cover_sheet", input = Json)]
pub async fn cover_sheet(code: String) -> Result<Cover, AppError> {
    use super::ssr;

    let request = ssr::Request::begin();
    let origin = ssr::origin(request.auth.secure_cookie);
    request
        .answer_audited(
            AuditAction::Print,
            &code.clone(),
            async {
                let code = viewable_code(&request, &code).await?;
                let store = request.store()?;
                let customer = store
                    .customer(&code)
                    .await
                    .map_err(ssr::internal)?
                    .ok_or_else(|| not_found(&code))?;
                let types = store.cooperation_types().await.map_err(ssr::internal)?;
                let cooperation = customer
                    .details
                    .cooperation
                    .iter()
                    .map(|key| {
                        types
                            .iter()
                            .find(|t| &t.key == key)
                            .map_or_else(|| key.clone(), |t| t.label.clone())
                    })
                    .collect();
                request
                    .record(&request.event(
                        AuditAction::Print,
                        code.to_string(),
                        Outcome::Ok,
                        serde_json::json!({ "document": "cover_sheet" }),
                    ))
                    .await?;
                let url = format!("{origin}/customers/{code}");
                let qr_svg = qrcode::QrCode::with_error_correction_level(&url, qrcode::EcLevel::M)
                    .map_err(|error| {
                        tracing::error!(error = %error, "QR code could not be drawn");
                        AppError::Internal
                    })?
                    .render::<qrcode::render::svg::Color>()
                    .min_dimensions(160, 160)
                    .quiet_zone(true)
                    .build();
                Ok(Cover {
                    customer,
                    cooperation,
                    url,
                    qr_svg,
                })
            }
            .await,
        )
        .await
}

/// The whole file of the customer with this archive code.
#[server(endpoint = "get_customer", input = Json)]
pub async fn get_customer(code: String) -> Result<Customer, AppError> {
    use super::ssr;

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::ViewFile,
            &code.clone(),
            async {
                let code = viewable_code(&request, &code).await?;
                read_customer(&request, &code).await
            }
            .await,
        )
        .await
}

/// What a page about one file reads before it shows anything: the file,
/// its history, the list of cooperation intentions, its verification
/// cycle and its place in its life.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileView {
    pub customer: Customer,
    pub history: Vec<ChangeEntry>,
    pub types: Vec<CooperationType>,
    pub state: VerificationState,
    pub lifecycle: LifecycleState,
}

/// Everything the file, edit and verification pages show, in one call.
///
/// A page's resource calls one server function. While the server waits for
/// a page's data it may build the page more than once (`<Suspense/>` runs
/// its children again to find what they read) and drops the earlier build:
/// a call that build made after an `.await` ran without the request,
/// answered "signed out", and that answer was what the browser hydrated
/// over the file the server drew.
#[server(endpoint = "open_file", input = Json)]
pub async fn open_file(code: String) -> Result<FileView, AppError> {
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
                let customer = read_customer(&request, &code).await?;
                Ok(FileView {
                    customer,
                    history: store.history(&code, 0).await.map_err(ssr::internal)?,
                    types: store.cooperation_types().await.map_err(ssr::internal)?,
                    state: store
                        .verification_state(&code, today_cst())
                        .await
                        .map_err(ssr::internal)?,
                    lifecycle: store.lifecycle_state(&code).await.map_err(ssr::internal)?,
                })
            }
            .await,
        )
        .await
}

/// Reads a file the caller may see and records the view; a destroyed
/// file answers when it was destroyed.
#[cfg(feature = "ssr")]
async fn read_customer(
    request: &super::ssr::Request,
    code: &crate::domain::ArchiveCode,
) -> Result<Customer, AppError> {
    use super::ssr;

    let store = request.store()?;
    let Some(customer) = store.customer(code).await.map_err(ssr::internal)? else {
        let destroyed = store.destroyed_on(code).await.map_err(ssr::internal)?;
        return Err(match destroyed {
            Some(at) => {
                AppError::NotFound(format!("档案 {code}：已于 {at} 销毁，销毁证明见“销毁登记”"))
            }
            None => not_found(code),
        });
    };
    request
        .record(&request.event(
            AuditAction::ViewFile,
            code.to_string(),
            Outcome::Ok,
            serde_json::json!({}),
        ))
        .await?;
    Ok(customer)
}

/// Files that meet a search, within the caller's regions: by archive
/// code, name, pinyin or initials, phone or its last four digits, or ID
/// number, narrowed by filters, in the order asked for.
#[server(endpoint = "search_customers", input = Json)]
pub async fn search_customers(query: SearchQuery) -> Result<SearchResults, AppError> {
    use super::ssr;
    use crate::domain::Right;
    use crate::domain::time_fmt::today_cst;

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::Search,
            "",
            async {
                let caller = request.caller().await?;
                caller.require(Right::SearchCustomers)?;
                let criteria = query.criteria().map_err(AppError::BadRequest)?;
                let store = request.store()?;
                let found = store
                    .search(&criteria, caller.scope(), today_cst())
                    .await
                    .map_err(ssr::internal)?;

                request
                    .record(&request.event(
                        AuditAction::Search,
                        "",
                        Outcome::Ok,
                        serde_json::json!({
                            "criteria": search_criteria(&criteria, &query),
                            "page": criteria.page,
                            "matches": found.total,
                        }),
                    ))
                    .await?;
                tracing::info!(
                    search.matches = found.total,
                    search.page = criteria.page,
                    "customers searched"
                );
                Ok(found)
            }
            .await,
        )
        .await
}

/// One masked value of a file in full. A right of its own, and every use is
/// recorded: who, when, which file, which field.
#[server(endpoint = "reveal_personal_value", input = Json)]
pub async fn reveal_personal_value(
    code: String,
    field: SensitiveField,
) -> Result<String, AppError> {
    use super::ssr;
    use crate::domain::Right;

    let request = ssr::Request::begin();
    request.answer_audited(
        AuditAction::Reveal,
        &code.clone(),
        async {
            let caller = request.caller().await?;
            caller.require(Right::RevealPersonalData)?;

            let store = request.store()?;
            let code = visible_code(store, &caller, &code)?;

            let seen = request.event(
                AuditAction::Reveal,
                code.to_string(),
                Outcome::Ok,
                serde_json::json!({ "field": field.key() }),
            );
            let value = store
                .reveal(&code, field, &seen)
                .await
                .map_err(ssr::internal)?
                .ok_or_else(|| not_found(&code))?;
            tracing::info!(customer.code = %code, customer.field = field.key(), "value revealed");
            Ok(value)
        }
        .await,
    )
    .await
}

/// What a search looked for, for the audit trail: an archive code (or its
/// beginning) as typed, otherwise only the kind of text, never a name,
/// phone or ID number; and the filters, which name no one.
#[cfg(feature = "ssr")]
fn search_criteria(
    criteria: &crate::domain::search::Criteria,
    query: &SearchQuery,
) -> serde_json::Value {
    use crate::domain::search::TextKind;
    let mut logged = serde_json::json!({ "kind": criteria.text.audit_kind() });
    if let TextKind::Code(code) = &criteria.text {
        logged["code"] = serde_json::json!(code);
    }
    for (name, value) in query.url_params() {
        if !matches!(name, "q" | "tag") {
            logged[name] = serde_json::json!(value);
        }
    }
    if criteria.tag.is_some() {
        logged["tag"] = serde_json::json!(true);
    }
    logged
}

/// The archive code a caller typed, if it names a file inside their regions.
/// Outside them a file is as good as absent: not even its existence shows.
#[cfg(feature = "ssr")]
pub(crate) fn visible_code(
    store: &crate::store::Store,
    caller: &super::caller::Caller,
    typed: &str,
) -> Result<crate::domain::ArchiveCode, AppError> {
    let code = crate::domain::ArchiveCode::parse(store.scheme(), typed)
        .map_err(|_| not_found(&typed.trim()))?;
    if !caller.scope().contains(code.region().as_str()) {
        return Err(not_found(&code));
    }
    Ok(code)
}

/// The file a caller who may view files asked for, as typed; a file
/// outside the caller's regions is not found, as if it did not exist.
#[cfg(feature = "ssr")]
pub(crate) async fn viewable_code(
    request: &super::ssr::Request,
    typed: &str,
) -> Result<crate::domain::ArchiveCode, AppError> {
    let caller = request.caller().await?;
    caller.require(crate::domain::Right::ViewCustomer)?;
    visible_code(request.store()?, &caller, typed)
}

#[cfg(feature = "ssr")]
pub(crate) fn not_found(code: &impl std::fmt::Display) -> AppError {
    AppError::NotFound(format!("档案 {code}"))
}

/// Refuses cooperation intentions that are not on the list, or retired,
/// unless the file already had them.
#[cfg(feature = "ssr")]
async fn check_cooperation(
    store: &crate::store::Store,
    chosen: &[String],
    already: &[String],
) -> Result<(), AppError> {
    let types = store
        .cooperation_types()
        .await
        .map_err(super::ssr::internal)?;
    let offered =
        |key: &String| already.contains(key) || types.iter().any(|t| &t.key == key && t.active);
    if chosen.iter().all(offered) {
        return Ok(());
    }
    Err(AppError::field(
        crate::domain::Field::Cooperation,
        "合作意向中有已停用或不存在的选项，请刷新页面后重新勾选",
    ))
}

/// The edit form shows stored ID numbers and phones masked; a masked value
/// that was left as it was keeps the stored value it stands for. A masked
/// value that matches none stays masked, and the check refuses it.
// Limitation: a household member's ID number has no reveal; it stays
// masked on every page and is kept as stored by this function.
#[cfg(feature = "ssr")]
fn keep_masked(form: &CustomerForm, stored: &crate::domain::CustomerDetails) -> CustomerForm {
    use crate::domain::intake::is_masked;
    use crate::domain::masking::{mask_id_number, mask_phone};

    let phones: Vec<&str> = stored.phones().collect();
    let phone = |typed: &String| {
        if !is_masked(typed) {
            return typed.clone();
        }
        phones
            .iter()
            .find(|p| mask_phone(p) == typed.trim())
            .map_or_else(|| typed.clone(), |p| (*p).to_string())
    };
    let mut form = form.clone();
    form.phone = phone(&form.phone);
    form.extra_phones = form.extra_phones.iter().map(phone).collect();
    if is_masked(&form.id_number) && mask_id_number(&stored.id_number) == form.id_number.trim() {
        form.id_number.clone_from(&stored.id_number);
    }
    for member in &mut form.household {
        if !is_masked(&member.id_number) {
            continue;
        }
        if let Some(same) = stored.household.iter().find(|m| {
            !m.id_number.is_empty() && mask_id_number(&m.id_number) == member.id_number.trim()
        }) {
            member.id_number.clone_from(&same.id_number);
        }
    }
    form
}

/// The refusal of an edit that started from an older version: what was
/// saved since, so that staff can decide.
#[cfg(feature = "ssr")]
pub(crate) async fn conflict(
    store: &crate::store::Store,
    code: &crate::domain::ArchiveCode,
    since: i64,
) -> AppError {
    match store.history(code, since).await {
        Ok(entries) => AppError::EditConflict {
            version: entries.first().map_or(since, |e| e.version),
            entries,
        },
        Err(error) => super::ssr::internal(error),
    }
}

/// Refuses a second file for the same ID number or credit code, and asks for
/// a confirmation when other files look like the same customer (the same
/// phone, or a name one character apart in the same county). Files outside
/// the caller's regions are counted but not shown.
#[cfg(feature = "ssr")]
async fn check_duplicates(
    store: &crate::store::Store,
    caller: &super::caller::Caller,
    details: &crate::domain::CustomerDetails,
    except: Option<&crate::domain::ArchiveCode>,
    confirmed: bool,
) -> Result<(), AppError> {
    use crate::domain::DuplicateReason;

    let found = store
        .find_duplicates(details, except)
        .await
        .map_err(super::ssr::internal)?;
    let visible = |region: &str| caller.scope().contains(region);

    if let Some((same, region)) = found
        .iter()
        .find(|(c, _)| c.reasons.contains(&DuplicateReason::SameIdentity))
    {
        let code = visible(region).then(|| same.code.clone());
        return Err(AppError::DuplicateIdentity { code });
    }
    if found.is_empty() || confirmed {
        return Ok(());
    }
    let elsewhere = found.iter().filter(|(_, region)| !visible(region)).count();
    let candidates = found
        .into_iter()
        .filter(|(_, region)| visible(region))
        .map(|(c, _)| c)
        .collect();
    Err(AppError::PossibleDuplicates {
        candidates,
        elsewhere: u32::try_from(elsewhere).unwrap_or(u32::MAX),
    })
}
