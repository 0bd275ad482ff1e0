//! 同意与用途: the consent section of the intake form, the signature pad
//! that takes a signature with a finger on the tablet, and the file page's
//! card of consents and withdrawals.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::consent::{get_consent_lists, get_file_consents, record_consent, withdraw_consent};
use crate::components::banner::{ActionError, ErrorBanner};
use crate::components::field::{FormField, error_of};
use crate::components::form as form_io;
use crate::domain::consent::{
    ConsentForm, ConsentLists, ConsentMethod, ConsentRecord, MAX_SIGNATURE, WithdrawalForm,
};
use crate::domain::{Field, FieldError};

/// The signature pad's drawing area, in its own units.
const PAD_WIDTH: f64 = 600.0;
const PAD_HEIGHT: f64 = 200.0;

/// The consent as the controls of `form` hold it.
pub fn read_consent(form: &web_sys::HtmlFormElement) -> ConsentForm {
    ConsentForm {
        purposes: form_io::texts(form, "consent_purpose"),
        sensitive: form_io::checked(form, "consent_sensitive"),
        method: form_io::text(form, "consent_method"),
        paper_ref: form_io::text(form, "consent_paper_ref"),
        signature: form_io::text(form, "consent_signature"),
        legal_basis: form_io::text(form, "consent_legal_basis"),
        given_on: form_io::text(form, "consent_given_on"),
    }
}

/// Puts a kept consent back into the controls of `form` (the signature
/// goes back through its signal).
pub fn fill_consent(form: &web_sys::HtmlFormElement, consent: &ConsentForm) {
    form_io::set_ticked(form, "consent_purpose", &consent.purposes);
    form_io::set_checked(form, "consent_sensitive", consent.sensitive);
    form_io::set_text(form, "consent_method", &consent.method);
    form_io::set_text(form, "consent_paper_ref", &consent.paper_ref);
    form_io::set_text(form, "consent_legal_basis", &consent.legal_basis);
}

