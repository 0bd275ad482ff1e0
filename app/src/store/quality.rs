//! The data-quality report: completeness, overdue verifications and
//! issues past due, per county and per staff member.

use std::collections::BTreeMap;

use surrealdb::types::SurrealValue;
use time::Date;

use super::customers::scope_condition;
use super::{Store, StoreError};
use crate::domain::quality::{
    FileFacts, INCOMPLETE_LISTED, IncompleteFile, QualityReport, Tally, completeness,
};
use crate::domain::{CustomerGroup, RegionScope, region, time_fmt};

#[derive(SurrealValue)]
struct FactsRow {
    code: String,
    name: String,
    customer_group: String,
    id_kind: String,
    region: String,
    township: String,
    address: String,
    land_area_hundredths: i64,
    household: bool,
    parcels: i64,
    cooperation: i64,
    credit_rating: String,
    paper_cabinet: String,
    legal_representative: String,
    contact_person: String,
    created_by: String,
    status: String,
    next_verification: String,
}

impl FactsRow {
    fn facts(&self) -> FileFacts {
        FileFacts {
            group: CustomerGroup::from_key(&self.customer_group),
            organisation: self.id_kind == "credit_code",
            has_address: !self.address.trim().is_empty(),
            has_township: !self.township.is_empty(),
            land_area_hundredths: u64::try_from(self.land_area_hundredths).unwrap_or(0),
            household_members: self.household,
            parcels: usize::try_from(self.parcels).unwrap_or(0),
            cooperation: usize::try_from(self.cooperation).unwrap_or(0),
            credit_rated: self.credit_rating != "unrated",
            has_paper_location: !self.paper_cabinet.trim().is_empty(),
            has_legal_representative: !self.legal_representative.trim().is_empty(),
            has_contact_person: !self.contact_person.trim().is_empty(),
        }
    }
}

impl Store {
    /// The report over the files of `scope` that are kept (active or
    /// inactive); `people` names staff members by user name.
    // Limitation: the report reads a few plain columns of every file in
    // scope on each request; fine for tens of thousands of files, and to be
    // kept as running totals if archives grow far beyond that.
    pub async fn quality_report(
        &self,
        scope: &RegionScope,
        today: Date,
        people: &BTreeMap<String, String>,
    ) -> Result<QualityReport, StoreError> {
        let (scope_match, scope_values) = scope_condition(scope);
        let mut query = self.db.query(format!(
            "SELECT code, name, customer_group, id_kind, region, township, address, \
                 land_area_hundredths, household_sealed != '' AS household, \
                 array::len(parcels) AS parcels, array::len(cooperation) AS cooperation, \
                 credit_rating, paper_cabinet, legal_representative, contact_person, \
                 created_by, status, next_verification \
             FROM customer WHERE status IN ['active', 'inactive'] AND {scope_match}"
        ));
        for value in scope_values {
            query = query.bind(value);
        }
        let rows: Vec<FactsRow> = query.await?.take(0)?;
        let today_text = today.to_string();

        let mut totals = Tally::default();
        let mut by_region: BTreeMap<String, Tally> = BTreeMap::new();
        let mut by_person: BTreeMap<String, Tally> = BTreeMap::new();
        let mut incomplete = Vec::new();
        let mut region_of = std::collections::HashMap::new();
        for row in &rows {
            let scored = completeness(&row.facts());
            let overdue = row.status == "active"
                && !row.next_verification.is_empty()
                && row.next_verification < today_text;
            totals.add_file(&scored, overdue);
            by_region
                .entry(row.region.clone())
                .or_default()
                .add_file(&scored, overdue);
            by_person
                .entry(row.created_by.clone())
                .or_default()
                .add_file(&scored, overdue);
            region_of.insert(row.code.as_str(), row.region.as_str());
            if scored.is_incomplete() {
                incomplete.push(IncompleteFile {
                    code: row.code.clone(),
                    name: row.name.clone(),
                    region_name: region::full_name(&row.region),
                    created_by: row.created_by.clone(),
                    score: scored.score,
                    missing: scored.missing_text(),
                });
            }
        }
        for (code, owner) in self.issues_past_due(today).await? {
            let Some(region) = region_of.get(code.as_str()) else {
                continue;
            };
            totals.issues_past_due += 1;
            by_region
                .entry((*region).to_string())
                .or_default()
                .issues_past_due += 1;
            by_person.entry(owner).or_default().issues_past_due += 1;
        }
        incomplete.sort_by(|a, b| (a.score, &a.code).cmp(&(b.score, &b.code)));
        incomplete.truncate(INCOMPLETE_LISTED);

        Ok(QualityReport {
            generated_at: time_fmt::format_minute_cst(crate::api::caller::now_ms()),
            totals: totals.row(String::new(), "合计".to_string()),
            by_region: by_region
                .into_iter()
                .map(|(code, tally)| {
                    let label = region::full_name(&code);
                    tally.row(code, label)
                })
                .collect(),
            by_person: by_person
                .into_iter()
                .map(|(username, tally)| {
                    let label = people
                        .get(&username)
                        .cloned()
                        .unwrap_or_else(|| username.clone());
                    tally.row(username, label)
                })
                .collect(),
            incomplete_files: incomplete,
        })
    }
}
