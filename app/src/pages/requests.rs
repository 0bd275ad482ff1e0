//! 个人信息请求: register what a person asks about the data held on them,
//! answer it by its due date, and produce their copy.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::requests::{
    answer_person_request, copy_for_person, copy_for_person_file, list_person_requests,
    register_person_request,
};
use crate::components::banner::ErrorBanner;
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::facts::Facts;
use crate::components::form::{self as form_io, save_download};
use crate::domain::requests::{Channel, PersonRequest, RequestForm, RequestKind, RequestStatus};
use crate::domain::time_fmt::today_cst;
use crate::error::AppError;
use crate::pages::customer::History;

#[component]
pub fn RequestsPage() -> impl IntoView {
    let register = Action::new(|form: &RequestForm| register_person_request(form.clone()));
    let answer = Action::new(|(id, refused, text): &(String, bool, String)| {
        answer_person_request(id.clone(), *refused, text.clone())
    });
    let list = Resource::new(
        move || (register.version().get(), answer.version().get()),
        |_| list_person_requests(),
    );
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if let Some(form) = form_ref.get_untracked() {
            register.dispatch(RequestForm {
                code: form_io::text(&form, "code").trim().to_uppercase(),
                kind: form_io::text(&form, "kind"),
                requester: form_io::text(&form, "requester"),
                channel: form_io::text(&form, "channel"),
                received_on: form_io::text(&form, "received_on"),
                identity_check: form_io::text(&form, "identity_check"),
                details: form_io::text(&form, "details"),
            });
        }
    };
    Effect::new(move |_| {
        if let (Some(Ok(_)), Some(form)) = (register.value().get(), form_ref.get_untracked()) {
            form.reset();
        }
    });
    let failure = move || {
        register
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| answer.value().get().and_then(Result::err))
            .map(|e| view! { <ErrorBanner message=e.to_string() /> })
    };

    view! {
        <Title text="个人信息请求" />
        <Breadcrumbs current="个人信息请求".to_string() />
        <h1>"个人信息请求"</h1>
        <p class="lead">
            "档案中的个人可以要求查阅、复制、更正、删除其个人信息，撤回同意，或要求解释处理规则（个人信息保护法第四十四至四十八条）。登记后须在期限内答复；删除请求同时列入销毁审核。"
        </p>
        {failure}
        <section class="card" aria-labelledby="register-title">
            <h2 id="register-title">"登记请求"</h2>
            <form
                class="request-form"
                node_ref=form_ref
                on:submit=on_submit
                data-testid="register-request"
            >
                <label for="code">"档案编号"</label>
                <input
                    id="code"
                    name="code"
                    type="text"
                    required=true
                    placeholder="如 NH-510104-00001"
                />
                <label for="kind">"请求类型"</label>
                <select id="kind" name="kind">
                    {RequestKind::ALL
                        .iter()
                        .map(|k| view! { <option value=k.key()>{k.label()}</option> })
                        .collect_view()}
                </select>
                <label for="requester">"请求人"</label>
                <input
                    id="requester"
                    name="requester"
                    type="text"
                    maxlength="500"
                    required=true
                    placeholder="姓名，代理时写明代理关系"
                />
                <label for="channel">"请求方式"</label>
                <select id="channel" name="channel">
                    {Channel::ALL
                        .iter()
                        .map(|c| view! { <option value=c.key()>{c.label()}</option> })
                        .collect_view()}
                </select>
                <label for="received_on">"收到日期"</label>
                <input
                    id="received_on"
                    name="received_on"
                    type="date"
                    value=today_cst().to_string()
                />
                <label for="identity_check">"身份核验方式"</label>
                <input
                    id="identity_check"
                    name="identity_check"
                    type="text"
                    maxlength="500"
                    required=true
                    placeholder="如：核验身份证原件，与档案一致"
                />
                <label for="details">"请求内容"</label>
                <textarea id="details" name="details" rows="2" maxlength="500"></textarea>
                <button
                    type="submit"
                    class="button primary"
                    disabled=move || register.pending().get()
                >
                    "登记"
                </button>
            </form>
        </section>
        <Transition fallback=|| {
            view! { <p class="loading">"正在读取…"</p> }
        }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) if list.is_empty() => {
                        view! { <p class="empty">"还没有登记的请求。"</p> }.into_any()
                    }
                    Ok(list) => {
                        view! {
                            <ol class="review-list" data-testid="requests">
                                {list
                                    .into_iter()
                                    .map(|r| view! { <RequestItem request=r answer /> })
                                    .collect_view()}
                            </ol>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorBanner message=error.to_string() /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn RequestItem(
    request: PersonRequest,
    answer: Action<(String, bool, String), Result<(), AppError>>,
) -> impl IntoView {
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let id = request.id.clone();
    let send = move |refused: bool| {
        if let Some(form) = form_ref.get_untracked() {
            answer.dispatch((id.clone(), refused, form_io::text(&form, "answer")));
        }
    };
    let reply = {
        let send = send.clone();
        move |_| send(false)
    };
    let refuse = move |_| send(true);
    let copyable = matches!(request.kind, RequestKind::Access | RequestKind::Copy);
    let answer_id = format!("answer-{}", request.id);
    let answer_for = answer_id.clone();
    view! {
        <li class="card review-item" data-testid="request" class:late=request.overdue>
            <p class="entry-head">
                <span class="badge">{request.kind.label()}</span>
                " "
                <a href=format!("/customers/{}", request.code)>{request.code.clone()}</a>
                {format!(
                    " · {} · {} · {}收到",
                    request.requester,
                    request.channel.label(),
                    request.received_on,
                )}
            </p>
            <p class="entry-facts">
                {format!("身份核验：{}", request.identity_check)}
                {(!request.details.is_empty()).then(|| format!(" · 内容：{}", request.details))}
            </p>
            <p>
                <span
                    class=if request.overdue { "badge danger" } else { "badge" }
                    data-testid="request-status"
                >
                    {request.status.label()}
                </span>
                {format!(" 答复期限 {}", request.due_on)}
                {request.overdue.then_some("（已逾期）")}
            </p>
            {copyable
                .then(|| {
                    view! {
                        <p>
                            <a
                                class="button small"
                                href=format!("/customers/{}/copy", request.code)
                            >
                                "生成个人信息副本"
                            </a>
                        </p>
                    }
                })}
            {(request.status != RequestStatus::Open)
                .then(|| {
                    view! {
                        <p class="answer">
                            {format!(
                                "答复（{} · {}）：{}",
                                request.answered_by,
                                request.answered_on,
                                request.answer,
                            )}
                        </p>
                    }
                })}
            {(request.status == RequestStatus::Open)
                .then(|| {
                    view! {
                        <form
                            class="inline-form"
                            node_ref=form_ref
                            on:submit=|event: leptos::ev::SubmitEvent| event.prevent_default()
                        >
                            <label for=answer_for>"答复"</label>
                            <input id=answer_id name="answer" type="text" maxlength="500" />
                            <button type="button" class="button small primary" on:click=reply>
                                "答复并结案"
                            </button>
                            <button type="button" class="button small" on:click=refuse>
                                "拒绝（写明理由）"
                            </button>
                        </form>
                    }
                })}
        </li>
    }
}

/// 个人信息副本: everything held about one person, printable, and as a
/// machine-readable file.
#[component]
pub fn CopyPage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.with(|p| p.get("code").unwrap_or_default());
    let copy = Resource::new(code, copy_for_person);
    let download = Action::new(move |_: &()| copy_for_person_file(code()));
    Effect::new(move |_| {
        if let Some(Ok(file)) = download.value().get() {
            save_download(&file);
        }
    });
    let print = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    };
    view! {
        <Title text=move || format!("个人信息副本 {}", code()) />
        <Breadcrumbs
            trail=vec![("个人信息请求", "/requests")]
            current=Signal::derive(move || format!("个人信息副本 {}", code()))
        />
        <div class="form-actions no-print">
            <button type="button" class="button" on:click=print>
                "打印"
            </button>
            <button
                type="button"
                class="button"
                data-testid="download-copy"
                on:click=move |_| {
                    download.dispatch(());
                }
            >
                "下载机读文件（JSON）"
            </button>
        </div>
        <Suspense fallback=|| {
            view! { <p class="loading">"正在整理…"</p> }
        }>
            {move || Suspend::new(async move {
                match copy.await {
                    Ok(export) => {
                        let file = export.file.clone();
                        let d = file.details.clone();
                        let mut facts = vec![
                            ("姓名/单位名称", d.name.clone()),
                            ("档案编号", file.code.clone()),
                            ("客户类别", d.group.label().to_string()),
                            ("联系电话", d.phone.clone()),
                            ("其他电话", d.extra_phones.join("、")),
                            ("证件", format!("{} {}", d.id_kind.label(), d.id_number)),
                            ("法定代表人", d.legal_representative.clone()),
                            ("联系人", d.contact_person.clone()),
                            ("所在地区", file.region_name.clone()),
                            ("详细地址", d.address.clone()),
                            ("土地总面积", format!("{} 亩", d.land_area)),
                            ("合作意向", d.cooperation.join("、")),
                            (
                                "信用状况",
                                format!(
                                    "{} {} {}",
                                    d.credit.rating.label(),
                                    d.credit.reason,
                                    d.credit.date,
                                ),
                            ),
                            ("标签", d.tags.join("、")),
                            ("备注", d.notes.clone()),
                            ("纸质档案位置", d.paper.to_string()),
                            ("档案状态", file.status.label().to_string()),
                            ("建档", format!("{} · {}", file.created_at, file.created_by)),
                            ("完整信息被查看次数", export.disclosures.to_string()),
                        ];
                        for m in &d.household {
                            facts
                                .push((
                                    "家庭成员",
                                    format!("{}（{}）{}", m.name, m.relation.label(), m.id_number),
                                ));
                        }
                        for p in &d.parcels {
                            facts
                                .push((
                                    "地块",
                                    format!(
                                        "{} {} 亩 {} {}",
                                        p.location,
                                        p.area,
                                        p.crop,
                                        p.tenure.label(),
                                    ),
                                ));
                        }
                        for a in &d.assets {
                            facts
                                .push((
                                    "生产资产",
                                    format!(
                                        "{} {} {}{}",
                                        a.kind.label(),
                                        a.description,
                                        a.quantity,
                                        a.unit,
                                    ),
                                ));
                        }
                        for v in &export.verifications {
                            facts
                                .push((
                                    "核对",
                                    format!("{} · {} · {}", v.at, v.by, v.outcome.label()),
                                ));
                        }
                        for t in &export.timeline {
                            facts
                                .push((
                                    "往来记录",
                                    format!(
                                        "{} · {} {}",
                                        t.kind.label(),
                                        t.content.title,
                                        t.content.detail,
                                    ),
                                ));
                        }
                        for c in &export.consents {
                            let state = if c.is_current() {
                                "有效".to_string()
                            } else {
                                format!("已于 {} 撤回", c.withdrawn_on)
                            };
                            facts
                                .push((
                                    "同意",
                                    format!(
                                        "{} · {} · {} · {state}",
                                        c.purpose_name,
                                        c.given_on,
                                        c.method.label(),
                                    ),
                                ));
                        }
                        for r in &export.requests {
                            facts
                                .push((
                                    "个人信息请求",
                                    format!(
                                        "{} · {} · {}",
                                        r.received_on,
                                        r.kind.label(),
                                        r.status.label(),
                                    ),
                                ));
                        }
                        view! {
                            <h1>{format!("个人信息副本 · {}", d.name)}</h1>
                            <p class="report-stamp">
                                {format!(
                                    "{} 由 {} 整理；内容为本合作社所存储的关于您的全部信息。",
                                    export.made_at,
                                    export.made_by,
                                )}
                            </p>
                            <div data-testid="copy">
                                <Facts title="档案内容" id="copy-facts" facts />
                            </div>
                            <History entries=export.history />
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorBanner message=error.to_string() /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
