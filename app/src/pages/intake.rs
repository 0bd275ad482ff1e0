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

use crate::api::consent::get_consent_lists;
use crate::api::customers::{cooperation_types, intake_customer};
use crate::components::banner::ErrorBanner;
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::consent::{ConsentFields, fill_consent};
use crate::components::customer_form::{CustomerFields, FormRows, fill_form, read_form};
use crate::components::form::focus_first_error;
use crate::domain::consent::{ConsentLists, intake_consent_errors};
use crate::domain::profile::CooperationType;
use crate::domain::time_fmt::today_cst;
use crate::domain::{CustomerForm, DuplicateCandidate, FieldError};
use crate::error::AppError;

/// Where the draft of the intake form waits in the tab.
const DRAFT_KEY: &str = "nongdang.intake.draft";

#[component]
pub fn IntakePage() -> impl IntoView {
    // One server function per resource: a second call after the first one's
    // await would run without the request being rendered.
    let types = Resource::new(|| (), |_| cooperation_types());
    let lists = Resource::new(|| (), |_| get_consent_lists());
    view! {
        <Title text="新建档案" />
        <Breadcrumbs current="新建档案".to_string() />
        <h1>"新建档案"</h1>
        <Suspense fallback=|| {
            view! { <p class="loading">"正在准备表单…"</p> }
        }>
            {move || Suspend::new(async move {
                match (types.await, lists.await) {
                    (Ok(types), Ok(consent)) => view! { <IntakeForm types consent /> }.into_any(),
                    (Err(error), _) | (_, Err(error)) => {
                        view! { <ErrorBanner message=error.to_string() /> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn IntakeForm(types: Vec<CooperationType>, consent: ConsentLists) -> impl IntoView {
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let typed = RwSignal::new(CustomerForm::default());
    let rows = FormRows::new(&CustomerForm::default());
    let duplicates = RwSignal::new(None::<(Vec<DuplicateCandidate>, u32)>);
    let restored = RwSignal::new(false);
    let interactive = RwSignal::new(false);
    let method = RwSignal::new(String::new());
    let signature = RwSignal::new(String::new());
    let submit = Action::new(|form: &CustomerForm| intake_customer(form.clone()));

    Effect::new(move |_| {
        let Some(form) = form_ref.get() else { return };
        interactive.set(true);
        if let Ok(draft) = SessionStorage::get::<CustomerForm>(DRAFT_KEY) {
            fill_form(&form, rows, &draft);
            fill_consent(&form, &draft.consent);
            method.set(draft.consent.method.clone());
            signature.set(draft.consent.signature.clone());
            restored.set(draft != CustomerForm::default());
            typed.set(draft);
        }
    });

    let navigate = use_navigate();
    Effect::new(move |_| match submit.value().get() {
        Some(Ok(code)) => {
            SessionStorage::delete(DRAFT_KEY);
            navigate(&format!("/customers/{code}"), Default::default());
        }
        Some(Err(AppError::Invalid(refused))) => {
            errors.set(refused);
            if let Some(form) = form_ref.get_untracked() {
                focus_first_error(&form);
            }
        }
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
        let current = read_form(&form);
        let refused = all_errors(&current);
        if refused.is_empty() {
            errors.set(Vec::new());
            submit.dispatch(current);
        } else {
            errors.set(refused);
            focus_first_error(&form);
        }
    };

    // Keeps the draft, and lets an error go as soon as its field is mended.
    let on_input = move |_| {
        let Some(form) = form_ref.get() else { return };
        let current = read_form(&form);
        let _ = SessionStorage::set(DRAFT_KEY, &current);
        if !errors.with(Vec::is_empty) {
            errors.set(all_errors(&current));
        }
        typed.set(current);
    };

    let on_reset = move |_| {
        SessionStorage::delete(DRAFT_KEY);
        restored.set(false);
        errors.set(Vec::new());
        duplicates.set(None);
        rows.load(&CustomerForm::default());
        typed.set(CustomerForm::default());
        method.set(String::new());
        signature.set(String::new());
    };

    // Saves although possible duplicates were shown: staff checked them.
    let save_anyway = move |_| {
        let Some(form) = form_ref.get() else { return };
        duplicates.set(None);
        submit.dispatch(CustomerForm {
            confirm_duplicates: true,
            ..read_form(&form)
        });
    };

    let banner = move || match submit.value().get() {
        Some(Err(AppError::Invalid(_) | AppError::PossibleDuplicates { .. }))
        | Some(Ok(_))
        | None => None,
        Some(Err(AppError::DuplicateIdentity { code })) => {
            Some(view! { <DuplicateIdentityBanner code /> }.into_any())
        }
        Some(Err(other)) => Some(view! { <ErrorBanner message=other.to_string() /> }.into_any()),
    };

    view! {
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
        <ErrorCount errors />
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
            <CustomerFields
                form=form_ref
                initial=CustomerForm::default()
                typed
                errors
                rows
                cooperation=types
            />
            <ConsentFields
                lists=consent
                errors
                method
                signature
                print_href="/consent-form".to_string()
            />
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

/// What the browser can tell is wrong with the form: the file's own rules
/// and what its consent section lacks.
fn all_errors(form: &CustomerForm) -> Vec<FieldError> {
    let mut errors = form.errors(today_cst());
    errors.extend(intake_consent_errors(form));
    errors
}

/// How many fields need mending, above the form.
#[component]
pub fn ErrorCount(errors: RwSignal<Vec<FieldError>>) -> impl IntoView {
    move || {
        let count = errors.with(Vec::len);
        (count > 0).then(|| {
            view! {
                <div class="banner warning" role="alert">
                    {format!("有 {count} 项内容需要修改，请按提示更正。")}
                </div>
            }
        })
    }
}

/// The refusal of a second file for the same person or organisation, with
/// a link to the first when the caller may see it.
#[component]
pub fn DuplicateIdentityBanner(code: Option<String>) -> impl IntoView {
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
}

/// Files that look like the customer being filed, and the choice to save
/// anyway.
#[component]
pub fn DuplicatesPanel(
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
