//! Identity documents: the resident identity card (GB 11643), the farmer's
//! land-contract certificate, and the unified social credit code of an
//! organisation (GB 32100).

use serde::{Deserialize, Serialize};
use time::{Date, Month};

/// Which document identifies the customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdKind {
    /// 居民身份证
    ResidentId,
    /// 农户证 / 土地承包经营权证
    FarmerCertificate,
    /// 统一社会信用代码
    CreditCode,
}

impl IdKind {
    pub const ALL: [IdKind; 3] = [Self::ResidentId, Self::FarmerCertificate, Self::CreditCode];

    pub fn key(self) -> &'static str {
        match self {
            Self::ResidentId => "resident_id",
            Self::FarmerCertificate => "farmer_certificate",
            Self::CreditCode => "credit_code",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::ResidentId => "居民身份证",
            Self::FarmerCertificate => "农户证/土地承包经营权证",
            Self::CreditCode => "统一社会信用代码",
        }
    }
}

/// A checked identity document number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdDocument {
    kind: IdKind,
    number: String,
}

/// Why a document number is refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("请填写证件号码")]
    Empty,
    #[error("身份证号码应为 18 位：17 位数字加 1 位校验码（数字或 X）")]
    ResidentShape,
    #[error("身份证号码中的出生日期不存在")]
    ResidentBirthDate,
    #[error("身份证号码中的出生日期晚于今天")]
    ResidentBirthInFuture,
    #[error("身份证号码校验位不正确，请核对每一位数字")]
    ResidentCheckDigit,
    #[error("身份证号码前两位不是有效的省级地区码，请核对")]
    ResidentRegion,
    #[error("证书编号应为 6–30 位字母、数字或短横线")]
    CertificateShape,
    #[error("统一社会信用代码应为 18 位数字或大写字母（不含 I、O、S、V、Z）")]
    CreditShape,
    #[error("统一社会信用代码校验位不正确，请核对每一位")]
    CreditCheckCharacter,
}

impl IdDocument {
    /// Checks a number of the given kind; `today` bounds the birth date of a
    /// resident identity card.
    pub fn parse(kind: IdKind, input: &str, today: Date) -> Result<Self, IdError> {
        let number: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        if number.is_empty() {
            return Err(IdError::Empty);
        }
        match kind {
            IdKind::ResidentId => check_resident_id(&number, today)?,
            IdKind::FarmerCertificate => check_certificate(&number)?,
            IdKind::CreditCode => check_credit_code(&number)?,
        }
        Ok(Self { kind, number })
    }

    pub fn kind(&self) -> IdKind {
        self.kind
    }

    /// Birth date and sex of a resident identity card (GB 11643: digits 7–14
    /// and the parity of digit 17).
    pub fn birth_and_sex(&self) -> Option<(Date, Sex)> {
        if self.kind != IdKind::ResidentId {
            return None;
        }
        let digit = |range: std::ops::Range<usize>| self.number[range].parse::<u32>().ok();
        let month = Month::try_from(digit(10..12)? as u8).ok()?;
        let birth =
            Date::from_calendar_date(digit(6..10)? as i32, month, digit(12..14)? as u8).ok()?;
        let sex = if digit(16..17)? % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        };
        Some((birth, sex))
    }

    /// A note for staff when the number was issued under a region code that
    /// no longer exists: such numbers stay valid for life, so they are
    /// accepted, but worth a second look.
    pub fn warning(&self) -> Option<String> {
        if self.kind != IdKind::ResidentId {
            return None;
        }
        let region = &self.number[..6];
        (!super::region::exists(region)).then(|| {
            format!("身份证号码的地区码 {region} 已不在现行代码表中（可能是旧地区码），请核对证件")
        })
    }

    pub fn number(&self) -> &str {
        &self.number
    }
}