/// The controls of a consent: purposes, the separate consent for sensitive
/// information, how it was given (paper reference or on-screen signature)
/// and the legal basis that may stand in for the separate consent.
#[component]
pub fn ConsentFields(
    lists: ConsentLists,
    errors: RwSignal<Vec<FieldError>>,
    /// The chosen method's key; the parent sets it when it restores a form.
    method: RwSignal<String>,
    /// The signature's SVG path.
    signature: RwSignal<String>,
    /// The form asks for the day the consent was given (a paper form signed
    /// earlier); otherwise it is today.
    #[prop(optional)]
    with_date: bool,
    /// Where the printable consent form opens.
    print_href: String,
) -> impl IntoView {
    let purposes = lists
        .purposes
        .iter()
        .filter(|p| p.active)
        .map(|p| {
            view! {
                <label class="check purpose">
                    <input type="checkbox" name="consent_purpose" value=p.key.clone() />
                    <span>
                        <strong>{p.name.clone()}</strong>
                        <small>{p.description.clone()}</small>
                    </span>
                </label>
            }
        })
        .collect_view();
    let bases = lists
        .legal_bases
        .iter()
        .filter(|b| b.active)
        .map(|b| {
            view! { <option value=b.key.clone()>{b.name.clone()}</option> }
        })
        .collect_view();
    let on_method = move |event: leptos::ev::Event| {
        if let Some(select) = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
        {
            method.set(select.value());
        }
    };
    view! {
        <fieldset class="consent-fields">
            <legend>"同意与用途"</legend>
            <p class="form-note">
                "请向客户逐项说明用途，只勾选客户同意的用途。身份证号、家庭成员证件号和信用状况属于敏感个人信息，须客户单独同意，或有法定依据。"
                " " <a href=print_href target="_blank" rel="noopener">
                    "打印同意书"
                </a>
            </p>
            <div class="form-field">
                <span class="label">"同意的用途"</span>
                <div class="control purpose-list">{purposes}</div>
            </div>
            <div class="form-field">
                <span class="label">"敏感个人信息"</span>
                <div class="control">
                    <label class="check">
                        <input type="checkbox" name="consent_sensitive" value="yes" />
                        "客户单独同意处理其身份证号、家庭成员证件号和信用状况"
                    </label>
                </div>
            </div>
            <FormField label="同意方式" name="consent" error=error_of(errors, Field::Consent)>
                <select id="consent" name="consent_method" on:change=on_method>
                    <option value="">"请选择"</option>
                    <option value=ConsentMethod::Paper.key()>{ConsentMethod::Paper.label()}</option>
                    <option value=ConsentMethod::Signature
                        .key()>{ConsentMethod::Signature.label()}</option>
                </select>
            </FormField>
            <div hidden=move || method.get() != ConsentMethod::Paper.key()>
                <FormField
                    label="同意书存放编号"
                    name="consent_paper_ref"
                    hint="签字的纸质同意书归入纸质档案，写明编号或位置"
                    error=Signal::derive(|| None::<String>)
                >
                    <input
                        id="consent_paper_ref"
                        name="consent_paper_ref"
                        type="text"
                        maxlength="100"
                        autocomplete="off"
                    />
                </FormField>
            </div>
            <div hidden=move || method.get() != ConsentMethod::Signature.key()>
                <SignaturePad signature />
            </div>
            {with_date
                .then(|| {
                    view! {
                        <FormField
                            label="同意日期"
                            name="consent_given_on"
                            hint="不填为今天"
                            error=Signal::derive(|| None::<String>)
                        >
                            <input id="consent_given_on" name="consent_given_on" type="date" />
                        </FormField>
                    }
                })}
            <FormField
                label="或：法定处理依据"
                name="consent_legal_basis"
                hint="客户未单独同意处理敏感个人信息时，选择一项适用的法定依据"
                error=Signal::derive(|| None::<String>)
            >
                <select id="consent_legal_basis" name="consent_legal_basis">
                    <option value="">"无"</option>
                    {bases}
                </select>
            </FormField>
        </fieldset>
    }
}

/// Where a pointer is on the pad, in the pad's units.
fn pad_point(event: &leptos::ev::PointerEvent) -> Option<(i32, i32)> {
    let pad = event
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())?;
    let rect = pad.get_bounding_client_rect();
    if rect.width() <= 0.0 || rect.height() <= 0.0 {
        return None;
    }
    let x = (f64::from(event.client_x()) - rect.left()) * PAD_WIDTH / rect.width();
    let y = (f64::from(event.client_y()) - rect.top()) * PAD_HEIGHT / rect.height();
    // Rounded and clamped into the pad: the cast cannot overflow.
    #[allow(clippy::cast_possible_truncation)]
    Some((
        x.round().clamp(0.0, PAD_WIDTH) as i32,
        y.round().clamp(0.0, PAD_HEIGHT) as i32,
    ))
}

