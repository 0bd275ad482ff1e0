//! Purposes and consent: sensitive information only with the separate
//! consent or a legal basis, purpose-bound functions only for files that
//! consented, withdrawal that takes effect, and the configured lists.

mod support;

use app::domain::Role;
use app::domain::time_fmt::today_cst;
use axum::http::StatusCode;
use serde_json::{Value, json};
use support::{Answer, Client, TestApp, farmer_form};

async fn file(client: &Client, form: Value) -> String {
    let answer = client.intake(&form).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.body.as_str().expect("a code").to_string()
}

async fn roster(client: &Client, region: &str) -> Answer {
    client
        .call("subsidy_roster", json!({ "region": region }))
        .await
}

async fn withdraw(client: &Client, code: &str, purpose: &str) -> Answer {
    client
        .call(
            "withdraw_consent",
            json!({ "form": { "code": code, "purpose": purpose, "note": "本人来电" } }),
        )
        .await
}

async fn consent(client: &Client, code: &str, purposes: &[&str]) -> Answer {
    client
        .call(
            "record_consent",
            json!({ "code": code, "consent": {
                "purposes": purposes, "method": "paper", "paper_ref": "同意书 2026-077 号",
            }}),
        )
        .await
}

/// Sends the file back through the edit form with a new credit rating.
async fn rate(client: &Client, code: &str, rating: &str) -> Answer {
    let file = client
        .call("get_customer", json!({ "code": code }))
        .await
        .body;
    let details: app::domain::CustomerDetails =
        serde_json::from_value(file["details"].clone()).expect("details");
    let mut form = serde_json::to_value(details.to_form()).expect("form");
    form["credit_rating"] = json!(rating);
    form["credit_reason"] = json!("按期结清货款");
    client
        .call(
            "update_customer",
            json!({ "edit": {
                "code": code, "version": file["version"], "form": form, "reason": "年度评定",
            }}),
        )
        .await
}

