//! Encryption of personal data at rest (PIPL art. 51; GB/T 35273 §6.3).
//!
//! Each customer file has its own random data key; ID numbers and phones are
//! sealed with it (AES-256-GCM, the file's code and the field's name bound in
//! as associated data, so a value cannot be moved to another file or field).
//! The data key is stored only wrapped by the key-encryption key, which is
//! derived from the master key kept outside the database. Destroying a file's
//! wrapped key makes its sealed values unreadable for good (crypto-shredding).
//!
//! Exact look-up still works through a blind index: an HMAC-SHA256 of the
//! normalised value under a second key derived from the master key.

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

/// Length of the master key in bytes.
pub const MASTER_KEY_LEN: usize = 32;
const NONCE_LEN: usize = 12;

/// Why sealed data could not be opened.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    #[error("sealed value is malformed")]
    Malformed,
    #[error("sealed value does not open with this key (wrong key, or tampered)")]
    Mismatch,
}

/// The keys derived from the master key. Cheap to clone.
#[derive(Clone)]
pub struct Vault {
    wrapping: Zeroizing<[u8; 32]>,
    index: Zeroizing<[u8; 32]>,
    backup: Zeroizing<[u8; 32]>,
}

/// One customer's data key, unwrapped.
pub struct DataKey(Zeroizing<[u8; 32]>);

impl Vault {
    /// Derives the wrapping and index keys from the master key, each for its
    /// own purpose, so that neither reveals the other.
    pub fn from_master_key(master: &[u8; MASTER_KEY_LEN]) -> Self {
        Self {
            wrapping: Zeroizing::new(derive(master, b"nongdang/key-wrapping/v1")),
            index: Zeroizing::new(derive(master, b"nongdang/blind-index/v1")),
            backup: Zeroizing::new(derive(master, b"nongdang/backup/v1")),
        }
    }

    /// A vault with a random master key that nobody keeps: for tests.
    pub fn ephemeral() -> Self {
        Self::from_master_key(&random_key())
    }

    /// A new data key, and its wrapped form for storage next to the file.
    pub fn new_data_key(&self, code: &str) -> (DataKey, String) {
        let key = DataKey(Zeroizing::new(random_key()));
        let wrapped = seal(&self.wrapping, &wrap_context(code), key.0.as_slice());
        (key, wrapped)
    }

    /// The data key of the file `code` from its wrapped form.
    pub fn unwrap_data_key(&self, code: &str, wrapped: &str) -> Result<DataKey, VaultError> {
        let bytes = Zeroizing::new(open(&self.wrapping, &wrap_context(code), wrapped)?);
        let key: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| VaultError::Malformed)?;
        Ok(DataKey(Zeroizing::new(key)))
    }

    /// Encrypts a backup's contents; `label` (the backup's name and part)
    /// is bound in, so parts cannot be swapped between backups.
    pub fn seal_backup(&self, label: &str, plain: &[u8]) -> Vec<u8> {
        let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(self.backup.as_slice()));
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let sealed = cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plain,
                    aad: label.as_bytes(),
                },
            )
            .expect("AES-GCM encrypts any message of this size");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        out
    }

    pub fn open_backup(&self, label: &str, sealed: &[u8]) -> Result<Vec<u8>, VaultError> {
        if sealed.len() < NONCE_LEN + 16 {
            return Err(VaultError::Malformed);
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(self.backup.as_slice()))
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: label.as_bytes(),
                },
            )
            .map_err(|_| VaultError::Mismatch)
    }

    /// A sealed token that proves, at start-up, that this is the master key
    /// the archive was written with.
    pub fn check_token(&self) -> String {
        seal(&self.wrapping, CHECK_CONTEXT, CHECK_CONTEXT)
    }

    pub fn verify_check_token(&self, token: &str) -> bool {
        open(&self.wrapping, CHECK_CONTEXT, token).is_ok_and(|plain| plain == CHECK_CONTEXT)
    }

    /// The blind index of `value` of kind `kind` (`phone`, `id_number`).
    pub fn blind_index(&self, kind: &str, value: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.index.as_slice())
            .expect("HMAC takes keys of any length");
        mac.update(kind.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        super::hex(&mac.finalize().into_bytes())
    }
}

const CHECK_CONTEXT: &[u8] = b"nongdang/master-key-check/v1";

