//! The customer file as the pages show it.

use serde::{Deserialize, Serialize};

use super::CustomerDetails;

/// The five groups of customers a cooperative keeps files on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomerGroup {
    /// 农户: member farmers and their households.
    Farmer,
    /// 合作伙伴: partner organisations.
    Partner,
    /// 供应商: suppliers of inputs and services.
    Supplier,
    /// 经销商: dealers who buy the cooperative's produce.
    Dealer,
    /// 其他: anyone else the cooperative keeps a file on.
    Other,
}

impl CustomerGroup {
    pub const ALL: [CustomerGroup; 5] = [
        Self::Farmer,
        Self::Partner,
        Self::Supplier,
        Self::Dealer,
        Self::Other,
    ];

    /// The stable key used in the database, URLs and forms.
    pub fn key(self) -> &'static str {
        match self {
            Self::Farmer => "farmer",
            Self::Partner => "partner",
            Self::Supplier => "supplier",
            Self::Dealer => "dealer",
            Self::Other => "other",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|group| group.key() == key)
    }

    /// The name staff know the group by.
    pub fn label(self) -> &'static str {
        match self {
            Self::Farmer => "农户",
            Self::Partner => "合作伙伴",
            Self::Supplier => "供应商",
            Self::Dealer => "经销商",
            Self::Other => "其他",
        }
    }

    /// Position in [`Self::ALL`], used to index per-group settings.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Where a file stands in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomerStatus {
    Active,
    Inactive,
    UnderDisposalReview,
    Destroyed,
}

impl CustomerStatus {
    pub const ALL: [CustomerStatus; 4] = [
        Self::Active,
        Self::Inactive,
        Self::UnderDisposalReview,
        Self::Destroyed,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Inactive => "inactive",
            Self::UnderDisposalReview => "under_disposal_review",
            Self::Destroyed => "destroyed",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Active => "在档",
            Self::Inactive => "停用",
            Self::UnderDisposalReview => "销毁审核中",
            Self::Destroyed => "已销毁",
        }
    }
}

/// One customer's file as the pages show it: its details with ID numbers
/// and phones masked, and where the file stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    pub code: String,
    pub details: CustomerDetails,
    pub region_name: String,
    pub status: CustomerStatus,
    pub version: i64,
    /// `YYYY-MM-DD HH:MM` in China Standard Time.
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub updated_by: String,
}

/// One row of a search result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomerSummary {
    pub code: String,
    pub name: String,
    pub group: CustomerGroup,
    pub region: String,
    pub region_name: String,
}

/// Why an existing file may be the same customer as a new one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateReason {
    /// The same ID number or credit code: the same person or organisation.
    SameIdentity,
    SamePhone,
    /// The same or a nearly the same name in the same county.
    SimilarName,
}

impl DuplicateReason {
    pub fn label(self) -> &'static str {
        match self {
            Self::SameIdentity => "证件号码相同",
            Self::SamePhone => "联系电话相同",
            Self::SimilarName => "同一地区姓名相近",
        }
    }
}

/// An existing file that may be the same customer as the one being filed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateCandidate {
    pub code: String,
    pub name: String,
    pub region_name: String,
    pub reasons: Vec<DuplicateReason>,
}

/// Whether two names are the same or differ in one character only (张三 and
/// 张山: a typing or homophone slip), ignoring blanks.
pub fn names_alike(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().filter(|c| !c.is_whitespace()).collect();
    let b: Vec<char> = b.chars().filter(|c| !c.is_whitespace()).collect();
    a.len() == b.len() && a.len() >= 2 && a.iter().zip(&b).filter(|(x, y)| x != y).count() <= 1
}

#[cfg(test)]
mod tests {
    use super::names_alike;

    #[test]
    fn names_one_character_apart_are_alike() {
        assert!(names_alike("张三", "张三"));
        assert!(names_alike("张三", "张山"));
        assert!(names_alike("王 小明", "王晓明"));
        assert!(!names_alike("张三", "李四"));
        assert!(!names_alike("张三", "张小三"));
        assert!(!names_alike("张", "李"));
    }
}
