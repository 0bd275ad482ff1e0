//! Widgets shared by the pages.

pub mod banner;
pub mod breadcrumbs;
pub mod chart;
pub mod consent;
pub mod consent_lists;
pub mod customer_form;
pub mod facts;
pub mod field;
pub mod form;
pub mod layout;
pub mod pagination;
pub mod region_picker;
pub mod timeline;
