//! 同意与用途: the configured purposes and legal bases, each file's
//! consents and withdrawals, and the lists that serve a purpose only for
//! the files that consented to it.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::Json;

use super::audit::Download;
#[cfg(feature = "ssr")]
use crate::domain::audit::{AuditAction, Outcome};
use crate::domain::consent::{ConsentForm, ConsentLists, FileConsents, ListedItem, WithdrawalForm};
use crate::error::AppError;

/// The configured purposes and legal bases; any signed-in person may read
/// them (the consent form prints them).
#[server(endpoint = "consent_lists", input = Json)]
pub async fn get_consent_lists() -> Result<ConsentLists, AppError> {
    use super::ssr;

    let request = ssr::Request::begin();
    request.answer(
        async {
            request.caller().await?;
            request
                .store()?
                .consent_lists()
                .await
                .map_err(ssr::internal)
        }
        .await,
    )
}

/// Adds, describes anew, retires or brings back a purpose (`legal = false`)
/// or a legal basis. Entries are never deleted: old consents name them.
#[server(endpoint = "save_consent_item", input = Json)]
pub async fn save_consent_item(legal: bool, item: ListedItem) -> Result<(), AppError> {
    use super::ssr;
    use crate::domain::Right;
    use crate::domain::consent::BOUND_PURPOSES;
    use crate::store::consent::ConsentList;

    let request = ssr::Request::begin();
    let target = if legal { "legal_bases" } else { "purposes" };
    request
        .answer_audited(
            AuditAction::SettingsChange,
            target,
            async {
                let caller = request.caller().await?;
                caller.require(Right::ManageSettings)?;
                let item = item.validate().map_err(AppError::BadRequest)?;
                if !legal && !item.active && BOUND_PURPOSES.contains(&item.key.as_str()) {
                    return Err(AppError::BadRequest(
                        "此用途与系统功能（信用评估、补贴申报名册）绑定，不能停用，可修改名称和说明"
                            .to_string(),
                    ));
                }
                let saved = request.event(
                    AuditAction::SettingsChange,
                    target,
                    Outcome::Ok,
                    serde_json::json!({ "key": item.key, "name": item.name, "active": item.active }),
                );
                let list = if legal {
                    ConsentList::LegalBases
                } else {
                    ConsentList::Purposes
                };
                request
                    .store()?
                    .save_listed_item(list, &item, &saved)
                    .await
                    .map_err(ssr::internal)?;
                tracing::info!(setting.list = target, setting.key = %item.key, "consent list saved");
                Ok(())
            }
            .await,
        )
        .await
}

/// The consents of one file, newest first.
#[server(endpoint = "file_consents", input = Json)]
pub async fn get_file_consents(code: String) -> Result<FileConsents, AppError> {
    use super::customers::{not_found, viewable_code};
    use super::ssr;

    let request = ssr::Request::begin();
    request.answer(
        async {
            let code = viewable_code(&request, &code).await?;
            let store = request.store()?;
            store
                .consents(&code)
                .await
                .map_err(ssr::internal)?
                .ok_or_else(|| not_found(&code))
        }
        .await,
    )
}

/// Records a consent given for a file: for purposes, for sensitive
/// information, or a legal basis standing in for the latter.
#[server(endpoint = "record_consent", input = Json)]
pub async fn record_consent(code: String, consent: ConsentForm) -> Result<(), AppError> {
    use super::customers::{not_found, visible_code};
    use super::ssr;
    use crate::domain::Right;
    use crate::domain::time_fmt::today_cst;

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::Consent,
            &code.clone(),
            async {
                let caller = request.caller().await?;
                caller.require(Right::RecordConsent)?;
                let store = request.store()?;
                let code = visible_code(store, &caller, &code)?;
                let lists = store.consent_lists().await.map_err(ssr::internal)?;
                let checked = consent
                    .validate(&lists, today_cst())
                    .map_err(AppError::BadRequest)?;
                let event = request.event(
                    AuditAction::Consent,
                    code.to_string(),
                    Outcome::Ok,
                    consent_details(&checked, "given"),
                );
                if !store
                    .record_consent(&code, &checked, caller.username(), &event)
                    .await
                    .map_err(ssr::internal)?
                {
                    return Err(not_found(&code));
                }
                tracing::info!(customer.code = %code, "consent recorded");
                Ok(())
            }
            .await,
        )
        .await
}

