//! Web security for every response: cross-site write requests refused,
//! strict headers, and a Content-Security-Policy whose only inline scripts
//! are the ones carrying this response's nonce.

use app::error::AppError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The nonce of one response, handed to the page renderer through the
/// request's extensions.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

/// Settings of the middleware.
#[derive(Clone, Copy, Debug, Default)]
pub struct Policy {
    /// The server speaks HTTPS: browsers are told to keep to it.
    pub https: bool,
    /// The development server's live reload talks over a websocket.
    pub live_reload: bool,
}

/// Refuses cross-site writes, then sets the security headers.
pub async fn protect(policy: Policy, mut request: Request, next: Next) -> Response {
    if is_cross_site_write(&request) {
        tracing::warn!(http.path = request.uri().path(), "cross-site write refused");
        return refused();
    }

    let nonce = app::secure::token::nonce();
    request.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut response = next.run(request).await;
    set_headers(response.headers_mut(), &nonce, policy);
    response
}

/// A request that changes state and comes from another site. Browsers send
/// `Sec-Fetch-Site` and `Origin` with such requests; clients that send
/// neither (scripts, the CLI) are no cross-site threat, since no browser
/// would carry a victim's cookie for them. The SameSite cookie is a second
/// line, not the only one.
fn is_cross_site_write(request: &Request) -> bool {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if safe {
        return false;
    }
    let headers = request.headers();
    let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if site.is_some_and(|site| !matches!(site, "same-origin" | "none")) {
        return true;
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        None => false,
        Some(origin) => !same_host(origin, headers),
    }
}

/// Whether `origin` (`scheme://host[:port]`) names the host this request
/// was sent to.
fn same_host(origin: &str, headers: &HeaderMap) -> bool {
    let Some((_, authority)) = origin.split_once("://") else {
        return false;
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    host.is_some_and(|host| host.eq_ignore_ascii_case(authority))
}

fn refused() -> Response {
    let body = serde_json::to_string(&AppError::Forbidden).unwrap_or_default();
    let mut response = (StatusCode::FORBIDDEN, Body::from(body)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn set_headers(headers: &mut HeaderMap, nonce: &str, policy: Policy) {
    let reload = if policy.live_reload { " ws: wss:" } else { "" };
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'{reload}; \
         manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'self'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    let fixed = [
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
        ("x-frame-options", "DENY"),
        ("cross-origin-opener-policy", "same-origin"),
        (
            "permissions-policy",
            "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        ),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if let Ok(value) = HeaderValue::from_str(&csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    if policy.https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: Method, headers: &[(&str, &str)]) -> Request {
        let mut builder = Request::builder()
            .method(method)
            .uri("/api/intake_customer");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(Body::empty()).expect("request")
    }

    #[test]
    fn a_post_from_another_site_is_cross_site() {
        let by_fetch_metadata = request(Method::POST, &[("sec-fetch-site", "cross-site")]);
        let by_origin = request(
            Method::POST,
            &[
                ("origin", "https://evil.example"),
                ("host", "127.0.0.1:3000"),
            ],
        );
        assert!(is_cross_site_write(&by_fetch_metadata));
        assert!(is_cross_site_write(&by_origin));
    }

    #[test]
    fn same_site_posts_reads_and_non_browser_clients_pass() {
        let same = request(
            Method::POST,
            &[
                ("sec-fetch-site", "same-origin"),
                ("origin", "http://127.0.0.1:3000"),
                ("host", "127.0.0.1:3000"),
            ],
        );
        let read = request(Method::GET, &[("sec-fetch-site", "cross-site")]);
        let script = request(Method::POST, &[]);
        assert!(!is_cross_site_write(&same));
        assert!(!is_cross_site_write(&read));
        assert!(!is_cross_site_write(&script));
    }

    #[test]
    fn a_null_origin_is_not_this_site() {
        let sandboxed = request(
            Method::POST,
            &[("origin", "null"), ("host", "127.0.0.1:3000")],
        );
        assert!(is_cross_site_write(&sandboxed));
    }
}
