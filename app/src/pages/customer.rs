//! 档案详情: everything stored for one customer.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::customers::{FileView, open_file, reveal_personal_value};
use crate::api::lifecycle::set_legal_hold;
use crate::api::upkeep::resume_cooperation;
use crate::components::banner::{ActionError, ErrorBanner};
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::consent::ConsentCard;
use crate::components::facts::{FactItems, Facts};
use crate::components::timeline::Timeline;
use crate::domain::history::ChangeEntry;
use crate::domain::lifecycle::LifecycleState;
use crate::domain::profile::{CooperationType, CreditRating};
use crate::domain::quality::{FileFacts, completeness};
use crate::domain::upkeep::{Dueness, VerificationState};
use crate::domain::{CurrentUser, Customer, Right, SensitiveField};

#[component]
pub fn CustomerPage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.with(|p| p.get("code").unwrap_or_default());
    let file = Resource::new(code, open_file);

    view! {
        <Title text=code />
        <Breadcrumbs trail=vec![("档案查询", "/customers")] current=Signal::derive(code) />
        <Suspense fallback=|| {
            view! { <p class="loading">"正在读取档案…"</p> }
        }>
            {move || Suspend::new(async move {
                match file.await {
                    Ok(FileView { customer, history, types, state, lifecycle }) => {
                        view! { <CustomerFile customer history types state lifecycle /> }.into_any()
                    }
                    Err(error) => {
                        view! {
                            <h1>"档案详情"</h1>
                            <ErrorBanner message=error.to_string() />
                            <a class="button" href="/customers">
                                "返回档案查询"
                            </a>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// A table of the rows of one list of the file, or a note that it is empty.
#[component]
fn ListCard(
    title: &'static str,
    id: &'static str,
    head: Vec<&'static str>,
    rows: Vec<Vec<String>>,
) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby=id>
            <h2 id=id>{title}</h2>
            {if rows.is_empty() {
                view! { <p class="empty">"未登记"</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table data-testid=id>
                            <thead>
                                <tr>
                                    {head
                                        .into_iter()
                                        .map(|h| view! { <th>{h}</th> })
                                        .collect_view()}
                                </tr>
                            </thead>
                            <tbody>
                                {rows
                                    .into_iter()
                                    .map(|row| {
                                        view! {
                                            <tr>
                                                {row
                                                    .into_iter()
                                                    .map(|cell| view! { <td>{cell}</td> })
                                                    .collect_view()}
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                    .into_any()
            }}
        </section>
    }
}

#[component]
fn CustomerFile(
    customer: Customer,
    history: Vec<ChangeEntry>,
    types: Vec<CooperationType>,
    state: VerificationState,
    lifecycle: LifecycleState,
) -> impl IntoView {
    let user = use_context::<CurrentUser>();
    let may_reveal = user
        .as_ref()
        .is_some_and(|u| u.may(Right::RevealPersonalData));
    let may_edit = user.as_ref().is_some_and(|u| u.may(Right::EditCustomer));
    let may_verify = user.as_ref().is_some_and(|u| u.may(Right::VerifyCustomer))
        && customer.status == crate::domain::CustomerStatus::Active;
    let may_keep = user.as_ref().is_some_and(|u| u.may(Right::KeepTimeline));
    let may_resume = user.as_ref().is_some_and(|u| u.may(Right::VerifyCustomer))
        && customer.status == crate::domain::CustomerStatus::Inactive;
    let version = customer.version;
    let may_hold = user.as_ref().is_some_and(|u| u.may(Right::SetLegalHold));
    let may_consent = user.as_ref().is_some_and(|u| u.may(Right::RecordConsent));
    let code = customer.code.clone();
    let d = customer.details;
    let score = completeness(&FileFacts::of(&d));
    let sensitive = [
        (SensitiveField::Phone, d.phone.clone()),
        (SensitiveField::IdNumber, d.id_number.clone()),
    ];
    let label_of = |key: &String| {
        types
            .iter()
            .find(|t| &t.key == key)
            .map_or_else(|| key.clone(), |t| t.label.clone())
    };
    let mut basics = vec![
        ("客户类别", d.group.label().to_string()),
        ("档案状态", customer.status.label().to_string()),
        ("证件类型", d.id_kind.label().to_string()),
        ("其他电话", d.extra_phones.join("、")),
    ];
    if d.is_organisation() {
        basics.push(("法定代表人", d.legal_representative.clone()));
        basics.push(("联系人", d.contact_person.clone()));
    }
    basics.extend([
        ("所在地区", format!("{} {}", customer.region_name, d.region)),
        ("详细地址", d.address.clone()),
        ("土地总面积", format!("{} 亩", d.land_area)),
        (
            "建档",
            format!("{} · {}", customer.created_at, customer.created_by),
        ),
        (
            "最近修改",
            format!("{} · {}", customer.updated_at, customer.updated_by),
        ),
        ("版本", customer.version.to_string()),
    ]);
    let credit = if d.credit.rating == CreditRating::Unrated {
        vec![("信用等级", d.credit.rating.label().to_string())]
    } else {
        vec![
            ("信用等级", d.credit.rating.label().to_string()),
            ("评定依据", d.credit.reason.clone()),
            ("评定", format!("{} · {}", d.credit.date, d.credit.set_by)),
        ]
    };
    let mut cooperation_and_more = credit;
    cooperation_and_more.extend([
        (
            "合作意向",
            d.cooperation
                .iter()
                .map(label_of)
                .collect::<Vec<_>>()
                .join("、"),
        ),
        ("标签", d.tags.join("、")),
        ("备注", d.notes.clone()),
        ("纸质档案位置", d.paper.to_string()),
    ]);
    let members: Vec<Vec<String>> = d
        .household
        .iter()
        .map(|m| {
            vec![
                m.name.clone(),
                m.relation.label().to_string(),
                m.id_number.clone(),
                if m.labour { "是" } else { "否" }.to_string(),
            ]
        })
        .collect();
    let parcels: Vec<Vec<String>> = d
        .parcels
        .iter()
        .map(|p| {
            vec![
                p.location.clone(),
                p.area.to_string(),
                p.crop.clone(),
                p.tenure.label().to_string(),
            ]
        })
        .collect();
    let assets: Vec<Vec<String>> = d
        .assets
        .iter()
        .map(|a| {
            vec![
                a.kind.label().to_string(),
                a.description.clone(),
                format!("{} {}", a.quantity, a.unit),
            ]
        })
        .collect();

    view! {
        <header class="file-header">
            <h1>{d.name.clone()}</h1>
            <p class="archive-code">
                "档案编号 " <strong data-testid="archive-code">{customer.code.clone()}</strong>
            </p>
            <nav class="file-actions" aria-label="档案操作">
                {may_edit
                    .then(|| {
                        view! {
                            <a class="button primary" href=format!("/customers/{code}/edit")>
                                "修改档案"
                            </a>
                        }
                    })}
                {may_verify
                    .then(|| {
                        view! {
                            <a class="button" href=format!("/customers/{code}/verify")>
                                "核对档案"
                            </a>
                        }
                    })}
                <a class="button" href=format!("/customers/{code}/cover")>
                    "打印档案封面"
                </a>
            </nav>
        </header>
        {may_resume.then(|| view! { <ResumeCooperation code=code.clone() version /> })}
        <div class="upkeep-strip">
            <VerificationSummary state=state.clone() />
            <p class="completeness" data-testid="completeness">
                "档案完整度 "
                <strong>{format!("{}%", score.score)}</strong>
                {(!score.missing.is_empty())
                    .then(|| format!("，缺少：{}", score.missing_text()))}
            </p>
        </div>
        <section class="card" aria-labelledby="facts-title">
            <h2 id="facts-title">"基本信息"</h2>
            <dl class="facts">
                {sensitive
                    .into_iter()
                    .map(|(field, masked)| {
                        view! { <SensitiveFact code=code.clone() field masked may_reveal /> }
                    })
                    .collect_view()} <FactItems facts=basics />
            </dl>
        </section>
        {(!d.is_organisation())
            .then(|| {
                view! {
                    <ListCard
                        title="家庭成员"
                        id="household"
                        head=vec!["姓名", "关系", "身份证号", "劳动力"]
                        rows=members
                    />
                }
            })}
        <ListCard
            title="地块"
            id="parcels"
            head=vec!["位置", "面积（亩）", "作物", "经营方式"]
            rows=parcels
        />
        <ListCard
            title="生产资产"
            id="assets"
            head=vec!["类别", "名称", "数量"]
            rows=assets
        />
        <Facts title="合作、信用与其他" id="more-title" facts=cooperation_and_more />
        <ConsentCard code=code.clone() may_record=may_consent />
        <Timeline code=code.clone() may_keep />
        <Verifications state />
        <Lifecycle code=code.clone() version state=lifecycle may_hold />
        <History entries=history />
    }
}

/// For an inactive file: bring it back into the cycle when the customer
/// cooperates again.
#[component]
fn ResumeCooperation(code: String, version: i64) -> impl IntoView {
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let resume = Action::new(move |reason: &String| {
        resume_cooperation(code.clone(), version, reason.clone())
    });
    Effect::new(move |_| {
        if matches!(resume.value().get(), Some(Ok(_))) {
            crate::components::form::reload_at(&crate::pages::current_path());
        }
    });
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if let Some(form) = form_ref.get_untracked() {
            resume.dispatch(crate::components::form::text(&form, "resume_reason"));
        }
    };
    view! {
        <section class="banner warning" aria-labelledby="resume-title">
            <h2 id="resume-title">"此档案已停用"</h2>
            <p>
                "客户已不再合作，档案不列入定期核对。客户重新合作时，可恢复为在档，并立即列入核对。"
            </p>
            <ActionError action=resume />
            <form class="inline-form" node_ref=form_ref on:submit=on_submit>
                <label for="resume_reason">"恢复原因"</label>
                <input
                    id="resume_reason"
                    name="resume_reason"
                    type="text"
                    maxlength="200"
                    required=true
                />
                <button type="submit" class="button primary">
                    "恢复合作"
                </button>
            </form>
        </section>
    }
}

/// Retention, legal hold and disposal proposals of the file.
#[component]
fn Lifecycle(code: String, version: i64, state: LifecycleState, may_hold: bool) -> impl IntoView {
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let held = state.hold.is_some();
    let change = Action::new(move |reason: &String| {
        set_legal_hold(code.clone(), version, !held, reason.clone())
    });
    Effect::new(move |_| {
        if matches!(change.value().get(), Some(Ok(()))) {
            crate::components::form::reload_at(&crate::pages::current_path());
        }
    });
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if let Some(form) = form_ref.get_untracked() {
            change.dispatch(crate::components::form::text(&form, "hold_reason"));
        }
    };
    let retention = if state.retention_end.is_empty() {
        format!("合作结束后保留 {} 年", state.policy_years)
    } else {
        format!(
            "合作于 {} 结束，保留至 {}",
            state.relationship_ended, state.retention_end
        )
    };
    view! {
        <section class="card" aria-labelledby="lifecycle-title">
            <h2 id="lifecycle-title">"保留与销毁"</h2>
            <p data-testid="retention">{retention}</p>
            {state
                .hold
                .clone()
                .map(|h| {
                    view! {
                        <p class="badge danger" data-testid="hold">
                            {format!(
                                "法律保全（冻结）中：{}（{} · {}）",
                                h.reason,
                                h.set_by,
                                h.set_at,
                            )}
                        </p>
                    }
                })}
            {(!state.proposals.is_empty())
                .then(|| {
                    view! {
                        <ul class="proposals">
                            {state
                                .proposals
                                .iter()
                                .map(|p| {
                                    view! {
                                        <li>
                                            {format!(
                                                "{} · {} · {}：{} — {}",
                                                p.proposed_at,
                                                p.proposed_by,
                                                p.kind.label(),
                                                p.reason,
                                                p.decision.label(),
                                            )}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                })}
            <ActionError action=change />
            {may_hold
                .then(|| {
                    view! {
                        <form class="inline-form" node_ref=form_ref on:submit=on_submit>
                            <label for="hold_reason">
                                {if held {
                                    "解除冻结的依据"
                                } else {
                                    "冻结原因（案号、调查文书等）"
                                }}
                            </label>
                            <input
                                id="hold_reason"
                                name="hold_reason"
                                type="text"
                                maxlength="300"
                                required=true
                            />
                            <button type="submit" class="button small">
                                {if held { "解除法律保全" } else { "设置法律保全" }}
                            </button>
                        </form>
                    }
                })}
        </section>
    }
}

/// When the file is next due for verification.
#[component]
fn VerificationSummary(state: VerificationState) -> impl IntoView {
    let text = match state.dueness {
        Some(d @ Dueness::Overdue(_)) => format!("应于 {} 核对，{}", state.next_due, d.label()),
        Some(d) => format!("下次核对 {}（{}）", state.next_due, d.label()),
        None => "不在核对周期内".to_string(),
    };
    let late = matches!(state.dueness, Some(Dueness::Overdue(_)));
    view! {
        <p class="next-verification" class:late=late data-testid="next-verification">
            {text}
        </p>
    }
}

/// Every verification of the file, newest first.
#[component]
fn Verifications(state: VerificationState) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="verifications-title">
            <h2 id="verifications-title">"核对记录"</h2>
            {if state.records.is_empty() {
                view! { <p class="empty">"尚未核对。"</p> }.into_any()
            } else {
                view! {
                    <ol class="history" data-testid="verifications">
                        {state
                            .records
                            .into_iter()
                            .map(|r| {
                                let changed = (!r.changed.is_empty())
                                    .then(|| format!("，更正 {} 项", r.changed.len()));
                                let next = if r.next_due.is_empty() {
                                    String::new()
                                } else {
                                    format!("，下次 {}", r.next_due)
                                };
                                view! {
                                    <li>
                                        <p class="history-head">
                                            <strong>{r.outcome.label()}</strong>
                                            {format!(" · {} · {}", r.at, r.by)}
                                            {changed}
                                            {next}
                                        </p>
                                        {(!r.note.is_empty())
                                            .then(|| {
                                                view! { <p class="history-reason">{r.note.clone()}</p> }
                                            })}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                }
                    .into_any()
            }}
        </section>
    }
}

/// Every saved version of the file, newest first.
#[component]
pub fn History(entries: Vec<ChangeEntry>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="history-title">
            <h2 id="history-title">"修改记录"</h2>
            <ol class="history" data-testid="history">
                {entries
                    .into_iter()
                    .map(|entry| {
                        view! {
                            <li data-testid="history-entry">
                                <p class="history-head">
                                    <strong>{format!("第 {} 版", entry.version)}</strong>
                                    {format!(" · {} · {}", entry.at, entry.by)}
                                </p>
                                {(!entry.reason.is_empty())
                                    .then(|| {
                                        view! {
                                            <p class="history-reason">
                                                "原因：" {entry.reason.clone()}
                                            </p>
                                        }
                                    })}
                                {(!entry.changes.is_empty())
                                    .then(|| {
                                        view! {
                                            <ul class="changes">
                                                {entry
                                                    .changes
                                                    .into_iter()
                                                    .map(|c| {
                                                        let empty = |v: String| {
                                                            if v.is_empty() { "（空）".to_string() } else { v }
                                                        };
                                                        view! {
                                                            <li>
                                                                <span class="change-field">{c.label}</span>
                                                                "："
                                                                <del>{empty(c.before)}</del>
                                                                " → "
                                                                <ins>{empty(c.after)}</ins>
                                                            </li>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </ul>
                                        }
                                    })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </section>
    }
}

/// A masked value, and for those with the right, a button that shows it in
/// full (the server records each time).
#[component]
fn SensitiveFact(
    code: String,
    field: SensitiveField,
    masked: String,
    may_reveal: bool,
) -> impl IntoView {
    let reveal = Action::new(move |_: &()| reveal_personal_value(code.clone(), field));
    let shown = RwSignal::new(false);
    let value = move || match (shown.get(), reveal.value().get()) {
        (true, Some(Ok(full))) => full,
        _ => masked.clone(),
    };
    let refusal = move || {
        reveal
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    };
    let toggle = move |_| {
        if shown.get_untracked() {
            shown.set(false);
        } else {
            if reveal.value().get_untracked().is_none_or(|r| r.is_err()) {
                reveal.dispatch(());
            }
            shown.set(true);
        }
    };

    view! {
        <div class="fact">
            <dt>{field.label()}</dt>
            <dd>
                <span data-testid=format!("fact-{}", field.key())>{value}</span>
                {may_reveal
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="button small reveal"
                                aria-label=format!("显示完整{}", field.label())
                                on:click=toggle
                            >
                                {move || if shown.get() { "隐藏" } else { "显示" }}
                            </button>
                        }
                    })}
                {move || refusal().map(|m| view! { <span class="field-error">{m}</span> })}
            </dd>
        </div>
    }
}
