//! 新建档案: the intake form.
//!
//! The inputs are plain, uncontrolled form controls: whatever staff typed
//! stays in them whether the server accepts the form or not, and typing
//! before the page became interactive is not lost either. The form is read
//! when it is submitted, checked with the same rules as on the server, and
//! kept as a draft while staff type.
//!
//! The draft holds an ID number and a phone, so it lives in the tab's session
//! storage: it survives a reload or a crashed tab, but not the closing of the
//! tab, and signing out clears it. A lost tablet carries no drafts of signed-
//! out staff.

use gloo_storage::{SessionStorage, Storage};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

use crate::api::customers::intake_customer;
use crate::components::banner::ErrorBanner;
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::field::{FormField, error_of};
use crate::components::form::{self as form_io, focus_first_error};
use crate::components::region_picker::RegionPicker;
use crate::domain::region;
use crate::domain::time_fmt::today_cst;
use crate::domain::{
    CustomerGroup, DuplicateCandidate, Field, FieldError, IdDocument, IdKind, IntakeForm,
};
use crate::error::AppError;

/// Where the draft of the intake form waits in the tab.
const DRAFT_KEY: &str = "nongdang.intake.draft";

#[component]
pub fn IntakePage() -> impl IntoView {
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let region_name = RwSignal::new(String::new());
    let duplicates = RwSignal::new(None::<(Vec<DuplicateCandidate>, u32)>);
    let restored = RwSignal::new(false);
    let id_facts = RwSignal::new(String::new());
    let interactive = RwSignal::new(false);
    let submit = Action::new(|form: &IntakeForm| intake_customer(form.clone()));

    Effect::new(move |_| {
        let Some(form) = form_ref.get() else { return };
        interactive.set(true);
        if let Ok(draft) = SessionStorage::get::<IntakeForm>(DRAFT_KEY) {
            fill_form(&form, &draft);
            region_name.set(region::full_name(draft.region.trim()));
            id_facts.set(describe_id(&draft));
            restored.set(draft != IntakeForm::default());
        }
    });

    let navigate = use_navigate();
    Effect::new(move |_| match submit.value().get() {
        Some(Ok(code)) => {
            SessionStorage::delete(DRAFT_KEY);
            navigate(&format!("/customers/{code}"), Default::default());
        }
        Some(Err(AppError::Invalid(refused))) => errors.set(refused),
        Some(Err(AppError::PossibleDuplicates {
            candidates,
            elsewhere,
        })) => {
            duplicates.set(Some((candidates, elsewhere)));
        }
        _ => {}
    });

    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(form) = form_ref.get() else { return };
        let typed = read_form(&form);
        match typed.validate(today_cst()) {
            Ok(_) => {
                errors.set(Vec::new());
                submit.dispatch(typed);
            }
            Err(refused) => {
                errors.set(refused);
                focus_first_error(&form);
            }
        }
    };

    // Keeps the draft, and lets an error go as soon as its field is mended.
    let on_input = move |_| {
        let Some(form) = form_ref.get() else { return };
        let typed = read_form(&form);
        let _ = SessionStorage::set(DRAFT_KEY, &typed);
        region_name.set(region::full_name(typed.region.trim()));
        id_facts.set(describe_id(&typed));
        if errors.with(Vec::is_empty) {
            return;
        }
        let still_refused = typed.validate(today_cst()).err().unwrap_or_default();
        errors.update(|shown| {
            shown.retain(|e| still_refused.iter().any(|s| s.field == e.field));
            for error in shown.iter_mut() {
                if let Some(now) = still_refused.iter().find(|s| s.field == error.field) {
                    error.message.clone_from(&now.message);
                }
            }
        });
    };

    let on_reset = move |_| {
        SessionStorage::delete(DRAFT_KEY);
        restored.set(false);
        errors.set(Vec::new());
        duplicates.set(None);
    };

    // Saves although possible duplicates were shown: staff checked them.
    let save_anyway = move |_| {
        let Some(form) = form_ref.get() else { return };
        duplicates.set(None);
        submit.dispatch(IntakeForm {
            confirm_duplicates: true,
            ..read_form(&form)
        });
    };

    let error_for = move |field: Field| error_of(errors, field);
    let banner = move || match submit.value().get() {
        Some(Err(AppError::Invalid(_) | AppError::PossibleDuplicates { .. }))
        | Some(Ok(_))
        | None => None,
        Some(Err(AppError::DuplicateIdentity { code })) => Some(
            view! {
                <div class="banner error" role="alert">
                    {AppError::DuplicateIdentity {
                        code: None,
                    }
                        .to_string()}
                    {code
                        .map(|code| {
                            view! {
                                "："
                                <a href=format!("/customers/{code}")>{code.clone()}</a>
                            }
                        })}
                </div>
            }
            .into_any(),
        ),
        Some(Err(other)) => Some(view! { <ErrorBanner message=other.to_string() /> }.into_any()),
    };

    view! {
        <Title text="新建档案" />
        <Breadcrumbs current="新建档案".to_string() />
        <h1>"新建档案"</h1>
        <p class="form-note">
            <span class="required">"*"</span>
            " 为必填项。填写内容会自动暂存在本页，刷新或断网不会丢失；退出登录时清除。"
        </p>
        {move || {
            restored
                .get()
                .then(|| {
                    view! {
                        <div class="banner success" role="status">
                            "已恢复您上次未提交的填写内容。"
                        </div>
                    }
                })
        }}
        {banner}
        {move || {
            duplicates
                .get()
                .map(|(candidates, elsewhere)| {
                    view! { <DuplicatesPanel candidates elsewhere on_confirm=save_anyway /> }
                })
        }}
        {move || {
            let count = errors.with(Vec::len);
            (count > 0)
                .then(|| {
                    view! {
                        <div class="banner warning" role="alert">
                            {format!("有 {count} 项内容需要修改，请按提示更正。")}
                        </div>
                    }
                })
        }}
        <form
            class="intake-form"
            node_ref=form_ref
            method="post"
            novalidate=true
            on:submit=on_submit
            on:input=on_input
            on:change=on_input
            on:reset=on_reset
        >
            <fieldset>
                <legend>"基本信息"</legend>
                <FormField
                    label="客户类别"
                    name="group"
                    required=true
                    error=error_for(Field::Group)
                >
                    <select id="group" name="group" aria-describedby="group-error" required>
                        <option value="">"请选择"</option>
                        {CustomerGroup::ALL
                            .into_iter()
                            .map(|g| view! { <option value=g.key()>{g.label()}</option> })
                            .collect_view()}
                    </select>
                </FormField>
                <FormField
                    label="姓名/单位名称"
                    name="name"
                    required=true
                    error=error_for(Field::Name)
                >
                    <input
                        id="name"
                        name="name"
                        type="text"
                        autocomplete="off"
                        maxlength="60"
                        aria-describedby="name-error"
                        required
                    />
                </FormField>
                <FormField
                    label="联系电话"
                    name="phone"
                    required=true
                    hint="手机号或带区号的座机，如 028-85551234"
                    error=error_for(Field::Phone)
                >
                    <input
                        id="phone"
                        name="phone"
                        type="tel"
                        inputmode="tel"
                        autocomplete="off"
                        aria-describedby="phone-error"
                        required
                    />
                </FormField>
            </fieldset>
            <fieldset>
                <legend>"证件"</legend>
                <FormField
                    label="证件类型"
                    name="id_kind"
                    required=true
                    error=error_for(Field::IdKind)
                >
                    <select id="id_kind" name="id_kind" aria-describedby="id_kind-error" required>
                        <option value="">"请选择"</option>
                        {IdKind::ALL
                            .into_iter()
                            .map(|k| view! { <option value=k.key()>{k.label()}</option> })
                            .collect_view()}
                    </select>
                </FormField>
                <FormField
                    label="证件号码"
                    name="id_number"
                    required=true
                    error=error_for(Field::IdNumber)
                >
                    <input
                        id="id_number"
                        name="id_number"
                        type="text"
                        autocomplete="off"
                        spellcheck="false"
                        maxlength="30"
                        aria-describedby="id_number-error id-facts"
                        required
                    />
                    <p id="id-facts" class="derived" data-testid="id-facts">
                        {move || id_facts.get()}
                    </p>
                </FormField>
            </fieldset>
            <fieldset>
                <legend>"地区与土地"</legend>
                <FormField
                    label="地区码"
                    name="region"
                    required=true
                    hint="6 位行政区划代码，可直接输入，或在下方按省市县选择、按地名查找"
                    error=error_for(Field::Region)
                >
                    <input
                        id="region"
                        name="region"
                        type="text"
                        inputmode="numeric"
                        maxlength="6"
                        autocomplete="off"
                        aria-describedby="region-error region-name"
                        required
                    />
                    <p id="region-name" class="region-name" data-testid="region-name">
                        {move || region_name.get()}
                    </p>
                    <RegionPicker form=form_ref control="region" />
                </FormField>
                <FormField label="详细地址" name="address" error=error_for(Field::Address)>
                    <input
                        id="address"
                        name="address"
                        type="text"
                        maxlength="120"
                        autocomplete="off"
                        aria-describedby="address-error"
                    />
                </FormField>
                <FormField
                    label="土地面积（亩）"
                    name="land_area"
                    hint="最多两位小数，没有土地可不填"
                    error=error_for(Field::LandArea)
                >
                    <input
                        id="land_area"
                        name="land_area"
                        type="text"
                        inputmode="decimal"
                        autocomplete="off"
                        aria-describedby="land_area-error"
                    />
                </FormField>
            </fieldset>
            <div class="form-actions">
                <button
                    type="submit"
                    class="button primary"
                    disabled=move || !interactive.get() || submit.pending().get()
                >
                    {move || if submit.pending().get() { "提交中…" } else { "提交" }}
                </button>
                <button type="reset" class="button">
                    "重置"
                </button>
            </div>
        </form>
    }
}