/// What the audit trail keeps of a consent: purposes and method, never
/// the signature.
#[cfg(feature = "ssr")]
pub(crate) fn consent_details(
    consent: &crate::domain::consent::CheckedConsent,
    step: &str,
) -> serde_json::Value {
    serde_json::json!({
        "step": step,
        "purposes": consent.purposes,
        "sensitive": consent.sensitive,
        "method": consent.method.key(),
        "legal_basis": consent.legal_basis,
        "given_on": consent.given_on.to_string(),
    })
}

/// Records the withdrawal of a file's consent for one purpose (or of the
/// separate consent for sensitive information). From its date on, the
/// functions serving that purpose refuse the file.
#[server(endpoint = "withdraw_consent", input = Json)]
pub async fn withdraw_consent(form: WithdrawalForm) -> Result<(), AppError> {
    use super::customers::visible_code;
    use super::ssr;
    use crate::domain::Right;
    use crate::domain::time_fmt::today_cst;

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::Consent,
            &form.code.clone(),
            async {
                let caller = request.caller().await?;
                caller.require(Right::RecordConsent)?;
                let store = request.store()?;
                let code = visible_code(store, &caller, &form.code)?;
                let (day, note) = form.validate(today_cst()).map_err(AppError::BadRequest)?;
                let purpose = form.purpose.trim();
                let event = request.event(
                    AuditAction::Consent,
                    code.to_string(),
                    Outcome::Ok,
                    serde_json::json!({
                        "step": "withdrawn", "purpose": purpose, "withdrawn_on": day.to_string(),
                    }),
                );
                let withdrawn = store
                    .withdraw_consent(
                        &code,
                        purpose,
                        (&day.to_string(), &note, caller.username()),
                        &event,
                    )
                    .await
                    .map_err(ssr::internal)?;
                if withdrawn == 0 {
                    return Err(AppError::Conflict(
                        "此用途没有有效的同意可以撤回，请刷新页面查看".to_string(),
                    ));
                }
                tracing::info!(customer.code = %code, consent.purpose = purpose, "consent withdrawn");
                Ok(())
            }
            .await,
        )
        .await
}

/// Whose consent form is printed: the file it goes into.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetHolder {
    pub code: String,
    pub name: String,
    pub region_name: String,
    /// The purposes (and `sensitive`) the person consents to now.
    pub consented: Vec<String>,
}

/// What the printed consent form needs: the purposes and legal bases in
/// force, and, for a file, whose form it is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentSheet {
    pub lists: ConsentLists,
    pub holder: Option<SheetHolder>,
    /// Working days the cooperative takes to answer a person's request.
    pub due_days: u8,
}

/// The consent form to print: blank (`code` empty) for an intake, or made
/// out to the person of a file, its current consents ticked.
#[server(endpoint = "consent_sheet", input = Json)]
pub async fn get_consent_sheet(code: String) -> Result<ConsentSheet, AppError> {
    use super::customers::{not_found, visible_code};
    use super::ssr;
    use crate::domain::Right;

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::Print,
            &code.clone(),
            async {
                let caller = request.caller().await?;
                let store = request.store()?;
                let mut lists = store.consent_lists().await.map_err(ssr::internal)?;
                lists.purposes.retain(|p| p.active);
                lists.legal_bases.retain(|b| b.active);
                let due_days = store.request_due_days().await.map_err(ssr::internal)?;
                if code.trim().is_empty() {
                    return Ok(ConsentSheet {
                        lists,
                        holder: None,
                        due_days,
                    });
                }
                caller.require(Right::ViewCustomer)?;
                let code = visible_code(store, &caller, &code)?;
                let customer = store
                    .customer(&code)
                    .await
                    .map_err(ssr::internal)?
                    .ok_or_else(|| not_found(&code))?;
                let consents = store
                    .consents(&code)
                    .await
                    .map_err(ssr::internal)?
                    .unwrap_or_default();
                let mut consented: Vec<String> = consents
                    .records
                    .iter()
                    .filter(|r| r.is_current())
                    .map(|r| r.purpose.clone())
                    .collect();
                consented.sort();
                consented.dedup();
                request
                    .record(&request.event(
                        AuditAction::Print,
                        code.to_string(),
                        Outcome::Ok,
                        serde_json::json!({ "document": "consent_form" }),
                    ))
                    .await?;
                Ok(ConsentSheet {
                    lists,
                    holder: Some(SheetHolder {
                        code: code.to_string(),
                        name: customer.details.name,
                        region_name: customer.region_name,
                        consented,
                    }),
                    due_days,
                })
            }
            .await,
        )
        .await
}

