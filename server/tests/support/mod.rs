//! A test instance of the app: the real router and server functions on a
//! fresh in-memory archive, called through HTTP requests.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of the helpers"
)]

use app::store::Store;
use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use leptos::prelude::LeptosOptions;
use serde::Serialize;
use serde_json::{Value, json};
use server::http::{AppState, router};
use tower::ServiceExt;

pub struct TestApp {
    router: Router,
    pub store: Store,
}

/// An answer: status and JSON body.
pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
}

impl TestApp {
    pub async fn spawn() -> Self {
        let store = Store::in_memory().await.expect("in-memory store opens");
        Self::with_store(store)
    }

    pub fn with_store(store: Store) -> Self {
        let leptos_options = LeptosOptions::builder().output_name("nongdang").build();
        let router = router(AppState {
            leptos_options,
            store: store.clone(),
        });
        Self { router, store }
    }

    /// Calls a server function by its endpoint with JSON arguments.
    pub async fn call(&self, endpoint: &str, args: Value) -> Answer {
        let request = Request::post(format!("/api/{endpoint}"))
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/json")
            .body(Body::from(args.to_string()))
            .expect("request builds");
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("router answers");

        let status = response.status();
        let bytes = to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body reads");
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Answer { status, body }
    }

    /// Fetches a page or file with GET.
    pub async fn get(&self, path: &str) -> (StatusCode, String) {
        let request = Request::get(path)
            .body(Body::empty())
            .expect("request builds");
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("router answers");
        let status = response.status();
        let bytes = to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body reads");
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    pub async fn intake(&self, form: &impl Serialize) -> Answer {
        self.call("intake_customer", json!({ "form": form })).await
    }
}

/// A complete, valid intake form for a farmer in Jinjiang district, Chengdu.
pub fn farmer_form(name: &str) -> Value {
    json!({
        "group": "farmer",
        "name": name,
        "phone": "13812345678",
        "id_kind": "resident_id",
        "id_number": "11010519491231002X",
        "region": "510104",
        "address": "锦江区三圣街道红砂村 3 组",
        "land_area": "12.5",
    })
}
