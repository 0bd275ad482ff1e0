//! Account administration (管理员 only).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::Json;

use crate::domain::{Field, FieldError, RegionCode, Role, Username};
use crate::error::AppError;

/// One account in the administration list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub regions: Vec<String>,
    pub disabled: bool,
    pub locked: bool,
    pub created_at: String,
}

/// The account form as typed; regions are codes separated by blanks or
/// commas, e.g. `510100 510104`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserForm {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub regions: String,
    /// The initial password, for a new account only.
    pub password: String,
    pub disabled: bool,
}

/// A checked account form.
pub struct CheckedUser {
    pub username: Username,
    pub display_name: String,
    pub role: Role,
    pub regions: Vec<RegionCode>,
}

impl UserForm {
    /// Checks everything but the password.
    pub fn check(&self) -> Result<CheckedUser, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut refuse = |field, message: String| errors.push(FieldError { field, message });

        let username = Username::parse(&self.username)
            .map_err(|m| refuse(Field::Username, m))
            .ok();
        let display_name = self.display_name.trim().to_string();
        if display_name.is_empty() || display_name.chars().count() > 30 {
            refuse(Field::DisplayName, "请填写 1–30 个字的姓名".to_string());
        }
        let role = Role::from_key(&self.role);
        if role.is_none() {
            refuse(Field::Role, "请选择角色".to_string());
        }
        let regions: Result<Vec<RegionCode>, _> = self
            .regions
            .split(|c: char| c.is_whitespace() || c == ',' || c == '，')
            .filter(|s| !s.is_empty())
            .map(RegionCode::parse)
            .collect();
        let regions = regions
            .map_err(|e| refuse(Field::Regions, e.to_string()))
            .ok();
        if role.is_some_and(Role::is_region_scoped) && regions.as_ref().is_some_and(Vec::is_empty) {
            refuse(
                Field::Regions,
                "业务员和负责人需要至少一个负责地区".to_string(),
            );
        }

        match (username, role, regions) {
            (Some(username), Some(role), Some(regions)) if errors.is_empty() => Ok(CheckedUser {
                username,
                display_name,
                role,
                regions,
            }),
            _ => Err(errors),
        }
    }
}

/// Every account.
#[server(endpoint = "list_users", input = Json)]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    use super::caller::now_ms;
    use super::ssr;
    use crate::domain::Right;

    let request = ssr::Request::begin();
    request.answer(
        async {
            let caller = request.caller().await?;
            caller.require(Right::ManageUsers)?;

            let now = now_ms();
            let users = request.store()?.users().await.map_err(ssr::internal)?;
            Ok(users
                .into_iter()
                .map(|u| UserSummary {
                    locked: u.locked_until_ms > now,
                    regions: u.regions.iter().map(|r| r.as_str().to_string()).collect(),
                    username: u.username,
                    display_name: u.display_name,
                    role: u.role,
                    disabled: u.disabled,
                    created_at: u.created_at,
                })
                .collect())
        }
        .await,
    )
}

/// Opens an account with an initial password that its owner must change at
/// the first sign-in.
#[server(endpoint = "create_user", input = Json)]
pub async fn create_user(form: UserForm) -> Result<(), AppError> {
    use super::ssr;
    use crate::domain::Right;
    use crate::domain::audit::{AuditAction, Outcome};
    use crate::secure::password as passwords;
    use crate::store::NewUser;

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::UserCreate,
            &form.username.clone(),
            async {
                let caller = request.caller().await?;
                caller.require(Right::ManageUsers)?;

                let mut errors = Vec::new();
                let checked = form.check().map_err(|e| errors.extend(e)).ok();
                let policy = &request.auth.password;
                if let Err(message) = policy.check(&form.password, form.username.trim()) {
                    errors.push(FieldError {
                        field: Field::Password,
                        message,
                    });
                }
                let Some(checked) = checked.filter(|_| errors.is_empty()) else {
                    return Err(AppError::Invalid(errors));
                };

                let password_hash = passwords::hash(form.password)
                    .await
                    .map_err(ssr::hashing_failed)?;
                let user = NewUser {
                    username: checked.username,
                    display_name: checked.display_name,
                    role: checked.role,
                    regions: checked.regions,
                    password_hash,
                    must_change_password: true,
                };
                let entry = request.event(
                    AuditAction::UserCreate,
                    user.username.as_str().to_string(),
                    Outcome::Ok,
                    serde_json::json!({
                        "role": user.role.key(),
                        "regions": user.regions.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
                    }),
                );
                let created = request
                    .store()?
                    .create_user(&user, &entry)
                    .await
                    .map_err(ssr::internal)?;
                if !created {
                    return Err(AppError::field(Field::Username, "该用户名已被使用"));
                }
                tracing::info!(user.role = user.role.key(), "account created");
                Ok(())
            }
            .await,
        )
        .await
}

