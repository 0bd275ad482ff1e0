//! 档案详情: everything stored for one customer.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::customers::{get_customer, reveal_personal_value};
use crate::components::banner::ErrorBanner;
use crate::components::breadcrumbs::Breadcrumbs;
use crate::domain::{CurrentUser, Customer, Right, SensitiveField};

#[component]
pub fn CustomerPage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.with(|p| p.get("code").unwrap_or_default());
    let customer = Resource::new(code, get_customer);

    view! {
        <Title text=code />
        <Breadcrumbs trail=vec![("档案查询", "/customers")] current=Signal::derive(code) />
        <Suspense fallback=|| {
            view! { <p class="loading">"正在读取档案…"</p> }
        }>
            {move || Suspend::new(async move {
                match customer.await {
                    Ok(customer) => view! { <CustomerFile customer /> }.into_any(),
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

#[component]
fn CustomerFile(customer: Customer) -> impl IntoView {
    let may_reveal = use_context::<CurrentUser>().is_some_and(|u| u.may(Right::RevealPersonalData));
    let code = customer.code.clone();
    let sensitive = [
        (SensitiveField::Phone, customer.phone.clone()),
        (SensitiveField::IdNumber, customer.id_number.clone()),
    ];
    let facts = [
        ("客户类别", customer.group.label().to_string()),
        ("档案状态", customer.status.label().to_string()),
        ("证件类型", customer.id_kind.label().to_string()),
        (
            "所在地区",
            format!("{} {}", customer.region_name, customer.region),
        ),
        ("详细地址", customer.address),
        ("土地面积", format!("{} 亩", customer.land_area)),
        (
            "建档",
            format!("{} · {}", customer.created_at, customer.created_by),
        ),
        (
            "最近修改",
            format!("{} · {}", customer.updated_at, customer.updated_by),
        ),
        ("版本", customer.version.to_string()),
    ];

    view! {
        <header class="file-header">
            <h1>{customer.name}</h1>
            <p class="archive-code">
                "档案编号 " <strong data-testid="archive-code">{customer.code}</strong>
            </p>
        </header>
        <section class="card" aria-labelledby="facts-title">
            <h2 id="facts-title">"基本信息"</h2>
            <dl class="facts">
                {sensitive
                    .into_iter()
                    .map(|(field, masked)| {
                        view! { <SensitiveFact code=code.clone() field masked may_reveal /> }
                    })
                    .collect_view()}
                {facts
                    .into_iter()
                    .map(|(label, value)| {
                        let value = if value.trim().is_empty() { "—".to_string() } else { value };
                        view! {
                            <div class="fact">
                                <dt>{label}</dt>
                                <dd>{value}</dd>
                            </div>
                        }
                    })
                    .collect_view()}
            </dl>
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
