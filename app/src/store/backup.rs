//! Backups of the whole archive (数据备份): the database export and a
//! snapshot of the keyring, each encrypted under a key derived from the
//! master key, written atomically, with a manifest that records their
//! checksum and what they held.
//!
//! Files in the backup folder, per backup `NAME`:
//!
//! - `NAME.db` — the encrypted database export;
//! - `NAME.keys` — the encrypted keyring snapshot;
//! - `NAME.json` — the manifest (no personal data).
//!
//! and once for all, `destroyed.jsonl`: the certificate of every file
//! destroyed since backups began. A destruction removes the file's key from
//! every snapshot in the folder and appends its certificate; a restore
//! installs the snapshot and destroys again every file the register names,
//! so no backup brings a destroyed file back readable.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{AuditEntry, AuditSigner, DbSettings, Store, StoreError, atomic_write};
use crate::domain::ArchiveCodeScheme;
use crate::domain::audit::AuditAction;
use crate::domain::backup::{BackupCheck, BackupInfo};
use crate::domain::lifecycle::Certificate;
use crate::domain::time_fmt;
use crate::secure::vault::Vault;

/// Why a backup could not be made, read or restored.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("backup folder {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no backup named {0}")]
    Missing(String),
    #[error("backup {0} does not match its checksum: it was damaged or altered")]
    Damaged(String),
    #[error("backup {0} does not open with this master key")]
    WrongKey(String),
    #[error("{0}")]
    Store(String),
}

impl From<StoreError> for BackupError {
    fn from(error: StoreError) -> Self {
        Self::Store(error.log_safe())
    }
}

/// The backup folder and the rules for it. Cheap to clone.
#[derive(Clone)]
pub struct Backups {
    folder: PathBuf,
    /// How many backups are kept; older ones are deleted after each new one.
    keep: usize,
    vault: Vault,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Manifest {
    name: String,
    created_at: String,
    size_bytes: u64,
    sha256: String,
    keys_sha256: String,
    files: u64,
    audit_seq: i64,
    audit_hash: String,
}

const REGISTER: &str = "destroyed.jsonl";

impl Backups {
    pub fn new(folder: PathBuf, keep: usize, vault: Vault) -> Self {
        Self {
            folder,
            keep: keep.max(1),
            vault,
        }
    }

    pub fn folder(&self) -> &Path {
        &self.folder
    }

    fn io(&self, source: std::io::Error) -> BackupError {
        BackupError::Io {
            path: self.folder.clone(),
            source,
        }
    }

    fn path(&self, name: &str, part: &str) -> PathBuf {
        self.folder.join(format!("{name}.{part}"))
    }

    /// Takes a backup now, then deletes the oldest beyond the number kept.
    pub async fn create(&self, store: &Store) -> Result<BackupInfo, BackupError> {
        std::fs::create_dir_all(&self.folder).map_err(|e| self.io(e))?;
        let now = crate::api::caller::now_ms();
        let stamp = time_fmt::format_second_cst(now);
        let name = format!(
            "nongdang-{}-{:03}",
            stamp.replace(['-', ':'], "").replace(' ', "-"),
            now.rem_euclid(1000)
        );
        // The engine exports to a file: it lives for the moment it takes to
        // encrypt it, beside the backups.
        // Limitation: the export passes through a plain temporary file and
        // is held in memory whole while it is encrypted.
        let plain_path = self.folder.join(format!(".{name}.export"));
        let (files, audit_seq, audit_hash) = store.backup_facts().await?;
        let exported = store.export_to(&plain_path).await;
        let plain = std::fs::read(&plain_path);
        let _ = std::fs::remove_file(&plain_path);
        exported?;
        let plain = plain.map_err(|e| self.io(e))?;
        let sealed = self.vault.seal_backup(&format!("{name}/db"), &plain);
        let keys = serde_json::to_vec(&store.keyring.snapshot()).unwrap_or_default();
        let sealed_keys = self.vault.seal_backup(&format!("{name}/keys"), &keys);
        atomic_write(&self.path(&name, "db"), &sealed).map_err(|e| self.io(e))?;
        atomic_write(&self.path(&name, "keys"), &sealed_keys).map_err(|e| self.io(e))?;
        let manifest = Manifest {
            name: name.clone(),
            created_at: stamp,
            size_bytes: sealed.len() as u64,
            sha256: hex_sha256(&sealed),
            keys_sha256: hex_sha256(&sealed_keys),
            files,
            audit_seq,
            audit_hash,
        };
        // The manifest comes last: a backup without one is incomplete and
        // is neither listed nor restored.
        self.write_manifest(&manifest)?;
        self.prune()?;
        Ok(self.info(&manifest))
    }

