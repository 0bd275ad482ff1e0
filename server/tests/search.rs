//! 信息检索 through the real server function: each kind of text the search
//! box understands, each filter, the orders, pages that continue from a
//! cursor, and the caller's regions.

mod support;

use app::domain::Role;
use axum::http::StatusCode;
use serde_json::{Value, json};
use support::{Client, TestApp, farmer_form, fresh_phone};

async fn search(client: &Client, query: Value) -> Value {
    let answer = client
        .call("search_customers", json!({ "query": query }))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.body
}

fn codes(results: &Value) -> Vec<String> {
    results["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["code"].as_str().map(str::to_string))
        .collect()
}

async fn file(client: &Client, form: Value) -> String {
    let answer = client.intake(&form).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.body.as_str().expect("a code").to_string()
}

#[tokio::test]
async fn the_search_box_finds_codes_names_pinyin_phones_and_id_numbers() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let (phone, extra) = (fresh_phone(), fresh_phone());
    let mut zhang = farmer_form("张三");
    zhang["phone"] = json!(phone);
    zhang["extra_phones"] = json!([extra]);
    let id_number = zhang["id_number"].as_str().expect("id").to_string();
    let zhang = file(&clerk, zhang).await;
    let zhou = file(&clerk, farmer_form("周松")).await;
    let li = file(&clerk, farmer_form("李四")).await;
    let text = |t: &str| json!({ "text": t });

    assert_eq!(codes(&search(&clerk, text("张")).await), [zhang.as_str()]);
    assert_eq!(
        codes(&search(&clerk, text("zhangsan")).await),
        [zhang.as_str()]
    );
    assert_eq!(
        codes(&search(&clerk, text("zhang")).await),
        [zhang.as_str()]
    );
    // Initials: 张三 and 周松 are both "zs".
    assert_eq!(
        codes(&search(&clerk, text("ZS")).await),
        [zhang.as_str(), zhou.as_str()]
    );
    assert_eq!(codes(&search(&clerk, text("ls")).await), [li.as_str()]);
    assert_eq!(codes(&search(&clerk, text(&phone)).await), [zhang.as_str()]);
    assert_eq!(codes(&search(&clerk, text(&extra)).await), [zhang.as_str()]);
    assert_eq!(
        codes(&search(&clerk, text(&extra[7..])).await),
        [zhang.as_str()],
        "the last four digits of a further phone"
    );
    assert_eq!(
        codes(&search(&clerk, text(&id_number.to_lowercase())).await),
        [zhang.as_str()]
    );
    assert_eq!(
        codes(&search(&clerk, text(&li[..12])).await),
        [zhang.as_str(), zhou.as_str(), li.as_str()],
        "the beginning of a code"
    );
    assert_eq!(search(&clerk, text("赵")).await["total"], json!(0));
    assert_eq!(search(&clerk, text("0000")).await["total"], json!(0));
}

#[tokio::test]
async fn filters_narrow_the_list_and_bad_ones_are_named() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let mut big = farmer_form("王大田");
    big["land_area"] = json!("80");
    big["cooperation"] = json!(["land_trusteeship"]);
    big["credit_rating"] = json!("a");
    big["credit_reason"] = json!("按期结清");
    big["tags"] = json!("种粮大户");
    big["region"] = json!("510105");
    let big = file(&clerk, big).await;
    let mut small = farmer_form("王小地");
    small["land_area"] = json!("3");
    small["cooperation"] = json!(["input_purchase"]);
    let small = file(&clerk, small).await;
    let mut dealer = farmer_form("成都好粮商贸有限公司");
    dealer["group"] = json!("dealer");
    dealer["id_kind"] = json!("credit_code");
    dealer["id_number"] = json!("91350100M000100Y43");
    dealer["legal_representative"] = json!("钱七");
    dealer["contact_person"] = json!("孙八");
    dealer["land_area"] = json!("0");
    let dealer = file(&clerk, dealer).await;
    let filter = |q: Value| async { codes(&search(&clerk, q).await) };

    assert_eq!(
        filter(json!({ "group": "farmer" })).await,
        [small.as_str(), big.as_str()]
    );
    assert_eq!(
        filter(json!({ "group": "dealer" })).await,
        [dealer.as_str()]
    );
    assert_eq!(filter(json!({ "region": "510105" })).await, [big.as_str()]);
    assert_eq!(filter(json!({ "region": "510100" })).await.len(), 3);
    assert_eq!(filter(json!({ "land_min": "50" })).await, [big.as_str()]);
    assert_eq!(
        filter(json!({ "land_min": "1", "land_max": "10" })).await,
        [small.as_str()]
    );
    assert_eq!(
        filter(json!({ "cooperation": "land_trusteeship" })).await,
        [big.as_str()]
    );
    assert_eq!(filter(json!({ "credit": "a" })).await, [big.as_str()]);
    assert_eq!(filter(json!({ "tag": "种粮大户" })).await, [big.as_str()]);
    assert_eq!(
        filter(json!({ "text": "wang", "cooperation": "input_purchase" })).await,
        [small.as_str()]
    );
    assert!(filter(json!({ "status": "inactive" })).await.is_empty());

    let bad = clerk
        .call(
            "search_customers",
            json!({ "query": { "land_min": "很多" } }),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.to_string().contains("土地面积"), "{}", bad.body);
}

