//! The customer form (intake and edit): what staff type, and the checked
//! file it becomes.

use serde::{Deserialize, Serialize};
use time::Date;

use super::masking::{mask_id_number, mask_phone};
use super::profile::{
    Asset, AssetKind, Credit, CreditRating, HouseholdMember, PaperLocation, Parcel, Relation,
    Tenure, parcels_exceed_total, split_tags,
};
use super::{AreaMu, CustomerGroup, IdDocument, IdKind, Phone, RegionCode, township};

/// The customer form exactly as typed, every field a string, so that nothing
/// typed is lost when a field is refused.
///
/// On the edit form the ID numbers and phones show masked (`138****5678`);
/// a masked value left as it is keeps the stored value.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CustomerForm {
    pub group: String,
    pub name: String,
    /// The main phone.
    pub phone: String,
    pub extra_phones: Vec<String>,
    pub id_kind: String,
    pub id_number: String,
    /// Organisations only.
    pub legal_representative: String,
    /// Organisations only.
    pub contact_person: String,
    pub region: String,
    /// A nine-digit township code of the region; empty when not chosen.
    pub township: String,
    pub address: String,
    pub land_area: String,
    pub household: Vec<MemberForm>,
    pub parcels: Vec<ParcelForm>,
    pub assets: Vec<AssetForm>,
    /// Keys of the configured cooperation intentions.
    pub cooperation: Vec<String>,
    /// A [`CreditRating`] key; empty means unrated.
    pub credit_rating: String,
    pub credit_reason: String,
    /// One line, separated by commas or blanks.
    pub tags: String,
    pub notes: String,
    pub paper_cabinet: String,
    pub paper_shelf: String,
    pub paper_box: String,
    /// Staff looked at the possible duplicates shown and save anyway.
    pub confirm_duplicates: bool,
    /// The consent given at intake; the edit form leaves it empty and
    /// consents are kept on the file page.
    pub consent: super::consent::ConsentForm,
}

/// One household member as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MemberForm {
    pub name: String,
    pub relation: String,
    pub id_number: String,
    pub labour: bool,
}

/// One parcel as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ParcelForm {
    pub location: String,
    pub area: String,
    pub crop: String,
    pub tenure: String,
}

/// One production asset as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AssetForm {
    pub kind: String,
    pub description: String,
    pub quantity: String,
    pub unit: String,
}

/// The fields of the app's forms, to place an error next to its field.
/// Rows of a list carry their position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Group,
    Name,
    Phone,
    ExtraPhone(u16),
    IdKind,
    IdNumber,
    LegalRepresentative,
    ContactPerson,
    Region,
    Township,
    Address,
    LandArea,
    Household,
    MemberName(u16),
    MemberRelation(u16),
    MemberIdNumber(u16),
    Parcels,
    ParcelLocation(u16),
    ParcelArea(u16),
    ParcelCrop(u16),
    ParcelTenure(u16),
    Assets,
    AssetKind(u16),
    AssetDescription(u16),
    AssetQuantity(u16),
    AssetUnit(u16),
    Cooperation,
    CreditRating,
    CreditReason,
    Tags,
    Notes,
    Paper,
    /// The consent given at intake.
    Consent,
    /// Why a file was changed.
    Reason,
    Username,
    DisplayName,
    Role,
    Regions,
    Password,
    CurrentPassword,
}

impl Field {
    /// The `id` and `name` of the form control that edits this field.
    pub fn control(self) -> String {
        let row = |list: &str, i: u16, part: &str| format!("{list}-{i}-{part}");
        match self {
            Self::ExtraPhone(i) => format!("extra_phone-{i}"),
            Self::MemberName(i) => row("member", i, "name"),
            Self::MemberRelation(i) => row("member", i, "relation"),
            Self::MemberIdNumber(i) => row("member", i, "id_number"),
            Self::ParcelLocation(i) => row("parcel", i, "location"),
            Self::ParcelArea(i) => row("parcel", i, "area"),
            Self::ParcelCrop(i) => row("parcel", i, "crop"),
            Self::ParcelTenure(i) => row("parcel", i, "tenure"),
            Self::AssetKind(i) => row("asset", i, "kind"),
            Self::AssetDescription(i) => row("asset", i, "description"),
            Self::AssetQuantity(i) => row("asset", i, "quantity"),
            Self::AssetUnit(i) => row("asset", i, "unit"),
            other => serde_json::to_value(other)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
        }
    }
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

/// Everything a file holds about its customer, in normal forms. The same
/// shape carries a checked form to the store, and a stored file (with its
/// personal values masked) to the pages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDetails {
    pub group: CustomerGroup,
    pub name: String,
    pub phone: String,
    pub extra_phones: Vec<String>,
    pub id_kind: IdKind,
    pub id_number: String,
    pub legal_representative: String,
    pub contact_person: String,
    pub region: String,
    pub township: String,
    pub address: String,
    pub land_area: AreaMu,
    pub household: Vec<HouseholdMember>,
    pub parcels: Vec<Parcel>,
    pub assets: Vec<Asset>,
    pub cooperation: Vec<String>,
    pub credit: Credit,
    pub tags: Vec<String>,
    pub notes: String,
    pub paper: PaperLocation,
}

