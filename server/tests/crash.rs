//! Crash safety: the real server on the on-disk engine, fed a stream of
//! intakes and killed with SIGKILL at random moments, round after round.
//! Every intake it acknowledged must be there and whole afterwards, serials
//! must be unique, and the audit chain must verify.

use std::collections::{BTreeMap, HashSet};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const ROUNDS: u32 = 20;
const WRITERS: usize = 3;
const PASSWORD: &str = "Crash-test-2026";

struct Answer {
    status: u16,
    cookie: Option<String>,
    body: Value,
}

/// One HTTP/1.1 POST of JSON to a server function, by hand: the test needs
/// nothing but a socket.
fn call(port: u16, endpoint: &str, args: &Value, cookie: Option<&str>) -> std::io::Result<Answer> {
    let body = args.to_string();
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let cookie = cookie
        .map(|c| format!("Cookie: {c}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "POST /api/{endpoint} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
         Content-Type: application/json\r\nAccept: application/json\r\n{cookie}\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, rest) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no complete answer"))?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status"))?;
    let cookie = head
        .lines()
        .filter_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or_else(|| l.strip_prefix("Set-Cookie: "))
        })
        .find(|c| c.starts_with("nongdang_session="))
        .map(|c| c.split(';').next().unwrap_or_default().to_string());
    // Chunked or not, the JSON is the part between the first `{`/`"`/`[`
    // and the end of the last line that holds it.
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(rest)
    } else {
        rest.to_string()
    };
    Ok(Answer {
        status,
        cookie,
        body: serde_json::from_str(body.trim()).unwrap_or(Value::Null),
    })
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, tail)) = rest.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || tail.len() < size {
            break;
        }
        out.push_str(&tail[..size]);
        rest = tail[size..].trim_start_matches("\r\n");
    }
    out
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn nongdang(folder: &Path, port: u16) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_nongdang"));
    command
        .current_dir(folder)
        .env(
            "NONGDANG_DATABASE_URL",
            format!("surrealkv://{}", folder.join("data/archive.db").display()),
        )
        .env("NONGDANG_MASTER_KEY_FILE", folder.join("keys/master.key"))
        .env("NONGDANG_AUDIT_KEY_FILE", folder.join("keys/audit.key"))
        .env(
            "NONGDANG_AUDIT_CHECKPOINTS",
            folder.join("audit/checkpoints.jsonl"),
        )
        .env("NONGDANG_BACKUP_FOLDER", folder.join("backups"))
        .env("NONGDANG_BACKUP_EVERY_HOURS", "0")
        .env("NONGDANG_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_OUTPUT_NAME", "nongdang")
        .env("LEPTOS_SITE_ROOT", folder.join("site"))
        .env("LEPTOS_SITE_PKG_DIR", "pkg")
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_HASH_FILES", "false")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null());
    // What the server says goes to a log beside the archive, for the
    // message of a start that fails.
    match std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(folder.join("server.log"))
    {
        Ok(log) => command.stderr(log),
        Err(_) => command.stderr(Stdio::null()),
    };
    command
}