#[tokio::test]
async fn verification_due_and_overdue_files_are_found() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let overdue = file(&clerk, farmer_form("赵过期")).await;
    let soon = file(&clerk, farmer_form("赵将到")).await;
    let later = file(&clerk, farmer_form("赵还早")).await;
    let today = app::domain::time_fmt::today_cst();
    for (code, due) in [
        (&overdue, today - time::Duration::days(3)),
        (&soon, today + time::Duration::days(5)),
        (&later, today + time::Duration::days(60)),
    ] {
        app.store
            .raw_query(&format!(
                "UPDATE customer SET next_verification = '{due}' WHERE code = '{code}'"
            ))
            .await
            .expect("due date set");
    }

    let due = search(&clerk, json!({ "due": "due", "sort": "due" })).await;
    assert_eq!(codes(&due), [overdue.as_str(), soon.as_str()]);
    let late = search(&clerk, json!({ "due": "overdue" })).await;
    assert_eq!(codes(&late), [overdue.as_str()]);
    let by_due = search(&clerk, json!({ "sort": "due" })).await;
    assert_eq!(codes(&by_due), [overdue, soon, later]);
}

#[tokio::test]
async fn pages_continue_from_a_cursor_in_every_order_and_go_back() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    // Names that repeat, so the code breaks ties between pages.
    for name in ["陈一", "陈一", "陈一", "白二", "白二", "林三", "林三"] {
        file(&clerk, farmer_form(name)).await;
    }
    for sort in ["code", "name", "updated", "due"] {
        let all = codes(&search(&clerk, json!({ "sort": sort, "page_size": 100 })).await);
        assert_eq!(all.len(), 7, "{sort}");
        let mut walked = Vec::new();
        let mut query = json!({ "sort": sort, "page_size": 3, "page": 1 });
        let mut pages = Vec::new();
        loop {
            let page = search(&clerk, query.clone()).await;
            walked.extend(codes(&page));
            pages.push(page.clone());
            if page["has_next"] != json!(true) {
                break;
            }
            let next = query["page"].as_u64().expect("page") + 1;
            query = json!({ "sort": sort, "page_size": 3, "page": next, "after": page["last"] });
        }
        assert_eq!(walked, all, "walking forward in {sort} order");
        assert_eq!(pages.len(), 3);
        // Back from the last page to the one before it.
        let back = search(
            &clerk,
            json!({ "sort": sort, "page_size": 3, "page": 2, "before": pages[2]["first"] }),
        )
        .await;
        assert_eq!(
            codes(&back),
            codes(&pages[1]),
            "stepping back in {sort} order"
        );
        assert_eq!(back["has_next"], json!(true));
    }
    let names: Vec<String> =
        search(&clerk, json!({ "sort": "name", "page_size": 100 })).await["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .filter_map(|r| r["name"].as_str().map(str::to_string))
            .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);

    let garbage = clerk
        .call(
            "search_customers",
            json!({ "query": { "page": 2, "after": "not a cursor" } }),
        )
        .await;
    assert_eq!(garbage.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn staff_find_only_files_in_their_regions() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let here = file(&clerk, farmer_form("钟在此")).await;
    let mut away = farmer_form("钟在外");
    away["region"] = json!("510105");
    let away_phone = fresh_phone();
    away["phone"] = json!(away_phone);
    file(&clerk, away).await;
    let staff = app.signed_in(Role::Staff, &["510104"]).await;

    assert_eq!(
        codes(&search(&staff, json!({ "text": "zhong" })).await),
        [here.as_str()]
    );
    assert_eq!(codes(&search(&staff, json!({})).await), [here]);
    assert_eq!(
        search(&staff, json!({ "text": away_phone })).await["total"],
        json!(0)
    );
    assert_eq!(
        search(&staff, json!({ "region": "510105" })).await["total"],
        json!(0)
    );
}

