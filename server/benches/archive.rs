//! The archive at scale: loads N synthetic customer files into an on-disk
//! archive, then serves the real app over real HTTP on 127.0.0.1
//! and times searches, filtered lists, deep pages, the analysis page and
//! intake through the server functions, as the browser calls them.
//!
//! ```text
//! cargo bench -p server --bench archive -- --files 100000
//! ```
//!
//! Options: `--files N` (10000), `--folder PATH` (a temporary folder),
//! `--reps N` (200), `--intake N` (2000), `--concurrency N` (4), `--seed N`.
//! The same seed generates the same stream of files. An archive left in
//! `--folder` by an earlier run is opened again (its master key is kept in
//! `master.key` beside it) and topped up to `--files`, so a million files
//! are loaded once and measured by later builds too.

#![allow(
    clippy::print_stdout,
    reason = "a benchmark reports on standard output"
)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use app::api::caller::AuthSettings;
use app::domain::audit::{AlertRules, AuditAction};
use app::domain::consent::ConsentForm;
use app::domain::id_document::complete_resident_id;
use app::domain::intake::{AssetForm, MemberForm, ParcelForm};
use app::domain::search::{SearchQuery, SearchResults};
use app::domain::time_fmt::today_cst;
use app::domain::{
    ArchiveCode, ArchiveCodeScheme, CustomerForm, IdKind, RegionScope, Role, Username,
};
use app::secure::password;
use app::secure::vault::Vault;
use app::store::{AuditEntry, AuditSigner, DbSettings, NewUser, Store, StoreError};
use clap::Parser;
use leptos::prelude::LeptosOptions;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue, ORIGIN};
use serde_json::{Value, json};
use server::http::{AppState, router};
use time::Date;

#[derive(Parser, Debug)]
#[command(about = "Load, search and intake benchmark of the NongDang archive")]
struct Args {
    /// Customer files to load before measuring.
    #[arg(long, default_value_t = 10_000)]
    files: usize,
    /// Folder of the archive; a temporary folder, removed at the end, when
    /// not given. An archive left there by an earlier run (with its
    /// `master.key`) is reused and topped up to `--files`.
    #[arg(long)]
    folder: Option<PathBuf>,
    /// Repetitions of each query.
    #[arg(long, default_value_t = 200)]
    reps: usize,
    /// Files opened over HTTP for the intake throughput.
    #[arg(long, default_value_t = 2_000)]
    intake: usize,
    /// Concurrent loaders and HTTP clients.
    #[arg(long, default_value_t = 4)]
    concurrency: usize,
    /// Seed of the generated files.
    #[arg(long, default_value_t = 20_260_101)]
    seed: u64,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

const PASSWORD: &str = "Bench-archive-2026";
/// Files load as if opened over this many past days, so that some are
/// overdue for verification.
const SPREAD_DAYS: u64 = 730;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.concurrency == 0 || args.reps == 0 {
        bail!("--concurrency and --reps must be at least 1");
    }
    print_header();

    let temp;
    let folder = match &args.folder {
        Some(folder) => {
            std::fs::create_dir_all(folder).context("creating the archive folder")?;
            folder.clone()
        }
        None => {
            temp = tempfile::tempdir().context("temporary folder")?;
            temp.path().to_path_buf()
        }
    };
    let reused = folder.join("archive.db").exists();
    // Kept beside the archive, so that a later run can open it again.
    let master_key = server::keys::load_or_create(&folder.join("master.key"))?;
    let settings = DbSettings {
        url: format!("surrealkv://{}", folder.join("archive.db").display()),
        credentials: None,
        keyring: Some(folder.join("keyring")),
    };
    let store = Store::open(
        &settings,
        ArchiveCodeScheme::default(),
        Vault::from_master_key(&master_key),
    )
    .await
    .context("opening the archive")?;
    let today = today_cst();
    let mut generator = Generator::new(args.seed);
    let present = if reused {
        let (present, _, _) = store
            .backup_facts()
            .await
            .context("counting the files already there")?;
        let present = usize::try_from(present)?;
        // The same seed generates the same stream: skip what is there.
        for _ in 0..present {
            generator.next(today);
        }
        present
    } else {
        0
    };
    let generator = Arc::new(Mutex::new(generator));

    println!("## Load\n");
    println!(
        "{} files already in {}; {} more from {} tasks (`Store::create_customer`)\n",
        present,
        folder.display(),
        args.files.saturating_sub(present),
        args.concurrency
    );
    if args.files > present {
        load(&store, &generator, args.files, args.concurrency).await?;
    }
    let targets = sample_targets(&store, &generator, today).await?;
    if targets.is_empty() {
        bail!("no files found; nothing to search");
    }
    // As the server does at start.
    let reading = Instant::now();
    let in_facts = store
        .prepare_analysis()
        .await
        .context("reading the analysis facts")?;
    println!(
        "Analysis facts read (as at the server's start): {in_facts} files in {:.1} s\n",
        reading.elapsed().as_secs_f64()
    );
    let loaded_memory = Memory::now();
    let loaded_disk = disk_size(&folder);
    println!();
    println!(
        "After loading: VmRSS {}, VmHWM {}, on disk {}\n",
        mib(loaded_memory.rss_kib * 1024),
        mib(loaded_memory.hwm_kib * 1024),
        mib(loaded_disk)
    );

