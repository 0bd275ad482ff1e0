//! Logging.
//!
//! The rulebook (also in the README):
//! - Each line reads alone: a short message in English, facts in dotted
//!   fields (`customer.code`, `search.matches`), units in field names
//!   (`elapsed_ms`).
//! - `error`: the server could not do what was asked; `warn`: it did, but
//!   something needs a person's attention; `info`: one line per completed
//!   operation; `debug`/`trace`: for developers.
//! - A failure is logged once, where it is turned into an answer.
//! - Never a name, phone, ID number, address, password or token: archive codes
//!   and field names only.

use tracing_subscriber::EnvFilter;

/// Logs to stderr at the level set by `RUST_LOG` (default [`DEFAULT_FILTER`]).
pub fn init() {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .init();
}

/// The database engine's own debug output quotes queries and their values,
/// so it stays at `warn` unless asked for explicitly. The storage layer
/// warns at every shutdown that it cannot close a store that the engine has
/// closed already; only its errors are shown.
const DEFAULT_FILTER: &str = "info,surrealdb=warn,surrealdb_core=warn,surrealkv=error";
