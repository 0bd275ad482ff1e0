//! 数据备份: the administrator's backups — list, take one now, check one by
//! restoring it into a scratch database.

use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::domain::audit::{AuditAction, Outcome};
use crate::domain::backup::{BackupCheck, BackupInfo};
use crate::error::AppError;

/// Every backup, newest first, each checked against its checksum.
#[server(endpoint = "list_backups", input = Json)]
pub async fn list_backups() -> Result<Vec<BackupInfo>, AppError> {
    use super::ssr;
    use crate::domain::Right;

    let request = ssr::Request::begin();
    request.answer(
        async {
            let caller = request.caller().await?;
            caller.require(Right::ManageBackups)?;
            request.backups()?.list().map_err(failed)
        }
        .await,
    )
}

/// Takes a backup of the whole archive now.
#[server(endpoint = "create_backup", input = Json)]
pub async fn create_backup() -> Result<BackupInfo, AppError> {
    use super::ssr;
    use crate::domain::Right;

    let request = ssr::Request::begin();
    request
        .answer_audited(
            AuditAction::Backup,
            "",
            async {
                let caller = request.caller().await?;
                caller.require(Right::ManageBackups)?;
                let info = request
                    .backups()?
                    .create(request.store()?)
                    .await
                    .map_err(failed)?;
                request
                    .record(&request.event(
                        AuditAction::Backup,
                        info.name.clone(),
                        Outcome::Ok,
                        serde_json::json!({ "files": info.files, "bytes": info.size_bytes }),
                    ))
                    .await?;
                tracing::info!(backup.name = %info.name, backup.bytes = info.size_bytes, "backup taken");
                Ok(info)
            }
            .await,
        )
        .await
}

/// Restores a backup into a scratch database and compares it with what
/// the backup recorded.
#[server(endpoint = "check_backup", input = Json)]
pub async fn check_backup(name: String) -> Result<BackupCheck, AppError> {
    use super::ssr;
    use crate::domain::Right;

    let request = ssr::Request::begin();
    let signer = use_context::<crate::store::AuditSigner>();
    request
        .answer_audited(
            AuditAction::Backup,
            &name.clone(),
            async {
                let caller = request.caller().await?;
                caller.require(Right::ManageBackups)?;
                let signer = signer.ok_or(AppError::Internal)?;
                let store = request.store()?;
                let check = request
                    .backups()?
                    .check(name.trim(), store.scheme().clone(), &signer)
                    .await
                    .map_err(failed)?;
                request
                    .record(&request.event(
                        AuditAction::Backup,
                        name.trim(),
                        Outcome::Ok,
                        serde_json::json!({ "step": "checked", "matches": check.matches }),
                    ))
                    .await?;
                Ok(check)
            }
            .await,
        )
        .await
}

/// Replaces the whole archive with a backup. `confirm` must repeat the
/// backup's name. Everyone, the caller included, signs in again after.
#[server(endpoint = "restore_backup", input = Json)]
pub async fn restore_backup(name: String, confirm: String) -> Result<(), AppError> {
    use super::ssr;
    use crate::domain::Right;

    let request = ssr::Request::begin();
    let signer = use_context::<crate::store::AuditSigner>();
    request
        .answer_audited(
            AuditAction::Restore,
            &name.clone(),
            async {
                let caller = request.caller().await?;
                caller.require(Right::ManageBackups)?;
                let name = name.trim();
                if confirm.trim() != name {
                    return Err(AppError::BadRequest(
                        "请在确认框中完整输入要恢复的备份名称".to_string(),
                    ));
                }
                let backups = request.backups()?;
                if !backups.list().map_err(failed)?.iter().any(|b| b.name == name && b.intact) {
                    return Err(AppError::Conflict(format!(
                        "备份 {name} 不存在或已损坏，不能恢复"
                    )));
                }
                let store = request.store()?;
                tracing::warn!(backup.name = %name, "restoring a backup over the running archive");
                backups.restore_live(name, store).await.map_err(failed)?;
                if let Some(signer) = signer {
                    let (head, _) = store.audit_head().await.map_err(ssr::internal)?;
                    let stamp = crate::domain::time_fmt::format_second_cst(
                        super::caller::now_ms(),
                    )
                    .replace(['-', ':'], "")
                    .replace(' ', "-");
                    if let Err(error) = signer.restart_file_at(head, &stamp) {
                        tracing::error!(error = %error, "checkpoint file not restarted after a restore");
                    }
                }
                Ok(())
            }
            .await,
        )
        .await
}

/// A backup failure, logged once and said plainly.
#[cfg(feature = "ssr")]
fn failed(error: crate::store::backup::BackupError) -> AppError {
    use crate::store::backup::BackupError;
    match error {
        BackupError::Missing(name) => AppError::NotFound(format!("备份 {name}")),
        BackupError::Damaged(name) => AppError::Conflict(format!(
            "备份 {name} 与其校验值不符，可能已损坏或被改动，不能使用"
        )),
        BackupError::WrongKey(name) => {
            AppError::Conflict(format!("备份 {name} 不是用本系统的主密钥加密的，无法打开"))
        }
        other => {
            tracing::error!(error = %other, "backup failed");
            AppError::Internal
        }
    }
}
