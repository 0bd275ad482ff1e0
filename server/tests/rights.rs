//! Every server function, called by every role and without a session,
//! against the one rights table the code enforces (`app::domain::rights`).

mod support;

use app::domain::rights::RIGHTS;
use app::domain::{Right, Role};
use axum::http::StatusCode;
use serde_json::{Value, json};
use support::{TestApp, farmer_form};

/// What each server function needs: a right, or only a session (`None`).
fn server_functions() -> Vec<(&'static str, Option<Right>, Value)> {
    let user_form = json!({ "form": {
        "username": "li.na", "display_name": "李娜", "role": "staff",
        "regions": "510104", "password": "Initial-pass-01", "disabled": false,
    }});
    vec![
        (
            "intake_customer",
            Some(Right::CreateCustomer),
            json!({ "form": farmer_form("张三") }),
        ),
        (
            "get_customer",
            Some(Right::ViewCustomer),
            json!({ "code": "NH-510104-00001" }),
        ),
        (
            "open_file",
            Some(Right::ViewCustomer),
            json!({ "code": "NH-510104-00001" }),
        ),
        (
            "search_customers",
            Some(Right::SearchCustomers),
            json!({ "query": { "text": "", "page": 1, "page_size": 20 } }),
        ),
        (
            "reveal_personal_value",
            Some(Right::RevealPersonalData),
            json!({ "code": "NH-510104-00001", "field": "phone" }),
        ),
        (
            "update_customer",
            Some(Right::EditCustomer),
            json!({ "edit": {
                "code": "NH-510104-00001", "version": 1,
                "form": farmer_form("张三"), "reason": "",
            }}),
        ),
        (
            "customer_history",
            Some(Right::ViewCustomer),
            json!({ "code": "NH-510104-00001" }),
        ),
        (
            "cover_sheet",
            Some(Right::ViewCustomer),
            json!({ "code": "NH-510104-00001" }),
        ),
        ("cooperation_types", None, json!({})),
        ("townships", None, json!({ "county": "510104" })),
        (
            "save_cooperation_type",
            Some(Right::ManageSettings),
            json!({ "entry": { "key": "seed_supply", "label": "种子供应", "active": true } }),
        ),
        (
            "audit_events",
            Some(Right::ViewAudit),
            json!({ "filter": {}, "page": 1 }),
        ),
        (
            "export_audit",
            Some(Right::ViewAudit),
            json!({ "filter": {}, "format": "csv" }),
        ),
        ("verify_audit_trail", Some(Right::ViewAudit), json!({})),
        ("sign_audit_checkpoint", Some(Right::ViewAudit), json!({})),
        ("audit_alerts", Some(Right::ViewAudit), json!({})),
        (
            "acknowledge_alert",
            Some(Right::ViewAudit),
            json!({ "key": "none", "comment": "已核实" }),
        ),
        ("list_users", Some(Right::ManageUsers), json!({})),
        ("create_user", Some(Right::ManageUsers), user_form.clone()),
        ("update_user", Some(Right::ManageUsers), user_form),
        (
            "reset_password",
            Some(Right::ManageUsers),
            json!({ "username": "nobody", "password": "Temporary-2026" }),
        ),
        (
            "change_password",
            None,
            json!({ "current": "Wrong-pass-2026", "new": "Own-choice-2026" }),
        ),
        (
            "due_files",
            Some(Right::VerifyCustomer),
            json!({ "query": { "region": "", "group": "", "page": 1 } }),
        ),
        ("count_due", Some(Right::VerifyCustomer), json!({})),
        (
            "get_verification_state",
            Some(Right::ViewCustomer),
            json!({ "code": "NH-510104-00001" }),
        ),
        (
            "verify_customer",
            Some(Right::VerifyCustomer),
            json!({ "input": { "code": "NH-510104-00001", "version": 1, "outcome": "confirmed" } }),
        ),
        ("get_verification_cycles", None, json!({})),
        (
            "resume_cooperation",
            Some(Right::VerifyCustomer),
            json!({ "code": "NH-510104-00001", "version": 1, "reason": "重新入社" }),
        ),
        (
            "save_verification_cycle",
            Some(Right::ManageSettings),
            json!({ "group": "farmer", "months": "3" }),
        ),
        (
            "timeline",
            Some(Right::ViewCustomer),
            json!({ "code": "NH-510104-00001" }),
        ),
        (
            "add_timeline_entry",
            Some(Right::KeepTimeline),
            json!({ "code": "NH-510104-00001", "form": { "kind": "feedback", "title": "满意" } }),
        ),
        (
            "correct_timeline_entry",
            Some(Right::KeepTimeline),
            json!({ "id": "00000000000000000000", "version": 1, "reason": "更正",
                    "form": { "kind": "feedback", "title": "满意" } }),
        ),
        (
            "move_timeline_entry",
            Some(Right::KeepTimeline),
            json!({ "id": "00000000000000000000", "version": 1, "to": "closed", "note": "好" }),
        ),
        ("my_tasks", Some(Right::KeepTimeline), json!({})),
        ("colleagues", Some(Right::KeepTimeline), json!({})),
        (
            "get_quality_report",
            Some(Right::ViewQualityReport),
            json!({}),
        ),
        (
            "export_quality_report",
            Some(Right::ViewQualityReport),
            json!({ "format": "csv" }),
        ),
        (
            "send_feedback",
            None,
            json!({ "form": { "page": "/", "happened": "", "suggestion": "好用" } }),
        ),
        ("list_feedback", None, json!({})),
        ("disposal_review", Some(Right::ViewDisposals), json!({})),
        (
            "register_person_request",
            Some(Right::HandleRequests),
            json!({ "form": {
                "code": "NH-510104-00001", "kind": "access", "requester": "本人",
                "channel": "in_person", "received_on": "2026-12-01", "identity_check": "身份证",
            }}),
        ),
        (
            "list_person_requests",
            Some(Right::HandleRequests),
            json!({}),
        ),
        (
            "answer_person_request",
            Some(Right::HandleRequests),
            json!({ "id": "0000", "refused": false, "answer": "已答复" }),
        ),
        (
            "copy_for_person",
            Some(Right::HandleRequests),
            json!({ "code": "NH-510104-00001" }),
        ),
        (
            "copy_for_person_file",
            Some(Right::HandleRequests),
            json!({ "code": "NH-510104-00001" }),
        ),
        ("request_due_days", None, json!({})),
        (
            "save_request_due_days",
            Some(Right::ManageSettings),
            json!({ "days": "15" }),
        ),
        (
            "count_overdue_requests",
            Some(Right::HandleRequests),
            json!({}),
        ),
        ("list_backups", Some(Right::ManageBackups), json!({})),
        ("create_backup", Some(Right::ManageBackups), json!({})),
        (
            "restore_backup",
            Some(Right::ManageBackups),
            json!({ "name": "nongdang-none", "confirm": "nongdang-none" }),
        ),
        (
            "check_backup",
            Some(Right::ManageBackups),
            json!({ "name": "nongdang-none" }),
        ),
        (
            "get_lifecycle",
            Some(Right::ViewCustomer),
            json!({ "code": "NH-510104-00001" }),
        ),
        (
            "propose_disposal",
            Some(Right::ProposeDisposal),
            json!({ "code": "NH-510104-00001", "kind": "destroy", "reason": "期满", "extend_until": "" }),
        ),
        (
            "decide_disposal",
            Some(Right::ApproveDisposal),
            json!({ "id": "nosuch", "approve": false, "note": "不同意" }),
        ),
        (
            "set_legal_hold",
            Some(Right::SetLegalHold),
            json!({ "code": "NH-510104-00001", "version": 1, "hold": true, "reason": "诉讼" }),
        ),
        (
            "destruction_register",
            Some(Right::ViewDisposals),
            json!({}),
        ),
        ("retention_policies", None, json!({})),
        (
            "save_retention_policy",
            Some(Right::ManageSettings),
            json!({ "group": "other", "years": "3", "reason": "诉讼时效" }),
        ),
        (
            "answer_feedback",
            Some(Right::HandleFeedback),
            json!({ "id": "nosuch", "answer": "已处理" }),
        ),
        ("consent_lists", None, json!({})),
        ("consent_sheet", None, json!({ "code": "" })),
        (
            "save_consent_item",
            Some(Right::ManageSettings),
            json!({ "legal": false, "item": {
                "key": "training", "name": "技术培训", "description": "培训通知", "active": true,
            }}),
        ),
        (
            "file_consents",
            Some(Right::ViewCustomer),
            json!({ "code": "NH-510104-00001" }),
        ),
        (
            "record_consent",
            Some(Right::RecordConsent),
            json!({ "code": "NH-510104-00001", "consent": {
                "purposes": ["membership"], "method": "paper", "paper_ref": "同意书 1 号",
            }}),
        ),
        (
            "withdraw_consent",
            Some(Right::RecordConsent),
            json!({ "form": { "code": "NH-510104-00001", "purpose": "membership", "note": "来电" } }),
        ),
        (
            "subsidy_roster",
            Some(Right::ExportSubsidyRoster),
            json!({ "region": "510104" }),
        ),
        (
            "export_subsidy_roster",
            Some(Right::ExportSubsidyRoster),
            json!({ "region": "510104" }),
        ),
        (
            "analysis",
            Some(Right::ViewAnalysis),
            json!({ "region": "" }),
        ),
        (
            "export_analysis",
            Some(Right::ViewAnalysis),
            json!({ "region": "" }),
        ),
        ("score_rules", Some(Right::ManageSettings), json!({})),
        (
            "save_score_rules",
            Some(Right::ManageSettings),
            json!({ "rules": {} }),
        ),
    ]
}

