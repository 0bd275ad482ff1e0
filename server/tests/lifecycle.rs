//! The end of a file's life: retention, the disposal review with its
//! two-person rule, legal holds, extension, and destruction.

mod support;

use app::domain::Role;
use axum::http::StatusCode;
use serde_json::{Value, json};
use support::{Client, TestApp, farmer_form, fresh_id_number};

/// A file whose relationship ended on `ended`.
async fn ended_file(app: &TestApp, clerk: &Client, form: Value, ended: &str) -> String {
    let answer = clerk.intake(&form).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let code = answer.body.as_str().expect("a code").to_string();
    app.store
        .raw_query(&format!(
            "UPDATE customer SET status = 'inactive', relationship_ended = '{ended}', \
             next_verification = '' WHERE code = '{code}'"
        ))
        .await
        .expect("ended");
    code
}

async fn propose(client: &Client, code: &str, kind: &str, until: &str) -> support::Answer {
    client
        .call(
            "propose_disposal",
            json!({ "code": code, "kind": kind, "reason": "保留期已满，无未结事项", "extend_until": until }),
        )
        .await
}

async fn pending_id(client: &Client, code: &str) -> String {
    let state = client
        .call("get_lifecycle", json!({ "code": code }))
        .await
        .body;
    state["proposals"][0]["id"]
        .as_str()
        .expect("a proposal")
        .to_string()
}

async fn decide(client: &Client, id: &str, approve: bool, note: &str) -> support::Answer {
    client
        .call(
            "decide_disposal",
            json!({ "id": id, "approve": approve, "note": note }),
        )
        .await
}

#[tokio::test]
async fn a_file_past_retention_is_destroyed_after_a_second_persons_approval() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let manager = app.signed_in(Role::Manager, &["510000"]).await;
    let id_number = fresh_id_number();
    let mut form = farmer_form("欧阳春");
    form["id_number"] = json!(id_number);
    form["phone"] = json!("13700001111");
    let code = ended_file(&app, &clerk, form, "2012-06-30").await;
    let recent = ended_file(&app, &clerk, farmer_form("欧阳秋"), "2024-06-30").await;

    // Only the file past its ten years is on the review list.
    let review = manager.call("disposal_review", json!({})).await.body;
    let listed: Vec<&str> = review
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|c| c["code"].as_str())
        .collect();
    assert_eq!(listed, [code.as_str()]);
    assert_eq!(review[0]["retention_end"], "2022-06-30");
    let early = propose(&clerk, &recent, "destroy", "").await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert!(
        early.body.to_string().contains("2034-06-30"),
        "{}",
        early.body
    );

    assert_eq!(
        propose(&clerk, &code, "destroy", "").await.status,
        StatusCode::OK
    );
    let again = propose(&clerk, &code, "destroy", "").await;
    assert_eq!(
        again.status,
        StatusCode::CONFLICT,
        "one open proposal at a time"
    );
    let file = clerk
        .call("get_customer", json!({ "code": code }))
        .await
        .body;
    assert_eq!(file["status"], "under_disposal_review");

    let id = pending_id(&clerk, &code).await;
    assert_eq!(
        decide(&clerk, &id, true, "").await.status,
        StatusCode::FORBIDDEN,
        "the archivist cannot approve"
    );
    let approved = decide(&manager, &id, true, "同意销毁").await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);

    // Gone: the page says so, the register holds the certificate, the
    // history cannot be read, and the name no longer finds it.
    let gone = clerk.call("get_customer", json!({ "code": code })).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert!(gone.body.to_string().contains("已于"), "{}", gone.body);
    let register = manager.call("destruction_register", json!({})).await.body;
    let certificate = &register[0];
    assert_eq!(certificate["code"], code.as_str());
    assert_eq!(certificate["proposed_by"], clerk.username.as_str());
    assert_eq!(certificate["approved_by"], manager.username.as_str());
    assert_eq!(certificate["policy_years"], 10);
    assert_eq!(certificate["content_hash"].as_str().map(str::len), Some(64));
    assert!(!certificate.to_string().contains("欧阳春"));
    assert_eq!(clerk.search("欧阳春").await.body["total"], 0);
    assert_eq!(
        clerk.search("13700001111").await.body["total"],
        0,
        "the phone's index went with the file"
    );

    // The person may come back: a new file, never the old code.
    let mut back = farmer_form("欧阳春");
    back["id_number"] = json!(id_number);
    let reopened = clerk.intake(&back).await;
    assert_eq!(reopened.status, StatusCode::OK, "{}", reopened.body);
    assert_ne!(reopened.body.as_str(), Some(code.as_str()));

    // Certificates cannot be changed, even in the database.
    let changed = app
        .store
        .raw_query("UPDATE destruction_certificate SET approved_by = 'x'")
        .await;
    assert!(changed.is_err());
}

