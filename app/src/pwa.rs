//! Installing the app on a tablet: the service worker that keeps the app
//! shell available on a weak connection.

use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;

/// Registers `/sw.js`. Browsers allow service workers only in a secure
/// context (HTTPS, or localhost); elsewhere the app simply runs online.
pub fn register_service_worker() {
    let Some(window) = web_sys::window() else {
        return;
    };
    if !window.is_secure_context() {
        return;
    }
    let navigator = window.navigator();
    let has_container = js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false);
    if !has_container {
        return;
    }
    let promise = navigator.service_worker().register("/sw.js");
    let on_error = Closure::<dyn FnMut(JsValue)>::new(|error: JsValue| {
        web_sys::console::warn_2(&"service worker not registered".into(), &error);
    });
    let _ = promise.catch(&on_error);
    // Registration happens once per page load; the handler may live as long.
    on_error.forget();
}
