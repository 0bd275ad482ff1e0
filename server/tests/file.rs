//! The complete file: every part stored and shown, edits checked against
//! the version they started from, and every change kept in the history.

mod support;

use app::domain::{Customer, Role};
use axum::http::StatusCode;
use serde_json::{Value, json};
use support::{Client, TestApp, farmer_form, fresh_id_number, fresh_phone};

/// A farmer's file with every part filled in.
fn full_farmer(name: &str) -> Value {
    let mut form = farmer_form(name);
    form["phone"] = json!(fresh_phone());
    form["extra_phones"] = json!([fresh_phone(), "028-85551234"]);
    form["household"] = json!([
        { "name": "李梅", "relation": "spouse", "id_number": fresh_id_number(), "labour": true },
        { "name": "张小明", "relation": "child", "id_number": "", "labour": false },
    ]);
    form["parcels"] = json!([
        { "location": "村东大田", "area": "8", "crop": "水稻", "tenure": "contracted" },
        { "location": "河边坡地", "area": "4.5", "crop": "油菜", "tenure": "transferred_in" },
    ]);
    form["assets"] = json!([
        { "kind": "machinery", "description": "拖拉机", "quantity": "1", "unit": "台" },
        { "kind": "livestock", "description": "生猪", "quantity": "12", "unit": "头" },
    ]);
    form["cooperation"] = json!(["input_purchase", "produce_sale"]);
    form["credit_rating"] = json!("a");
    form["credit_reason"] = json!("三年按时结清货款");
    form["tags"] = json!("种粮大户，示范户");
    form["notes"] = json!("家中有烘干房");
    form["paper_cabinet"] = json!("3");
    form["paper_shelf"] = json!("2");
    form["paper_box"] = json!("15");
    form
}

async fn file_of(client: &Client, code: &str) -> Customer {
    let answer = client.call("get_customer", json!({ "code": code })).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    serde_json::from_value(answer.body).expect("a customer file")
}

async fn history_of(client: &Client, code: &str) -> Value {
    client
        .call("customer_history", json!({ "code": code }))
        .await
        .body
}

/// Sends the file back as its edit form shows it (personal values masked),
/// changed by `change`.
async fn edit(
    client: &Client,
    code: &str,
    reason: &str,
    change: impl FnOnce(&mut Value),
) -> support::Answer {
    let file = file_of(client, code).await;
    let mut form = serde_json::to_value(file.details.to_form()).expect("form");
    change(&mut form);
    client
        .call(
            "update_customer",
            json!({ "edit": { "code": code, "version": file.version, "form": form, "reason": reason } }),
        )
        .await
}

async fn intake(client: &Client, form: &Value) -> String {
    let answer = client.intake(form).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.body.as_str().expect("archive code").to_string()
}

#[tokio::test]
async fn every_part_of_a_full_file_is_kept_and_shown_masked() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Staff, &["510104"]).await;
    let form = full_farmer("张三");
    let code = intake(&clerk, &form).await;

    let file = file_of(&clerk, &code).await;
    let d = &file.details;

    assert_eq!(d.extra_phones.len(), 2);
    assert_eq!(d.extra_phones[1], "028-****1234");
    assert_eq!(d.household.len(), 2);
    assert_eq!(d.household[0].name, "李梅");
    assert!(d.household[0].id_number.contains('*'));
    assert_eq!(d.household[1].id_number, "");
    assert_eq!(d.parcels[1].area.to_string(), "4.50");
    assert_eq!(d.assets[1].quantity, 12);
    assert_eq!(d.cooperation, ["input_purchase", "produce_sale"]);
    assert_eq!(d.credit.reason, "三年按时结清货款");
    assert_eq!(d.credit.set_by, clerk.username);
    assert_eq!(d.credit.date.len(), 10);
    assert_eq!(d.tags, ["种粮大户", "示范户"]);
    assert_eq!(d.paper.to_string(), "3 柜 · 2 层 · 15 盒");
    let history = history_of(&clerk, &code).await;
    assert_eq!(history[0]["version"], json!(1));
    assert_eq!(history[0]["reason"], json!("新建档案"));
}

