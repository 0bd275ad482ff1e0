//! Purposes and consent (PIPL art. 13–17, 28–29): for what the cooperative
//! uses a person's information, the consent the person gave for each use,
//! the separate consent for sensitive information, and its withdrawal.

use serde::{Deserialize, Serialize};
use time::Date;

use super::profile::{CreditRating, keyed_enum};
use super::upkeep::parse_day;
use super::{CustomerDetails, CustomerForm, Field, FieldError};

/// The purpose that recording and changing credit ratings serves.
pub const CREDIT_PURPOSE: &str = "credit";
/// The purpose that the subsidy roster serves.
pub const SUBSIDY_PURPOSE: &str = "subsidy";
/// Purposes that functions of the archive are bound to: they can be
/// described anew, never retired.
pub const BOUND_PURPOSES: [&str; 2] = [CREDIT_PURPOSE, SUBSIDY_PURPOSE];
/// The key under which the separate consent for sensitive information (or
/// the legal basis that stands in for it) is kept.
pub const SENSITIVE: &str = "sensitive";

/// Longest signature path accepted, in characters: a few hundred strokes.
pub const MAX_SIGNATURE: usize = 60_000;
/// Longest paper reference or withdrawal note, in characters.
pub const MAX_NOTE: usize = 100;

keyed_enum! {
    /// How a consent was given, or what stands in its place.
    ConsentMethod {
        /// 纸质签字: a signed paper form, kept under a storage reference.
        Paper = "paper", "纸质同意书签字";
        /// 屏幕签名: signed with a finger on the tablet.
        Signature = "signature", "平板屏幕签名";
        /// 法定依据: processing rests on a legal basis, not on consent.
        LegalBasis = "legal_basis", "法定处理依据";
    }
}

/// One entry of a configured list: a purpose of processing, or a legal
/// basis that allows processing without consent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListedItem {
    pub key: String,
    pub name: String,
    /// In plain words, as the consent form prints it.
    pub description: String,
    /// Retired entries stay readable on old consents but are not offered.
    pub active: bool,
}

impl ListedItem {
    /// The entry checked for saving, or what to fix.
    pub fn validate(&self) -> Result<ListedItem, String> {
        let key = self.key.trim();
        if key.is_empty()
            || key.len() > 40
            || key == SENSITIVE
            || !key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err("代码只能由小写英文字母、数字和下划线组成，最多 40 个字符".to_string());
        }
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 20 {
            return Err("名称不能为空，且不超过 20 个字".to_string());
        }
        let description = self.description.trim();
        if description.is_empty() || description.chars().count() > 300 {
            return Err("请用通俗的话写明说明（300 字以内），同意书上会印出".to_string());
        }
        Ok(ListedItem {
            key: key.to_string(),
            name: name.to_string(),
            description: description.to_string(),
            active: self.active,
        })
    }
}

/// The configured purposes and legal bases.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentLists {
    pub purposes: Vec<ListedItem>,
    pub legal_bases: Vec<ListedItem>,
}

impl ConsentLists {
    pub fn purpose(&self, key: &str) -> Option<&ListedItem> {
        self.purposes.iter().find(|p| p.key == key)
    }

    pub fn legal_basis(&self, key: &str) -> Option<&ListedItem> {
        self.legal_bases.iter().find(|b| b.key == key)
    }

    /// What a consent record's key means: a purpose's name, or the
    /// separate consent for sensitive information.
    pub fn name_of(&self, purpose: &str) -> String {
        if purpose == SENSITIVE {
            return "敏感个人信息（单独同意）".to_string();
        }
        self.purpose(purpose)
            .map_or_else(|| purpose.to_string(), |p| p.name.clone())
    }
}

/// A consent as the intake form or the file page sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConsentForm {
    /// Keys of the purposes consented to.
    pub purposes: Vec<String>,
    /// The separate consent to processing sensitive information.
    pub sensitive: bool,
    /// A [`ConsentMethod`] key: `paper` or `signature`.
    pub method: String,
    /// Where the signed paper form is kept, e.g. 同意书 2026-031 号.
    pub paper_ref: String,
    /// The on-screen signature as an SVG path (`M x y L x y …`).
    pub signature: String,
    /// A configured legal basis for the sensitive information, instead of
    /// the separate consent.
    pub legal_basis: String,
    /// `YYYY-MM-DD`; empty means today.
    pub given_on: String,
}

