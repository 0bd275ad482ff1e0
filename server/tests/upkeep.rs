//! Keeping files true: the verification cycle, the relationship timeline,
//! the data-quality report and feedback on the system.

mod support;

use app::domain::Role;
use app::domain::time_fmt::today_cst;
use app::domain::upkeep::add_months;
use axum::http::StatusCode;
use serde_json::{Value, json};
use support::{Client, TestApp, farmer_form};

async fn open_file(client: &Client, form: Value) -> String {
    let answer = client.intake(&form).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.body.as_str().expect("a code").to_string()
}

/// Puts a file's next verification `days_ago` days in the past.
async fn make_overdue(app: &TestApp, code: &str, days_ago: i64) {
    let due = today_cst() - time::Duration::days(days_ago);
    app.store
        .raw_query(&format!(
            "UPDATE customer SET next_verification = '{due}' WHERE code = '{code}'"
        ))
        .await
        .expect("due date moved");
}

async fn due_page(client: &Client, region: &str, group: &str) -> Value {
    let answer = client
        .call(
            "due_files",
            json!({ "query": { "region": region, "group": group, "page": 1 } }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.body
}

fn codes(page: &Value) -> Vec<String> {
    page["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

async fn version_of(client: &Client, code: &str) -> i64 {
    let file = client.call("get_customer", json!({ "code": code })).await;
    file.body["version"].as_i64().expect("a version")
}

async fn verify(
    client: &Client,
    code: &str,
    outcome: &str,
    change: impl FnOnce(&mut Value),
) -> support::Answer {
    let file = client
        .call("get_customer", json!({ "code": code }))
        .await
        .body;
    let d = &file["details"];
    let hundredths = d["land_area"].as_u64().expect("an area");
    let mut input = json!({
        "code": code,
        "version": file["version"],
        "outcome": outcome,
        "phone": d["phone"],
        "address": d["address"],
        "land_area": format!("{}.{:02}", hundredths / 100, hundredths % 100),
        "cooperation": d["cooperation"],
        "credit_rating": d["credit"]["rating"],
        "credit_reason": d["credit"]["reason"],
        "ended": false,
        "note": "",
    });
    change(&mut input);
    client
        .call("verify_customer", json!({ "input": input }))
        .await
}

#[tokio::test]
async fn a_new_file_is_due_one_cycle_after_intake_and_the_cycle_is_per_group() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin, &[]).await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;

    let code = open_file(&clerk, farmer_form("王秀英")).await;
    let state = clerk
        .call("get_verification_state", json!({ "code": code }))
        .await
        .body;
    assert_eq!(state["next_due"], add_months(today_cst(), 3).to_string());

    let set = admin
        .call(
            "save_verification_cycle",
            json!({ "group": "farmer", "months": "6" }),
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    let refused = admin
        .call(
            "save_verification_cycle",
            json!({ "group": "farmer", "months": "0" }),
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused.body.to_string().contains("1 到 36"),
        "{}",
        refused.body
    );

    let later = open_file(&clerk, farmer_form("王秀兰")).await;
    let state = clerk
        .call("get_verification_state", json!({ "code": later }))
        .await
        .body;
    assert_eq!(state["next_due"], add_months(today_cst(), 6).to_string());

    // Other groups keep the quarter.
    let mut dealer = farmer_form("成都粮油经销部");
    dealer["group"] = json!("dealer");
    let dealer = open_file(&clerk, dealer).await;
    let state = clerk
        .call("get_verification_state", json!({ "code": dealer }))
        .await
        .body;
    assert_eq!(state["next_due"], add_months(today_cst(), 3).to_string());

    // Verifying a farmer's file now uses the six months.
    make_overdue(&app, &code, 3).await;
    let done = verify(&clerk, &code, "confirmed", |_| {}).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(
        done.body["next_due"],
        add_months(today_cst(), 6).to_string()
    );
}

#[tokio::test]
async fn each_outcome_moves_the_due_date_its_own_way_and_is_recorded() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Staff, &["510104"]).await;
    let code = open_file(&clerk, farmer_form("刘建国")).await;
    let quarter = add_months(today_cst(), 3).to_string();

    // Nobody reached: tried again in a fortnight; the file is unchanged.
    make_overdue(&app, &code, 10).await;
    let version = version_of(&clerk, &code).await;
    let done = verify(&clerk, &code, "unreachable", |i| {
        i["note"] = json!("电话两次无人接听")
    })
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let fortnight = (today_cst() + time::Duration::days(14)).to_string();
    assert_eq!(done.body["next_due"], fortnight);
    assert_eq!(version_of(&clerk, &code).await, version);

    // Confirmed: a whole cycle; still no new version.
    let done = verify(&clerk, &code, "confirmed", |_| {}).await;
    assert_eq!(done.body["next_due"], quarter);
    assert_eq!(version_of(&clerk, &code).await, version);

    // Corrected: a new version with the changes in the history, and a cycle.
    let done = verify(&clerk, &code, "corrected", |i| {
        i["land_area"] = json!("15");
        i["address"] = json!("锦江区三圣街道红砂村 5 组");
    })
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(done.body["next_due"], quarter);
    assert_eq!(done.body["version"], version + 1);
    let history = clerk
        .call("customer_history", json!({ "code": code }))
        .await
        .body;
    assert!(
        history[0]["reason"]
            .as_str()
            .unwrap_or_default()
            .starts_with("定期核对")
    );
    assert_eq!(history[0]["changes"].as_array().map(Vec::len), Some(2));

    // A correction that corrects nothing is refused: that is a confirmation.
    let refused = verify(&clerk, &code, "corrected", |_| {}).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused.body.to_string().contains("信息无误"),
        "{}",
        refused.body
    );

    // A credit change needs a note.
    let refused = verify(&clerk, &code, "corrected", |i| {
        i["credit_rating"] = json!("c");
        i["credit_reason"] = json!("去年拖欠货款");
    })
    .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );

    let state = clerk
        .call("get_verification_state", json!({ "code": code }))
        .await
        .body;
    let outcomes: Vec<&str> = state["records"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| r["outcome"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(outcomes, ["corrected", "confirmed", "unreachable"]);
    assert_eq!(state["records"][2]["note"], "电话两次无人接听");
    assert_eq!(
        state["records"][0]["changed"],
        json!(["address", "land_area"])
    );
}

#[tokio::test]
async fn an_ended_relationship_takes_the_file_out_of_the_cycle() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let code = open_file(&clerk, farmer_form("赵桂芳")).await;
    make_overdue(&app, &code, 1).await;
    assert_eq!(codes(&due_page(&clerk, "", "").await), [code.as_str()]);

    let done = verify(&clerk, &code, "corrected", |i| {
        i["ended"] = json!(true);
        i["note"] = json!("已迁往外省，不再合作");
    })
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(done.body["next_due"], "");
    let file = clerk
        .call("get_customer", json!({ "code": code }))
        .await
        .body;
    assert_eq!(file["status"], "inactive");
    assert!(codes(&due_page(&clerk, "", "").await).is_empty());

    // An inactive file is not verified.
    let refused = verify(&clerk, &code, "confirmed", |_| {}).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);

    // The customer comes back: the file is active again and due at once.
    let version = version_of(&clerk, &code).await;
    let no_reason = clerk
        .call(
            "resume_cooperation",
            json!({ "code": code, "version": version, "reason": " " }),
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::BAD_REQUEST);
    let resumed = clerk
        .call(
            "resume_cooperation",
            json!({ "code": code, "version": version, "reason": "迁回本村，重新入社" }),
        )
        .await;
    assert_eq!(resumed.status, StatusCode::OK, "{}", resumed.body);
    let file = clerk
        .call("get_customer", json!({ "code": code }))
        .await
        .body;
    assert_eq!(file["status"], "active");
    assert_eq!(codes(&due_page(&clerk, "", "").await), [code.as_str()]);
    let history = clerk
        .call("customer_history", json!({ "code": code }))
        .await
        .body;
    assert_eq!(history[0]["reason"], "迁回本村，重新入社");
    assert_eq!(history[0]["changes"][0]["after"], "在档");
    let again = clerk
        .call(
            "resume_cooperation",
            json!({ "code": code, "version": version + 1, "reason": "再次" }),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn the_due_list_keeps_to_the_callers_regions_and_filters() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let jinjiang = open_file(&clerk, farmer_form("陈志强")).await;
    let mut elsewhere = farmer_form("陈志刚");
    elsewhere["region"] = json!("330106");
    elsewhere["address"] = json!("西湖区转塘街道");
    let xihu = open_file(&clerk, elsewhere).await;
    let mut dealer = farmer_form("锦江农资经销部");
    dealer["group"] = json!("dealer");
    let dealer = open_file(&clerk, dealer).await;
    let not_due = open_file(&clerk, farmer_form("陈志明")).await;
    make_overdue(&app, &jinjiang, 30).await;
    make_overdue(&app, &xihu, 5).await;
    make_overdue(&app, &dealer, -3).await; // due in three days

    let all = due_page(&clerk, "", "").await;
    assert_eq!(
        codes(&all),
        [jinjiang.clone(), xihu.clone(), dealer.clone()]
    );
    assert_eq!(all["counts"], json!({ "overdue": 2, "soon": 1 }));
    assert_eq!(all["rows"][0]["dueness"], json!({ "Overdue": 30 }));
    assert!(!codes(&all).contains(&not_due));

    assert_eq!(
        codes(&due_page(&clerk, "510100", "").await),
        [jinjiang.clone(), dealer.clone()]
    );
    assert_eq!(
        codes(&due_page(&clerk, "", "dealer").await),
        [dealer.as_str()]
    );

    // A staff member of Jinjiang sees only Jinjiang's files, and counts.
    let staff = app.signed_in(Role::Staff, &["510104"]).await;
    let theirs = due_page(&staff, "", "").await;
    assert_eq!(codes(&theirs), [jinjiang.clone(), dealer.clone()]);
    assert_eq!(theirs["counts"], json!({ "overdue": 1, "soon": 1 }));
    let counts = staff.call("count_due", json!({})).await.body;
    assert_eq!(counts, json!({ "overdue": 1, "soon": 1 }));
    // And cannot verify a file outside them.
    let refused = verify(&clerk, &xihu, "confirmed", |_| {}).await;
    assert_eq!(refused.status, StatusCode::OK, "the archivist may");
    let outside = staff
        .call(
            "verify_customer",
            json!({ "input": { "code": xihu, "version": 1, "outcome": "confirmed" } }),
        )
        .await;
    assert_eq!(outside.status, StatusCode::NOT_FOUND);

    // Verified files leave the list.
    let done = verify(&staff, &jinjiang, "confirmed", |_| {}).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(codes(&due_page(&staff, "", "").await), [dealer]);
}

