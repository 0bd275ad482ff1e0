//! Settings of a running server, from the command line or the environment.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

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
}

#[derive(Clone, Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,

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
        }
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
    fn tls_needs_both_certificate_and_key() {
        assert!(Cli::try_parse_from(["nongdang", "--tls-cert", "cert.pem"]).is_err());
        let cli = Cli::parse_from(["nongdang", "--tls-cert", "cert.pem", "--tls-key", "key.pem"]);
        assert!(cli.serve.tls().is_some());
    }
}
