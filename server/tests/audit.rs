//! The audit trail: one event per operation, chained, and every kind of
//! tampering found and located.

mod support;

use app::domain::audit::{AuditAction, Outcome};
use app::secure::chain::{self, Checkpoint};
use app::store::{AuditEntry, Store};
use ed25519_dalek::SigningKey;
use serde_json::json;
use support::TestApp;

fn entry(n: usize) -> AuditEntry {
    AuditEntry {
        username: "li.na".into(),
        role: "staff".into(),
        action: AuditAction::ViewFile,
        target: format!("NH-510104-{n:05}"),
        outcome: Outcome::Ok,
        client: "127.0.0.1".into(),
        details: json!({ "n": n, "note": "a\u{1f}b" }),
    }
}

fn key() -> SigningKey {
    SigningKey::from_bytes(&[3; 32])
}

async fn report(store: &Store, extra: &[Checkpoint]) -> app::domain::audit::ChainReport {
    let (events, head, mut checkpoints) = store.audit_chain().await.expect("chain read");
    checkpoints.extend_from_slice(extra);
    chain::verify(&events, head, &checkpoints, &key().verifying_key())
}

async fn trail_of(n: usize) -> TestApp {
    let app = TestApp::spawn().await;
    for i in 1..=n {
        app.store.record(&entry(i)).await.expect("recorded");
    }
    app
}

#[tokio::test]
async fn the_database_chains_events_exactly_as_the_verifier_recomputes_them() {
    let app = trail_of(5).await;

    let report = report(&app.store, &[]).await;

    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.intact_up_to, 5);
}

#[tokio::test]
async fn concurrent_appends_all_land_in_one_unbroken_chain() {
    let app = TestApp::spawn().await;
    let mut appends = tokio::task::JoinSet::new();
    for i in 0..20 {
        let store = app.store.clone();
        appends.spawn(async move { store.record(&entry(i)).await });
    }
    while let Some(done) = appends.join_next().await {
        done.expect("task").expect("recorded");
    }

    let report = report(&app.store, &[]).await;

    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.events, 20);
}

#[tokio::test]
async fn the_database_refuses_to_change_or_delete_an_event() {
    let app = trail_of(2).await;

    let changed = app
        .store
        .raw_query("UPDATE audit_event:1 SET details = '{}'")
        .await;
    let deleted = app.store.raw_query("DELETE audit_event:2").await;

    assert!(changed.is_err() && deleted.is_err());
    assert!(report(&app.store, &[]).await.is_intact());
}

/// What someone with the database's keys could do after removing the
/// append-only guard.
async fn tamper(store: &Store, script: &str) {
    store
        .raw_query(&format!(
            "REMOVE EVENT IF EXISTS audit_event_append_only ON audit_event; {script}"
        ))
        .await
        .expect("tampered");
}

#[tokio::test]
async fn a_changed_event_is_found_and_located() {
    let app = trail_of(6).await;
    tamper(
        &app.store,
        r#"UPDATE audit_event:4 SET details = '{"n":40}'"#,
    )
    .await;

    let report = report(&app.store, &[]).await;

    assert_eq!(report.broken.as_ref().map(|b| b.0), Some(4));
    assert_eq!(report.intact_up_to, 3);
}

#[tokio::test]
async fn a_deleted_event_is_found_and_located() {
    let app = trail_of(6).await;
    tamper(&app.store, "DELETE audit_event:3").await;

    assert_eq!(report(&app.store, &[]).await.broken.map(|b| b.0), Some(3));
}

#[tokio::test]
async fn two_reordered_events_are_found_and_located() {
    let app = trail_of(6).await;
    tamper(
        &app.store,
        "LET $a = (SELECT * OMIT id, seq FROM ONLY audit_event:2);
         LET $b = (SELECT * OMIT id, seq FROM ONLY audit_event:5);
         UPDATE audit_event:2 MERGE $b;
         UPDATE audit_event:5 MERGE $a;",
    )
    .await;

    assert_eq!(report(&app.store, &[]).await.broken.map(|b| b.0), Some(2));
}

