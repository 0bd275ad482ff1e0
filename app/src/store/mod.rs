//! The database: connection, schema migrations and one module per group of
//! tables. Server only.
//!
//! One URL selects the engine: `surrealkv://data/nongdang.db` (the default,
//! on local disk), `mem://` (tests), or `ws://`/`wss://` for a SurrealDB
//! server or cluster. All of them go through the same code.

pub mod alerts;
pub mod analysis;
pub mod audit;
pub mod backup;
pub mod consent;
mod customers;
mod facts;
mod feedback;
pub mod keyring;
mod lifecycle;
mod migrations;
mod quality;
mod requests;
pub mod search;
mod timeline;
mod upkeep;
mod users;

pub use audit::{AuditEntry, AuditSigner};
pub use customers::{Edit, StoredFile, UpdateOutcome};
pub use lifecycle::ReviewOutcome;
pub use timeline::EntryOutcome;
pub use upkeep::{DueFilter, VerificationWrite};
pub use users::{NewUser, SessionRecord, UserChange, UserChangeOutcome, UserRecord};

use std::sync::Arc;

use surrealdb::Surreal;
use surrealdb::engine::any::{self, Any};
use surrealdb::opt::auth::Root;

use crate::domain::ArchiveCodeScheme;
use crate::secure::vault::{Vault, VaultError};

/// Namespace and database inside the SurrealDB instance.
pub(crate) const NAMESPACE: &str = "nongdang";
pub(crate) const DATABASE: &str = "archive";

/// What went wrong in the database; for the log, never for the user.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(Box<surrealdb::Error>),
    #[error("migration {version} ({name}) failed: {source}")]
    Migration {
        version: u32,
        name: &'static str,
        source: Box<surrealdb::Error>,
    },
    #[error("stored record {0} does not match the schema")]
    Corrupt(String),
    #[error("archive serial for {0} stayed contended after retries")]
    Contention(String),
    #[error("the database to restore into is not empty")]
    NotEmpty,
    #[error("a file with this ID number exists already")]
    DuplicateIdentity,
    #[error("the master key does not open this archive: start with the key it was written with")]
    WrongMasterKey,
    #[error("{0}")]
    Keyring(#[from] keyring::KeyringError),
    #[error("the sealed {field} of {code} does not open: {source}")]
    Sealed {
        code: String,
        field: &'static str,
        source: VaultError,
    },
}

impl From<surrealdb::Error> for StoreError {
    fn from(error: surrealdb::Error) -> Self {
        Self::Db(Box::new(error))
    }
}

impl StoreError {
    /// The error as it may appear in a log line. Many of the database's
    /// messages quote the value they refused, which may be a name or an ID
    /// number, so only messages known to carry no values are kept.
    pub fn log_safe(&self) -> String {
        let describe = |error: &surrealdb::Error| {
            let value_free = error.is_connection()
                || error.is_configuration()
                || error.query_details().is_some();
            if value_free {
                format!("{} error: {}", error.kind_str(), error.message())
            } else {
                format!(
                    "{} error (message withheld: may quote personal data)",
                    error.kind_str()
                )
            }
        };
        match self {
            Self::Db(error) => describe(error),
            Self::Migration {
                version,
                name,
                source,
            } => {
                format!("migration {version} ({name}): {}", describe(source))
            }
            Self::Corrupt(_)
            | Self::Keyring(_)
            | Self::Contention(_)
            | Self::DuplicateIdentity
            | Self::NotEmpty
            | Self::WrongMasterKey
            | Self::Sealed { .. } => self.to_string(),
        }
    }

    /// Whether a script stopped with `THROW '<marker>'`.
    pub(crate) fn is_thrown(&self, marker: &str) -> bool {
        matches!(self, Self::Db(error) if error.message().contains(marker))
    }
}

/// How to reach the database.
#[derive(Clone, Debug)]
pub struct DbSettings {
    pub url: String,
    /// Root credentials for a remote server; embedded engines need none.
    pub credentials: Option<(String, String)>,
    /// The keyring file of the files' data keys; `None` keeps it in memory
    /// (tests).
    pub keyring: Option<std::path::PathBuf>,
}

/// The handle every server function uses; cheap to clone.
#[derive(Clone)]
pub struct Store {
    db: Surreal<Any>,
    scheme: ArchiveCodeScheme,
    vault: Vault,
    keyring: keyring::Keyring,
    /// Every transaction that appends to the audit trail takes its turn
    /// here. They all write the trail's one head, so two at once would only
    /// conflict and retry; queued in the process, they never do.
    writes: Arc<tokio::sync::Mutex<()>>,
    /// What the analysis counts, in memory (see `store::facts`).
    facts: Arc<tokio::sync::Mutex<facts::Facts>>,
}

impl Store {
    /// Connects, selects the archive's database and brings its schema up to
    /// date.
    pub async fn open(
        settings: &DbSettings,
        scheme: ArchiveCodeScheme,
        vault: Vault,
    ) -> Result<Self, StoreError> {
        let db = connect(settings).await?;
        Self::init(db, settings, scheme, vault).await
    }

