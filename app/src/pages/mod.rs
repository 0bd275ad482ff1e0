//! One module per route.

pub mod account;
pub mod audit;
pub mod cover;
pub mod customer;
pub mod edit;
pub mod home;
pub mod intake;
pub mod login;
pub mod not_found;
pub mod search;
pub mod settings;
pub mod users;

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
