//! Archive codes: `TYPE-REGION-SERIAL`, e.g. `NH-510104-00123`.
//!
//! The serial counts per customer group and region and is never reused, not
//! even after a file is destroyed; the store allocates it. This module only
//! knows how a code is written and read under a configurable scheme.

use serde::{Deserialize, Serialize};

use super::{CustomerGroup, RegionCode};

/// How archive codes are written: one prefix per group, a separator and the
/// minimum width of the zero-padded serial.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveCodeScheme {
    /// Prefixes in the order of [`CustomerGroup::ALL`].
    pub prefixes: [String; 5],
    pub separator: String,
    pub serial_width: usize,
}

impl Default for ArchiveCodeScheme {
    fn default() -> Self {
        Self {
            prefixes: ["NH", "HZ", "GY", "JX", "QT"].map(String::from),
            separator: "-".to_string(),
            serial_width: 5,
        }
    }
}

/// Why a scheme cannot be used.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SchemeError {
    #[error("档案编号前缀只能由 1–4 个大写字母组成，且各类客户不能重复")]
    Prefix,
    #[error("档案编号分隔符只能是一个非字母数字的字符")]
    Separator,
    #[error("流水号位数应在 3 到 9 之间")]
    SerialWidth,
}

impl ArchiveCodeScheme {
    /// Checks that codes written under this scheme can be read back
    /// unambiguously.
    pub fn validate(&self) -> Result<(), SchemeError> {
        let well_formed = |prefix: &String| {
            (1..=4).contains(&prefix.len()) && prefix.chars().all(|c| c.is_ascii_uppercase())
        };
        let mut distinct = self.prefixes.to_vec();
        distinct.sort();
        distinct.dedup();
        if !self.prefixes.iter().all(well_formed) || distinct.len() != self.prefixes.len() {
            return Err(SchemeError::Prefix);
        }

        let mut chars = self.separator.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_alphanumeric() && !c.is_whitespace() => {}
            _ => return Err(SchemeError::Separator),
        }

        if !(3..=9).contains(&self.serial_width) {
            return Err(SchemeError::SerialWidth);
        }
        Ok(())
    }

    pub fn prefix(&self, group: CustomerGroup) -> &str {
        &self.prefixes[group.index()]
    }

    /// The key under which the store counts serials: one counter per prefix and
    /// region, so that a change of separator or width keeps counting on.
    pub fn counter_key(&self, group: CustomerGroup, region: &RegionCode) -> String {
        format!("{}-{}", self.prefix(group), region.as_str())
    }
}

/// A well-formed archive code.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ArchiveCode {
    text: String,
    group: CustomerGroup,
    region: RegionCode,
    serial: u64,
}

/// Why a text is not an archive code.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ArchiveCodeError {
    #[error("档案编号格式应为“类型-地区码-流水号”，例如 NH-510104-00001")]
    Shape,
    #[error("档案编号的类型前缀不存在")]
    UnknownPrefix,
    #[error("档案编号中的地区码无效")]
    Region,
    #[error("档案编号的流水号应为至少 {0} 位数字，且不能为 0")]
    Serial(usize),
}

impl ArchiveCode {
    /// Writes the code for the `serial`-th file of a group in a region.
    pub fn new(
        scheme: &ArchiveCodeScheme,
        group: CustomerGroup,
        region: RegionCode,
        serial: u64,
    ) -> Self {
        let text = format!(
            "{prefix}{sep}{region}{sep}{serial:0width$}",
            prefix = scheme.prefix(group),
            sep = scheme.separator,
            region = region.as_str(),
            width = scheme.serial_width,
        );
        Self {
            text,
            group,
            region,
            serial,
        }
    }

    /// Reads a code typed by a person; surrounding blanks and lower case are
    /// forgiven.
    pub fn parse(scheme: &ArchiveCodeScheme, input: &str) -> Result<Self, ArchiveCodeError> {
        let text = input.trim().to_ascii_uppercase();
        let parts: Vec<&str> = text.split(scheme.separator.as_str()).collect();
        let [prefix, region, serial] = parts.as_slice() else {
            return Err(ArchiveCodeError::Shape);
        };

        let group = CustomerGroup::ALL
            .into_iter()
            .find(|group| scheme.prefix(*group) == *prefix)
            .ok_or(ArchiveCodeError::UnknownPrefix)?;
        let region = RegionCode::parse(region).map_err(|_| ArchiveCodeError::Region)?;

        let serial_is_digits =
            serial.len() >= scheme.serial_width && serial.chars().all(|c| c.is_ascii_digit());
        let serial = serial
            .parse::<u64>()
            .ok()
            .filter(|n| serial_is_digits && *n > 0)
            .ok_or(ArchiveCodeError::Serial(scheme.serial_width))?;

        Ok(Self::new(scheme, group, region, serial))
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn group(&self) -> CustomerGroup {
        self.group
    }

    pub fn region(&self) -> &RegionCode {
        &self.region
    }

    pub fn serial(&self) -> u64 {
        self.serial
    }
}

impl std::fmt::Display for ArchiveCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chengdu() -> RegionCode {
        RegionCode::parse("510104").expect("a real county code")
    }

