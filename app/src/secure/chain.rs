//! The audit trail's hash chain and its signed checkpoints.
//!
//! Each event's hash is SHA-256 (lower-case hex) of the previous event's
//! hash followed by the event's canonical text: its fields in a fixed order,
//! joined by the unit separator U+001F (which no field can hold: names and
//! codes have no control characters, and details are JSON, which escapes
//! them). The database computes the same hash when it appends an event
//! (`store::audit::APPEND`), so that appending needs no second round trip.
//!
//! A checkpoint is the chain's head (sequence number and hash) signed with
//! an Ed25519 key kept outside the database, and written out to a file as
//! well. Someone able to rewrite the whole table cannot make its hashes
//! match a checkpoint signed before.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::hex;
use crate::domain::audit::ChainReport;

/// The "previous hash" of the first event.
pub const GENESIS: &str = "";

/// An event exactly as stored, all that its hash covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainedEvent {
    pub seq: i64,
    pub at_ms: i64,
    pub username: String,
    pub role: String,
    pub action: String,
    pub target: String,
    pub outcome: String,
    pub client: String,
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

impl ChainedEvent {
    /// The text the hash covers after the previous hash.
    pub fn canonical(&self) -> String {
        [
            self.seq.to_string(),
            self.at_ms.to_string(),
            self.username.clone(),
            self.role.clone(),
            self.action.clone(),
            self.target.clone(),
            self.outcome.clone(),
            self.client.clone(),
            self.details.clone(),
        ]
        .join("\u{1f}")
    }

    /// The hash this event must have after `prev`.
    pub fn expected_hash(&self, prev: &str) -> String {
        hex(&Sha256::digest(
            format!("{prev}{}", self.canonical()).as_bytes(),
        ))
    }
}

/// A signed statement that the trail had `seq` events ending in `hash`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    pub at_ms: i64,
    /// Ed25519 public key, hex.
    pub public_key: String,
    /// Ed25519 signature, hex.
    pub signature: String,
}

fn signed_text(seq: i64, hash: &str, at_ms: i64) -> String {
    format!("nongdang-audit-checkpoint\u{1f}{seq}\u{1f}{hash}\u{1f}{at_ms}")
}

/// Signs the head of the chain.
pub fn sign(key: &SigningKey, seq: i64, hash: &str, at_ms: i64) -> Checkpoint {
    let signature = key.sign(signed_text(seq, hash, at_ms).as_bytes());
    Checkpoint {
        seq,
        hash: hash.to_string(),
        at_ms,
        public_key: hex(key.verifying_key().as_bytes()),
        signature: hex(&signature.to_bytes()),
    }
}

