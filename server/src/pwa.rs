//! The service worker, written for the bundle this server was built with.
//!
//! The worker precaches the app shell: the hashed script, wasm and style
//! bundles, the manifest and icons, and the sign-in page. It keeps the last
//! copy of the pages that hold no customer data (home, intake) for use
//! offline; pages that list or show customers are never stored on the
//! device. Its cache is named after the bundle hashes, so a new build
//! replaces it. Server functions (`/api/…`) are never cached.

use std::sync::Arc;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use leptos::prelude::LeptosOptions;

const TEMPLATE: &str = include_str!("sw.js");

/// Pages the worker fetches at installation.
const SHELL_PAGES: [&str; 1] = ["/login"];
/// Static files of `public/` that belong to the shell.
const SHELL_FILES: [&str; 4] = [
    "/manifest.webmanifest",
    "/icons/icon.svg",
    "/icons/icon-192.png",
    "/icons/icon-512.png",
];

/// The `GET /sw.js` handler. The worker is written once, when the router is
/// built: the bundle it names does not change while the server runs.
pub fn service_worker(
    options: &LeptosOptions,
) -> impl Fn() -> std::future::Ready<Response> + Clone + Send + Sync + 'static {
    let body = Arc::<str>::from(render(options, &read_hashes(options)));
    move || std::future::ready(respond(&body))
}

fn respond(body: &str) -> Response {
    let mut response = body.to_string().into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    // Browsers must always see the newest worker.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// The bundle hashes of this build (`js`, `wasm`, `css`), as cargo-leptos
/// writes them next to the server binary.
fn read_hashes(options: &LeptosOptions) -> Vec<(String, String)> {
    if !options.hash_files {
        return Vec::new();
    }
    let path = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())));
    let text = path
        .and_then(|p| std::fs::read_to_string(p).ok())
        .unwrap_or_default();
    text.lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(kind, hash)| (kind.trim().to_string(), hash.trim().to_string()))
        .collect()
}

/// Fills the worker template with this build's version and shell files.
pub fn render(options: &LeptosOptions, hashes: &[(String, String)]) -> String {
    let hash = |kind: &str| {
        hashes
            .iter()
            .find(|(k, _)| k == kind)
            .map(|(_, h)| format!(".{h}"))
            .unwrap_or_default()
    };
    let name = &options.output_name;
    let pkg = &options.site_pkg_dir;
    let wasm_suffix = if options.hash_files { "" } else { "_bg" };

    let mut shell: Vec<String> = SHELL_PAGES
        .iter()
        .chain(&SHELL_FILES)
        .map(|s| s.to_string())
        .collect();
    shell.push(format!("/{pkg}/{name}{}.js", hash("js")));
    shell.push(format!("/{pkg}/{name}{wasm_suffix}{}.wasm", hash("wasm")));
    shell.push(format!("/{pkg}/{name}{}.css", hash("css")));

    let version: String = hashes
        .iter()
        .map(|(_, h)| h.as_str())
        .collect::<Vec<_>>()
        .join("-");
    let version = if version.is_empty() {
        env!("CARGO_PKG_VERSION").to_string()
    } else {
        version
    };
    let list = serde_json::to_string(&shell).unwrap_or_else(|_| "[]".to_string());

    TEMPLATE
        .replace("__VERSION__", &version)
        .replace("__SHELL__", &list)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(hash_files: bool) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name("nongdang")
            .hash_files(hash_files)
            .build()
    }

    #[test]
    fn the_worker_precaches_the_hashed_bundles_of_this_build() {
        let hashes = vec![
            ("js".to_string(), "AAA".to_string()),
            ("wasm".to_string(), "BBB".to_string()),
            ("css".to_string(), "CCC".to_string()),
        ];
        let worker = render(&options(true), &hashes);
        assert!(worker.contains("\"/pkg/nongdang.AAA.js\""));
        assert!(worker.contains("\"/pkg/nongdang.BBB.wasm\""));
        assert!(worker.contains("\"/pkg/nongdang.CCC.css\""));
        assert!(worker.contains("nongdang-shell-AAA-BBB-CCC"));
        assert!(!worker.contains("__SHELL__"));
    }

    #[test]
    fn without_hashing_the_worker_names_the_plain_bundles() {
        let worker = render(&options(false), &[]);
        assert!(worker.contains("\"/pkg/nongdang.js\""));
        assert!(worker.contains("\"/pkg/nongdang_bg.wasm\""));
    }
}
