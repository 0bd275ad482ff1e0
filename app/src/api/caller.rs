//! Who is calling a server function, and what they may do.
//!
//! Every server function obtains its caller here, once, and checks the right
//! it needs before it reads or writes anything. Hiding a button is not a check.

use crate::domain::{CurrentUser, RegionScope, Role};

/// The signed-in person behind a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    user: CurrentUser,
    scope: RegionScope,
}

impl Caller {
    pub fn username(&self) -> &str {
        &self.user.username
    }

    pub fn role(&self) -> Role {
        self.user.role
    }

    /// The regions whose files this caller may reach.
    pub fn scope(&self) -> &RegionScope {
        &self.scope
    }

    pub fn user(&self) -> &CurrentUser {
        &self.user
    }
}

#[cfg(feature = "ssr")]
pub use ssr::{AuthSettings, millis, now_ms};

#[cfg(feature = "ssr")]
mod ssr {
    use std::time::Duration;

    use super::*;
    use crate::api::ssr as api;
    use crate::domain::{PasswordPolicy, Right};
    use crate::error::AppError;
    use crate::store::UserRecord;

    /// A session's last-seen time is written at most this often, so that
    /// reading pages does not turn into a stream of writes.
    const TOUCH_INTERVAL_MS: i64 = 60_000;

    /// Sign-in and session rules, set by the operator.
    #[derive(Clone, Debug)]
    pub struct AuthSettings {
        /// Failed sign-ins in a row that lock an account.
        pub lock_after: u32,
        pub lock_for: Duration,
        /// A session unused this long ends.
        pub idle: Duration,
        /// A session ends this long after sign-in, used or not.
        pub absolute: Duration,
        /// Mark the cookie `Secure` (the server speaks HTTPS).
        pub secure_cookie: bool,
        pub password: PasswordPolicy,
    }

    impl Default for AuthSettings {
        fn default() -> Self {
            Self {
                lock_after: 5,
                lock_for: Duration::from_secs(15 * 60),
                idle: Duration::from_secs(30 * 60),
                absolute: Duration::from_secs(12 * 60 * 60),
                secure_cookie: false,
                password: PasswordPolicy::default(),
            }
        }
    }

    /// Milliseconds since the Unix epoch.
    pub fn now_ms() -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
    }

    impl Caller {
        /// The caller of a request, from its session cookie.
        pub(crate) async fn of(request: &api::Request) -> Result<Self, AppError> {
            let token_hash = request.token_hash().ok_or(AppError::Unauthenticated)?;
            let store = request.store()?;

            let session = store.session(token_hash).await.map_err(api::internal)?;
            let Some(session) = session else {
                return Err(AppError::Unauthenticated);
            };

            let now = now_ms();
            let idle_ms = millis(request.auth.idle);
            let expired = session.expires_ms <= now || session.last_seen_ms + idle_ms <= now;
            if expired || session.user.disabled {
                store.end_session(token_hash).await.map_err(api::internal)?;
                return Err(AppError::Unauthenticated);
            }
            if now - session.last_seen_ms > TOUCH_INTERVAL_MS {
                store
                    .touch_session(token_hash, now)
                    .await
                    .map_err(api::internal)?;
            }
            Ok(Self::from_record(&session.user))
        }

        pub fn from_record(user: &UserRecord) -> Self {
            let scope = RegionScope::for_role(user.role, &user.regions);
            let user = CurrentUser {
                username: user.username.clone(),
                display_name: user.display_name.clone(),
                role: user.role,
                regions: user
                    .regions
                    .iter()
                    .map(|r| r.as_str().to_string())
                    .collect(),
                must_change_password: user.must_change_password,
            };
            Self { user, scope }
        }

        /// Refuses the request unless the caller holds `right`.
        pub fn require(&self, right: Right) -> Result<(), AppError> {
            if self.user.must_change_password {
                return Err(AppError::PasswordChangeRequired);
            }
            if !self.user.role.may(right) {
                tracing::warn!(user.role = self.user.role.key(), right = ?right, "right refused");
                return Err(AppError::Forbidden);
            }
            Ok(())
        }
    }

    pub fn millis(duration: Duration) -> i64 {
        i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
    }
}