/// GB 11643-1999: six digits of region, eight of birth date, three of order,
/// and an ISO 7064 MOD 11-2 check character.
fn check_resident_id(number: &str, today: Date) -> Result<(), IdError> {
    let bytes = number.as_bytes();
    let shape_ok = bytes.len() == 18
        && bytes[..17].iter().all(u8::is_ascii_digit)
        && (bytes[17].is_ascii_digit() || bytes[17] == b'X');
    if !shape_ok {
        return Err(IdError::ResidentShape);
    }

    let digit = |range: std::ops::Range<usize>| number[range].parse::<u32>().unwrap_or(0);
    let month = Month::try_from(digit(10..12) as u8).map_err(|_| IdError::ResidentBirthDate)?;
    let birth = Date::from_calendar_date(digit(6..10) as i32, month, digit(12..14) as u8)
        .map_err(|_| IdError::ResidentBirthDate)?;
    if birth > today {
        return Err(IdError::ResidentBirthInFuture);
    }

    if resident_check_character(&bytes[..17]) != bytes[17] {
        return Err(IdError::ResidentCheckDigit);
    }
    if !super::region::exists(&format!("{}0000", &number[..2])) {
        return Err(IdError::ResidentRegion);
    }
    Ok(())
}

/// Male or female, as the identity card records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn label(self) -> &'static str {
        match self {
            Self::Male => "男",
            Self::Female => "女",
        }
    }
}

/// A resident ID number completed with its check character, from its first
/// 17 digits (for test data and demonstration archives).
pub fn complete_resident_id(first_17: &str) -> Option<String> {
    let valid = first_17.len() == 17 && first_17.bytes().all(|b| b.is_ascii_digit());
    valid.then(|| {
        format!(
            "{first_17}{}",
            resident_check_character(first_17.as_bytes()) as char
        )
    })
}

/// ISO 7064 MOD 11-2 over the first 17 digits.
fn resident_check_character(digits: &[u8]) -> u8 {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let sum: u32 = digits
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK[(sum % 11) as usize]
}

// Limitation: certificate numbers differ between provinces and no national
// checksum exists, so only their shape is checked.
fn check_certificate(number: &str) -> Result<(), IdError> {
    let shape_ok = (6..=30).contains(&number.len())
        && number
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-');
    if shape_ok {
        Ok(())
    } else {
        Err(IdError::CertificateShape)
    }
}