impl CustomerDetails {
    /// A file with only its group and kind of document filled in.
    pub fn blank(group: CustomerGroup, id_kind: IdKind) -> Self {
        Self {
            group,
            name: String::new(),
            phone: String::new(),
            extra_phones: Vec::new(),
            id_kind,
            id_number: String::new(),
            legal_representative: String::new(),
            contact_person: String::new(),
            region: String::new(),
            township: String::new(),
            address: String::new(),
            land_area: AreaMu::default(),
            household: Vec::new(),
            parcels: Vec::new(),
            assets: Vec::new(),
            cooperation: Vec::new(),
            credit: Credit::default(),
            tags: Vec::new(),
            notes: String::new(),
            paper: PaperLocation::default(),
        }
    }

    /// Organisations are identified by a credit code; people by a card.
    pub fn is_organisation(&self) -> bool {
        self.id_kind == IdKind::CreditCode
    }

    /// Every phone of the file, the main one first.
    pub fn phones(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.phone.as_str()).chain(self.extra_phones.iter().map(String::as_str))
    }

    /// The same details with ID numbers and phones masked, as they may be
    /// shown to anyone who may see the file.
    pub fn masked(mut self) -> Self {
        self.phone = mask_phone(&self.phone);
        for phone in &mut self.extra_phones {
            *phone = mask_phone(phone);
        }
        self.id_number = mask_id_number(&self.id_number);
        for member in &mut self.household {
            if !member.id_number.is_empty() {
                member.id_number = mask_id_number(&member.id_number);
            }
        }
        self
    }

    /// The form that shows these details for editing.
    pub fn to_form(&self) -> CustomerForm {
        CustomerForm {
            group: self.group.key().to_string(),
            name: self.name.clone(),
            phone: self.phone.clone(),
            extra_phones: self.extra_phones.clone(),
            id_kind: self.id_kind.key().to_string(),
            id_number: self.id_number.clone(),
            legal_representative: self.legal_representative.clone(),
            contact_person: self.contact_person.clone(),
            region: self.region.clone(),
            township: self.township.clone(),
            address: self.address.clone(),
            land_area: if self.land_area.hundredths() == 0 {
                String::new()
            } else {
                self.land_area.to_string()
            },
            household: self
                .household
                .iter()
                .map(|m| MemberForm {
                    name: m.name.clone(),
                    relation: m.relation.key().to_string(),
                    id_number: m.id_number.clone(),
                    labour: m.labour,
                })
                .collect(),
            parcels: self
                .parcels
                .iter()
                .map(|p| ParcelForm {
                    location: p.location.clone(),
                    area: p.area.to_string(),
                    crop: p.crop.clone(),
                    tenure: p.tenure.key().to_string(),
                })
                .collect(),
            assets: self
                .assets
                .iter()
                .map(|a| AssetForm {
                    kind: a.kind.key().to_string(),
                    description: a.description.clone(),
                    quantity: a.quantity.to_string(),
                    unit: a.unit.clone(),
                })
                .collect(),
            cooperation: self.cooperation.clone(),
            credit_rating: match self.credit.rating {
                CreditRating::Unrated => String::new(),
                rating => rating.key().to_string(),
            },
            credit_reason: self.credit.reason.clone(),
            tags: self.tags.join("，"),
            notes: self.notes.clone(),
            paper_cabinet: self.paper.cabinet.clone(),
            paper_shelf: self.paper.shelf.clone(),
            paper_box: self.paper.r#box.clone(),
            confirm_duplicates: false,
            consent: super::consent::ConsentForm::default(),
        }
    }
}

