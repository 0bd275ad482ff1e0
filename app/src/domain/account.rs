//! Accounts: user names, the password rule, and who is signed in.

use serde::{Deserialize, Serialize};

use super::{Right, Role};

/// A sign-in name: 2–32 lower-case letters, digits, `.`, `_` or `-`,
/// starting with a letter. Typed upper case is read as lower case.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Username(String);

impl Username {
    pub fn parse(input: &str) -> Result<Self, String> {
        let name = input.trim().to_ascii_lowercase();
        let shape_ok = (2..=32).contains(&name.len())
            && name.starts_with(|c: char| c.is_ascii_lowercase())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
        if shape_ok {
            Ok(Self(name))
        } else {
            Err("用户名为 2–32 位小写字母、数字或 . _ -，并以字母开头".to_string())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How strong a password must be (configurable by the operator).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPolicy {
    pub min_chars: usize,
    /// Of lower case, upper case, digits and other characters, how many
    /// kinds must appear.
    pub min_kinds: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            min_chars: 12,
            min_kinds: 3,
        }
    }
}

impl PasswordPolicy {
    /// Checks a new password; the message says what is missing.
    pub fn check(&self, password: &str, username: &str) -> Result<(), String> {
        if password.chars().count() < self.min_chars {
            return Err(format!("密码至少需要 {} 个字符", self.min_chars));
        }
        let kinds = [
            password.chars().any(|c| c.is_ascii_lowercase()),
            password.chars().any(|c| c.is_ascii_uppercase()),
            password.chars().any(|c| c.is_ascii_digit()),
            password.chars().any(|c| !c.is_ascii_alphanumeric()),
        ];
        if kinds.iter().filter(|k| **k).count() < self.min_kinds {
            return Err(format!(
                "密码需包含小写字母、大写字母、数字、其他符号中的至少 {} 种",
                self.min_kinds
            ));
        }
        let lowered = password.to_lowercase();
        if !username.is_empty() && lowered.contains(&username.to_lowercase()) {
            return Err("密码不能包含用户名".to_string());
        }
        Ok(())
    }
}

/// The signed-in person, as the pages need to know them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub regions: Vec<String>,
    pub must_change_password: bool,
}

impl CurrentUser {
    pub fn may(&self, right: Right) -> bool {
        self.role.may(right)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names_are_short_lower_case_words() {
        assert_eq!(
            Username::parse(" Zhang.San ").map(|u| u.0),
            Ok("zhang.san".into())
        );
        assert!(Username::parse("1abc").is_err());
        assert!(Username::parse("a").is_err());
        assert!(Username::parse("张三").is_err());
    }

    #[test]
    fn a_password_needs_length_and_variety_and_not_the_user_name() {
        let policy = PasswordPolicy::default();
        assert!(policy.check("short1A!", "zhang").is_err());
        assert!(policy.check("alllowercaseletters", "zhang").is_err());
        assert!(policy.check("Zhang-2026-spring", "zhang").is_err());
        assert_eq!(policy.check("Tea-field-2026", "zhang"), Ok(()));
    }

    #[test]
    fn the_rule_is_configurable() {
        let lenient = PasswordPolicy {
            min_chars: 8,
            min_kinds: 1,
        };
        assert_eq!(lenient.check("abcdefgh", "zhang"), Ok(()));
    }
}
