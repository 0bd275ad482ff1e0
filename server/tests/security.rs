//! Cross-site requests and security headers.

mod support;

use app::domain::Role;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use support::{TestApp, farmer_form};

#[tokio::test]
async fn a_cross_site_post_is_refused_even_with_a_valid_session() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let cookie = support::session_cookie_of(&clerk);

    let forged = Request::post("/api/intake_customer")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::COOKIE, cookie)
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::ORIGIN, "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .body(Body::from(
            json!({ "form": farmer_form("张三") }).to_string(),
        ))
        .expect("request");
    let answer = clerk.send(forged).await;

    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(clerk.search("").await.body["total"], json!(0));
}

#[tokio::test]
async fn a_server_function_does_not_answer_get() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;

    let (status, _, _) = clerk.get("/api/intake_customer").await;

    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn every_page_carries_the_security_headers_and_a_nonce_for_its_scripts() {
    let app = TestApp::spawn().await;

    let (status, headers, html) = app.anonymous().get("/login").await;

    assert_eq!(status, StatusCode::OK);
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    let csp = header("content-security-policy");
    assert!(csp.contains("'wasm-unsafe-eval'"));
    assert!(csp.contains("frame-ancestors 'none'"));
    assert!(!csp.contains("'unsafe-inline'"));
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap_or("");
    assert!(nonce.len() >= 22, "no nonce in {csp}");
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script lacks the nonce"
    );
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(header("referrer-policy"), "same-origin");
    assert!(header("permissions-policy").contains("camera=()"));
}

#[tokio::test]
async fn a_page_without_a_session_sends_the_browser_to_sign_in() {
    let app = TestApp::spawn().await;

    let (status, headers, _) = app.anonymous().get("/customers?q=%E5%BC%A0").await;

    assert_eq!(status, StatusCode::FOUND);
    let location = headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert_eq!(location, "/login?next=%2Fcustomers%3Fq%3D%25E5%25BC%25A0");
}
