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
    // The code chosen at each level: province, prefecture, county.
    let levels = [(); 3].map(|_| RwSignal::new(String::new()));
    let query = RwSignal::new(String::new());

    let choose = move |code: &str| {
        if let Some(form) = form.get_untracked() {
            fill(&form, control, code);
        }
    };
    // Picking at one level clears the levels below it; the form gets the
    // deepest level chosen.
    let pick_level = move |depth: usize, code: String| {
        levels[depth].set(code);
        for below in &levels[depth + 1..] {
            below.set(String::new());
        }
        let deepest = levels
            .iter()
            .rev()
            .map(|l| l.get_untracked())
            .find(|c| !c.is_empty());
        if let Some(code) = deepest {
            choose(&code);
        }
    };
    let options_under = move |depth: usize| {
        Signal::derive(move || {
            let parent = levels[depth - 1].get();
            if parent.is_empty() {
                Vec::new()
            } else {
                region::children(&parent)
            }
        })
    };
    let matches = Memo::new(move |_| region::search(&query.get(), MATCHES));
    let pick_match = move |division: Division| {
        query.set(String::new());
        choose(&division.code);
    };

    view! {
        <div class="region-picker">
            <div class="region-levels">
                <LevelSelect
                    label="省级"
                    placeholder="省/自治区/直辖市"
                    options=Signal::derive(region::provinces)
                    value=levels[0]
                    on_pick=move |code| pick_level(0, code)
                />
                <LevelSelect
                    label="地级"
                    placeholder="市/区县"
                    options=options_under(1)
                    value=levels[1]
                    on_pick=move |code| pick_level(1, code)
                />
                <LevelSelect
                    label="县级"
                    placeholder="区/县"
                    options=options_under(2)
                    value=levels[2]
                    on_pick=move |code| pick_level(2, code)
                />
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

/// One level of the region tree to choose from.
#[component]
fn LevelSelect(
    label: &'static str,
    placeholder: &'static str,
    options: Signal<Vec<Division>>,
    value: RwSignal<String>,
    on_pick: impl Fn(String) + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <select
            aria-label=label
            on:change=move |event| on_pick(event_target_value(&event))
            prop:value=move || value.get()
        >
            <option value="">{placeholder}</option>
            {move || {
                options
                    .get()
                    .into_iter()
                    .map(|d| view! { <option value=d.code>{d.name}</option> })
                    .collect_view()
            }}
        </select>
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