    // The real app on a real socket.
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .context("binding 127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let app = router(AppState {
        leptos_options: LeptosOptions::builder().output_name("nongdang").build(),
        backups: store.backups(folder.join("backups"), 3),
        store: store.clone(),
        auth: AuthSettings::default(),
        audit: AuditSigner::new(&[7; 32], None),
        alert_rules: AlertRules {
            hours_start: 0,
            hours_end: 24,
            ..AlertRules::default()
        },
    });
    let serving = tokio::spawn(server::listen::serve_http(app, listener, async {
        let _ = stopped.await;
    }));

    let username = create_archivist(&store).await?;
    let client = Client::sign_in(addr, &username).await?;

    // The peak of the query phase, not of loading.
    let peak_reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();

    println!("## Queries over HTTP\n");
    println!(
        "Server functions at http://{addr}/api/…, signed in as an archivist (every region); \
         {} reps each, one request at a time; times are request sent → whole body received.\n",
        args.reps
    );
    let mut dice = Dice::new(args.seed ^ 0x005E_A2C4);
    let mut table = Vec::new();
    run_queries(&client, &targets, &mut dice, args.reps, &mut table).await?;

    let intake = run_intake(&client, &generator, args.intake, args.concurrency).await?;
    table.push(intake.series);
    table.push(
        time_analysis(
            &client,
            "analysis page after the intake (the first catches up)",
            5,
        )
        .await?,
    );

    println!();
    println!("| measurement | n | failed | p50 ms | p95 ms | p99 ms | max ms | matches (median) |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for series in &table {
        series.print_row();
    }
    println!();
    let failures: usize = table.iter().map(|s| s.failures).sum();
    println!("Failed requests (not 200): {failures}");
    println!(
        "Intake over HTTP: {} files in {:.1} s from {} clients: {:.1} files/s",
        intake.done,
        intake.elapsed.as_secs_f64(),
        args.concurrency,
        intake.done as f64 / intake.elapsed.as_secs_f64().max(1e-9)
    );

    let end_memory = Memory::now();
    println!();
    println!("## Memory and disk\n");
    println!("| when | VmRSS | VmHWM | archive on disk |");
    println!("|---|---:|---:|---:|");
    println!(
        "| after loading {} files and reading the analysis facts | {} | {} (peak of loading) | {} |",
        args.files.max(present),
        mib(loaded_memory.rss_kib * 1024),
        mib(loaded_memory.hwm_kib * 1024),
        mib(loaded_disk)
    );
    println!(
        "| after queries and intake | {} | {} ({}) | {} |",
        mib(end_memory.rss_kib * 1024),
        mib(end_memory.hwm_kib * 1024),
        if peak_reset {
            "peak since the queries began"
        } else {
            "peak of the whole run: the peak could not be reset"
        },
        mib(disk_size(&folder))
    );

    let _ = stop.send(());
    match serving.await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => println!("\nserver stopped with an error: {error:#}"),
        Err(error) => println!("\nserver task failed: {error}"),
    }
    drop(client);
    drop(store);
    // The engine shuts its datastore down in a task of its own once the last
    // handle is gone.
    tokio::time::sleep(Duration::from_millis(500)).await;
    if failures > 0 {
        bail!("{failures} requests failed");
    }
    Ok(())
}

fn print_header() {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, name)| name.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".to_string());
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let command: Vec<String> = std::env::args().collect();
    println!("# NongDang archive benchmark\n");
    println!("- machine: {cores} CPUs (nproc), {cpu}");
    println!("- command: `{}`", command.join(" "));
    println!(
        "- build: {}",
        if cfg!(debug_assertions) {
            "debug (numbers are not representative)"
        } else {
            "optimised"
        }
    );
    println!();
}

// ---------------------------------------------------------------- loading

/// What the queries need to know of a loaded file.
struct Target {
    code: String,
    name: String,
    surname: String,
    phone: String,
    id_number: String,
    region: String,
    /// A person, not an organisation: named by surname and given name.
    person: bool,
}