    fn write_manifest(&self, manifest: &Manifest) -> Result<(), BackupError> {
        let json = serde_json::to_vec_pretty(manifest).unwrap_or_default();
        atomic_write(&self.path(&manifest.name, "json"), &json).map_err(|e| self.io(e))
    }

    fn manifests(&self) -> Result<Vec<Manifest>, BackupError> {
        let entries = match std::fs::read_dir(&self.folder) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(self.io(e)),
        };
        let mut manifests: Vec<Manifest> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .filter_map(|p| serde_json::from_slice(&std::fs::read(p).ok()?).ok())
            .collect();
        manifests.sort_by(|a, b| b.name.cmp(&a.name));
        Ok(manifests)
    }

    fn info(&self, m: &Manifest) -> BackupInfo {
        let intact = std::fs::read(self.path(&m.name, "db"))
            .is_ok_and(|bytes| hex_sha256(&bytes) == m.sha256);
        BackupInfo {
            name: m.name.clone(),
            created_at: m.created_at.clone(),
            size_bytes: m.size_bytes,
            sha256: m.sha256.clone(),
            files: m.files,
            audit_seq: m.audit_seq,
            audit_hash: m.audit_hash.clone(),
            intact,
        }
    }

    /// Every complete backup, newest first, each checked against its
    /// checksum.
    pub fn list(&self) -> Result<Vec<BackupInfo>, BackupError> {
        Ok(self.manifests()?.iter().map(|m| self.info(m)).collect())
    }

    /// Deletes the oldest backups beyond the number kept.
    fn prune(&self) -> Result<(), BackupError> {
        for old in self.manifests()?.iter().skip(self.keep) {
            for part in ["json", "db", "keys"] {
                match std::fs::remove_file(self.path(&old.name, part)) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(self.io(e)),
                }
            }
        }
        Ok(())
    }

    /// The decrypted export and keyring snapshot of backup `name`, after
    /// their checksums were checked.
    pub fn open(&self, name: &str) -> Result<(Vec<u8>, HashMap<String, String>), BackupError> {
        let manifest = self
            .manifests()?
            .into_iter()
            .find(|m| m.name == name)
            .ok_or_else(|| BackupError::Missing(name.to_string()))?;
        let sealed = std::fs::read(self.path(name, "db")).map_err(|e| self.io(e))?;
        let sealed_keys = std::fs::read(self.path(name, "keys")).map_err(|e| self.io(e))?;
        if hex_sha256(&sealed) != manifest.sha256
            || hex_sha256(&sealed_keys) != manifest.keys_sha256
        {
            return Err(BackupError::Damaged(name.to_string()));
        }
        let wrong = |_| BackupError::WrongKey(name.to_string());
        let plain = self
            .vault
            .open_backup(&format!("{name}/db"), &sealed)
            .map_err(wrong)?;
        let keys = self
            .vault
            .open_backup(&format!("{name}/keys"), &sealed_keys)
            .map_err(wrong)?;
        let keys =
            serde_json::from_slice(&keys).map_err(|_| BackupError::Damaged(name.to_string()))?;
        Ok((plain, keys))
    }

    /// After a destruction: the file's key leaves every keyring snapshot in
    /// the folder, and its certificate joins the register.
    pub fn forget(&self, key_id: &str, certificate: &Certificate) -> Result<(), BackupError> {
        std::fs::create_dir_all(&self.folder).map_err(|e| self.io(e))?;
        let mut line = serde_json::to_string(certificate).unwrap_or_default();
        line.push('\n');
        {
            use std::io::Write;
            let mut register = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(self.folder.join(REGISTER))
                .map_err(|e| self.io(e))?;
            register
                .write_all(line.as_bytes())
                .map_err(|e| self.io(e))?;
            register.sync_data().map_err(|e| self.io(e))?;
        }
        if key_id.is_empty() {
            return Ok(());
        }
        for mut manifest in self.manifests()? {
            let name = manifest.name.clone();
            let path = self.path(&name, "keys");
            let Ok(sealed) = std::fs::read(&path) else {
                continue;
            };
            let Ok(plain) = self.vault.open_backup(&format!("{name}/keys"), &sealed) else {
                continue;
            };
            let mut keys: HashMap<String, String> =
                serde_json::from_slice(&plain).unwrap_or_default();
            if keys.remove(key_id).is_none() {
                continue;
            }
            let sealed = self.vault.seal_backup(
                &format!("{name}/keys"),
                &serde_json::to_vec(&keys).unwrap_or_default(),
            );
            atomic_write(&path, &sealed).map_err(|e| self.io(e))?;
            manifest.keys_sha256 = hex_sha256(&sealed);
            self.write_manifest(&manifest)?;
        }
        Ok(())
    }

    /// Every certificate in the register, oldest first.
    pub fn register(&self) -> Result<Vec<Certificate>, BackupError> {
        match std::fs::read_to_string(self.folder.join(REGISTER)) {
            Ok(text) => Ok(text
                .lines()
                .filter_map(|line| serde_json::from_str(line).ok())
                .collect()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(self.io(e)),
        }
    }
}

