//! One module per route.

pub mod account;
pub mod analysis;
pub mod audit;
pub mod backups;
pub mod consent_form;
pub mod cover;
pub mod customer;
pub mod disposal;
pub mod due;
pub mod edit;
pub mod feedback;
pub mod home;
pub mod intake;
pub mod login;
pub mod not_found;
pub mod quality;
pub mod requests;
pub mod roster;
pub mod search;
pub mod settings;
pub mod tasks;
pub mod users;
pub mod verify;

/// Percent-encodes a value for a URL's query.
pub fn url_escape(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The path and query of the page the browser shows (empty on the server).
pub fn current_path() -> String {
    web_sys::window()
        .and_then(|w| {
            let location = w.location();
            Some(format!(
                "{}{}",
                location.pathname().ok()?,
                location.search().ok()?
            ))
        })
        .unwrap_or_default()
}
