//! Reading and filling plain form controls.
//!
//! Forms keep their values in the controls themselves (uncontrolled), so
//! nothing typed is lost when the server refuses a field, or when staff type
//! before the page has become interactive. They are read when submitted.

use wasm_bindgen::JsCast;

/// The current text of the control named `name` (empty when absent).
pub fn text(form: &web_sys::HtmlFormElement, name: &str) -> String {
    web_sys::FormData::new_with_form(form)
        .ok()
        .and_then(|data| data.get(name).as_string())
        .unwrap_or_default()
}

/// The texts of every control named `name`, in the order of the page;
/// of checkboxes, the ticked ones.
pub fn texts(form: &web_sys::HtmlFormElement, name: &str) -> Vec<String> {
    web_sys::FormData::new_with_form(form)
        .ok()
        .map(|data| {
            data.get_all(name)
                .iter()
                .filter_map(|v| v.as_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Ticks exactly the checkboxes named `name` whose value is in `values`.
pub fn set_ticked(form: &web_sys::HtmlFormElement, name: &str, values: &[String]) {
    let Ok(boxes) = form.query_selector_all(&format!("input[name='{name}']")) else {
        return;
    };
    for i in 0..boxes.length() {
        if let Some(input) = boxes
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            input.set_checked(values.contains(&input.value()));
        }
    }
}

/// Whether the checkbox named `name` is ticked.
pub fn checked(form: &web_sys::HtmlFormElement, name: &str) -> bool {
    control(form, name)
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        .is_some_and(|input| input.checked())
}

/// Puts `value` into the control named `name`.
pub fn set_text(form: &web_sys::HtmlFormElement, name: &str, value: &str) {
    let Some(element) = control(form, name) else {
        return;
    };
    if let Some(input) = element.dyn_ref::<web_sys::HtmlInputElement>() {
        input.set_value(value);
    } else if let Some(select) = element.dyn_ref::<web_sys::HtmlSelectElement>() {
        select.set_value(value);
    } else if let Some(area) = element.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        area.set_value(value);
    }
}

/// Ticks or clears the checkbox named `name`.
pub fn set_checked(form: &web_sys::HtmlFormElement, name: &str, value: bool) {
    if let Some(input) =
        control(form, name).and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
    {
        input.set_checked(value);
    }
}

/// Moves the focus to the first control whose field shows an error.
pub fn focus_first_error(form: &web_sys::HtmlFormElement) {
    // The error list renders on the next frame.
    let form = form.clone();
    leptos::prelude::request_animation_frame(move || {
        let first = form
            .query_selector(
                ".has-error .control > input, .has-error .control > select, \
                 .has-error .control > textarea",
            )
            .ok()
            .flatten();
        if let Some(control) = first.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = control.focus();
        }
    });
}

/// Sends the browser to `path` with a full page load, so that the server
/// renders the next page with the new session cookie.
pub fn reload_at(path: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_href(path);
    }
}

/// Hands a file the server sent to the browser to save.
pub fn save_download(file: &crate::api::audit::Download) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(link) = document.create_element("a") else {
        return;
    };
    let Ok(link) = link.dyn_into::<web_sys::HtmlAnchorElement>() else {
        return;
    };
    link.set_href(&format!("data:{};base64,{}", file.mime, file.base64));
    link.set_download(&file.file_name);
    link.click();
}

fn control(form: &web_sys::HtmlFormElement, name: &str) -> Option<web_sys::Element> {
    form.query_selector(&format!("[name='{name}']"))
        .ok()
        .flatten()
}
