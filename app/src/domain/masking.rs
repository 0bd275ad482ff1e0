//! How personal values are shown to those who may not see them in full
//! (GB/T 35273 §6.2 de-identified display).

use serde::{Deserialize, Serialize};

/// The values of a file that are sealed at rest and masked on screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SensitiveField {
    Phone,
    IdNumber,
}

impl SensitiveField {
    pub fn key(self) -> &'static str {
        match self {
            Self::Phone => "phone",
            Self::IdNumber => "id_number",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Phone => "联系电话",
            Self::IdNumber => "证件号码",
        }
    }
}

/// `13812345678` → `138****5678`; `028-85551234` → `028-****1234`.
pub fn mask_phone(phone: &str) -> String {
    match phone.split_once('-') {
        Some((area, local)) => format!("{area}-{}", keep_ends(local, 0, 4)),
        None => keep_ends(phone, 3, 4),
    }
}

/// `11010519491231002X` → `110***********002X`.
pub fn mask_id_number(number: &str) -> String {
    if number.chars().count() > 8 {
        keep_ends(number, 3, 4)
    } else {
        keep_ends(number, 1, 1)
    }
}

/// Keeps `head` characters at the start and `tail` at the end; stars between.
fn keep_ends(text: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    let hidden = chars.len() - head - tail;
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&"*".repeat(hidden));
    out.extend(&chars[chars.len() - tail..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_keep_the_prefix_and_the_last_four_digits() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("028-85551234"), "028-****1234");
    }

    #[test]
    fn id_numbers_keep_three_in_front_and_four_behind() {
        assert_eq!(mask_id_number("11010519491231002X"), "110***********002X");
        assert_eq!(mask_id_number("91350100M000100Y43"), "913***********0Y43");
        assert_eq!(mask_id_number("J5101"), "J***1");
        assert_eq!(mask_id_number("AB"), "**");
    }
}
