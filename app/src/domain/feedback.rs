//! 反馈与优化: what users say about the archive system itself, and the
//! answers they get.

use serde::{Deserialize, Serialize};

/// Longest text of a feedback field or answer, in characters.
pub const MAX_FEEDBACK: usize = 1000;

/// Feedback as a user sends it from any page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FeedbackForm {
    /// The path of the page it was sent from, e.g. `/customers`.
    pub page: String,
    /// What happened.
    pub happened: String,
    /// What would be better.
    pub suggestion: String,
}

impl FeedbackForm {
    /// The form with its texts trimmed, or what to fix.
    pub fn validate(&self) -> Result<Self, String> {
        let happened = self.happened.trim();
        let suggestion = self.suggestion.trim();
        if happened.is_empty() && suggestion.is_empty() {
            return Err("请写下遇到的情况或您的建议".to_string());
        }
        if happened.chars().count() > MAX_FEEDBACK || suggestion.chars().count() > MAX_FEEDBACK {
            return Err(format!("每一栏不能超过 {MAX_FEEDBACK} 个字"));
        }
        let page: String = self.page.trim().chars().take(200).collect();
        let page = if page.starts_with('/') {
            page
        } else {
            String::new()
        };
        Ok(Self {
            page,
            happened: happened.to_string(),
            suggestion: suggestion.to_string(),
        })
    }
}

/// One piece of feedback and, once handled, its answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    pub id: String,
    /// `YYYY-MM-DD HH:MM`.
    pub at: String,
    pub by: String,
    pub page: String,
    pub happened: String,
    pub suggestion: String,
    pub handled: bool,
    pub answer: String,
    pub answered_by: String,
    pub answered_at: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feedback_needs_something_said() {
        let empty = FeedbackForm {
            page: "/".into(),
            happened: " ".into(),
            suggestion: String::new(),
        };
        assert!(empty.validate().is_err());
        let said = FeedbackForm {
            suggestion: "搜索框希望支持拼音".into(),
            ..empty
        };
        assert_eq!(
            said.validate().expect("accepted").suggestion,
            "搜索框希望支持拼音"
        );
    }

    #[test]
    fn only_a_path_of_this_site_is_kept_as_the_page() {
        let form = FeedbackForm {
            page: "https://elsewhere.example/".into(),
            happened: "页面打不开".into(),
            suggestion: String::new(),
        };
        assert_eq!(form.validate().expect("accepted").page, "");
    }
}
