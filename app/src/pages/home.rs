//! 首页: where the day's work starts.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::audit::audit_alerts;
use crate::domain::{CurrentUser, Right};

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="首页" />
        <h1>"农档 · 合作社客户档案"</h1>
        <p class="lead">
            "一户一档：从建档、核对到查询，每一份客户档案都完整可信。"
        </p>
        <form class="quick-search" method="get" action="/customers" role="search">
            <label for="home-q">"查找档案"</label>
            <div class="inline">
                <input id="home-q" name="q" type="search" placeholder="档案编号或姓名" />
                <button type="submit" class="button primary">
                    "查询"
                </button>
            </div>
        </form>
        <div class="tiles">
            <a class="tile" href="/intake">
                <strong>"新建档案"</strong>
                <span>"登记新的社员、合作伙伴、供应商或经销商"</span>
            </a>
            <a class="tile" href="/customers">
                <strong>"档案查询"</strong>
                <span>"按档案编号或姓名查找客户档案"</span>
            </a>
            {use_context::<CurrentUser>()
                .is_some_and(|u| u.may(Right::ViewAudit))
                .then(|| view! { <AlertsTile /> })}
        </div>
    }
}

/// For auditors and administrators: how many alerts of abnormal use wait.
#[component]
fn AlertsTile() -> impl IntoView {
    let alerts = Resource::new(|| (), |_| audit_alerts());
    view! {
        <a class="tile" href="/audit" data-testid="alerts-tile">
            <strong>"审计"</strong>
            <Suspense fallback=|| {
                view! { <span>"正在读取预警…"</span> }
            }>
                {move || Suspend::new(async move {
                    match alerts.await {
                        Ok(list) => {
                            let open = list.iter().filter(|a| a.acknowledged_by.is_empty()).count();
                            if open == 0 {
                                "没有未处理的预警".to_string()
                            } else {
                                format!("{open} 条预警待处理")
                            }
                        }
                        Err(error) => error.to_string(),
                    }
                })}
            </Suspense>
        </a>
    }
}
