//! 档案封面: the cover sheet of a file's paper folder, for printing on A4.
//!
//! It shows the archive code large, the main facts (personal values
//! masked, as on screen) and a QR code that opens the electronic file, so
//! that whoever holds the folder finds its file in one scan.

use leptos::prelude::*;

use crate::components::facts::shown;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::customers::{Cover, cover_sheet};
use crate::components::banner::ErrorBanner;
use crate::components::breadcrumbs::Breadcrumbs;
use crate::domain::profile::CreditRating;

#[component]
pub fn CoverPage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.with(|p| p.get("code").unwrap_or_default());
    let sheet = Resource::new(code, cover_sheet);

    view! {
        <Title text=move || format!("{} 档案封面", code()) />
        <Breadcrumbs
            trail=vec![("档案查询", "/customers")]
            current=Signal::derive(move || format!("{} 档案封面", code()))
        />
        <Suspense fallback=|| {
            view! { <p class="loading">"正在准备封面…"</p> }
        }>
            {move || Suspend::new(async move {
                match sheet.await {
                    Ok(sheet) => view! { <Sheet sheet /> }.into_any(),
                    Err(error) => view! { <ErrorBanner message=error.to_string() /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Sheet(sheet: Cover) -> impl IntoView {
    let customer = sheet.customer;
    let d = customer.details;
    let credit = match d.credit.rating {
        CreditRating::Unrated => d.credit.rating.label().to_string(),
        rating => format!("{}（{}）", rating.label(), d.credit.date),
    };
    let mut facts = vec![
        ("姓名/单位名称", d.name.clone()),
        ("客户类别", d.group.label().to_string()),
        ("证件类型", d.id_kind.label().to_string()),
        ("证件号码", d.id_number.clone()),
        ("联系电话", d.phone.clone()),
    ];
    if d.is_organisation() {
        facts.push(("法定代表人", d.legal_representative.clone()));
        facts.push(("联系人", d.contact_person.clone()));
    }
    facts.extend([
        ("所在地区", customer.region_name.clone()),
        ("详细地址", d.address.clone()),
        ("土地面积", format!("{} 亩", d.land_area)),
        ("合作意向", sheet.cooperation.join("、")),
        ("信用等级", credit),
        ("纸质档案位置", d.paper.to_string()),
        (
            "建档",
            format!("{} · {}", customer.created_at, customer.created_by),
        ),
    ]);
    let print = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    };

    view! {
        <div class="screen-only form-actions">
            <button type="button" class="button primary" on:click=print>
                "打印封面"
            </button>
            <a class="button" href=format!("/customers/{}", customer.code)>
                "返回档案"
            </a>
        </div>
        <article class="cover-sheet" data-testid="cover-sheet">
            <header>
                <p class="cover-title">"合作社客户档案"</p>
                <p class="cover-code">
                    "档案编号 "
                    <strong data-testid="cover-code">{customer.code.clone()}</strong>
                </p>
            </header>
            <div class="cover-body">
                <table class="cover-facts">
                    <tbody>
                        {facts
                            .into_iter()
                            .map(|(label, value)| {
                                view! {
                                    <tr>
                                        <th scope="row">{label}</th>
                                        <td>{shown(value)}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
                <figure class="cover-qr">
                    <div class="qr" data-testid="cover-qr" inner_html=sheet.qr_svg></div>
                    <figcaption>
                        "扫码打开电子档案" <br /> <small>{sheet.url}</small>
                    </figcaption>
                </figure>
            </div>
            <footer>
                <p>
                    "本封面所示证件号码和电话已部分隐藏。档案内容以电子档案为准。"
                </p>
            </footer>
        </article>
    }
}
