//! The HTTP side: routes, static files and response headers.

use app::api::caller::AuthSettings;
use app::app::{App, shell};
use app::domain::audit::AlertRules;
use app::error::AppError;
use app::store::backup::Backups;
use app::store::{AuditSigner, Store};
use axum::Router;
use axum::body::Body;
use axum::extract::{FromRef, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use leptos::nonce::Nonce;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::compression::CompressionLayer;

use crate::pwa;
use crate::security::{self, CspNonce, Policy};

/// What every request handler can reach.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub store: Store,
    pub auth: AuthSettings,
    pub audit: AuditSigner,
    pub alert_rules: AlertRules,
    pub backups: Backups,
}

/// All routes of the app: pages, server functions under `/api`, the service
/// worker, and the files of the site folder.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let (store, auth) = (state.store.clone(), state.auth.clone());
    let (audit, rules) = (state.audit.clone(), state.alert_rules.clone());
    let backups = state.backups.clone();
    let app_context = move || {
        provide_context(store.clone());
        provide_context(auth.clone());
        provide_context(audit.clone());
        provide_context(rules.clone());
        provide_context(backups.clone());
        provide_response_nonce();
    };
    let options = state.leptos_options.clone();
    let policy = Policy {
        https: state.auth.secure_cookie,
        live_reload: std::env::var_os("LEPTOS_WATCH").is_some(),
    };
    let hashed_bundles = state.leptos_options.hash_files;

    Router::new()
        .route("/sw.js", get(pwa::service_worker(&state.leptos_options)))
        .leptos_routes_with_context(&state, routes, app_context.clone(), move || {
            shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(app_context, shell))
        .layer(middleware::from_fn(framework_error_status))
        .layer(middleware::from_fn(move |request, next| {
            cache_policy(hashed_bundles, request, next)
        }))
        .layer(middleware::from_fn(move |request, next| {
            security::protect(policy, request, next)
        }))
        .layer(CompressionLayer::new())
        .with_state(state)
}

/// Lets the page's inline scripts carry the nonce that the response's
/// Content-Security-Policy allows.
fn provide_response_nonce() {
    let nonce =
        use_context::<Parts>().and_then(|parts| parts.extensions.get::<CspNonce>().cloned());
    if let Some(CspNonce(value)) = nonce {
        provide_context(Nonce::from_value(value));
    }
}

/// Bundles under `/pkg` carry a content hash in their names and never change,
/// so browsers keep them for a year; pages and server-function answers are
/// never stored by caches between the tablet and the server.
async fn cache_policy(hashed_bundles: bool, request: Request, next: Next) -> Response {
    let hashed_bundle = hashed_bundles && request.uri().path().starts_with("/pkg/");
    let dynamic = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;

    let policy = if hashed_bundle {
        Some("public, max-age=31536000, immutable")
    } else if dynamic {
        Some("no-store")
    } else {
        None
    };
    if let Some(policy) = policy {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

/// Server functions set the status of the errors they answer themselves.
/// Errors raised by the framework before a function runs (arguments that do
/// not decode, say) arrive as 500; this gives them the status of the
/// [`AppError`] they carry, so a malformed request reads as the caller's
/// mistake and not as a server fault.
async fn framework_error_status(request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !is_api || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }

    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, ERROR_BODY_LIMIT).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = error.status();
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Error answers are a short JSON object.
const ERROR_BODY_LIMIT: usize = 64 * 1024;
