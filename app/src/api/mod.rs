//! Server functions, one file per area. Each reads as the same steps: who is
//! calling and may they, parse the input, do the work in the store, answer.

pub mod analysis;
pub mod audit;
pub mod auth;
pub mod backups;
pub mod caller;
pub mod consent;
pub mod customers;
pub mod feedback;
pub mod lifecycle;
pub mod quality;
pub mod requests;
pub mod timeline;
pub mod upkeep;
pub mod users;

#[cfg(feature = "ssr")]
pub(crate) mod sheets;
#[cfg(feature = "ssr")]
pub(crate) mod ssr;
