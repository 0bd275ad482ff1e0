//! Settings of a running server, from the command line or the environment.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use std::time::Duration;

use app::api::caller::AuthSettings;
use app::domain::PasswordPolicy;
use app::store::DbSettings;
use clap::{Args, Parser, Subcommand};

/// 农档 NongDang — customer archive of an agricultural cooperative.
#[derive(Debug, Parser)]
#[command(name = "nongdang", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the app (the default).
    Serve(ServeArgs),
    /// Create an administrator account. There is no default password: this
    /// is how the first administrator comes to be.
    CreateAdmin(CreateAdminArgs),
    /// Check the audit trail's hash chain and its signed checkpoints; exits
    /// with status 1 when the trail was tampered with.
    VerifyAudit(AuditCommandArgs),
    /// Sign a checkpoint of the audit trail's head now.
    AuditCheckpoint(AuditCommandArgs),
    /// Take a backup of the whole archive now (stop the server first, or
    /// use the administrator's page while it runs); with `--verify NAME`,
    /// restore that backup into a scratch database and compare instead.
    Backup(BackupCommandArgs),
    /// Bring a backup back into an empty database; `--replace` first moves
    /// the current data folder and keyring aside.
    Restore(RestoreArgs),
    /// Add made-up farmer files for trying the archive out, opened over
    /// the past months so that some are due for verification. Never on a
    /// real archive.
    SeedDemo(SeedDemoArgs),
}

/// Where backups are kept and how many.
#[derive(Clone, Debug, Args)]
pub struct BackupArgs {
    /// The folder of the backups: encrypted exports, keyring snapshots,
    /// manifests and the register of destroyed files. Copy it off the
    /// machine regularly (see the README).
    #[arg(long, env = "NONGDANG_BACKUP_FOLDER", default_value = "backups")]
    pub backup_folder: PathBuf,

    /// How many backups are kept; older ones are deleted.
    #[arg(long, env = "NONGDANG_BACKUP_KEEP", default_value_t = 14)]
    pub backup_keep: usize,
}

#[derive(Clone, Debug, Args)]
pub struct BackupCommandArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,

    #[command(flatten)]
    pub backup: BackupArgs,

    #[command(flatten)]
    pub audit: AuditArgs,

    /// Check this backup instead of taking one.
    #[arg(long)]
    pub verify: Option<String>,
}

#[derive(Clone, Debug, Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,

    #[command(flatten)]
    pub backup: BackupArgs,

    #[command(flatten)]
    pub audit: AuditArgs,

    /// The backup to restore (its name, e.g. nongdang-20261203-140509-123).
    pub name: String,

    /// Move the current data folder and keyring aside first.
    #[arg(long)]
    pub replace: bool,
}

#[derive(Clone, Debug, Args)]
pub struct SeedDemoArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,

    /// How many files to add.
    #[arg(long, default_value_t = 40)]
    pub files: u32,

    /// The county (six-digit code) the files belong to.
    #[arg(long, default_value = "510104")]
    pub region: String,

    /// Files are opened on days spread over this many past days.
    #[arg(long, default_value_t = 180)]
    pub spread_days: u32,

    /// The same seed gives the same files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

#[derive(Clone, Debug, Args)]
pub struct AuditCommandArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,

    #[command(flatten)]
    pub audit: AuditArgs,
}

/// Where the audit trail's signing key and checkpoints are kept.
#[derive(Clone, Debug, Args)]
pub struct AuditArgs {
    /// The key that signs checkpoints of the audit trail, created at the
    /// first start. Keep it out of the data folder. It may instead come
    /// base64-encoded in NONGDANG_AUDIT_SIGNING_KEY.
    #[arg(
        long,
        env = "NONGDANG_AUDIT_KEY_FILE",
        default_value = "keys/audit-signing.key"
    )]
    pub audit_key_file: PathBuf,

    /// The file the signed checkpoints are appended to, outside the
    /// database; copy it off the machine with the backups.
    #[arg(
        long,
        env = "NONGDANG_AUDIT_CHECKPOINTS",
        default_value = "audit/checkpoints.jsonl"
    )]
    pub audit_checkpoints: PathBuf,

    /// Alert rules: the window, in minutes, the counting rules look at.
    #[arg(long, env = "NONGDANG_ALERT_WINDOW_MINUTES", default_value_t = 10)]
    pub alert_window_minutes: i64,

    /// Alert when one user views or searches more often than this in the
    /// window.
    #[arg(long, env = "NONGDANG_ALERT_MAX_VIEWS", default_value_t = 100)]
    pub alert_max_views: u64,

    /// Alert when one user reveals more values than this in the window.
    #[arg(long, env = "NONGDANG_ALERT_MAX_REVEALS", default_value_t = 20)]
    pub alert_max_reveals: u64,

    /// Alert at this many failed sign-ins for one account in the window.
    #[arg(long, env = "NONGDANG_ALERT_FAILED_SIGN_INS", default_value_t = 5)]
    pub alert_failed_sign_ins: u64,

    /// Alert at an export of this many events or more.
    #[arg(long, env = "NONGDANG_ALERT_BULK_EXPORT", default_value_t = 1000)]
    pub alert_bulk_export: u64,

    /// Office hours (China Standard Time): work before this hour raises an
    /// alert.
    #[arg(long, env = "NONGDANG_WORK_HOURS_START", default_value_t = 7,
          value_parser = clap::value_parser!(u8).range(0..=24))]
    pub work_hours_start: u8,

    /// … and work from this hour on.
    #[arg(long, env = "NONGDANG_WORK_HOURS_END", default_value_t = 20,
          value_parser = clap::value_parser!(u8).range(0..=24))]
    pub work_hours_end: u8,

    /// Minutes between automatic checkpoints while serving.
    #[arg(long, env = "NONGDANG_AUDIT_CHECKPOINT_MINUTES", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..=1440))]
    pub audit_checkpoint_minutes: u64,
}