#[tokio::test]
async fn nobody_approves_their_own_proposal() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin, &[]).await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let code = ended_file(&app, &clerk, farmer_form("司马光"), "2010-01-01").await;
    assert_eq!(
        propose(&clerk, &code, "destroy", "").await.status,
        StatusCode::OK
    );
    let id = pending_id(&clerk, &code).await;

    // The proposer later becomes a manager: still not their own approver.
    let promoted = admin
        .call(
            "update_user",
            json!({ "form": {
                "username": clerk.username, "display_name": "测试负责人", "role": "manager",
                "regions": "510000", "password": "", "disabled": false,
            }}),
        )
        .await;
    assert_eq!(promoted.status, StatusCode::OK, "{}", promoted.body);
    let same = app.sign_in(&clerk.username).await;
    let refused = decide(&same, &id, true, "").await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused.body.to_string().contains("另一位"),
        "{}",
        refused.body
    );
    let file = same
        .call("get_customer", json!({ "code": code }))
        .await
        .body;
    assert_eq!(file["status"], "under_disposal_review");
}

#[tokio::test]
async fn a_legal_hold_blocks_proposal_and_approval_until_lifted() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let manager = app.signed_in(Role::Manager, &["510104"]).await;
    let code = ended_file(&app, &clerk, farmer_form("诸葛亮"), "2011-01-01").await;
    let version = |client: Client, code: String| async move {
        client
            .call("get_customer", json!({ "code": code }))
            .await
            .body["version"]
            .as_i64()
            .expect("a version")
    };

    let v = version(clerk.clone(), code.clone()).await;
    let held = clerk
        .call(
            "set_legal_hold",
            json!({ "code": code, "version": v, "hold": true, "reason": "（2026）川0104民初1234号诉讼" }),
        )
        .await;
    assert_eq!(held.status, StatusCode::OK, "{}", held.body);
    let refused = propose(&clerk, &code, "destroy", "").await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused.body.to_string().contains("冻结"),
        "{}",
        refused.body
    );

    // Lifted: the proposal goes in; held again before approval: refused,
    // though rejecting stays possible.
    let v = version(clerk.clone(), code.clone()).await;
    let lifted = manager
        .call(
            "set_legal_hold",
            json!({ "code": code, "version": v, "hold": false, "reason": "案件已审结" }),
        )
        .await;
    assert_eq!(lifted.status, StatusCode::OK, "{}", lifted.body);
    assert_eq!(
        propose(&clerk, &code, "destroy", "").await.status,
        StatusCode::OK
    );
    let v = version(clerk.clone(), code.clone()).await;
    clerk
        .call(
            "set_legal_hold",
            json!({ "code": code, "version": v, "hold": true, "reason": "税务检查" }),
        )
        .await;
    let id = pending_id(&clerk, &code).await;
    let blocked = decide(&manager, &id, true, "").await;
    assert_eq!(blocked.status, StatusCode::CONFLICT);
    let no_reason = decide(&manager, &id, false, "").await;
    assert_eq!(no_reason.status, StatusCode::BAD_REQUEST);
    let rejected = decide(&manager, &id, false, "冻结期间不销毁").await;
    assert_eq!(rejected.status, StatusCode::OK, "{}", rejected.body);
    let file = clerk
        .call("get_customer", json!({ "code": code }))
        .await
        .body;
    assert_eq!(file["status"], "inactive");
    let history = clerk
        .call("customer_history", json!({ "code": code }))
        .await
        .body;
    let holds = history
        .as_array()
        .expect("history")
        .iter()
        .filter(|e| e["changes"][0]["field"] == "legal_hold")
        .count();
    assert_eq!(holds, 3, "set, lifted, set again");
}

#[tokio::test]
async fn an_approved_extension_keeps_the_file_out_of_review() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let manager = app.signed_in(Role::Manager, &["510104"]).await;
    let code = ended_file(&app, &clerk, farmer_form("上官婉"), "2013-05-01").await;

    let past = propose(&clerk, &code, "extend", "2020-01-01").await;
    assert_eq!(past.status, StatusCode::BAD_REQUEST);
    let asked = propose(&clerk, &code, "extend", "2031-12-31").await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    let file = clerk
        .call("get_customer", json!({ "code": code }))
        .await
        .body;
    assert_eq!(
        file["status"], "inactive",
        "an extension does not start destruction"
    );
    let id = pending_id(&clerk, &code).await;
    let approved = decide(&manager, &id, true, "土地流转合同纠纷未了").await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);

    let state = clerk
        .call("get_lifecycle", json!({ "code": code }))
        .await
        .body;
    assert_eq!(state["retention_end"], "2031-12-31");
    assert_eq!(state["proposals"][0]["decision"], "approved");
    let review = manager.call("disposal_review", json!({})).await.body;
    assert!(review.as_array().is_some_and(Vec::is_empty), "{review}");
}

