//! One file per customer: duplicates refused or confirmed at intake.

mod support;

use app::domain::Role;
use axum::http::StatusCode;
use serde_json::{Value, json};
use support::{TestApp, farmer_form, fresh_id_number, fresh_phone};

/// A form that does not confirm possible duplicates.
fn unconfirmed(name: &str) -> Value {
    let mut form = farmer_form(name);
    form["confirm_duplicates"] = json!(false);
    form["phone"] = json!(fresh_phone());
    form
}

#[tokio::test]
async fn a_second_file_with_the_same_id_number_is_refused_and_names_the_first() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let first = unconfirmed("张三");
    clerk.intake(&first).await;
    let mut again = unconfirmed("张叁");
    again["id_number"] = first["id_number"].clone();
    again["confirm_duplicates"] = json!(true);

    let answer = clerk.intake(&again).await;

    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert_eq!(
        answer.body,
        json!({ "DuplicateIdentity": { "code": "NH-510104-00001" } })
    );
    assert_eq!(clerk.search("").await.body["total"], json!(1));
}

#[tokio::test]
async fn the_same_phone_asks_for_a_confirmation_then_saves() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let first = unconfirmed("张三");
    clerk.intake(&first).await;
    let mut second = unconfirmed("李四");
    second["phone"] = first["phone"].clone();

    let asked = clerk.intake(&second).await;
    second["confirm_duplicates"] = json!(true);
    let saved = clerk.intake(&second).await;

    assert_eq!(asked.status, StatusCode::CONFLICT);
    let candidates = &asked.body["PossibleDuplicates"]["candidates"];
    assert_eq!(candidates[0]["code"], json!("NH-510104-00001"));
    assert_eq!(candidates[0]["reasons"], json!(["same_phone"]));
    assert_eq!(saved.status, StatusCode::OK);
    assert_eq!(saved.body, json!("NH-510104-00002"));
}

#[tokio::test]
async fn a_name_one_character_apart_in_the_same_county_is_a_possible_duplicate() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    clerk.intake(&unconfirmed("张三")).await;
    let mut elsewhere = unconfirmed("张山");
    elsewhere["region"] = json!("510105");

    let alike = clerk.intake(&unconfirmed("张山")).await;
    let other_county = clerk.intake(&elsewhere).await;
    let different = clerk.intake(&unconfirmed("李四")).await;

    assert_eq!(alike.status, StatusCode::CONFLICT);
    assert_eq!(
        alike.body["PossibleDuplicates"]["candidates"][0]["reasons"],
        json!(["similar_name"])
    );
    assert_eq!(other_county.status, StatusCode::OK);
    assert_eq!(different.status, StatusCode::OK);
}

#[tokio::test]
async fn a_duplicate_outside_the_callers_regions_is_refused_without_naming_it() {
    let app = TestApp::spawn().await;
    let archivist = app.signed_in(Role::Archivist, &[]).await;
    let mut hangzhou = unconfirmed("钱七");
    hangzhou["region"] = json!("330106");
    archivist.intake(&hangzhou).await;
    let chengdu_staff = app.signed_in(Role::Staff, &["510100"]).await;
    let mut again = unconfirmed("钱七");
    again["id_number"] = hangzhou["id_number"].clone();

    let answer = chengdu_staff.intake(&again).await;

    assert_eq!(
        answer.body,
        json!({ "DuplicateIdentity": { "code": null } })
    );
}

#[tokio::test]
async fn concurrent_intakes_of_one_id_number_file_it_once() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let id_number = fresh_id_number();

    let mut intakes = tokio::task::JoinSet::new();
    for n in 0..6 {
        let clerk = clerk.clone();
        let mut form = farmer_form(&format!("同一人{n}"));
        form["id_number"] = json!(id_number);
        intakes.spawn(async move { clerk.intake(&form).await.status });
    }
    let statuses: Vec<StatusCode> = intakes.join_all().await;

    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::OK || *s == StatusCode::CONFLICT)
    );
    assert_eq!(clerk.search("").await.body["total"], json!(1));
}

#[tokio::test]
async fn a_similar_name_is_found_among_many_files_of_the_same_surname() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    // More files of the surname 张 in the county than possible duplicates
    // are ever shown, none of them like 张晓明, opened before the one that is.
    let seconds = ["大", "立", "国", "建", "春", "永", "志", "德"];
    let thirds = ["刚", "伟", "强", "军", "平", "林", "华"];
    for second in seconds {
        for third in thirds {
            let mut form = unconfirmed(&format!("张{second}{third}"));
            form["confirm_duplicates"] = json!(true);
            assert_eq!(clerk.intake(&form).await.status, StatusCode::OK);
        }
    }
    let mut last = unconfirmed("张小明");
    last["confirm_duplicates"] = json!(true);
    assert_eq!(clerk.intake(&last).await.body, json!("NH-510104-00057"));

    let asked = clerk.intake(&unconfirmed("张晓明")).await;

    assert_eq!(asked.status, StatusCode::CONFLICT);
    let candidates = &asked.body["PossibleDuplicates"]["candidates"];
    assert_eq!(candidates[0]["code"], json!("NH-510104-00057"));
    assert_eq!(candidates[0]["reasons"], json!(["similar_name"]));
}

#[tokio::test]
async fn a_phone_listed_as_another_files_extra_phone_is_a_possible_duplicate() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let mut first = unconfirmed("张三");
    let spare = fresh_phone();
    first["extra_phones"] = json!([spare]);
    clerk.intake(&first).await;
    let mut second = unconfirmed("李四");
    second["phone"] = json!(spare);

    let asked = clerk.intake(&second).await;

    assert_eq!(asked.status, StatusCode::CONFLICT);
    let candidates = &asked.body["PossibleDuplicates"]["candidates"];
    assert_eq!(candidates[0]["code"], json!("NH-510104-00001"));
    assert_eq!(candidates[0]["reasons"], json!(["same_phone"]));
}
