//! 数据分析 in the store: the files of a scope counted, scored and
//! watched from the facts kept in memory (`store::facts`); only the files
//! listed are read from the archive, for their names.

use std::collections::HashMap;

use surrealdb::types::SurrealValue;
use time::Date;

use super::facts::FileFacts;
use super::{AuditEntry, Store, StoreError};
use crate::domain::analysis::{
    LAND_BANDS, Overview, ScoreFacts, ScoreRules, Scored, Tally, Watched, land_band,
    land_band_label, risk_parts, risks, score_of, score_parts,
};
use crate::domain::customer::{CustomerGroup, CustomerStatus};
use crate::domain::profile::CreditRating;
use crate::domain::region::{self, RegionFilter};
use crate::domain::{RegionScope, township};

/// How many files each list holds at most.
pub const LIST_LIMIT: usize = 200;

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

    /// The analysis of the files in `scope` (and in `region`, if given),
    /// counted from the facts kept in memory (see `store::facts`).
    pub async fn analysis(
        &self,
        scope: &RegionScope,
        region: Option<&RegionFilter>,
        today: Date,
    ) -> Result<Analysis, StoreError> {
        let rules = self.score_rules().await?;
        #[derive(SurrealValue)]
        struct TypeRow {
            key: String,
            label: String,
        }
        let types: Vec<TypeRow> = self
            .db
            .query("SELECT record::id(id) AS key, label FROM cooperation_type")
            .await?
            .take(0)?;
        let type_names: HashMap<String, String> =
            types.into_iter().map(|t| (t.key, t.label)).collect();

        // Counted by county, or by township when one county (or less) is
        // looked at.
        let by_township = matches!(region, Some(RegionFilter::Township(_)))
            || matches!(region, Some(RegionFilter::Within(p)) if p.len() == 6);
        // The last twelve months, oldest first, as months since year 0.
        let month_of = |day: Date| day.year() * 12 + i32::from(u8::from(day.month())) - 1;
        let this_month = month_of(today);

        let facts = self.current_facts().await?;
        let mut overview = Overview {
            region: region.map(RegionFilter::code).unwrap_or_default(),
            ..Overview::default()
        };
        let mut groups = [0u64; CustomerGroup::ALL.len()];
        let mut places: HashMap<&str, u64> = HashMap::new();
        let mut lands = [0u64; LAND_BANDS.len()];
        let mut cooperations = vec![0u64; facts.cooperation_keys.len()];
        let mut credits = [0u64; CreditRating::ALL.len()];
        let mut opened = [0u64; 12];
        let mut potential_list: Vec<(i32, &str)> = Vec::new();
        let mut watch: Vec<(usize, &str)> = Vec::new();
        for (code, file) in &facts.files {
            if !scope.contains(file.region()) {
                continue;
            }
            match region {
                Some(RegionFilter::Within(prefix))
                    if !file.region().starts_with(prefix.as_str()) =>
                {
                    continue;
                }
                Some(RegionFilter::Township(code)) if file.township() != code => continue,
                _ => {}
            }
            overview.total += 1;
            groups[file.group.index()] += 1;
            let place = if by_township {
                file.township()
            } else {
                file.region()
            };
            *places.entry(place).or_insert(0) += 1;
            lands[land_band(file.land)] += 1;
            for kind in &file.cooperation {
                cooperations[usize::from(*kind)] += 1;
            }
            if let Some(at) = CreditRating::ALL.iter().position(|r| *r == file.credit) {
                credits[at] += 1;
            }
            if let Some(day) = file.opened {
                let back = this_month - month_of(day);
                if (0..12).contains(&back) {
                    opened[usize::try_from(11 - back).unwrap_or(0)] += 1;
                }
            }

            if file.status != CustomerStatus::Active {
                continue;
            }
            let facts = score_facts(file, today);
            let score = score_of(&score_parts(&facts, &rules));
            if score >= rules.high_potential {
                potential_list.push((score, code));
            }
            let risks = risk_parts(&facts, &rules).iter().flatten().count();
            if risks > 0 {
                watch.push((risks, code));
            }
        }

        overview.by_group = CustomerGroup::ALL
            .into_iter()
            .filter(|g| groups[g.index()] > 0)
            .map(|g| Tally {
                key: g.key().to_string(),
                label: g.label().to_string(),
                count: groups[g.index()],
            })
            .collect();
        overview.by_region = tallies(
            places
                .into_iter()
                .map(|(k, n)| (k.to_string(), n))
                .collect(),
            |code| {
                if code.is_empty() {
                    "未填乡镇".to_string()
                } else if code.len() == 9 {
                    township::name(code).unwrap_or(code).to_string()
                } else {
                    county_label(code)
                }
            },
        );
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
        overview.by_cooperation = tallies(
            facts
                .cooperation_keys
                .iter()
                .zip(cooperations)
                .filter(|(_, n)| *n > 0)
                .map(|(k, n)| (k.to_string(), n))
                .collect(),
            |key| {
                type_names
                    .get(key)
                    .cloned()
                    .unwrap_or_else(|| key.to_string())
            },
        );
        overview.by_credit = CreditRating::ALL
            .iter()
            .zip(credits)
            .filter(|(_, n)| *n > 0)
            .map(|(r, count)| Tally {
                key: r.key().to_string(),
                label: r.label().to_string(),
                count,
            })
            .collect();
        overview.by_month = (0..12)
            .map(|i| {
                let month = this_month - 11 + i;
                let key = format!(
                    "{:04}-{:02}",
                    month.div_euclid(12),
                    month.rem_euclid(12) + 1
                );
                Tally {
                    count: opened[usize::try_from(i).unwrap_or(0)],
                    label: key.clone(),
                    key,
                }
            })
            .collect();

        // The best and the most watched first; only those listed are given
        // their names and reasons in words.
        let potential_list = first_by(potential_list, |a, b| {
            b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1))
        });
        let watch = first_by(watch, |a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        let listed: Vec<(String, FileFacts)> = potential_list
            .iter()
            .map(|(_, code)| *code)
            .chain(watch.iter().map(|(_, code)| *code))
            .filter_map(|code| {
                facts
                    .files
                    .get(code)
                    .map(|file| (code.to_string(), file.clone()))
            })
            .collect();
        let potential_codes: Vec<String> =
            potential_list.iter().map(|(_, c)| c.to_string()).collect();
        let watch_codes: Vec<String> = watch.iter().map(|(_, c)| c.to_string()).collect();
        drop(facts);

        let listed: HashMap<String, FileFacts> = listed.into_iter().collect();
        let codes: Vec<String> = listed.keys().cloned().collect();
        let names: Vec<(String, String)> = self
            .db
            .query("SELECT VALUE [code, name] FROM customer WHERE code IN $codes")
            .bind(("codes", codes))
            .await?
            .take(0)?;
        let names: HashMap<String, String> = names.into_iter().collect();
        let name_of = |code: &str| names.get(code).cloned().unwrap_or_default();
        let potential = potential_codes
            .into_iter()
            .filter_map(|code| {
                let file = listed.get(&code)?;
                let parts = score_parts(&score_facts(file, today), &rules);
                Some(Scored {
                    name: name_of(&code),
                    region_name: region::full_name(file.region()),
                    score: score_of(&parts),
                    reasons: parts.iter().flatten().map(ToString::to_string).collect(),
                    code,
                })
            })
            .collect();
        let watch = watch_codes
            .into_iter()
            .filter_map(|code| {
                let file = listed.get(&code)?;
                Some(Watched {
                    name: name_of(&code),
                    region_name: region::full_name(file.region()),
                    reasons: risks(&score_facts(file, today), &rules),
                    code,
                })
            })
            .collect();
        Ok(Analysis {
            overview,
            potential,
            watch,
            rules,
        })
    }
}

/// What the rules look at in one file, on `today`.
fn score_facts(file: &FileFacts, today: Date) -> ScoreFacts {
    let seen = &file.activity;
    ScoreFacts {
        land: file.land,
        credit: file.credit,
        credit_consent: file.credit_consent,
        cooperation_items: seen.cooperation_items,
        months_since_cooperation: seen.newest_cooperation.map(|d| months_between(d, today)),
        months_since_activity: seen.newest_entry.map(|d| months_between(d, today)),
        open_issues: seen.open_issues,
        overdue_since: file.next_verification.filter(|due| *due < today),
    }
}

/// The first [`LIST_LIMIT`] of `items` in the order of `order`, sorted;
/// the rest is never sorted.
fn first_by<T>(mut items: Vec<T>, order: impl Fn(&T, &T) -> std::cmp::Ordering) -> Vec<T> {
    if items.len() > LIST_LIMIT {
        items.select_nth_unstable_by(LIST_LIMIT - 1, &order);
        items.truncate(LIST_LIMIT);
    }
    items.sort_by(&order);
    items
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
