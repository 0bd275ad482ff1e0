//! 修改档案: the edit form of a file.
//!
//! ID numbers and phones show masked; left as they are, they keep the stored
//! values, so editing an address does not disclose anything. The draft is
//! kept like the intake draft (session storage, cleared at sign-out), with
//! the version it started from: a draft restored after someone else saved
//! the file runs into the version check and shows their changes.

use gloo_storage::{SessionStorage, Storage};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};
use serde::{Deserialize, Serialize};

use crate::api::customers::{CustomerEdit, FileView, open_file, update_customer};
use crate::components::banner::ErrorBanner;
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::customer_form::{CustomerFields, FormRows, fill_form, read_form};
use crate::components::field::{FormField, error_of};
use crate::components::form::{self as form_io, focus_first_error};
use crate::domain::history::ChangeEntry;
use crate::domain::profile::CooperationType;
use crate::domain::time_fmt::today_cst;
use crate::domain::{Customer, CustomerForm, DuplicateCandidate, Field, FieldError};
use crate::error::AppError;
use crate::pages::customer::History;
use crate::pages::intake::{DuplicateIdentityBanner, DuplicatesPanel, ErrorCount};

/// An unsaved edit, as kept in the tab.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct EditDraft {
    version: i64,
    form: CustomerForm,
    reason: String,
}

fn draft_key(code: &str) -> String {
    format!("nongdang.edit.{code}")
}

