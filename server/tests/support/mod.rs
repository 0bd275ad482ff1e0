//! A test instance of the app: the real router and server functions on a
//! fresh in-memory archive, called through HTTP requests, signed in as
//! whoever the test needs.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of the helpers"
)]

use std::sync::atomic::{AtomicUsize, Ordering};

use app::api::caller::AuthSettings;
use app::domain::audit::{AlertRules, AuditAction};
use app::domain::{RegionCode, Role, Username};
use app::secure::password;
use app::store::{AuditEntry, AuditSigner, NewUser, Store};
use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Request, StatusCode, header};
use leptos::prelude::LeptosOptions;
use serde::Serialize;
use serde_json::{Value, json};
use server::http::{AppState, router};
use tower::ServiceExt;

/// The password of every account the tests create.
pub const PASSWORD: &str = "Tea-field-2026";

#[derive(Clone)]
pub struct TestApp {
    router: Router,
    pub store: Store,
}

/// A caller of the app: anonymous, or holding a session cookie.
#[derive(Clone)]
pub struct Client {
    app: TestApp,
    cookie: Option<String>,
    pub username: String,
}

/// An answer: status, headers and JSON body.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::with_settings(AuthSettings::default()).await
    }

    pub async fn with_settings(auth: AuthSettings) -> Self {
        let store = Store::in_memory().await.expect("in-memory store opens");
        let leptos_options = LeptosOptions::builder().output_name("nongdang").build();
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let folder = std::env::temp_dir().join(format!(
            "nongdang-test-backups-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let backups = store.backups(folder, 3);
        let router = router(AppState {
            leptos_options,
            backups,
            store: store.clone(),
            auth,
            audit: AuditSigner::new(&[5; 32], None),
            // Tests run at any hour: office hours cover the whole day.
            alert_rules: AlertRules {
                hours_start: 0,
                hours_end: 24,
                ..AlertRules::default()
            },
        });
        Self { router, store }
    }

    pub fn anonymous(&self) -> Client {
        Client {
            app: self.clone(),
            cookie: None,
            username: String::new(),
        }
    }

    /// Creates an account with `role` and `regions` and signs it in.
    pub async fn signed_in(&self, role: Role, regions: &[&str]) -> Client {
        let username = self.create_account(role, regions, false).await;
        self.sign_in(&username).await
    }

    /// Creates an account and answers its user name.
    pub async fn create_account(&self, role: Role, regions: &[&str], must_change: bool) -> String {
        static NEXT: AtomicUsize = AtomicUsize::new(1);
        let username = format!("{}{}", role.key(), NEXT.fetch_add(1, Ordering::Relaxed));
        let user = NewUser {
            username: Username::parse(&username).expect("valid user name"),
            display_name: format!("测试{}", role.label()),
            role,
            regions: regions
                .iter()
                .map(|r| RegionCode::parse(r).expect("region"))
                .collect(),
            password_hash: password::hash(PASSWORD.to_string()).await.expect("hashes"),
            must_change_password: must_change,
        };
        assert!(
            self.store
                .create_user(
                    &user,
                    &AuditEntry::command_line(AuditAction::UserCreate, username.as_str()),
                )
                .await
                .expect("stored"),
            "user name taken"
        );
        username
    }

    /// Signs in through the server function and keeps the session cookie.
    pub async fn sign_in(&self, username: &str) -> Client {
        let answer = self
            .anonymous()
            .call(
                "sign_in",
                json!({ "username": username, "password": PASSWORD }),
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "sign-in failed: {}",
            answer.body
        );
        let cookie = session_cookie(&answer.headers).expect("session cookie set");
        Client {
            app: self.clone(),
            cookie: Some(cookie),
            username: username.to_string(),
        }
    }
}

/// The cookie a signed-in client presents.
pub fn session_cookie_of(client: &Client) -> String {
    client.cookie.clone().expect("signed in")
}

/// `nongdang_session=…` from a `Set-Cookie` header.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("nongdang_session="))
        .and_then(|v| v.split(';').next())
        .map(str::to_string)
}

impl Client {
    /// A caller presenting `cookie` (`nongdang_session=…`).
    pub fn with_cookie(app: &TestApp, cookie: &str) -> Self {
        Client {
            app: app.clone(),
            cookie: Some(cookie.to_string()),
            username: String::new(),
        }
    }

    /// Calls a server function by its endpoint with JSON arguments.
    pub async fn call(&self, endpoint: &str, args: Value) -> Answer {
        let mut request = Request::post(format!("/api/{endpoint}"))
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/json");
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let request = request
            .body(Body::from(args.to_string()))
            .expect("request builds");
        self.send(request).await
    }

    /// Fetches a page or file with GET.
    pub async fn get(&self, path: &str) -> (StatusCode, HeaderMap, String) {
        let mut request = Request::get(path).header(header::ACCEPT, "text/html,*/*");
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let response = self
            .app
            .router
            .clone()
            .oneshot(request.body(Body::empty()).expect("request builds"))
            .await
            .expect("router answers");
        let (status, headers) = (response.status(), response.headers().clone());
        let bytes = to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body reads");
        (
            status,
            headers,
            String::from_utf8_lossy(&bytes).into_owned(),
        )
    }

    /// Sends a request as it is.
    pub async fn send(&self, request: Request<Body>) -> Answer {
        let response = self
            .app
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("router answers");
        let (status, headers) = (response.status(), response.headers().clone());
        let bytes = to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body reads");
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Answer {
            status,
            headers,
            body,
        }
    }

    pub async fn intake(&self, form: &impl Serialize) -> Answer {
        self.call("intake_customer", json!({ "form": form })).await
    }

    pub async fn search(&self, text: &str) -> Answer {
        self.call(
            "search_customers",
            json!({ "query": { "text": text, "page": 1, "page_size": 20 } }),
        )
        .await
    }
}

/// A complete, valid intake form for a farmer in Jinjiang district, Chengdu,
/// with an ID number no other call has given out. Possible duplicates (the
/// shared phone, alike names) are confirmed, so that only tests about
/// duplicates meet them.
pub fn farmer_form(name: &str) -> Value {
    json!({
        "group": "farmer",
        "name": name,
        "phone": "13812345678",
        "id_kind": "resident_id",
        "id_number": fresh_id_number(),
        "region": "510104",
        "address": "锦江区三圣街道红砂村 3 组",
        "land_area": "12.5",
        "confirm_duplicates": true,
        "consent": paper_consent(),
    })
}

/// The consent a farmer signed on paper at intake: membership, supply,
/// credit assessment and subsidy reporting, and the separate consent for
/// sensitive information.
pub fn paper_consent() -> Value {
    json!({
        "purposes": ["membership", "supply", "credit", "subsidy"],
        "sensitive": true,
        "method": "paper",
        "paper_ref": "同意书 2026-001 号",
    })
}

/// A valid resident ID number, different at every call.
pub fn fresh_id_number() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let first_17 = format!("110105{}0101{:03}", 1950 + n / 1000, n % 1000);
    app::domain::id_document::complete_resident_id(&first_17).expect("17 digits")
}

/// A valid mobile number, different at every call.
pub fn fresh_phone() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!("135{:08}", NEXT.fetch_add(1, Ordering::Relaxed))
}