#[derive(Clone, Debug, Args)]
pub struct CreateAdminArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,

    /// Sign-in name: 2–32 lower-case letters, digits, `.`, `_` or `-`.
    #[arg(long)]
    pub username: String,

    /// The name shown in the app.
    #[arg(long, default_value = "系统管理员")]
    pub display_name: String,

    /// Read the password from the first line of standard input instead of
    /// asking for it twice on the terminal.
    #[arg(long)]
    pub password_stdin: bool,

    #[command(flatten)]
    pub auth: AuthArgs,
}

/// Sign-in and session rules.
#[derive(Clone, Debug, Args)]
pub struct AuthArgs {
    /// Failed sign-ins in a row that lock an account.
    #[arg(long, env = "NONGDANG_LOCK_AFTER", default_value_t = 5)]
    pub lock_after: u32,

    /// How long a locked account stays locked, in minutes.
    #[arg(long, env = "NONGDANG_LOCK_MINUTES", default_value_t = 15)]
    pub lock_minutes: u64,

    /// A session unused this many minutes ends.
    #[arg(long, env = "NONGDANG_IDLE_MINUTES", default_value_t = 30)]
    pub idle_minutes: u64,

    /// A session ends this many hours after sign-in.
    #[arg(long, env = "NONGDANG_SESSION_HOURS", default_value_t = 12)]
    pub session_hours: u64,

    /// Shortest password allowed.
    #[arg(long, env = "NONGDANG_PASSWORD_MIN_CHARS", default_value_t = 12)]
    pub password_min_chars: usize,

    /// Of lower case, upper case, digits and symbols, how many kinds a
    /// password must mix.
    #[arg(long, env = "NONGDANG_PASSWORD_MIN_KINDS", default_value_t = 3,
          value_parser = clap::value_parser!(u8).range(1..=4))]
    pub password_min_kinds: u8,

    /// Mark the session cookie `Secure` although this server speaks plain
    /// HTTP: for a server behind an HTTPS proxy. Implied by `--tls-cert`.
    #[arg(long, env = "NONGDANG_SECURE_COOKIE")]
    pub secure_cookie: bool,
}

impl AuthArgs {
    pub fn settings(&self, served_over_tls: bool) -> AuthSettings {
        let minutes = |m: u64| Duration::from_secs(m * 60);
        AuthSettings {
            lock_after: self.lock_after.max(1),
            lock_for: minutes(self.lock_minutes),
            idle: minutes(self.idle_minutes),
            absolute: minutes(self.session_hours * 60),
            secure_cookie: self.secure_cookie || served_over_tls,
            password: PasswordPolicy {
                min_chars: self.password_min_chars,
                min_kinds: usize::from(self.password_min_kinds),
            },
        }
    }
}

#[derive(Clone, Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,

    #[command(flatten)]
    pub auth: AuthArgs,

    #[command(flatten)]
    pub audit: AuditArgs,

    #[command(flatten)]
    pub backup: BackupArgs,

    /// Take a backup this often while serving, in hours; 0 turns scheduled
    /// backups off.
    #[arg(long, env = "NONGDANG_BACKUP_EVERY_HOURS", default_value_t = 24)]
    pub backup_every_hours: u64,

    /// Address to listen on; defaults to the site address of the build
    /// (127.0.0.1:3000).
    #[arg(long, env = "NONGDANG_ADDR")]
    pub addr: Option<SocketAddr>,

    /// PEM certificate chain; with `--tls-key` the server speaks HTTPS, which
    /// tablets need to install the app and keep it offline.
    #[arg(long, env = "NONGDANG_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// PEM private key matching `--tls-cert`.
    #[arg(long, env = "NONGDANG_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
}

