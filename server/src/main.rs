//! `nongdang`: serves the archive. Further commands (backup, restore,
//! create-admin, …) arrive as subcommands.

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context;
use app::domain::ArchiveCodeScheme;
use app::secure::vault::Vault;
use app::store::Store;
use clap::Parser;
use leptos::config::get_configuration;
use server::config::{Cli, Command, DatabaseArgs, ServeArgs};
use server::http::{AppState, router};
use server::telemetry;
use server::{keys, listen};

mod admin;

#[tokio::main]
async fn main() -> ExitCode {
    telemetry::init();
    let cli = Cli::parse();

    let result = match cli.command {
        Some(Command::Serve(args)) => serve(args).await,
        Some(Command::CreateAdmin(args)) => admin::create_admin(args).await,
        None => serve(cli.serve).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // The whole chain, once; it never holds personal data.
            tracing::error!(error = format!("{error:#}"), "nongdang stopped");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let leptos_options = get_configuration(None)
        .context("reading the site configuration")?
        .leptos_options;
    let addr: SocketAddr = args.addr.unwrap_or(leptos_options.site_addr);

    let store = open_store(&args.database).await?;
    let auth = args.auth.settings(args.tls().is_some());
    let app = router(AppState {
        leptos_options,
        store,
        auth,
    });
    let listener = listen::bind(addr)?;
    match args.tls() {
        Some((cert, key)) => {
            let tls = listen::tls_config(cert, key).await?;
            tracing::info!(%addr, "serving over https");
            listen::serve_https(app, listener, tls, listen::shutdown_signal()).await?;
        }
        None => {
            listener.set_nonblocking(true)?;
            let listener = tokio::net::TcpListener::from_std(listener)?;
            tracing::info!(%addr, "serving over http");
            listen::serve_http(app, listener, listen::shutdown_signal()).await?;
        }
    }
    // The database engine shuts its datastore down in a task of its own once
    // the last handle is gone (with the router, above). Every acknowledged
    // write is already on disk; this only lets the engine's maintenance
    // tasks end cleanly before the runtime stops.
    tokio::time::sleep(ENGINE_SHUTDOWN).await;
    tracing::info!("stopped");
    Ok(())
}

/// Time the engine gets to stop its background tasks at shutdown.
const ENGINE_SHUTDOWN: std::time::Duration = std::time::Duration::from_millis(500);

/// Opens the archive's database, creating the data folder of an embedded
/// engine on first use.
async fn open_store(database: &DatabaseArgs) -> anyhow::Result<Store> {
    if let Some(folder) = database.local_folder() {
        let parent = folder.parent().filter(|p| !p.as_os_str().is_empty());
        if let Some(parent) = parent {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating the data folder {}", parent.display()))?;
        }
    }
    let master_key = keys::load_or_create(&database.master_key_file)?;
    let vault = Vault::from_master_key(&master_key);
    let store = Store::open(&database.settings(), ArchiveCodeScheme::default(), vault)
        .await
        .map_err(|e| anyhow::anyhow!(e.log_safe()))
        .context("opening the database")?;
    tracing::info!(database.url = %redact_url(&database.database_url), "database open");
    Ok(store)
}

/// A database URL without any password in it, for the log.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            format!("{}://***{}", &url[..scheme_end], &url[at..])
        }
        _ => url.to_string(),
    }
}
