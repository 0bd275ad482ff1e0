//! The parts of a file beyond identity: household, land, assets, credit,
//! cooperation, tags and the paper folder.

use serde::{Deserialize, Serialize};

use super::AreaMu;

/// A closed list whose entries have a stable key and a Chinese label.
macro_rules! keyed_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $key:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant,)+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$(Self::$variant,)+];

            pub fn key(self) -> &'static str {
                match self { $(Self::$variant => $key,)+ }
            }

            pub fn from_key(key: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.key() == key)
            }

            pub fn label(self) -> &'static str {
                match self { $(Self::$variant => $label,)+ }
            }
        }
    };
}
pub(crate) use keyed_enum;

keyed_enum! {
    /// How a household member is related to the customer.
    Relation {
        Spouse = "spouse", "配偶";
        Child = "child", "子女";
        Parent = "parent", "父母";
        Grandchild = "grandchild", "孙辈";
        Sibling = "sibling", "兄弟姐妹";
        ChildInLaw = "child_in_law", "儿媳/女婿";
        Other = "other", "其他";
    }
}

keyed_enum! {
    /// On what terms a parcel is farmed.
    Tenure {
        /// 承包: the household's own contracted land.
        Contracted = "contracted", "承包地";
        /// 流转转入: land taken over from others.
        TransferredIn = "transferred_in", "流转转入";
        Other = "other", "其他";
    }
}

keyed_enum! {
    /// The kinds of production assets a file lists.
    AssetKind {
        Machinery = "machinery", "农机具";
        Livestock = "livestock", "畜禽";
        Facility = "facility", "设施";
    }
}

keyed_enum! {
    /// The cooperative's credit rating of a customer.
    #[derive(Default)]
    CreditRating {
        #[default]
        Unrated = "unrated", "未评级";
        A = "a", "A 级（优秀）";
        B = "b", "B 级（良好）";
        C = "c", "C 级（一般）";
        D = "d", "D 级（较差）";
    }
}

/// A person living in the customer's household.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdMember {
    pub name: String,
    pub relation: Relation,
    /// A resident ID number; empty when not given. Sealed at rest.
    pub id_number: String,
    /// Counts as labour force (劳动力).
    pub labour: bool,
}

/// One piece of land the customer farms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parcel {
    /// Where it lies, as villagers name it (e.g. 村东头大田).
    pub location: String,
    pub area: AreaMu,
    pub crop: String,
    pub tenure: Tenure,
}

/// Machinery, animals or buildings used in production.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Asset {
    pub kind: AssetKind,
    pub description: String,
    pub quantity: u32,
    /// 台, 头, 座, 平方米 …
    pub unit: String,
}

/// The credit status of a file, and who set it when and why.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credit {
    pub rating: CreditRating,
    pub reason: String,
    /// `YYYY-MM-DD`; empty while unrated.
    pub date: String,
    pub set_by: String,
}

/// Where the paper folder of a file is kept.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperLocation {
    pub cabinet: String,
    pub shelf: String,
    pub r#box: String,
}

impl PaperLocation {
    pub fn is_empty(&self) -> bool {
        self.cabinet.is_empty() && self.shelf.is_empty() && self.r#box.is_empty()
    }
}

impl std::fmt::Display for PaperLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts = [
            (&self.cabinet, "柜"),
            (&self.shelf, "层"),
            (&self.r#box, "盒"),
        ];
        let text: Vec<String> = parts
            .iter()
            .filter(|(value, _)| !value.is_empty())
            .map(|(value, unit)| format!("{value} {unit}"))
            .collect();
        f.write_str(&text.join(" · "))
    }
}

/// One entry of the configurable list of cooperation intentions
/// (合作意向), e.g. 农资采购 or 农产品销售.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CooperationType {
    pub key: String,
    pub label: String,
    /// Retired entries stay readable on old files but are not offered.
    pub active: bool,
}

/// Tags typed as one line: split at commas, Chinese commas, semicolons and
/// blanks, trimmed, without repeats, in the order typed.
pub fn split_tags(input: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in input
        .split(|c: char| {
            c == ',' || c == '，' || c == ';' || c == '；' || c == '、' || c.is_whitespace()
        })
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        if !tags.iter().any(|t| t == tag) {
            tags.push(tag.to_string());
        }
    }
    tags
}

/// The sum of the parcels' areas, and whether it exceeds the total area.
pub fn parcels_exceed_total(parcels: &[Parcel], total: AreaMu) -> Option<AreaMu> {
    let sum: u64 = parcels.iter().map(|p| p.area.hundredths()).sum();
    (sum > total.hundredths()).then(|| AreaMu::from_hundredths(sum))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_split_at_any_usual_separator_without_repeats() {
        assert_eq!(
            split_tags(" 种粮大户，示范户, 种粮大户;社员 、 "),
            ["种粮大户", "示范户", "社员"]
        );
        assert!(split_tags(" ，, ").is_empty());
    }

    #[test]
    fn keys_and_labels_go_both_ways() {
        for rating in CreditRating::ALL {
            assert_eq!(CreditRating::from_key(rating.key()), Some(*rating));
        }
        assert_eq!(
            Tenure::from_key("transferred_in"),
            Some(Tenure::TransferredIn)
        );
        assert_eq!(Relation::from_key("cousin"), None);
    }

    #[test]
    fn parcels_larger_than_the_total_are_noticed() {
        let parcel = |h| Parcel {
            location: "东坡".into(),
            area: AreaMu::from_hundredths(h),
            crop: "水稻".into(),
            tenure: Tenure::Contracted,
        };
        let total = AreaMu::from_hundredths(1000);
        assert_eq!(
            parcels_exceed_total(&[parcel(400), parcel(600)], total),
            None
        );
        assert_eq!(
            parcels_exceed_total(&[parcel(400), parcel(601)], total),
            Some(AreaMu::from_hundredths(1001))
        );
    }

    #[test]
    fn a_paper_location_reads_as_cabinet_shelf_box() {
        let place = PaperLocation {
            cabinet: "3".into(),
            shelf: "2".into(),
            r#box: "".into(),
        };
        assert_eq!(place.to_string(), "3 柜 · 2 层");
    }
}
