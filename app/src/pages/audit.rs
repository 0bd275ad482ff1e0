//! 审计: the trail's integrity, the alerts of abnormal use, and the events
//! themselves, filtered. The filters live in the URL
//! (`/audit?username=li.na&action=reveal`), so a view can be bookmarked and
//! the back button works; `/audit?target=NH-510104-00001` is everything
//! that happened to one file.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::api::audit::{
    AuditPage, acknowledge_alert, audit_alerts, audit_events, export_audit, sign_audit_checkpoint,
    verify_audit_trail,
};
use crate::components::banner::{ActionError, ErrorBanner};
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::pagination::Pagination;
use crate::domain::audit::{Alert, AuditAction, AuditFilter, Outcome};

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |name: &str| query.with(|q| q.get(name).unwrap_or_default());
    let filter = move || AuditFilter {
        from: get("from"),
        to: get("to"),
        username: get("username"),
        action: get("action"),
        target: get("target"),
        outcome: get("outcome"),
    };
    let page = move || get("page").parse::<u32>().unwrap_or(1).max(1);
    let events = Resource::new(move || (filter(), page()), |(f, p)| audit_events(f, p));

    view! {
        <Title text="审计" />
        <Breadcrumbs current="审计".to_string() />
        <h1>"审计"</h1>
        <Integrity />
        <Alerts />
        <section class="card" aria-labelledby="events-title">
            <h2 id="events-title">"审计记录"</h2>
            <Form method="GET" action="/audit" attr:class="filter-bar" attr:role="search">
                <div class="form-field inline">
                    <label for="from">"起始日期"</label>
                    <input id="from" name="from" type="date" prop:value=move || get("from") />
                </div>
                <div class="form-field inline">
                    <label for="to">"截止日期"</label>
                    <input id="to" name="to" type="date" prop:value=move || get("to") />
                </div>
                <div class="form-field inline">
                    <label for="username">"用户"</label>
                    <input
                        id="username"
                        name="username"
                        type="text"
                        autocomplete="off"
                        prop:value=move || get("username")
                    />
                </div>
                <div class="form-field inline">
                    <label for="action">"操作"</label>
                    <select id="action" name="action" prop:value=move || get("action")>
                        <option value="">"全部"</option>
                        {AuditAction::ALL
                            .into_iter()
                            .map(|a| {
                                view! {
                                    <option value=a.key() selected=move || get("action") == a.key()>
                                        {a.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="form-field inline">
                    <label for="target">"档案编号/对象"</label>
                    <input
                        id="target"
                        name="target"
                        type="text"
                        autocomplete="off"
                        prop:value=move || get("target")
                    />
                </div>
                <div class="form-field inline">
                    <label for="outcome">"结果"</label>
                    <select id="outcome" name="outcome" prop:value=move || get("outcome")>
                        <option value="">"全部"</option>
                        {[Outcome::Ok, Outcome::Refused]
                            .into_iter()
                            .map(|o| {
                                view! {
                                    <option
                                        value=o.key()
                                        selected=move || get("outcome") == o.key()
                                    >
                                        {o.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="filter-actions">
                    <button type="submit" class="button primary">
                        "筛选"
                    </button>
                    <a class="button" href="/audit">
                        "重置"
                    </a>
                </div>
            </Form>
            <ExportButtons filter=Signal::derive(filter) />
            <Transition fallback=|| {
                view! { <p class="loading">"正在读取…"</p> }
            }>
                {move || Suspend::new(async move {
                    match events.await {
                        Ok(found) => view! { <EventTable found filter=filter() /> }.into_any(),
                        Err(error) => view! { <ErrorBanner message=error.to_string() /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The chain check and a checkpoint, on demand.
#[component]
fn Integrity() -> impl IntoView {
    let verify = Action::new(|_: &()| verify_audit_trail());
    let sign = Action::new(|_: &()| sign_audit_checkpoint());
    view! {
        <section class="card" aria-labelledby="integrity-title">
            <h2 id="integrity-title">"完整性"</h2>
            <p class="form-note">
                "每条记录的哈希都包含前一条，定期由系统外保存的密钥签名。校验会逐条核对并核对全部签名检查点。"
            </p>
            <div class="form-actions left">
                <button
                    type="button"
                    class="button primary"
                    on:click=move |_| {
                        verify.dispatch(());
                    }
                >
                    {move || if verify.pending().get() { "校验中…" } else { "立即校验" }}
                </button>
                <button
                    type="button"
                    class="button"
                    on:click=move |_| {
                        sign.dispatch(());
                    }
                >
                    "立即签名"
                </button>
            </div>
            <p data-testid="chain-report" role="status">
                {move || match verify.value().get() {
                    Some(Ok(report)) => report.summary(),
                    Some(Err(error)) => error.to_string(),
                    None => String::new(),
                }}
            </p>
            <p role="status">
                {move || match sign.value().get() {
                    Some(Ok(Some(seq))) => format!("已签名：至第 {seq} 条记录"),
                    Some(Ok(None)) => "上次签名后没有新记录".to_string(),
                    Some(Err(error)) => error.to_string(),
                    None => String::new(),
                }}
            </p>
        </section>
    }
}

/// Alerts of abnormal use, open ones first, each acknowledged with a
/// comment.
#[component]
fn Alerts() -> impl IntoView {
    let acknowledge = Action::new(|(key, comment): &(String, String)| {
        acknowledge_alert(key.clone(), comment.clone())
    });
    let alerts = Resource::new(move || acknowledge.version().get(), |_| audit_alerts());
    view! {
        <section class="card" aria-labelledby="alerts-title">
            <h2 id="alerts-title">"异常预警"</h2>
            <ActionError action=acknowledge />
            <Transition fallback=|| {
                view! { <p class="loading">"正在读取…"</p> }
            }>
                {move || Suspend::new(async move {
                    match alerts.await {
                        Ok(list) if list.is_empty() => {
                            view! { <p class="empty">"没有预警。"</p> }.into_any()
                        }
                        Ok(list) => {
                            view! {
                                <ul class="alerts" data-testid="alerts">
                                    {list
                                        .into_iter()
                                        .map(|alert| view! { <AlertItem alert acknowledge /> })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorBanner message=error.to_string() /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn AlertItem(
    alert: Alert,
    acknowledge: Action<(String, String), Result<(), crate::error::AppError>>,
) -> impl IntoView {
    let comment = NodeRef::<leptos::html::Input>::new();
    let key = alert.key.clone();
    let open = alert.acknowledged_by.is_empty();
    let input_id = format!("ack-{}", alert.seq);
    view! {
        <li class:open=open>
            <p>
                <strong>{alert.rule.label()}</strong>
                {format!(" · {} · {}", alert.username, alert.at)}
            </p>
            <p class="evidence">{alert.evidence}</p>
            {if open {
                view! {
                    <div class="inline-form">
                        <label for=input_id.clone()>"处理说明"</label>
                        <input id=input_id node_ref=comment type="text" maxlength="500" />
                        <button
                            type="button"
                            class="button small"
                            on:click=move |_| {
                                let text = comment.get().map(|i| i.value()).unwrap_or_default();
                                acknowledge.dispatch((key.clone(), text));
                            }
                        >
                            "标记已处理"
                        </button>
                    </div>
                }
                    .into_any()
            } else {
                view! {
                    <p class="handled">
                        {format!("已由 {} 处理：{}", alert.acknowledged_by, alert.comment)}
                    </p>
                }
                    .into_any()
            }}
        </li>
    }
}

/// CSV and XLSX exports of what the filter shows.
#[component]
fn ExportButtons(filter: Signal<AuditFilter>) -> impl IntoView {
    let export = Action::new(|(filter, format): &(AuditFilter, &'static str)| {
        export_audit(filter.clone(), format.to_string())
    });
    Effect::new(move |_| {
        if let Some(Ok(file)) = export.value().get() {
            crate::components::form::save_download(&file);
        }
    });
    view! {
        <div class="form-actions left">
            <button
                type="button"
                class="button"
                on:click=move |_| {
                    export.dispatch((filter.get_untracked(), "csv"));
                }
            >
                "导出 CSV"
            </button>
            <button
                type="button"
                class="button"
                on:click=move |_| {
                    export.dispatch((filter.get_untracked(), "xlsx"));
                }
            >
                "导出 XLSX"
            </button>
        </div>
        <ActionError action=export />
    }
}

#[component]
fn EventTable(found: AuditPage, filter: AuditFilter) -> impl IntoView {
    let page = u64::from(found.page);
    let link = move |to: u64| {
        let mut href = format!("/audit?page={to}");
        for (name, value) in [
            ("from", &filter.from),
            ("to", &filter.to),
            ("username", &filter.username),
            ("action", &filter.action),
            ("target", &filter.target),
            ("outcome", &filter.outcome),
        ] {
            if !value.is_empty() {
                href.push_str(&format!("&{name}={}", super::url_escape(value)));
            }
        }
        href
    };
    if found.events.is_empty() {
        return view! { <p class="empty">"没有符合条件的记录。"</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="data-table" data-testid="audit-events">
                <thead>
                    <tr>
                        <th scope="col">"序号"</th>
                        <th scope="col">"时间"</th>
                        <th scope="col">"用户"</th>
                        <th scope="col">"操作"</th>
                        <th scope="col">"对象"</th>
                        <th scope="col">"结果"</th>
                        <th scope="col">"来源"</th>
                        <th scope="col">"详情"</th>
                    </tr>
                </thead>
                <tbody>
                    {found
                        .events
                        .into_iter()
                        .map(|e| {
                            let target = (!e.target.is_empty())
                                .then(|| {
                                    let href = format!(
                                        "/audit?target={}",
                                        super::url_escape(&e.target),
                                    );
                                    view! { <a href=href>{e.target.clone()}</a> }
                                });
                            view! {
                                <tr>
                                    <td>{e.seq}</td>
                                    <td>{e.at}</td>
                                    <td>{format!("{} ({})", e.username, e.role)}</td>
                                    <td>{e.action.label()}</td>
                                    <td>{target}</td>
                                    <td>{e.outcome.label()}</td>
                                    <td>{e.client}</td>
                                    <td class="details">{e.details}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        <Pagination total=found.total page page_size=found.page_size link />
    }
    .into_any()
}
