//! 数据分析 through the real server functions: the counts, the potential
//! score and the watch list with their reasons, consent to credit
//! assessment, the caller's regions, the rules and the export.

mod support;

use app::domain::Role;
use axum::http::StatusCode;
use serde_json::{Value, json};
use support::{Client, TestApp, farmer_form};

async fn file(client: &Client, form: Value) -> String {
    let answer = client.intake(&form).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.body.as_str().expect("a code").to_string()
}

async fn analysis(client: &Client, region: &str) -> Value {
    let answer = client.call("analysis", json!({ "region": region })).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.body
}

/// `list` as `{key: count}`.
fn counts(list: &Value) -> Vec<(String, u64)> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|t| {
            (
                t["key"].as_str().expect("key").to_string(),
                t["count"].as_u64().expect("count"),
            )
        })
        .collect()
}

fn entry<'a>(list: &'a Value, code: &str) -> Option<&'a Value> {
    list.as_array()
        .expect("a list")
        .iter()
        .find(|x| x["code"] == json!(code))
}

async fn add_entry(client: &Client, code: &str, kind: &str) {
    let answer = client
        .call(
            "add_timeline_entry",
            json!({ "code": code, "form": {
                "kind": kind, "title": "收购玉米", "detail": "烘干不及时",
                "quantity": "20 吨", "value": "50000",
                "owner": if kind == "issue" { client.username.as_str() } else { "" },
                "due": if kind == "issue" { "2099-01-01" } else { "" },
            }}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
}

#[tokio::test]
async fn the_files_are_counted_every_way() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let mut big = farmer_form("王大田");
    big["land_area"] = json!("120");
    big["cooperation"] = json!(["land_trusteeship", "produce_sale"]);
    big["credit_rating"] = json!("a");
    big["credit_reason"] = json!("按期结清");
    file(&clerk, big).await;
    let mut small = farmer_form("王小地");
    small["land_area"] = json!("3");
    small["region"] = json!("510105");
    small["cooperation"] = json!(["produce_sale"]);
    file(&clerk, small).await;
    let mut dealer = farmer_form("成都好粮商贸有限公司");
    dealer["group"] = json!("dealer");
    dealer["id_kind"] = json!("credit_code");
    dealer["id_number"] = json!("91350100M000100Y43");
    dealer["legal_representative"] = json!("钱七");
    dealer["contact_person"] = json!("孙八");
    dealer["land_area"] = json!("0");
    file(&clerk, dealer).await;

    let all = analysis(&clerk, "").await;
    let o = &all["overview"];
    assert_eq!(o["total"], json!(3));
    assert_eq!(
        counts(&o["by_group"]),
        [("farmer".to_string(), 2), ("dealer".to_string(), 1)]
    );
    assert_eq!(
        counts(&o["by_region"]),
        [("510104".to_string(), 2), ("510105".to_string(), 1)]
    );
    assert_eq!(o["by_region"][0]["label"], json!("成都市 锦江区"));
    assert_eq!(
        counts(&o["by_land"]),
        [
            ("0-5".to_string(), 2),
            ("5-10".to_string(), 0),
            ("10-30".to_string(), 0),
            ("30-100".to_string(), 0),
            ("100-".to_string(), 1)
        ]
    );
    assert_eq!(
        counts(&o["by_cooperation"]),
        [
            ("produce_sale".to_string(), 2),
            ("land_trusteeship".to_string(), 1)
        ]
    );
    assert_eq!(o["by_cooperation"][0]["label"], json!("农产品销售"));
    assert_eq!(
        counts(&o["by_credit"]),
        [("unrated".to_string(), 2), ("a".to_string(), 1)]
    );
    let months = o["by_month"].as_array().expect("months");
    assert_eq!(months.len(), 12);
    assert_eq!(months[11]["count"], json!(3), "all opened this month");

    // One county: counted by township.
    let county = analysis(&clerk, "510105").await;
    assert_eq!(county["overview"]["total"], json!(1));
    let bad = clerk.call("analysis", json!({ "region": "51" })).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.to_string().contains("地区码"), "{}", bad.body);
}

