//! `nongdang`: serves the archive. Further commands (backup, restore,
//! create-admin, …) arrive as subcommands.

use std::net::SocketAddr;

use anyhow::Context;
use app::domain::ArchiveCodeScheme;
use app::secure::vault::Vault;
use app::store::Store;
use clap::Parser;
use leptos::config::get_configuration;
use server::config::{Cli, Command, DatabaseArgs, ServeArgs};
use server::http::{AppState, router};
use server::keys;
use server::telemetry;

mod admin;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    telemetry::init();
    let cli = Cli::parse();

    let result = match cli.command {
        Some(Command::Serve(args)) => serve(args).await,
        Some(Command::CreateAdmin(args)) => admin::create_admin(args).await,
        None => serve(cli.serve).await,
    };
    if let Err(error) = &result {
        tracing::error!(error = format!("{error:#}"), "nongdang stopped");
    }
    result
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
    match args.tls() {
        Some((cert, key)) => {
            let tls = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key)
                .await
                .context("reading the TLS certificate and key")?;
            tracing::info!(%addr, "serving over https");
            let handle = axum_server::Handle::new();
            tokio::spawn(shutdown_on_signal(handle.clone()));
            axum_server::bind_rustls(addr, tls)
                .handle(handle)
                .serve(app.into_make_service())
                .await
                .context("serving https")?;
        }
        None => {
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("listening on {addr}"))?;
            tracing::info!(%addr, "serving over http");
            axum::serve(listener, app.into_make_service())
                .with_graceful_shutdown(async { wait_for_signal().await })
                .await
                .context("serving http")?;
        }
    }
    tracing::info!("stopped");
    Ok(())
}

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

async fn shutdown_on_signal(handle: axum_server::Handle<SocketAddr>) {
    wait_for_signal().await;
    handle.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
}

/// Ctrl-C or SIGTERM (from a service manager).
async fn wait_for_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
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