fn codes(list: &Value) -> Vec<String> {
    list.as_array()
        .map(|rows| {
            rows.iter()
                .filter_map(|r| r["code"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_withdrawn_purpose_is_refused_until_consent_is_given_again() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let manager = app.signed_in(Role::Manager, &["510104"]).await;
    let code = file(&clerk, farmer_form("韩春梅")).await;
    let mut no_subsidy = farmer_form("韩秋生");
    no_subsidy["consent"]["purposes"] = json!(["membership", "credit"]);
    let never = file(&clerk, no_subsidy).await;

    let listed = roster(&manager, "510104").await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    assert_eq!(codes(&listed.body["rows"]), vec![code.as_str()]);
    assert_eq!(codes(&listed.body["refused"]), vec![never.as_str()]);
    assert!(
        listed.body["refused"][0]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("未同意")),
        "{}",
        listed.body
    );
    // The page shows ID numbers masked.
    assert!(
        listed.body["rows"][0]["id_number"]
            .as_str()
            .is_some_and(|id| id.contains('*'))
    );

    let withdrawn = withdraw(&clerk, &code, "subsidy").await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.body);
    let after = roster(&manager, "510104").await.body;
    assert!(codes(&after["rows"]).is_empty(), "{after}");
    let reason = after["refused"]
        .as_array()
        .and_then(|r| r.iter().find(|x| x["code"] == json!(code)))
        .map(|x| x["reason"].as_str().unwrap_or_default().to_string())
        .expect("listed as refused");
    assert!(
        reason.contains(&today_cst().to_string()) && reason.contains("撤回"),
        "{reason}"
    );
    let export = manager
        .call("export_subsidy_roster", json!({ "region": "510104" }))
        .await;
    assert_eq!(export.status, StatusCode::BAD_REQUEST, "{}", export.body);
    // Withdrawing twice finds nothing to withdraw.
    assert_eq!(
        withdraw(&clerk, &code, "subsidy").await.status,
        StatusCode::CONFLICT
    );

    assert_eq!(
        consent(&clerk, &code, &["subsidy"]).await.status,
        StatusCode::OK
    );
    let again = roster(&manager, "510104").await.body;
    assert_eq!(codes(&again["rows"]), vec![code.as_str()]);
    let export = manager
        .call("export_subsidy_roster", json!({ "region": "510100" }))
        .await;
    assert_eq!(export.status, StatusCode::OK, "{}", export.body);
    assert!(
        export.body["file_name"]
            .as_str()
            .is_some_and(|n| n.ends_with(".xlsx"))
    );

    // Credit assessment is bound to its purpose in the same way.
    assert_eq!(
        withdraw(&clerk, &code, "credit").await.status,
        StatusCode::OK
    );
    let refused = rate(&clerk, &code, "b").await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(
        refused.body.to_string().contains("信用评估"),
        "{}",
        refused.body
    );
    assert_eq!(
        consent(&clerk, &code, &["credit"]).await.status,
        StatusCode::OK
    );
    let rated = rate(&clerk, &code, "b").await;
    assert_eq!(rated.status, StatusCode::OK, "{}", rated.body);

    // The roster carries ID numbers: without the separate consent for
    // sensitive information the person is left off, with the reason.
    assert_eq!(
        withdraw(&clerk, &code, "sensitive").await.status,
        StatusCode::OK
    );
    let unsealed = roster(&manager, "510104").await.body;
    assert!(codes(&unsealed["rows"]).is_empty(), "{unsealed}");
    assert!(
        unsealed["refused"]
            .as_array()
            .and_then(|r| r.iter().find(|x| x["code"] == json!(code)))
            .and_then(|x| x["reason"].as_str())
            .is_some_and(|r| r.contains("敏感个人信息")),
        "{unsealed}"
    );
}

#[tokio::test]
async fn sensitive_information_needs_the_separate_consent_or_a_legal_basis() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Staff, &["510104"]).await;

    let mut bare = farmer_form("魏建国");
    bare["consent"] = json!({});
    let refused = clerk.intake(&bare).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.body["Invalid"][0]["field"], json!("consent"));
    let mut unsigned = farmer_form("魏建国");
    unsigned["consent"] =
        json!({ "purposes": ["membership"], "sensitive": true, "method": "signature" });
    let refused = clerk.intake(&unsigned).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.to_string().contains("签名"),
        "{}",
        refused.body
    );
    let mut rated = farmer_form("魏建国");
    rated["consent"]["purposes"] = json!(["membership"]);
    rated["credit_rating"] = json!("a");
    rated["credit_reason"] = json!("按时还款");
    let refused = clerk.intake(&rated).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.body["Invalid"][0]["field"], json!("credit_rating"));
    assert_eq!(clerk.search("魏建国").await.body["total"], json!(0));

    // A legal basis stands in for the separate consent.
    let mut contract = farmer_form("魏建国");
    contract["consent"] = json!({ "legal_basis": "contract" });
    let code = file(&clerk, contract).await;
    let consents = clerk
        .call("file_consents", json!({ "code": code }))
        .await
        .body;
    assert_eq!(consents["records"][0]["purpose"], json!("sensitive"));
    assert_eq!(consents["records"][0]["method"], json!("legal_basis"));
    // Without consent to credit assessment, no rating.
    assert_eq!(rate(&clerk, &code, "c").await.status, StatusCode::CONFLICT);

    // An organisation's credit code is not a person's sensitive information.
    let mut dealer = farmer_form("成都丰收农资有限公司");
    dealer["group"] = json!("dealer");
    dealer["id_kind"] = json!("credit_code");
    dealer["id_number"] = json!("91350100M000100Y43");
    dealer["legal_representative"] = json!("周立");
    dealer["contact_person"] = json!("周立");
    dealer["consent"] = json!({});
    dealer["credit_rating"] = json!("a");
    dealer["credit_reason"] = json!("多年合作无拖欠");
    let answer = clerk.intake(&dealer).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);

    // A withdrawn separate consent stops changes of the sensitive fields.
    let signed = file(&clerk, farmer_form("魏建华")).await;
    assert_eq!(
        withdraw(&clerk, &signed, "sensitive").await.status,
        StatusCode::OK
    );
    let blocked = rate(&clerk, &signed, "d").await;
    assert_eq!(blocked.status, StatusCode::CONFLICT, "{}", blocked.body);
    assert!(blocked.body.to_string().contains("敏感个人信息"));
}

