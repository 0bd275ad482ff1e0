//! 数据分析 in the store: one pass over the files of a scope, with what the
//! timeline and the consents add, counted and scored in the server.

use std::collections::{HashMap, HashSet};

use surrealdb::types::{Datetime, SurrealValue};
use time::Date;

use super::customers::scope_condition;
use super::{AuditEntry, Store, StoreError};
use crate::domain::analysis::{
    LAND_BANDS, Overview, ScoreFacts, ScoreRules, Scored, Tally, Watched, land_band,
    land_band_label, potential, risks,
};
use crate::domain::consent::CREDIT_PURPOSE;
use crate::domain::customer::CustomerGroup;
use crate::domain::profile::CreditRating;
use crate::domain::region::{self, RegionFilter};
use crate::domain::{RegionScope, township};

/// How many files each list holds at most.
pub const LIST_LIMIT: usize = 200;

#[derive(SurrealValue)]
struct FileRow {
    code: String,
    name: String,
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

/// The counts, the high-potential customers and the watch list of one
/// scope.
#[derive(Clone, Debug, Default)]
pub struct Analysis {
    pub overview: Overview,
    pub potential: Vec<Scored>,
    pub watch: Vec<Watched>,
    /// The rules the scores were computed by.
    pub rules: ScoreRules,
}

/// What the timeline says of one file.
#[derive(Default)]
struct Activity {
    cooperation_items: u32,
    newest_cooperation: Option<Date>,
    newest_entry: Option<Date>,
    open_issues: u32,
}

fn day_of(at: &Datetime) -> Option<Date> {
    let seconds = at.timestamp_millis().div_euclid(1000);
    time::OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .map(|t| t.to_offset(crate::domain::time_fmt::CST).date())
}

/// A county's name with its prefecture, e.g. `成都市 锦江区`.
fn county_label(code: &str) -> String {
    let name = region::full_name(code);
    let parts: Vec<&str> = name.split(' ').collect();
    parts[parts.len().saturating_sub(2)..].join(" ")
}

fn months_between(earlier: Date, later: Date) -> u32 {
    u32::try_from((later - earlier).whole_days().max(0) / 30).unwrap_or(u32::MAX)
}

/// Counts keyed and labelled, biggest first (ties by key).
fn tallies(counts: HashMap<String, u64>, label: impl Fn(&str) -> String) -> Vec<Tally> {
    let mut list: Vec<Tally> = counts
        .into_iter()
        .map(|(key, count)| Tally {
            label: label(&key),
            key,
            count,
        })
        .collect();
    list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    list
}

impl Store {
    /// The rules of the potential score, as last saved (or the defaults).
    pub async fn score_rules(&self) -> Result<ScoreRules, StoreError> {
        let json: Option<String> = self
            .db
            .query("SELECT VALUE json FROM ONLY score_rules:current")
            .await?
            .take(0)?;
        Ok(json
            .and_then(|j| serde_json::from_str(&j).ok())
            .unwrap_or_default())
    }

    pub async fn save_score_rules(
        &self,
        rules: &ScoreRules,
        actor: &str,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_string(rules).unwrap_or_default();
        self.audited(
            "UPSERT ONLY score_rules:current SET json = $json, saved_by = $actor, \
             saved_at = time::now() RETURN NONE",
            audit,
            |q| {
                q.bind(("json", json.clone()))
                    .bind(("actor", actor.to_string()))
            },
        )
        .await
        .map(drop)
    }

    /// The analysis of the files in `scope` (and in `region`, if given).
    // Limitation: reads every file of the scope and the whole timeline per
    // request; counts kept up to date on every save would make it constant.
    pub async fn analysis(
        &self,
        scope: &RegionScope,
        region: Option<&RegionFilter>,
        today: Date,
    ) -> Result<Analysis, StoreError> {
        let (scope_match, scope_values) = scope_condition(scope);
        let (region_match, region_value) = match region {
            None => ("true", String::new()),
            Some(RegionFilter::Within(prefix)) => {
                ("string::starts_with(region, $region)", prefix.clone())
            }
            Some(RegionFilter::Township(code)) => ("township = $region", code.clone()),
        };
        let mut query = self.db.query(format!(
            "SELECT code, name, customer_group, region, township, land_area_hundredths, \
                 credit_rating, cooperation, created_at, status, next_verification \
             FROM customer WHERE status != 'destroyed' AND {region_match} AND {scope_match};
             SELECT customer, kind, status, created_at FROM timeline_entry;
             SELECT VALUE customer FROM consent WHERE purpose = $credit AND withdrawn_on = '';
             SELECT record::id(id) AS key, label FROM cooperation_type;"
        ));
        for value in scope_values {
            query = query.bind(value);
        }
        let mut response = query
            .bind(("region", region_value))
            .bind(("credit", CREDIT_PURPOSE))
            .await?;
        let files: Vec<FileRow> = response.take(0)?;
        let entries: Vec<EntryRow> = response.take(1)?;
        let consenting: Vec<String> = response.take(2)?;
        #[derive(SurrealValue)]
        struct TypeRow {
            key: String,
            label: String,
        }
        let types: Vec<TypeRow> = response.take(3)?;
        let consenting: HashSet<String> = consenting.into_iter().collect();
        let rules = self.score_rules().await?;

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

        // Counted by county, or by township when one county (or less) is
        // looked at.
        let by_township = matches!(region, Some(RegionFilter::Township(_)))
            || matches!(region, Some(RegionFilter::Within(p)) if p.len() == 6);
        // The last twelve months, oldest first.
        let this_month = i32::from(u8::from(today.month())) - 1 + today.year() * 12;
        let months: Vec<String> = (this_month - 11..=this_month)
            .map(|m| format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1))
            .collect();

