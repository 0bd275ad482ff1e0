//! Accounts and sessions.

use surrealdb::types::{Datetime, RecordId, SurrealValue};

use super::{AuditEntry, Store, StoreError};
use crate::domain::audit::AuditAction;
use crate::domain::{RegionCode, Role, Username, time_fmt};

/// A new account, its password already hashed.
pub struct NewUser {
    pub username: Username,
    pub display_name: String,
    pub role: Role,
    pub regions: Vec<RegionCode>,
    pub password_hash: String,
    pub must_change_password: bool,
}

/// An account as stored.
#[derive(Clone, Debug)]
pub struct UserRecord {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub regions: Vec<RegionCode>,
    pub password_hash: String,
    pub must_change_password: bool,
    pub disabled: bool,
    pub failed_attempts: u32,
    pub locked_until_ms: i64,
    /// `YYYY-MM-DD HH:MM`, China Standard Time.
    pub created_at: String,
}

/// What may change about an account from the administration page.
pub struct UserChange {
    pub display_name: String,
    pub role: Role,
    pub regions: Vec<RegionCode>,
    pub disabled: bool,
}

/// Why an account change was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum UserChangeOutcome {
    Changed,
    NoSuchUser,
    /// The change would leave no active administrator.
    LastAdministrator,
}

/// A stored session and the account behind it.
#[derive(Clone, Debug)]
pub struct SessionRecord {
    pub user: UserRecord,
    pub last_seen_ms: i64,
    pub expires_ms: i64,
}

#[derive(SurrealValue)]
struct UserRow {
    username: String,
    display_name: String,
    role: String,
    regions: Vec<String>,
    password_hash: String,
    must_change_password: bool,
    disabled: bool,
    failed_attempts: i64,
    locked_until_ms: i64,
    created_at: Datetime,
}

#[derive(Clone, SurrealValue)]
struct NewUserRow {
    username: String,
    display_name: String,
    role: String,
    regions: Vec<String>,
    password_hash: String,
    must_change_password: bool,
}

#[derive(SurrealValue)]
struct SessionRow {
    user: UserRow,
    last_seen_ms: i64,
    expires_ms: i64,
}

const USER_FIELDS: &str = "username, display_name, role, regions, password_hash, \
    must_change_password, disabled, failed_attempts, locked_until_ms, created_at";

fn user_id(username: &str) -> RecordId {
    RecordId::new("user", username)
}

fn session_id(token_hash: &str) -> RecordId {
    RecordId::new("session", token_hash)
}

