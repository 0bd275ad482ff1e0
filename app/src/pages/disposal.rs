//! 销毁审核 and 销毁登记: files past their retention, the proposals to
//! destroy or keep them and the decisions, and the certificates of the
//! files destroyed.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::lifecycle::{
    decide_disposal, destruction_register, disposal_review, propose_disposal,
};
use crate::components::banner::ErrorBanner;
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::facts::Facts;
use crate::components::form as form_io;
use crate::domain::lifecycle::{Certificate, DisposalCandidate, ProposalKind};
use crate::domain::{CurrentUser, Right};
use crate::error::AppError;

#[derive(Clone)]
struct Proposing {
    code: String,
    kind: String,
    reason: String,
    until: String,
}

#[derive(Clone)]
struct Deciding {
    id: String,
    approve: bool,
    note: String,
}

#[component]
pub fn DisposalPage() -> impl IntoView {
    let propose = Action::new(|p: &Proposing| {
        propose_disposal(
            p.code.clone(),
            p.kind.clone(),
            p.reason.clone(),
            p.until.clone(),
        )
    });
    let decide =
        Action::new(|d: &Deciding| decide_disposal(d.id.clone(), d.approve, d.note.clone()));
    let list = Resource::new(
        move || (propose.version().get(), decide.version().get()),
        |_| disposal_review(),
    );
    let failure = move || {
        propose
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| decide.value().get().and_then(Result::err))
            .map(|e| view! { <ErrorBanner message=e.to_string() /> })
    };

    view! {
        <Title text="销毁审核" />
        <Breadcrumbs current="销毁审核".to_string() />
        <h1>"销毁审核"</h1>
        <p class="lead">
            "合作结束后超过保留期限的档案，以及本人申请删除个人信息的档案。档案管理员提议销毁或延期保留，须由另一位负责人审批；处于法律保全（冻结）中的档案不能提议或批准销毁。"
        </p>
        <p>
            <a href="/disposal/register">"查看销毁登记"</a>
        </p>
        {failure}
        <Transition fallback=|| {
            view! { <p class="loading">"正在读取…"</p> }
        }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) if list.is_empty() => {
                        view! { <p class="empty">"没有超过保留期限的档案。"</p> }
                            .into_any()
                    }
                    Ok(list) => {
                        view! {
                            <ol class="review-list" data-testid="disposal-review">
                                {list
                                    .into_iter()
                                    .map(|c| view! { <Candidate candidate=c propose decide /> })
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
fn Candidate(
    candidate: DisposalCandidate,
    propose: Action<Proposing, Result<(), AppError>>,
    decide: Action<Deciding, Result<(), AppError>>,
) -> impl IntoView {
    let user = use_context::<CurrentUser>();
    let may_propose = user.as_ref().is_some_and(|u| u.may(Right::ProposeDisposal));
    let may_decide = user.as_ref().is_some_and(|u| u.may(Right::ApproveDisposal));
    let code = candidate.code.clone();
    let propose_ref = NodeRef::<leptos::html::Form>::new();
    let decide_ref = NodeRef::<leptos::html::Form>::new();
    let on_propose = {
        let code = code.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            if let Some(form) = propose_ref.get_untracked() {
                propose.dispatch(Proposing {
                    code: code.clone(),
                    kind: form_io::text(&form, "kind"),
                    reason: form_io::text(&form, "reason"),
                    until: form_io::text(&form, "until"),
                });
            }
        }
    };
    let proposal_id = candidate
        .proposal
        .as_ref()
        .map(|p| p.id.clone())
        .unwrap_or_default();
    let send_decision = move |approve: bool| {
        if let Some(form) = decide_ref.get_untracked() {
            decide.dispatch(Deciding {
                id: proposal_id.clone(),
                approve,
                note: form_io::text(&form, "note"),
            });
        }
    };
    let approve = {
        let send = send_decision.clone();
        move |_| send(true)
    };
    let reject = move |_| send_decision(false);
    let held = candidate.hold.is_some();

    view! {
        <li class="card review-item" data-testid="disposal-item" data-code=code.clone()>
            <p class="entry-head">
                <a href=format!("/customers/{code}")>{code.clone()}</a>
                " · "
                <strong>{candidate.name.clone()}</strong>
                " · "
                {candidate.group.label()}
                " · "
                {candidate.region_name.clone()}
            </p>
            <p class="entry-facts">
                {if candidate.retention_end.is_empty() {
                    "合作尚未结束".to_string()
                } else {
                    format!(
                        "合作结束 {} · 保留 {} 年，至 {} 届满",
                        candidate.relationship_ended,
                        candidate.policy_years,
                        candidate.retention_end,
                    )
                }}
            </p>
            {(!candidate.deletion_requested.is_empty())
                .then(|| {
                    view! {
                        <p class="badge warn" data-testid="deletion-requested">
                            {format!(
                                "本人于 {} 申请删除个人信息（请在“个人请求”中答复）",
                                candidate.deletion_requested,
                            )}
                        </p>
                    }
                })}
            {candidate
                .hold
                .clone()
                .map(|h| {
                    view! {
                        <p class="badge danger" data-testid="hold">
                            {format!(
                                "法律保全中：{}（{} · {}）",
                                h.reason,
                                h.set_by,
                                h.set_at,
                            )}
                        </p>
                    }
                })}
            {candidate
                .proposal
                .clone()
                .map(|p| {
                    let what = match p.kind {
                        ProposalKind::Destroy => "提议销毁".to_string(),
                        ProposalKind::Extend => format!("提议延期保留至 {}", p.extend_until),
                    };
                    view! {
                        <p class="proposal" data-testid="proposal">
                            <strong>{what}</strong>
                            {format!("：{}（{} · {}）", p.reason, p.proposed_by, p.proposed_at)}
                        </p>
                    }
                })}
            {(may_propose && candidate.proposal.is_none() && !held)
                .then(|| {
                    let kind_id = format!("kind-{code}");
                    let kind_for = kind_id.clone();
                    let reason_id = format!("reason-{code}");
                    let reason_for = reason_id.clone();
                    let until_id = format!("until-{code}");
                    let until_for = until_id.clone();
                    view! {
                        <form class="inline-form" node_ref=propose_ref on:submit=on_propose>
                            <label for=kind_for>"提议"</label>
                            <select id=kind_id name="kind">
                                <option value="destroy">"销毁"</option>
                                <option value="extend">"延期保留"</option>
                            </select>
                            <label for=reason_for>"理由"</label>
                            <input
                                id=reason_id
                                name="reason"
                                type="text"
                                maxlength="300"
                                required=true
                            />
                            <label for=until_for>"延期至（仅延期时填）"</label>
                            <input id=until_id name="until" type="date" />
                            <button type="submit" class="button primary small">
                                "提交提议"
                            </button>
                        </form>
                    }
                })}
            {(may_decide && candidate.proposal.is_some())
                .then(|| {
                    let note_id = format!("note-{code}");
                    let note_for = note_id.clone();
                    view! {
                        <form
                            class="inline-form"
                            node_ref=decide_ref
                            on:submit=|event: leptos::ev::SubmitEvent| event.prevent_default()
                        >
                            <label for=note_for>"审批意见"</label>
                            <input id=note_id name="note" type="text" maxlength="300" />
                            <button type="button" class="button danger small" on:click=approve>
                                "批准"
                            </button>
                            <button type="button" class="button small" on:click=reject>
                                "驳回"
                            </button>
                        </form>
                    }
                })}
        </li>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let register = Resource::new(|| (), |_| destruction_register());
    let print = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    };
    view! {
        <Title text="销毁登记" />
        <Breadcrumbs trail=vec![("销毁审核", "/disposal")] current="销毁登记".to_string() />
        <h1>"销毁登记"</h1>
        <p class="lead">
            "每份已销毁档案的销毁证明：保留政策、提议人与审批人、销毁时间和所销毁内容的摘要值（SHA-256）。证明中不含个人信息；档案编号不再启用。"
        </p>
        <div class="form-actions no-print">
            <button type="button" class="button" on:click=print>
                "打印"
            </button>
        </div>
        <Suspense fallback=|| {
            view! { <p class="loading">"正在读取…"</p> }
        }>
            {move || Suspend::new(async move {
                match register.await {
                    Ok(list) if list.is_empty() => {
                        view! { <p class="empty">"还没有销毁的档案。"</p> }.into_any()
                    }
                    Ok(list) => {
                        view! {
                            <div data-testid="register">
                                {list
                                    .into_iter()
                                    .map(|c| view! { <CertificateCard certificate=c /> })
                                    .collect_view()}
                            </div>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorBanner message=error.to_string() /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CertificateCard(certificate: Certificate) -> impl IntoView {
    let c = certificate;
    let facts = [
        ("客户类别", c.group.label().to_string()),
        ("地区", crate::domain::region::full_name(&c.region)),
        ("建档日期", c.opened_on),
        ("合作结束", c.relationship_ended),
        ("保留期届满", c.retention_end),
        (
            "保留政策",
            format!("{} 年：{}", c.policy_years, c.policy_reason),
        ),
        ("纸质档案", c.paper_location),
        ("提议", format!("{} · {}", c.proposed_by, c.proposed_at)),
        ("审批", format!("{} · {}", c.approved_by, c.approved_at)),
        ("销毁时间", c.destroyed_at),
        ("内容摘要值", c.content_hash),
    ];
    view! {
        <div class="certificate" data-testid="certificate">
            <Facts
                title=format!("销毁证明 · {}", c.code)
                id=format!("certificate-{}", c.code)
                facts=facts.to_vec()
            />
        </div>
    }
}
