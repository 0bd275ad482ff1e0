//! The relationship timeline on a file's page: its entries with every step,
//! a form to add one, and for each entry the moves it may make and a
//! correction that keeps what it replaced.

use leptos::prelude::*;

use crate::api::timeline::{
    add_timeline_entry, colleagues, correct_timeline_entry, move_timeline_entry, timeline,
};
use crate::components::banner::ErrorBanner;
use crate::components::form as form_io;
use crate::domain::time_fmt::today_cst;
use crate::domain::timeline::{
    Colleague, EntryForm, EntryKind, EntryStatus, StepAction, TimelineEntry, check_move,
    status_label,
};
use crate::domain::upkeep::{Dueness, parse_day};

/// Changes to an entry, as the server functions take them.
#[derive(Clone)]
struct Move {
    id: String,
    version: i64,
    to: String,
    note: String,
}

#[derive(Clone)]
struct Correction {
    id: String,
    version: i64,
    form: EntryForm,
    reason: String,
}

#[component]
pub fn Timeline(code: String, may_keep: bool) -> impl IntoView {
    let add = Action::new(|(code, form): &(String, EntryForm)| {
        add_timeline_entry(code.clone(), form.clone())
    });
    let step = Action::new(|m: &Move| {
        move_timeline_entry(m.id.clone(), m.version, m.to.clone(), m.note.clone())
    });
    let correct = Action::new(|c: &Correction| {
        correct_timeline_entry(c.id.clone(), c.version, c.form.clone(), c.reason.clone())
    });
    let entries = {
        let code = code.clone();
        Resource::new(
            move || {
                (
                    add.version().get(),
                    step.version().get(),
                    correct.version().get(),
                )
            },
            move |_| timeline(code.clone()),
        )
    };
    let people = Resource::new(
        || (),
        move |_| async move {
            if may_keep {
                colleagues().await.unwrap_or_default()
            } else {
                Vec::new()
            }
        },
    );
    let failure = move || {
        [
            add.value().get().and_then(Result::err),
            step.value().get().and_then(Result::err),
            correct.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next()
        .map(|e| view! { <ErrorBanner message=e.to_string() /> })
    };

    view! {
        <section class="card timeline" aria-labelledby="timeline-title" id="timeline">
            <h2 id="timeline-title">"客户往来"</h2>
            {failure}
            <Transition fallback=|| {
                view! { <p class="loading">"正在读取…"</p> }
            }>
                {move || Suspend::new(async move {
                    let people = people.await;
                    match entries.await {
                        Ok(list) if list.is_empty() => {
                            view! { <p class="empty">"还没有往来记录。"</p> }.into_any()
                        }
                        Ok(list) => {
                            view! {
                                <ol class="entries" data-testid="timeline">
                                    {list
                                        .into_iter()
                                        .map(|entry| {
                                            view! {
                                                <EntryCard
                                                    entry
                                                    people=people.clone()
                                                    may_keep
                                                    step
                                                    correct
                                                />
                                            }
                                        })
                                        .collect_view()}
                                </ol>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorBanner message=error.to_string() /> }.into_any(),
                    }
                })}
            </Transition>
            {may_keep
                .then(|| {
                    view! {
                        <Suspense fallback=|| ()>
                            {
                                let code = code.clone();
                                move || {
                                    let code = code.clone();
                                    Suspend::new(async move {
                                        let people = people.await;
                                        view! { <AddEntry code people add /> }
                                    })
                                }
                            }
                        </Suspense>
                    }
                })}
        </section>
    }
}

fn display_name(people: &[Colleague], username: &str) -> String {
    people
        .iter()
        .find(|p| p.username == username)
        .map_or_else(|| username.to_string(), |p| p.display_name.clone())
}

#[component]
fn EntryCard(
    entry: TimelineEntry,
    people: Vec<Colleague>,
    may_keep: bool,
    step: Action<Move, Result<(), crate::error::AppError>>,
    correct: Action<Correction, Result<(), crate::error::AppError>>,
) -> impl IntoView {
    let kind = entry.kind;
    let c = &entry.content;
    let mut facts = Vec::new();
    if !c.quantity.is_empty() {
        facts.push(format!("数量 {}", c.quantity));
    }
    if !c.value.is_empty() {
        facts.push(format!("金额 {} 元", c.value));
    }
    if !c.start.is_empty() || !c.end.is_empty() {
        facts.push(format!("{} 至 {}", c.start, c.end));
    }
    if kind.is_task() {
        facts.push(format!("负责人 {}", display_name(&people, &entry.owner)));
        if let Some(due) = parse_day(&entry.due) {
            let late = entry.status != EntryStatus::Closed;
            let mut text = format!("截止 {}", entry.due);
            if late && let d @ Dueness::Overdue(_) = Dueness::of(due, today_cst()) {
                text.push_str(&format!("（{}）", d.label()));
            }
            facts.push(text);
        }
    }
    let targets: Vec<EntryStatus> = EntryStatus::ALL
        .iter()
        .copied()
        .filter(|to| check_move(kind, entry.status, *to).is_ok())
        .collect();
    let move_ref = NodeRef::<leptos::html::Form>::new();
    let correct_ref = NodeRef::<leptos::html::Form>::new();
    let id = entry.id.clone();
    let version = entry.version;
    let on_move = {
        let id = id.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let Some(form) = move_ref.get_untracked() else {
                return;
            };
            step.dispatch(Move {
                id: id.clone(),
                version,
                to: form_io::text(&form, "to"),
                note: form_io::text(&form, "note"),
            });
        }
    };
    let on_correct = {
        let id = id.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let Some(form) = correct_ref.get_untracked() else {
                return;
            };
            correct.dispatch(Correction {
                id: id.clone(),
                version,
                form: read_entry(&form, kind),
                reason: form_io::text(&form, "reason"),
            });
        }
    };
    let steps = entry.steps.clone();
    let form = entry.to_form();

    view! {
        <li class="entry" data-testid="timeline-entry" data-kind=kind.key()>
            <p class="entry-head">
                <span class="badge">{kind.label()}</span>
                " "
                <strong>{entry.content.title.clone()}</strong>
                " "
                <span
                    class=format!("badge status-{}", entry.status.key())
                    data-testid="entry-status"
                >
                    {status_label(kind, entry.status)}
                </span>
            </p>
            {(!entry.content.detail.is_empty())
                .then(|| view! { <p class="entry-detail">{entry.content.detail.clone()}</p> })}
            {(!facts.is_empty()).then(|| view! { <p class="entry-facts">{facts.join(" · ")}</p> })}
            <ol class="steps" data-testid="entry-steps">
                {steps
                    .into_iter()
                    .map(|s| {
                        let what = match &s.action {
                            StepAction::Created => "记录".to_string(),
                            StepAction::Corrected { .. } => "更正".to_string(),
                            StepAction::Moved(to) => {
                                format!("改为“{}”", status_label(kind, *to))
                            }
                        };
                        let previous = match &s.action {
                            StepAction::Corrected { previous, .. } => {
                                Some(format!("更正前：{}", previous.title))
                            }
                            _ => None,
                        };
                        view! {
                            <li>
                                {format!(
                                    "{} · {} · {}",
                                    s.at,
                                    display_name(&people, &s.by),
                                    what,
                                )}
                                {(!s.note.is_empty())
                                    .then(|| {
                                        view! {
                                            <span class="step-note">{format!("：{}", s.note)}</span>
                                        }
                                    })}
                                {previous.map(|p| view! { <span class="step-previous">{p}</span> })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
            {(may_keep && !targets.is_empty())
                .then(|| {
                    view! {
                        <form class="inline-form entry-move" node_ref=move_ref on:submit=on_move>
                            <label for=format!("to-{id}")>"更新状态"</label>
                            <select id=format!("to-{id}") name="to">
                                {targets
                                    .iter()
                                    .map(|to| {
                                        view! {
                                            <option value=to.key()>{status_label(kind, *to)}</option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                            <label for=format!("note-{id}")>"说明"</label>
                            <input
                                id=format!("note-{id}")
                                name="note"
                                type="text"
                                maxlength="1000"
                                placeholder=format!("完成时写明{}", kind.closing_note())
                            />
                            <button type="submit" class="button small primary">
                                "保存"
                            </button>
                        </form>
                    }
                })}
            {may_keep
                .then(|| {
                    view! {
                        <details class="entry-correct">
                            <summary>"更正此记录"</summary>
                            <form node_ref=correct_ref on:submit=on_correct>
                                <EntryFields
                                    prefix=format!("c-{id}")
                                    initial=form.clone()
                                    people=people.clone()
                                    kind=Signal::derive(move || kind)
                                />
                                <label for=format!("reason-{id}")>"更正原因"</label>
                                <input
                                    id=format!("reason-{id}")
                                    name="reason"
                                    type="text"
                                    maxlength="1000"
                                    required=true
                                />
                                <button type="submit" class="button small">
                                    "保存更正"
                                </button>
                            </form>
                        </details>
                    }
                })}
        </li>
    }
}

#[component]
fn AddEntry(
    code: String,
    people: Vec<Colleague>,
    add: Action<(String, EntryForm), Result<String, crate::error::AppError>>,
) -> impl IntoView {
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let kind = RwSignal::new(EntryKind::Issue);
    let problems = RwSignal::new(Vec::<String>::new());
    let me = use_context::<crate::domain::CurrentUser>()
        .map(|u| u.username)
        .unwrap_or_default();
    let initial = EntryForm {
        kind: EntryKind::Issue.key().to_string(),
        owner: me,
        ..EntryForm::default()
    };
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(form) = form_ref.get_untracked() else {
            return;
        };
        let entry = read_entry(&form, kind.get_untracked());
        match entry.validate() {
            Ok(_) => {
                problems.set(Vec::new());
                add.dispatch((code.clone(), entry));
            }
            Err(errors) => problems.set(errors.into_iter().map(|e| e.message).collect()),
        }
    };
    Effect::new(move |_| {
        if let (Some(Ok(_)), Some(form)) = (add.value().get(), form_ref.get_untracked()) {
            form.reset();
        }
    });

    view! {
        <form class="add-entry" node_ref=form_ref on:submit=on_submit data-testid="add-entry">
            <h3>"新增往来记录"</h3>
            <label for="entry-kind">"类型"</label>
            <select
                id="entry-kind"
                name="kind"
                on:change=move |ev| {
                    if let Some(k) = EntryKind::from_key(&event_target_value(&ev)) {
                        kind.set(k);
                    }
                }
            >
                {EntryKind::ALL
                    .iter()
                    .map(|k| {
                        view! {
                            <option value=k.key() selected=*k == EntryKind::Issue>
                                {k.label()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <EntryFields prefix="new".to_string() initial people kind=kind.into() />
            {move || {
                let list = problems.get();
                (!list.is_empty())
                    .then(|| {
                        view! {
                            <ul class="field-error" role="alert">
                                {list.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
                            </ul>
                        }
                    })
            }}
            <button type="submit" class="button primary" disabled=move || add.pending().get()>
                "添加记录"
            </button>
        </form>
    }
}

/// The controls of an entry; which ones show depends on its kind.
#[component]
fn EntryFields(
    prefix: String,
    initial: EntryForm,
    people: Vec<Colleague>,
    kind: Signal<EntryKind>,
) -> impl IntoView {
    let id = move |name: &str| format!("{prefix}-{name}");
    let cooperation_hidden = move || kind.get() != EntryKind::Cooperation;
    let task_hidden = move || !kind.get().is_task();
    let text = |name: &'static str, label: &'static str, value: String, kind_of: &'static str| {
        let control = id(name);
        let label_for = control.clone();
        view! {
            <div class="entry-field">
                <label for=label_for>{label}</label>
                <input id=control name=name type=kind_of value=value autocomplete="off" />
            </div>
        }
    };
    view! {
        <div class="entry-fields">
            {text("title", "内容摘要", initial.title.clone(), "text")}
            <div class="entry-field wide">
                <label for=id("detail")>"详细说明"</label>
                <textarea id=id("detail") name="detail" rows="2" maxlength="1000">
                    {initial.detail.clone()}
                </textarea>
            </div> <div class="entry-group" hidden=cooperation_hidden>
                {text("quantity", "数量（含单位）", initial.quantity.clone(), "text")}
                {text("value", "金额（元）", initial.value.clone(), "text")}
                {text("start", "开始日期", initial.start.clone(), "date")}
                {text("end", "结束日期", initial.end.clone(), "date")}
            </div> <div class="entry-group" hidden=task_hidden>
                <div class="entry-field">
                    <label for=id("owner")>"负责人"</label>
                    <select id=id("owner") name="owner">
                        {people
                            .into_iter()
                            .map(|p| {
                                let chosen = p.username == initial.owner;
                                view! {
                                    <option value=p.username.clone() selected=chosen>
                                        {format!("{}（{}）", p.display_name, p.username)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                {text("due", "截止日期", initial.due.clone(), "date")}
            </div>
        </div>
    }
}

/// Reads an entry form; fields of other kinds are left empty.
fn read_entry(form: &web_sys::HtmlFormElement, kind: EntryKind) -> EntryForm {
    let get = |name: &str| form_io::text(form, name);
    let cooperation = kind == EntryKind::Cooperation;
    let task = kind.is_task();
    let only = |on: bool, name: &str| if on { get(name) } else { String::new() };
    EntryForm {
        kind: kind.key().to_string(),
        title: get("title"),
        detail: get("detail"),
        quantity: only(cooperation, "quantity"),
        value: only(cooperation, "value"),
        start: only(cooperation, "start"),
        end: only(cooperation, "end"),
        owner: only(task, "owner"),
        due: only(task, "due"),
    }
}