#[tokio::test]
async fn a_cut_tail_is_found_by_the_head_and_by_a_checkpoint() {
    let app = trail_of(6).await;
    let (seq, hash) = app.store.audit_head().await.expect("head");
    let signed = chain::sign(&key(), seq, &hash, 1);
    tamper(&app.store, "DELETE audit_event WHERE seq > 4").await;

    let by_head = report(&app.store, &[]).await;
    tamper(&app.store, "UPSERT audit_head:head SET seq = 4").await;
    let by_checkpoint = report(&app.store, &[signed]).await;

    assert_eq!(by_head.broken.map(|b| b.0), Some(5));
    assert_eq!(by_checkpoint.broken.map(|b| b.0), Some(5));
}

/// The events appended since the trail had `before` events, oldest first.
async fn since(store: &Store, before: u64) -> Vec<app::domain::audit::AuditEvent> {
    let (total, mut events) = store
        .audit_events(&Default::default(), 0, 50)
        .await
        .expect("events read");
    events.truncate(usize::try_from(total - before).expect("small"));
    events.reverse();
    events
}

async fn count(store: &Store) -> u64 {
    store
        .audit_events(&Default::default(), 0, 1)
        .await
        .expect("events read")
        .0
}

#[tokio::test]
async fn every_function_that_changes_or_reveals_data_appends_exactly_its_event() {
    use app::domain::Role;
    use serde_json::Value;
    use support::{PASSWORD, farmer_form};

    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin, &[]).await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let staff_name = app.create_account(Role::Staff, &["510104"], false).await;
    let code = "NH-510104-00001";
    let user_form = json!({ "form": {
        "username": "wang.fang", "display_name": "王芳", "role": "staff",
        "regions": "510104", "password": "Initial-pass-01", "disabled": false,
    }});
    let filed = farmer_form("张三");
    let mut edited = filed.clone();
    edited["address"] = json!("新地址");

    // (who calls, endpoint, arguments, the action, its target, its outcome)
    let table: Vec<(&support::Client, &str, Value, AuditAction, &str, Outcome)> = vec![
        (
            &clerk,
            "intake_customer",
            json!({ "form": filed }),
            AuditAction::CreateFile,
            code,
            Outcome::Ok,
        ),
        (
            &clerk,
            "get_customer",
            json!({ "code": code }),
            AuditAction::ViewFile,
            code,
            Outcome::Ok,
        ),
        (
            &clerk,
            "search_customers",
            json!({ "query": { "text": "张", "page": 1, "page_size": 20 } }),
            AuditAction::Search,
            "",
            Outcome::Ok,
        ),
        (
            &clerk,
            "reveal_personal_value",
            json!({ "code": code, "field": "id_number" }),
            AuditAction::Reveal,
            code,
            Outcome::Ok,
        ),
        (
            &clerk,
            "cover_sheet",
            json!({ "code": code }),
            AuditAction::Print,
            code,
            Outcome::Ok,
        ),
        (
            &clerk,
            "update_customer",
            json!({ "edit": { "code": code, "version": 1, "form": edited, "reason": "" } }),
            AuditAction::EditFile,
            code,
            Outcome::Ok,
        ),
        (
            &clerk,
            "get_customer",
            json!({ "code": "NH-330106-00001" }),
            AuditAction::ViewFile,
            "NH-330106-00001",
            Outcome::Ok,
        ),
        (
            &admin,
            "save_cooperation_type",
            json!({ "entry": { "key": "seed_supply", "label": "良种供应", "active": true } }),
            AuditAction::SettingsChange,
            "cooperation_types",
            Outcome::Ok,
        ),
        (
            &admin,
            "create_user",
            user_form.clone(),
            AuditAction::UserCreate,
            "wang.fang",
            Outcome::Ok,
        ),
        (
            &admin,
            "update_user",
            user_form,
            AuditAction::UserChange,
            "wang.fang",
            Outcome::Ok,
        ),
        (
            &admin,
            "reset_password",
            json!({ "username": staff_name, "password": "Temporary-2026" }),
            AuditAction::PasswordReset,
            &staff_name,
            Outcome::Ok,
        ),
        (
            &admin,
            "get_customer",
            json!({ "code": code }),
            AuditAction::ViewFile,
            code,
            Outcome::Refused,
        ),
        (
            &clerk,
            "change_password",
            json!({ "current": PASSWORD, "new": "Own-choice-2026" }),
            AuditAction::PasswordChange,
            &clerk.username,
            Outcome::Ok,
        ),
        (
            &clerk,
            "sign_out",
            json!({}),
            AuditAction::SignOut,
            &clerk.username,
            Outcome::Ok,
        ),
    ];

    for (caller, endpoint, args, action, target, outcome) in table {
        let before = count(&app.store).await;
        let answer = caller.call(endpoint, args).await;
        let events = since(&app.store, before).await;
        // The one file outside Chengdu does not exist: a refusal, recorded.
        let outcome = if target == "NH-330106-00001" {
            Outcome::Refused
        } else {
            outcome
        };
        assert_eq!(
            events.len(),
            1,
            "{endpoint} ({}) appended {events:?}",
            answer.status
        );
        let event = &events[0];
        assert_eq!(
            (event.action, event.outcome),
            (action, outcome),
            "{endpoint}"
        );
        assert_eq!(event.target, target, "{endpoint}");
        assert_eq!(event.username, caller.username, "{endpoint}");
        assert!(!event.details.contains("张三"), "{endpoint} wrote a name");
    }

    let before = count(&app.store).await;
    let refused = app
        .anonymous()
        .call(
            "sign_in",
            json!({ "username": staff_name, "password": "Wrong-pass-2026" }),
        )
        .await;
    let failed = since(&app.store, before).await;
    assert_eq!(refused.status, axum::http::StatusCode::UNAUTHORIZED);
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].action, AuditAction::SignInFailed);

    let before = count(&app.store).await;
    app.anonymous()
        .call(
            "sign_in",
            json!({ "username": "13812345678", "password": "x" }),
        )
        .await;
    let unknown = since(&app.store, before).await;
    assert_eq!(
        unknown[0].username, "(未知用户)",
        "a typed name that is no account is not kept"
    );

    assert!(report(&app.store, &[]).await.is_intact());
}

