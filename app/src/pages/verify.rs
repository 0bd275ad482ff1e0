//! 核对档案: one file checked with its customer. Confirming takes two taps;
//! corrections of contact, land, cooperation and credit are saved as a new
//! version of the file together with the verification.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api::customers::{FileView, open_file};
use crate::api::upkeep::{VerificationInput, verify_customer};
use crate::components::banner::ErrorBanner;
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::customer_form::{CooperationChecks, CreditFields, offered_cooperation};
use crate::components::facts::Facts;
use crate::components::field::{FormField, error_of};
use crate::components::form::{self as form_io, focus_first_error};
use crate::domain::profile::CooperationType;
use crate::domain::time_fmt::today_cst;
use crate::domain::upkeep::{VerificationOutcome, VerificationState};
use crate::domain::{Customer, Field, FieldError};
use crate::error::AppError;

/// The fields a verification may correct.
const CORRECTABLE: [Field; 6] = [
    Field::Phone,
    Field::Address,
    Field::LandArea,
    Field::Cooperation,
    Field::CreditRating,
    Field::CreditReason,
];

#[component]
pub fn VerifyPage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.with(|p| p.get("code").unwrap_or_default());
    let loaded = Resource::new(code, open_file);

    view! {
        <Title text=move || format!("核对 {}", code()) />
        <Breadcrumbs
            trail=vec![("待核对", "/due")]
            current=Signal::derive(move || format!("核对 {}", code()))
        />
        <Suspense fallback=|| {
            view! { <p class="loading">"正在读取档案…"</p> }
        }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok(FileView { customer, state, types, .. }) => {
                        view! { <VerifyForm customer state types /> }.into_any()
                    }
                    Err(error) => {
                        view! {
                            <h1>"核对档案"</h1>
                            <ErrorBanner message=error.to_string() />
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn VerifyForm(
    customer: Customer,
    state: VerificationState,
    types: Vec<CooperationType>,
) -> impl IntoView {
    let code = customer.code.clone();
    let details = customer.details.clone();
    let initial = details.to_form();
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let outcome = RwSignal::new(VerificationOutcome::Confirmed);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let interactive = RwSignal::new(false);
    Effect::new(move |_| {
        if form_ref.get().is_some() {
            interactive.set(true);
        }
    });
    let submit = Action::new(|input: &VerificationInput| verify_customer(input.clone()));

    let navigate = use_navigate();
    {
        let code = code.clone();
        Effect::new(move |_| match submit.value().get() {
            Some(Ok(done)) => navigate(
                &format!(
                    "/due?verified={}&next={}",
                    super::url_escape(&code),
                    done.next_due
                ),
                Default::default(),
            ),
            Some(Err(AppError::Invalid(refused))) => {
                errors.set(refused);
                if let Some(form) = form_ref.get_untracked() {
                    focus_first_error(&form);
                }
            }
            _ => {}
        });
    }

    let on_submit = {
        let code = code.clone();
        let initial = initial.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let Some(form) = form_ref.get_untracked() else {
                return;
            };
            let chosen = outcome.get_untracked();
            let input = VerificationInput {
                code: code.clone(),
                version: customer.version,
                outcome: chosen.key().to_string(),
                phone: form_io::text(&form, "phone"),
                address: form_io::text(&form, "address"),
                land_area: form_io::text(&form, "land_area"),
                cooperation: form_io::texts(&form, "cooperation"),
                credit_rating: form_io::text(&form, "credit_rating"),
                credit_reason: form_io::text(&form, "credit_reason"),
                ended: form_io::checked(&form, "ended"),
                note: form_io::text(&form, "reason"),
            };
            if chosen == VerificationOutcome::Corrected {
                // The same checks the server makes, on the fields shown here.
                let mut whole = initial.clone();
                whole.phone.clone_from(&input.phone);
                whole.address.clone_from(&input.address);
                whole.land_area.clone_from(&input.land_area);
                whole.cooperation.clone_from(&input.cooperation);
                whole.credit_rating.clone_from(&input.credit_rating);
                whole.credit_reason.clone_from(&input.credit_reason);
                let refused: Vec<FieldError> = whole
                    .errors(today_cst())
                    .into_iter()
                    .filter(|e| CORRECTABLE.contains(&e.field))
                    .collect();
                if !refused.is_empty() {
                    errors.set(refused);
                    focus_first_error(&form);
                    return;
                }
            }
            errors.set(Vec::new());
            submit.dispatch(input);
        }
    };

    let banner = move || match submit.value().get() {
        Some(Err(AppError::Invalid(_))) | Some(Ok(_)) | None => None,
        Some(Err(other)) => Some(view! { <ErrorBanner message=other.to_string() /> }),
    };
    let due = state
        .dueness
        .map(|d| format!("{}（{}）", state.next_due, d.label()))
        .unwrap_or_else(|| "—".to_string());
    let last = state
        .records
        .first()
        .map(|r| format!("{} · {} · {}", r.at, r.by, r.outcome.label()))
        .unwrap_or_else(|| "从未核对".to_string());
    let type_label = |key: &String| {
        types
            .iter()
            .find(|t| &t.key == key)
            .map_or_else(|| key.clone(), |t| t.label.clone())
    };
    let cooperation_now = details
        .cooperation
        .iter()
        .map(type_label)
        .collect::<Vec<_>>()
        .join("、");
    let offered = offered_cooperation(types.clone(), &details.cooperation);
    let facts = [
        ("电话", details.phone.clone()),
        ("详细地址", details.address.clone()),
        ("土地总面积", format!("{} 亩", details.land_area)),
        ("合作意向", cooperation_now),
        ("信用等级", details.credit.rating.label().to_string()),
        ("应核对日期", due),
        ("上次核对", last),
    ];
    let hidden = move || outcome.get() != VerificationOutcome::Corrected;
    let outcomes = [
        (VerificationOutcome::Confirmed, "客户确认档案内容无误"),
        (
            VerificationOutcome::Corrected,
            "联系方式、合作、土地或信用有变化，在下方更正",
        ),
        (VerificationOutcome::Unreachable, "两周后再次核对"),
    ];

    view! {
        <h1>{format!("核对档案 · {}", details.name)}</h1>
        <p class="archive-code">
            "档案编号 " <strong>{code.clone()}</strong> " · " {details.group.label()} " · "
            {customer.region_name.clone()}
        </p>
        <Facts title="当前档案内容" id="now-title" facts=facts.to_vec() />
        {banner}
        <form class="verify-form" node_ref=form_ref novalidate=true on:submit=on_submit>
            <fieldset>
                <legend>"核对结果"</legend>
                <div class="choices" role="radiogroup">
                    {outcomes
                        .into_iter()
                        .map(|(choice, hint)| {
                            let id = format!("outcome-{}", choice.key());
                            let label_for = id.clone();
                            view! {
                                <label class="choice" for=label_for>
                                    <input
                                        id=id
                                        type="radio"
                                        name="outcome"
                                        value=choice.key()
                                        checked=choice == VerificationOutcome::Confirmed
                                        on:change=move |_| outcome.set(choice)
                                    />
                                    <strong>{choice.label()}</strong>
                                    <span>{hint}</span>
                                </label>
                            }
                        })
                        .collect_view()}
                </div>
            </fieldset>
            <fieldset class="corrections" hidden=hidden data-testid="corrections">
                <legend>"更正内容"</legend>
                <p class="form-note">
                    "只改有变化的项目；电话以部分隐藏的形式显示，不改动即保留原号码。"
                </p>
                <FormField label="电话" name="phone" error=error_of(errors, Field::Phone)>
                    <input
                        id="phone"
                        name="phone"
                        type="tel"
                        inputmode="tel"
                        autocomplete="off"
                        value=initial.phone.clone()
                    />
                </FormField>
                <FormField
                    label="详细地址"
                    name="address"
                    error=error_of(errors, Field::Address)
                >
                    <input
                        id="address"
                        name="address"
                        type="text"
                        autocomplete="off"
                        value=initial.address.clone()
                    />
                </FormField>
                <FormField
                    label="土地总面积（亩）"
                    name="land_area"
                    error=error_of(errors, Field::LandArea)
                >
                    <input
                        id="land_area"
                        name="land_area"
                        type="text"
                        inputmode="decimal"
                        value=initial.land_area.clone()
                    />
                </FormField>
                <CooperationChecks
                    offered
                    chosen=details.cooperation.clone()
                    error=error_of(errors, Field::Cooperation)
                />
                <CreditFields
                    rating=initial.credit_rating.clone()
                    reason=initial.credit_reason.clone()
                    rating_error=error_of(errors, Field::CreditRating)
                    reason_error=error_of(errors, Field::CreditReason)
                />
                <label class="check" for="ended">
                    <input id="ended" name="ended" type="checkbox" />
                    "客户已不再与合作社合作（档案转为停用，不再列入核对）"
                </label>
            </fieldset>
            <fieldset>
                <legend>"说明"</legend>
                <FormField
                    label="核对说明"
                    name="reason"
                    hint="如何核对、联系不上的情况；更正信用状况时必填"
                    error=error_of(errors, Field::Reason)
                >
                    <textarea id="reason" name="reason" rows="2" maxlength="200"></textarea>
                </FormField>
            </fieldset>
            <div class="form-actions">
                <button
                    type="submit"
                    class="button primary"
                    data-testid="save-verification"
                    disabled=move || !interactive.get() || submit.pending().get()
                >
                    {move || {
                        if submit.pending().get() { "保存中…" } else { "保存核对结果" }
                    }}
                </button>
                <a class="button" href=format!("/customers/{code}")>
                    "查看完整档案"
                </a>
            </div>
        </form>
    }
}