#[tokio::test]
async fn a_stale_verification_is_refused() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let code = open_file(&clerk, farmer_form("孙丽")).await;
    let answer = clerk
        .call(
            "verify_customer",
            json!({ "input": { "code": code, "version": 7, "outcome": "confirmed" } }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CONFLICT, "{}", answer.body);
}

async fn timeline(client: &Client, code: &str) -> Value {
    let answer = client.call("timeline", json!({ "code": code })).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.body
}

#[tokio::test]
async fn an_issue_moves_from_open_to_resolved_and_every_step_is_kept() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in(Role::Staff, &["510104"]).await;
    let manager = app.signed_in(Role::Manager, &["510000"]).await;
    let code = open_file(&staff, farmer_form("周海燕")).await;

    let added = staff
        .call(
            "add_timeline_entry",
            json!({ "code": code, "form": {
                "kind": "issue", "title": "种子发芽率低", "detail": "玉米种子出苗不足六成",
                "owner": manager.username, "due": (today_cst() - time::Duration::days(2)).to_string(),
            }}),
        )
        .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    let id = added.body.as_str().expect("an id").to_string();

    // On the manager's list, past due.
    let tasks = manager.call("my_tasks", json!({})).await.body;
    assert_eq!(tasks[0]["id"], id);
    assert_eq!(tasks[0]["dueness"], json!({ "Overdue": 2 }));
    assert!(
        staff
            .call("my_tasks", json!({}))
            .await
            .body
            .as_array()
            .is_some_and(Vec::is_empty)
    );

    let mv = |to: &str, note: &str, version: i64| json!({ "id": id, "version": version, "to": to, "note": note });
    let answer = manager
        .call(
            "move_timeline_entry",
            mv("in_progress", "已联系种子公司", 1),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    // Resolving needs the result.
    let refused = manager
        .call("move_timeline_entry", mv("closed", " ", 2))
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused.body.to_string().contains("处理办法"),
        "{}",
        refused.body
    );
    // A stale step is refused.
    let stale = manager
        .call("move_timeline_entry", mv("closed", "补种", 1))
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let answer = manager
        .call(
            "move_timeline_entry",
            mv("closed", "种子公司补发种子，已补种", 2),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);

    let entries = timeline(&staff, &code).await;
    let entry = &entries[0];
    assert_eq!(entry["status"], "closed");
    let steps = entry["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), 3);
    assert_eq!(steps[0]["by"], staff.username.as_str());
    assert_eq!(steps[1]["action"], json!({ "Moved": "in_progress" }));
    assert_eq!(steps[2]["by"], manager.username.as_str());
    assert_eq!(steps[2]["note"], "种子公司补发种子，已补种");
    assert!(
        manager
            .call("my_tasks", json!({}))
            .await
            .body
            .as_array()
            .is_some_and(Vec::is_empty)
    );

    // Feedback never moves; a correction keeps what it replaced.
    let fb = staff
        .call(
            "add_timeline_entry",
            json!({ "code": code, "form": { "kind": "feedback", "title": "希望多办技术培训" } }),
        )
        .await;
    let fb = fb.body.as_str().expect("an id").to_string();
    let refused = staff
        .call(
            "move_timeline_entry",
            json!({ "id": fb, "version": 1, "to": "open", "note": "x" }),
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let corrected = staff
        .call(
            "correct_timeline_entry",
            json!({ "id": fb, "version": 1, "reason": "记错了内容",
                    "form": { "kind": "feedback", "title": "希望多办植保培训" } }),
        )
        .await;
    assert_eq!(corrected.status, StatusCode::OK, "{}", corrected.body);
    let entries = timeline(&staff, &code).await;
    let feedback = entries
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["id"] == fb.as_str())
        .expect("the feedback");
    assert_eq!(feedback["content"]["title"], "希望多办植保培训");
    assert_eq!(
        feedback["steps"][1]["action"]["Corrected"]["previous"]["title"],
        "希望多办技术培训"
    );
    assert_eq!(feedback["steps"][1]["note"], "记错了内容");

    // Nothing is removed, even by hand in the database.
    let removed = app.store.raw_query("DELETE timeline_entry").await;
    assert!(removed.is_err(), "entries cannot be deleted");
    let removed = app.store.raw_query("DELETE timeline_step").await;
    assert!(removed.is_err(), "steps cannot be deleted");
}

