//! 农档 NongDang: the customer archive of an agricultural cooperative.
//!
//! This crate is compiled twice: with `ssr` for the server (pages rendered to
//! HTML, server functions, the store) and with `hydrate` for the browser
//! (the same pages made interactive). The domain rules compile on both sides,
//! so a form checks exactly what the server checks.

pub mod api;
pub mod app;
pub mod components;
pub mod domain;
pub mod error;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod secure;
#[cfg(feature = "ssr")]
pub mod store;

#[cfg(feature = "hydrate")]
mod pwa;

/// The browser's entry point: makes the server-rendered page interactive.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    pwa::register_service_worker();
}