impl Store {
    /// Creates an account; `false` when the user name is taken.
    pub async fn create_user(
        &self,
        user: &NewUser,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let row = NewUserRow {
            username: user.username.as_str().to_string(),
            display_name: user.display_name.clone(),
            role: user.role.key().to_string(),
            regions: user
                .regions
                .iter()
                .map(|r| r.as_str().to_string())
                .collect(),
            password_hash: user.password_hash.clone(),
            must_change_password: user.must_change_password,
        };
        let result = self
            .audited("CREATE ONLY $id CONTENT $row RETURN NONE", audit, |q| {
                q.bind(("id", user_id(user.username.as_str())))
                    .bind(("row", row.clone()))
            })
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(StoreError::Db(error))
                if error.is_already_exists() || error.message().contains("already exists") =>
            {
                Ok(false)
            }
            Err(error) => Err(error),
        }
    }

    pub async fn user(&self, username: &str) -> Result<Option<UserRecord>, StoreError> {
        let row: Option<UserRow> = self
            .db
            .query(format!("SELECT {USER_FIELDS} FROM ONLY $id"))
            .bind(("id", user_id(username)))
            .await?
            .take(0)?;
        row.map(UserRow::into_record).transpose()
    }

    /// Every account, by user name.
    pub async fn users(&self) -> Result<Vec<UserRecord>, StoreError> {
        let rows: Vec<UserRow> = self
            .db
            .query(format!("SELECT {USER_FIELDS} FROM user ORDER BY username"))
            .await?
            .take(0)?;
        rows.into_iter().map(UserRow::into_record).collect()
    }

    /// Counts a failed sign-in; from the `lock_after`-th in a row the account
    /// is locked until `lock_until_ms`. Answers the count.
    pub async fn record_failed_sign_in(
        &self,
        username: &str,
        lock_after: u32,
        lock_until_ms: i64,
        audit: &AuditEntry,
    ) -> Result<u32, StoreError> {
        self.audited(
            "UPDATE ONLY $id SET failed_attempts += 1 RETURN NONE",
            audit,
            |q| q.bind(("id", user_id(username))),
        )
        .await?;
        let failures: Option<i64> = self
            .db
            .query("SELECT VALUE failed_attempts FROM ONLY $id")
            .bind(("id", user_id(username)))
            .await?
            .take(0)?;
        let failures = failures.and_then(|f| u32::try_from(f).ok()).unwrap_or(0);
        if failures >= lock_after {
            let lockout = AuditEntry {
                action: AuditAction::Lockout,
                details: serde_json::json!({ "failures": failures }),
                ..audit.clone()
            };
            self.audited(
                "UPDATE $id SET locked_until_ms = $until, failed_attempts = 0",
                &lockout,
                |q| {
                    q.bind(("id", user_id(username)))
                        .bind(("until", lock_until_ms))
                },
            )
            .await?;
        }
        Ok(failures)
    }

    /// A successful sign-in clears the failure count.
    pub async fn record_sign_in(&self, username: &str) -> Result<(), StoreError> {
        self.db
            .query("UPDATE $id SET failed_attempts = 0, locked_until_ms = 0")
            .bind(("id", user_id(username)))
            .await?
            .check()?;
        Ok(())
    }

    /// Changes an account, unless that would leave the archive without an
    /// active administrator. Ends the account's sessions when it is disabled
    /// or its role changes, so the change takes effect at once.
    pub async fn update_user(
        &self,
        username: &str,
        change: &UserChange,
        audit: &AuditEntry,
    ) -> Result<UserChangeOutcome, StoreError> {
        let Some(before) = self.user(username).await? else {
            return Ok(UserChangeOutcome::NoSuchUser);
        };
        // Limitation: the count and the write are two steps, so two
        // administrators demoting each other at the same instant could both
        // pass; with the handful of administrators a cooperative has, and
        // `create-admin` as the way back, this is left for now.
        let stays_admin = change.role == Role::Admin && !change.disabled;
        let was_admin = before.role == Role::Admin && !before.disabled;
        if was_admin && !stays_admin && self.active_admins().await? <= 1 {
            return Ok(UserChangeOutcome::LastAdministrator);
        }

        let regions: Vec<String> = change
            .regions
            .iter()
            .map(|r| r.as_str().to_string())
            .collect();
        self.audited(
            "UPDATE $id SET display_name = $display_name, role = $role, regions = $regions, \
             disabled = $disabled, updated_at = time::now()",
            audit,
            |q| {
                q.bind(("id", user_id(username)))
                    .bind(("display_name", change.display_name.clone()))
                    .bind(("role", change.role.key()))
                    .bind(("regions", regions.clone()))
                    .bind(("disabled", change.disabled))
            },
        )
        .await?;
        if change.disabled || change.role != before.role {
            self.end_sessions_of(username).await?;
        }
        Ok(UserChangeOutcome::Changed)
    }

    /// Active (not disabled) administrators.
    pub async fn active_admins(&self) -> Result<u64, StoreError> {
        let count: Option<i64> = self
            .db
            .query(
                "RETURN count(SELECT VALUE id FROM user WHERE role = 'admin' AND disabled = false)",
            )
            .await?
            .take(0)?;
        Ok(count.and_then(|c| u64::try_from(c).ok()).unwrap_or(0))
    }

    /// Sets a new password hash; unlocks the account.
    pub async fn set_password(
        &self,
        username: &str,
        password_hash: &str,
        must_change: bool,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        if self.user(username).await?.is_none() {
            return Ok(false);
        }
        self.audited(
            "UPDATE ONLY $id SET password_hash = $hash, must_change_password = $must, \
             failed_attempts = 0, locked_until_ms = 0, updated_at = time::now() RETURN NONE",
            audit,
            |q| {
                q.bind(("id", user_id(username)))
                    .bind(("hash", password_hash.to_string()))
                    .bind(("must", must_change))
            },
        )
        .await?;
        Ok(true)
    }

    pub async fn create_session(
        &self,
        token_hash: &str,
        username: &str,
        now_ms: i64,
        expires_ms: i64,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        self.audited(
            "CREATE $id SET user = $user, created_ms = $now, last_seen_ms = $now, \
             expires_ms = $expires RETURN NONE",
            audit,
            |q| {
                q.bind(("id", session_id(token_hash)))
                    .bind(("user", user_id(username)))
                    .bind(("now", now_ms))
                    .bind(("expires", expires_ms))
            },
        )
        .await?;
        Ok(())
    }

    /// Ends a session at its owner's request.
    pub async fn sign_out(&self, token_hash: &str, audit: &AuditEntry) -> Result<(), StoreError> {
        self.audited("DELETE $id", audit, |q| {
            q.bind(("id", session_id(token_hash)))
        })
        .await?;
        Ok(())
    }

    /// The session with this token hash and its account, if both exist.
    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        let row: Option<SessionRow> = self
            .db
            .query(format!(
                "SELECT last_seen_ms, expires_ms, \
                 (SELECT {USER_FIELDS} FROM ONLY $parent.user) AS user FROM ONLY $id"
            ))
            .bind(("id", session_id(token_hash)))
            .await?
            .take(0)?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(SessionRecord {
            user: row.user.into_record()?,
            last_seen_ms: row.last_seen_ms,
            expires_ms: row.expires_ms,
        }))
    }

    pub async fn touch_session(&self, token_hash: &str, now_ms: i64) -> Result<(), StoreError> {
        self.db
            .query("UPDATE $id SET last_seen_ms = $now")
            .bind(("id", session_id(token_hash)))
            .bind(("now", now_ms))
            .await?
            .check()?;
        Ok(())
    }

    pub async fn end_session(&self, token_hash: &str) -> Result<(), StoreError> {
        self.db
            .query("DELETE $id")
            .bind(("id", session_id(token_hash)))
            .await?
            .check()?;
        Ok(())
    }

    /// Ends every session of the account but the one with `keep_hash`.
    pub async fn end_other_sessions(
        &self,
        username: &str,
        keep_hash: &str,
    ) -> Result<(), StoreError> {
        self.db
            .query("DELETE session WHERE user = $user AND id != $keep")
            .bind(("user", user_id(username)))
            .bind(("keep", session_id(keep_hash)))
            .await?
            .check()?;
        Ok(())
    }

    pub async fn end_sessions_of(&self, username: &str) -> Result<(), StoreError> {
        self.db
            .query("DELETE session WHERE user = $user")
            .bind(("user", user_id(username)))
            .await?
            .check()?;
        Ok(())
    }
}

impl UserRow {
    fn into_record(self) -> Result<UserRecord, StoreError> {
        let corrupt = || StoreError::Corrupt(format!("user:{}", self.username));
        let role = Role::from_key(&self.role).ok_or_else(corrupt)?;
        let regions = self
            .regions
            .iter()
            .map(|r| RegionCode::parse(r).map_err(|_| corrupt()))
            .collect::<Result<_, _>>()?;
        Ok(UserRecord {
            role,
            regions,
            failed_attempts: u32::try_from(self.failed_attempts).unwrap_or(0),
            created_at: time_fmt::format_minute_cst(self.created_at.timestamp_millis()),
            username: self.username,
            display_name: self.display_name,
            password_hash: self.password_hash,
            must_change_password: self.must_change_password,
            disabled: self.disabled,
            locked_until_ms: self.locked_until_ms,
        })
    }
}