        let mut overview = Overview {
            region: region.map(RegionFilter::code).unwrap_or_default(),
            ..Overview::default()
        };
        let (mut groups, mut places, mut lands, mut cooperations, mut credits, mut opened) = (
            HashMap::new(),
            HashMap::new(),
            vec![0u64; LAND_BANDS.len()],
            HashMap::new(),
            HashMap::new(),
            HashMap::new(),
        );
        let mut potential_list = Vec::new();
        let mut watch = Vec::new();
        for file in files {
            overview.total += 1;
            *groups.entry(file.customer_group.clone()).or_insert(0u64) += 1;
            let place = if by_township {
                if file.township.is_empty() {
                    String::new()
                } else {
                    file.township.clone()
                }
            } else {
                file.region.clone()
            };
            *places.entry(place).or_insert(0u64) += 1;
            let land = u64::try_from(file.land_area_hundredths).unwrap_or(0);
            lands[land_band(land)] += 1;
            for kind in &file.cooperation {
                *cooperations.entry(kind.clone()).or_insert(0u64) += 1;
            }
            *credits.entry(file.credit_rating.clone()).or_insert(0u64) += 1;
            if let Some(day) = day_of(&file.created_at) {
                let month = format!("{:04}-{:02}", day.year(), u8::from(day.month()));
                if months.contains(&month) {
                    *opened.entry(month).or_insert(0u64) += 1;
                }
            }

            if file.status != "active" {
                continue;
            }
            let seen = activity.remove(&file.code).unwrap_or_default();
            let facts = ScoreFacts {
                land,
                credit: CreditRating::from_key(&file.credit_rating).unwrap_or_default(),
                credit_consent: consenting.contains(&file.code),
                cooperation_items: seen.cooperation_items,
                months_since_cooperation: seen.newest_cooperation.map(|d| months_between(d, today)),
                months_since_activity: seen.newest_entry.map(|d| months_between(d, today)),
                open_issues: seen.open_issues,
                overdue_since: (!file.next_verification.is_empty()
                    && file.next_verification < today.to_string())
                .then(|| file.next_verification.clone()),
            };
            let (score, reasons) = potential(&facts, &rules);
            let region_name = region::full_name(&file.region);
            if score >= rules.high_potential {
                potential_list.push(Scored {
                    code: file.code.clone(),
                    name: file.name.clone(),
                    region_name: region_name.clone(),
                    score,
                    reasons,
                });
            }
            let why = risks(&facts, &rules);
            if !why.is_empty() {
                watch.push(Watched {
                    code: file.code,
                    name: file.name,
                    region_name,
                    reasons: why,
                });
            }
        }

        overview.by_group = CustomerGroup::ALL
            .into_iter()
            .filter_map(|g| {
                groups.get(g.key()).map(|count| Tally {
                    key: g.key().to_string(),
                    label: g.label().to_string(),
                    count: *count,
                })
            })
            .collect();
        overview.by_region = tallies(places, |code| {
            if code.is_empty() {
                "未填乡镇".to_string()
            } else if code.len() == 9 {
                township::name(code).unwrap_or(code).to_string()
            } else {
                county_label(code)
            }
        });
        overview.by_land = lands
            .into_iter()
            .enumerate()
            .map(|(band, count)| {
                let (low, high) = LAND_BANDS[band];
                Tally {
                    key: format!("{low}-{}", high.map(|h| h.to_string()).unwrap_or_default()),
                    label: land_band_label(band),
                    count,
                }
            })
            .collect();
        let type_names: HashMap<String, String> =
            types.into_iter().map(|t| (t.key, t.label)).collect();
        overview.by_cooperation = tallies(cooperations, |key| {
            type_names
                .get(key)
                .cloned()
                .unwrap_or_else(|| key.to_string())
        });
        overview.by_credit = CreditRating::ALL
            .iter()
            .filter_map(|r| {
                credits.get(r.key()).map(|count| Tally {
                    key: r.key().to_string(),
                    label: r.label().to_string(),
                    count: *count,
                })
            })
            .collect();
        overview.by_month = months
            .into_iter()
            .map(|month| Tally {
                count: opened.get(&month).copied().unwrap_or(0),
                label: month.clone(),
                key: month,
            })
            .collect();

        potential_list.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.code.cmp(&b.code)));
        potential_list.truncate(LIST_LIMIT);
        watch.sort_by(|a, b| {
            b.reasons
                .len()
                .cmp(&a.reasons.len())
                .then_with(|| a.code.cmp(&b.code))
        });
        watch.truncate(LIST_LIMIT);
        Ok(Analysis {
            overview,
            potential: potential_list,
            watch,
            rules,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_counted_in_thirty_days() {
        let day = |d: &str| {
            Date::parse(d, time::macros::format_description!("[year]-[month]-[day]"))
                .expect("a day")
        };
        assert_eq!(months_between(day("2026-01-01"), day("2026-12-04")), 11);
        assert_eq!(months_between(day("2026-12-04"), day("2026-12-04")), 0);
        assert_eq!(months_between(day("2026-12-05"), day("2026-12-04")), 0);
    }
}
