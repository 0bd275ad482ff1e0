//! 监督检查: how complete a file is, and the data-quality report the
//! supervision meeting reads.

use serde::{Deserialize, Serialize};

use super::CustomerGroup;

/// A file scoring below this share of its items counts as incomplete.
pub const COMPLETE_ENOUGH: u8 = 80;

/// The facts of a file that its completeness depends on; none of them is
/// personal, so the report reads them without opening sealed values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileFacts {
    pub group: Option<CustomerGroup>,
    pub organisation: bool,
    pub has_address: bool,
    pub has_township: bool,
    pub land_area_hundredths: u64,
    pub household_members: bool,
    pub parcels: usize,
    pub cooperation: usize,
    pub credit_rated: bool,
    pub has_paper_location: bool,
    pub has_legal_representative: bool,
    pub has_contact_person: bool,
}

impl FileFacts {
    /// The facts of a file's details (as the file page has them).
    pub fn of(details: &super::CustomerDetails) -> Self {
        Self {
            group: Some(details.group),
            organisation: details.is_organisation(),
            has_address: !details.address.trim().is_empty(),
            has_township: !details.township.is_empty(),
            land_area_hundredths: details.land_area.hundredths(),
            household_members: !details.household.is_empty(),
            parcels: details.parcels.len(),
            cooperation: details.cooperation.len(),
            credit_rated: details.credit.rating != super::profile::CreditRating::Unrated,
            has_paper_location: !details.paper.cabinet.trim().is_empty(),
            has_legal_representative: !details.legal_representative.trim().is_empty(),
            has_contact_person: !details.contact_person.trim().is_empty(),
        }
    }
}

/// One item a file lacks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Missing {
    pub label: String,
    /// Required items weigh twice as much as recommended ones.
    pub required: bool,
}

/// How complete a file is: a share of its applicable items, and what is
/// missing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completeness {
    /// 0–100.
    pub score: u8,
    pub missing: Vec<Missing>,
}

impl Completeness {
    pub fn is_incomplete(&self) -> bool {
        self.score < COMPLETE_ENOUGH
    }

    /// `地址、乡镇（建议）`, for tables.
    pub fn missing_text(&self) -> String {
        self.missing
            .iter()
            .map(|m| {
                if m.required {
                    m.label.clone()
                } else {
                    format!("{}（建议）", m.label)
                }
            })
            .collect::<Vec<_>>()
            .join("、")
    }
}

/// Scores a file. Required items (those intake insists on today; older or
/// imported files may lack them) count 2, recommended ones 1; items that do
/// not apply to the file's group are left out.
pub fn completeness(facts: &FileFacts) -> Completeness {
    let farmer = facts.group == Some(CustomerGroup::Farmer);
    let items: [(&str, bool, bool, bool); 10] = [
        // (label, applies, present, required)
        ("详细地址", true, facts.has_address, true),
        (
            "法定代表人",
            facts.organisation,
            facts.has_legal_representative,
            true,
        ),
        ("联系人", facts.organisation, facts.has_contact_person, true),
        ("土地面积", farmer, facts.land_area_hundredths > 0, true),
        ("乡镇/街道", true, facts.has_township, false),
        ("合作意向", true, facts.cooperation > 0, false),
        ("信用等级", true, facts.credit_rated, false),
        ("纸质档案位置", true, facts.has_paper_location, false),
        (
            "家庭成员",
            farmer && !facts.organisation,
            facts.household_members,
            false,
        ),
        (
            "地块明细",
            farmer && facts.land_area_hundredths > 0,
            facts.parcels > 0,
            false,
        ),
    ];
    let (mut possible, mut earned) = (0u32, 0u32);
    let mut missing = Vec::new();
    for (label, applies, present, required) in items {
        if !applies {
            continue;
        }
        let weight = if required { 2 } else { 1 };
        possible += weight;
        if present {
            earned += weight;
        } else {
            missing.push(Missing {
                label: label.to_string(),
                required,
            });
        }
    }
    let score = (earned * 100)
        .checked_div(possible)
        .map_or(100, |share| u8::try_from(share).unwrap_or(100));
    Completeness { score, missing }
}

/// One line of the report: a county or a staff member.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualityRow {
    /// Region code or user name.
    pub key: String,
    pub label: String,
    pub files: u64,
    pub incomplete: u64,
    pub overdue: u64,
    /// Open issues whose due date has passed.
    pub issues_past_due: u64,
    /// Mean completeness of the files, 0–100.
    pub average_score: u8,
}