/// A customer form whose every field passed its check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedFile {
    /// Group, id kind and credit rating set; credit date and author are
    /// filled in by whoever stores the file.
    pub details: CustomerDetails,
    pub group: CustomerGroup,
    pub region: RegionCode,
    pub id_document: IdDocument,
}

/// Limits that keep a file readable and a form light on a tablet.
pub const MAX_EXTRA_PHONES: usize = 4;
pub const MAX_MEMBERS: usize = 20;
pub const MAX_PARCELS: usize = 50;
pub const MAX_ASSETS: usize = 50;
const MAX_TAGS: usize = 20;
const TAG_MAX_CHARS: usize = 20;
const ADDRESS_MAX_CHARS: usize = 120;
const SHORT_TEXT_MAX_CHARS: usize = 40;
const NOTES_MAX_CHARS: usize = 2000;
const PAPER_MAX_CHARS: usize = 20;
const MAX_QUANTITY: u32 = 1_000_000;

/// Whether a personal value is shown masked, as the edit form shows stored
/// values: such a value means "keep what is stored".
pub fn is_masked(value: &str) -> bool {
    value.contains('*')
}

impl CustomerForm {
    /// Checks every field and reports all refusals at once, so staff can mend
    /// the form in one pass. Masked values are refused here: the server puts
    /// the stored values in their place first.
    pub fn validate(&self, today: Date) -> Result<CheckedFile, Vec<FieldError>> {
        let mut errors = Vec::new();
        match self.check(today, false, &mut errors) {
            Some(file) if errors.is_empty() => Ok(file),
            _ => Err(errors),
        }
    }

    /// The refusals the browser shows while staff type: masked values, kept
    /// from the stored file, are taken as they are.
    pub fn errors(&self, today: Date) -> Vec<FieldError> {
        let mut errors = Vec::new();
        self.check(today, true, &mut errors);
        errors
    }

    /// Things worth a second look that do not stop the file from being
    /// saved: parcels larger than the total, an ID number under a retired
    /// region code.
    pub fn warnings(&self, today: Date) -> Vec<FieldError> {
        let mut warnings = Vec::new();
        let parcels: Vec<Parcel> = self
            .parcels
            .iter()
            .filter_map(|p| {
                Some(Parcel {
                    location: String::new(),
                    area: AreaMu::parse(&p.area).ok()?,
                    crop: String::new(),
                    tenure: Tenure::Other,
                })
            })
            .collect();
        let total = AreaMu::parse(&self.land_area).unwrap_or_default();
        if let Some(sum) = parcels_exceed_total(&parcels, total) {
            warnings.push(FieldError {
                field: Field::Parcels,
                message: format!("各地块面积合计 {sum} 亩，大于土地总面积 {total} 亩，请核对"),
            });
        }
        if let Some(kind) = IdKind::from_key(&self.id_kind)
            && let Ok(document) = IdDocument::parse(kind, &self.id_number, today)
            && let Some(warning) = document.warning()
        {
            warnings.push(FieldError {
                field: Field::IdNumber,
                message: warning,
            });
        }
        warnings
    }