#[component]
pub fn EditPage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.with(|p| p.get("code").unwrap_or_default());
    let loaded = Resource::new(code, open_file);

    view! {
        <Title text=move || format!("修改 {}", code()) />
        <Breadcrumbs
            trail=vec![("档案查询", "/customers")]
            current=Signal::derive(move || format!("修改 {}", code()))
        />
        <Suspense fallback=|| {
            view! { <p class="loading">"正在读取档案…"</p> }
        }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok(FileView { customer, types, .. }) => {
                        view! { <EditForm customer types /> }.into_any()
                    }
                    Err(error) => {
                        view! {
                            <h1>"修改档案"</h1>
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
fn EditForm(customer: Customer, types: Vec<CooperationType>) -> impl IntoView {
    let code = customer.code.clone();
    let initial = customer.details.to_form();
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let typed = RwSignal::new(initial.clone());
    let rows = FormRows::new(&initial);
    let version = RwSignal::new(customer.version);
    let duplicates = RwSignal::new(None::<(Vec<DuplicateCandidate>, u32)>);
    let conflict = RwSignal::new(None::<(i64, Vec<ChangeEntry>)>);
    let restored = RwSignal::new(false);
    let interactive = RwSignal::new(false);
    let submit = Action::new(|edit: &CustomerEdit| update_customer(edit.clone()));
    let key = draft_key(&code);

    let read =
        move |form: &web_sys::HtmlFormElement| (read_form(form), form_io::text(form, "reason"));

    {
        let key = key.clone();
        Effect::new(move |_| {
            let Some(form) = form_ref.get() else { return };
            interactive.set(true);
            if let Ok(draft) = SessionStorage::get::<EditDraft>(&key) {
                fill_form(&form, rows, &draft.form);
                form_io::set_text(&form, "reason", &draft.reason);
                version.set(draft.version);
                typed.set(draft.form);
                restored.set(true);
            }
        });
    }

    let navigate = use_navigate();
    {
        let key = key.clone();
        let code = code.clone();
        Effect::new(move |_| match submit.value().get() {
            Some(Ok(_)) => {
                SessionStorage::delete(&key);
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
            })) => duplicates.set(Some((candidates, elsewhere))),
            Some(Err(AppError::EditConflict {
                version: now,
                entries,
            })) => conflict.set(Some((now, entries))),
            _ => {}
        });
    }

    let send = {
        let code = code.clone();
        move |confirm_duplicates: bool| {
            let Some(form) = form_ref.get_untracked() else {
                return;
            };
            let (current, reason) = read(&form);
            let refused = current.errors(today_cst());
            if !refused.is_empty() {
                errors.set(refused);
                focus_first_error(&form);
                return;
            }
            errors.set(Vec::new());
            duplicates.set(None);
            submit.dispatch(CustomerEdit {
                code: code.clone(),
                version: version.get_untracked(),
                form: CustomerForm {
                    confirm_duplicates,
                    ..current
                },
                reason,
            });
        }
    };

    let on_submit = {
        let send = send.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            send(false);
        }
    };
    let save_anyway = {
        let send = send.clone();
        move |_| send(true)
    };
    // Staff read what the other person changed, and save their own edit on
    // top of it.
    let overwrite = move |_| {
        if let Some((now, _)) = conflict.get_untracked() {
            version.set(now);
            conflict.set(None);
            send(false);
        }
    };

    let on_input = {
        let key = key.clone();
        move |_| {
            let Some(form) = form_ref.get() else { return };
            let (current, reason) = read(&form);
            let _ = SessionStorage::set(
                &key,
                &EditDraft {
                    version: version.get_untracked(),
                    form: current.clone(),
                    reason,
                },
            );
            if !errors.with(Vec::is_empty) {
                errors.set(current.errors(today_cst()));
            }
            typed.set(current);
        }
    };
    let discard = {
        let key = key.clone();
        let code = code.clone();
        move |_| {
            SessionStorage::delete(&key);
            form_io::reload_at(&format!("/customers/{code}"));
        }
    };

    let banner = move || match submit.value().get() {
        Some(Err(AppError::DuplicateIdentity { code })) => {
            Some(view! { <DuplicateIdentityBanner code /> }.into_any())
        }
        Some(Err(
            AppError::Invalid(_)
            | AppError::PossibleDuplicates { .. }
            | AppError::EditConflict { .. },
        ))
        | Some(Ok(_))
        | None => None,
        Some(Err(other)) => Some(view! { <ErrorBanner message=other.to_string() /> }.into_any()),
    };

    view! {
        <h1>{format!("修改档案 {code}")}</h1>
        <p class="form-note">
            "证件号码和电话以部分隐藏的形式显示，不改动即保留原值；如需更改，请输入完整号码。修改姓名、证件或信用状况须填写修改原因。"
        </p>
        {move || {
            restored
                .get()
                .then(|| {
                    view! {
                        <div class="banner success" role="status">
                            "已恢复您上次未保存的修改。"
                        </div>
                    }
                })
        }}
        {banner}
        {move || {
            conflict
                .get()
                .map(|(_, entries)| {
                    view! {
                        <section
                            class="banner warning conflict"
                            role="alert"
                            data-testid="conflict"
                        >
                            <h2>"档案已被他人修改"</h2>
                            <p>
                                "您编辑期间，以下修改已经保存。您的填写内容仍在下方，尚未保存。请核对后决定："
                            </p>
                            <History entries />
                            <button type="button" class="button primary" on:click=overwrite.clone()>
                                "以我的填写为准，保存为新版本"
                            </button>
                            " "
                            <button type="button" class="button" on:click=discard.clone()>
                                "放弃我的修改"
                            </button>
                        </section>
                    }
                })
        }}
        {move || {
            duplicates
                .get()
                .map(|(candidates, elsewhere)| {
                    view! {
                        <DuplicatesPanel candidates elsewhere on_confirm=save_anyway.clone() />
                    }
                })
        }}
        <ErrorCount errors />
        <form
            class="intake-form"
            node_ref=form_ref
            method="post"
            novalidate=true
            on:submit=on_submit
            on:input=on_input.clone()
            on:change=on_input
        >
            <CustomerFields form=form_ref initial typed errors rows cooperation=types />
            <fieldset>
                <legend>"修改原因"</legend>
                <FormField
                    label="修改原因"
                    name="reason"
                    hint="修改姓名、证件或信用状况时必填"
                    error=error_of(errors, Field::Reason)
                >
                    <input
                        id="reason"
                        name="reason"
                        type="text"
                        maxlength="200"
                        autocomplete="off"
                        aria-describedby="reason-error"
                    />
                </FormField>
            </fieldset>
            <div class="form-actions">
                <button
                    type="submit"
                    class="button primary"
                    disabled=move || !interactive.get() || submit.pending().get()
                >
                    {move || if submit.pending().get() { "保存中…" } else { "保存修改" }}
                </button>
                <a class="button" href=format!("/customers/{code}")>
                    "返回档案"
                </a>
            </div>
        </form>
    }
}
