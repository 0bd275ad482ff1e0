//! 档案详情: everything stored for one customer.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::customers::get_customer;
use crate::components::breadcrumbs::Breadcrumbs;
use crate::domain::Customer;

#[component]
pub fn CustomerPage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.with(|p| p.get("code").unwrap_or_default());
    let customer = Resource::new(code, get_customer);

    view! {
        <Title text=code />
        <Breadcrumbs trail=vec![("档案查询", "/customers")] current=Signal::derive(code) />
        <Suspense fallback=|| view! { <p class="loading">"正在读取档案…"</p> }>
            {move || Suspend::new(async move {
                match customer.await {
                    Ok(customer) => view! { <CustomerFile customer /> }.into_any(),
                    Err(error) => {
                        view! {
                            <h1>"档案详情"</h1>
                            <div class="banner error" role="alert">{error.to_string()}</div>
                            <a class="button" href="/customers">"返回档案查询"</a>
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
    let facts = [
        ("客户类别", customer.group.label().to_string()),
        ("档案状态", customer.status.label().to_string()),
        ("联系电话", customer.phone),
        ("证件类型", customer.id_kind.label().to_string()),
        ("证件号码", customer.id_number),
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
                "档案编号 "
                <strong data-testid="archive-code">{customer.code}</strong>
            </p>
        </header>
        <section class="card" aria-labelledby="facts-title">
            <h2 id="facts-title">"基本信息"</h2>
            <dl class="facts">
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
