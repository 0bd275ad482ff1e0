//! Widgets shared by the pages.

pub mod breadcrumbs;
pub mod field;
pub mod layout;