#[tokio::test]
async fn a_file_is_found_by_any_of_its_phones() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let form = full_farmer("张三");
    let code = intake(&clerk, &form).await;

    let found = clerk
        .search(form["extra_phones"][0].as_str().expect("text"))
        .await;

    assert_eq!(found.body["rows"][0]["code"], json!(code));
}

#[tokio::test]
async fn an_edit_keeps_masked_values_and_records_only_what_changed() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Staff, &["510104"]).await;
    let form = full_farmer("张三");
    let code = intake(&clerk, &form).await;

    let saved = edit(&clerk, &code, "", |f| {
        f["address"] = json!("锦江区三圣街道红砂村 5 组");
    })
    .await;

    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(saved.body, json!(2));
    let phone = clerk
        .call(
            "reveal_personal_value",
            json!({ "code": code, "field": "phone" }),
        )
        .await;
    assert_eq!(
        phone.body, form["phone"],
        "the masked phone kept the stored one"
    );
    let history = history_of(&clerk, &code).await;
    assert_eq!(history[0]["version"], json!(2));
    assert_eq!(history[0]["by"], json!(clerk.username));
    assert_eq!(history[0]["changes"].as_array().expect("list").len(), 1);
    assert_eq!(history[0]["changes"][0]["field"], json!("address"));
    assert_eq!(
        history[0]["changes"][0]["after"],
        json!("锦江区三圣街道红砂村 5 组")
    );
    let member = file_of(&clerk, &code).await.details.household[0].clone();
    assert!(member.id_number.contains('*'), "member ID kept");
}

#[tokio::test]
async fn a_saved_edit_without_changes_makes_no_new_version() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let code = intake(&clerk, &full_farmer("张三")).await;

    let saved = edit(&clerk, &code, "", |_| {}).await;

    assert_eq!(saved.body, json!(1));
    assert_eq!(
        history_of(&clerk, &code)
            .await
            .as_array()
            .expect("list")
            .len(),
        1
    );
}

#[tokio::test]
async fn history_shows_new_personal_values_masked_only() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let code = intake(&clerk, &full_farmer("张三")).await;
    let new_phone = fresh_phone();

    let saved = edit(&clerk, &code, "", |f| f["phone"] = json!(new_phone)).await;

    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let history = history_of(&clerk, &code).await;
    let text = history.to_string();
    assert!(!text.contains(&new_phone), "full phone in the history");
    assert_eq!(history[0]["changes"][0]["field"], json!("phone"));
    assert!(
        history[0]["changes"][0]["after"]
            .as_str()
            .expect("text")
            .contains("****")
    );
}

#[tokio::test]
async fn credit_and_identity_changes_need_a_reason() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let code = intake(&clerk, &full_farmer("张三")).await;
    let downgrade = |f: &mut Value| {
        f["credit_rating"] = json!("c");
        f["credit_reason"] = json!("2026 年货款逾期三个月");
    };

    let refused = edit(&clerk, &code, " ", downgrade).await;
    let saved = edit(&clerk, &code, "货款逾期", downgrade).await;
    let renamed = edit(&clerk, &code, "", |f| f["name"] = json!("张叁")).await;

    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.body["Invalid"][0]["field"], json!("reason"));
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(renamed.status, StatusCode::UNPROCESSABLE_ENTITY);
    let history = history_of(&clerk, &code).await;
    assert_eq!(history[0]["reason"], json!("货款逾期"));
    assert_eq!(history[0]["changes"][0]["field"], json!("credit"));
    assert_eq!(
        history[0]["changes"][0]["before"],
        json!("A 级（优秀）：三年按时结清货款")
    );
    let credit = file_of(&clerk, &code).await.details.credit;
    assert_eq!(credit.reason, "2026 年货款逾期三个月");
}