#[tokio::test]
async fn a_destroyed_name_and_phone_find_nothing() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let mut form = farmer_form("霍销毁");
    let phone = fresh_phone();
    form["phone"] = json!(phone);
    let code = file(&clerk, form).await;
    app.store
        .raw_query(&format!(
            "UPDATE customer SET status = 'destroyed', name = '（已销毁）', name_pinyin = '', \
             name_initials = '' WHERE code = '{code}'; \
             DELETE search_key WHERE file = type::record('customer', '{code}');"
        ))
        .await
        .expect("scrubbed");
    for text in ["霍", "huo", &phone, &phone[7..]] {
        assert_eq!(
            search(&clerk, json!({ "text": text })).await["total"],
            json!(0),
            "{text}"
        );
    }
}

#[tokio::test]
async fn files_are_found_by_the_month_they_were_opened() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let code = file(&clerk, farmer_form("孔本月")).await;
    let today = app::domain::time_fmt::today_cst();
    let this_month = format!("{:04}-{:02}", today.year(), u8::from(today.month()));
    let last_month = {
        let earlier = today.replace_day(1).expect("the first") - time::Duration::days(1);
        format!("{:04}-{:02}", earlier.year(), u8::from(earlier.month()))
    };

    let now = search(&clerk, json!({ "opened": this_month })).await;
    let before = search(&clerk, json!({ "opened": last_month })).await;
    let refused = clerk
        .call(
            "search_customers",
            json!({ "query": { "opened": "上个月" } }),
        )
        .await;

    assert_eq!(codes(&now), [code.as_str()]);
    assert!(codes(&before).is_empty());
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused.body.to_string().contains("建档月份"),
        "{}",
        refused.body
    );
}

#[tokio::test]
async fn lists_by_code_hold_files_that_moved_county_and_page_through_them() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    // A file opened in 510104 and moved to 510105, with files opened in
    // each county beside it.
    let moved = file(&clerk, farmer_form("严搬走")).await;
    let stayed = file(&clerk, farmer_form("严留下")).await;
    let mut there = Vec::new();
    for name in ["严一", "严二", "严三"] {
        let mut form = farmer_form(name);
        form["region"] = json!("510105");
        there.push(file(&clerk, form).await);
    }
    let current = clerk
        .call("get_customer", json!({ "code": moved }))
        .await
        .body;
    let mut form = serde_json::to_value(
        serde_json::from_value::<app::domain::Customer>(current.clone())
            .expect("a file")
            .details
            .to_form(),
    )
    .expect("a form");
    form["region"] = json!("510105");
    form["confirm_duplicates"] = json!(true);
    let saved = clerk
        .call(
            "update_customer",
            json!({ "edit": { "code": moved, "version": current["version"], "form": form, "reason": "搬到青羊区" } }),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);

    let county = search(&clerk, json!({ "region": "510105" })).await;
    let mut expected = vec![moved.clone()];
    expected.extend(there.iter().cloned());
    assert_eq!(codes(&county), expected, "the moved file first by its code");
    let home = search(&clerk, json!({ "region": "510104" })).await;
    assert_eq!(codes(&home), [stayed.as_str()]);

    // Staff of 510105 page through the same files two at a time, and back.
    let staff = app.signed_in(Role::Staff, &["510105"]).await;
    let first = search(&staff, json!({ "page_size": 2 })).await;
    assert_eq!(codes(&first), expected[..2]);
    let second = search(
        &staff,
        json!({ "page_size": 2, "page": 2, "after": first["last"] }),
    )
    .await;
    assert_eq!(codes(&second), expected[2..]);
    let back = search(
        &staff,
        json!({ "page_size": 2, "page": 1, "before": second["first"] }),
    )
    .await;
    assert_eq!(codes(&back), expected[..2]);
    let farmers = search(&staff, json!({ "group": "farmer" })).await;
    assert_eq!(codes(&farmers), expected);
}

#[tokio::test]
async fn an_intention_many_files_share_finds_what_a_rare_one_does() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let mut wanted = Vec::new();
    for name in ["葛托管", "葛也托管"] {
        let mut form = farmer_form(name);
        form["cooperation"] = json!(["land_trusteeship"]);
        wanted.push(file(&clerk, form).await);
    }
    file(&clerk, farmer_form("葛不托管")).await;
    let query = json!({ "cooperation": "land_trusteeship" });
    let rare = search(&clerk, query.clone()).await;

    // As many keys as a common intention has, for files not in this test.
    app.store
        .raw_query(
            "FOR $i IN 0..2000 { CREATE search_key SET key = 'coop:land_trusteeship', \
             file = type::record('customer', 'XX-000000-' + <string>$i) };",
        )
        .await
        .expect("keys written");
    let common = search(&clerk, query).await;

    assert_eq!(codes(&rare), wanted);
    assert_eq!(codes(&common), wanted);
    assert_eq!(common["total"], json!(2));
}