#[tokio::test]
async fn a_signature_is_kept_sealed_and_the_audit_keeps_no_trace_of_it() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Staff, &["510104"]).await;
    let code = file(&clerk, farmer_form("孔繁荣")).await;
    let signature = "M 12 150 L 40 120 L 80 160 L 130 110";
    let recorded = clerk
        .call(
            "record_consent",
            json!({ "code": code, "consent": {
                "purposes": ["purchase"], "method": "signature", "signature": signature,
            }}),
        )
        .await;
    assert_eq!(recorded.status, StatusCode::OK, "{}", recorded.body);
    let consents = clerk
        .call("file_consents", json!({ "code": code }))
        .await
        .body;
    let purchase = consents["records"]
        .as_array()
        .and_then(|r| r.iter().find(|c| c["purpose"] == json!("purchase")))
        .cloned()
        .expect("the purchase consent");
    assert_eq!(purchase["signature"], json!(signature));
    assert_eq!(purchase["method"], json!("signature"));

    let sealed = app
        .store
        .raw_query(
            "IF array::len(SELECT VALUE id FROM consent WHERE signature_sealed != '') != 1 \
             { THROW 'no sealed signature' }; \
             IF array::len(SELECT VALUE id FROM consent \
             WHERE string::contains(signature_sealed, 'M 12 150')) > 0 \
             { THROW 'the signature is stored in clear' };",
        )
        .await;
    assert!(sealed.is_ok(), "{sealed:?}");

    let auditor = app.signed_in(Role::Auditor, &[]).await;
    let events = auditor
        .call(
            "audit_events",
            json!({ "filter": { "action": "consent", "target": code }, "page": 1 }),
        )
        .await
        .body;
    assert_eq!(events["total"], json!(1), "{events}");
    assert!(!events.to_string().contains("M 12 150"));
    // A path with anything but moves and lines is refused.
    let script = clerk
        .call(
            "record_consent",
            json!({ "code": code, "consent": {
                "purposes": ["purchase"], "method": "signature",
                "signature": "M 0 0 <script>alert(1)</script>",
            }}),
        )
        .await;
    assert_eq!(script.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn administrators_keep_the_purposes_and_bound_ones_stay_in_force() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin, &[]).await;
    let clerk = app.signed_in(Role::Staff, &["510104"]).await;
    let item = |key: &str, active: bool| {
        json!({ "legal": false, "item": {
            "key": key, "name": "技术培训", "description": "通知您参加合作社组织的种植技术培训。",
            "active": active,
        }})
    };
    assert_eq!(
        admin
            .call("save_consent_item", item("training", true))
            .await
            .status,
        StatusCode::OK
    );
    let lists = clerk.call("consent_lists", json!({})).await.body;
    assert!(lists["purposes"].to_string().contains("技术培训"));
    let mut trained = farmer_form("尹志强");
    trained["consent"]["purposes"] = json!(["membership", "training"]);
    file(&clerk, trained).await;

    assert_eq!(
        admin
            .call("save_consent_item", item("training", false))
            .await
            .status,
        StatusCode::OK
    );
    let mut retired = farmer_form("尹志刚");
    retired["consent"]["purposes"] = json!(["training"]);
    let refused = clerk.intake(&retired).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );

    let bound = admin.call("save_consent_item", item("credit", false)).await;
    assert_eq!(bound.status, StatusCode::BAD_REQUEST, "{}", bound.body);
    let bad = admin
        .call(
            "save_consent_item",
            json!({ "legal": true, "item": { "key": "Bad Key", "name": "x", "description": "y", "active": true } }),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    // The printed form names the purposes in force.
    let sheet = clerk.call("consent_sheet", json!({ "code": "" })).await;
    assert_eq!(sheet.status, StatusCode::OK, "{}", sheet.body);
    let names = sheet.body["lists"]["purposes"].to_string();
    assert!(
        names.contains("社员管理") && !names.contains("技术培训"),
        "{names}"
    );
    assert_eq!(sheet.body["due_days"], json!(15));
}
