//! The keyring: every file's wrapped data key, kept in a small file of its
//! own outside the database.
//!
//! The database never holds a data key. Destroying a file removes its key
//! from this file (rewritten whole, then synced), so the sealed values left
//! in the database, in its on-disk log and in every database backup stay
//! unreadable for good. Backups carry a snapshot of the keyring beside the
//! database export; those snapshots are pruned the same way (see
//! `store::backup`).
//!
//! A key is written and synced before the transaction that files its
//! customer commits; a crash in between leaves a key no file names, which
//! the next start removes.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Why the keyring could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    #[error("keyring file {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("keyring file {0} has a malformed line")]
    Malformed(PathBuf),
}

/// Wrapped data keys by key id. Cheap to clone; all clones share one map.
#[derive(Clone, Default)]
pub struct Keyring {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Default)]
struct Inner {
    keys: HashMap<String, String>,
    /// `None`: kept in memory only (tests).
    path: Option<PathBuf>,
}

impl Keyring {
    /// A keyring that lives in memory only.
    pub fn in_memory() -> Self {
        Self::default()
    }

    /// The keyring kept in `path`, created empty if it does not exist.
    pub fn open(path: &Path) -> Result<Self, KeyringError> {
        let keys = read(path)?;
        Ok(Self {
            inner: Arc::new(Mutex::new(Inner {
                keys,
                path: Some(path.to_path_buf()),
            })),
        })
    }

    /// The wrapped key with id `id`.
    pub fn get(&self, id: &str) -> Option<String> {
        self.lock().keys.get(id).cloned()
    }

    /// Adds a key and syncs it to disk before answering.
    pub fn put(&self, id: &str, wrapped: &str) -> Result<(), KeyringError> {
        let mut inner = self.lock();
        if let Some(path) = &inner.path {
            let io = |source| KeyringError::Io {
                path: path.clone(),
                source,
            };
            let mut file = OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(io)?;
            writeln!(file, "{id} {wrapped}").map_err(io)?;
            file.sync_data().map_err(io)?;
        }
        inner.keys.insert(id.to_string(), wrapped.to_string());
        Ok(())
    }

    /// Removes keys for good: the file is rewritten without them and synced
    /// before this returns.
    pub fn remove(&self, ids: &[String]) -> Result<(), KeyringError> {
        let mut inner = self.lock();
        for id in ids {
            inner.keys.remove(id);
        }
        if let Some(path) = inner.path.clone() {
            write_all(&path, &inner.keys)?;
        }
        Ok(())
    }

    /// Keeps only the keys whose id `keep` accepts; answers how many went.
    pub fn retain(&self, keep: impl Fn(&str) -> bool) -> Result<usize, KeyringError> {
        let gone: Vec<String> = self
            .lock()
            .keys
            .keys()
            .filter(|id| !keep(id))
            .cloned()
            .collect();
        if !gone.is_empty() {
            self.remove(&gone)?;
        }
        Ok(gone.len())
    }

    /// Every key, for a backup's snapshot.
    pub fn snapshot(&self) -> HashMap<String, String> {
        self.lock().keys.clone()
    }

    /// Replaces every key (a restore).
    pub fn replace(&self, keys: HashMap<String, String>) -> Result<(), KeyringError> {
        let mut inner = self.lock();
        if let Some(path) = inner.path.clone() {
            write_all(&path, &keys)?;
        }
        inner.keys = keys;
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.lock().keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves the map as it was: use it.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Reads `id wrapped` lines; a missing file is an empty keyring.
pub fn read(path: &Path) -> Result<HashMap<String, String>, KeyringError> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(HashMap::new()),
        Err(source) => {
            return Err(KeyringError::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let mut keys = HashMap::new();
    for line in BufReader::new(file).lines() {
        let line = line.map_err(|source| KeyringError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let (id, wrapped) = line
            .split_once(' ')
            .ok_or_else(|| KeyringError::Malformed(path.to_path_buf()))?;
        keys.insert(id.to_string(), wrapped.to_string());
    }
    Ok(keys)
}

/// Writes `keys` to `path` atomically: a temporary file, synced, renamed
/// over the old one, and the folder synced.
pub fn write_all(path: &Path, keys: &HashMap<String, String>) -> Result<(), KeyringError> {
    let io = |source| KeyringError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut text = String::with_capacity(keys.len() * 100);
    let mut ids: Vec<&String> = keys.keys().collect();
    ids.sort();
    for id in ids {
        text.push_str(id);
        text.push(' ');
        text.push_str(&keys[id]);
        text.push('\n');
    }
    super::atomic_write(path, text.as_bytes()).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_survive_a_reopen_and_removed_ones_are_gone_from_the_file() {
        let folder = tempfile_dir();
        let path = folder.join("keyring");
        let ring = Keyring::open(&path).expect("opens");
        ring.put("a1", "wrapped-one").expect("put");
        ring.put("b2", "wrapped-two").expect("put");
        ring.remove(&["a1".to_string()]).expect("removed");

        let again = Keyring::open(&path).expect("reopens");
        assert_eq!(again.get("a1"), None);
        assert_eq!(again.get("b2").as_deref(), Some("wrapped-two"));
        let on_disk = std::fs::read_to_string(&path).expect("readable");
        assert!(!on_disk.contains("wrapped-one"));
        std::fs::remove_dir_all(folder).ok();
    }

    fn tempfile_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "nongdang-keyring-{}-{}",
            std::process::id(),
            crate::api::caller::now_ms()
        ));
        std::fs::create_dir_all(&dir).expect("temp folder");
        dir
    }
}
