//! Administrative divisions (GB/T 2260): six-digit region codes, checked
//! against the code table shipped in `public/data/regions.tsv` (province,
//! prefecture and county levels; see the README for its source and date).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// The code table, compiled into both the server and the browser bundle.
const TABLE: &str = include_str!("../../../public/data/regions.tsv");

/// A six-digit GB/T 2260 code that names a current division.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RegionCode(String);

/// Why a text is not a region code.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum RegionError {
    #[error("请填写地区码")]
    Empty,
    #[error("地区码应为 6 位数字，例如 510104（四川省成都市锦江区）")]
    Shape,
    #[error("地区码 {0} 不在现行行政区划代码表中，请用地区选择器按名称选择")]
    Unknown(String),
}

/// One division of the table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Division {
    pub code: String,
    pub name: String,
}

impl RegionCode {
    pub fn parse(input: &str) -> Result<Self, RegionError> {
        let code = input.trim();
        if code.is_empty() {
            return Err(RegionError::Empty);
        }
        if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
            return Err(RegionError::Shape);
        }
        if !table().names.contains_key(code) {
            return Err(RegionError::Unknown(code.to_string()));
        }
        Ok(Self(code.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code with the zero pairs of the levels it does not name removed:
    /// `510000` (a province) → `51`, `510100` (a city) → `5101`, `510104` →
    /// `510104`. Every region inside it has a code that starts with this.
    pub fn tree_prefix(&self) -> &str {
        let code = self.0.as_str();
        if &code[2..] == "0000" {
            &code[..2]
        } else if &code[4..] == "00" {
            &code[..4]
        } else {
            code
        }
    }

    /// The full name, from the province down: `四川省 成都市 锦江区`.
    pub fn display_name(&self) -> String {
        full_name(&self.0)
    }
}

/// A region to filter files by, at any level: a province, prefecture or
/// county by its six-digit code, or a township by its nine digits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RegionFilter {
    /// Files whose county code starts with this (see [`RegionCode::tree_prefix`]).
    Within(String),
    /// Files of this township (nine digits; its first six are the county).
    Township(String),
}

impl RegionFilter {
    /// The filter a typed code stands for, or what is wrong with it.
    pub fn parse(input: &str) -> Result<Self, RegionError> {
        let code = input.trim();
        if code.len() == 9 && code.chars().all(|c| c.is_ascii_digit()) {
            return match RegionCode::parse(&code[..6]) {
                Ok(_) => Ok(Self::Township(code.to_string())),
                Err(_) => Err(RegionError::Unknown(code.to_string())),
            };
        }
        let region = RegionCode::parse(code)?;
        Ok(Self::Within(region.tree_prefix().to_string()))
    }

