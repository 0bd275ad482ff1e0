//! 用户管理: accounts, roles and regions (管理员 only).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::users::{
    UserForm, UserSummary, create_user, list_users, reset_password, update_user,
};
use crate::components::banner::ErrorBanner;
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::field::{FormField, error_of};
use crate::components::form::{checked, focus_first_error, set_checked, set_text, text};
use crate::domain::{Field, FieldError, Role};
use crate::error::AppError;

#[component]
pub fn UsersPage() -> impl IntoView {
    let users = Resource::new(|| (), |_| list_users());
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let editing = RwSignal::new(None::<String>);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let notice = RwSignal::new(None::<Result<String, String>>);

    let save = Action::new(move |(form, existing): &(UserForm, bool)| {
        let form = form.clone();
        let existing = *existing;
        async move {
            if existing {
                update_user(form).await
            } else {
                create_user(form).await
            }
        }
    });
    let reset = Action::new(|(name, password): &(String, String)| {
        reset_password(name.clone(), password.clone())
    });
    // The account whose password is being reset, while the dialog is open.
    let resetting = RwSignal::new(None::<String>);

    Effect::new(move |_| match save.value().get() {
        Some(Ok(())) => {
            errors.set(Vec::new());
            notice.set(Some(Ok("已保存。".to_string())));
            if let Some(form) = form_ref.get_untracked() {
                form.reset();
            }
            editing.set(None);
            users.refetch();
        }
        Some(Err(AppError::Invalid(refused))) => {
            errors.set(refused);
            if let Some(form) = form_ref.get_untracked() {
                focus_first_error(&form);
            }
        }
        Some(Err(other)) => notice.set(Some(Err(other.to_string()))),
        None => {}
    });
    Effect::new(move |_| match reset.value().get() {
        Some(Ok(())) => {
            resetting.set(None);
            notice.set(Some(Ok(
                "密码已重置，用户下次登录时需修改密码。".to_string()
            )));
        }
        Some(Err(AppError::Invalid(_))) | None => {}
        Some(Err(error)) => notice.set(Some(Err(error.to_string()))),
    });

    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(form) = form_ref.get() else { return };
        let typed = UserForm {
            username: text(&form, "username"),
            display_name: text(&form, "display_name"),
            role: text(&form, "role"),
            regions: text(&form, "regions"),
            password: text(&form, "password"),
            disabled: checked(&form, "disabled"),
        };
        notice.set(None);
        save.dispatch((typed, editing.get_untracked().is_some()));
    };
    let start_edit = move |user: UserSummary| {
        let Some(form) = form_ref.get_untracked() else {
            return;
        };
        set_text(&form, "username", &user.username);
        set_text(&form, "display_name", &user.display_name);
        set_text(&form, "role", user.role.key());
        set_text(&form, "regions", &user.regions.join(" "));
        set_text(&form, "password", "");
        set_checked(&form, "disabled", user.disabled);
        errors.set(Vec::new());
        notice.set(None);
        editing.set(Some(user.username));
    };
    let cancel_edit = move |_| {
        if let Some(form) = form_ref.get_untracked() {
            form.reset();
        }
        errors.set(Vec::new());
        editing.set(None);
    };
    let ask_reset = move |username: String| {
        notice.set(None);
        reset.value().set(None);
        resetting.set(Some(username));
    };

    let error_for = move |field: Field| error_of(errors, field);

    view! {
        <Title text="用户管理" />
        <Breadcrumbs current="用户管理".to_string() />
        <h1>"用户管理"</h1>
        {move || {
            notice
                .get()
                .map(|n| match n {
                    Ok(message) => {
                        view! {
                            <div class="banner success" role="status">
                                {message}
                            </div>
                        }
                            .into_any()
                    }
                    Err(message) => view! { <ErrorBanner message=message /> }.into_any(),
                })
        }}
        <Transition fallback=|| {
            view! { <p class="loading">"正在载入…"</p> }
        }>
            {move || Suspend::new(async move {
                match users.await {
                    Ok(list) => {
                        view! {
                            <div class="table-wrap">
                                <table class="data-table">
                                    <thead>
                                        <tr>
                                            <th scope="col">"用户名"</th>
                                            <th scope="col">"姓名"</th>
                                            <th scope="col">"角色"</th>
                                            <th scope="col">"负责地区"</th>
                                            <th scope="col">"状态"</th>
                                            <th scope="col">"创建时间"</th>
                                            <th scope="col">"操作"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {list
                                            .into_iter()
                                            .map(|user| {
                                                view! {
                                                    <UserRow user on_edit=start_edit on_reset=ask_reset />
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorBanner message=error.to_string() /> }.into_any(),
                }
            })}
        </Transition>
        {move || {
            resetting
                .get()
                .map(|username| {
                    view! {
                        <ResetPasswordDialog username reset on_cancel=move || resetting.set(None) />
                    }
                })
        }}
        <h2>{move || if editing.get().is_some() { "编辑用户" } else { "新建用户" }}</h2>
        <form class="user-form" node_ref=form_ref method="post" novalidate=true on:submit=on_submit>
            <fieldset>
                <legend>"账户"</legend>
                <FormField
                    label="用户名"
                    name="username"
                    required=true
                    error=error_for(Field::Username)
                >
                    <input
                        id="username"
                        name="username"
                        type="text"
                        autocomplete="off"
                        autocapitalize="none"
                        aria-describedby="username-error"
                        readonly=move || editing.get().is_some()
                        required
                    />
                </FormField>
                <FormField
                    label="姓名"
                    name="display_name"
                    required=true
                    error=error_for(Field::DisplayName)
                >
                    <input
                        id="display_name"
                        name="display_name"
                        type="text"
                        autocomplete="off"
                        aria-describedby="display_name-error"
                        required
                    />
                </FormField>
                <FormField label="角色" name="role" required=true error=error_for(Field::Role)>
                    <select id="role" name="role" aria-describedby="role-error" required>
                        <option value="">"请选择"</option>
                        {Role::ALL
                            .into_iter()
                            .map(|r| view! { <option value=r.key()>{r.label()}</option> })
                            .collect_view()}
                    </select>
                </FormField>
                <FormField
                    label="负责地区"
                    name="regions"
                    hint="业务员、负责人必填：地区码，多个用空格分隔，如 510100 510104"
                    error=error_for(Field::Regions)
                >
                    <input
                        id="regions"
                        name="regions"
                        type="text"
                        inputmode="numeric"
                        autocomplete="off"
                        aria-describedby="regions-error"
                    />
                </FormField>
                <div hidden=move || editing.get().is_some()>
                    <FormField
                        label="初始密码"
                        name="password"
                        required=true
                        hint="用户首次登录后须修改"
                        error=error_for(Field::Password)
                    >
                        <input
                            id="password"
                            name="password"
                            type="password"
                            autocomplete="new-password"
                            aria-describedby="password-error"
                            required
                        />
                    </FormField>
                </div>
                <div hidden=move || editing.get().is_none()>
                    <div class="form-field">
                        <span></span>
                        <label class="checkbox">
                            <input type="checkbox" name="disabled" />
                            "停用此账户"
                        </label>
                    </div>
                </div>
            </fieldset>
            <div class="form-actions">
                <button type="submit" class="button primary" disabled=move || save.pending().get()>
                    "确定"
                </button>
                <button type="button" class="button" on:click=cancel_edit>
                    "取消"
                </button>
            </div>
        </form>
    }
}

/// One account in the table, with its actions.
#[component]
fn UserRow(
    user: UserSummary,
    on_edit: impl Fn(UserSummary) + Copy + Send + Sync + 'static,
    on_reset: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let status = match (user.disabled, user.locked) {
        (true, _) => "已停用",
        (false, true) => "已锁定",
        (false, false) => "启用",
    };
    let regions = match (user.role.is_region_scoped(), user.regions.is_empty()) {
        (false, _) => "全部".to_string(),
        (true, true) => "无".to_string(),
        (true, false) => user.regions.join("、"),
    };
    let (for_edit, name) = (user.clone(), user.username.clone());

    view! {
        <tr>
            <td>{user.username}</td>
            <td>{user.display_name}</td>
            <td>{user.role.label()}</td>
            <td>{regions}</td>
            <td>{status}</td>
            <td>{user.created_at}</td>
            <td class="row-actions">
                <button
                    type="button"
                    class="button small"
                    on:click=move |_| on_edit(for_edit.clone())
                >
                    "编辑"
                </button>
                <button type="button" class="button small" on:click=move |_| on_reset(name.clone())>
                    "重置密码"
                </button>
            </td>
        </tr>
    }
}

/// Sets a new initial password for one account; its owner must replace it
/// at the next sign-in.
#[component]
fn ResetPasswordDialog(
    username: String,
    reset: Action<(String, String), Result<(), AppError>>,
    on_cancel: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let password = NodeRef::<leptos::html::Input>::new();
    let refusal = move || match reset.value().get() {
        Some(Err(AppError::Invalid(refused))) => refused.first().map(|e| e.message.clone()),
        _ => None,
    };
    let title = format!("为用户 {username} 重置密码");
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if let Some(input) = password.get() {
            reset.dispatch((username.clone(), input.value()));
        }
    };

    view! {
        <section class="dialog card" role="dialog" aria-labelledby="reset-title">
            <h2 id="reset-title">{title}</h2>
            <form method="post" novalidate=true on:submit=on_submit>
                <FormField
                    label="新的初始密码"
                    name="reset_password"
                    required=true
                    hint="至少 12 位；用户下次登录时须修改"
                    error=Signal::derive(refusal)
                >
                    <input
                        id="reset_password"
                        name="reset_password"
                        type="password"
                        autocomplete="new-password"
                        aria-describedby="reset_password-error"
                        node_ref=password
                        required
                    />
                </FormField>
                <div class="form-actions">
                    <button
                        type="submit"
                        class="button primary"
                        disabled=move || reset.pending().get()
                    >
                        "确定"
                    </button>
                    <button type="button" class="button" on:click=move |_| on_cancel()>
                        "取消"
                    </button>
                </div>
            </form>
        </section>
    }
}
