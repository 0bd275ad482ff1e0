//! Signing in and out, and one's own password.

use leptos::prelude::*;
use server_fn::codec::Json;

use crate::domain::CurrentUser;
#[cfg(feature = "ssr")]
use crate::domain::audit::{AuditAction, Outcome};
use crate::error::AppError;

/// Signs in with user name and password; on success the browser holds an
/// HttpOnly session cookie. Every refusal reads the same, whether the name
/// is unknown, the password wrong or the account locked.
#[server(endpoint = "sign_in", input = Json)]
pub async fn sign_in(username: String, password: String) -> Result<CurrentUser, AppError> {
    use super::caller::{Caller, millis, now_ms};
    use super::ssr;
    use crate::domain::Username;
    use crate::secure::{password as passwords, token};

    let request = ssr::Request::begin();
    request.answer(
        async {
            let store = request.store()?;
            let settings = &request.auth;
            let now = now_ms();

            let account = match Username::parse(&username) {
                Ok(name) => store.user(name.as_str()).await.map_err(ssr::internal)?,
                Err(_) => None,
            };
            let locked = account.as_ref().is_some_and(|a| a.locked_until_ms > now);
            let usable = account.as_ref().filter(|a| !a.disabled && !locked);
            let matched =
                passwords::verify(password, usable.map(|a| a.password_hash.clone())).await;

            let Some(account) = usable.filter(|_| matched) else {
                // The typed name is kept only when it names an account: a
                // mistyped name may be anything, a phone number even.
                let known = account.as_ref().map(|a| (a.username.clone(), a.role.key()));
                let (name, role) = known.unwrap_or_else(|| ("(未知用户)".to_string(), ""));
                request.acting_as(&name, role);
                let failed = request.event(
                    AuditAction::SignInFailed,
                    name.clone(),
                    Outcome::Refused,
                    serde_json::json!({ "known_account": account.is_some(), "locked": locked }),
                );
                if let Some(account) = usable {
                    let until = now + millis(settings.lock_for);
                    let failures = store
                        .record_failed_sign_in(
                            &account.username,
                            settings.lock_after,
                            until,
                            &failed,
                        )
                        .await
                        .map_err(ssr::internal)?;
                    if failures >= settings.lock_after {
                        tracing::warn!(sign_in.failures = failures, "account locked");
                    }
                } else {
                    request.record(&failed).await?;
                }
                tracing::info!(sign_in.outcome = "refused", "sign-in refused");
                return Err(AppError::SignInFailed);
            };

            store
                .record_sign_in(&account.username)
                .await
                .map_err(ssr::internal)?;
            let session = token::new_token();
            let expires = now + millis(settings.absolute);
            request.acting_as(&account.username, account.role.key());
            let signed_in = request.event(
                AuditAction::SignIn,
                account.username.clone(),
                Outcome::Ok,
                serde_json::json!({}),
            );
            store
                .create_session(
                    &token::token_hash(&session),
                    &account.username,
                    now,
                    expires,
                    &signed_in,
                )
                .await
                .map_err(ssr::internal)?;
            let max_age = i64::try_from(settings.absolute.as_secs()).unwrap_or(i64::MAX);
            request.set_cookie(&token::set_cookie(
                &session,
                max_age,
                settings.secure_cookie,
            ));

            tracing::info!(user.role = account.role.key(), "signed in");
            Ok(Caller::from_record(account).user().clone())
        }
        .await,
    )
}

/// Ends the session on the server and removes the cookie.
#[server(endpoint = "sign_out", input = Json)]
pub async fn sign_out() -> Result<(), AppError> {
    use super::ssr;
    use crate::secure::token;

    let request = ssr::Request::begin();
    request.answer(
        async {
            if let Some(hash) = request.token_hash() {
                let store = request.store()?;
                match request.caller().await {
                    Ok(caller) => {
                        let entry = request.event(
                            AuditAction::SignOut,
                            caller.username().to_string(),
                            Outcome::Ok,
                            serde_json::json!({}),
                        );
                        store.sign_out(hash, &entry).await.map_err(ssr::internal)?;
                    }
                    // An expired session is gone already; nothing to record.
                    Err(_) => store.end_session(hash).await.map_err(ssr::internal)?,
                }
                tracing::info!("signed out");
            }
            request.set_cookie(&token::set_cookie("", 0, request.auth.secure_cookie));
            Ok(())
        }
        .await,
    )
}

/// The signed-in person, or `None` without a valid session.
#[server(endpoint = "session_user", input = Json)]
pub async fn session_user() -> Result<Option<CurrentUser>, AppError> {
    use super::ssr;

    let request = ssr::Request::begin();
    request.answer(match request.caller().await {
        Ok(caller) => Ok(Some(caller.user().clone())),
        Err(AppError::Unauthenticated) => Ok(None),
        Err(other) => Err(other),
    })
}

/// Replaces one's own password; ends one's other sessions.
#[server(endpoint = "change_password", input = Json)]
pub async fn change_password(current: String, new: String) -> Result<(), AppError> {
    use super::ssr;
    use crate::domain::Field;
    use crate::secure::password as passwords;

    let request = ssr::Request::begin();
    request.answer(
        async {
            let caller = request.caller().await?;
            let store = request.store()?;
            let settings = &request.auth;

            let account = store.user(caller.username()).await.map_err(ssr::internal)?;
            let stored = account.map(|a| a.password_hash);
            if !passwords::verify(current, stored).await {
                return Err(AppError::field(Field::CurrentPassword, "当前密码不正确"));
            }
            settings
                .password
                .check(&new, caller.username())
                .map_err(|message| AppError::field(Field::Password, message))?;

            let hash = passwords::hash(new).await.map_err(ssr::hashing_failed)?;
            let entry = request.event(
                AuditAction::PasswordChange,
                caller.username().to_string(),
                Outcome::Ok,
                serde_json::json!({}),
            );
            store
                .set_password(caller.username(), &hash, false, &entry)
                .await
                .map_err(ssr::internal)?;
            let keep = request.token_hash().unwrap_or_default();
            store
                .end_other_sessions(caller.username(), keep)
                .await
                .map_err(ssr::internal)?;

            tracing::info!(user.role = caller.role().key(), "password changed");
            Ok(())
        }
        .await,
    )
}