/// `nongdang verify-audit` on an archive on disk: intact, then tampered.
#[tokio::test]
async fn verify_audit_reports_an_intact_trail_and_then_the_first_broken_event() {
    use app::domain::ArchiveCodeScheme;
    use app::secure::vault::{Vault, random_key};
    use app::store::DbSettings;
    use base64::Engine;

    let folder = tempfile::tempdir().expect("temp folder");
    let master = random_key();
    let url = format!("surrealkv://{}", folder.path().join("archive.db").display());
    let settings = DbSettings {
        url: url.clone(),
        credentials: None,
        keyring: Some(folder.path().join("keyring")),
    };
    let store = Store::open(
        &settings,
        ArchiveCodeScheme::default(),
        Vault::from_master_key(&master),
    )
    .await
    .expect("opens");
    for i in 1..=8 {
        store.record(&entry(i)).await.expect("recorded");
    }
    drop(store);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;

    let run = |command: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_nongdang"))
            .arg(command)
            .env("NONGDANG_DATABASE_URL", &url)
            .env(
                "NONGDANG_MASTER_KEY",
                base64::engine::general_purpose::STANDARD.encode(master),
            )
            .env("NONGDANG_AUDIT_KEY_FILE", folder.path().join("audit.key"))
            .env(
                "NONGDANG_AUDIT_CHECKPOINTS",
                folder.path().join("checkpoints.jsonl"),
            )
            .env("RUST_LOG", "error")
            .output()
            .expect("nongdang runs")
    };
    let signed = run("audit-checkpoint");
    let intact = run("verify-audit");

    assert!(
        signed.status.success(),
        "{}",
        String::from_utf8_lossy(&signed.stderr)
    );
    assert!(
        intact.status.success(),
        "{}",
        String::from_utf8_lossy(&intact.stderr)
    );
    assert!(String::from_utf8_lossy(&intact.stdout).contains("intact up to event 8"));

    let store = Store::open(
        &settings,
        ArchiveCodeScheme::default(),
        Vault::from_master_key(&master),
    )
    .await
    .expect("reopens");
    tamper(&store, r#"UPDATE audit_event:6 SET username = 'somebody'"#).await;
    drop(store);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;

    let broken = run("verify-audit");

    assert!(!broken.status.success());
    let said = String::from_utf8_lossy(&broken.stdout);
    assert!(said.contains("第 6 条"), "{said}");
}

