//! Secrets on the server: password hashes, session tokens, and (with the
//! vault) the encryption of personal data. Server only.

pub mod chain;
pub mod password;
pub mod token;
pub mod vault;

/// Lower-case hexadecimal, the form digests are stored in.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
