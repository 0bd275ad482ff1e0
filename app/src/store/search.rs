//! 信息检索 in the store: the search keys written with every save of a file,
//! and the one query behind the search page.
//!
//! Every kind of text the search box understands is answered through an
//! index: archive codes, names, pinyin and initials by a range over their
//! own indexes; ID numbers by their blind index; phones, phone endings,
//! cooperation intentions and tags through `search_key` rows. Pages after
//! the first start where the previous one ended (a cursor), so the
//! hundredth page costs what the first does.

use pinyin::ToPinyin;
use surrealdb::engine::any::Any;
use surrealdb::method::Transaction;
use surrealdb::types::{RecordId, SurrealValue};
use time::Date;

use super::customers::scope_condition;
use super::{Store, StoreError};
use crate::domain::customer::{CustomerGroup, CustomerStatus, CustomerSummary};
use crate::domain::region::{self, RegionFilter};
use crate::domain::search::{
    COUNT_LIMIT, Criteria, Cursor, DueFilter, SearchResults, SortKey, TextKind,
};
use crate::domain::{CustomerDetails, RegionScope, SensitiveField};

/// The version of the keys [`Store::write_search_keys`] writes; a file
/// with an older one is given new keys at start-up.
pub(super) const SEARCH_VERSION: i64 = 1;

/// From this many files on, an intention or tag is read as a filter along
/// the list's order rather than looked up: a page then takes about as many
/// rows as gathering and sorting this many would.
const COMMON_KEY: i64 = 2_000;

/// The label of the keyed hash of a phone's last four digits.
const PHONE_TAIL: &str = "phone_tail";

/// Surnames read differently from the same character in ordinary words.
// Limitation: other characters with several readings get the first one.
const SURNAMES: [(char, &str); 14] = [
    ('曾', "zeng"),
    ('单', "shan"),
    ('区', "ou"),
    ('仇', "qiu"),
    ('解', "xie"),
    ('查', "zha"),
    ('朴', "piao"),
    ('盖', "ge"),
    ('乐', "yue"),
    ('缪', "miao"),
    ('翟', "zhai"),
    ('覃', "qin"),
    ('尉', "yu"),
    ('长', "chang"),
];

/// A name's pinyin without tones or spaces, and its initials:
/// `张三` → (`zhangsan`, `zs`). Latin letters and digits are kept as they
/// are (lower-cased); other characters are left out.
pub fn name_keys(name: &str) -> (String, String) {
    let mut full = String::new();
    let mut initials = String::new();
    for (position, ch) in name.chars().enumerate() {
        let surname = (position == 0)
            .then(|| SURNAMES.iter().find(|(c, _)| *c == ch).map(|(_, p)| *p))
            .flatten();
        let reading = surname.or_else(|| ch.to_pinyin().map(|p| p.plain()));
        if let Some(reading) = reading {
            full.push_str(reading);
            initials.extend(reading.chars().next());
        } else if ch.is_ascii_alphanumeric() {
            let lower = ch.to_ascii_lowercase();
            full.push(lower);
            initials.push(lower);
        }
    }
    (full, initials)
}

/// The last four digits of a phone, if it has four.
fn tail(phone: &str) -> Option<&str> {
    let digits = phone.len();
    (digits >= 4 && phone.is_ascii()).then(|| &phone[digits - 4..])
}

#[derive(SurrealValue)]
struct KeyRow {
    key: String,
    file: RecordId,
}

#[derive(SurrealValue)]
struct FoundRow {
    code: String,
    name: String,
    customer_group: String,
    region: String,
    updated: String,
    next_verification: String,
}

impl FoundRow {
    fn cursor(&self, sort: SortKey) -> Cursor {
        let value = match sort {
            SortKey::Code => String::new(),
            SortKey::Name => self.name.clone(),
            SortKey::Updated => self.updated.clone(),
            SortKey::Due => self.next_verification.clone(),
        };
        Cursor {
            value,
            code: self.code.clone(),
        }
    }

    fn into_summary(self) -> Option<CustomerSummary> {
        Some(CustomerSummary {
            group: CustomerGroup::from_key(&self.customer_group)?,
            region_name: region::full_name(&self.region),
            code: self.code,
            name: self.name,
            region: self.region,
        })
    }
}

