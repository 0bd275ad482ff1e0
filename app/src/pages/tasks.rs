//! 我的跟进: the open issues and follow-ups one is responsible for, soonest
//! due first.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::timeline::my_tasks;
use crate::components::banner::ErrorBanner;
use crate::components::breadcrumbs::Breadcrumbs;
use crate::domain::timeline::status_label;
use crate::domain::upkeep::Dueness;

#[component]
pub fn TasksPage() -> impl IntoView {
    let tasks = Resource::new(|| (), |_| my_tasks());
    view! {
        <Title text="我的跟进" />
        <Breadcrumbs current="我的跟进".to_string() />
        <h1>"我的跟进"</h1>
        <p class="lead">
            "由您负责、尚未完成的问题和跟进事项，截止早的在前。处理结果在档案的“客户往来”中填写。"
        </p>
        <Suspense fallback=|| {
            view! { <p class="loading">"正在读取…"</p> }
        }>
            {move || Suspend::new(async move {
                match tasks.await {
                    Ok(list) if list.is_empty() => {
                        view! { <p class="empty">"没有待办的问题或跟进事项。"</p> }
                            .into_any()
                    }
                    Ok(list) => {
                        view! {
                            <div class="table-wrap">
                                <table class="data-table" data-testid="tasks">
                                    <thead>
                                        <tr>
                                            <th scope="col">"截止日期"</th>
                                            <th scope="col">"类型"</th>
                                            <th scope="col">"内容"</th>
                                            <th scope="col">"状态"</th>
                                            <th scope="col">"客户"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {list
                                            .into_iter()
                                            .map(|t| {
                                                let late = matches!(t.dueness, Some(Dueness::Overdue(_)));
                                                let due = match t.dueness {
                                                    Some(d) => format!("{}（{}）", t.due, d.label()),
                                                    None => "未定".to_string(),
                                                };
                                                view! {
                                                    <tr class:late=late>
                                                        <td>{due}</td>
                                                        <td>{t.kind.label()}</td>
                                                        <td>
                                                            <a href=format!(
                                                                "/customers/{}#timeline",
                                                                t.code,
                                                            )>{t.title}</a>
                                                        </td>
                                                        <td>{status_label(t.kind, t.status)}</td>
                                                        <td>{format!("{} {}", t.customer_name, t.code)}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
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