async fn load(
    store: &Store,
    generator: &Arc<Mutex<Generator>>,
    files: usize,
    concurrency: usize,
) -> anyhow::Result<()> {
    let today = today_cst();
    let first = lock(generator).next_index;
    let to_load = files - first;
    let done = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let progress = Arc::new(Mutex::new((started, 0_usize)));
    println!("| loaded | % | files/s (this 10%) | files/s (so far) | elapsed s |");
    println!("|---:|---:|---:|---:|---:|");
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (store, generator) = (store.clone(), Arc::clone(generator));
        let (done, progress) = (Arc::clone(&done), Arc::clone(&progress));
        tasks.push(tokio::spawn(async move {
            let event = AuditEntry::command_line(AuditAction::CreateFile, "");
            loop {
                let mut generated = {
                    let mut generator = lock(&generator);
                    if generator.next_index >= files {
                        break;
                    }
                    generator.next(today)
                };
                let opened = generated.opened.to_string();
                loop {
                    let file = generated
                        .form
                        .validate(today)
                        .map_err(|errors| anyhow::anyhow!("generated file refused: {errors:?}"))?;
                    match store
                        .create_customer(&file, None, "bench", &opened, &event)
                        .await
                    {
                        Ok(_) => break,
                        // Random ID numbers of a county meet now and then.
                        Err(StoreError::DuplicateIdentity) => {
                            generated.form.id_number =
                                lock(&generator).resident_id(&generated.form.region);
                        }
                        Err(error) => return Err(error).context("create_customer"),
                    }
                }
                let now = done.fetch_add(1, Ordering::Relaxed) + 1;
                if now * 10 / to_load > (now - 1) * 10 / to_load {
                    let mut last = lock(&progress);
                    let (at, count) = *last;
                    let elapsed = started.elapsed().as_secs_f64();
                    println!(
                        "| {} | {}% | {:.1} | {:.1} | {elapsed:.1} |",
                        first + now,
                        (first + now) * 100 / files,
                        (now - count) as f64 / at.elapsed().as_secs_f64().max(1e-9),
                        now as f64 / elapsed.max(1e-9),
                    );
                    *last = (Instant::now(), now);
                }
            }
            anyhow::Ok(())
        }));
    }
    for task in tasks {
        task.await.context("loader task")??;
    }
    let elapsed = started.elapsed();
    println!();
    println!(
        "Loaded {to_load} files in {:.1} s: {:.1} files/s",
        elapsed.as_secs_f64(),
        to_load as f64 / elapsed.as_secs_f64().max(1e-9)
    );
    Ok(())
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Files to search for, read back from the archive: the first files after a
/// random place in the code order, with their phones and ID numbers.
async fn sample_targets(
    store: &Store,
    generator: &Arc<Mutex<Generator>>,
    today: Date,
) -> anyhow::Result<Vec<Target>> {
    let scheme = ArchiveCodeScheme::default();
    let places: Vec<String> = {
        let generator = lock(generator);
        generator
            .counties
            .iter()
            .flatten()
            .map(|(code, _)| code.clone())
            .collect()
    };
    let mut dice = Dice::new(0x5A3E_11E5);
    let mut targets = Vec::new();
    for _ in 0..SAMPLE_PLACES {
        let prefix =
            &scheme.prefixes[usize::from(!dice.chance(0.85)) * (1 + dice.below(4) as usize)];
        let query = SearchQuery {
            after: format!("~{prefix}-{}-{:05}", dice.pick(&places), dice.below(50)),
            page_size: 10,
            ..SearchQuery::default()
        };
        let criteria = query.criteria().map_err(|why| anyhow::anyhow!(why))?;
        let found = store
            .search(&criteria, &RegionScope::everywhere(), today)
            .await
            .context("sampling files")?;
        for row in found.rows {
            let code = ArchiveCode::parse(&scheme, &row.code).context("a stored code")?;
            let Some(file) = store.stored_file(&code).await.context("reading a file")? else {
                continue;
            };
            let details = file.details;
            let person = details.id_kind != IdKind::CreditCode;
            let surname = SURNAMES
                .iter()
                .map(|(surname, _)| *surname)
                .filter(|surname| details.name.starts_with(surname))
                .max_by_key(|surname| surname.len())
                .unwrap_or_default()
                .to_string();
            targets.push(Target {
                code: row.code,
                name: details.name,
                surname,
                phone: details.phone,
                id_number: details.id_number,
                region: details.region,
                person,
            });
        }
    }
    targets.sort_by(|a, b| a.code.cmp(&b.code));
    targets.dedup_by(|a, b| a.code == b.code);
    println!("{} files sampled to search for\n", targets.len());
    Ok(targets)
}

/// Places in the code order where the sample of searched files begins.
const SAMPLE_PLACES: usize = 60;

// ------------------------------------------------------------------- HTTP

/// An HTTP client holding the session cookie of the signed-in archivist.
#[derive(Clone)]
struct Client {
    http: reqwest::Client,
    base: String,
}

/// One answer: status, time to the whole body, and the body.
struct Answer {
    status: StatusCode,
    took: Duration,
    body: Vec<u8>,
}

impl Client {
    async fn sign_in(addr: SocketAddr, username: &str) -> anyhow::Result<Self> {
        let base = format!("http://{addr}");
        let mut headers = HeaderMap::new();
        // What a browser sends with the app's own requests.
        headers.insert(ORIGIN, HeaderValue::from_str(&base)?);
        headers.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .default_headers(headers)
            .build()
            .context("HTTP client")?;
        let client = Self { http, base };
        let answer = client
            .call(
                "sign_in",
                &json!({ "username": username, "password": PASSWORD }),
            )
            .await?;
        if answer.status != StatusCode::OK {
            bail!(
                "sign-in answered {}: {}",
                answer.status,
                String::from_utf8_lossy(&answer.body)
            );
        }
        Ok(client)
    }