/// The GB 32100-2015 alphabet: digits and capitals without I, O, S, V, Z.
const CREDIT_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// GB 32100-2015: 17 characters and a MOD 31 check character.
fn check_credit_code(number: &str) -> Result<(), IdError> {
    let values: Option<Vec<u32>> = number
        .bytes()
        .map(|b| {
            CREDIT_ALPHABET
                .iter()
                .position(|a| *a == b)
                .map(|p| p as u32)
        })
        .collect();
    let Some(values) = values.filter(|v| v.len() == 18) else {
        return Err(IdError::CreditShape);
    };

    const WEIGHTS: [u32; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let sum: u32 = values[..17].iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    let check = (31 - sum % 31) % 31;
    if values[17] == check {
        Ok(())
    } else {
        Err(IdError::CreditCheckCharacter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 12 - 03);

    #[test]
    fn a_resident_id_with_a_correct_check_digit_is_accepted() {
        // The example number of GB 11643-1999.
        let doc = IdDocument::parse(IdKind::ResidentId, "11010519491231002x", TODAY)
            .expect("valid number");
        assert_eq!(doc.number(), "11010519491231002X");
    }

    #[test]
    fn a_resident_id_with_a_wrong_check_digit_is_rejected() {
        assert_eq!(
            IdDocument::parse(IdKind::ResidentId, "110105194912310021", TODAY),
            Err(IdError::ResidentCheckDigit)
        );
    }

    #[test]
    fn a_resident_id_with_an_impossible_or_future_birth_date_is_rejected() {
        assert_eq!(
            IdDocument::parse(IdKind::ResidentId, "110105194902300021", TODAY),
            Err(IdError::ResidentBirthDate)
        );
        assert_eq!(
            IdDocument::parse(IdKind::ResidentId, "110105203001010021", TODAY),
            Err(IdError::ResidentBirthInFuture)
        );
    }

    #[test]
    fn birth_date_and_sex_are_read_from_the_number() {
        let doc =
            IdDocument::parse(IdKind::ResidentId, "11010519491231002X", TODAY).expect("valid");
        assert_eq!(
            doc.birth_and_sex(),
            Some((date!(1949 - 12 - 31), Sex::Female))
        );
        assert_eq!(doc.warning(), None);
    }

    #[test]
    fn a_number_under_a_retired_region_code_is_accepted_with_a_warning() {
        // 510122 was 双流县, now 双流区 (510116); old cards keep the old code.
        let number = with_check_digit("51012219800101123");
        let doc = IdDocument::parse(IdKind::ResidentId, &number, TODAY).expect("still valid");
        assert!(doc.warning().is_some_and(|w| w.contains("510122")));
    }

    #[test]
    fn a_number_of_an_unknown_province_is_rejected() {
        let number = with_check_digit("99010519491231002");
        assert_eq!(
            IdDocument::parse(IdKind::ResidentId, &number, TODAY),
            Err(IdError::ResidentRegion)
        );
    }

    fn with_check_digit(first_17: &str) -> String {
        complete_resident_id(first_17).expect("17 digits")
    }

    #[test]
    fn a_resident_id_of_the_wrong_length_is_rejected() {
        assert_eq!(
            IdDocument::parse(IdKind::ResidentId, "1101051949123100", TODAY),
            Err(IdError::ResidentShape)
        );
    }

    #[test]
    fn every_single_digit_change_and_adjacent_swap_of_a_valid_id_is_rejected() {
        let valid = "11010519491231002X";
        assert!(IdDocument::parse(IdKind::ResidentId, valid, TODAY).is_ok());
        let digits: Vec<char> = valid.chars().collect();

        for position in 0..digits.len() {
            for replacement in "0123456789X".chars() {
                let mut changed = digits.clone();
                if changed[position] == replacement || (position < 17 && replacement == 'X') {
                    continue;
                }
                changed[position] = replacement;
                let changed: String = changed.into_iter().collect();
                assert!(
                    IdDocument::parse(IdKind::ResidentId, &changed, TODAY).is_err(),
                    "{changed} was accepted"
                );
            }
        }
        for position in 0..16 {
            let mut swapped = digits.clone();
            if swapped[position] == swapped[position + 1] {
                continue;
            }
            swapped.swap(position, position + 1);
            let swapped: String = swapped.into_iter().collect();
            assert!(
                IdDocument::parse(IdKind::ResidentId, &swapped, TODAY).is_err(),
                "{swapped} was accepted"
            );
        }
    }

    #[test]
    fn every_single_character_change_of_a_valid_credit_code_is_rejected() {
        let valid: Vec<char> = "91350100M000100Y43".chars().collect();
        for position in 0..valid.len() {
            for replacement in "0123456789ABCDEFGHJKLMNPQRTUWXY".chars() {
                let mut changed = valid.clone();
                if changed[position] == replacement {
                    continue;
                }
                changed[position] = replacement;
                let changed: String = changed.into_iter().collect();
                assert!(
                    IdDocument::parse(IdKind::CreditCode, &changed, TODAY).is_err(),
                    "{changed} was accepted"
                );
            }
        }
    }

    #[test]
    fn a_credit_code_with_its_check_character_is_accepted_and_a_changed_one_is_not() {
        let valid = "91350100M000100Y43";
        assert!(IdDocument::parse(IdKind::CreditCode, valid, TODAY).is_ok());
        assert_eq!(
            IdDocument::parse(IdKind::CreditCode, "91350100M000100Y44", TODAY),
            Err(IdError::CreditCheckCharacter)
        );
        assert_eq!(
            IdDocument::parse(IdKind::CreditCode, "91350100M000100I43", TODAY),
            Err(IdError::CreditShape)
        );
    }

    #[test]
    fn a_certificate_number_needs_only_a_sane_shape() {
        assert!(IdDocument::parse(IdKind::FarmerCertificate, "J510104-2019-0088", TODAY).is_ok());
        assert_eq!(
            IdDocument::parse(IdKind::FarmerCertificate, "12", TODAY),
            Err(IdError::CertificateShape)
        );
    }
}
