//! The change history of a file: which facts changed, from what to what,
//! with personal values masked.

use serde::{Deserialize, Serialize};

use super::intake::CustomerDetails;
use super::masking::{mask_id_number, mask_phone};
use super::profile::CooperationType;
use super::region;

/// One fact of a file that changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// A stable key (`phone`, `credit`, …).
    pub field: String,
    pub label: String,
    /// As shown to staff: personal values masked.
    pub before: String,
    pub after: String,
}

/// One entry of a file's history: its creation or one saved edit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeEntry {
    /// The version the file had after this change.
    pub version: i64,
    /// `YYYY-MM-DD HH:MM` in China Standard Time.
    pub at: String,
    pub by: String,
    pub reason: String,
    /// Empty for the creation of the file.
    pub changes: Vec<FieldChange>,
}

/// One fact of a file as compared (`value`, in full) and as shown (`shown`).
struct Fact {
    field: &'static str,
    label: &'static str,
    value: String,
    shown: String,
    /// A change needs a written reason.
    needs_reason: bool,
}

fn fact(field: &'static str, label: &'static str, value: String) -> Fact {
    Fact {
        field,
        label,
        shown: value.clone(),
        value,
        needs_reason: false,
    }
}

fn personal(field: &'static str, label: &'static str, value: String, shown: String) -> Fact {
    Fact {
        field,
        label,
        value,
        shown,
        needs_reason: false,
    }
}

fn facts(d: &CustomerDetails, cooperation: &[CooperationType]) -> Vec<Fact> {
    let phones_shown: Vec<String> = d.extra_phones.iter().map(|p| mask_phone(p)).collect();
    let household = |mask: bool| {
        d.household
            .iter()
            .map(|m| {
                let id = match (mask, m.id_number.is_empty()) {
                    (_, true) => String::new(),
                    (true, false) => format!(" {}", mask_id_number(&m.id_number)),
                    (false, false) => format!(" {}", m.id_number),
                };
                let labour = if m.labour { " 劳动力" } else { "" };
                format!("{}（{}）{id}{labour}", m.name, m.relation.label())
            })
            .collect::<Vec<_>>()
            .join("；")
    };
    let cooperation_labels = d
        .cooperation
        .iter()
        .map(|key| {
            cooperation
                .iter()
                .find(|c| &c.key == key)
                .map_or_else(|| key.clone(), |c| c.label.clone())
        })
        .collect::<Vec<_>>()
        .join("、");
    let credit = if d.credit.reason.is_empty() {
        d.credit.rating.label().to_string()
    } else {
        format!("{}：{}", d.credit.rating.label(), d.credit.reason)
    };

    let mut identity = [
        fact("name", "姓名/单位名称", d.name.clone()),
        fact("id_kind", "证件类型", d.id_kind.label().to_string()),
        personal(
            "id_number",
            "证件号码",
            d.id_number.clone(),
            mask_id_number(&d.id_number),
        ),
    ];
    for f in &mut identity {
        f.needs_reason = true;
    }
    let mut credit = fact("credit", "信用状况", credit);
    credit.needs_reason = true;

    let mut all = vec![fact("group", "客户类别", d.group.label().to_string())];
    all.extend(identity);
    all.extend([
        personal("phone", "联系电话", d.phone.clone(), mask_phone(&d.phone)),
        personal(
            "extra_phones",
            "其他电话",
            d.extra_phones.join("、"),
            phones_shown.join("、"),
        ),
        fact(
            "legal_representative",
            "法定代表人",
            d.legal_representative.clone(),
        ),
        fact("contact_person", "联系人", d.contact_person.clone()),
        fact(
            "region",
            "所在地区",
            format!("{} {}", region::full_name(&d.region), d.region),
        ),
        fact("township", "乡镇（街道）", township_label(&d.township)),
        fact("address", "详细地址", d.address.clone()),
        fact("land_area", "土地面积（亩）", d.land_area.to_string()),
        personal("household", "家庭成员", household(false), household(true)),
        fact(
            "parcels",
            "地块",
            d.parcels
                .iter()
                .map(|p| {
                    format!(
                        "{} {} 亩 {} {}",
                        p.location,
                        p.area,
                        p.crop,
                        p.tenure.label()
                    )
                })
                .collect::<Vec<_>>()
                .join("；"),
        ),
        fact(
            "assets",
            "生产资产",
            d.assets
                .iter()
                .map(|a| {
                    format!(
                        "{}：{} {}{}",
                        a.kind.label(),
                        a.description,
                        a.quantity,
                        a.unit
                    )
                })
                .collect::<Vec<_>>()
                .join("；"),
        ),
        fact("cooperation", "合作意向", cooperation_labels),
        credit,
        fact("tags", "标签", d.tags.join("、")),
        fact("notes", "备注", d.notes.clone()),
        fact("paper", "纸质档案位置", d.paper.to_string()),
    ]);
    all
}