    /// POSTs JSON arguments to a server function.
    async fn call(&self, endpoint: &str, args: &Value) -> anyhow::Result<Answer> {
        let body = serde_json::to_vec(args)?;
        let started = Instant::now();
        let response = self
            .http
            .post(format!("{}/api/{endpoint}", self.base))
            .header(CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .with_context(|| format!("POST /api/{endpoint}"))?;
        let status = response.status();
        let body = response.bytes().await.context("reading the body")?.to_vec();
        Ok(Answer {
            status,
            took: started.elapsed(),
            body,
        })
    }

    async fn search(&self, query: &SearchQuery) -> anyhow::Result<Answer> {
        self.call("search_customers", &json!({ "query": query }))
            .await
    }
}

async fn create_archivist(store: &Store) -> anyhow::Result<String> {
    let username = "bench_archivist".to_string();
    let user = NewUser {
        username: Username::parse(&username).map_err(|e| anyhow::anyhow!("{e}"))?,
        display_name: "基准测试档案员".to_string(),
        role: Role::Archivist,
        // Archivists reach every region whatever they are assigned.
        regions: Vec::new(),
        password_hash: password::hash(PASSWORD.to_string())
            .await
            .map_err(|e| anyhow::anyhow!("hashing: {e}"))?,
        must_change_password: false,
    };
    let created = store
        .create_user(
            &user,
            &AuditEntry::command_line(AuditAction::UserCreate, username.as_str()),
        )
        .await
        .context("creating the archivist")?;
    if !created {
        println!("The archivist of an earlier run on this archive signs in again.\n");
    }
    Ok(username)
}

// ------------------------------------------------------------ measurement

/// The times of one measurement.
struct Series {
    name: String,
    samples: Vec<Duration>,
    failures: usize,
    /// `total` of each search answer (or files of the analysis).
    matches: Vec<u64>,
}

impl Series {
    fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            samples: Vec::new(),
            failures: 0,
            matches: Vec::new(),
        }
    }

    /// Records an answer; a refusal is counted, and its first few shown.
    fn record(&mut self, answer: &Answer) -> bool {
        self.samples.push(answer.took);
        if answer.status == StatusCode::OK {
            return true;
        }
        self.failures += 1;
        if self.failures <= 3 {
            let body = String::from_utf8_lossy(&answer.body);
            println!(
                "- {}: answered {}: {}",
                self.name,
                answer.status,
                body.chars().take(300).collect::<String>()
            );
        }
        false
    }

    fn percentile(sorted: &[Duration], q: f64) -> f64 {
        if sorted.is_empty() {
            return f64::NAN;
        }
        let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
        sorted[rank - 1].as_secs_f64() * 1000.0
    }

    fn print_row(&self) {
        let mut sorted = self.samples.clone();
        sorted.sort();
        let mut matches = self.matches.clone();
        matches.sort_unstable();
        let median = matches
            .get(matches.len() / 2)
            .map_or_else(|| "–".to_string(), u64::to_string);
        println!(
            "| {} | {} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {} |",
            self.name,
            self.samples.len(),
            self.failures,
            Self::percentile(&sorted, 0.50),
            Self::percentile(&sorted, 0.95),
            Self::percentile(&sorted, 0.99),
            Self::percentile(&sorted, 1.0),
            median,
        );
    }
}

fn page(query: SearchQuery) -> SearchQuery {
    SearchQuery {
        page: query.page.max(1),
        page_size: 20,
        ..query
    }
}

fn text(text: impl Into<String>) -> SearchQuery {
    page(SearchQuery {
        text: text.into(),
        ..SearchQuery::default()
    })
}

/// Runs one search and records it; answers the results when it succeeded.
async fn timed_search(
    client: &Client,
    series: &mut Series,
    query: &SearchQuery,
) -> anyhow::Result<Option<SearchResults>> {
    let answer = client.search(query).await?;
    if !series.record(&answer) {
        return Ok(None);
    }
    let results: SearchResults =
        serde_json::from_slice(&answer.body).context("reading search results")?;
    series.matches.push(results.total);
    Ok(Some(results))
}

async fn run_queries(
    client: &Client,
    targets: &[Target],
    dice: &mut Dice,
    reps: usize,
    table: &mut Vec<Series>,
) -> anyhow::Result<()> {
    type MakeQuery = fn(&Target) -> SearchQuery;
    let by_target: [(&str, MakeQuery); 16] = [
        ("search: full archive code", |t| text(t.code.clone())),
        ("search: code prefix (e.g. NH-510104)", |t| {
            text(t.code.rsplit_once('-').map_or("", |(p, _)| p))
        }),
        ("search: full name", |t| text(t.name.clone())),
        ("search: surname only", |t| text(t.surname.clone())),
        ("search: full pinyin", |t| {
            text(app::store::search::name_keys(&t.name).0)
        }),
        ("search: pinyin initials", |t| {
            text(app::store::search::name_keys(&t.name).1)
        }),
        ("search: phone last four", |t| {
            text(&t.phone[t.phone.len() - 4..])
        }),
        ("search: full phone", |t| text(t.phone.clone())),
        ("search: ID number", |t| text(t.id_number.clone())),
        ("list: farmer in province", |t| {
            page(SearchQuery {
                group: "farmer".into(),
                region: format!("{}0000", &t.region[..2]),
                ..SearchQuery::default()
            })
        }),
        ("list: county, land ≥ 10 亩", |t| {
            page(SearchQuery {
                region: t.region.clone(),
                land_min: "10".into(),
                ..SearchQuery::default()
            })
        }),
        ("list: credit A", |_| {
            page(SearchQuery {
                credit: "a".into(),
                ..SearchQuery::default()
            })
        }),
        ("list: cooperation land_trusteeship", |_| {
            page(SearchQuery {
                cooperation: "land_trusteeship".into(),
                ..SearchQuery::default()
            })
        }),
        ("list: verification overdue", |_| {
            page(SearchQuery {
                due: "overdue".into(),
                ..SearchQuery::default()
            })
        }),
        ("list: sorted by name", |_| {
            page(SearchQuery {
                sort: "name".into(),
                ..SearchQuery::default()
            })
        }),
        ("list: sorted by last change", |_| {
            page(SearchQuery {
                sort: "updated".into(),
                ..SearchQuery::default()
            })
        }),
    ];
    // Name searches look for people: organisations' names are long and
    // searched by their beginning, like a surname.
    let people: Vec<&Target> = targets.iter().filter(|t| t.person).collect();
    for (name, make) in by_target {
        let names = matches!(
            name,
            "search: full name"
                | "search: surname only"
                | "search: full pinyin"
                | "search: pinyin initials"
        );
        let mut series = Series::new(name);
        for _ in 0..reps {
            let target = if names && !people.is_empty() {
                people[dice.below(people.len() as u64) as usize]
            } else {
                &targets[dice.below(targets.len() as u64) as usize]
            };
            timed_search(client, &mut series, &make(target)).await?;
        }
        println!(
            "- {name}: p50 {:.1} ms",
            Series::percentile(&sorted(&series.samples), 0.5)
        );
        table.push(series);
    }

    // Page 1 of the whole list, then page 50 reached by following cursors,
    // then page 50 by offset.
    let mut first = Series::new("list: all, page 1");
    for _ in 0..reps {
        timed_search(client, &mut first, &page(SearchQuery::default())).await?;
    }
    table.push(first);

    let mut walk = Series::new("list: all, pages 1–49 walked by cursor");
    let mut query = page(SearchQuery::default());
    let mut reached = 1;
    for number in 1..50 {
        query.page = number;
        let Some(results) = timed_search(client, &mut walk, &query).await? else {
            break;
        };
        if !results.has_next {
            break;
        }
        query.after = results.last;
        reached = number + 1;
    }
    table.push(walk);
    if reached == 50 {
        query.page = 50;
        let mut cursor = Series::new("list: all, page 50 by cursor (`after`)");
        for _ in 0..reps {
            timed_search(client, &mut cursor, &query).await?;
        }
        table.push(cursor);
    } else {
        println!("- the whole list has only {reached} pages: no page 50 by cursor");
    }
    let mut offset = Series::new("list: all, page 50 by offset (`page=50`)");
    for _ in 0..reps {
        timed_search(
            client,
            &mut offset,
            &page(SearchQuery {
                page: 50,
                ..SearchQuery::default()
            }),
        )
        .await?;
    }
    table.push(offset);

    let analysis = time_analysis(client, "analysis page (all regions)", (reps / 10).max(5)).await?;
    println!(
        "- analysis: p50 {:.1} ms",
        Series::percentile(&sorted(&analysis.samples), 0.5)
    );
    table.push(analysis);
    Ok(())
}

