//! Contact phone numbers: mainland mobiles and landlines with area code.

use serde::{Deserialize, Serialize};

/// A checked phone number in a normal form: `13812345678` for a mobile,
/// `028-85551234` for a landline.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Phone(String);

/// Why a text is not a phone number.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("请填写联系电话")]
    Empty,
    #[error("手机号应为 11 位且以 13–19 开头；座机请写区号，例如 028-85551234")]
    Shape,
}

impl Phone {
    pub fn parse(input: &str) -> Result<Self, PhoneError> {
        let cleaned: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && !"-()（）".contains(*c))
            .collect();
        let digits = cleaned.strip_prefix("+86").unwrap_or(&cleaned);
        if input.trim().is_empty() {
            return Err(PhoneError::Empty);
        }
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(PhoneError::Shape);
        }

        if is_mobile(digits) {
            return Ok(Self(digits.to_string()));
        }
        landline(digits).map(Self).ok_or(PhoneError::Shape)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Mainland mobile numbers: 11 digits, `1` then `3`–`9`.
fn is_mobile(digits: &str) -> bool {
    let b = digits.as_bytes();
    b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1])
}

/// A landline: area code `0` + 2 or 3 digits, then a 7 or 8 digit number.
/// Two-digit area codes (010, 020–029) are the big cities; all others have
/// three digits after the `0`.
fn landline(digits: &str) -> Option<String> {
    if !digits.starts_with('0') {
        return None;
    }
    let area_len = if digits.starts_with("010") || digits.starts_with("02") {
        3
    } else {
        4
    };
    let (area, local) = digits.split_at_checked(area_len)?;
    let local_ok = (7..=8).contains(&local.len()) && !local.starts_with(['0', '1']);
    local_ok.then(|| format!("{area}-{local}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mobile_number_is_kept_as_eleven_digits() {
        assert_eq!(
            Phone::parse("138 1234 5678").map(|p| p.0),
            Ok("13812345678".into())
        );
        assert_eq!(
            Phone::parse("+86 159-0000-1111").map(|p| p.0),
            Ok("15900001111".into())
        );
    }

    #[test]
    fn a_landline_keeps_its_area_code() {
        assert_eq!(
            Phone::parse("02885551234").map(|p| p.0),
            Ok("028-85551234".into())
        );
        assert_eq!(
            Phone::parse("0816-2221234").map(|p| p.0),
            Ok("0816-2221234".into())
        );
        assert_eq!(
            Phone::parse("(010) 6552 9988").map(|p| p.0),
            Ok("010-65529988".into())
        );
    }

    #[test]
    fn numbers_that_are_neither_are_rejected() {
        assert_eq!(Phone::parse(""), Err(PhoneError::Empty));
        assert_eq!(Phone::parse("12812345678"), Err(PhoneError::Shape));
        assert_eq!(Phone::parse("1381234567"), Err(PhoneError::Shape));
        assert_eq!(Phone::parse("85551234"), Err(PhoneError::Shape));
        assert_eq!(Phone::parse("138abc45678"), Err(PhoneError::Shape));
    }
}