impl Backups {
    /// Opens backup `name` into the empty database of `settings`: imports
    /// the export, installs the keyring snapshot, destroys again every file
    /// the register names, and records the restore in the audit trail.
    pub async fn restore_into(
        &self,
        name: &str,
        settings: &DbSettings,
        scheme: ArchiveCodeScheme,
    ) -> Result<Store, BackupError> {
        let store = self.import(name, settings, scheme).await?;
        self.after_restore(name, &store).await?;
        Ok(store)
    }

    /// Replaces the contents of the running archive with backup `name` (the
    /// administrator's page, after a confirmation), then destroys again
    /// what the register names and records the restore.
    // Limitation: requests served while the import runs see a partly
    // restored archive; the page asks to restore outside working hours.
    pub async fn restore_live(&self, name: &str, store: &Store) -> Result<(), BackupError> {
        let (plain, keys) = self.open(name)?;
        let plain_path = self.plain_file(name, &plain)?;
        drop(plain);
        let replaced = store.replace_contents(&plain_path).await;
        let _ = std::fs::remove_file(&plain_path);
        replaced?;
        store.install_keyring(keys)?;
        self.after_restore(name, store).await
    }

    /// The export of a backup written out for the engine to import; the
    /// caller removes it as soon as the import is done.
    fn plain_file(&self, name: &str, plain: &[u8]) -> Result<PathBuf, BackupError> {
        std::fs::create_dir_all(&self.folder).map_err(|e| self.io(e))?;
        let path = self.folder.join(format!(".{name}.import"));
        atomic_write(&path, plain).map_err(|e| self.io(e))?;
        Ok(path)
    }

    /// Backup `name` imported into the empty database of `settings`, its
    /// keyring snapshot installed.
    async fn import(
        &self,
        name: &str,
        settings: &DbSettings,
        scheme: ArchiveCodeScheme,
    ) -> Result<Store, BackupError> {
        let (plain, keys) = self.open(name)?;
        let plain_path = self.plain_file(name, &plain)?;
        drop(plain);
        let opened = Store::open_imported(settings, scheme, self.vault.clone(), &plain_path).await;
        let _ = std::fs::remove_file(&plain_path);
        let store = opened?;
        store.install_keyring(keys)?;
        Ok(store)
    }

