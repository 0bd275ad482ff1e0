//! One module per route.

pub mod customer;
pub mod home;
pub mod intake;
pub mod not_found;
pub mod search;
