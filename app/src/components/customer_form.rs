//! The fields of a customer file, shared by the intake and the edit page.
//!
//! Like every form of the app, the controls are uncontrolled: they hold what
//! staff typed, and the form is read from them. Rows of the lists (phones,
//! household members, parcels, assets) are added and removed here; their
//! controls share one name per column, so the form reads each column in the
//! order of the page.

use leptos::prelude::*;

use crate::api::customers::townships;
use crate::components::field::{FormField, error_of};
use crate::components::form as form_io;
use crate::components::region_picker::RegionPicker;
use crate::domain::intake::{AssetForm, MAX_EXTRA_PHONES, MemberForm, ParcelForm};
use crate::domain::profile::{AssetKind, CooperationType, CreditRating, Relation, Tenure};
use crate::domain::region;
use crate::domain::time_fmt::today_cst;
use crate::domain::{CustomerForm, CustomerGroup, Field, FieldError, IdDocument, IdKind};

/// The rows of a form's lists, each under a key that stays with it while
/// rows above it come and go.
#[derive(Clone, Copy)]
pub struct FormRows {
    phones: RwSignal<Vec<(u32, String)>>,
    members: RwSignal<Vec<(u32, MemberForm)>>,
    parcels: RwSignal<Vec<(u32, ParcelForm)>>,
    assets: RwSignal<Vec<(u32, AssetForm)>>,
    next_key: StoredValue<u32>,
}

impl FormRows {
    pub fn new(form: &CustomerForm) -> Self {
        let rows = Self {
            phones: RwSignal::new(Vec::new()),
            members: RwSignal::new(Vec::new()),
            parcels: RwSignal::new(Vec::new()),
            assets: RwSignal::new(Vec::new()),
            next_key: StoredValue::new(0),
        };
        rows.load(form);
        rows
    }

    /// Shows the rows of `form` in place of the current ones.
    pub fn load(&self, form: &CustomerForm) {
        self.phones.set(self.keyed(&form.extra_phones));
        self.members.set(self.keyed(&form.household));
        self.parcels.set(self.keyed(&form.parcels));
        self.assets.set(self.keyed(&form.assets));
    }

    fn keyed<T: Clone>(&self, items: &[T]) -> Vec<(u32, T)> {
        items
            .iter()
            .map(|item| (self.key(), item.clone()))
            .collect()
    }

    fn key(&self) -> u32 {
        let key = self.next_key.get_value();
        self.next_key.set_value(key + 1);
        key
    }

    fn add<T: Default + Send + Sync + 'static>(&self, list: RwSignal<Vec<(u32, T)>>) {
        let key = self.key();
        list.update(|rows| rows.push((key, T::default())));
    }
}

/// Reads the whole form as typed.
pub fn read_form(form: &web_sys::HtmlFormElement) -> CustomerForm {
    let get = |name: &str| form_io::text(form, name);
    let column = |name: &str| form_io::texts(form, name);
    let at = |list: &[String], i: usize| list.get(i).cloned().unwrap_or_default();

    let names = column("member_name");
    let (relations, member_ids, labour) = (
        column("member_relation"),
        column("member_id_number"),
        column("member_labour"),
    );
    let household = (0..names.len())
        .map(|i| MemberForm {
            name: at(&names, i),
            relation: at(&relations, i),
            id_number: at(&member_ids, i),
            labour: at(&labour, i) == "yes",
        })
        .collect();
    let locations = column("parcel_location");
    let (areas, crops, tenures) = (
        column("parcel_area"),
        column("parcel_crop"),
        column("parcel_tenure"),
    );
    let parcels = (0..locations.len())
        .map(|i| ParcelForm {
            location: at(&locations, i),
            area: at(&areas, i),
            crop: at(&crops, i),
            tenure: at(&tenures, i),
        })
        .collect();
    let kinds = column("asset_kind");
    let (descriptions, quantities, units) = (
        column("asset_description"),
        column("asset_quantity"),
        column("asset_unit"),
    );
    let assets = (0..kinds.len())
        .map(|i| AssetForm {
            kind: at(&kinds, i),
            description: at(&descriptions, i),
            quantity: at(&quantities, i),
            unit: at(&units, i),
        })
        .collect();

    CustomerForm {
        group: get("group"),
        name: get("name"),
        phone: get("phone"),
        extra_phones: column("extra_phone"),
        id_kind: get("id_kind"),
        id_number: get("id_number"),
        legal_representative: get("legal_representative"),
        contact_person: get("contact_person"),
        region: get("region"),
        township: get("township"),
        address: get("address"),
        land_area: get("land_area"),
        household,
        parcels,
        assets,
        cooperation: column("cooperation"),
        credit_rating: get("credit_rating"),
        credit_reason: get("credit_reason"),
        tags: get("tags"),
        notes: get("notes"),
        paper_cabinet: get("paper_cabinet"),
        paper_shelf: get("paper_shelf"),
        paper_box: get("paper_box"),
        confirm_duplicates: false,
        // Only the intake form has these controls; elsewhere it stays empty.
        consent: crate::components::consent::read_consent(form),
    }
}

