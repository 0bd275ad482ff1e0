//! 修改密码: one's own password.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::auth::change_password;
use crate::components::banner::ErrorBanner;
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::field::{FormField, error_of};
use crate::components::form::{focus_first_error, reload_at, text};
use crate::domain::{CurrentUser, Field, FieldError};
use crate::error::AppError;

#[component]
pub fn PasswordPage() -> impl IntoView {
    let user = use_context::<CurrentUser>();
    let must_change = user.as_ref().is_some_and(|u| u.must_change_password);
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let change = Action::new(|(current, new): &(String, String)| {
        change_password(current.clone(), new.clone())
    });

    Effect::new(move |_| match change.value().get() {
        Some(Ok(())) if must_change => reload_at("/"),
        Some(Err(AppError::Invalid(refused))) => errors.set(refused),
        _ => {}
    });

    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(form) = form_ref.get() else { return };
        let (new, again) = (
            text(&form, "new_password"),
            text(&form, "new_password_again"),
        );
        if new != again {
            errors.set(vec![FieldError {
                field: Field::Password,
                message: "两次输入的新密码不一致".to_string(),
            }]);
            focus_first_error(&form);
            return;
        }
        errors.set(Vec::new());
        change.dispatch((text(&form, "current_password"), new));
    };
    let error_for = move |field: Field| error_of(errors, field);
    let outcome = move || match change.value().get() {
        Some(Ok(())) => Some(
            view! {
                <div class="banner success" role="status">
                    "密码已修改。"
                </div>
            }
            .into_any(),
        ),
        Some(Err(AppError::Invalid(_))) | None => None,
        Some(Err(other)) => Some(view! { <ErrorBanner message=other.to_string() /> }.into_any()),
    };

    view! {
        <Title text="修改密码" />
        <Breadcrumbs current="修改密码".to_string() />
        <h1>"修改密码"</h1>
        {must_change
            .then(|| {
                view! {
                    <div class="banner warning" role="alert">
                        "这是管理员为您设置的初始密码，请先设置您自己的密码。"
                    </div>
                }
            })}
        {outcome}
        <form
            class="narrow-form"
            node_ref=form_ref
            method="post"
            novalidate=true
            on:submit=on_submit
        >
            <fieldset>
                <legend>"密码"</legend>
                <FormField
                    label="当前密码"
                    name="current_password"
                    required=true
                    error=error_for(Field::CurrentPassword)
                >
                    <input
                        id="current_password"
                        name="current_password"
                        type="password"
                        autocomplete="current-password"
                        aria-describedby="current_password-error"
                        required
                    />
                </FormField>
                <FormField
                    label="新密码"
                    name="new_password"
                    required=true
                    hint="至少 12 位，含大写字母、小写字母、数字、符号中的至少 3 种"
                    error=error_for(Field::Password)
                >
                    <input
                        id="new_password"
                        name="new_password"
                        type="password"
                        autocomplete="new-password"
                        aria-describedby="new_password-error"
                        required
                    />
                </FormField>
                <FormField
                    label="确认新密码"
                    name="new_password_again"
                    required=true
                    error=Signal::derive(|| None::<String>)
                >
                    <input
                        id="new_password_again"
                        name="new_password_again"
                        type="password"
                        autocomplete="new-password"
                        required
                    />
                </FormField>
            </fieldset>
            <div class="form-actions">
                <button
                    type="submit"
                    class="button primary"
                    disabled=move || change.pending().get()
                >
                    "确定"
                </button>
            </div>
        </form>
    }
}
