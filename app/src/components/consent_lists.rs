//! The settings of purposes and legal bases: each entry with its plain-
//! language description (printed on the consent form), to describe anew,
//! retire or bring back, and a form to add one.

use leptos::prelude::*;

use crate::api::consent::{get_consent_lists, save_consent_item};
use crate::components::banner::ErrorBanner;
use crate::components::form as form_io;
use crate::domain::consent::{BOUND_PURPOSES, ListedItem};

/// Both lists, each in its own card.
#[component]
pub fn ConsentListSettings() -> impl IntoView {
    let save =
        Action::new(|(legal, item): &(bool, ListedItem)| save_consent_item(*legal, item.clone()));
    let lists = Resource::new(move || save.version().get(), |_| get_consent_lists());
    let error = move || {
        save.value()
            .get()
            .and_then(Result::err)
            .map(|e| view! { <ErrorBanner message=e.to_string() /> })
    };
    view! {
        <section class="card" aria-labelledby="purposes-title">
            <h2 id="purposes-title">"个人信息处理用途"</h2>
            <p class="form-note">
                "登记客户同意时可勾选的用途，说明会原样印在同意书上，请用客户听得懂的话写。与系统功能绑定的用途（信用评估、政府补贴申报）不能停用。停用的用途不再提供，已登记的同意照常显示。"
            </p>
            {error}
            <Suspense fallback=|| {
                view! { <p class="loading">"正在读取…"</p> }
            }>
                {move || Suspend::new(async move {
                    match lists.await {
                        Ok(lists) => {
                            view! {
                                <ItemTable items=lists.purposes legal=false save />
                                <h3>"法定处理依据"</h3>
                                <p class="form-note">
                                    "客户未单独同意处理敏感个人信息时，可选择的法定依据（《个人信息保护法》第十三条）。"
                                </p>
                                <ItemTable items=lists.legal_bases legal=true save />
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorBanner message=error.to_string() /> }.into_any(),
                    }
                })}
            </Suspense>
            <AddItem save />
        </section>
    }
}

type SaveItem = Action<(bool, ListedItem), Result<(), crate::error::AppError>>;

#[component]
fn ItemTable(items: Vec<ListedItem>, legal: bool, save: SaveItem) -> impl IntoView {
    let testid = if legal { "legal-bases" } else { "purposes" };
    view! {
        <div class="table-wrap">
            <table class="data-table" data-testid=testid>
                <thead>
                    <tr>
                        <th scope="col">"名称"</th>
                        <th scope="col">"说明"</th>
                        <th scope="col">"状态"</th>
                        <th scope="col">"操作"</th>
                    </tr>
                </thead>
                <tbody>
                    {items
                        .into_iter()
                        .map(|item| view! { <ItemRow item legal save /> })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// One entry: its description can be edited in place.
#[component]
fn ItemRow(item: ListedItem, legal: bool, save: SaveItem) -> impl IntoView {
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let bound = !legal && BOUND_PURPOSES.contains(&item.key.as_str());
    let form_id = format!(
        "item-{}-{}",
        if legal { "basis" } else { "purpose" },
        item.key
    );
    let toggled = ListedItem {
        active: !item.active,
        ..item.clone()
    };
    let kept = item.clone();
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if let Some(form) = form_ref.get_untracked() {
            save.dispatch((
                legal,
                ListedItem {
                    name: form_io::text(&form, "name"),
                    description: form_io::text(&form, "description"),
                    ..kept.clone()
                },
            ));
        }
    };
    let name_label = format!("{}的名称", item.name);
    let description_label = format!("{}的说明", item.name);
    view! {
        <tr data-key=item.key.clone()>
            <td>
                <input
                    form=form_id.clone()
                    name="name"
                    type="text"
                    maxlength="20"
                    aria-label=name_label
                    value=item.name.clone()
                />
            </td>
            <td>
                <textarea
                    form=form_id.clone()
                    name="description"
                    rows="2"
                    maxlength="300"
                    aria-label=description_label
                >
                    {item.description.clone()}
                </textarea>
            </td>
            <td>{if item.active { "使用中" } else { "已停用" }}</td>
            <td class="row-actions">
                <form id=form_id node_ref=form_ref on:submit=on_submit>
                    <button type="submit" class="button small">
                        "保存"
                    </button>
                </form>
                {(!bound)
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="button small"
                                on:click=move |_| {
                                    save.dispatch((legal, toggled.clone()));
                                }
                            >
                                {if item.active { "停用" } else { "恢复" }}
                            </button>
                        }
                    })}
            </td>
        </tr>
    }
}

#[component]
fn AddItem(save: SaveItem) -> impl IntoView {
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if let Some(form) = form_ref.get_untracked() {
            save.dispatch((
                form_io::text(&form, "list") == "legal",
                ListedItem {
                    key: form_io::text(&form, "key"),
                    name: form_io::text(&form, "name"),
                    description: form_io::text(&form, "description"),
                    active: true,
                },
            ));
        }
    };
    Effect::new(move |_| {
        if let (Some(Ok(())), Some(form)) = (save.value().get(), form_ref.get_untracked()) {
            form.reset();
        }
    });
    view! {
        <form class="stacked-form" node_ref=form_ref on:submit=on_submit>
            <h3>"添加用途或法定依据"</h3>
            <label>
                "添加到" <select name="list">
                    <option value="purpose">"处理用途"</option>
                    <option value="legal">"法定处理依据"</option>
                </select>
            </label>
            <label>"名称" <input name="name" type="text" maxlength="20" required /></label>
            <label>
                "代码"
                <input
                    name="key"
                    type="text"
                    maxlength="40"
                    pattern="[a-z0-9_]+"
                    placeholder="如 training"
                    required
                />
            </label>
            <label>
                "说明（印在同意书上）"
                <textarea name="description" rows="2" maxlength="300" required></textarea>
            </label>
            <button type="submit" class="button primary">
                "添加"
            </button>
        </form>
    }
}