impl ConsentForm {
    /// Whether anything was filled in.
    pub fn is_empty(&self) -> bool {
        self.purposes.is_empty() && !self.sensitive && self.legal_basis.trim().is_empty()
    }
}

/// A checked consent form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedConsent {
    pub purposes: Vec<String>,
    pub sensitive: bool,
    /// `Paper` or `Signature`; meaningless when only a legal basis is given.
    pub method: ConsentMethod,
    pub paper_ref: String,
    pub signature: String,
    /// A legal basis key, or empty.
    pub legal_basis: String,
    pub given_on: Date,
}

impl CheckedConsent {
    /// Whether the sensitive information may be processed: a separate
    /// consent, or a legal basis.
    pub fn covers_sensitive(&self) -> bool {
        self.sensitive || !self.legal_basis.is_empty()
    }
}

/// Whether an SVG path holds only moves and lines with plain numbers.
fn is_plain_path(path: &str) -> bool {
    path.starts_with('M')
        && path
            .chars()
            .all(|c| matches!(c, 'M' | 'L' | ' ' | '.' | '0'..='9'))
}

impl ConsentForm {
    /// The form checked against the configured lists and `today`.
    pub fn validate(&self, lists: &ConsentLists, today: Date) -> Result<CheckedConsent, String> {
        let mut purposes: Vec<String> = Vec::new();
        for key in &self.purposes {
            let key = key.trim();
            match lists.purpose(key) {
                Some(p) if p.active => {
                    if !purposes.iter().any(|k| k == key) {
                        purposes.push(key.to_string());
                    }
                }
                _ => return Err("所选用途已停用或不存在，请刷新页面后重新勾选".to_string()),
            }
        }
        let legal_basis = self.legal_basis.trim();
        if !legal_basis.is_empty() && !lists.legal_basis(legal_basis).is_some_and(|b| b.active) {
            return Err("所选法定依据已停用或不存在，请重新选择".to_string());
        }
        if purposes.is_empty() && !self.sensitive && legal_basis.is_empty() {
            return Err("请至少勾选一项同意的用途".to_string());
        }
        let given_on = if self.given_on.trim().is_empty() {
            today
        } else {
            parse_day(&self.given_on).ok_or("同意日期的格式应为 年-月-日，例如 2026-12-03")?
        };
        if given_on > today {
            return Err("同意日期不能晚于今天".to_string());
        }
        let consenting = !purposes.is_empty() || self.sensitive;
        let method = if consenting {
            ConsentMethod::from_key(self.method.trim())
                .filter(|m| *m != ConsentMethod::LegalBasis)
                .ok_or("请选择同意方式：纸质同意书签字，或在平板上签名")?
        } else {
            ConsentMethod::LegalBasis
        };
        let paper_ref = self.paper_ref.trim().to_string();
        let signature = self.signature.trim().to_string();
        match method {
            ConsentMethod::Paper if paper_ref.is_empty() => {
                return Err("请填写纸质同意书的存放编号，例如“同意书 2026-031 号”".to_string());
            }
            ConsentMethod::Signature if signature.is_empty() => {
                return Err("请客户在签名框内签名".to_string());
            }
            ConsentMethod::Signature
                if signature.chars().count() > MAX_SIGNATURE || !is_plain_path(&signature) =>
            {
                return Err("签名无法识别，请清除后重新签名".to_string());
            }
            _ => {}
        }
        if paper_ref.chars().count() > MAX_NOTE {
            return Err(format!("存放编号不能超过 {MAX_NOTE} 个字"));
        }
        Ok(CheckedConsent {
            purposes,
            sensitive: self.sensitive,
            method,
            paper_ref: if method == ConsentMethod::Paper {
                paper_ref
            } else {
                String::new()
            },
            signature: if method == ConsentMethod::Signature {
                signature
            } else {
                String::new()
            },
            legal_basis: legal_basis.to_string(),
            given_on,
        })
    }
}

