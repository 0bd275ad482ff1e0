//! Reading and finding customer files.

mod support;

use app::domain::Role;
use axum::http::StatusCode;
use serde_json::json;
use support::{Client, TestApp, farmer_form};

#[tokio::test]
async fn a_filed_customer_reads_back_with_every_field() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let mut form = farmer_form("张三");
    form["id_number"] = json!("11010519491231002X");
    let code = clerk.intake(&form).await.body;

    let answer = clerk.call("get_customer", json!({ "code": code })).await;

    assert_eq!(answer.status, StatusCode::OK);
    let file = answer.body;
    assert_eq!(file["code"], json!("NH-510104-00001"));
    assert_eq!(file["details"]["group"], json!("farmer"));
    assert_eq!(file["details"]["name"], json!("张三"));
    assert_eq!(file["details"]["phone"], json!("138****5678"));
    assert_eq!(file["details"]["id_kind"], json!("resident_id"));
    assert_eq!(file["details"]["id_number"], json!("110***********002X"));
    assert_eq!(file["details"]["region"], json!("510104"));
    assert_eq!(file["region_name"], json!("四川省 成都市 锦江区"));
    assert_eq!(
        file["details"]["address"],
        json!("锦江区三圣街道红砂村 3 组")
    );
    assert_eq!(file["details"]["land_area"], json!(1250));
    assert_eq!(file["status"], json!("active"));
    assert_eq!(file["version"], json!(1));
    assert_eq!(file["created_by"], json!(clerk.username));
    assert!(
        file["created_at"]
            .as_str()
            .is_some_and(|t| t.len() == "2026-12-03 14:05".len())
    );
}

#[tokio::test]
async fn a_code_typed_in_lower_case_finds_the_file() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    clerk.intake(&farmer_form("张三")).await;

    let answer = clerk
        .call("get_customer", json!({ "code": " nh-510104-00001 " }))
        .await;

    assert_eq!(answer.body["details"]["name"], json!("张三"));
}

#[tokio::test]
async fn an_unknown_or_malformed_code_is_not_found() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;

    let unknown = clerk
        .call("get_customer", json!({ "code": "NH-510104-00099" }))
        .await;
    let malformed = clerk
        .call("get_customer", json!({ "code": "<script>" }))
        .await;

    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.body, json!({ "NotFound": "档案 NH-510104-00099" }));
    assert_eq!(malformed.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_file_page_reads_the_file_and_all_it_shows_in_one_call() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let code = clerk.intake(&farmer_form("张三")).await.body;

    let answer = clerk.call("open_file", json!({ "code": code })).await;

    assert_eq!(answer.status, StatusCode::OK);
    let view = answer.body;
    assert_eq!(view["customer"]["code"], json!("NH-510104-00001"));
    assert_eq!(view["customer"]["details"]["phone"], json!("138****5678"));
    assert_eq!(view["history"].as_array().map(Vec::len), Some(1));
    assert!(view["types"].as_array().is_some_and(|t| !t.is_empty()));
    assert!(
        view["state"]["next_due"]
            .as_str()
            .is_some_and(|d| d.len() == 10)
    );
    assert_eq!(view["lifecycle"]["relationship_ended"], json!(""));

    let unknown = clerk
        .call("open_file", json!({ "code": "NH-510104-00099" }))
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.body, json!({ "NotFound": "档案 NH-510104-00099" }));

    let elsewhere = app.signed_in(Role::Staff, &["110105"]).await;
    let refused = elsewhere.call("open_file", json!({ "code": code })).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
}

async fn search(clerk: &Client, text: &str, page: u32, page_size: u32) -> serde_json::Value {
    let query = json!({ "query": { "text": text, "page": page, "page_size": page_size } });
    let answer = clerk.call("search_customers", query).await;
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "search failed: {}",
        answer.body
    );
    answer.body
}

fn codes(results: &serde_json::Value) -> Vec<&str> {
    results["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["code"].as_str())
        .collect()
}

#[tokio::test]
async fn search_finds_files_by_part_of_the_name_or_the_start_of_the_code() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    for name in ["张三", "张小红", "李四"] {
        clerk.intake(&farmer_form(name)).await;
    }
    let mut elsewhere = farmer_form("王五");
    elsewhere["region"] = json!("510105");
    clerk.intake(&elsewhere).await;

    let by_surname = search(&clerk, "张", 1, 20).await;
    let by_code = search(&clerk, "nh-510105", 1, 20).await;
    let by_nothing = search(&clerk, "赵", 1, 20).await;

    assert_eq!(codes(&by_surname), ["NH-510104-00001", "NH-510104-00002"]);
    assert_eq!(by_surname["total"], json!(2));
    assert_eq!(codes(&by_code), ["NH-510105-00001"]);
    assert_eq!(by_code["rows"][0]["name"], json!("王五"));
    assert_eq!(by_nothing["total"], json!(0));
}

#[tokio::test]
async fn search_pages_through_all_files_in_code_order() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    for n in 0..5 {
        clerk.intake(&farmer_form(&format!("社员{n}"))).await;
    }

    let first = search(&clerk, "", 1, 2).await;
    let last = search(&clerk, "", 3, 2).await;

    assert_eq!(first["total"], json!(5));
    assert_eq!(codes(&first), ["NH-510104-00001", "NH-510104-00002"]);
    assert_eq!(codes(&last), ["NH-510104-00005"]);
}

#[tokio::test]
async fn search_finds_a_file_by_its_exact_phone_or_id_number() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let mut zhang = farmer_form("张三");
    zhang["id_number"] = json!("11010519491231002X");
    clerk.intake(&zhang).await;
    let mut other = farmer_form("李四");
    other["phone"] = json!("13900001111");
    other["id_number"] = json!("110105194912310046");
    clerk.intake(&other).await;

    let by_phone = clerk.search("139 0000 1111").await.body;
    let by_id = clerk.search("11010519491231002x").await.body;
    let by_partial_phone = clerk.search("1390000").await.body;

    assert_eq!(codes(&by_phone), ["NH-510104-00002"]);
    assert_eq!(codes(&by_id), ["NH-510104-00001"]);
    assert_eq!(by_partial_phone["total"], json!(0));
}

#[tokio::test]
async fn revealing_a_value_shows_it_in_full_and_is_recorded() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let mut zhang = farmer_form("张三");
    zhang["id_number"] = json!("11010519491231002X");
    clerk.intake(&zhang).await;
    let code =
        app::domain::ArchiveCode::parse(app.store.scheme(), "NH-510104-00001").expect("code");

    let phone = clerk
        .call(
            "reveal_personal_value",
            json!({ "code": "NH-510104-00001", "field": "phone" }),
        )
        .await;
    let id = clerk
        .call(
            "reveal_personal_value",
            json!({ "code": "NH-510104-00001", "field": "id_number" }),
        )
        .await;

    assert_eq!(phone.body, json!("13812345678"));
    assert_eq!(id.body, json!("11010519491231002X"));
    assert_eq!(app.store.disclosures_of(&code).await.expect("counted"), 2);
}
