//! What the analysis counts, kept in memory: a small row of facts per file,
//! read from the archive once, in pages, and then kept current from the
//! audit trail.
//!
//! Every change to a file appends an event naming the file (its code is the
//! event's target) in the same transaction as the change. The events after
//! the last one applied therefore name every file whose facts may have
//! moved, and only those are read again. A trail that no longer holds the
//! last applied event as it was (a restored backup) makes the facts be read
//! anew.

use std::collections::{HashMap, HashSet};

use surrealdb::types::{Datetime, SurrealValue};
use time::Date;

use super::{Store, StoreError};
use crate::domain::consent::CREDIT_PURPOSE;
use crate::domain::customer::{CustomerGroup, CustomerStatus};
use crate::domain::profile::CreditRating;
use crate::domain::upkeep;

/// Files read per page while the facts are built.
const PAGE: usize = 5_000;

/// With more events than this since the facts were last brought up to
/// date, reading every file again is quicker than following the events.
const REBUILD_AFTER: i64 = 100_000;

/// What the timeline says of one file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Activity {
    pub cooperation_items: u32,
    pub newest_cooperation: Option<Date>,
    pub newest_entry: Option<Date>,
    pub open_issues: u32,
}

/// The facts of one file that is not destroyed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct FileFacts {
    pub group: CustomerGroup,
    region: [u8; 6],
    /// Nine digits, or none.
    township: Option<[u8; 9]>,
    /// Hundredths of a 亩.
    pub land: u64,
    pub credit: CreditRating,
    /// Cooperation intentions, as indexes into [`Facts::cooperation_keys`].
    pub cooperation: Box<[u16]>,
    /// The day the file was opened (China Standard Time).
    pub opened: Option<Date>,
    /// Never `Destroyed`: destroyed files have no facts.
    pub status: CustomerStatus,
    pub next_verification: Option<Date>,
    /// A current consent to credit assessment.
    pub credit_consent: bool,
    pub activity: Activity,
}

impl FileFacts {
    pub fn region(&self) -> &str {
        std::str::from_utf8(&self.region).unwrap_or_default()
    }

    /// The township's code, or `""`.
    pub fn township(&self) -> &str {
        self.township
            .as_ref()
            .and_then(|t| std::str::from_utf8(t).ok())
            .unwrap_or_default()
    }
}

/// The facts of every file, and how far along the audit trail they are.
#[derive(Default)]
pub(super) struct Facts {
    pub files: HashMap<Box<str>, FileFacts>,
    /// Cooperation type keys, each stored once.
    pub cooperation_keys: Vec<Box<str>>,
    /// Sequence number and hash of the last event the facts include.
    applied: Option<(i64, String)>,
}

impl Facts {
    fn cooperation_index(&mut self, key: &str) -> u16 {
        if let Some(at) = self.cooperation_keys.iter().position(|k| &**k == key) {
            return u16::try_from(at).unwrap_or(u16::MAX);
        }
        self.cooperation_keys.push(key.into());
        u16::try_from(self.cooperation_keys.len() - 1).unwrap_or(u16::MAX)
    }
}

#[derive(SurrealValue)]
struct FileRow {
    code: String,
    customer_group: String,
    region: String,
    township: String,
    land_area_hundredths: i64,
    credit_rating: String,
    cooperation: Vec<String>,
    created_at: Datetime,
    status: String,
    next_verification: String,
}

#[derive(SurrealValue)]
struct EntryRow {
    customer: String,
    kind: String,
    status: String,
    created_at: Datetime,
}

const FILE_FIELDS: &str = "code, customer_group, region, township, land_area_hundredths, \
     credit_rating, cooperation, created_at, status, next_verification";

/// The day of a moment, in China Standard Time.
pub(super) fn day_of(at: &Datetime) -> Option<Date> {
    let seconds = at.timestamp_millis().div_euclid(1000);
    time::OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .map(|t| t.to_offset(crate::domain::time_fmt::CST).date())
}

