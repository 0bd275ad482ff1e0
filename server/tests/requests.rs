//! Requests from the people in the files: registered with a due date,
//! answered, and the copy of everything held about a person.

mod support;

use app::domain::Role;
use app::domain::requests::add_working_days;
use app::domain::time_fmt::today_cst;
use axum::http::StatusCode;
use serde_json::{Value, json};
use support::{Client, TestApp, farmer_form, fresh_id_number, fresh_phone};

async fn file(client: &Client, form: Value) -> String {
    let answer = client.intake(&form).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.body.as_str().expect("a code").to_string()
}

async fn register(client: &Client, code: &str, kind: &str, received: &str) -> support::Answer {
    client
        .call(
            "register_person_request",
            json!({ "form": {
                "code": code, "kind": kind, "requester": "本人", "channel": "in_person",
                "received_on": received, "identity_check": "核验身份证原件", "details": "",
            }}),
        )
        .await
}

#[tokio::test]
async fn a_request_is_due_in_fifteen_working_days_answered_once_and_kept_to_regions() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let manager = app.signed_in(Role::Manager, &["510104"]).await;
    let elsewhere = app.signed_in(Role::Manager, &["330106"]).await;
    let code = file(&clerk, farmer_form("黄永红")).await;

    let today = today_cst();
    let registered = register(&manager, &code, "access", &today.to_string()).await;
    assert_eq!(registered.status, StatusCode::OK, "{}", registered.body);
    let list = manager.call("list_person_requests", json!({})).await.body;
    assert_eq!(list[0]["due_on"], add_working_days(today, 15).to_string());
    assert_eq!(list[0]["status"], "open");
    assert_eq!(list[0]["requester"], "本人");
    let none = elsewhere.call("list_person_requests", json!({})).await.body;
    assert!(none.as_array().is_some_and(Vec::is_empty), "{none}");
    assert_eq!(
        register(&elsewhere, &code, "access", &today.to_string())
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let future = register(
        &manager,
        &code,
        "access",
        &(today + time::Duration::days(1)).to_string(),
    )
    .await;
    assert_eq!(future.status, StatusCode::BAD_REQUEST);

    let id = list[0]["id"].as_str().expect("an id").to_string();
    let no_reason = manager
        .call(
            "answer_person_request",
            json!({ "id": id, "refused": true, "answer": " " }),
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::BAD_REQUEST);
    let answered = manager
        .call(
            "answer_person_request",
            json!({ "id": id, "refused": false, "answer": "已当面提供副本" }),
        )
        .await;
    assert_eq!(answered.status, StatusCode::OK, "{}", answered.body);
    let again = clerk
        .call(
            "answer_person_request",
            json!({ "id": id, "refused": true, "answer": "重复" }),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let list = clerk.call("list_person_requests", json!({})).await.body;
    assert_eq!(list[0]["status"], "answered");
    assert_eq!(list[0]["answer"], "已当面提供副本");
}

#[tokio::test]
async fn overdue_requests_are_counted_for_the_manager() {
    let app = TestApp::spawn().await;
    let manager = app.signed_in(Role::Manager, &["510000"]).await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let code = file(&clerk, farmer_form("黄永生")).await;
    let long_ago = (today_cst() - time::Duration::days(40)).to_string();
    assert_eq!(
        register(&clerk, &code, "deletion", &long_ago).await.status,
        StatusCode::OK
    );
    assert_eq!(
        register(&clerk, &code, "explanation", &today_cst().to_string())
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        manager.call("count_overdue_requests", json!({})).await.body,
        json!(1)
    );
    let list = manager.call("list_person_requests", json!({})).await.body;
    let deletion = list
        .as_array()
        .expect("a list")
        .iter()
        .find(|r| r["kind"] == "deletion")
        .cloned()
        .expect("the deletion request");
    assert_eq!(deletion["overdue"], true);
}

#[tokio::test]
async fn the_copy_holds_every_stored_field_of_the_person_and_nothing_of_others() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let (id_number, phone, extra, member_id) = (
        fresh_id_number(),
        fresh_phone(),
        fresh_phone(),
        fresh_id_number(),
    );
    let mut form = farmer_form("何淑珍");
    form["id_number"] = json!(id_number);
    form["phone"] = json!(phone);
    form["extra_phones"] = json!([extra]);
    form["household"] =
        json!([{ "name": "何小军", "relation": "child", "id_number": member_id, "labour": true }]);
    form["parcels"] =
        json!([{ "location": "后山坡地", "area": "3", "crop": "茶叶", "tenure": "contracted" }]);
    form["assets"] =
        json!([{ "kind": "machinery", "description": "微耕机", "quantity": "1", "unit": "台" }]);
    form["credit_rating"] = json!("b");
    form["credit_reason"] = json!("按期还款");
    form["tags"] = json!("茶农");
    form["notes"] = json!("冬季外出务工");
    let code = file(&clerk, form).await;
    let other_phone = fresh_phone();
    let mut other = farmer_form("罗大海");
    other["phone"] = json!(other_phone);
    file(&clerk, other).await;
    clerk
        .call(
            "add_timeline_entry",
            json!({ "code": code, "form": { "kind": "feedback", "title": "希望增加茶叶收购点" } }),
        )
        .await;

    let copy = clerk.call("copy_for_person", json!({ "code": code })).await;
    assert_eq!(copy.status, StatusCode::OK, "{}", copy.body);
    let text = copy.body.to_string();
    for held in [
        "何淑珍",
        id_number.as_str(),
        phone.as_str(),
        extra.as_str(),
        "何小军",
        member_id.as_str(),
        "后山坡地",
        "微耕机",
        "按期还款",
        "茶农",
        "冬季外出务工",
        "希望增加茶叶收购点",
        "锦江区三圣街道红砂村 3 组",
        "同意书 2026-001 号",
    ] {
        assert!(text.contains(held), "the copy lacks {held}");
    }
    for foreign in ["罗大海", other_phone.as_str()] {
        assert!(
            !text.contains(foreign),
            "the copy holds {foreign} of someone else"
        );
    }
    assert!(
        copy.body["history"]
            .as_array()
            .is_some_and(|h| !h.is_empty())
    );
    // Four purposes and the separate consent for sensitive information.
    assert_eq!(
        copy.body["consents"].as_array().map(Vec::len),
        Some(5),
        "{}",
        copy.body["consents"]
    );

    let download = clerk
        .call("copy_for_person_file", json!({ "code": code }))
        .await;
    assert_eq!(download.status, StatusCode::OK);
    assert!(
        download.body["file_name"]
            .as_str()
            .unwrap_or_default()
            .ends_with(".json")
    );

    // Making the copy is recorded, and staff of other regions cannot.
    let auditor = app.signed_in(Role::Auditor, &[]).await;
    let events = auditor
        .call(
            "audit_events",
            json!({ "filter": { "action": "export", "target": code }, "page": 1 }),
        )
        .await
        .body;
    assert_eq!(events["total"], 2, "{events}");
    let stranger = app.signed_in(Role::Manager, &["330106"]).await;
    assert_eq!(
        stranger
            .call("copy_for_person", json!({ "code": code }))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
