//! Secrets on the server: password hashes, session tokens, and (with the
//! vault) the encryption of personal data. Server only.

pub mod password;
pub mod token;
pub mod vault;