/// Refuses `purpose` for the file `code` unless a current consent for it
/// stands; the refusal says when it was withdrawn.
#[cfg(feature = "ssr")]
pub(crate) async fn require_consent(
    store: &crate::store::Store,
    code: &crate::domain::ArchiveCode,
    purpose: &str,
) -> Result<(), AppError> {
    let consents = store
        .consents(code)
        .await
        .map_err(super::ssr::internal)?
        .unwrap_or_default();
    let lists = store.consent_lists().await.map_err(super::ssr::internal)?;
    match consents.refusal(purpose, &lists.name_of(purpose)) {
        Some(why) => Err(AppError::Conflict(why)),
        None => Ok(()),
    }
}

/// One person on the subsidy roster: what the agricultural office asks for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterRow {
    pub code: String,
    pub name: String,
    /// Masked on the page; in full in the downloaded roster.
    pub id_number: String,
    pub phone: String,
    pub region: String,
    pub township: String,
    pub land_area: String,
}

/// A file left off the roster, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterRefusal {
    pub code: String,
    pub name: String,
    pub reason: String,
}

/// The subsidy roster of a region: the files that consented to subsidy
/// reporting, and those left off with the reason.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roster {
    pub region: String,
    /// The region's full name, down to the township.
    pub place: String,
    pub rows: Vec<RosterRow>,
    pub refused: Vec<RosterRefusal>,
}

/// The roster of the active files of `region` (any level) in the caller's
/// scope; personal values masked.
#[server(endpoint = "subsidy_roster", input = Json)]
pub async fn subsidy_roster(region: String) -> Result<Roster, AppError> {
    use super::ssr;

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::Report,
            "subsidy_roster",
            async {
                let roster = build_roster(&request, &region, true).await?;
                request
                    .record(&request.event(
                        AuditAction::Report,
                        "subsidy_roster",
                        Outcome::Ok,
                        serde_json::json!({
                            "region": roster.region, "rows": roster.rows.len(),
                            "refused": roster.refused.len(),
                        }),
                    ))
                    .await?;
                Ok(roster)
            }
            .await,
        )
        .await
}