/// A file below the threshold, with what it lacks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncompleteFile {
    pub code: String,
    pub name: String,
    pub region_name: String,
    pub created_by: String,
    pub score: u8,
    pub missing: String,
}

/// The data-quality report of the caller's regions.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualityReport {
    /// `YYYY-MM-DD HH:MM`.
    pub generated_at: String,
    pub totals: QualityRow,
    /// Per county, by region code.
    pub by_region: Vec<QualityRow>,
    /// Per staff member: files they opened, issues they own.
    pub by_person: Vec<QualityRow>,
    /// The least complete files first, at most [`INCOMPLETE_LISTED`].
    pub incomplete_files: Vec<IncompleteFile>,
}

/// How many incomplete files the report lists by name.
pub const INCOMPLETE_LISTED: usize = 200;

/// Adds up rows of files into a report line.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    pub files: u64,
    pub incomplete: u64,
    pub overdue: u64,
    pub issues_past_due: u64,
    pub score_sum: u64,
}

impl Tally {
    pub fn add_file(&mut self, completeness: &Completeness, overdue: bool) {
        self.files += 1;
        self.score_sum += u64::from(completeness.score);
        self.incomplete += u64::from(completeness.is_incomplete());
        self.overdue += u64::from(overdue);
    }

    pub fn row(&self, key: String, label: String) -> QualityRow {
        let average = self.score_sum.checked_div(self.files).unwrap_or(100);
        QualityRow {
            key,
            label,
            files: self.files,
            incomplete: self.incomplete,
            overdue: self.overdue,
            issues_past_due: self.issues_past_due,
            average_score: u8::try_from(average).unwrap_or(100),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole_farmer() -> FileFacts {
        FileFacts {
            group: Some(CustomerGroup::Farmer),
            organisation: false,
            has_address: true,
            has_township: true,
            land_area_hundredths: 1250,
            household_members: true,
            parcels: 2,
            cooperation: 1,
            credit_rated: true,
            has_paper_location: true,
            has_legal_representative: false,
            has_contact_person: false,
        }
    }

    #[test]
    fn a_whole_file_scores_full_marks() {
        let c = completeness(&whole_farmer());
        assert_eq!(c.score, 100);
        assert!(c.missing.is_empty());
        assert!(!c.is_incomplete());
    }

    #[test]
    fn required_items_weigh_double() {
        let mut facts = whole_farmer();
        facts.has_address = false;
        let no_address = completeness(&facts);
        let mut facts = whole_farmer();
        facts.has_paper_location = false;
        let no_paper = completeness(&facts);
        assert!(no_address.score < no_paper.score);
        assert_eq!(no_address.missing_text(), "详细地址");
        assert_eq!(no_paper.missing_text(), "纸质档案位置（建议）");
    }

    #[test]
    fn items_of_other_groups_do_not_count() {
        let supplier = FileFacts {
            group: Some(CustomerGroup::Supplier),
            organisation: true,
            has_address: true,
            has_township: true,
            cooperation: 1,
            credit_rated: true,
            has_paper_location: true,
            has_legal_representative: true,
            has_contact_person: true,
            ..FileFacts::default()
        };
        // No land, household or parcels asked of a supplier.
        assert_eq!(completeness(&supplier).score, 100);
    }

    #[test]
    fn a_bare_intake_is_incomplete_and_says_what_to_add() {
        let bare = FileFacts {
            group: Some(CustomerGroup::Farmer),
            has_address: true,
            land_area_hundredths: 500,
            ..FileFacts::default()
        };
        let c = completeness(&bare);
        assert!(c.is_incomplete(), "{c:?}");
        let labels: Vec<_> = c.missing.iter().map(|m| m.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "乡镇/街道",
                "合作意向",
                "信用等级",
                "纸质档案位置",
                "家庭成员",
                "地块明细"
            ]
        );
    }

    #[test]
    fn a_tally_averages_and_counts() {
        let mut tally = Tally::default();
        tally.add_file(&completeness(&whole_farmer()), false);
        tally.add_file(
            &Completeness {
                score: 50,
                missing: Vec::new(),
            },
            true,
        );
        let row = tally.row("510104".into(), "锦江区".into());
        assert_eq!((row.files, row.incomplete, row.overdue), (2, 1, 1));
        assert_eq!(row.average_score, 75);
        assert_eq!(
            Tally::default()
                .row(String::new(), String::new())
                .average_score,
            100
        );
    }
}
