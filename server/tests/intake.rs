//! Opening customer files through the intake server function.

mod support;

use std::collections::BTreeSet;

use app::domain::Role;
use axum::http::StatusCode;
use serde_json::json;
use support::{TestApp, farmer_form};

#[tokio::test]
async fn an_intake_answers_the_new_archive_code() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;

    let answer = clerk.intake(&farmer_form("张三")).await;

    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body, json!("NH-510104-00001"));
}

#[tokio::test]
async fn serials_count_per_group_and_region() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;

    let first = clerk.intake(&farmer_form("张三")).await.body;
    let second = clerk.intake(&farmer_form("李四")).await.body;
    let mut elsewhere = farmer_form("王五");
    elsewhere["region"] = json!("510105");
    let elsewhere = clerk.intake(&elsewhere).await.body;
    let mut dealer = farmer_form("成都鲜果贸易有限公司");
    dealer["group"] = json!("dealer");
    dealer["id_kind"] = json!("credit_code");
    dealer["id_number"] = json!("91350100M000100Y43");
    dealer["legal_representative"] = json!("陈六");
    dealer["contact_person"] = json!("陈七");
    let dealer = clerk.intake(&dealer).await.body;

    assert_eq!(first, json!("NH-510104-00001"));
    assert_eq!(second, json!("NH-510104-00002"));
    assert_eq!(elsewhere, json!("NH-510105-00001"));
    assert_eq!(dealer, json!("JX-510104-00001"));
}

#[tokio::test]
async fn twenty_concurrent_intakes_in_one_region_get_twenty_distinct_serials_without_gaps() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;

    let mut intakes = tokio::task::JoinSet::new();
    for n in 0..20 {
        let clerk = clerk.clone();
        intakes.spawn(async move { clerk.intake(&farmer_form(&format!("社员{n}"))).await });
    }
    let mut codes = BTreeSet::new();
    while let Some(answer) = intakes.join_next().await {
        let answer = answer.expect("intake task completes");
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "intake refused: {}",
            answer.body
        );
        codes.insert(answer.body.as_str().expect("code is a string").to_string());
    }

    let expected: BTreeSet<String> = (1..=20).map(|n| format!("NH-510104-{n:05}")).collect();
    assert_eq!(codes, expected);
}

#[tokio::test]
async fn a_refused_form_names_each_bad_field_and_saves_nothing() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let mut form = farmer_form("");
    form["id_number"] = json!("110105194912310021");

    let answer = clerk.intake(&form).await;

    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let refused = answer.body["Invalid"].as_array().expect("field errors");
    let fields: Vec<&str> = refused.iter().filter_map(|e| e["field"].as_str()).collect();
    assert_eq!(fields, ["name", "id_number"]);
    assert_eq!(refused[0]["message"], json!("请填写姓名或单位名称"));

    let listed = clerk
        .call(
            "search_customers",
            json!({ "query": { "text": "", "page": 1, "page_size": 20 } }),
        )
        .await;
    assert_eq!(listed.body["total"], json!(0));
    // The refused form used no serial: the next file is still number one.
    assert_eq!(
        clerk.intake(&farmer_form("张三")).await.body,
        json!("NH-510104-00001")
    );
}

#[tokio::test]
async fn a_malformed_request_is_a_clear_bad_request_not_a_server_error() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;

    let answer = clerk
        .call("intake_customer", json!({ "form": "not a form" }))
        .await;

    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.body);
    assert!(
        answer.body["BadRequest"]
            .as_str()
            .is_some_and(|m| m.contains("请求"))
    );
}