/// A box to sign in with a finger or a stylus. The strokes become an SVG
/// path, kept in `signature` and in a hidden control of the form.
#[component]
pub fn SignaturePad(signature: RwSignal<String>) -> impl IntoView {
    let drawing = StoredValue::new(false);
    let on_down = move |event: leptos::ev::PointerEvent| {
        event.prevent_default();
        let Some((x, y)) = pad_point(&event) else {
            return;
        };
        if let Some(pad) = event
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        {
            let _ = pad.set_pointer_capture(event.pointer_id());
        }
        drawing.set_value(true);
        signature.update(|path| {
            if !path.is_empty() {
                path.push(' ');
            }
            path.push_str(&format!("M {x} {y}"));
        });
    };
    let on_move = move |event: leptos::ev::PointerEvent| {
        if !drawing.get_value() {
            return;
        }
        event.prevent_default();
        if let Some((x, y)) = pad_point(&event) {
            signature.update(|path| {
                if path.len() + 12 < MAX_SIGNATURE {
                    path.push_str(&format!(" L {x} {y}"));
                }
            });
        }
    };
    let on_up = move |_| drawing.set_value(false);
    view! {
        <div class="signature-pad">
            <span class="label" id="signature-label">
                "客户签名"
            </span>
            <svg
                class="signature-area"
                viewBox="0 0 600 200"
                role="img"
                aria-labelledby="signature-label"
                data-testid="signature-pad"
                on:pointerdown=on_down
                on:pointermove=on_move
                on:pointerup=on_up
                on:pointercancel=on_up
            >
                <line class="signature-line" x1="30" y1="165" x2="570" y2="165" />
                <path class="signature-ink" d=move || signature.get() />
            </svg>
            <input type="hidden" name="consent_signature" prop:value=move || signature.get() />
            <div class="signature-actions">
                <span class="field-hint">"请客户用手指或触控笔在框内签名"</span>
                <button
                    type="button"
                    class="button small"
                    on:click=move |_| signature.set(String::new())
                >
                    "清除签名"
                </button>
            </div>
        </div>
    }
}

/// A signature as it was drawn.
#[component]
pub fn SignatureView(path: String) -> impl IntoView {
    view! {
        <svg class="signature-view" viewBox="0 0 600 200" role="img" aria-label="客户签名">
            <path class="signature-ink" d=path />
        </svg>
    }
}

/// The file page's card: every consent and withdrawal of the file, a form
/// to record a new consent, and a withdrawal per standing consent.
#[component]
pub fn ConsentCard(code: String, may_record: bool) -> impl IntoView {
    // One server function per resource: a call made after another's await
    // would run without the request of the page being rendered.
    let consents = {
        let code = code.clone();
        Resource::new(|| (), move |_| get_file_consents(code.clone()))
    };
    let lists = Resource::new(|| (), |_| get_consent_lists());
    view! {
        <section class="card" aria-labelledby="consent-title" data-testid="consents">
            <h2 id="consent-title">"同意与用途"</h2>
            <p class="no-print">
                <a class="button small" href=format!("/customers/{code}/consent-form")>
                    "打印同意书"
                </a>
            </p>
            <Suspense fallback=|| {
                view! { <p class="loading">"正在读取…"</p> }
            }>
                {
                    let code = code.clone();
                    move || {
                        let code = code.clone();
                        Suspend::new(async move {
                            match (consents.await, lists.await) {
                                (Ok(consents), Ok(lists)) => {
                                    view! {
                                        <ConsentRecords
                                            code=code.clone()
                                            records=consents.records
                                            may_record
                                        />
                                        {may_record
                                            .then(|| view! { <NewConsent code=code.clone() lists /> })}
                                    }
                                        .into_any()
                                }
                                (Err(error), _) | (_, Err(error)) => {
                                    view! { <ErrorBanner message=error.to_string() /> }.into_any()
                                }
                            }
                        })
                    }
                }
            </Suspense>
        </section>
    }
}

fn method_text(record: &ConsentRecord) -> String {
    match record.method {
        ConsentMethod::Paper => format!("纸质同意书（{}）", record.paper_ref),
        ConsentMethod::Signature => "平板屏幕签名".to_string(),
        ConsentMethod::LegalBasis => format!("法定依据：{}", record.legal_basis),
    }
}