/// `reps` analyses of every region, one after another.
async fn time_analysis(client: &Client, name: &str, reps: usize) -> anyhow::Result<Series> {
    let mut analysis = Series::new(name);
    for _ in 0..reps {
        let answer = client.call("analysis", &json!({ "region": "" })).await?;
        if analysis.record(&answer) {
            let page: Value = serde_json::from_slice(&answer.body).context("analysis")?;
            if let Some(total) = page.pointer("/overview/total").and_then(Value::as_u64) {
                analysis.matches.push(total);
            }
        }
    }
    Ok(analysis)
}

fn sorted(samples: &[Duration]) -> Vec<Duration> {
    let mut sorted = samples.to_vec();
    sorted.sort();
    sorted
}

struct Intake {
    series: Series,
    done: usize,
    elapsed: Duration,
}

/// `files` intakes over HTTP from `concurrency` clients at once.
async fn run_intake(
    client: &Client,
    generator: &Arc<Mutex<Generator>>,
    files: usize,
    concurrency: usize,
) -> anyhow::Result<Intake> {
    let today = today_cst();
    let remaining = Arc::new(AtomicUsize::new(files));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (client, generator) = (client.clone(), Arc::clone(generator));
        let remaining = Arc::clone(&remaining);
        tasks.push(tokio::spawn(async move {
            let mut series = Series::new("intake_customer");
            while remaining
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
                .is_ok()
            {
                let mut form = lock(&generator).next(today).form;
                if form.id_kind != "credit_code" {
                    form.consent = paper_consent();
                }
                let answer = loop {
                    let answer = client
                        .call("intake_customer", &json!({ "form": form }))
                        .await?;
                    // An ID number drawn twice is refused; draw another.
                    if answer.status == StatusCode::CONFLICT
                        && answer.body.starts_with(b"{\"DuplicateIdentity\"")
                    {
                        form.id_number = lock(&generator).resident_id(&form.region);
                        continue;
                    }
                    break answer;
                };
                series.record(&answer);
            }
            anyhow::Ok(series)
        }));
    }
    let mut series = Series::new(format!("intake_customer, {concurrency} clients at once"));
    for task in tasks {
        let part = task.await.context("intake task")??;
        series.samples.extend(part.samples);
        series.failures += part.failures;
    }
    let elapsed = started.elapsed();
    let done = series.samples.len() - series.failures;
    println!(
        "- intake: {done} files in {:.1} s: {:.1} files/s",
        elapsed.as_secs_f64(),
        done as f64 / elapsed.as_secs_f64().max(1e-9)
    );
    Ok(Intake {
        series,
        done,
        elapsed,
    })
}

/// The consent a farmer signed on paper at intake, as the intake form
/// sends it.
fn paper_consent() -> ConsentForm {
    ConsentForm {
        purposes: ["membership", "supply", "credit", "subsidy"]
            .map(String::from)
            .to_vec(),
        sensitive: true,
        method: "paper".to_string(),
        paper_ref: "同意书 2026-001 号".to_string(),
        ..ConsentForm::default()
    }
}

// ------------------------------------------------------ memory and disk

struct Memory {
    rss_kib: u64,
    hwm_kib: u64,
}