/// The roster as an XLSX file with ID numbers and phones in full, for the
/// agricultural office; the export is recorded with every code on it.
#[server(endpoint = "export_subsidy_roster", input = Json)]
pub async fn export_subsidy_roster(region: String) -> Result<Download, AppError> {
    use super::sheets::{Sheet, format_of, write};
    use super::ssr;
    use base64::Engine;

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::Export,
            "subsidy_roster",
            async {
                let roster = build_roster(&request, &region, false).await?;
                if roster.rows.is_empty() {
                    return Err(AppError::BadRequest(
                        "此地区没有同意“政府补贴申报”的档案，名册为空".to_string(),
                    ));
                }
                let (mime, extension) = format_of("xlsx")?;
                let rows = roster
                    .rows
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        vec![
                            (i + 1).to_string(),
                            r.name.clone(),
                            r.id_number.clone(),
                            r.phone.clone(),
                            r.region.clone(),
                            r.township.clone(),
                            r.land_area.clone(),
                            r.code.clone(),
                        ]
                    })
                    .collect();
                let bytes = write(
                    "xlsx",
                    &[Sheet {
                        name: "补贴申报名册",
                        header: &[
                            "序号",
                            "姓名",
                            "身份证号",
                            "联系电话",
                            "地区码",
                            "乡镇",
                            "土地面积（亩）",
                            "档案编号",
                        ],
                        rows,
                        numeric: &[],
                    }],
                )?;
                request
                    .record(&request.event(
                        AuditAction::Export,
                        "subsidy_roster",
                        Outcome::Ok,
                        serde_json::json!({
                            "region": roster.region,
                            "codes": roster.rows.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(),
                        }),
                    ))
                    .await?;
                let stamp = crate::domain::time_fmt::today_cst();
                Ok(Download {
                    file_name: format!("补贴申报名册-{}-{stamp}.{extension}", roster.region),
                    mime: mime.to_string(),
                    base64: base64::engine::general_purpose::STANDARD.encode(bytes),
                })
            }
            .await,
        )
        .await
}

#[cfg(feature = "ssr")]
async fn build_roster(
    request: &super::ssr::Request,
    region: &str,
    masked: bool,
) -> Result<Roster, AppError> {
    use super::ssr;
    use crate::domain::Right;
    use crate::domain::consent::{SENSITIVE, SUBSIDY_PURPOSE, holds_sensitive};
    use crate::domain::masking::{mask_id_number, mask_phone};
    use crate::store::consent::MAX_ROSTER_FILES;

    let caller = request.caller().await?;
    caller.require(Right::ExportSubsidyRoster)?;
    use crate::domain::region::{self, RegionFilter};
    use crate::domain::township;

    let filter = RegionFilter::parse(region).map_err(|_| {
        AppError::BadRequest(
            "请填写现行的地区码：省、市或县 6 位（如 510000、510100、510104），乡镇 9 位"
                .to_string(),
        )
    })?;
    let store = request.store()?;
    let lists = store.consent_lists().await.map_err(ssr::internal)?;
    let name = lists.name_of(SUBSIDY_PURPOSE);
    let candidates = store
        .purpose_candidates(caller.scope(), &filter, &[SUBSIDY_PURPOSE, SENSITIVE])
        .await
        .map_err(ssr::internal)?
        .ok_or_else(|| {
            AppError::BadRequest(format!(
                "此范围的档案超过 {MAX_ROSTER_FILES} 份，请按县或乡镇分别生成名册"
            ))
        })?;
    let place = match &filter {
        RegionFilter::Within(_) => region::full_name(&filter.code()),
        RegionFilter::Township(code) => format!(
            "{} {}",
            region::full_name(&code[..6]),
            township::name(code).unwrap_or_default()
        ),
    };
    let mut roster = Roster {
        place,
        region: filter.code(),
        ..Roster::default()
    };
    for candidate in candidates {
        let details = candidate.details;
        // The roster carries ID numbers: a person who holds one must also
        // have given the separate consent for sensitive information.
        let refusal = candidate
            .consents
            .refusal(SUBSIDY_PURPOSE, &name)
            .or_else(|| {
                (holds_sensitive(&details) && !candidate.consents.allows(SENSITIVE)).then(|| {
                    "客户没有对敏感个人信息（身份证号）的单独同意或法定处理依据，\
                     名册不能列出其证件号码"
                        .to_string()
                })
            });
        if let Some(reason) = refusal {
            roster.refused.push(RosterRefusal {
                code: candidate.code.to_string(),
                name: details.name,
                reason,
            });
            continue;
        }
        let (id_number, phone) = if masked {
            (
                mask_id_number(&details.id_number),
                mask_phone(&details.phone),
            )
        } else {
            (details.id_number, details.phone)
        };
        roster.rows.push(RosterRow {
            code: candidate.code.to_string(),
            name: details.name,
            id_number,
            phone,
            region: details.region,
            township: details.township,
            land_area: details.land_area.to_string(),
        });
    }
    Ok(roster)
}