/// Whether a file holds sensitive personal information (PIPL art. 28): a
/// person's ID number, household members' ID numbers, or a credit rating.
/// An organisation's credit code and rating are not about a person.
pub fn holds_sensitive(details: &CustomerDetails) -> bool {
    if details.is_organisation() {
        return false;
    }
    !details.id_number.is_empty()
        || details.household.iter().any(|m| !m.id_number.is_empty())
        || details.credit.rating != CreditRating::Unrated
}

/// Why a file may not be given these details without a basis, or `None`.
pub fn missing_sensitive_basis(details: &CustomerDetails, covered: bool) -> Option<&'static str> {
    (holds_sensitive(details) && !covered).then_some(
        "身份证号、家庭成员证件号和信用状况属于敏感个人信息，须取得客户的单独同意\
         （纸质签字或平板签名），或选择一项法定处理依据",
    )
}

/// What the intake form's consent section lacks, checked without the
/// configured lists (the server checks those too): a basis for sensitive
/// information, evidence of the consent, and consent to credit assessment
/// before a person's credit is rated.
pub fn intake_consent_errors(form: &CustomerForm) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let person = form.id_kind.trim() != "credit_code";
    let rated = !matches!(form.credit_rating.trim(), "" | "unrated");
    let sensitive = person
        && (!form.id_number.trim().is_empty()
            || form
                .household
                .iter()
                .any(|m| !m.id_number.trim().is_empty())
            || rated);
    let consent = &form.consent;
    let covered = consent.sensitive || !consent.legal_basis.trim().is_empty();
    let mut problem = |field, message: &str| {
        errors.push(FieldError {
            field,
            message: message.to_string(),
        })
    };
    if sensitive && !covered {
        problem(
            Field::Consent,
            "身份证号、家庭成员证件号和信用状况属于敏感个人信息，须勾选客户的单独同意，或选择一项法定处理依据",
        );
    } else if consent.sensitive || !consent.purposes.is_empty() {
        match consent.method.trim() {
            "paper" if consent.paper_ref.trim().is_empty() => problem(
                Field::Consent,
                "请填写纸质同意书的存放编号，例如“同意书 2026-031 号”",
            ),
            "signature" if consent.signature.trim().is_empty() => {
                problem(Field::Consent, "请客户在签名框内签名")
            }
            "paper" | "signature" => {}
            _ => problem(
                Field::Consent,
                "请选择同意方式：纸质同意书签字，或在平板上签名",
            ),
        }
    }
    if person && rated && !consent.purposes.iter().any(|p| p == CREDIT_PURPOSE) {
        problem(
            Field::CreditRating,
            "评定个人信用等级须取得客户对“信用评估”用途的同意，请在“同意与用途”中勾选",
        );
    }
    errors
}

/// One recorded consent, for one purpose (or [`SENSITIVE`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRecord {
    pub id: String,
    pub purpose: String,
    /// The purpose's name at the time of reading.
    pub purpose_name: String,
    pub method: ConsentMethod,
    /// The legal basis's name, when `method` is a legal basis.
    pub legal_basis: String,
    /// `YYYY-MM-DD`.
    pub given_on: String,
    pub paper_ref: String,
    /// The signature's SVG path; empty unless signed on screen.
    pub signature: String,
    pub recorded_by: String,
    /// `YYYY-MM-DD`; empty while the consent stands.
    pub withdrawn_on: String,
    pub withdrawn_by: String,
    pub withdrawal_note: String,
}

impl ConsentRecord {
    pub fn is_current(&self) -> bool {
        self.withdrawn_on.is_empty()
    }
}

/// The consents of one file, newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileConsents {
    pub records: Vec<ConsentRecord>,
}

impl FileConsents {
    /// Whether a current consent for `purpose` stands.
    pub fn allows(&self, purpose: &str) -> bool {
        self.records
            .iter()
            .any(|r| r.purpose == purpose && r.is_current())
    }

