//! Administrative divisions (GB/T 2260): six-digit region codes.

use serde::{Deserialize, Serialize};

/// Province-level divisions of GB/T 2260, the first two digits of every
/// region code.
const PROVINCES: [(&str, &str); 34] = [
    ("11", "北京市"),
    ("12", "天津市"),
    ("13", "河北省"),
    ("14", "山西省"),
    ("15", "内蒙古自治区"),
    ("21", "辽宁省"),
    ("22", "吉林省"),
    ("23", "黑龙江省"),
    ("31", "上海市"),
    ("32", "江苏省"),
    ("33", "浙江省"),
    ("34", "安徽省"),
    ("35", "福建省"),
    ("36", "江西省"),
    ("37", "山东省"),
    ("41", "河南省"),
    ("42", "湖北省"),
    ("43", "湖南省"),
    ("44", "广东省"),
    ("45", "广西壮族自治区"),
    ("46", "海南省"),
    ("50", "重庆市"),
    ("51", "四川省"),
    ("52", "贵州省"),
    ("53", "云南省"),
    ("54", "西藏自治区"),
    ("61", "陕西省"),
    ("62", "甘肃省"),
    ("63", "青海省"),
    ("64", "宁夏回族自治区"),
    ("65", "新疆维吾尔自治区"),
    ("71", "台湾省"),
    ("81", "香港特别行政区"),
    ("82", "澳门特别行政区"),
];

/// A six-digit GB/T 2260 region code.
///
// Limitation: only the province part is checked against the standard, so a
// well-formed code of a county that does not exist is accepted. The full code
// table (down to townships) comes with the complete customer file.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RegionCode(String);

/// Why a text is not a region code.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum RegionError {
    #[error("请填写地区码")]
    Empty,
    #[error("地区码应为 6 位数字，例如 510104")]
    Shape,
    #[error("地区码的前两位不是有效的省级代码")]
    UnknownProvince,
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
        if province_name(&code[..2]).is_none() {
            return Err(RegionError::UnknownProvince);
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

    /// The name shown beside the code.
    pub fn display_name(&self) -> String {
        province_name(&self.0[..2]).unwrap_or_default().to_string()
    }
}

fn province_name(prefix: &str) -> Option<&'static str> {
    PROVINCES
        .iter()
        .find(|(code, _)| *code == prefix)
        .map(|(_, name)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_county_code_of_a_known_province_is_accepted() {
        let code = RegionCode::parse(" 510104 ").expect("valid");
        assert_eq!(code.as_str(), "510104");
        assert_eq!(code.display_name(), "四川省");
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
    fn codes_of_the_wrong_shape_or_province_are_rejected() {
        assert_eq!(RegionCode::parse(""), Err(RegionError::Empty));
        assert_eq!(RegionCode::parse("51010"), Err(RegionError::Shape));
        assert_eq!(RegionCode::parse("51010a"), Err(RegionError::Shape));
        assert_eq!(
            RegionCode::parse("990101"),
            Err(RegionError::UnknownProvince)
        );
    }
}