/// Whether a checkpoint was signed by `key` and says what it says.
pub fn signature_holds(key: &VerifyingKey, checkpoint: &Checkpoint) -> bool {
    let Some(bytes) = unhex(&checkpoint.signature) else {
        return false;
    };
    let Ok(bytes) = <[u8; 64]>::try_from(bytes.as_slice()) else {
        return false;
    };
    hex(key.as_bytes()) == checkpoint.public_key
        && key
            .verify(
                signed_text(checkpoint.seq, &checkpoint.hash, checkpoint.at_ms).as_bytes(),
                &Signature::from_bytes(&bytes),
            )
            .is_ok()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Checks the events (in sequence order), the head the database records,
/// and the checkpoints, and says how far the trail is intact.
pub fn verify(
    events: &[ChainedEvent],
    head_seq: i64,
    checkpoints: &[Checkpoint],
    key: &VerifyingKey,
) -> ChainReport {
    let mut report = ChainReport {
        events: events.len() as u64,
        intact_up_to: 0,
        broken: None,
        checkpoints_ok: 0,
    };
    let mut prev = GENESIS.to_string();
    for (i, event) in events.iter().enumerate() {
        let expected_seq = i as i64 + 1;
        let fault = if event.seq != expected_seq {
            Some((expected_seq, "记录缺失或顺序被改动".to_string()))
        } else if event.prev_hash != prev {
            Some((event.seq, "与前一条的链接不符".to_string()))
        } else if event.hash != event.expected_hash(&prev) {
            Some((event.seq, "内容与其哈希不符".to_string()))
        } else {
            None
        };
        if let Some((seq, why)) = fault {
            report.broken = Some((seq as u64, why));
            return report;
        }
        report.intact_up_to = event.seq as u64;
        prev.clone_from(&event.hash);
    }
    let last = events.len() as i64;
    if head_seq > last {
        report.broken = Some((
            last as u64 + 1,
            format!("末尾缺少 {} 条记录", head_seq - last),
        ));
        return report;
    }
    for checkpoint in checkpoints {
        if !signature_holds(key, checkpoint) {
            report.broken = Some((
                checkpoint.seq.max(1) as u64,
                "签名检查点的签名无效".to_string(),
            ));
            report.intact_up_to = report.intact_up_to.min(checkpoint.seq.max(1) as u64 - 1);
            return report;
        }
        let at = usize::try_from(checkpoint.seq - 1).ok();
        match at.and_then(|i| events.get(i)) {
            Some(event) if event.hash == checkpoint.hash => report.checkpoints_ok += 1,
            Some(_) => {
                report.broken = Some((
                    checkpoint.seq as u64,
                    "与签名检查点不符（记录被整体改写）".to_string(),
                ));
                report.intact_up_to = 0;
                return report;
            }
            None => {
                report.broken = Some((
                    last as u64 + 1,
                    format!(
                        "签名检查点记载了第 {} 条，但记录只到第 {last} 条",
                        checkpoint.seq
                    ),
                ));
                return report;
            }
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<ChainedEvent> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let mut event = ChainedEvent {
                    seq,
                    at_ms: 1_000 + seq,
                    username: "li.na".into(),
                    role: "staff".into(),
                    action: "view_file".into(),
                    target: format!("NH-510104-{seq:05}"),
                    outcome: "ok".into(),
                    client: "127.0.0.1".into(),
                    details: "{}".into(),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                event.hash = event.expected_hash(&prev);
                prev.clone_from(&event.hash);
                event
            })
            .collect()
    }

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[7; 32])
    }

    #[test]
    fn an_untouched_chain_is_intact() {
        let events = chain(5);
        let checkpoint = sign(&key(), 3, &events[2].hash, 9);
        let report = verify(&events, 5, &[checkpoint], &key().verifying_key());
        assert!(report.is_intact(), "{report:?}");
        assert_eq!((report.intact_up_to, report.checkpoints_ok), (5, 1));
    }

    #[test]
    fn a_changed_event_is_located() {
        let mut events = chain(5);
        events[2].details = r#"{"fields":["phone"]}"#.into();
        let report = verify(&events, 5, &[], &key().verifying_key());
        assert_eq!(report.broken.map(|b| b.0), Some(3));
        assert_eq!(report.intact_up_to, 2);
    }

    #[test]
    fn a_deleted_or_reordered_event_is_located() {
        let mut events = chain(5);
        events.remove(1);
        let report = verify(&events, 5, &[], &key().verifying_key());
        assert_eq!(report.broken.map(|b| b.0), Some(2));

        let mut events = chain(5);
        events.swap(1, 2);
        let report = verify(&events, 5, &[], &key().verifying_key());
        assert_eq!(report.broken.map(|b| b.0), Some(2));
    }

    #[test]
    fn a_cut_tail_is_found_by_the_head_or_a_checkpoint() {
        let events = chain(5);
        let report = verify(&events[..3], 5, &[], &key().verifying_key());
        assert_eq!(report.broken.map(|b| b.0), Some(4));
        let checkpoint = sign(&key(), 5, &events[4].hash, 9);
        let report = verify(&events[..3], 3, &[checkpoint], &key().verifying_key());
        assert_eq!(report.broken.map(|b| b.0), Some(4));
    }

    #[test]
    fn a_rewritten_chain_does_not_match_its_checkpoint() {
        let events = chain(5);
        let checkpoint = sign(&key(), 4, &events[3].hash, 9);
        let mut forged = chain(5);
        forged[0].username = "somebody".into();
        let mut prev = GENESIS.to_string();
        for event in &mut forged {
            event.prev_hash.clone_from(&prev);
            event.hash = event.expected_hash(&prev);
            prev.clone_from(&event.hash);
        }
        let report = verify(
            &forged,
            5,
            std::slice::from_ref(&checkpoint),
            &key().verifying_key(),
        );
        assert_eq!(report.broken.map(|b| b.0), Some(4));

        let other = SigningKey::from_bytes(&[8; 32]);
        let report = verify(&events, 5, &[checkpoint], &other.verifying_key());
        assert!(!report.is_intact());
    }
}