#[tokio::test]
async fn a_stale_edit_is_refused_with_what_changed_meanwhile() {
    let app = TestApp::spawn().await;
    let first = app.signed_in(Role::Archivist, &[]).await;
    let second = app.signed_in(Role::Staff, &["510104"]).await;
    let code = intake(&first, &full_farmer("张三")).await;
    let stale = file_of(&second, &code).await;

    let saved = edit(&first, &code, "", |f| f["notes"] = json!("已搬迁")).await;
    let mut form = serde_json::to_value(stale.details.to_form()).expect("form");
    form["address"] = json!("新地址");
    let late = second
        .call(
            "update_customer",
            json!({ "edit": { "code": code, "version": stale.version, "form": form.clone(), "reason": "" } }),
        )
        .await;

    assert_eq!(saved.status, StatusCode::OK);
    assert_eq!(late.status, StatusCode::CONFLICT);
    let conflict = &late.body["EditConflict"];
    assert_eq!(conflict["version"], json!(2));
    assert_eq!(conflict["entries"][0]["by"], json!(first.username));
    assert_eq!(
        conflict["entries"][0]["changes"][0]["field"],
        json!("notes")
    );
    assert_eq!(
        file_of(&first, &code).await.details.address,
        "锦江区三圣街道红砂村 3 组"
    );

    // Having read it, the second person saves on top of the new version.
    let retried = second
        .call(
            "update_customer",
            json!({ "edit": { "code": code, "version": 2, "form": form, "reason": "" } }),
        )
        .await;
    assert_eq!(retried.status, StatusCode::OK, "{}", retried.body);
    assert_eq!(retried.body, json!(3));
}

#[tokio::test]
async fn an_edit_meets_the_same_duplicate_checks_as_an_intake() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let first_form = full_farmer("张三");
    let first = intake(&clerk, &first_form).await;
    let mut other = full_farmer("王五");
    other["extra_phones"] = json!([]);
    other["confirm_duplicates"] = json!(false);
    let second = intake(&clerk, &other).await;

    let same_phone = edit(&clerk, &second, "", |f| {
        f["phone"] = first_form["phone"].clone();
    })
    .await;
    let same_id = edit(&clerk, &second, "按证件更正", |f| {
        f["id_number"] = first_form["id_number"].clone();
    })
    .await;
    let own_values = edit(&clerk, &second, "", |f| f["notes"] = json!("无")).await;

    assert_eq!(same_phone.status, StatusCode::CONFLICT);
    let candidates = &same_phone.body["PossibleDuplicates"]["candidates"];
    assert_eq!(candidates.as_array().expect("list").len(), 1);
    assert_eq!(candidates[0]["code"], json!(first));
    assert_eq!(same_id.status, StatusCode::CONFLICT);
    assert_eq!(
        same_id.body,
        json!({ "DuplicateIdentity": { "code": first } })
    );
    assert_eq!(
        own_values.status,
        StatusCode::OK,
        "a file is no duplicate of itself"
    );
}

#[tokio::test]
async fn an_organisation_names_its_representative_and_contact() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let mut form = farmer_form("成都市某农资有限公司");
    form["group"] = json!("supplier");
    form["id_kind"] = json!("credit_code");
    form["id_number"] = json!("91350100M000100Y43");

    let refused = clerk.intake(&form).await;
    form["legal_representative"] = json!("李四");
    form["contact_person"] = json!("王五");
    let code = intake(&clerk, &form).await;

    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.body["Invalid"][0]["field"],
        json!("legal_representative")
    );
    let file = file_of(&clerk, &code).await;
    assert_eq!(file.details.legal_representative, "李四");
    assert!(code.starts_with("GY-"), "{code}");
}

