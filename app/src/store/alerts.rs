//! Abnormal use: new events are read against the alert rules, and each
//! finding is kept as an alert until an auditor acknowledges it.

use surrealdb::types::SurrealValue;

use super::audit::AuditEntry;
use super::{Store, StoreError};
use crate::domain::audit::{Alert, AlertRule, AlertRules, AuditAction};
use crate::domain::time_fmt::{self, CST};

/// Events read per scan at most; a later scan goes on from there.
const SCAN_BATCH: i64 = 5_000;

#[derive(SurrealValue)]
struct ScanRow {
    seq: i64,
    at_ms: i64,
    username: String,
    role: String,
    action: String,
    client: String,
    details: String,
}

#[derive(SurrealValue)]
struct AlertRow {
    key: String,
    rule: String,
    username: String,
    at_ms: i64,
    seq: i64,
    evidence: String,
    acknowledged_by: String,
    #[allow(dead_code, reason = "selected because the alerts are ordered by it")]
    acknowledged_ms: i64,
    comment: String,
}

/// A finding: the alert's key (one per rule, user and window), its rule,
/// who, which event, and the evidence in words.
struct Finding {
    key: String,
    rule: AlertRule,
    username: String,
    at_ms: i64,
    seq: i64,
    evidence: String,
}

impl Store {
    /// Reads the events appended since the last scan against `rules` and
    /// keeps what they find. Answers how many alerts were raised.
    pub async fn scan_alerts(&self, rules: &AlertRules) -> Result<u64, StoreError> {
        // The minute's scan and an auditor's page may ask at once: both
        // would write the same alerts and the scan's place, and one would
        // fail on the conflict. They take turns with every other writer.
        let _turn = self.write_turn().await;
        let last: Option<i64> = self
            .db
            .query("SELECT VALUE seq FROM ONLY audit_scan:state")
            .await?
            .take(0)?;
        let rows: Vec<ScanRow> = self
            .db
            .query(
                "SELECT seq, at_ms, username, role, action, client, details FROM audit_event \
                 WHERE seq > $last ORDER BY seq LIMIT $batch",
            )
            .bind(("last", last.unwrap_or(0)))
            .bind(("batch", SCAN_BATCH))
            .await?
            .take(0)?;
        let window_ms = rules.window_minutes.max(1) * 60_000;
        let mut raised = 0;
        for row in &rows {
            for finding in self.findings(row, rules, window_ms).await? {
                raised += u64::from(self.keep(&finding).await?);
            }
        }
        if let Some(newest) = rows.last() {
            self.db
                .query("UPSERT audit_scan:state SET seq = $seq")
                .bind(("seq", newest.seq))
                .await?
                .check()?;
        }
        Ok(raised)
    }