/// A township as the history shows it: its name where the table is at
/// hand (on the server), and its code.
fn township_label(code: &str) -> String {
    #[cfg(feature = "ssr")]
    if let Some(name) = super::township::name(code) {
        return format!("{name} {code}");
    }
    code.to_string()
}

/// What differs between two states of a file, fact by fact, with personal
/// values masked; and whether any of the changes needs a written reason
/// (identity and credit).
pub fn diff(
    before: &CustomerDetails,
    after: &CustomerDetails,
    cooperation: &[CooperationType],
) -> (Vec<FieldChange>, bool) {
    let mut needs_reason = false;
    let changes = facts(before, cooperation)
        .into_iter()
        .zip(facts(after, cooperation))
        .filter(|(old, new)| old.value != new.value)
        .map(|(old, new)| {
            needs_reason |= old.needs_reason;
            // Two different numbers can share a mask; say that it changed.
            let after = if new.shown == old.shown {
                format!("{}（已更改）", new.shown)
            } else {
                new.shown
            };
            FieldChange {
                field: old.field.to_string(),
                label: old.label.to_string(),
                before: old.shown,
                after,
            }
        })
        .collect();
    (changes, needs_reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::profile::{CreditRating, HouseholdMember, Relation};
    use crate::domain::{CustomerGroup, IdKind};

    fn details() -> CustomerDetails {
        CustomerDetails {
            name: "张三".into(),
            phone: "13812345678".into(),
            id_number: "11010519491231002X".into(),
            region: "510104".into(),
            ..CustomerDetails::blank(CustomerGroup::Farmer, IdKind::ResidentId)
        }
    }

    #[test]
    fn an_unchanged_file_has_no_changes() {
        assert_eq!(diff(&details(), &details(), &[]), (Vec::new(), false));
    }

    #[test]
    fn personal_values_are_masked_in_the_history() {
        let after = CustomerDetails {
            phone: "13900001111".into(),
            household: vec![HouseholdMember {
                name: "李梅".into(),
                relation: Relation::Spouse,
                id_number: "110105194912310021".into(),
                labour: true,
            }],
            ..details()
        };
        let (changes, needs_reason) = diff(&details(), &after, &[]);
        assert!(!needs_reason);
        assert_eq!(changes[0].field, "phone");
        assert_eq!(changes[0].before, "138****5678");
        assert_eq!(changes[0].after, "139****1111");
        assert_eq!(changes[1].after, "李梅（配偶） 110***********0021 劳动力");
        let all = format!("{changes:?}");
        assert!(!all.contains("13900001111") && !all.contains("110105194912310021"));
    }

    #[test]
    fn credit_and_identity_changes_need_a_reason() {
        let mut after = details();
        after.credit.rating = CreditRating::B;
        assert!(diff(&details(), &after, &[]).1);
        let after = CustomerDetails {
            id_number: "110105194912310021".into(),
            ..details()
        };
        let (changes, needs_reason) = diff(&details(), &after, &[]);
        assert!(needs_reason);
        assert_eq!(changes[0].before, "110***********002X");
    }

    #[test]
    fn a_new_number_with_the_same_mask_still_shows_as_changed() {
        let after = CustomerDetails {
            phone: "13811115678".into(),
            ..details()
        };
        let (changes, _) = diff(&details(), &after, &[]);
        assert_eq!(changes[0].after, "138****5678（已更改）");
    }
}