#[tokio::test]
async fn a_burst_of_views_raises_one_alert_and_normal_use_none() {
    use app::domain::Role;
    use support::farmer_form;

    let app = TestApp::spawn().await;
    let auditor = app.signed_in(Role::Auditor, &[]).await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let calm = app.signed_in(Role::Staff, &["510104"]).await;
    clerk.intake(&farmer_form("张三")).await;
    let view = json!({ "code": "NH-510104-00001" });
    for _ in 0..20 {
        calm.call("get_customer", view.clone()).await;
    }
    let quiet = auditor.call("audit_alerts", json!({})).await;

    for _ in 0..200 {
        clerk.call("get_customer", view.clone()).await;
    }
    let alerts = auditor.call("audit_alerts", json!({})).await.body;

    assert_eq!(quiet.body, json!([]), "normal use raised {}", quiet.body);
    let list = alerts.as_array().expect("list");
    assert_eq!(list.len(), 1, "{alerts}");
    assert_eq!(list[0]["rule"], json!("many_views"));
    assert_eq!(list[0]["username"], json!(clerk.username));
    assert!(list[0]["evidence"].as_str().expect("text").contains("101"));

    let key = list[0]["key"].clone();
    let refused = auditor
        .call("acknowledge_alert", json!({ "key": key, "comment": " " }))
        .await;
    let done = auditor
        .call(
            "acknowledge_alert",
            json!({ "key": key, "comment": "已核实：年底集中核对档案" }),
        )
        .await;
    let after = auditor.call("audit_alerts", json!({})).await.body;

    assert_eq!(refused.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(done.status, axum::http::StatusCode::OK, "{}", done.body);
    assert_eq!(after[0]["acknowledged_by"], json!(auditor.username));
    let acknowledged = auditor
        .call(
            "audit_events",
            json!({ "filter": { "action": "alert_acknowledge" }, "page": 1 }),
        )
        .await
        .body;
    assert_eq!(acknowledged["total"], json!(1));
}

#[tokio::test]
async fn the_auditor_filters_exports_and_checks_the_trail() {
    use app::domain::Role;
    use support::farmer_form;

    let app = TestApp::spawn().await;
    let auditor = app.signed_in(Role::Auditor, &[]).await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let code = clerk.intake(&farmer_form("张三")).await.body;
    clerk
        .call(
            "reveal_personal_value",
            json!({ "code": code, "field": "phone" }),
        )
        .await;

    let reveals = auditor
        .call(
            "audit_events",
            json!({ "filter": { "username": clerk.username, "action": "reveal" }, "page": 1 }),
        )
        .await
        .body;
    let per_file = auditor
        .call(
            "audit_events",
            json!({ "filter": { "target": code }, "page": 1 }),
        )
        .await
        .body;
    let csv = auditor
        .call("export_audit", json!({ "filter": {}, "format": "csv" }))
        .await;
    let xlsx = auditor
        .call("export_audit", json!({ "filter": {}, "format": "xlsx" }))
        .await;
    let signed = auditor.call("sign_audit_checkpoint", json!({})).await;
    let verified = auditor.call("verify_audit_trail", json!({})).await.body;

    assert_eq!(reveals["total"], json!(1));
    assert_eq!(reveals["events"][0]["target"], code);
    assert_eq!(
        per_file["total"],
        json!(2),
        "created and revealed: {per_file}"
    );
    assert_eq!(csv.status, axum::http::StatusCode::OK, "{}", csv.body);
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(csv.body["base64"].as_str().expect("text"))
        .expect("base64");
    let text = String::from_utf8(bytes).expect("utf-8");
    assert!(text.contains("序号,时间,用户") && text.contains("查看完整信息"));
    assert!(!text.contains("13812345678"), "a phone in the export");
    assert!(
        xlsx.body["file_name"]
            .as_str()
            .expect("text")
            .ends_with(".xlsx")
    );
    assert!(signed.body.as_i64().is_some(), "{}", signed.body);
    assert_eq!(verified["broken"], json!(null));
    assert_eq!(verified["checkpoints_ok"], json!(1));
    let exports = auditor
        .call(
            "audit_events",
            json!({ "filter": { "action": "audit_export" }, "page": 1 }),
        )
        .await
        .body;
    assert_eq!(exports["total"], json!(2), "each export is itself recorded");
}

#[tokio::test]
async fn failed_sign_ins_work_after_hours_and_a_new_address_raise_their_alerts() {
    use app::domain::audit::AlertRules;

    let app = TestApp::spawn().await;
    let failed = |n: i64| AuditEntry {
        action: AuditAction::SignInFailed,
        outcome: Outcome::Refused,
        details: json!({ "n": n }),
        ..entry(0)
    };
    for n in 0..5 {
        app.store.record(&failed(n)).await.expect("recorded");
    }
    let signed_in = |client: &str| AuditEntry {
        username: "zhao.admin".into(),
        role: "admin".into(),
        action: AuditAction::SignIn,
        client: client.into(),
        ..entry(0)
    };
    app.store
        .record(&signed_in("10.0.0.5"))
        .await
        .expect("recorded");
    app.store
        .record(&signed_in("10.0.0.5"))
        .await
        .expect("recorded");
    app.store
        .record(&signed_in("203.0.113.9"))
        .await
        .expect("recorded");
    // No hour of the day is an office hour under these rules.
    let rules = AlertRules {
        hours_start: 24,
        hours_end: 24,
        ..AlertRules::default()
    };

    let raised = app.store.scan_alerts(&rules).await.expect("scanned");
    let again = app.store.scan_alerts(&rules).await.expect("scanned");

    let alerts = app.store.alerts(50).await.expect("listed");
    let rules_of = |user: &str| {
        let mut found: Vec<&str> = alerts
            .iter()
            .filter(|a| a.username == user)
            .map(|a| a.rule.key())
            .collect();
        found.sort_unstable();
        found
    };
    assert_eq!(rules_of("li.na"), ["failed_sign_ins", "outside_hours"]);
    assert_eq!(rules_of("zhao.admin"), ["new_address", "outside_hours"]);
    assert_eq!(raised, 4);
    assert_eq!(again, 0, "a second scan reads no event twice");
}

#[tokio::test]
async fn scans_for_alerts_at_the_same_moment_take_turns() {
    use app::domain::audit::AlertRules;

    let app = TestApp::spawn().await;
    for n in 0..40 {
        let failed = AuditEntry {
            action: AuditAction::SignInFailed,
            outcome: Outcome::Refused,
            details: json!({ "n": n }),
            ..entry(0)
        };
        app.store.record(&failed).await.expect("recorded");
    }
    let rules = AlertRules::default();

    // The minute's scan and an auditor's page can ask at the same moment;
    // neither may fail, and what one read the other does not read again.
    let (a, b, c, d) = tokio::join!(
        app.store.scan_alerts(&rules),
        app.store.scan_alerts(&rules),
        app.store.scan_alerts(&rules),
        app.store.scan_alerts(&rules),
    );

    let raised: u64 = [a, b, c, d]
        .into_iter()
        .map(|scan| scan.expect("scanned"))
        .sum();
    let alerts = app.store.alerts(50).await.expect("listed");
    assert!(raised > 0);
    assert_eq!(usize::try_from(raised).ok(), Some(alerts.len()));
    assert_eq!(app.store.scan_alerts(&rules).await.expect("scanned"), 0);
}
