//! Label–value pairs, as a file page and its relatives show them: empty
//! values show as a dash.

use leptos::prelude::*;

/// A value as shown: a dash when there is none.
pub fn shown(value: String) -> String {
    if value.trim().is_empty() {
        "—".to_string()
    } else {
        value
    }
}

/// The pairs of a `<dl class="facts">`, for lists that mix in facts of
/// their own.
#[component]
pub fn FactItems(facts: Vec<(&'static str, String)>) -> impl IntoView {
    facts
        .into_iter()
        .map(|(label, value)| {
            view! {
                <div class="fact">
                    <dt>{label}</dt>
                    <dd>{shown(value)}</dd>
                </div>
            }
        })
        .collect_view()
}

/// A card with a title and its label–value pairs.
#[component]
pub fn Facts(
    #[prop(into)] title: String,
    #[prop(into)] id: String,
    facts: Vec<(&'static str, String)>,
) -> impl IntoView {
    let labelled_by = id.clone();
    view! {
        <section class="card" aria-labelledby=labelled_by>
            <h2 id=id>{title}</h2>
            <dl class="facts">
                <FactItems facts />
            </dl>
        </section>
    }
}