    #[test]
    fn a_farmer_code_has_the_prefix_the_region_and_a_padded_serial() {
        let scheme = ArchiveCodeScheme::default();
        let code = ArchiveCode::new(&scheme, CustomerGroup::Farmer, chengdu(), 123);
        assert_eq!(code.as_str(), "NH-510104-00123");
    }

    #[test]
    fn every_group_has_its_own_prefix() {
        let scheme = ArchiveCodeScheme::default();
        let codes: Vec<String> = CustomerGroup::ALL
            .into_iter()
            .map(|group| ArchiveCode::new(&scheme, group, chengdu(), 1).to_string())
            .collect();
        assert_eq!(
            codes,
            [
                "NH-510104-00001",
                "HZ-510104-00001",
                "GY-510104-00001",
                "JX-510104-00001",
                "QT-510104-00001"
            ]
        );
    }

    #[test]
    fn a_serial_wider_than_the_scheme_is_written_in_full() {
        let scheme = ArchiveCodeScheme::default();
        let code = ArchiveCode::new(&scheme, CustomerGroup::Dealer, chengdu(), 1_234_567);
        assert_eq!(code.as_str(), "JX-510104-1234567");
        assert_eq!(ArchiveCode::parse(&scheme, code.as_str()), Ok(code));
    }

    #[test]
    fn a_written_code_reads_back_to_the_same_parts() {
        let scheme = ArchiveCodeScheme::default();
        let code = ArchiveCode::parse(&scheme, " gy-510104-00042 ").expect("valid code");
        assert_eq!(code.group(), CustomerGroup::Supplier);
        assert_eq!(code.region().as_str(), "510104");
        assert_eq!(code.serial(), 42);
        assert_eq!(code.as_str(), "GY-510104-00042");
    }

    #[test]
    fn malformed_codes_are_rejected_with_the_reason() {
        let scheme = ArchiveCodeScheme::default();
        assert_eq!(
            ArchiveCode::parse(&scheme, "NH510104"),
            Err(ArchiveCodeError::Shape)
        );
        assert_eq!(
            ArchiveCode::parse(&scheme, "XX-510104-00001"),
            Err(ArchiveCodeError::UnknownPrefix)
        );
        assert_eq!(
            ArchiveCode::parse(&scheme, "NH-5101-00001"),
            Err(ArchiveCodeError::Region)
        );
        assert_eq!(
            ArchiveCode::parse(&scheme, "NH-510104-01"),
            Err(ArchiveCodeError::Serial(5))
        );
        assert_eq!(
            ArchiveCode::parse(&scheme, "NH-510104-00000"),
            Err(ArchiveCodeError::Serial(5))
        );
    }

    #[test]
    fn a_custom_scheme_writes_and_reads_its_own_codes() {
        let scheme = ArchiveCodeScheme {
            prefixes: ["F", "P", "S", "D", "O"].map(String::from),
            separator: "/".to_string(),
            serial_width: 6,
        };
        assert_eq!(scheme.validate(), Ok(()));
        let code = ArchiveCode::new(&scheme, CustomerGroup::Partner, chengdu(), 7);
        assert_eq!(code.as_str(), "P/510104/000007");
        assert_eq!(ArchiveCode::parse(&scheme, "p/510104/000007"), Ok(code));
    }

    #[test]
    fn a_scheme_that_could_not_be_read_back_is_refused() {
        let mut scheme = ArchiveCodeScheme::default();
        scheme.prefixes[1] = "NH".to_string();
        assert_eq!(scheme.validate(), Err(SchemeError::Prefix));

        let scheme = ArchiveCodeScheme {
            separator: "5".to_string(),
            ..Default::default()
        };
        assert_eq!(scheme.validate(), Err(SchemeError::Separator));

        let scheme = ArchiveCodeScheme {
            serial_width: 2,
            ..Default::default()
        };
        assert_eq!(scheme.validate(), Err(SchemeError::SerialWidth));
    }

    #[test]
    fn the_serial_counter_ignores_separator_and_width() {
        let mut scheme = ArchiveCodeScheme::default();
        let before = scheme.counter_key(CustomerGroup::Farmer, &chengdu());
        scheme.separator = "/".to_string();
        scheme.serial_width = 7;
        assert_eq!(
            scheme.counter_key(CustomerGroup::Farmer, &chengdu()),
            before
        );
    }
}