#[tokio::test]
async fn timelines_keep_to_regions_and_refuse_bad_entries() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let staff = app.signed_in(Role::Staff, &["330106"]).await;
    let auditor = app.signed_in(Role::Auditor, &[]).await;
    let code = open_file(&clerk, farmer_form("吴淑珍")).await;

    let outside = staff
        .call(
            "add_timeline_entry",
            json!({ "code": code, "form": { "kind": "feedback", "title": "满意" } }),
        )
        .await;
    assert_eq!(outside.status, StatusCode::NOT_FOUND);
    assert_eq!(
        staff.call("timeline", json!({ "code": code })).await.status,
        StatusCode::NOT_FOUND
    );
    let no_right = auditor
        .call(
            "add_timeline_entry",
            json!({ "code": code, "form": { "kind": "feedback", "title": "满意" } }),
        )
        .await;
    assert_eq!(no_right.status, StatusCode::FORBIDDEN);

    // A follow-up needs an owner who keeps timelines, and a date.
    let bad = clerk
        .call(
            "add_timeline_entry",
            json!({ "code": code, "form": { "kind": "follow_up", "title": "回访", "owner": auditor.username, "due": "2027-01-05" } }),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.to_string().contains("负责人"), "{}", bad.body);
    let bad = clerk
        .call(
            "add_timeline_entry",
            json!({ "code": code, "form": { "kind": "follow_up", "title": "回访", "owner": clerk.username } }),
        )
        .await;
    assert!(bad.body.to_string().contains("截止日期"), "{}", bad.body);
    let ok = clerk
        .call(
            "add_timeline_entry",
            json!({ "code": code, "form": {
                "kind": "cooperation", "title": "复合肥采购", "quantity": "20 吨",
                "value": "56,000", "start": "2026-03-01", "end": "2026-03-31",
            }}),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let entries = timeline(&clerk, &code).await;
    assert_eq!(entries[0]["content"]["value"], "56000.00");
    assert_eq!(entries[0]["status"], "open");
}