/// Changes an account's name, role, regions or whether it is disabled.
#[server(endpoint = "update_user", input = Json)]
pub async fn update_user(form: UserForm) -> Result<(), AppError> {
    use super::ssr;
    use crate::domain::Right;
    use crate::domain::audit::{AuditAction, Outcome};
    use crate::store::{UserChange, UserChangeOutcome};

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::UserChange,
            &form.username.clone(),
            async {
                let caller = request.caller().await?;
                caller.require(Right::ManageUsers)?;

                let checked = form.check().map_err(AppError::Invalid)?;
                let change = UserChange {
                    display_name: checked.display_name,
                    role: checked.role,
                    regions: checked.regions,
                    disabled: form.disabled,
                };
                let store = request.store()?;
                let entry = request.event(
                    AuditAction::UserChange,
                    checked.username.as_str().to_string(),
                    Outcome::Ok,
                    serde_json::json!({
                        "role": change.role.key(),
                        "regions": change.regions.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
                        "disabled": change.disabled,
                    }),
                );
                match store
                    .update_user(checked.username.as_str(), &change, &entry)
                    .await
                    .map_err(ssr::internal)?
                {
                    UserChangeOutcome::Changed => {
                        tracing::info!(user.role = change.role.key(), "account changed");
                        Ok(())
                    }
                    UserChangeOutcome::NoSuchUser => Err(AppError::NotFound("该用户".to_string())),
                    UserChangeOutcome::LastAdministrator => Err(AppError::Conflict(
                        "系统至少需要一位启用中的管理员，不能停用或更改最后一位管理员".to_string(),
                    )),
                }
            }
            .await,
        )
        .await
}

/// Gives an account a new initial password and ends its sessions.
#[server(endpoint = "reset_password", input = Json)]
pub async fn reset_password(username: String, password: String) -> Result<(), AppError> {
    use super::ssr;
    use crate::domain::Right;
    use crate::domain::audit::{AuditAction, Outcome};
    use crate::secure::password as passwords;

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::PasswordReset,
            &username.clone(),
            async {
                let caller = request.caller().await?;
                caller.require(Right::ManageUsers)?;

                let username = Username::parse(&username)
                    .map_err(|_| AppError::NotFound("该用户".to_string()))?;
                request
                    .auth
                    .password
                    .check(&password, username.as_str())
                    .map_err(|message| AppError::field(Field::Password, message))?;

                let store = request.store()?;
                let hash = passwords::hash(password)
                    .await
                    .map_err(ssr::hashing_failed)?;
                let entry = request.event(
                    AuditAction::PasswordReset,
                    username.as_str().to_string(),
                    Outcome::Ok,
                    serde_json::json!({}),
                );
                let found = store
                    .set_password(username.as_str(), &hash, true, &entry)
                    .await
                    .map_err(ssr::internal)?;
                if !found {
                    return Err(AppError::NotFound("该用户".to_string()));
                }
                store
                    .end_sessions_of(username.as_str())
                    .await
                    .map_err(ssr::internal)?;
                tracing::info!("password reset by an administrator");
                Ok(())
            }
            .await,
        )
        .await
}