    /// The code the filter was made from, as a person would type it again.
    pub fn code(&self) -> String {
        match self {
            Self::Within(prefix) => format!("{prefix:0<6}"),
            Self::Township(code) => code.clone(),
        }
    }
}

/// Whether `code` names a current division.
pub fn exists(code: &str) -> bool {
    table().names.contains_key(code)
}

/// The full name of any six-digit code in the table, or empty.
pub fn full_name(code: &str) -> String {
    let table = table();
    if code.len() != 6 {
        return String::new();
    }
    let levels = [
        format!("{}0000", &code[..2]),
        format!("{}00", &code[..4]),
        code.to_string(),
    ];
    let mut parts: Vec<&str> = Vec::new();
    for level in &levels {
        if let Some(name) = table.names.get(level.as_str()) {
            // Groupings such as 省直辖县级行政区划 are not part of an address.
            if !name.contains('-') && parts.last() != Some(&name.as_str()) {
                parts.push(name);
            }
        }
    }
    parts.join(" ")
}

/// The provinces, in code order.
pub fn provinces() -> Vec<Division> {
    table().divisions(|code| code.ends_with("0000"))
}

/// What lies directly under a province (its prefecture-level divisions, or
/// for municipalities their districts) or under a prefecture (its counties).
pub fn children(parent: &str) -> Vec<Division> {
    let table = table();
    if parent.len() != 6 {
        return Vec::new();
    }
    if parent.ends_with("0000") {
        let province = &parent[..2];
        table.divisions(|code| {
            let in_province = code.starts_with(province) && code != parent;
            let is_city = code.ends_with("00");
            // A county is listed under its province when no prefecture
            // record groups it (Beijing, Shanghai, Tianjin, Chongqing).
            let city_missing = !table
                .names
                .contains_key(format!("{}00", &code[..4]).as_str());
            in_province && (is_city || city_missing)
        })
    } else if parent.ends_with("00") {
        let city = &parent[..4];
        table.divisions(|code| code.starts_with(city) && code != parent)
    } else {
        Vec::new()
    }
}

/// Divisions whose name contains `text`, with their full names, best first:
/// at most `limit` of them.
pub fn search(text: &str, limit: usize) -> Vec<Division> {
    let text = text.trim();
    if text.is_empty() {
        return Vec::new();
    }
    let table = table();
    let mut found: Vec<(usize, &str)> = table
        .names
        .iter()
        .filter(|(code, name)| name.contains(text) || code.starts_with(text))
        .map(|(code, name)| (usize::from(!name.starts_with(text)), code.as_str()))
        .collect();
    found.sort();
    found
        .into_iter()
        .take(limit)
        .map(|(_, code)| Division {
            code: code.to_string(),
            name: full_name(code),
        })
        .collect()
}

struct Table {
    names: BTreeMap<String, String>,
}

impl Table {
    fn divisions(&self, keep: impl Fn(&str) -> bool) -> Vec<Division> {
        self.names
            .iter()
            .filter(|(code, _)| keep(code))
            .map(|(code, name)| Division {
                code: code.clone(),
                name: name.rsplit('-').next().unwrap_or(name).to_string(),
            })
            .collect()
    }
}

fn table() -> &'static Table {
    static TABLE_PARSED: OnceLock<Table> = OnceLock::new();
    TABLE_PARSED.get_or_init(|| {
        let names = TABLE
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| line.split_once('\t'))
            .map(|(code, name)| (code.to_string(), name.to_string()))
            .collect();
        Table { names }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_names_a_region_at_any_level_or_a_township() {
        let within = |code: &str| RegionFilter::parse(code).expect(code);
        assert_eq!(within("510000"), RegionFilter::Within("51".into()));
        assert_eq!(within("510100"), RegionFilter::Within("5101".into()));
        assert_eq!(within("510104"), RegionFilter::Within("510104".into()));
        assert_eq!(
            within("510104001"),
            RegionFilter::Township("510104001".into())
        );
        assert_eq!(within("510100").code(), "510100");
        assert!(RegionFilter::parse("5101").is_err());
        assert!(RegionFilter::parse("990000").is_err());
        assert!(RegionFilter::parse("999999001").is_err());
    }

    #[test]
    fn a_current_county_code_is_accepted_with_its_full_name() {
        let code = RegionCode::parse(" 510104 ").expect("valid");
        assert_eq!(code.as_str(), "510104");
        assert_eq!(code.display_name(), "四川省 成都市 锦江区");
        assert_eq!(
            RegionCode::parse("110105").expect("valid").display_name(),
            "北京市 朝阳区"
        );
        assert_eq!(
            RegionCode::parse("429004").expect("valid").display_name(),
            "湖北省 仙桃市"
        );
    }

    #[test]
    fn codes_of_the_wrong_shape_or_not_in_the_table_are_rejected() {
        assert_eq!(RegionCode::parse(""), Err(RegionError::Empty));
        assert_eq!(RegionCode::parse("51010"), Err(RegionError::Shape));
        assert_eq!(RegionCode::parse("51010a"), Err(RegionError::Shape));
        assert_eq!(
            RegionCode::parse("990101"),
            Err(RegionError::Unknown("990101".into()))
        );
        assert_eq!(
            RegionCode::parse("510199"),
            Err(RegionError::Unknown("510199".into()))
        );
    }

    #[test]
    fn the_tree_prefix_drops_the_levels_a_code_does_not_name() {
        let prefix = |code: &str| {
            RegionCode::parse(code)
                .expect("valid")
                .tree_prefix()
                .to_string()
        };
        assert_eq!(prefix("510000"), "51");
        assert_eq!(prefix("510100"), "5101");
        assert_eq!(prefix("510104"), "510104");
    }

    #[test]
    fn the_table_is_walked_level_by_level() {
        assert_eq!(provinces().len(), 34);
        let sichuan = children("510000");
        assert!(
            sichuan
                .iter()
                .any(|d| d.code == "510100" && d.name == "成都市")
        );
        assert!(sichuan.iter().all(|d| d.code.ends_with("00")));
        let chengdu = children("510100");
        assert!(
            chengdu
                .iter()
                .any(|d| d.code == "510104" && d.name == "锦江区")
        );
        assert!(children("510104").is_empty());
        // Municipalities list their districts directly.
        assert!(children("110000").iter().any(|d| d.code == "110105"));
    }

    #[test]
    fn divisions_are_found_by_part_of_their_name() {
        let found = search("锦江", 5);
        assert!(
            found
                .iter()
                .any(|d| d.code == "510104" && d.name == "四川省 成都市 锦江区")
        );
        assert!(search("", 5).is_empty());
        assert_eq!(search("区", 3).len(), 3);
    }
}