#[tokio::test]
async fn the_quality_report_counts_per_region_and_person() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let staff = app.signed_in(Role::Staff, &["510104"]).await;
    let manager = app.signed_in(Role::Manager, &["510104"]).await;
    let auditor = app.signed_in(Role::Auditor, &[]).await;

    let bare = open_file(&staff, farmer_form("郑大山")).await;
    let mut whole = farmer_form("郑小河");
    whole["township"] = json!("510104022");
    whole["household"] =
        json!([{ "name": "李花", "relation": "spouse", "id_number": "", "labour": true }]);
    whole["parcels"] =
        json!([{ "location": "村东", "area": "12.5", "crop": "水稻", "tenure": "contracted" }]);
    whole["cooperation"] = json!(["input_purchase"]);
    whole["credit_rating"] = json!("b");
    whole["credit_reason"] = json!("按时付款");
    whole["paper_cabinet"] = json!("1");
    let whole = open_file(&clerk, whole).await;
    let mut away = farmer_form("钱多多");
    away["region"] = json!("330106");
    away["address"] = json!("西湖区");
    open_file(&clerk, away).await;
    make_overdue(&app, &bare, 4).await;
    staff
        .call(
            "add_timeline_entry",
            json!({ "code": whole, "form": {
                "kind": "issue", "title": "化肥结块", "owner": staff.username,
                "due": (today_cst() - time::Duration::days(1)).to_string(),
            }}),
        )
        .await;

    let report = manager.call("get_quality_report", json!({})).await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    let report = report.body;
    assert_eq!(report["totals"]["files"], 2, "only the manager's county");
    assert_eq!(report["totals"]["incomplete"], 1);
    assert_eq!(report["totals"]["overdue"], 1);
    assert_eq!(report["totals"]["issues_past_due"], 1);
    assert_eq!(report["by_region"][0]["key"], "510104");
    let people = report["by_person"].as_array().expect("people");
    let of = |user: &str| {
        people
            .iter()
            .find(|p| p["key"] == user)
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(of(&staff.username)["incomplete"], 1);
    assert_eq!(of(&staff.username)["overdue"], 1);
    assert_eq!(of(&staff.username)["issues_past_due"], 1);
    assert_eq!(of(&clerk.username)["incomplete"], 0);
    assert_eq!(report["incomplete_files"][0]["code"], bare.as_str());
    assert!(
        report["incomplete_files"][0]["missing"]
            .as_str()
            .unwrap_or_default()
            .contains("合作意向")
    );

    let all = auditor.call("get_quality_report", json!({})).await.body;
    assert_eq!(all["totals"]["files"], 3);
    assert_eq!(
        staff.call("get_quality_report", json!({})).await.status,
        StatusCode::FORBIDDEN
    );
    let xlsx = manager
        .call("export_quality_report", json!({ "format": "xlsx" }))
        .await;
    assert_eq!(xlsx.status, StatusCode::OK, "{}", xlsx.body);
    assert!(
        xlsx.body["file_name"]
            .as_str()
            .unwrap_or_default()
            .ends_with(".xlsx")
    );
    let csv = manager
        .call("export_quality_report", json!({ "format": "csv" }))
        .await;
    let bytes = base64_decode(csv.body["base64"].as_str().unwrap_or_default());
    let text = String::from_utf8(bytes).expect("utf-8");
    assert!(
        text.contains("按人员") && text.contains(bare.as_str()),
        "{text}"
    );
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .expect("base64")
}