/// Puts a whole form (a restored draft) into the page.
pub fn fill_form(form: &web_sys::HtmlFormElement, rows: FormRows, values: &CustomerForm) {
    let scalars = [
        ("group", &values.group),
        ("name", &values.name),
        ("phone", &values.phone),
        ("id_kind", &values.id_kind),
        ("id_number", &values.id_number),
        ("legal_representative", &values.legal_representative),
        ("contact_person", &values.contact_person),
        ("region", &values.region),
        ("township", &values.township),
        ("address", &values.address),
        ("land_area", &values.land_area),
        ("credit_rating", &values.credit_rating),
        ("credit_reason", &values.credit_reason),
        ("tags", &values.tags),
        ("notes", &values.notes),
        ("paper_cabinet", &values.paper_cabinet),
        ("paper_shelf", &values.paper_shelf),
        ("paper_box", &values.paper_box),
    ];
    for (name, value) in scalars {
        form_io::set_text(form, name, value);
    }
    form_io::set_ticked(form, "cooperation", &values.cooperation);
    // The rows render their own values.
    rows.load(values);
}

/// What a resident ID number tells: birth date and sex, and a note when it
/// was issued under a region code that no longer exists.
fn describe_id(typed: &CustomerForm) -> String {
    let Some(kind) = IdKind::from_key(&typed.id_kind) else {
        return String::new();
    };
    let Ok(document) = IdDocument::parse(kind, &typed.id_number, today_cst()) else {
        return String::new();
    };
    let facts = document
        .birth_and_sex()
        .map(|(birth, sex)| format!("出生日期 {birth} · {}", sex.label()));
    [facts, document.warning()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("；")
}

/// Every field of a customer file.
#[component]
pub fn CustomerFields(
    form: NodeRef<leptos::html::Form>,
    /// The values the controls start with.
    initial: CustomerForm,
    /// The form as last typed (kept up to date by the page).
    typed: RwSignal<CustomerForm>,
    errors: RwSignal<Vec<FieldError>>,
    rows: FormRows,
    cooperation: Vec<CooperationType>,
) -> impl IntoView {
    let error_for = move |field: Field| error_of(errors, field);
    let organisation = Memo::new(move |_| typed.with(|t| t.id_kind == IdKind::CreditCode.key()));
    let id_facts = move || typed.with(describe_id);
    let region_name = move || typed.with(|t| region::full_name(t.region.trim()));
    let warning_of = move |field: Field| {
        move || {
            typed.with(|t| {
                t.warnings(today_cst())
                    .into_iter()
                    .find(|w| w.field == field)
                    .map(|w| w.message)
            })
        }
    };
    let offered = offered_cooperation(cooperation, &initial.cooperation);
    let phones_full = move || rows.phones.with(Vec::len) >= MAX_EXTRA_PHONES;
    // The townships of the county typed so far; none before it is complete.
    let county = Memo::new(move |_| typed.with(|t| t.region.trim().to_string()));
    let towns = Resource::new(
        move || county.get(),
        |county| async move {
            if region::exists(&county) && !county.ends_with("00") {
                townships(county).await
            } else {
                Ok(Vec::new())
            }
        },
    );

    view! {
        <fieldset>
            <legend>"基本信息"</legend>
            <FormField
                label="客户类别"
                name="group"
                required=true
                error=error_for(Field::Group)
            >
                <select id="group" name="group" aria-describedby="group-error" required>
                    <option value="">"请选择"</option>
                    {CustomerGroup::ALL
                        .into_iter()
                        .map(|g| {
                            view! {
                                <option value=g.key() selected=g.key() == initial.group>
                                    {g.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </FormField>
            <FormField
                label="姓名/单位名称"
                name="name"
                required=true
                error=error_for(Field::Name)
            >
                <input
                    id="name"
                    name="name"
                    type="text"
                    autocomplete="off"
                    maxlength="60"
                    aria-describedby="name-error"
                    value=initial.name.clone()
                    required
                />
            </FormField>
            <FormField
                label="联系电话"
                name="phone"
                required=true
                hint="手机号或带区号的座机，如 028-85551234"
                error=error_for(Field::Phone)
            >
                <input
                    id="phone"
                    name="phone"
                    type="tel"
                    inputmode="tel"
                    autocomplete="off"
                    aria-describedby="phone-error"
                    value=initial.phone.clone()
                    required
                />
            </FormField>
            <For each=move || rows.phones.get() key=|(key, _)| *key let:row>
                {
                    let (key, value) = row;
                    let id = format!("extra_phone-{key}");
                    let error = row_error(errors, rows.phones, key, Field::ExtraPhone);
                    view! {
                        <div class="form-row">
                            <FormField label="其他电话" name=id.clone() error>
                                <input
                                    id=id.clone()
                                    name="extra_phone"
                                    type="tel"
                                    inputmode="tel"
                                    autocomplete="off"
                                    value=value
                                />
                            </FormField>
                            <RemoveRow
                                label="删除此电话"
                                on_remove=move || {
                                    rows.phones.update(|r| r.retain(|(k, _)| *k != key))
                                }
                            />
                        </div>
                    }
                }
            </For>
            <button
                type="button"
                class="button small"
                data-testid="add-phone"
                disabled=phones_full
                on:click=move |_| rows.add(rows.phones)
            >
                "+ 添加其他电话"
            </button>
        </fieldset>
        <fieldset>
            <legend>"证件"</legend>
            <FormField
                label="证件类型"
                name="id_kind"
                required=true
                error=error_for(Field::IdKind)
            >
                <select id="id_kind" name="id_kind" aria-describedby="id_kind-error" required>
                    <option value="">"请选择"</option>
                    {IdKind::ALL
                        .into_iter()
                        .map(|k| {
                            view! {
                                <option value=k.key() selected=k.key() == initial.id_kind>
                                    {k.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </FormField>
            <FormField
                label="证件号码"
                name="id_number"
                required=true
                error=error_for(Field::IdNumber)
            >
                <input
                    id="id_number"
                    name="id_number"
                    type="text"
                    autocomplete="off"
                    spellcheck="false"
                    maxlength="30"
                    aria-describedby="id_number-error id-facts"
                    value=initial.id_number.clone()
                    required
                />
                <p id="id-facts" class="derived" data-testid="id-facts">
                    {id_facts}
                </p>
            </FormField>
            <div class="organisation" hidden=move || !organisation.get()>
                <FormField
                    label="法定代表人"
                    name="legal_representative"
                    required=true
                    error=error_for(Field::LegalRepresentative)
                >
                    <input
                        id="legal_representative"
                        name="legal_representative"
                        type="text"
                        maxlength="60"
                        autocomplete="off"
                        value=initial.legal_representative.clone()
                    />
                </FormField>
                <FormField
                    label="联系人"
                    name="contact_person"
                    required=true
                    error=error_for(Field::ContactPerson)
                >
                    <input
                        id="contact_person"
                        name="contact_person"
                        type="text"
                        maxlength="60"
                        autocomplete="off"
                        value=initial.contact_person.clone()
                    />
                </FormField>
            </div>
        </fieldset>
        <fieldset>
            <legend>"地区与土地"</legend>
            <FormField
                label="地区码"
                name="region"
                required=true
                hint="6 位行政区划代码，可直接输入，或在下方按省市县选择、按地名查找"
                error=error_for(Field::Region)
            >
                <input
                    id="region"
                    name="region"
                    type="text"
                    inputmode="numeric"
                    maxlength="6"
                    autocomplete="off"
                    aria-describedby="region-error region-name"
                    value=initial.region.clone()
                    required
                />
                <p id="region-name" class="region-name" data-testid="region-name">
                    {region_name}
                </p>
                <RegionPicker form control="region" />
            </FormField>
            <FormField
                label="乡镇（街道）"
                name="township"
                hint="选填；填好区县后可选"
                error=error_for(Field::Township)
            >
                <select id="township" name="township" aria-describedby="township-error">
                    <option value="">"（未选择）"</option>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            let chosen = typed.with_untracked(|t| t.township.clone());
                            towns
                                .await
                                .unwrap_or_default()
                                .into_iter()
                                .map(|t| {
                                    let selected = t.code == chosen;
                                    view! {
                                        <option value=t.code.clone() selected=selected>
                                            {t.name}
                                        </option>
                                    }
                                })
                                .collect_view()
                        })}
                    </Transition>
                </select>
            </FormField>
            <FormField label="详细地址" name="address" error=error_for(Field::Address)>
                <input
                    id="address"
                    name="address"
                    type="text"
                    maxlength="120"
                    autocomplete="off"
                    aria-describedby="address-error"
                    value=initial.address.clone()
                />
            </FormField>
            <FormField
                label="土地总面积（亩）"
                name="land_area"
                hint="最多两位小数，没有土地可不填"
                error=error_for(Field::LandArea)
            >
                <input
                    id="land_area"
                    name="land_area"
                    type="text"
                    inputmode="decimal"
                    autocomplete="off"
                    aria-describedby="land_area-error"
                    value=initial.land_area.clone()
                />
            </FormField>
            <h3 class="list-title">"地块"</h3>
            <For each=move || rows.parcels.get() key=|(key, _)| *key let:row>
                <ParcelRow rows errors key=row.0 initial=row.1 />
            </For>
            {move || {
                error_for(Field::Parcels)
                    .get()
                    .map(|m| {
                        view! {
                            <p class="field-error" role="alert">
                                {m}
                            </p>
                        }
                    })
            }}
            {move || {
                warning_of(Field::Parcels)()
                    .map(|m| {
                        view! {
                            <p class="banner warning" data-testid="parcels-warning">
                                {m}
                            </p>
                        }
                    })
            }}
            <button
                type="button"
                class="button small"
                data-testid="add-parcel"
                on:click=move |_| rows.add(rows.parcels)
            >
                "+ 添加地块"
            </button>
        </fieldset>
        <fieldset hidden=move || organisation.get()>
            <legend>"家庭成员"</legend>
            <For each=move || rows.members.get() key=|(key, _)| *key let:row>
                <MemberRow rows errors key=row.0 initial=row.1 />
            </For>
            {move || {
                error_for(Field::Household)
                    .get()
                    .map(|m| {
                        view! {
                            <p class="field-error" role="alert">
                                {m}
                            </p>
                        }
                    })
            }}
            <button
                type="button"
                class="button small"
                data-testid="add-member"
                on:click=move |_| rows.add(rows.members)
            >
                "+ 添加家庭成员"
            </button>
        </fieldset>
        <fieldset>
            <legend>"生产资产"</legend>
            <For each=move || rows.assets.get() key=|(key, _)| *key let:row>
                <AssetRow rows errors key=row.0 initial=row.1 />
            </For>
            <button
                type="button"
                class="button small"
                data-testid="add-asset"
                on:click=move |_| rows.add(rows.assets)
            >
                "+ 添加农机、畜禽或设施"
            </button>
        </fieldset>
        <fieldset>
            <legend>"合作与信用"</legend>
            <CooperationChecks
                offered
                chosen=initial.cooperation.clone()
                error=error_for(Field::Cooperation)
            />
            <CreditFields
                rating=initial.credit_rating.clone()
                reason=initial.credit_reason.clone()
                rating_error=error_for(Field::CreditRating)
                reason_error=error_for(Field::CreditReason)
            />
        </fieldset>
        <fieldset>
            <legend>"标签、备注与纸质档案"</legend>
            <FormField
                label="标签"
                name="tags"
                hint="用逗号或空格分隔，如：种粮大户，示范户"
                error=error_for(Field::Tags)
            >
                <input
                    id="tags"
                    name="tags"
                    type="text"
                    autocomplete="off"
                    value=initial.tags.clone()
                />
            </FormField>
            <FormField label="备注" name="notes" error=error_for(Field::Notes)>
                <textarea id="notes" name="notes" rows="3" maxlength="2000">
                    {initial.notes.clone()}
                </textarea>
            </FormField>
            <FormField
                label="纸质档案位置"
                name="paper_cabinet"
                hint="档案柜、层、盒的编号"
                error=error_for(Field::Paper)
            >
                <div class="paper-location">
                    <input
                        id="paper_cabinet"
                        name="paper_cabinet"
                        type="text"
                        maxlength="20"
                        placeholder="柜"
                        aria-label="档案柜"
                        value=initial.paper_cabinet.clone()
                    />
                    <input
                        name="paper_shelf"
                        type="text"
                        maxlength="20"
                        placeholder="层"
                        aria-label="层"
                        value=initial.paper_shelf.clone()
                    />
                    <input
                        name="paper_box"
                        type="text"
                        maxlength="20"
                        placeholder="盒"
                        aria-label="档案盒"
                        value=initial.paper_box.clone()
                    />
                </div>
            </FormField>
        </fieldset>
    }
}

/// The error of one column of a list row, found by the row's position.
fn row_error<T: Send + Sync + 'static>(
    errors: RwSignal<Vec<FieldError>>,
    list: RwSignal<Vec<(u32, T)>>,
    key: u32,
    field: fn(u16) -> Field,
) -> Signal<Option<String>> {
    Signal::derive(move || {
        let position = list.with(|r| r.iter().position(|(k, _)| *k == key))?;
        let field = field(u16::try_from(position).unwrap_or(u16::MAX));
        errors.with(|e| {
            e.iter()
                .find(|e| e.field == field)
                .map(|e| e.message.clone())
        })
    })
}

#[component]
fn RemoveRow(label: &'static str, on_remove: impl Fn() + Send + Sync + 'static) -> impl IntoView {
    view! {
        <button
            type="button"
            class="button small remove-row"
            aria-label=label
            title=label
            on:click=move |_| on_remove()
        >
            "删除"
        </button>
    }
}

#[component]
fn MemberRow(
    rows: FormRows,
    errors: RwSignal<Vec<FieldError>>,
    key: u32,
    initial: MemberForm,
) -> impl IntoView {
    let id = move |part: &str| format!("member-{key}-{part}");
    let list = rows.members;
    view! {
        <div class="form-row" data-testid="member-row">
            <FormField
                label="姓名"
                name=id("name")
                required=true
                error=row_error(errors, list, key, Field::MemberName)
            >
                <input
                    id=id("name")
                    name="member_name"
                    type="text"
                    maxlength="60"
                    autocomplete="off"
                    value=initial.name
                />
            </FormField>
            <FormField
                label="关系"
                name=id("relation")
                required=true
                error=row_error(errors, list, key, Field::MemberRelation)
            >
                <select id=id("relation") name="member_relation">
                    <option value="">"请选择"</option>
                    {Relation::ALL
                        .iter()
                        .map(|r| {
                            view! {
                                <option value=r.key() selected=r.key() == initial.relation>
                                    {r.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </FormField>
            <FormField
                label="身份证号"
                name=id("id_number")
                hint="选填"
                error=row_error(errors, list, key, Field::MemberIdNumber)
            >
                <input
                    id=id("id_number")
                    name="member_id_number"
                    type="text"
                    maxlength="30"
                    autocomplete="off"
                    spellcheck="false"
                    value=initial.id_number
                />
            </FormField>
            <FormField label="劳动力" name=id("labour") error=Signal::derive(|| None::<String>)>
                <select id=id("labour") name="member_labour">
                    <option value="yes" selected=initial.labour>
                        "是"
                    </option>
                    <option value="no" selected=!initial.labour>
                        "否"
                    </option>
                </select>
            </FormField>
            <RemoveRow
                label="删除此家庭成员"
                on_remove=move || list.update(|r| r.retain(|(k, _)| *k != key))
            />
        </div>
    }
}

#[component]
fn ParcelRow(
    rows: FormRows,
    errors: RwSignal<Vec<FieldError>>,
    key: u32,
    initial: ParcelForm,
) -> impl IntoView {
    let id = move |part: &str| format!("parcel-{key}-{part}");
    let list = rows.parcels;
    view! {
        <div class="form-row" data-testid="parcel-row">
            <FormField
                label="位置"
                name=id("location")
                required=true
                error=row_error(errors, list, key, Field::ParcelLocation)
            >
                <input
                    id=id("location")
                    name="parcel_location"
                    type="text"
                    maxlength="40"
                    autocomplete="off"
                    value=initial.location
                />
            </FormField>
            <FormField
                label="面积（亩）"
                name=id("area")
                required=true
                error=row_error(errors, list, key, Field::ParcelArea)
            >
                <input
                    id=id("area")
                    name="parcel_area"
                    type="text"
                    inputmode="decimal"
                    autocomplete="off"
                    value=initial.area
                />
            </FormField>
            <FormField
                label="作物"
                name=id("crop")
                error=row_error(errors, list, key, Field::ParcelCrop)
            >
                <input
                    id=id("crop")
                    name="parcel_crop"
                    type="text"
                    maxlength="40"
                    autocomplete="off"
                    value=initial.crop
                />
            </FormField>
            <FormField
                label="经营方式"
                name=id("tenure")
                required=true
                error=row_error(errors, list, key, Field::ParcelTenure)
            >
                <select id=id("tenure") name="parcel_tenure">
                    <option value="">"请选择"</option>
                    {Tenure::ALL
                        .iter()
                        .map(|t| {
                            view! {
                                <option value=t.key() selected=t.key() == initial.tenure>
                                    {t.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </FormField>
            <RemoveRow
                label="删除此地块"
                on_remove=move || list.update(|r| r.retain(|(k, _)| *k != key))
            />
        </div>
    }
}

#[component]
fn AssetRow(
    rows: FormRows,
    errors: RwSignal<Vec<FieldError>>,
    key: u32,
    initial: AssetForm,
) -> impl IntoView {
    let id = move |part: &str| format!("asset-{key}-{part}");
    let list = rows.assets;
    view! {
        <div class="form-row" data-testid="asset-row">
            <FormField
                label="类别"
                name=id("kind")
                required=true
                error=row_error(errors, list, key, Field::AssetKind)
            >
                <select id=id("kind") name="asset_kind">
                    <option value="">"请选择"</option>
                    {AssetKind::ALL
                        .iter()
                        .map(|k| {
                            view! {
                                <option value=k.key() selected=k.key() == initial.kind>
                                    {k.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </FormField>
            <FormField
                label="名称"
                name=id("description")
                required=true
                error=row_error(errors, list, key, Field::AssetDescription)
            >
                <input
                    id=id("description")
                    name="asset_description"
                    type="text"
                    maxlength="40"
                    autocomplete="off"
                    value=initial.description
                />
            </FormField>
            <FormField
                label="数量"
                name=id("quantity")
                required=true
                error=row_error(errors, list, key, Field::AssetQuantity)
            >
                <input
                    id=id("quantity")
                    name="asset_quantity"
                    type="text"
                    inputmode="numeric"
                    autocomplete="off"
                    value=initial.quantity
                />
            </FormField>
            <FormField
                label="单位"
                name=id("unit")
                error=row_error(errors, list, key, Field::AssetUnit)
            >
                <input
                    id=id("unit")
                    name="asset_unit"
                    type="text"
                    maxlength="10"
                    placeholder="台、头、座…"
                    autocomplete="off"
                    value=initial.unit
                />
            </FormField>
            <RemoveRow
                label="删除此项资产"
                on_remove=move || list.update(|r| r.retain(|(k, _)| *k != key))
            />
        </div>
    }
}

/// The cooperation intentions a form offers: those in use, and retired
/// ones the file already has.
pub fn offered_cooperation(all: Vec<CooperationType>, chosen: &[String]) -> Vec<CooperationType> {
    all.into_iter()
        .filter(|c| c.active || chosen.contains(&c.key))
        .collect()
}

/// The checkboxes of the cooperation intentions, `chosen` ticked.
#[component]
pub fn CooperationChecks(
    offered: Vec<CooperationType>,
    chosen: Vec<String>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <div class="form-field" class:has-error=move || error.with(Option::is_some)>
            <span class="label">"合作意向"</span>
            <div class="control checks">
                {offered
                    .into_iter()
                    .map(|c| {
                        let id = format!("cooperation-{}", c.key);
                        let label_for = id.clone();
                        view! {
                            <label class="check" for=label_for>
                                <input
                                    id=id
                                    type="checkbox"
                                    name="cooperation"
                                    value=c.key.clone()
                                    checked=chosen.contains(&c.key)
                                />
                                {c.label}
                            </label>
                        }
                    })
                    .collect_view()}
                <p class="field-message">
                    {move || error.get().map(|m| view! { <span class="field-error">{m}</span> })}
                </p>
            </div>
        </div>
    }
}

/// The credit rating and the basis of it.
#[component]
pub fn CreditFields(
    /// The rating's key as the form holds it (empty: unrated).
    rating: String,
    reason: String,
    rating_error: Signal<Option<String>>,
    reason_error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <FormField label="信用等级" name="credit_rating" error=rating_error>
            <select id="credit_rating" name="credit_rating">
                {CreditRating::ALL
                    .iter()
                    .map(|r| {
                        let key = if *r == CreditRating::Unrated { "" } else { r.key() };
                        view! {
                            <option value=key selected=key == rating>
                                {r.label()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </FormField>
        <FormField
            label="评定依据"
            name="credit_reason"
            hint="评定 A–D 级时必填，如“三年按时结清货款”"
            error=reason_error
        >
            <input
                id="credit_reason"
                name="credit_reason"
                type="text"
                maxlength="200"
                autocomplete="off"
                value=reason
            />
        </FormField>
    }
}