#[tokio::test]
async fn a_retired_cooperation_intention_is_no_longer_offered_but_stays_on_files() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin, &[]).await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let code = intake(&clerk, &full_farmer("张三")).await;

    let retired = admin
        .call(
            "save_cooperation_type",
            json!({ "entry": { "key": "produce_sale", "label": "农产品销售", "active": false } }),
        )
        .await;
    let added = admin
        .call(
            "save_cooperation_type",
            json!({ "entry": { "key": "seed_supply", "label": "良种供应", "active": true } }),
        )
        .await;
    let new_file = clerk.intake(&full_farmer("李四")).await;
    let kept = edit(&clerk, &code, "", |f| f["notes"] = json!("仍合作")).await;
    let mut with_new = full_farmer("王五");
    with_new["cooperation"] = json!(["seed_supply"]);
    let new_entry = clerk.intake(&with_new).await;

    assert_eq!(retired.status, StatusCode::OK);
    assert_eq!(added.status, StatusCode::OK);
    assert_eq!(new_file.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(new_file.body["Invalid"][0]["field"], json!("cooperation"));
    assert_eq!(kept.status, StatusCode::OK, "{}", kept.body);
    assert_eq!(new_entry.status, StatusCode::OK, "{}", new_entry.body);
    let types = clerk.call("cooperation_types", json!({})).await.body;
    let seed = types
        .as_array()
        .expect("list")
        .iter()
        .find(|t| t["key"] == json!("seed_supply"))
        .expect("added entry listed");
    assert_eq!(seed["label"], json!("良种供应"));
}

#[tokio::test]
async fn the_cover_sheet_carries_a_qr_code_of_the_files_address() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let form = full_farmer("张三");
    let code = intake(&clerk, &form).await;

    let sheet = clerk.call("cover_sheet", json!({ "code": code })).await;

    assert_eq!(sheet.status, StatusCode::OK, "{}", sheet.body);
    let url = sheet.body["url"].as_str().expect("text");
    assert!(url.ends_with(&format!("/customers/{code}")), "{url}");
    assert!(
        sheet.body["qr_svg"]
            .as_str()
            .expect("text")
            .contains("<svg")
    );
    let text = sheet.body.to_string();
    assert!(
        !text.contains(form["phone"].as_str().expect("text")),
        "phone in clear"
    );
    assert!(
        !text.contains(form["id_number"].as_str().expect("text")),
        "ID in clear"
    );
}

#[tokio::test]
async fn bad_rows_are_refused_by_position_and_nothing_is_saved() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let mut form = full_farmer("张三");
    form["parcels"][1]["area"] = json!("4.555");
    form["household"][0]["id_number"] = json!("110105194912310022");

    let refused = clerk.intake(&form).await;

    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&Value> = refused.body["Invalid"]
        .as_array()
        .expect("list")
        .iter()
        .map(|e| &e["field"])
        .collect();
    assert_eq!(
        fields,
        [
            &json!({ "member_id_number": 0 }),
            &json!({ "parcel_area": 1 })
        ]
    );
    assert_eq!(clerk.search("").await.body["total"], json!(0));
}

#[tokio::test]
async fn a_township_of_the_county_is_kept_and_alike_names_are_compared_per_township() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let mut form = farmer_form("张三");
    form["township"] = json!("510104022");
    let code = intake(&clerk, &form).await;
    let mut elsewhere = farmer_form("张三");
    elsewhere["township"] = json!("510107001");
    let mut neighbour = farmer_form("张山");
    neighbour["phone"] = json!(fresh_phone());
    neighbour["township"] = json!("510104017");
    neighbour["confirm_duplicates"] = json!(false);
    let mut same_town = neighbour.clone();
    same_town["township"] = json!("510104022");

    let refused = clerk.intake(&elsewhere).await;
    let other_town = clerk.intake(&neighbour).await;
    let alike = clerk.intake(&same_town).await;
    let towns = clerk
        .call("townships", json!({ "county": "510104" }))
        .await
        .body;

    let file = file_of(&clerk, &code).await;
    assert_eq!(file.details.township, "510104022");
    assert_eq!(file.region_name, "四川省 成都市 锦江区 春熙路街道");
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.body["Invalid"][0]["field"], json!("township"));
    assert_eq!(other_town.status, StatusCode::OK, "{}", other_town.body);
    assert_eq!(alike.status, StatusCode::CONFLICT);
    assert!(
        towns
            .as_array()
            .expect("list")
            .iter()
            .any(|t| t["name"] == json!("春熙路街道"))
    );
}