impl Memory {
    fn now() -> Self {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|kib| kib.parse().ok())
                .unwrap_or(0)
        };
        Self {
            rss_kib: field("VmRSS:"),
            hwm_kib: field("VmHWM:"),
        }
    }
}

fn disk_size(folder: &Path) -> u64 {
    let mut total = 0;
    let mut pending = vec![folder.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            match entry.metadata() {
                Ok(meta) if meta.is_dir() => pending.push(entry.path()),
                Ok(meta) => total += meta.len(),
                Err(_) => {}
            }
        }
    }
    total
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

// ------------------------------------------------------------ the files

/// SplitMix64: repeatable, fast, and enough for made-up data.
struct Dice(u64);

impl Dice {
    fn new(seed: u64) -> Self {
        Self(seed)
    }

    fn roll(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.roll() % n.max(1)
    }

    /// A number in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.roll() >> 11) as f64 / (1_u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// An item by its weight.
    fn weighted<'a, T>(&mut self, items: &'a [(T, u32)]) -> &'a T {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut roll = self.below(u64::from(total)) as u32;
        for (item, weight) in items {
            if roll < *weight {
                return item;
            }
            roll -= weight;
        }
        &items[0].0
    }
}

/// Surnames with their approximate share of the population in hundredths
/// of a per cent (2020 census), a tail of rarer ones, and a few
/// two-character surnames.
const SURNAMES: &[(&str, u32)] = &[
    ("王", 710),
    ("李", 710),
    ("张", 680),
    ("刘", 540),
    ("陈", 460),
    ("杨", 310),
    ("黄", 240),
    ("赵", 230),
    ("吴", 200),
    ("周", 190),
    ("徐", 150),
    ("孙", 150),
    ("马", 150),
    ("朱", 140),
    ("胡", 130),
    ("郭", 120),
    ("何", 120),
    ("林", 110),
    ("高", 110),
    ("罗", 110),
    ("郑", 100),
    ("梁", 90),
    ("谢", 80),
    ("宋", 70),
    ("唐", 70),
    ("许", 70),
    ("韩", 60),
    ("冯", 60),
    ("邓", 60),
    ("曹", 60),
    ("彭", 60),
    ("曾", 50),
    ("肖", 50),
    ("田", 50),
    ("董", 50),
    ("袁", 40),
    ("潘", 40),
    ("于", 40),
    ("蒋", 40),
    ("蔡", 40),
    ("余", 40),
    ("杜", 40),
    ("叶", 40),
    ("程", 40),
    ("苏", 30),
    ("魏", 30),
    ("吕", 30),
    ("丁", 30),
    ("任", 30),
    ("沈", 30),
    ("姚", 30),
    ("卢", 30),
    ("姜", 30),
    ("崔", 30),
    ("钟", 30),
    ("谭", 30),
    ("陆", 30),
    ("汪", 30),
    ("范", 30),
    ("金", 30),
    ("石", 20),
    ("廖", 20),
    ("贾", 20),
    ("夏", 20),
    ("韦", 20),
    ("付", 20),
    ("方", 20),
    ("白", 20),
    ("邹", 20),
    ("孟", 20),
    ("熊", 20),
    ("秦", 20),
    ("邱", 20),
    ("江", 20),
    ("尹", 20),
    ("薛", 20),
    ("闫", 20),
    ("段", 20),
    ("雷", 20),
    ("侯", 20),
    ("龙", 20),
    ("史", 20),
    ("陶", 10),
    ("黎", 10),
    ("贺", 10),
    ("顾", 10),
    ("毛", 10),
    ("郝", 10),
    ("龚", 10),
    ("邵", 10),
    ("万", 10),
    ("钱", 10),
    ("覃", 10),
    ("单", 5),
    ("欧阳", 4),
    ("司马", 1),
    ("上官", 1),
    ("诸葛", 1),
];

/// Characters common in given names, older and newer ones.
const GIVEN: &str = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英霞平刚桂兰玉华建国文辉力梅红林云海峰鹏波宇浩凯俊婷雪琳晶燕鑫斌志春金德福成荣宝山东晓小永长家学淑珍凤翠花丹萍亮飞龙新庆生胜祥兴旺贵富有才根水田喜顺发安兵琴莲菊香秋冬丰忠义民利军";

const VILLAGES: &[&str] = &[
    "红星", "向阳", "和平", "团结", "新华", "光明", "胜利", "永安", "太平", "青龙", "白鹤", "石桥",
    "杨柳", "桃源", "金桥", "双河",
];
const TOWNS: &[&str] = &[
    "新兴", "龙泉", "三合", "永兴", "福田", "长安", "清水", "马鞍",
];
const CROPS: &[&str] = &[
    "水稻", "小麦", "玉米", "油菜", "茶叶", "柑橘", "蔬菜", "花椒",
];
const TAGS: &[(&str, u32)] = &[
    ("社员", 30),
    ("种粮大户", 10),
    ("家庭农场", 8),
    ("示范户", 8),
    ("脱贫户", 10),
    ("返乡创业", 5),
    ("合作社理事", 3),
    ("茶农", 6),
    ("果农", 6),
    ("养殖户", 8),
];
const COOPERATION: &[(&str, f64)] = &[
    ("input_purchase", 0.45),
    ("produce_sale", 0.35),
    ("machinery_service", 0.20),
    ("land_trusteeship", 0.12),
    ("technical_training", 0.25),
    ("mutual_credit", 0.08),
    ("storage_processing", 0.05),
];
const CREDIT: &[(&str, u32)] = &[("", 70), ("a", 8), ("b", 12), ("c", 7), ("d", 3)];
const CREDIT_REASONS: &[&str] = &[
    "三年按时结清货款",
    "历年往来记录良好",
    "曾有一次逾期，已结清",
    "多次拖欠货款",
];
/// Provinces the cooperative's members live in, by share.
const PROVINCES: &[(&str, u32)] = &[
    ("510000", 50),
    ("500000", 15),
    ("410000", 20),
    ("370000", 15),
];
const PHONE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152",
    "153", "155", "156", "157", "158", "159", "180", "181", "182", "183", "184", "185", "186",
    "187", "188", "189",
];
/// The GB 32100 alphabet of unified social credit codes.
const CREDIT_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// One generated file: its form and the day it was opened.
struct Generated {
    form: CustomerForm,
    opened: Date,
}