/// Files that look like the customer being filed, and the choice to save
/// anyway.
#[component]
fn DuplicatesPanel(
    candidates: Vec<DuplicateCandidate>,
    elsewhere: u32,
    on_confirm: impl Fn(leptos::ev::MouseEvent) + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <section class="duplicates banner warning" role="alert" aria-labelledby="duplicates-title">
            <h2 id="duplicates-title">"可能重复的档案"</h2>
            <p>
                "以下档案与您填写的客户相似。请先核对，避免同一客户建两份档案。"
            </p>
            <ul>
                {candidates
                    .into_iter()
                    .map(|c| {
                        let reasons: Vec<&str> = c.reasons.iter().map(|r| r.label()).collect();
                        view! {
                            <li>
                                <a href=format!("/customers/{}", c.code) target="_blank">
                                    {c.code.clone()}
                                </a>
                                {format!(
                                    " {} · {} · {}",
                                    c.name,
                                    c.region_name,
                                    reasons.join("、"),
                                )}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {(elsewhere > 0)
                .then(|| {
                    view! {
                        <p>
                            {format!(
                                "另有 {elsewhere} 份相似档案在您负责的地区之外。",
                            )}
                        </p>
                    }
                })}
            <button type="button" class="button primary" on:click=on_confirm>
                "确认不是同一客户，继续保存"
            </button>
        </section>
    }
}

/// What a valid resident ID number tells: birth date and sex, and a note when
/// it was issued under a region code that no longer exists.
fn describe_id(typed: &IntakeForm) -> String {
    let Some(kind) = IdKind::from_key(&typed.id_kind) else {
        return String::new();
    };
    let Ok(document) = IdDocument::parse(kind, &typed.id_number, today_cst()) else {
        return String::new();
    };
    let facts = document
        .birth_and_sex()
        .map(|(birth, sex)| format!("出生日期 {birth} · {}", sex.label()));
    [facts, document.warning()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("；")
}

/// The names of the form controls and the matching fields of the form.
fn controls(form: &IntakeForm) -> [(&'static str, &String); 8] {
    [
        ("group", &form.group),
        ("name", &form.name),
        ("phone", &form.phone),
        ("id_kind", &form.id_kind),
        ("id_number", &form.id_number),
        ("region", &form.region),
        ("address", &form.address),
        ("land_area", &form.land_area),
    ]
}

fn read_form(form: &web_sys::HtmlFormElement) -> IntakeForm {
    let get = |name: &str| form_io::text(form, name);
    IntakeForm {
        group: get("group"),
        name: get("name"),
        phone: get("phone"),
        id_kind: get("id_kind"),
        id_number: get("id_number"),
        region: get("region"),
        address: get("address"),
        land_area: get("land_area"),
        confirm_duplicates: false,
    }
}

fn fill_form(form: &web_sys::HtmlFormElement, values: &IntakeForm) {
    for (name, value) in controls(values) {
        form_io::set_text(form, name, value);
    }
}