    /// Imports a database export into the empty database at `settings`
    /// (a restore), then opens it like [`Self::open`].
    pub async fn open_imported(
        settings: &DbSettings,
        scheme: ArchiveCodeScheme,
        vault: Vault,
        export: &std::path::Path,
    ) -> Result<Self, StoreError> {
        let db = connect(settings).await?;
        let tables: Option<i64> = db
            .query("RETURN array::len(object::keys((INFO FOR DB).tables))")
            .await?
            .take(0)?;
        if tables.unwrap_or(0) > 0 {
            return Err(StoreError::NotEmpty);
        }
        db.import(export).await?;
        Self::init(db, settings, scheme, vault).await
    }

    async fn init(
        db: Surreal<Any>,
        settings: &DbSettings,
        scheme: ArchiveCodeScheme,
        vault: Vault,
    ) -> Result<Self, StoreError> {
        let applied = migrations::migrate(&db).await?;
        if !applied.is_empty() {
            tracing::info!(migrations.applied = ?applied, "schema migrated");
        }
        check_master_key(&db, &vault).await?;
        let keyring = match &settings.keyring {
            Some(path) => keyring::Keyring::open(path)?,
            None => keyring::Keyring::in_memory(),
        };
        let store = Self {
            db,
            scheme,
            vault,
            keyring,
            writes: Arc::default(),
            facts: Arc::default(),
        };
        store.move_keys_out_of_the_database().await?;
        store.forget_unused_keys().await?;
        let indexed = store.index_older_files().await?;
        if indexed > 0 {
            tracing::info!(files = indexed, "search keys written for older files");
        }
        Ok(store)
    }

    /// A fresh in-memory archive, for tests.
    pub async fn in_memory() -> Result<Self, StoreError> {
        let settings = DbSettings {
            url: "mem://".to_string(),
            credentials: None,
            keyring: None,
        };
        Self::open(&settings, ArchiveCodeScheme::default(), Vault::ephemeral()).await
    }

    /// Waits for this process's turn to write to the audit trail; the turn
    /// lasts as long as the guard.
    pub(super) async fn write_turn(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.writes.lock().await
    }

    pub fn scheme(&self) -> &ArchiveCodeScheme {
        &self.scheme
    }

    /// The backups of this archive in `folder`, sealed under its master key.
    pub fn backups(&self, folder: std::path::PathBuf, keep: usize) -> backup::Backups {
        backup::Backups::new(folder, keep, self.vault.clone())
    }

    /// Versions of the migrations recorded as applied, oldest first.
    /// Runs a script as it is and reports its first error. Only for tests
    /// that break the archive on purpose, and for maintenance by hand.
    /// The analysis's facts are read anew afterwards: such a change is not
    /// on the audit trail they follow.
    pub async fn raw_query(&self, script: &str) -> Result<(), StoreError> {
        self.db.query(script).await?.check()?;
        *self.facts.lock().await = facts::Facts::default();
        Ok(())
    }

    pub async fn applied_migrations(&self) -> Result<Vec<u32>, StoreError> {
        migrations::applied(&self.db).await
    }
}

/// Connects to the database of `settings` and selects the archive's
/// namespace and database.
async fn connect(settings: &DbSettings) -> Result<Surreal<Any>, StoreError> {
    let db = any::connect(settings.url.as_str()).await?;
    if let Some((username, password)) = &settings.credentials {
        db.signin(Root {
            username: username.clone(),
            password: password.clone(),
        })
        .await?;
    }
    db.use_ns(NAMESPACE).use_db(DATABASE).await?;
    Ok(db)
}

/// Refuses to open an archive with another master key than the one it was
/// written with: values sealed under two keys would be a mess nobody could
/// untangle. The first start records the proof.
async fn check_master_key(db: &Surreal<Any>, vault: &Vault) -> Result<(), StoreError> {
    let id = surrealdb::types::RecordId::new("vault", "master");
    let stored: Option<String> = db
        .query("SELECT VALUE check FROM ONLY $id")
        .bind(("id", id.clone()))
        .await?
        .take(0)?;
    match stored {
        Some(token) if vault.verify_check_token(&token) => Ok(()),
        Some(_) => Err(StoreError::WrongMasterKey),
        None => {
            db.query("CREATE $id SET check = $proof RETURN NONE")
                .bind(("id", id))
                .bind(("proof", vault.check_token()))
                .await?
                .check()?;
            Ok(())
        }
    }
}

/// Writes `bytes` to `path` so that the file is either the old one or the
/// whole new one, even after a crash: a temporary file beside it, synced,
/// renamed over it, and the folder synced.
pub(crate) fn atomic_write(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    std::fs::create_dir_all(folder)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let temporary = folder.join(format!(".{name}.partial"));
    {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
    }
    std::fs::rename(&temporary, path)?;
    std::fs::File::open(folder)?.sync_all()
}