    /// Why `purpose` may not be served for this file, in words for staff.
    pub fn refusal(&self, purpose: &str, purpose_name: &str) -> Option<String> {
        if self.allows(purpose) {
            return None;
        }
        let withdrawn = self
            .records
            .iter()
            .filter(|r| r.purpose == purpose)
            .map(|r| r.withdrawn_on.as_str())
            .max();
        Some(match withdrawn {
            Some(day) => format!("客户已于 {day} 撤回“{purpose_name}”的同意，不能用于此用途"),
            None => format!("客户未同意将信息用于“{purpose_name}”，请先登记同意"),
        })
    }
}

/// A withdrawal as the file page sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WithdrawalForm {
    pub code: String,
    /// The purpose key (or [`SENSITIVE`]) withdrawn.
    pub purpose: String,
    /// `YYYY-MM-DD`; empty means today.
    pub withdrawn_on: String,
    /// How the withdrawal came in, e.g. 本人来电.
    pub note: String,
}

impl WithdrawalForm {
    /// The day and note checked against `today`.
    pub fn validate(&self, today: Date) -> Result<(Date, String), String> {
        let day = if self.withdrawn_on.trim().is_empty() {
            today
        } else {
            parse_day(&self.withdrawn_on).ok_or("撤回日期的格式应为 年-月-日，例如 2026-12-03")?
        };
        if day > today {
            return Err("撤回日期不能晚于今天".to_string());
        }
        let note = self.note.trim();
        if note.is_empty() {
            return Err("请写明撤回是怎样提出的，例如“本人来电”或“书面申请”".to_string());
        }
        if note.chars().count() > MAX_NOTE {
            return Err(format!("说明不能超过 {MAX_NOTE} 个字"));
        }
        Ok((day, note.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::domain::{CustomerGroup, IdKind};

    const TODAY: Date = date!(2026 - 12 - 03);

    fn lists() -> ConsentLists {
        let item = |key: &str, active| ListedItem {
            key: key.into(),
            name: key.into(),
            description: "说明".into(),
            active,
        };
        ConsentLists {
            purposes: vec![
                item("membership", true),
                item("credit", true),
                item("old", false),
            ],
            legal_bases: vec![item("contract", true)],
        }
    }

    fn signed() -> ConsentForm {
        ConsentForm {
            purposes: vec!["membership".into(), "credit".into()],
            sensitive: true,
            method: "signature".into(),
            signature: "M 10 10 L 20.5 12 L 30 18".into(),
            ..ConsentForm::default()
        }
    }

    #[test]
    fn a_signed_consent_keeps_its_purposes_and_signature() {
        let consent = signed().validate(&lists(), TODAY).expect("valid");
        assert_eq!(consent.purposes, ["membership", "credit"]);
        assert_eq!(consent.method, ConsentMethod::Signature);
        assert_eq!(consent.given_on, TODAY);
        assert!(consent.covers_sensitive());
    }

    #[test]
    fn consent_needs_a_method_its_evidence_and_known_purposes() {
        let no_method = ConsentForm {
            method: String::new(),
            ..signed()
        };
        assert!(no_method.validate(&lists(), TODAY).is_err());
        let unsigned = ConsentForm {
            signature: String::new(),
            ..signed()
        };
        assert!(
            unsigned
                .validate(&lists(), TODAY)
                .expect_err("unsigned")
                .contains("签名")
        );
        let script = ConsentForm {
            signature: "M 0 0 <script>".into(),
            ..signed()
        };
        assert!(script.validate(&lists(), TODAY).is_err());
        let paper = ConsentForm {
            method: "paper".into(),
            ..signed()
        };
        assert!(
            paper
                .validate(&lists(), TODAY)
                .expect_err("no reference")
                .contains("存放编号")
        );
        let retired = ConsentForm {
            purposes: vec!["old".into()],
            ..signed()
        };
        assert!(retired.validate(&lists(), TODAY).is_err());
        let tomorrow = ConsentForm {
            given_on: "2026-12-04".into(),
            ..signed()
        };
        assert!(tomorrow.validate(&lists(), TODAY).is_err());
    }

    #[test]
    fn a_legal_basis_alone_needs_no_signature() {
        let basis = ConsentForm {
            legal_basis: "contract".into(),
            ..ConsentForm::default()
        };
        let checked = basis.validate(&lists(), TODAY).expect("basis");
        assert_eq!(checked.method, ConsentMethod::LegalBasis);
        assert!(checked.covers_sensitive());
        let unknown = ConsentForm {
            legal_basis: "whim".into(),
            ..ConsentForm::default()
        };
        assert!(unknown.validate(&lists(), TODAY).is_err());
    }

    #[test]
    fn a_person_with_an_id_number_holds_sensitive_information_an_organisation_not() {
        let mut person = CustomerDetails::blank(CustomerGroup::Farmer, IdKind::ResidentId);
        assert!(!holds_sensitive(&person));
        person.id_number = "110105195001010012".into();
        assert!(holds_sensitive(&person));
        assert!(missing_sensitive_basis(&person, false).is_some());
        assert!(missing_sensitive_basis(&person, true).is_none());
        let mut dealer = CustomerDetails::blank(CustomerGroup::Dealer, IdKind::CreditCode);
        dealer.id_number = "91510104MA61234567".into();
        dealer.credit.rating = CreditRating::A;
        assert!(!holds_sensitive(&dealer));
    }

    #[test]
    fn a_withdrawn_purpose_is_refused_with_its_date_until_consent_is_given_again() {
        let record = |on: &str, off: &str| ConsentRecord {
            id: on.into(),
            purpose: "credit".into(),
            purpose_name: "信用评估".into(),
            method: ConsentMethod::Paper,
            legal_basis: String::new(),
            given_on: on.into(),
            paper_ref: "同意书 1 号".into(),
            signature: String::new(),
            recorded_by: "staff".into(),
            withdrawn_on: off.into(),
            withdrawn_by: String::new(),
            withdrawal_note: String::new(),
        };
        let mut consents = FileConsents {
            records: vec![record("2026-01-05", "2026-11-20")],
        };
        let refusal = consents.refusal("credit", "信用评估").expect("refused");
        assert!(refusal.contains("2026-11-20"));
        assert!(
            FileConsents::default()
                .refusal("credit", "信用评估")
                .expect("never given")
                .contains("未同意")
        );
        consents.records.insert(0, record("2026-12-01", ""));
        assert!(consents.refusal("credit", "信用评估").is_none());
    }

    #[test]
    fn intake_asks_for_sensitive_consent_its_evidence_and_credit_consent() {
        let mut form = CustomerForm {
            id_kind: "resident_id".into(),
            id_number: "110105195001010012".into(),
            ..CustomerForm::default()
        };
        let fields = |form: &CustomerForm| -> Vec<Field> {
            intake_consent_errors(form)
                .into_iter()
                .map(|e| e.field)
                .collect()
        };
        assert_eq!(fields(&form), [Field::Consent]);
        form.consent = signed();
        assert!(fields(&form).is_empty());
        form.consent.signature.clear();
        assert_eq!(fields(&form), [Field::Consent]);
        form.consent = ConsentForm {
            legal_basis: "contract".into(),
            ..ConsentForm::default()
        };
        assert!(fields(&form).is_empty());
        form.credit_rating = "b".into();
        assert_eq!(fields(&form), [Field::CreditRating]);
        let dealer = CustomerForm {
            id_kind: "credit_code".into(),
            id_number: "91510104MA61234567".into(),
            credit_rating: "a".into(),
            ..CustomerForm::default()
        };
        assert!(fields(&dealer).is_empty());
    }

    #[test]
    fn a_withdrawal_says_how_it_came_in() {
        let form = WithdrawalForm {
            purpose: "credit".into(),
            note: "本人来电".into(),
            ..WithdrawalForm::default()
        };
        assert_eq!(
            form.validate(TODAY).expect("valid"),
            (TODAY, "本人来电".to_string())
        );
        let silent = WithdrawalForm {
            note: " ".into(),
            ..form
        };
        assert!(silent.validate(TODAY).is_err());
    }
}
