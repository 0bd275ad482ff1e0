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
