//! Session tokens: 256 random bits in the cookie, their SHA-256 in the
//! database, so a copy of the database opens no session.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// The session cookie's name.
pub const COOKIE: &str = "nongdang_session";

/// A fresh token for a cookie.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A fresh nonce for a Content-Security-Policy (128 random bits).
pub fn nonce() -> String {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The form a token is stored and looked up in.
pub fn token_hash(token: &str) -> String {
    super::hex(&Sha256::digest(token.as_bytes()))
}

/// The value of our cookie in a `Cookie` request header.
pub fn from_cookie_header(header: &str) -> Option<&str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
}

/// The `Set-Cookie` value that hands a token to the browser; `max_age_secs`
/// 0 removes it.
pub fn set_cookie(token: &str, max_age_secs: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{secure}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_stored_only_as_a_hash() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(token_hash(&a).len(), 64);
        assert!(!token_hash(&a).contains(&a));
    }

    #[test]
    fn the_token_is_read_from_among_other_cookies() {
        let header = "theme=dark; nongdang_session=abc123; lang=zh";
        assert_eq!(from_cookie_header(header), Some("abc123"));
        assert_eq!(from_cookie_header("nongdang_session="), None);
        assert_eq!(from_cookie_header("other=1"), None);
    }

    #[test]
    fn the_cookie_is_http_only_and_strictly_same_site() {
        let cookie = set_cookie("abc", 43_200, true);
        assert_eq!(
            cookie,
            "nongdang_session=abc; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200; Secure"
        );
        assert!(!set_cookie("abc", 0, false).contains("Secure"));
    }
}