#[derive(Clone, Debug, Args)]
pub struct DatabaseArgs {
    /// Where the archive lives: `surrealkv://<folder>` (embedded, on disk),
    /// `mem://` (in memory, gone at exit) or `ws://host:port` / `wss://…`
    /// (a SurrealDB server or cluster).
    #[arg(
        long,
        env = "NONGDANG_DATABASE_URL",
        default_value = "surrealkv://data/nongdang.db"
    )]
    pub database_url: String,

    /// Root user of a remote SurrealDB server.
    #[arg(long, env = "NONGDANG_DATABASE_USER", requires = "database_password")]
    pub database_user: Option<String>,

    /// Password of `--database-user`; prefer the environment variable.
    #[arg(long, env = "NONGDANG_DATABASE_PASSWORD", hide_env_values = true)]
    pub database_password: Option<String>,

    /// The master key that protects ID numbers and phones, created at the
    /// first start. Keep it out of the data folder and its backups. The key
    /// may instead come base64-encoded in NONGDANG_MASTER_KEY.
    #[arg(
        long,
        env = "NONGDANG_MASTER_KEY_FILE",
        default_value = "keys/master.key"
    )]
    pub master_key_file: PathBuf,

    /// The keyring holding each file's data key (wrapped by the master
    /// key), outside the database: destroying a file removes its key here.
    /// Defaults to `keyring` beside an embedded database's folder.
    #[arg(long, env = "NONGDANG_KEYRING_FILE")]
    pub keyring_file: Option<PathBuf>,
}

impl AuditArgs {
    pub fn alert_rules(&self) -> app::domain::audit::AlertRules {
        app::domain::audit::AlertRules {
            window_minutes: self.alert_window_minutes.max(1),
            max_views: self.alert_max_views,
            max_reveals: self.alert_max_reveals,
            max_failed_sign_ins: self.alert_failed_sign_ins,
            bulk_export: self.alert_bulk_export,
            hours_start: self.work_hours_start,
            hours_end: self.work_hours_end,
        }
    }
}

impl DatabaseArgs {
    pub fn settings(&self) -> DbSettings {
        let credentials = self
            .database_user
            .clone()
            .zip(self.database_password.clone());
        DbSettings {
            url: self.database_url.clone(),
            credentials,
            keyring: Some(self.keyring_path()),
        }
    }

    /// Where the keyring is kept: as configured, or beside the embedded
    /// database's folder, or `data/keyring`.
    pub fn keyring_path(&self) -> PathBuf {
        if let Some(path) = &self.keyring_file {
            return path.clone();
        }
        self.local_folder()
            .and_then(Path::parent)
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("data/keyring"), |p| p.join("keyring"))
    }

    /// The folder an embedded on-disk engine keeps its files in, if any.
    pub fn local_folder(&self) -> Option<&Path> {
        let path = self.database_url.strip_prefix("surrealkv://")?;
        let path = path.split('?').next().unwrap_or(path);
        Some(Path::new(path))
    }
}

impl ServeArgs {
    /// Both halves of the TLS configuration, when HTTPS is wanted.
    pub fn tls(&self) -> Option<(&Path, &Path)> {
        Some((self.tls_cert.as_deref()?, self.tls_key.as_deref()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_database_is_embedded_on_disk_next_to_the_app() {
        let cli = Cli::parse_from(["nongdang"]);
        assert_eq!(
            cli.serve.database.database_url,
            "surrealkv://data/nongdang.db"
        );
        assert_eq!(
            cli.serve.database.local_folder(),
            Some(Path::new("data/nongdang.db"))
        );
    }

    #[test]
    fn a_remote_database_has_no_local_folder() {
        let cli = Cli::parse_from(["nongdang", "--database-url", "ws://db:8000"]);
        assert_eq!(cli.serve.database.local_folder(), None);
    }

    #[test]
    fn sign_in_rules_default_to_the_documented_values_and_tls_makes_cookies_secure() {
        let cli = Cli::parse_from(["nongdang"]);
        let plain = cli.serve.auth.settings(false);
        assert_eq!(plain.lock_after, 5);
        assert_eq!(plain.lock_for, Duration::from_secs(15 * 60));
        assert_eq!(plain.idle, Duration::from_secs(30 * 60));
        assert_eq!(plain.absolute, Duration::from_secs(12 * 3600));
        assert_eq!(
            plain.password,
            PasswordPolicy {
                min_chars: 12,
                min_kinds: 3
            }
        );
        assert!(!plain.secure_cookie);
        assert!(cli.serve.auth.settings(true).secure_cookie);
    }

    #[test]
    fn tls_needs_both_certificate_and_key() {
        assert!(Cli::try_parse_from(["nongdang", "--tls-cert", "cert.pem"]).is_err());
        let cli = Cli::parse_from(["nongdang", "--tls-cert", "cert.pem", "--tls-key", "key.pem"]);
        assert!(cli.serve.tls().is_some());
    }
}
