//! `nongdang`: serves the archive. Further commands (backup, restore,
//! create-admin, …) arrive as subcommands.

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context;
use app::domain::ArchiveCodeScheme;
use app::secure::vault::Vault;
use app::store::{AuditSigner, Store};
use clap::Parser;
use leptos::config::get_configuration;
use server::config::{
    AuditArgs, AuditCommandArgs, BackupCommandArgs, Cli, Command, DatabaseArgs, RestoreArgs,
    SeedDemoArgs, ServeArgs,
};
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
        Some(Command::VerifyAudit(args)) => verify_audit(args).await,
        Some(Command::AuditCheckpoint(args)) => audit_checkpoint(args).await,
        Some(Command::SeedDemo(args)) => seed_demo(args).await,
        Some(Command::Backup(args)) => backup(args).await,
        Some(Command::Restore(args)) => restore(args).await,
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
    let audit = audit_signer(&args.audit)?;
    tokio::spawn(checkpoint_every(
        store.clone(),
        audit.clone(),
        std::time::Duration::from_secs(args.audit.audit_checkpoint_minutes * 60),
    ));
    tokio::spawn(scan_alerts_every(
        store.clone(),
        args.audit.alert_rules(),
        ALERT_SCAN,
    ));
    // The analysis's facts are read while the server starts answering, so
    // that the first analysis does not wait for them.
    let warming = store.clone();
    tokio::spawn(async move {
        if let Err(error) = warming.prepare_analysis().await {
            tracing::error!(error = %error.log_safe(), "analysis facts not read");
        }
    });
    let backups = store.backups(args.backup.backup_folder.clone(), args.backup.backup_keep);
    if args.backup_every_hours > 0 {
        tokio::spawn(backup_every(
            store.clone(),
            backups.clone(),
            std::time::Duration::from_secs(args.backup_every_hours * 3600),
        ));
    }
    let app = router(AppState {
        leptos_options,
        store,
        auth,
        audit,
        alert_rules: args.audit.alert_rules(),
        backups,
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

/// The signer of the audit trail's checkpoints, its key loaded or created.
fn audit_signer(args: &AuditArgs) -> anyhow::Result<AuditSigner> {
    let seed = keys::load_or_create_audit_key(&args.audit_key_file)?;
    Ok(AuditSigner::new(
        &seed,
        Some(args.audit_checkpoints.clone()),
    ))
}

/// Signs a checkpoint of the trail's head every `period` while serving.
async fn checkpoint_every(store: Store, audit: AuditSigner, period: std::time::Duration) {
    let mut ticks = tokio::time::interval(period);
    ticks.tick().await;
    loop {
        ticks.tick().await;
        match audit.checkpoint(&store).await {
            Ok(Some(checkpoint)) => {
                tracing::info!(audit.seq = checkpoint.seq, "audit checkpoint signed");
            }
            Ok(None) => {}
            Err(error) => tracing::error!(error = %error.log_safe(), "audit checkpoint failed"),
        }
    }
}

/// How often new events are read against the alert rules while serving.
const ALERT_SCAN: std::time::Duration = std::time::Duration::from_secs(60);

/// Reads new events against the alert rules every `period`.
// Limitation: an alert is raised within a minute of its events, not the
// moment they are written.
async fn scan_alerts_every(
    store: Store,
    rules: app::domain::audit::AlertRules,
    period: std::time::Duration,
) {
    let mut ticks = tokio::time::interval(period);
    loop {
        ticks.tick().await;
        match store.scan_alerts(&rules).await {
            Ok(0) => {}
            Ok(raised) => tracing::warn!(audit.alerts = raised, "abnormal use found"),
            Err(error) => tracing::error!(error = %error.log_safe(), "alert scan failed"),
        }
    }
}

/// Takes a backup every `period` while serving (the first one period
/// after start).
async fn backup_every(
    store: Store,
    backups: app::store::backup::Backups,
    period: std::time::Duration,
) {
    use app::domain::audit::AuditAction;
    use app::store::AuditEntry;

    let mut ticks = tokio::time::interval(period);
    ticks.tick().await;
    loop {
        ticks.tick().await;
        match backups.create(&store).await {
            Ok(info) => {
                tracing::info!(backup.name = %info.name, backup.bytes = info.size_bytes, "scheduled backup taken");
                let mut event = AuditEntry::command_line(AuditAction::Backup, info.name.as_str());
                event.username = "(定时备份)".to_string();
                event.details =
                    serde_json::json!({ "files": info.files, "bytes": info.size_bytes });
                if let Err(error) = store.record(&event).await {
                    tracing::error!(error = %error.log_safe(), "backup not recorded in the audit trail");
                }
            }
            Err(error) => tracing::error!(error = %error, "scheduled backup failed"),
        }
    }
}

/// `nongdang backup`: takes a backup now, or checks one with `--verify`.
async fn backup(args: BackupCommandArgs) -> anyhow::Result<()> {
    use app::domain::audit::AuditAction;
    use app::store::AuditEntry;

    let store = open_store(&args.database).await?;
    let backups = store.backups(args.backup.backup_folder.clone(), args.backup.backup_keep);
    if let Some(name) = &args.verify {
        let signer = audit_signer(&args.audit)?;
        let check = backups
            .check(name, store.scheme().clone(), &signer)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        say(&check.summary)?;
        if !check.matches {
            anyhow::bail!("backup {name} does not match what it recorded");
        }
        return say(&format!("backup {name} restores and matches"));
    }
    let info = backups
        .create(&store)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut event = AuditEntry::command_line(AuditAction::Backup, info.name.as_str());
    event.details = serde_json::json!({ "files": info.files, "bytes": info.size_bytes });
    store
        .record(&event)
        .await
        .map_err(|e| anyhow::anyhow!(e.log_safe()))?;
    say(&format!(
        "backup {} written to {} ({} bytes, {} files)",
        info.name,
        args.backup.backup_folder.display(),
        info.size_bytes,
        info.files
    ))
}

/// `nongdang restore NAME`: brings a backup back into an empty database
/// (or, with `--replace`, after moving the current one aside), then checks
/// the audit trail.
async fn restore(args: RestoreArgs) -> anyhow::Result<()> {
    let stamp = app::domain::time_fmt::format_second_cst(app::api::caller::now_ms())
        .replace(['-', ':'], "")
        .replace(' ', "-");
    let keyring = args.database.keyring_path();
    if let Some(folder) = args.database.local_folder()
        && folder.exists()
    {
        if !args.replace {
            anyhow::bail!(
                "the database folder {} exists: restore into an empty place, or pass --replace to move it aside",
                folder.display()
            );
        }
        let aside = folder.with_extension(format!("replaced-{stamp}"));
        std::fs::rename(folder, &aside)
            .with_context(|| format!("moving {} aside", folder.display()))?;
        say(&format!(
            "moved the current database to {}",
            aside.display()
        ))?;
    }
    if keyring.exists() {
        let aside = keyring.with_extension(format!("replaced-{stamp}"));
        std::fs::rename(&keyring, &aside)
            .with_context(|| format!("moving {} aside", keyring.display()))?;
    }
    if let Some(folder) = args.database.local_folder()
        && let Some(parent) = folder.parent().filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    let master_key = keys::load_or_create(&args.database.master_key_file)?;
    let backups = app::store::backup::Backups::new(
        args.backup.backup_folder.clone(),
        args.backup.backup_keep,
        Vault::from_master_key(&master_key),
    );
    let store = backups
        .restore_into(
            &args.name,
            &args.database.settings(),
            ArchiveCodeScheme::default(),
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let signer = audit_signer(&args.audit)?;
    let (head, _) = store
        .audit_head()
        .await
        .map_err(|e| anyhow::anyhow!(e.log_safe()))?;
    signer
        .restart_file_at(head, &stamp)
        .context("setting the checkpoint file aside")?;
    let report = signer
        .verify(&store)
        .await
        .map_err(|e| anyhow::anyhow!(e.log_safe()))?;
    say(&report.summary())?;
    if !report.is_intact() {
        anyhow::bail!("the restored audit trail does not verify");
    }
    say(&format!("backup {} restored", args.name))
}

/// `nongdang verify-audit`: prints how far the trail is intact.
async fn verify_audit(args: AuditCommandArgs) -> anyhow::Result<()> {
    let store = open_store(&args.database).await?;
    let audit = audit_signer(&args.audit)?;
    let report = audit
        .verify(&store)
        .await
        .map_err(|e| anyhow::anyhow!(e.log_safe()))?;
    say(&report.summary())?;
    if report.is_intact() {
        say(&format!(
            "audit trail intact up to event {}",
            report.intact_up_to
        ))?;
        Ok(())
    } else {
        let (seq, _) = report.broken.clone().unwrap_or_default();
        anyhow::bail!("audit trail broken at event {seq}")
    }
}

/// `nongdang audit-checkpoint`: signs the trail's head now.
async fn audit_checkpoint(args: AuditCommandArgs) -> anyhow::Result<()> {
    let store = open_store(&args.database).await?;
    let audit = audit_signer(&args.audit)?;
    match audit
        .checkpoint(&store)
        .await
        .map_err(|e| anyhow::anyhow!(e.log_safe()))?
    {
        Some(checkpoint) => say(&format!("checkpoint signed at event {}", checkpoint.seq)),
        None => say("nothing new since the last checkpoint"),
    }
}

/// `nongdang seed-demo`: adds made-up files, each opened on a past day so
/// that its verification falls due as it would have.
// Limitation: a demo file's creation time is the moment it was seeded; only
// its cycle starts on the made-up day.
async fn seed_demo(args: SeedDemoArgs) -> anyhow::Result<()> {
    use app::domain::audit::AuditAction;
    use app::domain::time_fmt::today_cst;
    use app::store::AuditEntry;
    use server::demo;

    app::domain::RegionCode::parse(&args.region)
        .map_err(|e| anyhow::anyhow!("region {}: {e}", args.region))?;
    let store = open_store(&args.database).await?;
    let today = today_cst();
    let lists = store
        .consent_lists()
        .await
        .map_err(|e| anyhow::anyhow!("consent lists: {e}"))?;
    let mut dice = demo::Dice::new(args.seed);
    let mut added = 0;
    for serial in 0..args.files {
        let (form, opened) = demo::file(&mut dice, &args.region, serial, today, args.spread_days);
        let file = form
            .validate(today)
            .map_err(|errors| anyhow::anyhow!("demo file refused: {errors:?}"))?;
        let consent = form
            .consent
            .validate(&lists, today)
            .map_err(|why| anyhow::anyhow!("demo consent refused: {why}"))?;
        let mut event = AuditEntry::command_line(AuditAction::CreateFile, "");
        event.details = serde_json::json!({ "demo": true, "group": "farmer" });
        match store
            .create_customer(
                &file,
                Some(&consent),
                "(演示数据)",
                &opened.to_string(),
                &event,
            )
            .await
        {
            Ok(code) => {
                added += 1;
                // Every eighth relationship ended long ago, past the
                // farmers' ten years of retention.
                if serial % 8 == 7 {
                    let ended = today - time::Duration::days(365 * 11 + i64::from(serial));
                    let mut event = AuditEntry::command_line(AuditAction::EditFile, code.as_str());
                    event.details = serde_json::json!({ "demo": true, "fields": ["status"] });
                    store
                        .set_relationship(
                            &code,
                            1,
                            false,
                            ("(演示数据)", "演示数据：合作已结束", &ended.to_string()),
                            &event,
                        )
                        .await
                        .map_err(|e| anyhow::anyhow!(e.log_safe()))?;
                }
            }
            // The same seed run twice: the ID numbers are taken already.
            Err(app::store::StoreError::DuplicateIdentity) => continue,
            Err(error) => anyhow::bail!(error.log_safe()),
        }
    }
    say(&format!("{added} demo files added in {}", args.region))
}

/// A line of a command's answer, on standard output (the log goes to
/// standard error).
fn say(line: &str) -> anyhow::Result<()> {
    use std::io::Write;
    writeln!(std::io::stdout().lock(), "{line}").context("writing the answer")
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