    fn check(
        &self,
        today: Date,
        allow_masked: bool,
        errors: &mut Vec<FieldError>,
    ) -> Option<CheckedFile> {
        let masked_refused = || "此号码只显示了部分，请重新输入完整号码".to_string();
        let kept = |value: &str| allow_masked && is_masked(value);

        let group = note(
            errors,
            Field::Group,
            CustomerGroup::from_key(&self.group).ok_or_else(|| "请选择客户类别".to_string()),
        );
        let name = note(errors, Field::Name, PersonName::parse(&self.name));
        let phone = if kept(&self.phone) {
            Some(self.phone.clone())
        } else if is_masked(&self.phone) {
            note(errors, Field::Phone, Err(masked_refused()))
        } else {
            note(
                errors,
                Field::Phone,
                Phone::parse(&self.phone)
                    .map(|p| p.as_str().to_string())
                    .map_err(|e| e.to_string()),
            )
        };
        let extra_phones = self.extra_phones(allow_masked, errors);

        let id_kind = note(errors, Field::IdKind, id_kind_for(group, &self.id_kind));
        let id_document = id_kind.and_then(|kind| {
            if kept(&self.id_number) {
                return None;
            }
            let parsed = if is_masked(&self.id_number) {
                Err(masked_refused())
            } else {
                IdDocument::parse(kind, &self.id_number, today).map_err(|e| e.to_string())
            };
            note(errors, Field::IdNumber, parsed)
        });
        let organisation = id_kind == Some(IdKind::CreditCode);
        let (legal_representative, contact_person) = if organisation {
            let mut required = |field, input: &str, what: &str| {
                let value = PersonName::parse(input)
                    .map(|n| n.as_str().to_string())
                    .map_err(|_| format!("单位客户请填写{what}姓名（不超过 60 个字）"));
                note(errors, field, value)
            };
            (
                required(
                    Field::LegalRepresentative,
                    &self.legal_representative,
                    "法定代表人",
                ),
                required(Field::ContactPerson, &self.contact_person, "联系人"),
            )
        } else {
            (Some(String::new()), Some(String::new()))
        };

        let region = note(
            errors,
            Field::Region,
            RegionCode::parse(&self.region).map_err(|e| e.to_string()),
        );
        let township = note(
            errors,
            Field::Township,
            township::check(&self.township, &self.region).map_err(|e| e.to_string()),
        );
        let address = note(
            errors,
            Field::Address,
            short_text(&self.address, ADDRESS_MAX_CHARS, "地址"),
        );
        let land_area = note(
            errors,
            Field::LandArea,
            AreaMu::parse(&self.land_area).map_err(|e| e.to_string()),
        );

        let household = if organisation && !self.household.is_empty() {
            errors.push(FieldError {
                field: Field::Household,
                message: "单位客户不登记家庭成员，请删除这些行或改选证件类型".to_string(),
            });
            Vec::new()
        } else {
            self.household(today, allow_masked, errors)
        };
        let parcels = self.parcels(errors);
        let assets = self.assets(errors);
        let cooperation = note(errors, Field::Cooperation, cooperation(&self.cooperation));

        let rating = if self.credit_rating.is_empty() {
            Some(CreditRating::Unrated)
        } else {
            note(
                errors,
                Field::CreditRating,
                CreditRating::from_key(&self.credit_rating)
                    .ok_or_else(|| "请选择信用等级 A、B、C、D 或未评级".to_string()),
            )
        };
        let credit_reason = self.credit_reason.trim().to_string();
        if rating.is_some_and(|r| r != CreditRating::Unrated) && credit_reason.is_empty() {
            errors.push(FieldError {
                field: Field::CreditReason,
                message: "请写明评定信用等级的依据，例如“三年按时结清货款”".to_string(),
            });
        }
        let credit_reason = note(
            errors,
            Field::CreditReason,
            short_text(&credit_reason, 200, "信用评定依据"),
        );
        let tags = note(errors, Field::Tags, tags(&self.tags));
        let notes = note(
            errors,
            Field::Notes,
            short_text(&self.notes, NOTES_MAX_CHARS, "备注"),
        );
        let paper = note(errors, Field::Paper, self.paper());

        let details = CustomerDetails {
            group: group?,
            name: name?.as_str().to_string(),
            phone: phone?,
            extra_phones,
            id_kind: id_kind?,
            id_number: id_document.as_ref()?.number().to_string(),
            legal_representative: legal_representative?,
            contact_person: contact_person?,
            region: region.as_ref()?.as_str().to_string(),
            township: township?,
            address: address?,
            land_area: land_area?,
            household,
            parcels,
            assets,
            cooperation: cooperation?,
            credit: Credit {
                rating: rating?,
                reason: credit_reason?,
                date: String::new(),
                set_by: String::new(),
            },
            tags: tags?,
            notes: notes?,
            paper: paper?,
        };
        Some(CheckedFile {
            group: details.group,
            details,
            region: region?,
            id_document: id_document?,
        })
    }

    fn extra_phones(&self, allow_masked: bool, errors: &mut Vec<FieldError>) -> Vec<String> {
        if self.extra_phones.len() > MAX_EXTRA_PHONES {
            errors.push(FieldError {
                field: Field::ExtraPhone(0),
                message: format!("其他电话最多 {MAX_EXTRA_PHONES} 个"),
            });
        }
        let mut phones = Vec::new();
        for (i, typed) in self.extra_phones.iter().enumerate() {
            let field = Field::ExtraPhone(row(i));
            if typed.trim().is_empty() {
                continue;
            }
            if is_masked(typed) {
                if allow_masked {
                    phones.push(typed.clone());
                } else {
                    note::<()>(
                        errors,
                        field,
                        Err("此号码只显示了部分，请重新输入完整号码".into()),
                    );
                }
                continue;
            }
            if let Some(phone) = note(
                errors,
                field,
                Phone::parse(typed).map_err(|e| e.to_string()),
            ) {
                phones.push(phone.as_str().to_string());
            }
        }
        phones
    }