/// Which files one read covers.
enum Span<'a> {
    /// The page of files after this code, in code order.
    After(&'a str),
    /// These files.
    Codes(&'a [String]),
}

impl Store {
    /// Brings the analysis's facts up to date, reading every file the first
    /// time; the server does this at start so that the first analysis is
    /// quick. Answers how many files the facts hold.
    pub async fn prepare_analysis(&self) -> Result<usize, StoreError> {
        let mut facts = self.facts.lock().await;
        self.bring_up_to_date(&mut facts).await?;
        Ok(facts.files.len())
    }

    /// The facts, up to date; held until the guard is dropped.
    pub(super) async fn current_facts(
        &self,
    ) -> Result<tokio::sync::MutexGuard<'_, Facts>, StoreError> {
        let mut facts = self.facts.lock().await;
        self.bring_up_to_date(&mut facts).await?;
        Ok(facts)
    }

    /// The facts, up to date, if they have been read and nobody is reading
    /// them now; `None` rather than waiting while they are first read.
    pub(super) async fn facts_if_ready(
        &self,
    ) -> Result<Option<tokio::sync::MutexGuard<'_, Facts>>, StoreError> {
        let Ok(mut facts) = self.facts.try_lock() else {
            return Ok(None);
        };
        if facts.applied.is_none() {
            return Ok(None);
        }
        self.bring_up_to_date(&mut facts).await?;
        Ok(Some(facts))
    }

    async fn bring_up_to_date(&self, facts: &mut Facts) -> Result<(), StoreError> {
        let head = self.audit_head().await?;
        let Some((seq, hash)) = facts.applied.clone() else {
            return self.build_facts(facts, head).await;
        };
        if (seq, hash.as_str()) == (head.0, head.1.as_str()) {
            return Ok(());
        }
        let still_there: Option<String> = self
            .db
            .query("SELECT VALUE hash FROM ONLY audit_event WHERE seq = $seq LIMIT 1")
            .bind(("seq", seq))
            .await?
            .take(0)?;
        if seq > head.0 || head.0 - seq > REBUILD_AFTER || still_there.as_deref() != Some(&*hash) {
            return self.build_facts(facts, head).await;
        }
        let targets: Vec<String> = self
            .db
            .query("SELECT VALUE target FROM audit_event WHERE seq > $from AND seq <= $to")
            .bind(("from", seq))
            .bind(("to", head.0))
            .await?
            .take(0)?;
        let codes: Vec<String> = targets
            .into_iter()
            .filter(|t| !t.is_empty())
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        for chunk in codes.chunks(PAGE) {
            let read = self.read_facts(facts, Span::Codes(chunk)).await?;
            let found: HashSet<&str> = read.iter().map(|(code, _)| &**code).collect();
            for code in chunk.iter().filter(|c| !found.contains(c.as_str())) {
                // Destroyed, or a target that is no file at all.
                facts.files.remove(code.as_str());
            }
            facts.files.extend(read);
        }
        facts.applied = Some(head);
        Ok(())
    }

    /// Reads the facts of every file, page by page, as of `head` or later.
    async fn build_facts(&self, facts: &mut Facts, head: (i64, String)) -> Result<(), StoreError> {
        let started = std::time::Instant::now();
        *facts = Facts::default();
        let mut after = String::new();
        loop {
            let page = self.read_facts(facts, Span::After(&after)).await?;
            let Some((last, _)) = page.last() else { break };
            after = last.to_string();
            let full = page.len() == PAGE;
            facts.files.extend(page);
            if !full {
                break;
            }
        }
        facts.files.shrink_to_fit();
        facts.applied = Some(head);
        tracing::info!(
            files = facts.files.len(),
            took_ms = started.elapsed().as_millis() as u64,
            "analysis facts read"
        );
        Ok(())
    }

    /// The facts of the files of `span` that are not destroyed.
    async fn read_facts(
        &self,
        facts: &mut Facts,
        span: Span<'_>,
    ) -> Result<Vec<(Box<str>, FileFacts)>, StoreError> {
        let rows: Vec<FileRow> = match span {
            Span::After(after) => self
                .db
                .query(format!(
                    "SELECT {FILE_FIELDS} FROM customer WITH INDEX customer_code \
                     WHERE code > $after AND status != 'destroyed' ORDER BY code LIMIT {PAGE}"
                ))
                .bind(("after", after.to_string())),
            Span::Codes(codes) => self
                .db
                .query(format!(
                    "SELECT {FILE_FIELDS} FROM customer \
                     WHERE code IN $codes AND status != 'destroyed'"
                ))
                .bind(("codes", codes.to_vec())),
        }
        .await?
        .take(0)?;
        let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
            return Ok(Vec::new());
        };
        // The timeline and consents of the same files: along the code range
        // of a page, or by the codes asked for.
        let scope = match span {
            Span::After(_) => "customer >= $first AND customer <= $last",
            Span::Codes(_) => "customer IN $codes",
        };
        let mut response = self
            .db
            .query(format!(
                "SELECT customer, kind, status, created_at FROM timeline_entry WHERE {scope};
                 SELECT VALUE customer FROM consent \
                     WHERE {scope} AND purpose = $credit AND withdrawn_on = '';"
            ))
            .bind(("first", first.code.clone()))
            .bind(("last", last.code.clone()))
            .bind((
                "codes",
                match span {
                    Span::Codes(codes) => codes.to_vec(),
                    Span::After(_) => Vec::new(),
                },
            ))
            .bind(("credit", CREDIT_PURPOSE))
            .await?;
        let entries: Vec<EntryRow> = response.take(0)?;
        let consenting: Vec<String> = response.take(1)?;
        let consenting: HashSet<String> = consenting.into_iter().collect();

        let mut activity: HashMap<String, Activity> = HashMap::new();
        for entry in entries {
            let Some(day) = day_of(&entry.created_at) else {
                continue;
            };
            let seen = activity.entry(entry.customer).or_default();
            seen.newest_entry = seen.newest_entry.max(Some(day));
            match entry.kind.as_str() {
                "cooperation" => {
                    seen.cooperation_items += 1;
                    seen.newest_cooperation = seen.newest_cooperation.max(Some(day));
                }
                "issue" if entry.status != "closed" => seen.open_issues += 1,
                _ => {}
            }
        }

        let mut read = Vec::with_capacity(rows.len());
        for row in rows {
            let (Some(group), Some(status), Ok(region)) = (
                CustomerGroup::from_key(&row.customer_group),
                CustomerStatus::from_key(&row.status),
                <[u8; 6]>::try_from(row.region.as_bytes()),
            ) else {
                tracing::warn!(customer.code = %row.code, "file left out of the analysis: unreadable group, status or region");
                continue;
            };
            let cooperation = row
                .cooperation
                .iter()
                .map(|key| facts.cooperation_index(key))
                .collect();
            let file = FileFacts {
                group,
                region,
                township: <[u8; 9]>::try_from(row.township.as_bytes()).ok(),
                land: u64::try_from(row.land_area_hundredths).unwrap_or(0),
                credit: CreditRating::from_key(&row.credit_rating).unwrap_or_default(),
                cooperation,
                opened: day_of(&row.created_at),
                status,
                next_verification: upkeep::parse_day(&row.next_verification),
                credit_consent: consenting.contains(&row.code),
                activity: activity.remove(&row.code).unwrap_or_default(),
            };
            read.push((row.code.into_boxed_str(), file));
        }
        Ok(read)
    }
}