/// The stream of generated files: the `k`-th file is the same in every run
/// with the same seed, whichever task asks for it.
struct Generator {
    dice: Dice,
    /// Counties of each province in [`PROVINCES`], by code and name.
    counties: Vec<Vec<(String, String)>>,
    next_index: usize,
}

impl Generator {
    fn new(seed: u64) -> Self {
        let counties = PROVINCES
            .iter()
            .map(|(province, _)| counties_of(province))
            .collect();
        Self {
            dice: Dice::new(seed),
            counties,
            next_index: 0,
        }
    }

    fn next(&mut self, today: Date) -> Generated {
        let index = self.next_index as u64;
        self.next_index += 1;
        let dice = &mut self.dice;

        let province = dice.below(PROVINCES.iter().map(|(_, w)| u64::from(*w)).sum::<u64>());
        let mut province_at = 0;
        let mut acc = 0;
        for (i, (_, weight)) in PROVINCES.iter().enumerate() {
            acc += u64::from(*weight);
            if province < acc {
                province_at = i;
                break;
            }
        }
        let (region, county_name) = dice.pick(&self.counties[province_at]).clone();

        let group = *dice.weighted(&[
            ("farmer", 85),
            ("partner", 4),
            ("supplier", 4),
            ("dealer", 4),
            ("other", 3),
        ]);
        let organisation = matches!(group, "partner" | "supplier" | "dealer");
        let (surname, person) = person_name(dice);
        let phone = phone(index);
        let opened = today - time::Duration::days(dice.below(SPREAD_DAYS) as i64);

        let mut form = CustomerForm {
            group: group.to_string(),
            phone,
            region: region.clone(),
            address: format!(
                "{}镇{}村{}组",
                dice.pick(TOWNS),
                dice.pick(VILLAGES),
                1 + dice.below(12)
            ),
            confirm_duplicates: true,
            ..CustomerForm::default()
        };

        let name = if organisation {
            let place = county_name.trim_end_matches(['县', '区', '市']);
            let word = dice.pick(&[
                "丰收", "金穗", "绿源", "兴农", "惠民", "裕丰", "田园", "沃土", "禾丰", "农盛",
            ]);
            let (kind, type_code) = match group {
                "partner" => (*dice.pick(&["种植专业合作社", "农机专业合作社"]), "93"),
                "supplier" => (*dice.pick(&["农资有限公司", "种业有限公司"]), "91"),
                _ => (*dice.pick(&["农产品贸易有限公司", "粮油经营部"]), "92"),
            };
            form.id_kind = "credit_code".to_string();
            form.id_number = credit_code(type_code, &region, index);
            form.legal_representative = person.clone();
            form.contact_person = person_name(dice).1;
            if dice.chance(0.6) {
                form.land_area = area(dice, 50.0, 2_000.0);
            }
            format!("{place}{word}{kind}")
        } else {
            form.id_kind = "resident_id".to_string();
            form.id_number = self.resident_id(&region);
            let dice = &mut self.dice;
            form.land_area = farmer_area(dice);
            if group == "farmer" {
                household(dice, &surname, &mut form);
                parcels(dice, &mut form);
                if dice.chance(0.2) {
                    let (description, unit) = *dice.pick(&[
                        ("拖拉机", "台"),
                        ("收割机", "台"),
                        ("生猪", "头"),
                        ("大棚", "座"),
                    ]);
                    form.assets.push(AssetForm {
                        kind: match description {
                            "生猪" => "livestock",
                            "大棚" => "facility",
                            _ => "machinery",
                        }
                        .to_string(),
                        description: description.to_string(),
                        quantity: (1 + dice.below(if unit == "头" { 50 } else { 3 })).to_string(),
                        unit: unit.to_string(),
                    });
                }
            }
            person
        };
        let dice = &mut self.dice;
        form.name = name;

        let rating = *dice.weighted(CREDIT);
        if !rating.is_empty() {
            form.credit_rating = rating.to_string();
            form.credit_reason = dice.pick(CREDIT_REASONS).to_string();
        }
        form.cooperation = COOPERATION
            .iter()
            .filter(|(_, p)| dice.chance(*p))
            .map(|(key, _)| key.to_string())
            .collect();
        if dice.chance(0.3) {
            let mut tags = vec![*dice.weighted(TAGS)];
            if dice.chance(0.3) {
                tags.push(*dice.weighted(TAGS));
            }
            form.tags = tags.join("，");
        }
        if dice.chance(0.6) {
            form.paper_cabinet = format!("{}", 1 + dice.below(20));
            form.paper_shelf = format!("{}", 1 + dice.below(6));
            form.paper_box = format!("{:03}", 1 + dice.below(200));
        }
        if dice.chance(0.1) {
            form.notes = "户主常年在外务工，联系时请先打电话".to_string();
        }

        Generated { form, opened }
    }

