//! Land areas in 亩 (mu), the unit cooperatives count land in.

use serde::{Deserialize, Serialize};

/// A land area in 亩, kept as hundredths so that sums are exact.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AreaMu(u64);

/// Why a text is not a land area.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum AreaError {
    #[error("土地面积应为数字（亩），最多两位小数，例如 12.5")]
    Shape,
    #[error("土地面积不能超过 {} 亩，请核对单位", AreaMu::MAX_MU)]
    TooLarge,
}

impl AreaMu {
    /// No single customer of a cooperative farms more than this; a larger
    /// figure is a typing or unit error (square metres instead of 亩).
    pub const MAX_MU: u64 = 1_000_000;

    /// Reads `12`, `12.5` or `12.05`; an empty field means no land.
    pub fn parse(input: &str) -> Result<Self, AreaError> {
        let text = input.trim();
        if text.is_empty() {
            return Ok(Self(0));
        }
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits_ok = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty() || !digits_ok(whole) || !digits_ok(fraction) || fraction.len() > 2 {
            return Err(AreaError::Shape);
        }

        let whole: u64 = whole.parse().map_err(|_| AreaError::TooLarge)?;
        if whole > Self::MAX_MU {
            return Err(AreaError::TooLarge);
        }
        let fraction: u64 = format!("{fraction:0<2}").parse().unwrap_or(0);
        let hundredths = whole * 100 + fraction;
        if hundredths > Self::MAX_MU * 100 {
            return Err(AreaError::TooLarge);
        }
        Ok(Self(hundredths))
    }

    pub fn from_hundredths(hundredths: u64) -> Self {
        Self(hundredths)
    }

    pub fn hundredths(self) -> u64 {
        self.0
    }
}

/// `12.5 亩` is written `12.50`; whole areas without decimals.
impl std::fmt::Display for AreaMu {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 % 100 {
            0 => write!(f, "{}", self.0 / 100),
            rest => write!(f, "{}.{rest:02}", self.0 / 100),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_with_up_to_two_decimals_are_read_exactly() {
        assert_eq!(AreaMu::parse("12").map(AreaMu::hundredths), Ok(1200));
        assert_eq!(AreaMu::parse("12.5").map(AreaMu::hundredths), Ok(1250));
        assert_eq!(AreaMu::parse(" 0.05 ").map(AreaMu::hundredths), Ok(5));
        assert_eq!(AreaMu::parse("").map(AreaMu::hundredths), Ok(0));
    }

    #[test]
    fn negative_or_malformed_areas_are_rejected() {
        assert_eq!(AreaMu::parse("-3"), Err(AreaError::Shape));
        assert_eq!(AreaMu::parse("1.234"), Err(AreaError::Shape));
        assert_eq!(AreaMu::parse("十亩"), Err(AreaError::Shape));
        assert_eq!(AreaMu::parse(".5"), Err(AreaError::Shape));
        assert_eq!(AreaMu::parse("1000000.01"), Err(AreaError::TooLarge));
        assert_eq!(
            AreaMu::parse("99999999999999999999"),
            Err(AreaError::TooLarge)
        );
    }

    #[test]
    fn an_area_is_written_without_needless_decimals() {
        assert_eq!(AreaMu::from_hundredths(1200).to_string(), "12");
        assert_eq!(AreaMu::from_hundredths(1250).to_string(), "12.50");
        assert_eq!(AreaMu::from_hundredths(5).to_string(), "0.05");
    }
}
