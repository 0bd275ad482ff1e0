//! A labelled form field with its error beside it.

use leptos::prelude::*;

use crate::domain::{Field, FieldError};

/// The message for `field` among a form's refusals, as a signal for its
/// [`FormField`].
pub fn error_of(errors: RwSignal<Vec<FieldError>>, field: Field) -> Signal<Option<String>> {
    Signal::derive(move || {
        errors.with(|list| {
            list.iter()
                .find(|e| e.field == field)
                .map(|e| e.message.clone())
        })
    })
}

/// Label, control and error message of one form field. The control is the
/// child; give it `id=name` and `aria-describedby=format!("{name}-error")`.
#[component]
pub fn FormField(
    label: &'static str,
    /// The control's `id` (and usually its `name`).
    #[prop(into)]
    name: String,
    #[prop(optional)] required: bool,
    /// A hint shown under the control while there is no error.
    #[prop(optional)]
    hint: Option<&'static str>,
    #[prop(into)] error: Signal<Option<String>>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="form-field" class:has-error=move || error.with(Option::is_some)>
            <label for=name
                .clone()>
                {required
                    .then(|| {
                        view! {
                            <span class="required" aria-hidden="true">
                                "*"
                            </span>
                        }
                    })} {label}
            </label>
            <div class="control">
                {children()}
                <p
                    id=format!("{name}-error")
                    class="field-message"
                    role="status"
                    aria-live="polite"
                >
                    {move || match error.get() {
                        Some(message) => {
                            view! { <span class="field-error">{message}</span> }.into_any()
                        }
                        None => view! { <span class="field-hint">{hint}</span> }.into_any(),
                    }}
                </p>
            </div>
        </div>
    }
}
