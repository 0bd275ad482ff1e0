//! The NongDang server: configuration, HTTP wiring and the commands of the
//! `nongdang` binary. The app itself (pages, server functions, store) lives in
//! the `app` crate.

pub mod config;
pub mod demo;
pub mod http;
pub mod keys;
pub mod listen;
pub mod pwa;
pub mod security;
pub mod telemetry;
