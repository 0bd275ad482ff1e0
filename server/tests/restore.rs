//! Backups from the administrator's page: taken, checked, and restored over
//! the running archive after a confirmation.

mod support;

use app::domain::Role;
use axum::http::StatusCode;
use serde_json::json;
use support::{TestApp, farmer_form};

#[tokio::test]
async fn the_administrator_backs_up_checks_and_restores_the_archive() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin, &[]).await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let auditor = app.signed_in(Role::Auditor, &[]).await;
    let kept = clerk.intake(&farmer_form("马建华")).await.body;

    let taken = admin.call("create_backup", json!({})).await;
    assert_eq!(taken.status, StatusCode::OK, "{}", taken.body);
    let name = taken.body["name"].as_str().expect("a name").to_string();
    assert_eq!(taken.body["files"], 1);
    let listed = admin.call("list_backups", json!({})).await.body;
    assert_eq!(listed[0]["name"], name.as_str());
    assert_eq!(listed[0]["intact"], true);
    let check = admin.call("check_backup", json!({ "name": name })).await;
    assert_eq!(check.status, StatusCode::OK, "{}", check.body);
    assert_eq!(check.body["matches"], true, "{}", check.body);

    let later = clerk.intake(&farmer_form("马建军")).await.body;
    let unconfirmed = admin
        .call("restore_backup", json!({ "name": name, "confirm": "yes" }))
        .await;
    assert_eq!(unconfirmed.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        clerk
            .call("get_customer", json!({ "code": later }))
            .await
            .status,
        StatusCode::OK,
        "nothing restored without the confirmation"
    );
    let restored = admin
        .call("restore_backup", json!({ "name": name, "confirm": name }))
        .await;
    assert_eq!(restored.status, StatusCode::OK, "{}", restored.body);

    // Sessions come back as they were at backup time.
    assert_eq!(
        clerk
            .call("get_customer", json!({ "code": kept }))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        clerk
            .call("get_customer", json!({ "code": later }))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let report = auditor.call("verify_audit_trail", json!({})).await.body;
    assert!(report["broken"].is_null(), "{report}");
    let events = auditor
        .call(
            "audit_events",
            json!({ "filter": { "action": "restore" }, "page": 1 }),
        )
        .await
        .body;
    assert_eq!(events["total"], 1, "{events}");
}
