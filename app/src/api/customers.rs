//! Customer files: intake, reading one, searching.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::Json;

use crate::domain::{Customer, CustomerSummary, IntakeForm, SensitiveField};
use crate::error::AppError;

/// Largest page of search results a caller may ask for.
pub const MAX_PAGE_SIZE: u32 = 100;

/// A search as the search page sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchQuery {
    /// An archive code (or its beginning) or part of a name; empty lists all.
    pub text: String,
    /// 1-based.
    pub page: u32,
    pub page_size: u32,
}

/// One page of results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    pub total: u64,
    pub page: u32,
    pub page_size: u32,
    pub rows: Vec<CustomerSummary>,
}

/// Opens a new customer file from the intake form and answers its archive
/// code. Every field is checked again here; the browser's check is a
/// courtesy, this one is the rule.
#[server(endpoint = "intake_customer", input = Json)]
pub async fn intake_customer(form: IntakeForm) -> Result<String, AppError> {
    use super::ssr;
    use crate::domain::time_fmt::today_cst;
    use crate::domain::{Field, Right};
    use crate::store::StoreError;

    let request = ssr::Request::begin();
    request.answer(
        async {
            let caller = request.caller().await?;
            caller.require(Right::CreateCustomer)?;

            let customer = form.validate(today_cst()).map_err(AppError::Invalid)?;
            if !caller.scope().contains(customer.region.as_str()) {
                return Err(AppError::field(
                    Field::Region,
                    "该地区不在您负责的范围内，请核对地区码或联系管理员",
                ));
            }

            let store = request.store()?;
            check_duplicates(store, &caller, &customer, form.confirm_duplicates).await?;
            let code = match store.create_customer(&customer, caller.username()).await {
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
}

/// The whole file of the customer with this archive code.
#[server(endpoint = "get_customer", input = Json)]
pub async fn get_customer(code: String) -> Result<Customer, AppError> {
    use super::ssr;
    use crate::domain::Right;

    let request = ssr::Request::begin();
    request.answer(
        async {
            let caller = request.caller().await?;
            caller.require(Right::ViewCustomer)?;

            let store = request.store()?;
            let code = visible_code(store, &caller, &code)?;

            store
                .customer(&code)
                .await
                .map_err(ssr::internal)?
                .ok_or_else(|| not_found(&code))
        }
        .await,
    )
}

/// Files whose archive code begins with, or whose name contains, the text,
/// within the caller's regions.
#[server(endpoint = "search_customers", input = Json)]
pub async fn search_customers(query: SearchQuery) -> Result<SearchResults, AppError> {
    use super::ssr;
    use crate::domain::Right;

    let request = ssr::Request::begin();
    request.answer(
        async {
            let caller = request.caller().await?;
            caller.require(Right::SearchCustomers)?;

            let text = query.text.trim().to_string();
            if text.chars().count() > 60 {
                return Err(AppError::BadRequest(
                    "查询内容过长，请缩短后再查".to_string(),
                ));
            }
            let page = query.page.max(1);
            let page_size = query.page_size.clamp(1, MAX_PAGE_SIZE);
            let offset = u64::from(page - 1) * u64::from(page_size);

            let store = request.store()?;
            let found = store
                .search_customers(&text, caller.scope(), offset, u64::from(page_size))
                .await
                .map_err(ssr::internal)?;

            tracing::info!(
                search.matches = found.total,
                search.page = page,
                "customers searched"
            );
            Ok(SearchResults {
                total: found.total,
                page,
                page_size,
                rows: found.rows,
            })
        }
        .await,
    )
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
    request.answer(
        async {
            let caller = request.caller().await?;
            caller.require(Right::RevealPersonalData)?;

            let store = request.store()?;
            let code = visible_code(store, &caller, &code)?;

            let value = store
                .reveal(&code, field, caller.username())
                .await
                .map_err(ssr::internal)?
                .ok_or_else(|| not_found(&code))?;
            tracing::info!(customer.code = %code, customer.field = field.key(), "value revealed");
            Ok(value)
        }
        .await,
    )
}

/// The archive code a caller typed, if it names a file inside their regions.
/// Outside them a file is as good as absent: not even its existence shows.
#[cfg(feature = "ssr")]
fn visible_code(
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

#[cfg(feature = "ssr")]
fn not_found(code: &impl std::fmt::Display) -> AppError {
    AppError::NotFound(format!("档案 {code}"))
}

/// Refuses a second file for the same ID number or credit code, and asks for
/// a confirmation when other files look like the same customer (the same
/// phone, or a name one character apart in the same county). Files outside
/// the caller's regions are counted but not shown.
#[cfg(feature = "ssr")]
async fn check_duplicates(
    store: &crate::store::Store,
    caller: &super::caller::Caller,
    customer: &crate::domain::NewCustomer,
    confirmed: bool,
) -> Result<(), AppError> {
    use crate::domain::DuplicateReason;

    let found = store
        .find_duplicates(customer)
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