/// Starts the server and waits until it answers.
fn start(folder: &Path) -> (Child, u16) {
    let port = free_port();
    let mut child = nongdang(folder, port).spawn().expect("server starts");
    // Generous: a loaded CI machine replays the engine's log slowly.
    let deadline = Instant::now() + Duration::from_secs(180);
    while Instant::now() < deadline {
        if call(port, "session_user", &json!({}), None).is_ok_and(|a| a.status == 200) {
            return (child, port);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    let log = std::fs::read_to_string(folder.join("server.log")).unwrap_or_default();
    let tail: Vec<&str> = log.lines().rev().take(20).collect();
    panic!(
        "the server did not come up; its last words:\n{}",
        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
    );
}

fn sign_in(port: u16, username: &str, password: &str) -> String {
    let answer = call(
        port,
        "sign_in",
        &json!({ "username": username, "password": password }),
        None,
    )
    .expect("signed in");
    assert_eq!(answer.status, 200, "sign-in of {username}: {}", answer.body);
    answer.cookie.expect("a session cookie")
}

/// A small generator for the moments of the kills.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn intake_form(n: u32) -> Value {
    let id = app::domain::id_document::complete_resident_id(&format!(
        "51010419{:02}0101{:03}",
        60 + n / 1000,
        n % 1000
    ))
    .expect("17 digits");
    json!({ "form": {
        "group": "farmer", "name": format!("测试{n}号"), "phone": format!("139{n:08}"),
        "id_kind": "resident_id", "id_number": id, "region": "510104",
        "address": "锦江区", "land_area": "3", "confirm_duplicates": true,
        "consent": {
            "purposes": ["membership"], "sensitive": true, "method": "paper",
            "paper_ref": format!("同意书 {n} 号"),
        },
    }})
}

#[test]
fn acknowledged_intakes_survive_kill_9_and_the_trail_stays_intact() {
    let place = tempfile::tempdir().expect("temp folder");
    let folder = place.path();
    let mut admin = nongdang(folder, free_port())
        .args([
            "create-admin",
            "--username",
            "crash.admin",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .spawn()
        .expect("create-admin runs");
    writeln!(admin.stdin.take().expect("stdin"), "{PASSWORD}").expect("password sent");
    assert!(admin.wait().expect("ran").success());

    let (mut server, mut port) = start(folder);
    let admin = sign_in(port, "crash.admin", PASSWORD);
    let made = call(
        port,
        "create_user",
        &json!({ "form": {
            "username": "crash.clerk", "display_name": "测试档案员", "role": "archivist",
            "regions": "", "password": "Initial-pass-01", "disabled": false,
        }}),
        Some(&admin),
    )
    .expect("called");
    assert_eq!(made.status, 200, "{}", made.body);
    let first = sign_in(port, "crash.clerk", "Initial-pass-01");
    let changed = call(
        port,
        "change_password",
        &json!({ "current": "Initial-pass-01", "new": PASSWORD }),
        Some(&first),
    )
    .expect("called");
    assert_eq!(changed.status, 200, "{}", changed.body);
    let clerk = sign_in(port, "crash.clerk", PASSWORD);

    // What each acknowledged intake was: code → the number in its name.
    let acknowledged: Arc<Mutex<BTreeMap<String, u32>>> = Arc::default();
    let next = Arc::new(std::sync::atomic::AtomicU32::new(0));
    let mut dice = Dice(u64::from(std::process::id()) ^ 0x5eed);
    for _round in 0..ROUNDS {
        let writers: Vec<_> = (0..WRITERS)
            .map(|_| {
                let (acknowledged, next, clerk) =
                    (acknowledged.clone(), next.clone(), clerk.clone());
                std::thread::spawn(move || {
                    loop {
                        let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        match call(port, "intake_customer", &intake_form(n), Some(&clerk)) {
                            Ok(answer) if answer.status == 200 => {
                                let code = answer.body.as_str().expect("a code").to_string();
                                acknowledged.lock().expect("lock").insert(code, n);
                            }
                            Ok(answer) if answer.status >= 500 => {}
                            Ok(answer) => {
                                panic!("intake {n} refused: {} {}", answer.status, answer.body)
                            }
                            // The server is gone: this round is over.
                            Err(_) => return,
                        }
                    }
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(150 + dice.below(1_200)));
        server.kill().expect("SIGKILL sent");
        server.wait().expect("reaped");
        for writer in writers {
            writer.join().expect("writer ended");
        }
        (server, port) = start(folder);
        // The session survives a crash like any other write.
        let alive = call(port, "session_user", &json!({}), Some(&clerk)).expect("called");
        assert_eq!(alive.status, 200);
    }

    let acknowledged = acknowledged.lock().expect("lock").clone();
    assert!(
        acknowledged.len() >= ROUNDS as usize,
        "too few intakes: {}",
        acknowledged.len()
    );
    for (code, n) in &acknowledged {
        let file =
            call(port, "get_customer", &json!({ "code": code }), Some(&clerk)).expect("called");
        assert_eq!(
            file.status, 200,
            "acknowledged {code} is missing: {}",
            file.body
        );
        assert_eq!(
            file.body["details"]["name"],
            format!("测试{n}号"),
            "{code} is not whole"
        );
        let phone = call(
            port,
            "reveal_personal_value",
            &json!({ "code": code, "field": "phone" }),
            Some(&clerk),
        )
        .expect("called");
        assert_eq!(
            phone.body,
            json!(format!("139{n:08}")),
            "{code}'s phone does not open"
        );
    }
    // Serials: every stored file has its own code, with no gaps.
    let mut codes = HashSet::new();
    let mut page = 1;
    loop {
        let found = call(
            port,
            "search_customers",
            &json!({ "query": { "text": "", "page": page, "page_size": 100 } }),
            Some(&clerk),
        )
        .expect("called");
        let rows = found.body["rows"].as_array().cloned().unwrap_or_default();
        for row in &rows {
            assert!(codes.insert(row["code"].as_str().unwrap_or_default().to_string()));
        }
        if rows.len() < 100 {
            break;
        }
        page += 1;
    }
    let serials: Vec<u64> = codes
        .iter()
        .filter_map(|c| c.rsplit('-').next()?.parse().ok())
        .collect();
    assert_eq!(
        serials.iter().max().copied(),
        Some(codes.len() as u64),
        "serials have gaps"
    );
    server.kill().expect("stopped");
    server.wait().expect("reaped");

    let verified = nongdang(folder, free_port())
        .arg("verify-audit")
        .stdout(Stdio::piped())
        .output()
        .expect("verify-audit runs");
    let said = String::from_utf8_lossy(&verified.stdout);
    assert!(verified.status.success(), "audit trail broken: {said}");
    assert!(said.contains("intact"), "{said}");
}