/// Server functions anyone may call, signed in or not.
const PUBLIC: [&str; 3] = ["sign_in", "sign_out", "session_user"];

#[test]
fn every_registered_server_function_is_in_the_rights_walk() {
    let mut registered: Vec<String> = server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_string())
        .collect();
    registered.sort();
    let mut walked: Vec<String> = server_functions()
        .into_iter()
        .map(|(name, ..)| name.to_string())
        .chain(PUBLIC.iter().map(|name| name.to_string()))
        .collect();
    walked.sort();

    assert_eq!(registered, walked);
}

#[tokio::test]
async fn without_a_session_every_protected_function_answers_401_and_no_data() {
    let app = TestApp::spawn().await;
    let anonymous = app.anonymous();

    for (endpoint, _, args) in server_functions() {
        let answer = anonymous.call(endpoint, args).await;
        assert_eq!(
            answer.status,
            StatusCode::UNAUTHORIZED,
            "{endpoint} without a session"
        );
        assert_eq!(
            answer.body,
            json!("Unauthenticated"),
            "{endpoint} leaked data"
        );
    }
}

#[tokio::test]
async fn each_role_is_allowed_exactly_what_the_rights_table_grants() {
    let app = TestApp::spawn().await;

    for role in Role::ALL {
        let caller = app.signed_in(role, &["510104"]).await;
        for (endpoint, right, args) in server_functions() {
            let answer = caller.call(endpoint, args).await;
            let refused = answer.status == StatusCode::FORBIDDEN;
            let allowed = right.is_none_or(|r| role.may(r));
            assert_eq!(
                !refused,
                allowed,
                "{endpoint} as {}: status {} body {}",
                role.key(),
                answer.status,
                answer.body
            );
        }
    }
}

