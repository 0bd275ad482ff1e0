//! The audit trail in the database: appending an event (inside the
//! transaction of the change it records), reading events, and the chain
//! that `verify-audit` checks.

use serde_json::Value;
use surrealdb::engine::any::Any;
use surrealdb::method::Transaction;
use surrealdb::types::SurrealValue;

use super::{Store, StoreError};
use crate::domain::audit::{AuditAction, AuditEvent, AuditFilter, Outcome};
use crate::domain::time_fmt;
use crate::secure::chain::{ChainedEvent, Checkpoint};

/// Appends the event bound as `$audit` to the trail. Part of a larger
/// script: put it inside the `BEGIN … COMMIT` of the change it records.
/// The hash is computed here, in the same transaction that reads the head,
/// exactly as `secure::chain` recomputes it.
pub const APPEND: &str = "
    LET $audit_head = (SELECT seq, hash FROM ONLY audit_head:head) ?? { seq: 0, hash: '' };
    LET $audit_seq = $audit_head.seq + 1;
    LET $audit_text = array::join([
        <string> $audit_seq, <string> $audit.at_ms, $audit.username, $audit.role,
        $audit.action, $audit.target, $audit.outcome, $audit.client, $audit.details
    ], $audit_separator);
    LET $audit_hash = crypto::sha256($audit_head.hash + $audit_text);
    CREATE type::record('audit_event', $audit_seq) CONTENT {
        seq: $audit_seq, at_ms: $audit.at_ms, username: $audit.username,
        role: $audit.role, action: $audit.action, target: $audit.target,
        outcome: $audit.outcome, client: $audit.client, details: $audit.details,
        prev_hash: $audit_head.hash, hash: $audit_hash
    } RETURN NONE;
    UPSERT audit_head:head SET seq = $audit_seq, hash = $audit_hash RETURN NONE;
";

/// The separator of the canonical text, bound as `$audit_separator`.
pub const SEPARATOR: &str = "\u{1f}";

/// An append that still conflicts (with a write outside the turns) is
/// retried this often.
const MAX_ATTEMPTS: u32 = 60;

/// What happened, to be appended to the trail.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditEntry {
    pub username: String,
    pub role: String,
    pub action: AuditAction,
    pub target: String,
    pub outcome: Outcome,
    pub client: String,
    /// Codes, field names, counts, criteria: never a personal value.
    pub details: Value,
}

impl AuditEntry {
    /// An event of the server's own command line (`create-admin`, …),
    /// acting for whoever runs it on the machine.
    pub fn command_line(action: AuditAction, target: impl Into<String>) -> Self {
        Self {
            username: "(命令行)".to_string(),
            role: "system".to_string(),
            action,
            target: target.into(),
            outcome: Outcome::Ok,
            client: "local".to_string(),
            details: Value::Object(serde_json::Map::new()),
        }
    }

    /// The row bound as `$audit`, stamped now.
    pub fn row(&self) -> AuditRow {
        AuditRow {
            at_ms: crate::api::caller::now_ms(),
            username: self.username.clone(),
            role: self.role.clone(),
            action: self.action.key().to_string(),
            target: self.target.clone(),
            outcome: self.outcome.key().to_string(),
            client: self.client.clone(),
            details: self.details.to_string(),
        }
    }
}

/// An event as bound into [`APPEND`].
#[derive(Clone, Debug, SurrealValue)]
pub struct AuditRow {
    at_ms: i64,
    username: String,
    role: String,
    action: String,
    target: String,
    outcome: String,
    client: String,
    details: String,
}

#[derive(SurrealValue)]
struct EventRow {
    seq: i64,
    at_ms: i64,
    username: String,
    role: String,
    action: String,
    target: String,
    outcome: String,
    client: String,
    details: String,
    prev_hash: String,
    hash: String,
}

#[derive(SurrealValue)]
struct HeadRow {
    seq: i64,
    hash: String,
}

#[derive(SurrealValue)]
struct CheckpointRow {
    seq: i64,
    hash: String,
    at_ms: i64,
    public_key: String,
    signature: String,
}

#[derive(SurrealValue)]
struct CountRow {
    count: i64,
}

