//! Keys kept outside the database, never in a backup of the data: the
//! master key, and the key that signs the audit trail.
//!
//! It comes from the environment (`NONGDANG_MASTER_KEY`, base64) or from a
//! key file, created at the first start with permissions 0600. Losing it
//! loses every ID number and phone in the archive, so it is backed up apart
//! from the data.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};
use app::secure::vault::{MASTER_KEY_LEN, random_key};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// The environment variable that may hold the key instead of a file.
pub const KEY_VARIABLE: &str = "NONGDANG_MASTER_KEY";

/// The master key from the environment, or from `file`, which is created
/// with a fresh key when it does not exist.
pub fn load_or_create(file: &Path) -> anyhow::Result<[u8; MASTER_KEY_LEN]> {
    load_or_create_secret(file, KEY_VARIABLE)
}

/// The environment variable that may hold the audit signing key.
pub const AUDIT_KEY_VARIABLE: &str = "NONGDANG_AUDIT_SIGNING_KEY";

/// The seed of the Ed25519 key that signs the audit trail's checkpoints,
/// kept like the master key: outside the database, created at first use.
pub fn load_or_create_audit_key(file: &Path) -> anyhow::Result<[u8; MASTER_KEY_LEN]> {
    load_or_create_secret(file, AUDIT_KEY_VARIABLE)
}

fn load_or_create_secret(file: &Path, variable: &str) -> anyhow::Result<[u8; MASTER_KEY_LEN]> {
    if let Ok(encoded) = std::env::var(variable) {
        return decode(&encoded).with_context(|| format!("reading {variable}"));
    }
    if file.exists() {
        warn_if_readable_by_others(file);
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("reading the key file {}", file.display()))?;
        return decode(&text).with_context(|| format!("reading {}", file.display()));
    }
    create(file)
}

fn decode(text: &str) -> anyhow::Result<[u8; MASTER_KEY_LEN]> {
    let bytes = STANDARD
        .decode(text.trim())
        .context("the key is not base64")?;
    match <[u8; MASTER_KEY_LEN]>::try_from(bytes.as_slice()) {
        Ok(key) => Ok(key),
        Err(_) => bail!(
            "the key must be {MASTER_KEY_LEN} bytes, found {}",
            bytes.len()
        ),
    }
}

fn create(file: &Path) -> anyhow::Result<[u8; MASTER_KEY_LEN]> {
    if let Some(folder) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("creating the key folder {}", folder.display()))?;
    }
    let key = random_key();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut handle = options
        .open(file)
        .with_context(|| format!("creating the key file {}", file.display()))?;
    writeln!(handle, "{}", STANDARD.encode(key))?;
    handle.sync_all()?;
    tracing::warn!(
        key.file = %file.display(),
        "new key created: back it up apart from the data (the master key \
         guards ID numbers and phones, the audit key signs the trail)"
    );
    Ok(key)
}

fn warn_if_readable_by_others(file: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let loose = std::fs::metadata(file).is_ok_and(|m| m.permissions().mode() & 0o077 != 0);
        if loose {
            let file = file.display();
            tracing::warn!(key.file = %file, "key file is readable by others: chmod 600 it");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_key_file_is_created_private_and_read_back_the_same() {
        let folder = tempfile::tempdir().expect("temp folder");
        let file = folder.path().join("keys").join("master.key");

        let created = load_or_create(&file).expect("created");
        let again = load_or_create(&file).expect("read back");

        assert_eq!(created, again);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file)
                .expect("exists")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_key_of_the_wrong_length_is_refused() {
        let error = decode(&STANDARD.encode([0u8; 16])).expect_err("too short");
        assert!(error.to_string().contains("32 bytes"));
    }
}