#[test]
fn the_readme_prints_the_rights_table_the_code_uses() {
    let readme = include_str!("../../README.md");
    for (right, roles) in RIGHTS {
        let marks: Vec<&str> = Role::ALL
            .iter()
            .map(|role| if roles.contains(role) { "✓" } else { "—" })
            .collect();
        let row = format!("| {} | {} |", right.label(), marks.join(" | "));
        assert!(readme.contains(&row), "README lacks the row: {row}");
    }
}

#[tokio::test]
async fn staff_work_only_inside_their_regions() {
    let app = TestApp::spawn().await;
    let archivist = app.signed_in(Role::Archivist, &[]).await;
    let mut hangzhou = farmer_form("钱七");
    hangzhou["region"] = json!("330106");
    archivist.intake(&farmer_form("张三")).await;
    archivist.intake(&hangzhou).await;
    let chengdu_staff = app.signed_in(Role::Staff, &["510100"]).await;

    let own = chengdu_staff
        .call("get_customer", json!({ "code": "NH-510104-00001" }))
        .await;
    let other = chengdu_staff
        .call("get_customer", json!({ "code": "NH-330106-00001" }))
        .await;
    let listed = chengdu_staff.search("").await;
    let intake_elsewhere = chengdu_staff.intake(&hangzhou).await;

    assert_eq!(own.status, StatusCode::OK);
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    assert_eq!(listed.body["total"], json!(1));
    assert_eq!(listed.body["rows"][0]["code"], json!("NH-510104-00001"));
    assert_eq!(intake_elsewhere.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        intake_elsewhere.body["Invalid"][0]["field"],
        json!("region")
    );
}