    fn household(
        &self,
        today: Date,
        allow_masked: bool,
        errors: &mut Vec<FieldError>,
    ) -> Vec<HouseholdMember> {
        if self.household.len() > MAX_MEMBERS {
            errors.push(FieldError {
                field: Field::Household,
                message: format!("家庭成员最多登记 {MAX_MEMBERS} 人"),
            });
        }
        let mut members = Vec::new();
        for (i, member) in self.household.iter().enumerate() {
            let i = row(i);
            let name = note(
                errors,
                Field::MemberName(i),
                PersonName::parse(&member.name).map_err(|_| "请填写家庭成员姓名".to_string()),
            );
            let relation = note(
                errors,
                Field::MemberRelation(i),
                Relation::from_key(&member.relation)
                    .ok_or_else(|| "请选择与户主的关系".to_string()),
            );
            let typed = member.id_number.trim();
            let id_number = if typed.is_empty() || (allow_masked && is_masked(typed)) {
                Some(typed.to_string())
            } else if is_masked(typed) {
                note(
                    errors,
                    Field::MemberIdNumber(i),
                    Err("此号码只显示了部分，请重新输入完整号码".to_string()),
                )
            } else {
                note(
                    errors,
                    Field::MemberIdNumber(i),
                    IdDocument::parse(IdKind::ResidentId, typed, today)
                        .map(|d| d.number().to_string())
                        .map_err(|e| format!("{e}；没有身份证号可不填")),
                )
            };
            if let (Some(name), Some(relation), Some(id_number)) = (name, relation, id_number) {
                members.push(HouseholdMember {
                    name: name.as_str().to_string(),
                    relation,
                    id_number,
                    labour: member.labour,
                });
            }
        }
        members
    }

    fn parcels(&self, errors: &mut Vec<FieldError>) -> Vec<Parcel> {
        if self.parcels.len() > MAX_PARCELS {
            errors.push(FieldError {
                field: Field::Parcels,
                message: format!("地块最多登记 {MAX_PARCELS} 块"),
            });
        }
        let mut parcels = Vec::new();
        for (i, parcel) in self.parcels.iter().enumerate() {
            let i = row(i);
            let location = note(
                errors,
                Field::ParcelLocation(i),
                required_text(
                    &parcel.location,
                    SHORT_TEXT_MAX_CHARS,
                    "请填写地块位置，如“村东大田”",
                ),
            );
            let area = note(
                errors,
                Field::ParcelArea(i),
                if parcel.area.trim().is_empty() {
                    Err("请填写地块面积（亩）".to_string())
                } else {
                    AreaMu::parse(&parcel.area).map_err(|e| e.to_string())
                },
            );
            let crop = note(
                errors,
                Field::ParcelCrop(i),
                short_text(&parcel.crop, SHORT_TEXT_MAX_CHARS, "作物"),
            );
            let tenure = note(
                errors,
                Field::ParcelTenure(i),
                Tenure::from_key(&parcel.tenure)
                    .ok_or_else(|| "请选择经营方式：承包地、流转转入或其他".to_string()),
            );
            if let (Some(location), Some(area), Some(crop), Some(tenure)) =
                (location, area, crop, tenure)
            {
                parcels.push(Parcel {
                    location,
                    area,
                    crop,
                    tenure,
                });
            }
        }
        parcels
    }