#[component]
fn ConsentRecords(code: String, records: Vec<ConsentRecord>, may_record: bool) -> impl IntoView {
    if records.is_empty() {
        return view! {
            <p class="empty" data-testid="no-consent">
                "尚未登记任何同意。未经同意，此档案不能用于信用评估、补贴申报等用途，也不能登记敏感个人信息。"
            </p>
        }
        .into_any();
    }
    let rows = records
        .into_iter()
        .map(|record| {
            let status = if record.is_current() {
                view! { <span class="badge ok">"有效"</span> }.into_any()
            } else {
                view! {
                    <span class="badge danger">
                        {format!("已于 {} 撤回", record.withdrawn_on)}
                    </span>
                    <small>
                        {format!(" {} · {}", record.withdrawn_by, record.withdrawal_note)}
                    </small>
                }
                .into_any()
            };
            let withdraw = (may_record && record.is_current()).then(|| {
                view! {
                    <Withdraw
                        code=code.clone()
                        purpose=record.purpose.clone()
                        name=record.purpose_name.clone()
                    />
                }
            });
            let signature = (!record.signature.is_empty())
                .then(|| view! { <SignatureView path=record.signature.clone() /> });
            view! {
                <tr data-purpose=record.purpose.clone()>
                    <td>{record.purpose_name.clone()}</td>
                    <td>{record.given_on.clone()}</td>
                    <td>{method_text(&record)} {signature}</td>
                    <td>{record.recorded_by.clone()}</td>
                    <td>{status} {withdraw}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="data-table consents">
                <thead>
                    <tr>
                        <th scope="col">"用途"</th>
                        <th scope="col">"同意日期"</th>
                        <th scope="col">"方式"</th>
                        <th scope="col">"登记人"</th>
                        <th scope="col">"状态"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// The withdrawal of one purpose's consent: when, and how it came in.
#[component]
fn Withdraw(code: String, purpose: String, name: String) -> impl IntoView {
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let open = RwSignal::new(false);
    let action = Action::new(|form: &WithdrawalForm| withdraw_consent(form.clone()));
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(()))) {
            form_io::reload_at(&crate::pages::current_path());
        }
    });
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if let Some(form) = form_ref.get_untracked() {
            action.dispatch(WithdrawalForm {
                code: code.clone(),
                purpose: purpose.clone(),
                withdrawn_on: form_io::text(&form, "withdrawn_on"),
                note: form_io::text(&form, "withdrawal_note"),
            });
        }
    };
    let title = if name.is_empty() {
        "撤回同意".to_string()
    } else {
        format!("撤回“{name}”")
    };
    let label = title.clone();
    view! {
        <button
            type="button"
            class="button small"
            hidden=move || open.get()
            on:click=move |_| open.set(true)
        >
            {label}
        </button>
        <form
            class="stacked-form withdrawal"
            node_ref=form_ref
            on:submit=on_submit
            hidden=move || !open.get()
        >
            <ActionError action=action />
            <label>
                "撤回日期（不填为今天）" <input name="withdrawn_on" type="date" />
            </label>
            <label>
                "撤回方式"
                <input
                    name="withdrawal_note"
                    type="text"
                    maxlength="100"
                    placeholder="例如：本人来电"
                />
            </label>
            <button type="submit" class="button small danger">
                {title}
            </button>
        </form>
    }
}

/// A form to record a new consent for the file, e.g. after a withdrawal
/// or when a purpose is added.
#[component]
fn NewConsent(code: String, lists: ConsentLists) -> impl IntoView {
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let method = RwSignal::new(String::new());
    let signature = RwSignal::new(String::new());
    let open = RwSignal::new(false);
    let print_href = format!("/customers/{code}/consent-form");
    let action =
        Action::new(move |consent: &ConsentForm| record_consent(code.clone(), consent.clone()));
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(()))) {
            form_io::reload_at(&crate::pages::current_path());
        }
    });
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if let Some(form) = form_ref.get_untracked() {
            action.dispatch(read_consent(&form));
        }
    };
    view! {
        <button
            type="button"
            class="button"
            hidden=move || open.get()
            on:click=move |_| open.set(true)
        >
            "登记新的同意"
        </button>
        <form class="consent-form" node_ref=form_ref on:submit=on_submit hidden=move || !open.get()>
            <ActionError action=action />
            <ConsentFields lists errors method signature with_date=true print_href />
            <div class="form-actions">
                <button
                    type="submit"
                    class="button primary"
                    disabled=move || action.pending().get()
                >
                    "保存同意"
                </button>
            </div>
        </form>
    }
}
