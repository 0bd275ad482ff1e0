//! The intake form: what staff type, and the checked new file it becomes.

use serde::{Deserialize, Serialize};
use time::Date;

use super::{AreaMu, CustomerGroup, IdDocument, IdKind, Phone, RegionCode};

/// The intake form exactly as typed, every field a string, so that nothing
/// typed is lost when a field is refused.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeForm {
    pub group: String,
    pub name: String,
    pub phone: String,
    pub id_kind: String,
    pub id_number: String,
    pub region: String,
    pub address: String,
    pub land_area: String,
    /// Staff looked at the possible duplicates shown and save anyway.
    #[serde(default)]
    pub confirm_duplicates: bool,
}

/// The fields of the app's forms, to place an error next to its field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Group,
    Name,
    Phone,
    IdKind,
    IdNumber,
    Region,
    Address,
    LandArea,
    Username,
    DisplayName,
    Role,
    Regions,
    Password,
    CurrentPassword,
}

/// A refused field and what to do about it, in words staff understand.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: Field,
    pub message: String,
}

/// A person's or organisation's name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName(String);

impl PersonName {
    /// Long enough for an organisation's registered name.
    pub const MAX_CHARS: usize = 60;

    pub fn parse(input: &str) -> Result<Self, String> {
        let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err("请填写姓名或单位名称".to_string());
        }
        if name.chars().count() > Self::MAX_CHARS {
            return Err(format!("名称不能超过 {} 个字", Self::MAX_CHARS));
        }
        if name.chars().any(char::is_control) {
            return Err("名称中含有不可见字符，请重新输入".to_string());
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new customer file whose every field passed its check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCustomer {
    pub group: CustomerGroup,
    pub name: PersonName,
    pub phone: Phone,
    pub id_document: IdDocument,
    pub region: RegionCode,
    pub address: String,
    pub land_area: AreaMu,
}

/// Addresses are free text, but not essays.
const ADDRESS_MAX_CHARS: usize = 120;

impl IntakeForm {
    /// Checks every field and reports all refusals at once, so staff can mend
    /// the form in one pass.
    pub fn validate(&self, today: Date) -> Result<NewCustomer, Vec<FieldError>> {
        let mut errors = Vec::new();

        let group = note(
            &mut errors,
            Field::Group,
            CustomerGroup::from_key(&self.group).ok_or_else(|| "请选择客户类别".to_string()),
        );
        let name = note(&mut errors, Field::Name, PersonName::parse(&self.name));
        let phone = note(
            &mut errors,
            Field::Phone,
            Phone::parse(&self.phone).map_err(|e| e.to_string()),
        );
        let id_kind = note(
            &mut errors,
            Field::IdKind,
            id_kind_for(group, &self.id_kind),
        );
        let id_document = id_kind.and_then(|kind| {
            let parsed = IdDocument::parse(kind, &self.id_number, today);
            note(
                &mut errors,
                Field::IdNumber,
                parsed.map_err(|e| e.to_string()),
            )
        });
        let region = note(
            &mut errors,
            Field::Region,
            RegionCode::parse(&self.region).map_err(|e| e.to_string()),
        );
        let address = note(&mut errors, Field::Address, address(&self.address));
        let land_area = note(
            &mut errors,
            Field::LandArea,
            AreaMu::parse(&self.land_area).map_err(|e| e.to_string()),
        );

        match (group, name, phone, id_document, region, address, land_area) {
            (
                Some(group),
                Some(name),
                Some(phone),
                Some(id_document),
                Some(region),
                Some(address),
                Some(land_area),
            ) if errors.is_empty() => Ok(NewCustomer {
                group,
                name,
                phone,
                id_document,
                region,
                address,
                land_area,
            }),
            _ => Err(errors),
        }
    }
}

/// Keeps the value of a field that passed, or notes why it was refused.
fn note<T>(errors: &mut Vec<FieldError>, field: Field, result: Result<T, String>) -> Option<T> {
    result
        .map_err(|message| errors.push(FieldError { field, message }))
        .ok()
}

/// Farmers are people: they are identified by an identity card or their
/// land-contract certificate, never by an organisation's credit code.
fn id_kind_for(group: Option<CustomerGroup>, key: &str) -> Result<IdKind, String> {
    let kind = IdKind::from_key(key).ok_or_else(|| "请选择证件类型".to_string())?;
    if group == Some(CustomerGroup::Farmer) && kind == IdKind::CreditCode {
        return Err("农户请使用居民身份证或农户证".to_string());
    }
    Ok(kind)
}

fn address(input: &str) -> Result<String, String> {
    let address = input.trim();
    if address.chars().count() > ADDRESS_MAX_CHARS {
        return Err(format!("地址不能超过 {ADDRESS_MAX_CHARS} 个字"));
    }
    Ok(address.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn filled() -> IntakeForm {
        IntakeForm {
            group: "farmer".into(),
            name: " 张 三 ".into(),
            phone: "138 1234 5678".into(),
            id_kind: "resident_id".into(),
            id_number: "11010519491231002X".into(),
            region: "510104".into(),
            address: "锦江区三圣街道".into(),
            land_area: "12.5".into(),
            confirm_duplicates: false,
        }
    }

    #[test]
    fn a_complete_form_becomes_a_new_customer_with_normal_forms() {
        let customer = filled()
            .validate(date!(2026 - 12 - 03))
            .expect("valid form");
        assert_eq!(customer.name.as_str(), "张 三");
        assert_eq!(customer.phone.as_str(), "13812345678");
        assert_eq!(customer.land_area.hundredths(), 1250);
    }

    #[test]
    fn every_refused_field_is_reported_at_once() {
        let form = IntakeForm {
            name: "".into(),
            phone: "123".into(),
            ..filled()
        };
        let errors = form
            .validate(date!(2026 - 12 - 03))
            .expect_err("two bad fields");
        let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, [Field::Name, Field::Phone]);
        assert_eq!(errors[0].message, "请填写姓名或单位名称");
    }

    #[test]
    fn a_farmer_cannot_be_identified_by_a_credit_code() {
        let form = IntakeForm {
            id_kind: "credit_code".into(),
            id_number: "91350100M000100Y43".into(),
            ..filled()
        };
        let errors = form
            .validate(date!(2026 - 12 - 03))
            .expect_err("farmer with credit code");
        assert_eq!(errors[0].field, Field::IdKind);
    }
}
