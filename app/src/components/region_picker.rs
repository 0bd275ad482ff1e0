//! Choosing a region by tapping through province, prefecture and county, or
//! by typing part of its name. The chosen code goes into the form's region
//! control, as if typed there.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::domain::region::{self, Division};

/// How many name matches are offered at once.
const MATCHES: usize = 8;

#[component]
pub fn RegionPicker(
    /// The form holding the region control.
    form: NodeRef<leptos::html::Form>,
    /// The name of that control.
    control: &'static str,
) -> impl IntoView {
    let province = RwSignal::new(String::new());
    let city = RwSignal::new(String::new());
    let county = RwSignal::new(String::new());
    let query = RwSignal::new(String::new());

    let choose = move |code: &str| {
        if let Some(form) = form.get_untracked() {
            fill(&form, control, code);
        }
    };
    let cities = Memo::new(move |_| {
        let p = province.get();
        if p.is_empty() {
            Vec::new()
        } else {
            region::children(&p)
        }
    });
    let counties = Memo::new(move |_| {
        let c = city.get();
        if c.is_empty() {
            Vec::new()
        } else {
            region::children(&c)
        }
    });
    let matches = Memo::new(move |_| region::search(&query.get(), MATCHES));

    let on_province = move |event: leptos::ev::Event| {
        let code = event_target_value(&event);
        province.set(code.clone());
        city.set(String::new());
        county.set(String::new());
        if !code.is_empty() {
            choose(&code);
        }
    };
    let on_city = move |event: leptos::ev::Event| {
        let code = event_target_value(&event);
        city.set(code.clone());
        county.set(String::new());
        let chosen = if code.is_empty() {
            province.get_untracked()
        } else {
            code
        };
        choose(&chosen);
    };
    let on_county = move |event: leptos::ev::Event| {
        let code = event_target_value(&event);
        county.set(code.clone());
        let chosen = if code.is_empty() {
            city.get_untracked()
        } else {
            code
        };
        choose(&chosen);
    };
    let pick_match = move |division: Division| {
        query.set(String::new());
        choose(&division.code);
    };

    view! {
        <div class="region-picker">
            <div class="region-levels">
                <select aria-label="省级" on:change=on_province prop:value=move || province.get()>
                    <option value="">"省/自治区/直辖市"</option>
                    {region::provinces()
                        .into_iter()
                        .map(|d| view! { <option value=d.code>{d.name}</option> })
                        .collect_view()}
                </select>
                <select aria-label="地级" on:change=on_city prop:value=move || city.get()>
                    <option value="">"市/区县"</option>
                    {move || {
                        cities
                            .get()
                            .into_iter()
                            .map(|d| view! { <option value=d.code>{d.name}</option> })
                            .collect_view()
                    }}
                </select>
                <select aria-label="县级" on:change=on_county prop:value=move || county.get()>
                    <option value="">"区/县"</option>
                    {move || {
                        counties
                            .get()
                            .into_iter()
                            .map(|d| view! { <option value=d.code>{d.name}</option> })
                            .collect_view()
                    }}
                </select>
            </div>
            <input
                type="search"
                class="region-search"
                aria-label="按名称查找地区"
                placeholder="或输入地名查找，如 锦江"
                prop:value=move || query.get()
                on:input=move |event| query.set(event_target_value(&event))
            />
            <ul class="region-matches" aria-label="匹配的地区">
                {move || {
                    matches
                        .get()
                        .into_iter()
                        .map(|division| {
                            let label = format!("{} {}", division.name, division.code);
                            view! {
                                <li>
                                    <button
                                        type="button"
                                        class="button small"
                                        on:click=move |_| pick_match(division.clone())
                                    >
                                        {label}
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}

/// Puts `code` into the control and lets the form hear it as typed input.
fn fill(form: &web_sys::HtmlFormElement, control: &str, code: &str) {
    super::form::set_text(form, control, code);
    let Ok(Some(element)) = form.query_selector(&format!("[name='{control}']")) else {
        return;
    };
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    if let Ok(event) = web_sys::Event::new_with_event_init_dict("input", &init) {
        let _ = element
            .unchecked_ref::<web_sys::EventTarget>()
            .dispatch_event(&event);
    }
}