/// Values bound to a query as it is put together.
#[derive(Default)]
struct Binds {
    text: Vec<(String, String)>,
    numbers: Vec<(String, i64)>,
}

impl Binds {
    /// Binds `value` and answers its parameter (`$p3`).
    fn text(&mut self, value: impl Into<String>) -> String {
        let name = format!("p{}", self.text.len() + self.numbers.len());
        self.text.push((name.clone(), value.into()));
        format!("${name}")
    }

    fn number(&mut self, value: u64) -> String {
        let name = format!("p{}", self.text.len() + self.numbers.len());
        self.numbers
            .push((name.clone(), i64::try_from(value).unwrap_or(i64::MAX)));
        format!("${name}")
    }
}

impl Store {
    /// The search keys of a file, written inside `tx` with the file itself:
    /// the pinyin columns, and the `search_key` rows in place of the old.
    pub(super) async fn write_search_keys(
        &self,
        tx: &Transaction<Any>,
        code: &str,
        details: &CustomerDetails,
    ) -> Result<(), surrealdb::Error> {
        let (pinyin, initials) = name_keys(&details.name);
        let file = RecordId::new("customer", code);
        let mut keys = Vec::new();
        for phone in details.phones() {
            keys.push(self.phone_key(phone));
            if let Some(last) = tail(phone) {
                keys.push(format!("tail:{}", self.vault.blind_index(PHONE_TAIL, last)));
            }
        }
        keys.extend(details.cooperation.iter().map(|c| format!("coop:{c}")));
        keys.extend(details.tags.iter().map(|t| format!("tag:{t}")));
        keys.sort();
        keys.dedup();
        let rows: Vec<KeyRow> = keys
            .into_iter()
            .map(|key| KeyRow {
                key,
                file: file.clone(),
            })
            .collect();
        tx.query(
            "UPDATE ONLY $file SET name_pinyin = $pinyin, name_initials = $initials, \
                 search_version = $version RETURN NONE;
             DELETE search_key WHERE file = $file;
             IF array::len($rows) > 0 { INSERT INTO search_key $rows RETURN NONE };",
        )
        .bind(("file", file))
        .bind(("pinyin", pinyin))
        .bind(("initials", initials))
        .bind(("version", SEARCH_VERSION))
        .bind(("rows", rows))
        .await?
        .check()?;
        Ok(())
    }

    /// The search key of a phone number: its keyed hash, labelled.
    pub(super) fn phone_key(&self, phone: &str) -> String {
        format!(
            "phone:{}",
            self.vault.blind_index(SensitiveField::Phone.key(), phone)
        )
    }

    /// Gives every file opened before search keys existed (or under an
    /// older version of them) its keys. Runs at start-up, in batches.
    pub(super) async fn index_older_files(&self) -> Result<u64, StoreError> {
        let mut indexed = 0;
        loop {
            let codes: Vec<String> = self
                .db
                .query(
                    "SELECT VALUE code FROM customer WHERE search_version < $version \
                     AND status != 'destroyed' LIMIT 200",
                )
                .bind(("version", SEARCH_VERSION))
                .await?
                .take(0)?;
            if codes.is_empty() {
                break;
            }
            for code in codes {
                let details = match crate::domain::ArchiveCode::parse(&self.scheme, &code) {
                    Ok(parsed) => self.stored_file(&parsed).await?.map(|f| f.details),
                    Err(_) => None,
                };
                let tx = self.db.clone().begin().await?;
                let written = match &details {
                    Some(details) => self.write_search_keys(&tx, &code, details).await,
                    // Unreadable without its key: never offered by search.
                    None => tx
                        .query("UPDATE ONLY $file SET search_version = $version RETURN NONE")
                        .bind(("file", RecordId::new("customer", code.as_str())))
                        .bind(("version", SEARCH_VERSION))
                        .await
                        .and_then(|r| r.check())
                        .map(drop),
                };
                match written {
                    Ok(()) => {
                        tx.commit().await?;
                    }
                    Err(error) => {
                        let _ = tx.cancel().await;
                        return Err(error.into());
                    }
                }
                indexed += 1;
            }
        }
        Ok(indexed)
    }