#[tokio::test]
async fn scores_and_risks_come_with_their_reasons_and_respect_consent() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let mut strong = farmer_form("冯大户");
    strong["land_area"] = json!("45");
    strong["credit_rating"] = json!("a");
    strong["credit_reason"] = json!("按期结清");
    let strong = file(&clerk, strong).await;
    for _ in 0..3 {
        add_entry(&clerk, &strong, "cooperation").await;
    }
    let mut weak = farmer_form("冯欠款");
    weak["credit_rating"] = json!("d");
    weak["credit_reason"] = json!("货款逾期一年");
    let weak = file(&clerk, weak).await;
    add_entry(&clerk, &weak, "issue").await;
    app.store
        .raw_query(&format!(
            "UPDATE customer SET next_verification = '2026-01-05' WHERE code = '{weak}'"
        ))
        .await
        .expect("overdue");

    let page = analysis(&clerk, "").await;
    let scored = entry(&page["potential"], &strong).expect("high potential");
    // 45 亩 → 20, three cooperation items → 15, A → 25, active → 20.
    assert_eq!(scored["score"], json!(80));
    assert_eq!(
        scored["reasons"],
        json!([
            "土地 45 亩 +20",
            "合作记录 3 次 +15",
            "信用 A 级（优秀） +25",
            "近 12 个月有往来 +20"
        ])
    );
    assert!(entry(&page["potential"], &weak).is_none());
    let watched = entry(&page["watch"], &weak).expect("on the watch list");
    assert_eq!(
        watched["reasons"],
        json!([
            "信用 D 级（较差）",
            "未解决问题 1 个",
            "定期核对已逾期（应于 2026-01-05 核对）"
        ])
    );
    assert!(entry(&page["watch"], &strong).is_none());

    // Without consent to credit assessment, the rating is left out.
    let withdrawn = clerk
        .call(
            "withdraw_consent",
            json!({ "form": { "code": weak, "purpose": "credit", "note": "本人来电" } }),
        )
        .await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.body);
    let after = analysis(&clerk, "").await;
    let watched = entry(&after["watch"], &weak).expect("still watched for the issue");
    assert!(
        !watched["reasons"].to_string().contains("信用"),
        "{watched}"
    );

    // The rules are the administrator's: a higher bar empties the list.
    let admin = app.signed_in(Role::Admin, &[]).await;
    let mut rules = admin.call("score_rules", json!({})).await.body;
    rules["high_potential"] = json!(90);
    let saved = admin
        .call("save_score_rules", json!({ "rules": rules }))
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let raised = analysis(&clerk, "").await;
    assert!(raised["potential"].as_array().expect("list").is_empty());
    rules["land_step_mu"] = json!(0);
    let refused = admin
        .call("save_score_rules", json!({ "rules": rules }))
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn staff_analyse_only_their_regions_and_the_export_is_a_workbook() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    file(&clerk, farmer_form("褚在此")).await;
    let mut away = farmer_form("褚在外");
    away["region"] = json!("510105");
    file(&clerk, away).await;
    let staff = app.signed_in(Role::Staff, &["510104"]).await;

    assert_eq!(analysis(&staff, "").await["overview"]["total"], json!(1));
    assert_eq!(
        analysis(&staff, "510105").await["overview"]["total"],
        json!(0)
    );

    let export = staff.call("export_analysis", json!({ "region": "" })).await;
    assert_eq!(export.status, StatusCode::OK, "{}", export.body);
    assert!(
        export.body["file_name"]
            .as_str()
            .is_some_and(|n| n.ends_with(".xlsx"))
    );
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(export.body["base64"].as_str().expect("base64"))
        .expect("decodes");
    assert!(bytes.starts_with(b"PK"), "an XLSX is a zip archive");
}

/// Corrects a file through a verification: `change` edits what the staff
/// member typed.
async fn correct(client: &Client, code: &str, change: impl FnOnce(&mut Value)) {
    let file = client
        .call("get_customer", json!({ "code": code }))
        .await
        .body;
    let d = &file["details"];
    let mut input = json!({
        "code": code,
        "version": file["version"],
        "outcome": "corrected",
        "phone": d["phone"],
        "address": d["address"],
        "land_area": "12.5",
        "cooperation": d["cooperation"],
        "credit_rating": d["credit"]["rating"],
        "credit_reason": d["credit"]["reason"],
        "ended": false,
        "note": "上门核对",
    });
    change(&mut input);
    let answer = client
        .call("verify_customer", json!({ "input": input }))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
}

#[tokio::test]
async fn the_analysis_follows_every_change_after_it_was_first_counted() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let mut small = farmer_form("卫小田");
    small["land_area"] = json!("3");
    let small = file(&clerk, small).await;
    let first = analysis(&clerk, "").await;
    assert_eq!(first["overview"]["total"], json!(1));
    assert!(first["watch"].as_array().expect("list").is_empty());

    // A new file, an issue, a corrected land area, cooperation items.
    let mut big = farmer_form("卫大户");
    big["region"] = json!("510105");
    big["land_area"] = json!("120");
    big["credit_rating"] = json!("a");
    big["credit_reason"] = json!("按期结清");
    let big = file(&clerk, big).await;
    add_entry(&clerk, &small, "issue").await;
    correct(&clerk, &small, |i| i["land_area"] = json!("45")).await;
    for _ in 0..3 {
        add_entry(&clerk, &big, "cooperation").await;
    }

    let later = analysis(&clerk, "").await;
    let o = &later["overview"];
    assert_eq!(o["total"], json!(2));
    assert_eq!(
        counts(&o["by_region"]),
        [("510104".to_string(), 1), ("510105".to_string(), 1)]
    );
    assert_eq!(
        counts(&o["by_land"]),
        [
            ("0-5".to_string(), 0),
            ("5-10".to_string(), 0),
            ("10-30".to_string(), 0),
            ("30-100".to_string(), 1),
            ("100-".to_string(), 1)
        ]
    );
    let watched = entry(&later["watch"], &small).expect("watched for its issue");
    assert_eq!(watched["reasons"], json!(["未解决问题 1 个"]));
    assert_eq!(watched["name"], json!("卫小田"));
    let scored = entry(&later["potential"], &big).expect("high potential");
    assert_eq!(scored["score"], json!(30 + 15 + 25 + 20));
    assert_eq!(scored["region_name"], json!("四川省 成都市 青羊区"));

    // The relationship ends: still counted, no longer scored.
    correct(&clerk, &big, |i| i["ended"] = json!(true)).await;
    let ended = analysis(&clerk, "").await;
    assert_eq!(ended["overview"]["total"], json!(2));
    assert!(entry(&ended["potential"], &big).is_none());
}