impl DataKey {
    /// Seals `plain` as field `field` of file `code`.
    pub fn seal(&self, code: &str, field: &str, plain: &str) -> String {
        seal(&self.0, &field_context(code, field), plain.as_bytes())
    }

    pub fn open(&self, code: &str, field: &str, sealed: &str) -> Result<String, VaultError> {
        let plain = open(&self.0, &field_context(code, field), sealed)?;
        String::from_utf8(plain).map_err(|_| VaultError::Malformed)
    }
}

fn wrap_context(code: &str) -> Vec<u8> {
    format!("nongdang/customer-key/{code}").into_bytes()
}

fn field_context(code: &str, field: &str) -> Vec<u8> {
    format!("nongdang/customer/{code}/{field}").into_bytes()
}

/// `base64(nonce ‖ ciphertext ‖ tag)`.
fn seal(key: &[u8; 32], context: &[u8], plain: &[u8]) -> String {
    let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key));
    let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
    let sealed = cipher
        .encrypt(
            &nonce,
            Payload {
                msg: plain,
                aad: context,
            },
        )
        .expect("AES-GCM encrypts any message of this size");
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    STANDARD.encode(out)
}

fn open(key: &[u8; 32], context: &[u8], sealed: &str) -> Result<Vec<u8>, VaultError> {
    let bytes = STANDARD.decode(sealed).map_err(|_| VaultError::Malformed)?;
    if bytes.len() < NONCE_LEN + 16 {
        return Err(VaultError::Malformed);
    }
    let (nonce, body) = bytes.split_at(NONCE_LEN);
    let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key));
    cipher
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: body,
                aad: context,
            },
        )
        .map_err(|_| VaultError::Mismatch)
}

fn derive(master: &[u8; 32], purpose: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(master).expect("any key length");
    mac.update(purpose);
    mac.finalize().into_bytes().into()
}

/// 256 bits from the operating system's generator.
pub fn random_key() -> [u8; 32] {
    use aes_gcm::aead::rand_core::RngCore;
    let mut key = [0u8; 32];
    OsRng.fill_bytes(&mut key);
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_only_for_its_file_and_field() {
        let vault = Vault::ephemeral();
        let (key, _) = vault.new_data_key("NH-510104-00001");
        let sealed = key.seal("NH-510104-00001", "phone", "13812345678");

        assert!(!sealed.contains("13812345678"));
        assert_eq!(
            key.open("NH-510104-00001", "phone", &sealed),
            Ok("13812345678".to_string())
        );
        assert_eq!(
            key.open("NH-510104-00002", "phone", &sealed),
            Err(VaultError::Mismatch)
        );
        assert_eq!(
            key.open("NH-510104-00001", "id_number", &sealed),
            Err(VaultError::Mismatch)
        );
    }

    #[test]
    fn a_wrapped_data_key_unwraps_only_under_the_same_master_key() {
        let master = random_key();
        let vault = Vault::from_master_key(&master);
        let (key, wrapped) = vault.new_data_key("NH-510104-00001");
        let sealed = key.seal("NH-510104-00001", "phone", "13812345678");

        let again = Vault::from_master_key(&master).unwrap_data_key("NH-510104-00001", &wrapped);
        let other = Vault::ephemeral().unwrap_data_key("NH-510104-00001", &wrapped);

        let reopened = again
            .expect("same master key")
            .open("NH-510104-00001", "phone", &sealed);
        assert_eq!(reopened, Ok("13812345678".to_string()));
        assert!(other.is_err());
    }

    #[test]
    fn the_blind_index_is_stable_keyed_and_kind_specific() {
        let master = random_key();
        let vault = Vault::from_master_key(&master);
        let index = vault.blind_index("phone", "13812345678");

        assert_eq!(
            index,
            Vault::from_master_key(&master).blind_index("phone", "13812345678")
        );
        assert_ne!(
            index,
            Vault::ephemeral().blind_index("phone", "13812345678")
        );
        assert_ne!(index, vault.blind_index("id_number", "13812345678"));
        assert_eq!(index.len(), 64);
    }

    #[test]
    fn the_check_token_tells_the_right_master_key_from_another() {
        let master = random_key();
        let token = Vault::from_master_key(&master).check_token();
        assert!(Vault::from_master_key(&master).verify_check_token(&token));
        assert!(!Vault::ephemeral().verify_check_token(&token));
    }
}
