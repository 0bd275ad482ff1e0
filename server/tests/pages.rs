//! Pages rendered on the server, and the files of the installable app.

mod support;

use app::domain::Role;
use axum::http::StatusCode;
use support::{TestApp, farmer_form};

#[tokio::test]
async fn the_intake_page_is_chinese_and_labels_every_field() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;

    let (status, _, html) = clerk.get("/intake").await;

    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"<html lang="zh-CN""#));
    assert!(html.contains(r#"name="theme-color""#));
    assert!(html.contains(r#"rel="manifest""#));
    for field in [
        "group",
        "name",
        "phone",
        "id_kind",
        "id_number",
        "region",
        "address",
        "land_area",
    ] {
        assert!(
            html.contains(&format!(r#"<label for="{field}""#)),
            "no label for {field}"
        );
    }
}

#[tokio::test]
async fn the_file_page_is_rendered_from_the_database() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    clerk.intake(&farmer_form("张三")).await;

    let (status, _, html) = clerk.get("/customers/NH-510104-00001").await;

    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("张三"));
    assert!(html.contains("NH-510104-00001"));
}

#[tokio::test]
async fn a_file_s_pages_hand_the_browser_the_data_they_were_drawn_from() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    clerk.intake(&farmer_form("张三")).await;

    // The browser takes over from the values the server rendered with; an
    // error among them would be drawn over the file and stop the page. A
    // page that read its data with several calls got such an error now and
    // then, so each page is asked for several times.
    for page in ["", "/edit", "/verify"].repeat(10) {
        let (status, _, html) = clerk
            .get(&format!("/customers/NH-510104-00001{page}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(html.contains("__RESOLVED_RESOURCES["), "{page}");
        assert!(html.contains(r#"{\"Ok\":{\"customer\":"#), "{page}");
        assert!(!html.contains(r#"{\"Err\""#), "{page}: {html}");
    }
}

#[tokio::test]
async fn an_unknown_address_is_a_chinese_not_found_page() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;

    let (status, _, html) = clerk.get("/no-such-page").await;

    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("页面不存在"));
}

#[tokio::test]
async fn the_service_worker_never_caches_server_functions() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;

    let (status, _, worker) = clerk.get("/sw.js").await;

    assert_eq!(status, StatusCode::OK);
    assert!(worker.contains(r#"url.pathname.startsWith("/api/")"#));
    assert!(worker.contains(r#""/pkg/nongdang"#));
}
