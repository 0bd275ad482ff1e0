//! 首页: where the day's work starts.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::audit::audit_alerts;
use crate::api::requests::count_overdue_requests;
use crate::api::upkeep::count_due;
use crate::domain::{CurrentUser, Right};

#[component]
pub fn HomePage() -> impl IntoView {
    let user = use_context::<CurrentUser>();
    let may = move |right: Right| user.as_ref().is_some_and(|u| u.may(right));
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
            {may(Right::VerifyCustomer).then(|| view! { <DueTile /> })}
            {may(Right::KeepTimeline)
                .then(|| {
                    view! {
                        <a class="tile" href="/follow-ups">
                            <strong>"我的跟进"</strong>
                            <span>"由我负责的问题和跟进事项"</span>
                        </a>
                    }
                })}
            {may(Right::ViewQualityReport)
                .then(|| {
                    view! {
                        <a class="tile" href="/quality">
                            <strong>"数据质量报告"</strong>
                            <span>
                                "不完整、逾期未核对和问题逾期，按地区和人员"
                            </span>
                        </a>
                    }
                })}
            {may(Right::HandleRequests).then(|| view! { <RequestsTile /> })}
            {may(Right::ViewAudit).then(|| view! { <AlertsTile /> })}
        </div>
    }
}

/// For those who answer people's requests: how many are past their date.
#[component]
fn RequestsTile() -> impl IntoView {
    let overdue = Resource::new(|| (), |_| count_overdue_requests());
    view! {
        <a class="tile" href="/requests" data-testid="requests-tile">
            <strong>"个人信息请求"</strong>
            <Suspense fallback=|| {
                view! { <span>"正在统计…"</span> }
            }>
                {move || Suspend::new(async move {
                    match overdue.await {
                        Ok(0) => "没有逾期未答复的请求".to_string(),
                        Ok(n) => format!("{n} 件请求已逾期未答复"),
                        Err(error) => error.to_string(),
                    }
                })}
            </Suspense>
        </a>
    }
}

/// For those who verify files: how many of theirs are overdue or due soon.
#[component]
fn DueTile() -> impl IntoView {
    let counts = Resource::new(|| (), |_| count_due());
    view! {
        <a class="tile" href="/due" data-testid="due-tile">
            <strong>"待核对"</strong>
            <Suspense fallback=|| {
                view! { <span>"正在统计…"</span> }
            }>
                {move || Suspend::new(async move {
                    match counts.await {
                        Ok(c) if c.overdue + c.soon == 0 => {
                            "没有需要核对的档案".to_string()
                        }
                        Ok(c) => {
                            format!("{} 份已逾期，{} 份两周内到期", c.overdue, c.soon)
                        }
                        Err(error) => error.to_string(),
                    }
                })}
            </Suspense>
        </a>
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