    /// How many files in `scope` meet `criteria` (which has no text and no
    /// tag), counted from the analysis's facts; `None` while they are not
    /// read yet. The conditions are those [`Store::search`] gives the
    /// archive.
    async fn count_in_facts(
        &self,
        criteria: &Criteria,
        scope: &RegionScope,
        today: Date,
    ) -> Result<Option<u64>, StoreError> {
        let Some(facts) = self.facts_if_ready().await? else {
            return Ok(None);
        };
        let cooperation = match &criteria.cooperation {
            None => None,
            Some(key) => match facts.cooperation_keys.iter().position(|k| **k == **key) {
                Some(at) => Some(u16::try_from(at).unwrap_or(u16::MAX)),
                // No file has it.
                None => return Ok(Some(0)),
            },
        };
        let soon = today + time::Duration::days(crate::domain::upkeep::DUE_SOON_DAYS);
        let count = facts
            .files
            .values()
            .filter(|file| {
                scope.contains(file.region())
                    && criteria.group.is_none_or(|g| file.group == g)
                    && match &criteria.region {
                        None => true,
                        Some(RegionFilter::Within(prefix)) => {
                            file.region().starts_with(prefix.as_str())
                        }
                        Some(RegionFilter::Township(code)) => file.township() == code,
                    }
                    && cooperation.is_none_or(|c| file.cooperation.contains(&c))
                    && criteria.credit.is_none_or(|c| file.credit == c)
                    && criteria.status.is_none_or(|s| file.status == s)
                    && criteria.land_min.is_none_or(|low| file.land >= low)
                    && criteria.land_max.is_none_or(|high| file.land <= high)
                    && match criteria.due {
                        None => true,
                        Some(due) => {
                            let last = match due {
                                DueFilter::Due => soon,
                                DueFilter::Overdue => today - time::Duration::days(1),
                            };
                            file.status == CustomerStatus::Active
                                && file.next_verification.is_some_and(|d| d <= last)
                        }
                    }
                    && criteria.opened.is_none_or(|(first, next)| {
                        file.opened.is_some_and(|day| first <= day && day < next)
                    })
                    && (criteria.sort != SortKey::Due || file.next_verification.is_some())
            })
            .count();
        Ok(Some(count as u64))
    }

    /// Whether at least [`COMMON_KEY`] files carry the search key `key`.
    async fn is_common_key(&self, key: &str) -> Result<bool, StoreError> {
        let found: Option<i64> = self
            .db
            .query(
                "RETURN array::len((SELECT VALUE id FROM search_key WHERE key = $key LIMIT $most))",
            )
            .bind(("key", key.to_string()))
            .bind(("most", COMMON_KEY))
            .await?
            .take(0)?;
        Ok(found.is_some_and(|n| n >= COMMON_KEY))
    }

    /// The runs of the code index holding the files of `group` (or of every
    /// group) in the counties both `region` and `scope` allow, in code
    /// order: a code begins with its group's prefix and county. `None` when
    /// neither narrows the regions.
    fn code_runs(
        &self,
        group: Option<CustomerGroup>,
        region: Option<&RegionFilter>,
        scope: &RegionScope,
    ) -> Option<Vec<String>> {
        let wanted = region.map(|filter| match filter {
            RegionFilter::Within(prefix) => prefix.clone(),
            RegionFilter::Township(code) => code.chars().take(6).collect(),
        });
        let mut regions: Vec<String> = match (wanted, scope.prefixes()) {
            (None, None) => return None,
            (Some(wanted), None) => vec![wanted],
            (None, Some(allowed)) => allowed.to_vec(),
            // The narrower of each pair that overlaps.
            (Some(wanted), Some(allowed)) => allowed
                .iter()
                .filter_map(|a| {
                    if wanted.starts_with(a.as_str()) {
                        Some(wanted.clone())
                    } else {
                        a.starts_with(wanted.as_str()).then(|| a.clone())
                    }
                })
                .collect(),
        };
        // A prefix inside another one is read with it.
        regions.sort();
        let mut widest: Vec<String> = Vec::new();
        for region in regions {
            if !widest.iter().any(|w| region.starts_with(w.as_str())) {
                widest.push(region);
            }
        }
        let groups = group.map_or_else(|| CustomerGroup::ALL.to_vec(), |g| vec![g]);
        let separator = &self.scheme.separator;
        let mut runs: Vec<String> = groups
            .iter()
            .flat_map(|group| {
                let prefix = self.scheme.prefix(*group);
                widest
                    .iter()
                    .map(move |region| format!("{prefix}{separator}{region}"))
            })
            .collect();
        runs.sort();
        Some(runs)
    }

