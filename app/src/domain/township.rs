//! Township-level divisions (乡、镇、街道): nine-digit codes, the county's
//! six digits and three of the township, from `public/data/townships.tsv`
//! (see the README for its source and date).
//!
//! The table (about 41 000 names, 0.9 MB) is compiled into the server only;
//! the browser asks for the townships of one county at a time.

use serde::{Deserialize, Serialize};

use super::region::Division;

/// Why a text is not a township of the chosen county.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum TownshipError {
    #[error("乡镇（街道）代码应为 9 位数字；请在列表中选择")]
    Shape,
    #[error("所选乡镇（街道）不属于所填区县，请重新选择")]
    OtherCounty,
    #[error("乡镇（街道）代码 {0} 不在代码表中，请在列表中重新选择")]
    Unknown(String),
}

/// Checks a township code typed or chosen for the county `region`; empty
/// means none was given. In the browser only the shape is checked; the
/// server checks the table too.
pub fn check(input: &str, region: &str) -> Result<String, TownshipError> {
    let code = input.trim();
    if code.is_empty() {
        return Ok(String::new());
    }
    if code.len() != 9 || !code.chars().all(|c| c.is_ascii_digit()) {
        return Err(TownshipError::Shape);
    }
    if !code.starts_with(region.trim()) || region.trim().len() != 6 {
        return Err(TownshipError::OtherCounty);
    }
    #[cfg(feature = "ssr")]
    if table::name(code).is_none() {
        return Err(TownshipError::Unknown(code.to_string()));
    }
    Ok(code.to_string())
}

/// A township with its code, as the picker offers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Township {
    pub code: String,
    pub name: String,
}

impl From<Township> for Division {
    fn from(t: Township) -> Self {
        Division {
            code: t.code,
            name: t.name,
        }
    }
}

#[cfg(feature = "ssr")]
pub use table::{in_county, name};

#[cfg(feature = "ssr")]
mod table {
    use std::collections::BTreeMap;
    use std::sync::OnceLock;

    use super::Township;

    const TABLE: &str = include_str!("../../../public/data/townships.tsv");

    fn table() -> &'static BTreeMap<&'static str, &'static str> {
        static TABLE_MAP: OnceLock<BTreeMap<&'static str, &'static str>> = OnceLock::new();
        TABLE_MAP.get_or_init(|| {
            TABLE
                .lines()
                .filter(|line| !line.starts_with('#'))
                .filter_map(|line| line.split_once('\t'))
                .collect()
        })
    }

    /// The name of a township code, if it is in the table.
    pub fn name(code: &str) -> Option<&'static str> {
        table().get(code).copied()
    }

    /// The townships of one county, by code.
    pub fn in_county(county: &str) -> Vec<Township> {
        if county.len() != 6 || !county.chars().all(|c| c.is_ascii_digit()) {
            return Vec::new();
        }
        let end = format!("{county}999");
        table()
            .range(county..=end.as_str())
            .filter(|(code, _)| code.len() == 9)
            .map(|(code, name)| Township {
                code: (*code).to_string(),
                name: (*name).to_string(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_township_must_lie_in_the_chosen_county() {
        assert_eq!(check("", "510104"), Ok(String::new()));
        assert_eq!(check("510104022", "510104"), Ok("510104022".to_string()));
        assert_eq!(check("51010402", "510104"), Err(TownshipError::Shape));
        assert_eq!(
            check("510107001", "510104"),
            Err(TownshipError::OtherCounty)
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_table_names_the_townships_of_a_county() {
        assert_eq!(name("510104022"), Some("春熙路街道"));
        assert_eq!(
            check("510104999", "510104"),
            Err(TownshipError::Unknown("510104999".to_string()))
        );
        let jinjiang = in_county("510104");
        assert!(jinjiang.len() > 5);
        assert!(jinjiang.iter().all(|t| t.code.starts_with("510104")));
        assert!(in_county("51010").is_empty());
    }
}