    fn assets(&self, errors: &mut Vec<FieldError>) -> Vec<Asset> {
        if self.assets.len() > MAX_ASSETS {
            errors.push(FieldError {
                field: Field::Assets,
                message: format!("生产资产最多登记 {MAX_ASSETS} 项"),
            });
        }
        let mut assets = Vec::new();
        for (i, asset) in self.assets.iter().enumerate() {
            let i = row(i);
            let kind = note(
                errors,
                Field::AssetKind(i),
                AssetKind::from_key(&asset.kind)
                    .ok_or_else(|| "请选择资产类别：农机具、畜禽或设施".to_string()),
            );
            let description = note(
                errors,
                Field::AssetDescription(i),
                required_text(
                    &asset.description,
                    SHORT_TEXT_MAX_CHARS,
                    "请填写资产名称，如“拖拉机”",
                ),
            );
            let quantity = note(
                errors,
                Field::AssetQuantity(i),
                asset
                    .quantity
                    .trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|q| (1..=MAX_QUANTITY).contains(q))
                    .ok_or_else(|| format!("数量应为 1 到 {MAX_QUANTITY} 之间的整数")),
            );
            let unit = note(
                errors,
                Field::AssetUnit(i),
                short_text(&asset.unit, 10, "单位"),
            );
            if let (Some(kind), Some(description), Some(quantity), Some(unit)) =
                (kind, description, quantity, unit)
            {
                assets.push(Asset {
                    kind,
                    description,
                    quantity,
                    unit,
                });
            }
        }
        assets
    }

    fn paper(&self) -> Result<PaperLocation, String> {
        let part = |input: &str| {
            let value = input.trim().to_string();
            (value.chars().count() <= PAPER_MAX_CHARS)
                .then_some(value)
                .ok_or_else(|| format!("柜、层、盒编号各不超过 {PAPER_MAX_CHARS} 个字"))
        };
        Ok(PaperLocation {
            cabinet: part(&self.paper_cabinet)?,
            shelf: part(&self.paper_shelf)?,
            r#box: part(&self.paper_box)?,
        })
    }
}

/// The position of a list row as a field index.
fn row(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
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

/// Optional free text of bounded length, trimmed.
fn short_text(input: &str, max: usize, what: &str) -> Result<String, String> {
    let text = input.trim();
    if text.chars().count() > max {
        return Err(format!("{what}不能超过 {max} 个字"));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(format!("{what}中含有不可见字符，请重新输入"));
    }
    Ok(text.to_string())
}

fn required_text(input: &str, max: usize, missing: &str) -> Result<String, String> {
    let text = short_text(input, max, "此项")?;
    if text.is_empty() {
        return Err(missing.to_string());
    }
    Ok(text)
}

fn cooperation(keys: &[String]) -> Result<Vec<String>, String> {
    let mut chosen: Vec<String> = Vec::new();
    for key in keys.iter().map(|k| k.trim()).filter(|k| !k.is_empty()) {
        if key.len() > 40 || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err("合作意向中有无法识别的选项，请刷新页面后重新勾选".to_string());
        }
        if !chosen.iter().any(|c| c == key) {
            chosen.push(key.to_string());
        }
    }
    Ok(chosen)
}

