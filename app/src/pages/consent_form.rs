//! 个人信息处理同意书: the consent form printed on A4 for the customer to
//! read and sign. Blank for an intake; made out to the person of a file,
//! with the consents they gave ticked, from the file page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::consent::{ConsentSheet, get_consent_sheet};
use crate::components::banner::ErrorBanner;
use crate::components::breadcrumbs::Breadcrumbs;
use crate::domain::consent::SENSITIVE;

#[component]
pub fn ConsentFormPage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.with(|p| p.get("code").unwrap_or_default());
    let sheet = Resource::new(code, get_consent_sheet);
    view! {
        <Title text="个人信息处理同意书" />
        <Breadcrumbs current="个人信息处理同意书".to_string() />
        <Suspense fallback=|| {
            view! { <p class="loading">"正在准备同意书…"</p> }
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

/// A tick box as printed: ticked where the person already consented.
fn tick(ticked: bool) -> &'static str {
    if ticked { "☑" } else { "☐" }
}

#[component]
fn Sheet(sheet: ConsentSheet) -> impl IntoView {
    let consented = sheet
        .holder
        .as_ref()
        .map(|h| h.consented.clone())
        .unwrap_or_default();
    let has = move |key: &str| consented.iter().any(|k| k == key);
    let blank = "＿＿＿＿＿＿＿＿".to_string();
    let (name, code, region) = sheet.holder.as_ref().map_or_else(
        || (blank.clone(), blank.clone(), blank.clone()),
        |h| (h.name.clone(), h.code.clone(), h.region_name.clone()),
    );
    let back = sheet.holder.as_ref().map_or_else(
        || "/intake".to_string(),
        |h| format!("/customers/{}", h.code),
    );
    let purposes = sheet
        .lists
        .purposes
        .iter()
        .map(|p| {
            view! {
                <tr data-purpose=p.key.clone()>
                    <td class="tick">{tick(has(&p.key))}</td>
                    <th scope="row">{p.name.clone()}</th>
                    <td>{p.description.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let sensitive_ticked = has(SENSITIVE);
    let print = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    };
    view! {
        <div class="screen-only form-actions">
            <button type="button" class="button primary" on:click=print>
                "打印同意书"
            </button>
            <a class="button" href=back>
                "返回"
            </a>
        </div>
        <article class="consent-sheet" data-testid="consent-sheet">
            <h1>"个人信息处理同意书"</h1>
            <p class="holder">
                "姓名：" <strong>{name}</strong> "　档案编号：" <strong>{code}</strong>
                "　所在地区：" <strong>{region}</strong>
            </p>
            <p>
                "本合作社在为您办理社员和业务事项时，需要收集、使用您的个人信息。请您逐项阅读下列用途，在同意的用途前打“√”。您可以只同意其中一部分；不同意某一用途，不影响其他用途的办理。"
            </p>
            <table class="consent-purposes">
                <thead>
                    <tr>
                        <th scope="col">"同意"</th>
                        <th scope="col">"用途"</th>
                        <th scope="col">"我们会怎样使用您的信息"</th>
                    </tr>
                </thead>
                <tbody>{purposes}</tbody>
            </table>
            <h2>"敏感个人信息的单独同意"</h2>
            <p>
                "您的身份证号码、家庭成员的证件号码和信用状况属于敏感个人信息，一旦泄露或被非法使用，可能危害您的人身和财产安全。本合作社只在您上面同意的用途内处理这些信息，加密保存，只有经授权的工作人员可以查看，每次查看都有记录。"
            </p>
            <p class="sensitive-consent">
                {tick(sensitive_ticked)}
                " 我已知悉上述说明，单独同意合作社处理我的身份证号码、家庭成员证件号码和信用状况。"
            </p>
            <h2>"您的权利"</h2>
            <p>
                {format!(
                    "您有权查阅、复制、更正、补充和删除您的个人信息，有权要求解释处理规则，也可以随时撤回全部或部分同意。撤回同意不影响撤回前已进行的处理。请向本合作社档案管理员提出，我们将在收到后 {} 个工作日内答复。",
                    sheet.due_days,
                )}
            </p>
            <p>
                "合作结束后，您的档案按本合作社的资料保留期限保存，期满经审核后安全销毁。"
            </p>
            <div class="signatures">
                <p>
                    "本人签名：＿＿＿＿＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日"
                </p>
                <p>
                    "经办人：＿＿＿＿＿＿＿＿　　同意书编号：＿＿＿＿＿＿＿＿"
                </p>
            </div>
            <footer>
                <p>
                    "依据《中华人民共和国个人信息保护法》第十三条、第十四条、第二十九条制作。本同意书一式两份，客户和合作社各执一份；合作社的一份归入纸质档案。"
                </p>
            </footer>
        </article>
    }
}