/// Appends `entry` inside a client-side transaction.
pub(super) async fn append_in(
    tx: &Transaction<Any>,
    entry: &AuditEntry,
) -> Result<(), surrealdb::Error> {
    tx.query(APPEND)
        .bind(("audit", entry.row()))
        .bind(("audit_separator", SEPARATOR))
        .await?
        .check()?;
    Ok(())
}

impl Store {
    /// Runs `script` (statements that change data) and appends `entry`, in
    /// one transaction: the change and its event happen together or not at
    /// all. `bind` adds the script's own parameters. Retried when other
    /// appends come in between.
    pub(super) async fn audited<F>(
        &self,
        script: &str,
        entry: &AuditEntry,
        bind: F,
    ) -> Result<surrealdb::IndexedResults, StoreError>
    where
        F: Fn(surrealdb::method::Query<'_, Any>) -> surrealdb::method::Query<'_, Any>,
    {
        let full = format!("BEGIN TRANSACTION;\n{script};\n{APPEND}\nCOMMIT TRANSACTION;");
        let mut last = None;
        for attempt in 0..MAX_ATTEMPTS {
            let turn = self.write_turn().await;
            let query = self
                .db
                .query(full.as_str())
                .bind(("audit", entry.row()))
                .bind(("audit_separator", SEPARATOR));
            let mut response = bind(query).await?;
            drop(turn);
            // A failed transaction reports its cause at one statement and
            // "not executed" at every other: look at all of them.
            let mut errors: Vec<(usize, surrealdb::Error)> =
                response.take_errors().into_iter().collect();
            if errors.is_empty() {
                return Ok(response);
            }
            errors.sort_by_key(|(index, _)| *index);
            // A conflict, or a transaction that failed without saying why
            // (it lost a race at commit), is tried again.
            let unexplained = errors
                .iter()
                .all(|(_, e)| e.message().contains("failed transaction"));
            if let Some((_, conflict)) = errors
                .iter()
                .find(|(_, e)| super::customers::is_conflict(e) || unexplained)
            {
                last = Some(conflict.clone());
                tokio::time::sleep(super::customers::backoff(attempt)).await;
                continue;
            }
            let cause = errors
                .iter()
                .position(|(_, e)| !e.message().contains("not executed"))
                .unwrap_or(0);
            return Err(errors.swap_remove(cause).1.into());
        }
        Err(last.map_or_else(
            || StoreError::Contention("audit".to_string()),
            StoreError::from,
        ))
    }

    /// Appends an event that goes with no change: a view, a search, a
    /// refusal.
    pub async fn record(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        self.audited("LET $no_change = NONE", entry, |q| q)
            .await
            .map(drop)
    }

    /// One page of events matching `filter`, newest first, and how many
    /// match in all.
    pub async fn audit_events(
        &self,
        filter: &AuditFilter,
        offset: u64,
        limit: u64,
    ) -> Result<(u64, Vec<AuditEvent>), StoreError> {
        let mut conditions = vec!["true".to_string()];
        let day_ms = |date: &str, end: bool| -> Option<i64> {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            let day = time::Date::parse(date.trim(), &format).ok()?;
            let start = day.midnight().assume_offset(time::macros::offset!(+8));
            let at = if end {
                start + time::Duration::days(1)
            } else {
                start
            };
            Some((at.unix_timestamp_nanos() / 1_000_000) as i64)
        };
        let from = day_ms(&filter.from, false);
        let to = day_ms(&filter.to, true);
        if from.is_some() {
            conditions.push("at_ms >= $from".into());
        }
        if to.is_some() {
            conditions.push("at_ms < $to".into());
        }
        for (field, value) in [
            ("username", &filter.username),
            ("action", &filter.action),
            ("target", &filter.target),
            ("outcome", &filter.outcome),
        ] {
            if !value.trim().is_empty() {
                conditions.push(format!("{field} = ${field}"));
            }
        }
        let condition = conditions.join(" AND ");
        let mut response = self
            .db
            .query(format!(
                "SELECT count() FROM audit_event WHERE {condition} GROUP ALL;
                 SELECT * FROM audit_event WHERE {condition} ORDER BY seq DESC \
                 LIMIT $limit START $offset;"
            ))
            .bind(("from", from.unwrap_or(0)))
            .bind(("to", to.unwrap_or(0)))
            .bind(("username", filter.username.trim().to_string()))
            .bind(("action", filter.action.trim().to_string()))
            .bind(("target", filter.target.trim().to_uppercase()))
            .bind(("outcome", filter.outcome.trim().to_string()))
            .bind(("limit", i64::try_from(limit).unwrap_or(i64::MAX)))
            .bind(("offset", i64::try_from(offset).unwrap_or(i64::MAX)))
            .await?;
        let count: Option<CountRow> = response.take(0)?;
        let rows: Vec<EventRow> = response.take(1)?;
        let events = rows
            .into_iter()
            .map(|row| {
                Ok(AuditEvent {
                    seq: row.seq,
                    at: time_fmt::format_second_cst(row.at_ms),
                    action: AuditAction::from_key(&row.action)
                        .ok_or_else(|| StoreError::Corrupt(format!("audit event {}", row.seq)))?,
                    outcome: Outcome::from_key(&row.outcome)
                        .ok_or_else(|| StoreError::Corrupt(format!("audit event {}", row.seq)))?,
                    username: row.username,
                    role: row.role,
                    target: row.target,
                    client: row.client,
                    details: row.details,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok((count.map_or(0, |c| c.count.max(0) as u64), events))
    }

    /// The whole chain in sequence order, the head's sequence number, and
    /// the checkpoints kept in the database.
    pub async fn audit_chain(
        &self,
    ) -> Result<(Vec<ChainedEvent>, i64, Vec<Checkpoint>), StoreError> {
        let mut response = self
            .db
            .query(
                "SELECT * FROM audit_event ORDER BY seq;
                 SELECT seq, hash FROM ONLY audit_head:head;
                 SELECT * FROM audit_checkpoint ORDER BY seq;",
            )
            .await?;
        let rows: Vec<EventRow> = response.take(0)?;
        let head: Option<HeadRow> = response.take(1)?;
        let checkpoints: Vec<CheckpointRow> = response.take(2)?;
        let events = rows
            .into_iter()
            .map(|r| ChainedEvent {
                seq: r.seq,
                at_ms: r.at_ms,
                username: r.username,
                role: r.role,
                action: r.action,
                target: r.target,
                outcome: r.outcome,
                client: r.client,
                details: r.details,
                prev_hash: r.prev_hash,
                hash: r.hash,
            })
            .collect();
        let checkpoints = checkpoints
            .into_iter()
            .map(|c| Checkpoint {
                seq: c.seq,
                hash: c.hash,
                at_ms: c.at_ms,
                public_key: c.public_key,
                signature: c.signature,
            })
            .collect();
        Ok((events, head.map_or(0, |h| h.seq), checkpoints))
    }

    /// The head of the chain: its sequence number and hash (0 and empty
    /// before the first event).
    pub async fn audit_head(&self) -> Result<(i64, String), StoreError> {
        let head: Option<HeadRow> = self
            .db
            .query("SELECT seq, hash FROM ONLY audit_head:head")
            .await?
            .take(0)?;
        Ok(head.map_or((0, String::new()), |h| (h.seq, h.hash)))
    }

    /// The checkpoints kept in the database.
    async fn saved_checkpoints(&self) -> Result<Vec<Checkpoint>, StoreError> {
        let rows: Vec<CheckpointRow> = self
            .db
            .query("SELECT * FROM audit_checkpoint ORDER BY seq")
            .await?
            .take(0)?;
        let checkpoints = rows
            .into_iter()
            .map(|c| Checkpoint {
                seq: c.seq,
                hash: c.hash,
                at_ms: c.at_ms,
                public_key: c.public_key,
                signature: c.signature,
            })
            .collect();
        Ok(checkpoints)
    }

    /// Keeps a signed checkpoint next to the chain it vouches for.
    pub async fn save_checkpoint(&self, checkpoint: &Checkpoint) -> Result<(), StoreError> {
        self.db
            .query(
                "CREATE audit_checkpoint SET seq = $seq, hash = $hash, at_ms = $at, \
                 public_key = $key, signature = $signature RETURN NONE",
            )
            .bind(("seq", checkpoint.seq))
            .bind(("hash", checkpoint.hash.clone()))
            .bind(("at", checkpoint.at_ms))
            .bind(("key", checkpoint.public_key.clone()))
            .bind(("signature", checkpoint.signature.clone()))
            .await?
            .check()?;
        Ok(())
    }

    /// How many events of `action` by `username` since `since_ms`.
    pub async fn count_events(
        &self,
        username: &str,
        action: AuditAction,
        since_ms: i64,
    ) -> Result<u64, StoreError> {
        let count: Option<i64> = self
            .db
            .query(
                "RETURN count(SELECT VALUE seq FROM audit_event \
                 WHERE username = $user AND action = $action AND at_ms >= $since)",
            )
            .bind(("user", username.to_string()))
            .bind(("action", action.key()))
            .bind(("since", since_ms))
            .await?
            .take(0)?;
        Ok(count.map_or(0, |c| c.max(0) as u64))
    }
}

/// Signs checkpoints of the trail with a key kept outside the database,
/// and keeps them in the database and, when a file is given, in an
/// append-only file outside it too.
#[derive(Clone)]
pub struct AuditSigner {
    key: ed25519_dalek::SigningKey,
    file: Option<std::path::PathBuf>,
}

impl AuditSigner {
    pub fn new(seed: &[u8; 32], file: Option<std::path::PathBuf>) -> Self {
        Self {
            key: ed25519_dalek::SigningKey::from_bytes(seed),
            file,
        }
    }

    /// The same key, checking only the checkpoints kept in the database:
    /// for a scratch copy restored from a backup, which the checkpoint
    /// file (written on since) does not describe.
    pub fn database_only(&self) -> Self {
        Self {
            key: self.key.clone(),
            file: None,
        }
    }

    /// After a restore: the checkpoint file keeps only the checkpoints of
    /// the restored trail; the whole old file is set aside beside it (for
    /// the auditor), named with `stamp`.
    pub fn restart_file_at(&self, head_seq: i64, stamp: &str) -> std::io::Result<()> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        if !file.exists() {
            return Ok(());
        }
        let aside = file.with_extension(format!("before-restore-{stamp}.jsonl"));
        std::fs::copy(file, &aside)?;
        let kept: Vec<Checkpoint> = read_lines(file)
            .into_iter()
            .filter(|c| c.seq <= head_seq)
            .collect();
        let mut text = String::new();
        for checkpoint in kept {
            text.push_str(&serde_json::to_string(&checkpoint).unwrap_or_default());
            text.push('\n');
        }
        crate::store::atomic_write(file, text.as_bytes())
    }

    /// Signs the head of the trail (unless nothing happened since the last
    /// checkpoint) and keeps the checkpoint; answers it.
    pub async fn checkpoint(&self, store: &Store) -> Result<Option<Checkpoint>, StoreError> {
        let (seq, hash) = store.audit_head().await?;
        let kept = store.saved_checkpoints().await?;
        if seq == 0 || kept.iter().any(|c| c.seq == seq) {
            return Ok(None);
        }
        let checkpoint =
            crate::secure::chain::sign(&self.key, seq, &hash, crate::api::caller::now_ms());
        store.save_checkpoint(&checkpoint).await?;
        if let Some(file) = &self.file {
            append_line(file, &checkpoint).map_err(|error| {
                tracing::error!(error = %error, "checkpoint file not written");
                StoreError::Corrupt("audit checkpoint file".to_string())
            })?;
        }
        Ok(Some(checkpoint))
    }

    /// Checks the whole trail against its hashes, its head and every
    /// checkpoint, from the database and from the file.
    pub async fn verify(
        &self,
        store: &Store,
    ) -> Result<crate::domain::audit::ChainReport, StoreError> {
        let (events, head, mut checkpoints) = store.audit_chain().await?;
        if let Some(file) = &self.file {
            for checkpoint in read_lines(file) {
                if !checkpoints.contains(&checkpoint) {
                    checkpoints.push(checkpoint);
                }
            }
        }
        checkpoints.sort_by_key(|c| c.seq);
        Ok(crate::secure::chain::verify(
            &events,
            head,
            &checkpoints,
            &self.key.verifying_key(),
        ))
    }
}

fn append_line(file: &std::path::Path, checkpoint: &Checkpoint) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(folder) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder)?;
    }
    let mut handle = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)?;
    let line = serde_json::to_string(checkpoint).map_err(std::io::Error::other)?;
    writeln!(handle, "{line}")?;
    handle.sync_all()
}

/// The checkpoints of the file; unreadable lines are skipped (a forged
/// line cannot pass the signature check anyway).
fn read_lines(file: &std::path::Path) -> Vec<Checkpoint> {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}