#[tokio::test]
async fn retention_is_set_per_group_with_its_reason() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin, &[]).await;
    let policies = admin.call("retention_policies", json!({})).await.body;
    assert_eq!(policies.as_array().map(Vec::len), Some(5));
    assert!(
        policies[0]["reason"]
            .as_str()
            .is_some_and(|r| !r.is_empty())
    );

    let saved = admin
        .call(
            "save_retention_policy",
            json!({ "group": "dealer", "years": "8", "reason": "经销合同常有长期质保条款" }),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let refused = admin
        .call(
            "save_retention_policy",
            json!({ "group": "dealer", "years": "8", "reason": "" }),
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let policies = admin.call("retention_policies", json!({})).await.body;
    let dealer = policies
        .as_array()
        .expect("policies")
        .iter()
        .find(|p| p["group"] == "dealer")
        .cloned()
        .expect("dealer");
    assert_eq!(dealer["years"], 8);
}

#[tokio::test]
async fn a_deletion_request_brings_an_active_file_into_review_and_is_closed_by_destruction() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let manager = app.signed_in(Role::Manager, &["510000"]).await;
    let asked = clerk.intake(&farmer_form("司马青")).await;
    let code = asked.body.as_str().expect("a code").to_string();
    let kept = clerk.intake(&farmer_form("司马兰")).await;
    let kept = kept.body.as_str().expect("a code").to_string();

    // An active file with no request cannot be proposed.
    let refused = propose(&clerk, &kept, "destroy", "").await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(
        refused.body.to_string().contains("合作尚未结束"),
        "{}",
        refused.body
    );

    // Received long ago, so it counts as overdue until it is closed.
    let received = (app::domain::time_fmt::today_cst() - time::Duration::days(40)).to_string();
    let registered = clerk
        .call(
            "register_person_request",
            json!({ "form": {
                "code": code, "kind": "deletion", "requester": "本人", "channel": "written",
                "received_on": received, "identity_check": "核验身份证原件", "details": "不再入社",
            }}),
        )
        .await;
    assert_eq!(registered.status, StatusCode::OK, "{}", registered.body);

    let review = manager.call("disposal_review", json!({})).await.body;
    let listed: Vec<&Value> = review.as_array().expect("a list").iter().collect();
    assert_eq!(listed.len(), 1, "{review}");
    assert_eq!(listed[0]["code"], code.as_str());
    assert_eq!(listed[0]["deletion_requested"], received.as_str());
    assert_eq!(listed[0]["retention_end"], "");

    // Rejected, the file goes back to active work.
    assert_eq!(
        propose(&clerk, &code, "destroy", "").await.status,
        StatusCode::OK
    );
    let id = pending_id(&clerk, &code).await;
    assert_eq!(
        manager.call("count_overdue_requests", json!({})).await.body,
        json!(1)
    );
    let rejected = decide(&manager, &id, false, "尚有未结清的收购合同").await;
    assert_eq!(rejected.status, StatusCode::OK, "{}", rejected.body);
    let file = clerk
        .call("get_customer", json!({ "code": code }))
        .await
        .body;
    assert_eq!(file["status"], "active");

    // Proposed again and approved: destroyed, and the request answered.
    assert_eq!(
        propose(&clerk, &code, "destroy", "").await.status,
        StatusCode::OK
    );
    let id = client_pending(&clerk, &code).await;
    let approved = decide(&manager, &id, true, "合同已结清，同意删除").await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);
    // The request is closed with the file: no longer overdue.
    assert_eq!(
        manager.call("count_overdue_requests", json!({})).await.body,
        json!(0)
    );
    let review = manager.call("disposal_review", json!({})).await.body;
    assert_eq!(review, json!([]));
}

/// The open proposal of `code` (the newest one).
async fn client_pending(client: &Client, code: &str) -> String {
    let state = client
        .call("get_lifecycle", json!({ "code": code }))
        .await
        .body;
    state["proposals"]
        .as_array()
        .and_then(|all| all.iter().find(|p| p["decision"] == "pending"))
        .and_then(|p| p["id"].as_str())
        .expect("a pending proposal")
        .to_string()
}