#[tokio::test]
async fn feedback_is_sent_by_anyone_and_answered_by_managers() {
    let app = TestApp::spawn().await;
    let staff = app.signed_in(Role::Staff, &["510104"]).await;
    let auditor = app.signed_in(Role::Auditor, &[]).await;
    let manager = app.signed_in(Role::Manager, &["510000"]).await;

    let empty = staff
        .call(
            "send_feedback",
            json!({ "form": { "page": "/intake", "happened": "", "suggestion": " " } }),
        )
        .await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    for (client, text) in [
        (&staff, "地块面积不能填小数点后三位"),
        (&auditor, "导出希望带筛选条件"),
    ] {
        let sent = client
            .call(
                "send_feedback",
                json!({ "form": { "page": "/intake", "happened": text, "suggestion": "" } }),
            )
            .await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    }

    let own = staff.call("list_feedback", json!({})).await.body;
    assert_eq!(own["everyone"], false);
    assert_eq!(own["items"].as_array().map(Vec::len), Some(1));
    let all = manager.call("list_feedback", json!({})).await.body;
    assert_eq!(all["everyone"], true);
    assert_eq!(all["items"].as_array().map(Vec::len), Some(2));

    let id = own["items"][0]["id"].as_str().expect("an id").to_string();
    let refused = staff
        .call("answer_feedback", json!({ "id": id, "answer": "好" }))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let answered = manager
        .call(
            "answer_feedback",
            json!({ "id": id, "answer": "两位小数已足够，表单提示已改清楚" }),
        )
        .await;
    assert_eq!(answered.status, StatusCode::OK, "{}", answered.body);
    let own = staff.call("list_feedback", json!({})).await.body;
    assert_eq!(own["items"][0]["handled"], true);
    assert_eq!(own["items"][0]["answered_by"], manager.username.as_str());
    let missing = manager
        .call("answer_feedback", json!({ "id": "nosuch", "answer": "好" }))
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}