    async fn after_restore(&self, name: &str, store: &Store) -> Result<(), BackupError> {
        let mut destroyed_again = 0;
        for certificate in self.register()? {
            let mut event = AuditEntry::command_line(AuditAction::Destroy, &certificate.code);
            event.details =
                serde_json::json!({ "step": "reapplied_after_restore", "backup": name });
            if store.reapply_destruction(&certificate, &event).await? {
                destroyed_again += 1;
            }
        }
        store.forget_unused_keys().await?;
        let mut event = AuditEntry::command_line(AuditAction::Restore, name);
        event.details = serde_json::json!({ "destroyed_again": destroyed_again });
        store.record(&event).await?;
        Ok(())
    }

    /// Restores backup `name` into a scratch database in memory and
    /// compares it with what the backup recorded; the audit chain of the
    /// copy is verified with the checkpoints it holds.
    pub async fn check(
        &self,
        name: &str,
        scheme: ArchiveCodeScheme,
        signer: &AuditSigner,
    ) -> Result<BackupCheck, BackupError> {
        let manifest = self
            .manifests()?
            .into_iter()
            .find(|m| m.name == name)
            .ok_or_else(|| BackupError::Missing(name.to_string()))?;
        let scratch = DbSettings {
            url: "mem://".to_string(),
            credentials: None,
            keyring: None,
        };
        let copy = self.import(name, &scratch, scheme).await?;
        let (files, audit_seq, audit_hash) = copy.backup_facts().await?;
        let report = signer.database_only().verify(&copy).await?;
        let matches = files == manifest.files
            && audit_seq == manifest.audit_seq
            && audit_hash == manifest.audit_hash
            && report.is_intact();
        let summary = format!(
            "{files} 份档案（备份时 {}），审计记录至第 {audit_seq} 条（备份时第 {} 条）；{}",
            manifest.files,
            manifest.audit_seq,
            report.summary()
        );
        Ok(BackupCheck {
            name: name.to_string(),
            files,
            audit_seq,
            matches,
            summary,
        })
    }
}

fn hex_sha256(bytes: &[u8]) -> String {
    crate::secure::hex(&Sha256::digest(bytes))
}

impl Store {
    /// Writes the whole database as SurrealQL to `path`.
    pub async fn export_to(&self, path: &Path) -> Result<(), StoreError> {
        self.db.export(path).await?;
        Ok(())
    }

    /// Files held, and the audit trail's head: recorded with each backup
    /// and compared after a restore.
    pub async fn backup_facts(&self) -> Result<(u64, i64, String), StoreError> {
        let count: Option<i64> = self
            .db
            .query("RETURN count(SELECT VALUE code FROM customer)")
            .await?
            .take(0)?;
        let (seq, hash) = self.audit_head().await?;
        Ok((
            count.map_or(0, |c| u64::try_from(c).unwrap_or(0)),
            seq,
            hash,
        ))
    }

    /// Empties the archive's database and imports `export` into it, then
    /// brings its schema up to date (a backup may be older than the code).
    pub async fn replace_contents(&self, export: &Path) -> Result<(), StoreError> {
        self.db
            .query(format!("REMOVE DATABASE IF EXISTS {}", super::DATABASE))
            .await?
            .check()?;
        self.db
            .use_ns(super::NAMESPACE)
            .use_db(super::DATABASE)
            .await?;
        self.db.import(export).await?;
        super::migrations::migrate(&self.db).await?;
        Ok(())
    }

    /// Installs a backup's keyring snapshot (a restore).
    pub fn install_keyring(&self, keys: HashMap<String, String>) -> Result<(), StoreError> {
        self.keyring.replace(keys)?;
        Ok(())
    }

    /// The key id of a file, for a destruction to prune from backups.
    pub async fn key_id_of(&self, code: &str) -> Result<String, StoreError> {
        let id: Option<String> = self
            .db
            .query("SELECT VALUE key_id FROM ONLY type::record('customer', $code)")
            .bind(("code", code.to_string()))
            .await?
            .take(0)?;
        Ok(id.unwrap_or_default())
    }
}