fn tags(input: &str) -> Result<Vec<String>, String> {
    let tags = split_tags(input);
    if tags.len() > MAX_TAGS {
        return Err(format!("标签最多 {MAX_TAGS} 个"));
    }
    if let Some(long) = tags.iter().find(|t| t.chars().count() > TAG_MAX_CHARS) {
        return Err(format!(
            "标签“{long}”太长，每个标签不超过 {TAG_MAX_CHARS} 个字"
        ));
    }
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 12 - 03);

    fn filled() -> CustomerForm {
        CustomerForm {
            group: "farmer".into(),
            name: " 张 三 ".into(),
            phone: "138 1234 5678".into(),
            id_kind: "resident_id".into(),
            id_number: "11010519491231002X".into(),
            region: "510104".into(),
            address: "锦江区三圣街道".into(),
            land_area: "12.5".into(),
            ..CustomerForm::default()
        }
    }

    fn fields(errors: &[FieldError]) -> Vec<Field> {
        errors.iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_complete_form_becomes_a_checked_file_with_normal_forms() {
        let file = filled().validate(TODAY).expect("valid form");
        assert_eq!(file.details.name, "张 三");
        assert_eq!(file.details.phone, "13812345678");
        assert_eq!(file.details.land_area.hundredths(), 1250);
        assert_eq!(file.details.credit.rating, CreditRating::Unrated);
    }

    #[test]
    fn every_refused_field_is_reported_at_once() {
        let form = CustomerForm {
            name: "".into(),
            phone: "123".into(),
            ..filled()
        };
        let errors = form.validate(TODAY).expect_err("two bad fields");
        assert_eq!(fields(&errors), [Field::Name, Field::Phone]);
        assert_eq!(errors[0].message, "请填写姓名或单位名称");
    }

    #[test]
    fn a_farmer_cannot_be_identified_by_a_credit_code() {
        let form = CustomerForm {
            id_kind: "credit_code".into(),
            id_number: "91350100M000100Y43".into(),
            ..filled()
        };
        let errors = form.validate(TODAY).expect_err("farmer with credit code");
        assert_eq!(errors[0].field, Field::IdKind);
    }

    #[test]
    fn an_organisation_needs_its_legal_representative_and_contact() {
        let form = CustomerForm {
            group: "supplier".into(),
            name: "成都市某农资有限公司".into(),
            id_kind: "credit_code".into(),
            id_number: "91350100M000100Y43".into(),
            ..filled()
        };
        let errors = form.validate(TODAY).expect_err("no representative");
        assert_eq!(
            fields(&errors),
            [Field::LegalRepresentative, Field::ContactPerson]
        );
        let form = CustomerForm {
            legal_representative: "李四".into(),
            contact_person: "王五".into(),
            ..form
        };
        let file = form.validate(TODAY).expect("complete organisation");
        assert!(file.details.is_organisation());
    }

    #[test]
    fn rows_of_lists_are_checked_one_by_one() {
        let form = CustomerForm {
            extra_phones: vec!["".into(), "12".into()],
            household: vec![
                MemberForm {
                    name: "李梅".into(),
                    relation: "spouse".into(),
                    id_number: "".into(),
                    labour: true,
                },
                MemberForm {
                    name: "".into(),
                    relation: "".into(),
                    id_number: "110105194912310021".into(),
                    labour: false,
                },
            ],
            parcels: vec![ParcelForm {
                location: "村东".into(),
                area: "-1".into(),
                crop: "水稻".into(),
                tenure: "contracted".into(),
            }],
            assets: vec![AssetForm {
                kind: "machinery".into(),
                description: "拖拉机".into(),
                quantity: "0".into(),
                unit: "台".into(),
            }],
            ..filled()
        };
        let errors = form.validate(TODAY).expect_err("bad rows");
        assert_eq!(
            fields(&errors),
            [
                Field::ExtraPhone(1),
                Field::MemberName(1),
                Field::MemberRelation(1),
                Field::MemberIdNumber(1),
                Field::ParcelArea(0),
                Field::AssetQuantity(0),
            ]
        );
    }

    #[test]
    fn a_credit_rating_needs_its_reason() {
        let form = CustomerForm {
            credit_rating: "a".into(),
            ..filled()
        };
        let errors = form.validate(TODAY).expect_err("no reason");
        assert_eq!(fields(&errors), [Field::CreditReason]);
        let form = CustomerForm {
            credit_reason: "三年按时结清货款".into(),
            ..form
        };
        assert_eq!(
            form.validate(TODAY).expect("rated").details.credit.rating,
            CreditRating::A
        );
    }

    #[test]
    fn masked_values_pass_in_the_browser_and_are_refused_by_the_rule() {
        let form = CustomerForm {
            phone: "138****5678".into(),
            id_number: "110***********002X".into(),
            ..filled()
        };
        assert!(form.errors(TODAY).is_empty());
        let errors = form.validate(TODAY).expect_err("masked");
        assert_eq!(fields(&errors), [Field::Phone, Field::IdNumber]);
    }

    #[test]
    fn parcels_larger_than_the_total_warn_without_refusing() {
        let form = CustomerForm {
            land_area: "5".into(),
            parcels: vec![ParcelForm {
                location: "村东".into(),
                area: "6".into(),
                crop: "".into(),
                tenure: "contracted".into(),
            }],
            ..filled()
        };
        assert!(form.validate(TODAY).is_ok());
        let warnings = form.warnings(TODAY);
        assert_eq!(fields(&warnings), [Field::Parcels]);
        assert!(warnings[0].message.contains("6 亩"));
    }

    #[test]
    fn the_edit_form_of_stored_details_checks_again() {
        let file = CustomerForm {
            tags: "种粮大户，社员".into(),
            ..filled()
        }
        .validate(TODAY)
        .expect("valid");
        let again = file.details.to_form().validate(TODAY).expect("round trip");
        assert_eq!(again.details, file.details);
    }

    #[test]
    fn row_fields_name_their_controls() {
        assert_eq!(Field::MemberIdNumber(2).control(), "member-2-id_number");
        assert_eq!(Field::CreditReason.control(), "credit_reason");
        assert_eq!(Field::ExtraPhone(0).control(), "extra_phone-0");
    }
}