    /// A resident ID number issued in `region`; one already taken is
    /// refused by the archive and drawn again by the loader.
    fn resident_id(&mut self, region: &str) -> String {
        let dice = &mut self.dice;
        // Members are mostly middle-aged or older.
        let year = 1945 + dice.below(30) + dice.below(31);
        let first_17 = format!(
            "{region}{year}{:02}{:02}{:03}",
            1 + dice.below(12),
            1 + dice.below(28),
            dice.below(1000)
        );
        complete_resident_id(&first_17).unwrap_or_default()
    }
}

/// The counties of a province (or the districts of a municipality).
fn counties_of(province: &str) -> Vec<(String, String)> {
    let mut counties = Vec::new();
    for division in app::domain::region::children(province) {
        if division.code.ends_with("00") {
            counties.extend(app::domain::region::children(&division.code));
        } else {
            counties.push(division);
        }
    }
    counties
        .into_iter()
        .filter(|d| !d.code.ends_with("00") && !d.name.contains("市辖区") && !d.name.contains('-'))
        .filter(|d| app::domain::RegionCode::parse(&d.code).is_ok())
        .map(|d| (d.code, d.name))
        .collect()
}

/// A person's name: a surname by its frequency and one or two given
/// characters. Answers the surname and the whole name.
fn person_name(dice: &mut Dice) -> (String, String) {
    let surname = *dice.weighted(SURNAMES);
    let given: Vec<char> = GIVEN.chars().collect();
    let length = if dice.chance(0.25) { 1 } else { 2 };
    let mut name = surname.to_string();
    for _ in 0..length {
        name.push(*dice.pick(&given));
    }
    (surname.to_string(), name)
}

/// A distinct mobile number for every index: the prefix by the index, the
/// eight digits by an invertible mix of it.
fn phone(index: u64) -> String {
    let prefixes = PHONE_PREFIXES.len() as u64;
    let prefix = PHONE_PREFIXES[(index % prefixes) as usize];
    // 37_171_903 is odd and not a multiple of 5: a bijection modulo 10^8.
    let rest = ((index / prefixes) * 37_171_903 + 12_345_678) % 100_000_000;
    format!("{prefix}{rest:08}")
}

/// A valid unified social credit code, distinct for every index.
fn credit_code(type_code: &str, region: &str, index: u64) -> String {
    let mut organisation = String::from("MA");
    let mut n = index;
    for _ in 0..7 {
        organisation.insert(2, CREDIT_ALPHABET[(n % 31) as usize] as char);
        n /= 31;
    }
    let first_17 = format!("{type_code}{region}{organisation}");
    const WEIGHTS: [u32; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let sum: u32 = first_17
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| {
            let value = CREDIT_ALPHABET.iter().position(|a| *a == b).unwrap_or(0) as u32;
            value * w
        })
        .sum();
    let check = CREDIT_ALPHABET[((31 - sum % 31) % 31) as usize] as char;
    format!("{first_17}{check}")
}

/// A farmer's land: most farm 2–20 亩, some more, a few over 100.
fn farmer_area(dice: &mut Dice) -> String {
    let roll = dice.unit();
    if roll < 0.05 {
        area(dice, 0.5, 2.0)
    } else if roll < 0.80 {
        area(dice, 2.0, 20.0)
    } else if roll < 0.95 {
        area(dice, 20.0, 100.0)
    } else if roll < 0.99 {
        area(dice, 100.0, 500.0)
    } else {
        area(dice, 500.0, 3_000.0)
    }
}

/// An area between `low` and `high` 亩, log-uniform, in tenths.
fn area(dice: &mut Dice, low: f64, high: f64) -> String {
    let value = (low.ln() + dice.unit() * (high.ln() - low.ln())).exp();
    format!("{value:.1}")
}

fn household(dice: &mut Dice, surname: &str, form: &mut CustomerForm) {
    if !dice.chance(0.5) {
        return;
    }
    let given: Vec<char> = GIVEN.chars().collect();
    let member = |relation: &str, name: String, labour: bool| MemberForm {
        name,
        relation: relation.to_string(),
        id_number: String::new(),
        labour,
    };
    form.household
        .push(member("spouse", person_name(dice).1, true));
    for _ in 0..dice.below(3) {
        let name = format!("{surname}{}{}", dice.pick(&given), dice.pick(&given));
        let labour = dice.chance(0.5);
        form.household.push(member("child", name, labour));
    }
}

fn parcels(dice: &mut Dice, form: &mut CustomerForm) {
    let total: f64 = form.land_area.parse().unwrap_or(0.0);
    let count = dice.below(4);
    if total < 1.0 || count == 0 {
        return;
    }
    for i in 0..count {
        let share = total / (count as f64) * (0.5 + dice.unit() * 0.4);
        form.parcels.push(ParcelForm {
            location: format!("{}组{}号地", 1 + dice.below(9), i + 1),
            area: format!("{share:.1}"),
            crop: dice.pick(CROPS).to_string(),
            tenure: if dice.chance(0.25) {
                "transferred_in"
            } else {
                "contracted"
            }
            .to_string(),
        });
    }
}
