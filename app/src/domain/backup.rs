//! Backups as the administrator's page lists them.

use serde::{Deserialize, Serialize};

/// One backup of the whole archive: its database export and the snapshot
/// of the keyring, both encrypted, and what they held.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupInfo {
    /// `nongdang-20261203-140509`: also the files' names.
    pub name: String,
    /// `YYYY-MM-DD HH:MM:SS`, China Standard Time.
    pub created_at: String,
    pub size_bytes: u64,
    /// SHA-256 (hex) of the encrypted export.
    pub sha256: String,
    /// Customer files in the archive at the time.
    pub files: u64,
    /// The audit trail's head at the time.
    pub audit_seq: i64,
    pub audit_hash: String,
    /// Whether the export on disk still has its checksum.
    pub intact: bool,
}

/// What a check of a backup found, by restoring it into a scratch
/// database.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupCheck {
    pub name: String,
    pub files: u64,
    pub audit_seq: i64,
    /// Counts and audit head equal those recorded at backup time, and the
    /// restored audit chain verifies.
    pub matches: bool,
    pub summary: String,
}