    /// One page of the files in `scope` that meet `criteria`, and how many
    /// there are (counted up to [`COUNT_LIMIT`]).
    pub async fn search(
        &self,
        criteria: &Criteria,
        scope: &RegionScope,
        today: Date,
    ) -> Result<SearchResults, StoreError> {
        let mut binds = Binds::default();
        let mut lets = Vec::new();
        let mut conditions = Vec::new();

        // Look-ups through `search_key` narrow the files to read first.
        let mut lookups = Vec::new();
        match &criteria.text {
            TextKind::All => {}
            TextKind::Code(code) => {
                conditions.push(format!("string::starts_with(code, {})", binds.text(code)));
            }
            TextKind::CodeOrPinyin { code, pinyin } => {
                let code = binds.text(code);
                let pinyin = binds.text(pinyin);
                conditions.push(format!(
                    "(string::starts_with(code, {code}) \
                     OR string::starts_with(name_pinyin, {pinyin}) \
                     OR string::starts_with(name_initials, {pinyin}))"
                ));
            }
            // Limitation: a name is found by its beginning only; a
            // character in the middle would need a scan or a full-text index.
            // A surname alone matches thousands of files in a large archive,
            // and all of them are gathered and sorted for the first page.
            TextKind::Name(name) => {
                conditions.push(format!("string::starts_with(name, {})", binds.text(name)));
            }
            TextKind::IdNumber(number) => {
                let index = self
                    .vault
                    .blind_index(SensitiveField::IdNumber.key(), number);
                conditions.push(format!("id_number_index = {}", binds.text(index)));
            }
            TextKind::Phone(phone) => lookups.push(self.phone_key(phone)),
            TextKind::PhoneTail(last) => {
                lookups.push(format!("tail:{}", self.vault.blind_index(PHONE_TAIL, last)))
            }
        }
        // An intention or tag that many files share is a filter read along
        // the list's order: gathering every file that has it would read them
        // all to sort them. A rare one is looked up.
        for (label, column, value) in [
            ("coop", "cooperation", &criteria.cooperation),
            ("tag", "tags", &criteria.tag),
        ] {
            let Some(value) = value else { continue };
            let key = format!("{label}:{value}");
            if lookups.is_empty() && self.is_common_key(&key).await? {
                conditions.push(format!("{column} CONTAINS {}", binds.text(value.clone())));
            } else {
                lookups.push(key);
            }
        }
        let source = if lookups.is_empty() {
            "customer".to_string()
        } else {
            for (i, key) in lookups.iter().enumerate() {
                let key = binds.text(key.clone());
                let found = format!("(SELECT VALUE file FROM search_key WHERE key = {key})");
                lets.push(if i == 0 {
                    format!("LET $files = {found};")
                } else {
                    format!("LET $files = array::intersect($files, {found});")
                });
            }
            "$files".to_string()
        };

        if let Some(group) = criteria.group {
            conditions.push(format!("customer_group = {}", binds.text(group.key())));
        }
        match &criteria.region {
            None => {}
            Some(RegionFilter::Within(prefix)) => conditions.push(format!(
                "string::starts_with(region, {})",
                binds.text(prefix.clone())
            )),
            Some(RegionFilter::Township(code)) => {
                conditions.push(format!("township = {}", binds.text(code.clone())));
            }
        }
        if let Some(credit) = criteria.credit {
            conditions.push(format!("credit_rating = {}", binds.text(credit.key())));
        }
        match criteria.status {
            Some(status) => conditions.push(format!("status = {}", binds.text(status.key()))),
            None => conditions.push("status != 'destroyed'".to_string()),
        }
        if let Some(low) = criteria.land_min {
            conditions.push(format!("land_area_hundredths >= {}", binds.number(low)));
        }
        if let Some(high) = criteria.land_max {
            conditions.push(format!("land_area_hundredths <= {}", binds.number(high)));
        }
        let soon = (today + time::Duration::days(crate::domain::upkeep::DUE_SOON_DAYS)).to_string();
        match criteria.due {
            None => {}
            Some(DueFilter::Due) => conditions.push(format!(
                "status = 'active' AND next_verification != '' AND next_verification <= {}",
                binds.text(soon)
            )),
            Some(DueFilter::Overdue) => conditions.push(format!(
                "status = 'active' AND next_verification != '' AND next_verification < {}",
                binds.text(today.to_string())
            )),
        }
        if let Some((first, next)) = criteria.opened {
            // Days begin at midnight in China.
            let midnight = |day: Date| format!("{day}T00:00:00+08:00");
            conditions.push(format!(
                "created_at >= <datetime>{} AND created_at < <datetime>{}",
                binds.text(midnight(first)),
                binds.text(midnight(next))
            ));
        }
        if criteria.sort == SortKey::Due {
            conditions.push("next_verification != ''".to_string());
        }
        let (scope_match, scope_values) = scope_condition(scope);
        conditions.push(scope_match);
        let filter = conditions.join(" AND ");

        // The page: ordered by the sort key and the code, starting after
        // (or, going back, before) the cursor.
        let (column, descending) = match criteria.sort {
            SortKey::Code => ("code", false),
            SortKey::Name => ("name", false),
            SortKey::Updated => ("updated_at", true),
            SortKey::Due => ("next_verification", false),
        };
        let backwards = criteria.before.is_some() && criteria.after.is_none();
        let ascending = descending == backwards;
        let (later, order) = if ascending {
            (">", "ASC")
        } else {
            ("<", "DESC")
        };
        let mut page_filter = filter.clone();
        let mut start = 0;
        match criteria.after.as_ref().or(criteria.before.as_ref()) {
            Some(cursor) => {
                let code = binds.text(cursor.code.clone());
                if criteria.sort == SortKey::Code {
                    page_filter.push_str(&format!(" AND code {later} {code}"));
                } else {
                    let value = binds.text(cursor.value.clone());
                    let value = if criteria.sort == SortKey::Updated {
                        format!("<datetime>{value}")
                    } else {
                        value
                    };
                    page_filter.push_str(&format!(
                        " AND ({column} {later} {value} \
                         OR ({column} = {value} AND code {later} {code}))"
                    ));
                }
            }
            // Limitation: without a cursor (a page number typed into the
            // URL) the rows before the page are skipped one by one.
            None => start = u64::from(criteria.page - 1) * u64::from(criteria.page_size),
        }
        // Limitation: an order by name or by last change breaks ties by code,
        // and the engine does not read that two-column order off an index:
        // every file of the scope is sorted (about 200 ms at 100 000 files,
        // see BENCHMARKS.md).
        let order_by = if criteria.sort == SortKey::Code {
            format!("code {order}")
        } else {
            format!("{column} {order}, code {order}")
        };
        // Without text to look up, the filters left are broad (a group, a
        // province, a rating): reading the sort order's own index and
        // stopping at the page's end beats gathering every match to sort.
        // Limitation: a rare combination of broad filters reads far down
        // that index before it fills a page.
        let broad = matches!(criteria.text, TextKind::All)
            && lookups.is_empty()
            && match &criteria.region {
                None => true,
                // A province or a prefecture; a county or a township is
                // narrow enough to gather and sort.
                Some(RegionFilter::Within(prefix)) => prefix.len() < 6,
                Some(RegionFilter::Township(_)) => false,
            };
        let page_source = match (broad, criteria.sort) {
            (true, SortKey::Code) => "customer WITH INDEX customer_code".to_string(),
            (true, SortKey::Name) => "customer WITH INDEX customer_name".to_string(),
            (true, SortKey::Updated) => "customer WITH INDEX customer_updated".to_string(),
            _ => source.clone(),
        };
        let limit = u64::from(criteria.page_size) + 1;
        // Sorted by code, the files of some counties (a region filter, the
        // caller's scope) lie in runs of the code index, one per group and
        // county prefix: read those runs, in code order, and the files
        // whose code no longer says their group or county, instead of the
        // whole index.
        let runs = (criteria.sort == SortKey::Code
            && matches!(criteria.text, TextKind::All)
            && lookups.is_empty()
            && start == 0)
            .then(|| self.code_runs(criteria.group, criteria.region.as_ref(), scope))
            .flatten();
        let fields = "code, name, customer_group, region, updated_at, \
                      <string>updated_at AS updated, next_verification";
        let pages = match &runs {
            None => format!(
                "SELECT {fields} FROM {page_source} WHERE {page_filter} \
                 ORDER BY {order_by} LIMIT {limit} START {start};"
            ),
            Some(runs) => {
                let mut pages: Vec<String> = runs
                    .iter()
                    .map(|run| {
                        let run = binds.text(run.clone());
                        format!(
                            "SELECT {fields} FROM customer WITH INDEX customer_code \
                             WHERE string::starts_with(code, {run}) AND {page_filter} \
                             ORDER BY code {order} LIMIT {limit};"
                        )
                    })
                    .collect();
                pages.push(format!(
                    "SELECT {fields} FROM customer WITH INDEX customer_code_elsewhere \
                     WHERE code_elsewhere = true AND {page_filter} \
                     ORDER BY code {order} LIMIT {limit};"
                ));
                pages.join("\n")
            }
        };
        // Without text or a tag, the analysis's facts (when read) count the
        // matches exactly and without reading a file; otherwise the archive
        // counts them, up to a limit.
        let counted = if matches!(criteria.text, TextKind::All)
            && criteria.tag.is_none()
            && criteria.status != Some(CustomerStatus::Destroyed)
        {
            self.count_in_facts(criteria, scope, today).await?
        } else {
            None
        };
        let count = match counted {
            Some(_) => "RETURN 0;".to_string(),
            None => format!(
                "RETURN array::len((SELECT VALUE id FROM {source} WHERE {filter} LIMIT {}));",
                COUNT_LIMIT + 1
            ),
        };
        let script = format!("{lets}\n{count}\n{pages}", lets = lets.join("\n"));
        let mut query = self.db.query(script);
        for value in scope_values {
            query = query.bind(value);
        }
        for value in binds.text {
            query = query.bind(value);
        }
        for value in binds.numbers {
            query = query.bind(value);
        }
        let mut response = query.await?;
        let count_at = lets.len();
        let total: Option<i64> = response.take(count_at)?;
        let mut rows: Vec<FoundRow> = Vec::new();
        let statements = runs.as_ref().map_or(1, |runs| runs.len() + 1);
        for at in count_at + 1..=count_at + statements {
            let found: Vec<FoundRow> = response.take(at)?;
            rows.extend(found);
        }
        if runs.is_some() {
            // Each run and the moved files came in code order; together
            // they are sorted again and cut to the page.
            rows.sort_by(|a, b| a.code.cmp(&b.code));
            if !ascending {
                rows.reverse();
            }
            rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        }

        let more_this_way = rows.len() > criteria.page_size as usize;
        rows.truncate(criteria.page_size as usize);
        if backwards {
            rows.reverse();
        }
        let has_next = if backwards { true } else { more_this_way };
        let (total, more) = match counted {
            Some(exact) => (exact, false),
            None => {
                let total = total.and_then(|t| u64::try_from(t).ok()).unwrap_or(0);
                (total.min(COUNT_LIMIT), total > COUNT_LIMIT)
            }
        };
        let first = rows
            .first()
            .map(|r| r.cursor(criteria.sort).encode())
            .unwrap_or_default();
        let last = rows
            .last()
            .map(|r| r.cursor(criteria.sort).encode())
            .unwrap_or_default();
        Ok(SearchResults {
            total,
            more,
            page: criteria.page,
            page_size: criteria.page_size,
            rows: rows
                .into_iter()
                .filter_map(FoundRow::into_summary)
                .collect(),
            first,
            last,
            has_next,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::CustomerForm;
    use crate::domain::audit::AuditAction;
    use crate::domain::search::SearchQuery;
    use crate::store::AuditEntry;

    /// Opens a farmer's file in `region` with `land` 亩, rated `credit`,
    /// intending `cooperation`.
    async fn open(
        store: &Store,
        n: u32,
        region: &str,
        land: &str,
        credit: &str,
        cooperation: &[&str],
    ) {
        let id = crate::domain::id_document::complete_resident_id(&format!(
            "{region}1970010{}{n:03}",
            n % 10
        ))
        .expect("an ID number");
        let form: CustomerForm = serde_json::from_value(serde_json::json!({
            "group": "farmer", "name": format!("测试{n}"), "phone": format!("1391234{n:04}"),
            "id_kind": "resident_id", "id_number": id, "region": region,
            "address": "某村 1 组", "land_area": land, "cooperation": cooperation,
            "credit_rating": credit, "credit_reason": if credit.is_empty() { "" } else { "按期结清" },
        }))
        .expect("a form");
        let today = crate::domain::time_fmt::today_cst();
        let file = form.validate(today).expect("a valid file");
        store
            .create_customer(
                &file,
                None,
                "tester",
                &today.to_string(),
                &AuditEntry::command_line(AuditAction::CreateFile, ""),
            )
            .await
            .expect("saved");
    }

    #[tokio::test]
    async fn the_facts_count_what_the_archive_counts() {
        let store = Store::in_memory().await.expect("a store");
        open(&store, 1, "510104", "3", "a", &["produce_sale"]).await;
        open(&store, 2, "510104", "45", "", &["land_trusteeship"]).await;
        open(
            &store,
            3,
            "510105",
            "12.5",
            "b",
            &["produce_sale", "land_trusteeship"],
        )
        .await;
        open(&store, 4, "510105", "120", "a", &[]).await;
        store
            .raw_query(
                "UPDATE customer SET next_verification = '2020-01-01' WHERE code = 'NH-510104-00002';
                 UPDATE customer SET status = 'inactive' WHERE code = 'NH-510105-00002';",
            )
            .await
            .expect("changed by hand");
        let today = crate::domain::time_fmt::today_cst();
        let month = format!("{:04}-{:02}", today.year(), u8::from(today.month()));
        let queries: Vec<SearchQuery> = [
            ("", "", "", "", "", "", "", ""),
            ("510105", "", "", "", "", "", "", ""),
            ("510100", "10", "", "", "", "", "", ""),
            ("", "", "12.5", "a", "", "", "", ""),
            ("", "", "", "", "produce_sale", "", "", ""),
            ("", "", "", "", "seed_supply", "", "", ""),
            ("", "", "", "", "", "overdue", "", ""),
            ("", "", "", "", "", "due", "active", ""),
            ("", "", "", "", "", "", "inactive", month.as_str()),
        ]
        .into_iter()
        .map(
            |(region, low, high, credit, cooperation, due, status, opened)| SearchQuery {
                region: region.into(),
                land_min: low.into(),
                land_max: high.into(),
                credit: credit.into(),
                cooperation: cooperation.into(),
                due: due.into(),
                status: status.into(),
                opened: opened.into(),
                ..SearchQuery::default()
            },
        )
        .collect();
        let scopes = [
            RegionScope::everywhere(),
            RegionScope::for_role(
                crate::domain::Role::Staff,
                &[crate::domain::RegionCode::parse("510105").expect("a county")],
            ),
        ];

        let mut by_archive = Vec::new();
        for scope in &scopes {
            for query in &queries {
                let criteria = query.criteria().expect("valid");
                let found = store.search(&criteria, scope, today).await.expect("found");
                by_archive.push(found.total);
            }
        }
        assert_eq!(store.prepare_analysis().await.expect("facts read"), 4);
        let mut by_facts = Vec::new();
        for scope in &scopes {
            for query in &queries {
                let criteria = query.criteria().expect("valid");
                let counted = store.count_in_facts(&criteria, scope, today).await;
                by_facts.push(counted.expect("counted").expect("facts ready"));
            }
        }

        assert_eq!(by_facts, by_archive);
        assert_eq!(by_archive[..9], [4, 2, 3, 1, 2, 0, 1, 1, 1]);
    }

    #[test]
    fn names_are_keyed_by_pinyin_and_initials() {
        assert_eq!(name_keys("张三"), ("zhangsan".into(), "zs".into()));
        assert_eq!(name_keys("欧阳春"), ("ouyangchun".into(), "oyc".into()));
        // Surnames read their own way.
        assert_eq!(name_keys("曾国强").1, "zgq");
        assert_eq!(name_keys("单雄").0, "shanxiong");
        // Letters and digits stay; punctuation goes.
        assert_eq!(name_keys("锦江2号·农场A").0, "jinjiang2haonongchanga");
    }

    #[test]
    fn a_phone_ends_in_its_last_four_digits() {
        assert_eq!(tail("13812345678"), Some("5678"));
        assert_eq!(tail("028-85551234"), Some("1234"));
        assert_eq!(tail("123"), None);
    }
}