    async fn findings(
        &self,
        row: &ScanRow,
        rules: &AlertRules,
        window_ms: i64,
    ) -> Result<Vec<Finding>, StoreError> {
        let mut found = Vec::new();
        let bucket = row.at_ms / window_ms;
        let finding = |rule: AlertRule, key: String, evidence: String| Finding {
            key: format!("{}:{}:{key}", rule.key(), row.username),
            rule,
            username: row.username.clone(),
            at_ms: row.at_ms,
            seq: row.seq,
            evidence,
        };
        let counted = [
            (AuditAction::ViewFile, AlertRule::ManyViews, rules.max_views),
            (AuditAction::Search, AlertRule::ManyViews, rules.max_views),
            (
                AuditAction::Reveal,
                AlertRule::ManyReveals,
                rules.max_reveals,
            ),
            (
                AuditAction::SignInFailed,
                AlertRule::FailedSignIns,
                rules.max_failed_sign_ins.saturating_sub(1),
            ),
        ];
        for (action, rule, limit) in counted {
            if row.action != action.key() {
                continue;
            }
            let count = self
                .count_events_between(&row.username, action, row.at_ms - window_ms, row.at_ms)
                .await?;
            if count > limit {
                found.push(finding(
                    rule,
                    bucket.to_string(),
                    format!(
                        "{} 分钟内{} {count} 次（上限 {limit}），至第 {} 条记录",
                        rules.window_minutes,
                        action.label(),
                        row.seq
                    ),
                ));
            }
        }
        // Exports of the trail count events; other exports count rows.
        let counted_as = match row.action.as_str() {
            a if a == AuditAction::AuditExport.key() => Some("events"),
            a if a == AuditAction::Export.key() => Some("rows"),
            _ => None,
        };
        if let Some(counted_as) = counted_as {
            let exported = serde_json::from_str::<serde_json::Value>(&row.details)
                .ok()
                .and_then(|d| d[counted_as].as_u64())
                .unwrap_or(0);
            if exported >= rules.bulk_export {
                found.push(finding(
                    AlertRule::BulkExport,
                    row.seq.to_string(),
                    format!("一次导出 {exported} 条记录（第 {} 条记录）", row.seq),
                ));
            }
        }
        let known_user = !row.username.is_empty() && !row.username.starts_with('(');
        let hour =
            time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(row.at_ms) * 1_000_000)
                .map(|t| t.to_offset(CST).hour())
                .unwrap_or(12);
        if known_user && (hour < rules.hours_start || hour >= rules.hours_end) {
            let day = time_fmt::format_second_cst(row.at_ms);
            found.push(finding(
                AlertRule::OutsideHours,
                day.get(..10).unwrap_or_default().to_string(),
                format!(
                    "{day} {}（工作时间 {}:00–{}:00），第 {} 条记录",
                    AuditAction::from_key(&row.action).map_or("操作", AuditAction::label),
                    rules.hours_start,
                    rules.hours_end,
                    row.seq
                ),
            ));
        }
        let privileged = ["admin", "archivist", "auditor"].contains(&row.role.as_str());
        if privileged && row.action == AuditAction::SignIn.key() {
            let (before, from_here): (i64, i64) = {
                let mut response = self
                    .db
                    .query(
                        "RETURN count(SELECT VALUE seq FROM audit_event WHERE username = $user \
                         AND action = 'sign_in' AND seq < $seq);
                         RETURN count(SELECT VALUE seq FROM audit_event WHERE username = $user \
                         AND action = 'sign_in' AND seq < $seq AND client = $client);",
                    )
                    .bind(("user", row.username.clone()))
                    .bind(("seq", row.seq))
                    .bind(("client", row.client.clone()))
                    .await?;
                let before: Option<i64> = response.take(0)?;
                let here: Option<i64> = response.take(1)?;
                (before.unwrap_or(0), here.unwrap_or(0))
            };
            if before > 0 && from_here == 0 {
                found.push(finding(
                    AlertRule::NewAddress,
                    row.client.clone(),
                    format!(
                        "从此前未用过的地址 {} 登录（第 {} 条记录）",
                        row.client, row.seq
                    ),
                ));
            }
        }
        Ok(found)
    }

    async fn count_events_between(
        &self,
        username: &str,
        action: AuditAction,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<u64, StoreError> {
        let count: Option<i64> = self
            .db
            .query(
                "RETURN count(SELECT VALUE seq FROM audit_event WHERE username = $user \
                 AND action = $action AND at_ms > $from AND at_ms <= $to)",
            )
            .bind(("user", username.to_string()))
            .bind(("action", action.key()))
            .bind(("from", from_ms))
            .bind(("to", to_ms))
            .await?
            .take(0)?;
        Ok(count.map_or(0, |c| c.max(0) as u64))
    }

    /// Keeps a finding unless its alert exists; answers whether it is new.
    async fn keep(&self, finding: &Finding) -> Result<bool, StoreError> {
        let created = self
            .db
            .query(
                "IF record::exists(type::record('audit_alert', $key)) { RETURN false } \
                 ELSE { CREATE type::record('audit_alert', $key) SET rule = $rule, \
                 username = $user, at_ms = $at, seq = $seq, evidence = $evidence \
                 RETURN NONE; RETURN true }",
            )
            .bind(("key", finding.key.clone()))
            .bind(("rule", finding.rule.key()))
            .bind(("user", finding.username.clone()))
            .bind(("at", finding.at_ms))
            .bind(("seq", finding.seq))
            .bind(("evidence", finding.evidence.clone()))
            .await?
            .take::<Option<bool>>(0)?;
        Ok(created.unwrap_or(false))
    }

    /// Alerts, open ones first, newest first.
    pub async fn alerts(&self, limit: u64) -> Result<Vec<Alert>, StoreError> {
        let rows: Vec<AlertRow> = self
            .db
            .query(
                "SELECT record::id(id) AS key, rule, username, at_ms, seq, evidence, \
                 acknowledged_by, acknowledged_ms, comment FROM audit_alert \
                 ORDER BY acknowledged_ms, at_ms DESC LIMIT $limit",
            )
            .bind(("limit", i64::try_from(limit).unwrap_or(i64::MAX)))
            .await?
            .take(0)?;
        rows.into_iter()
            .map(|r| {
                Ok(Alert {
                    rule: AlertRule::from_key(&r.rule)
                        .ok_or_else(|| StoreError::Corrupt(format!("alert {}", r.key)))?,
                    key: r.key,
                    username: r.username,
                    at: time_fmt::format_second_cst(r.at_ms),
                    seq: r.seq,
                    evidence: r.evidence,
                    acknowledged_by: r.acknowledged_by,
                    comment: r.comment,
                })
            })
            .collect()
    }

    /// Marks an open alert handled, with the auditor's comment, together
    /// with its event. `false` when there is no such open alert.
    pub async fn acknowledge_alert(
        &self,
        key: &str,
        comment: &str,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let open: Option<String> = self
            .db
            .query("SELECT VALUE acknowledged_by FROM ONLY type::record('audit_alert', $key)")
            .bind(("key", key.to_string()))
            .await?
            .take(0)?;
        if open.as_deref() != Some("") {
            return Ok(false);
        }
        self.audited(
            "UPDATE type::record('audit_alert', $key) SET acknowledged_by = $by, \
             acknowledged_ms = $now, comment = $comment",
            audit,
            |q| {
                q.bind(("key", key.to_string()))
                    .bind(("by", audit.username.clone()))
                    .bind(("now", crate::api::caller::now_ms()))
                    .bind(("comment", comment.to_string()))
            },
        )
        .await?;
        Ok(true)
    }
}
