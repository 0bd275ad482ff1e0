//! 意见反馈: anyone tells the team what went wrong or could be better, from
//! any page (the app bar links here with the page's address); those who
//! handle feedback answer it, and senders read the answers here.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::feedback::{answer_feedback, list_feedback, send_feedback};
use crate::components::banner::{ActionError, ErrorBanner};
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::form as form_io;
use crate::domain::feedback::{Feedback, FeedbackForm};

#[component]
pub fn FeedbackPage() -> impl IntoView {
    let query = use_query_map();
    let from = move || query.with(|q| q.get("from").unwrap_or_default());
    let send = Action::new(|form: &FeedbackForm| send_feedback(form.clone()));
    let answer =
        Action::new(|(id, text): &(String, String)| answer_feedback(id.clone(), text.clone()));
    let list = Resource::new(
        move || (send.version().get(), answer.version().get()),
        |_| list_feedback(),
    );
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let problem = RwSignal::new(None::<String>);
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(form) = form_ref.get_untracked() else {
            return;
        };
        let typed = FeedbackForm {
            page: form_io::text(&form, "page"),
            happened: form_io::text(&form, "happened"),
            suggestion: form_io::text(&form, "suggestion"),
        };
        match typed.validate() {
            Ok(checked) => {
                problem.set(None);
                send.dispatch(checked);
            }
            Err(message) => problem.set(Some(message)),
        }
    };
    Effect::new(move |_| {
        if let (Some(Ok(())), Some(form)) = (send.value().get(), form_ref.get_untracked()) {
            form.reset();
        }
    });

    view! {
        <Title text="意见反馈" />
        <Breadcrumbs current="意见反馈".to_string() />
        <h1>"意见反馈"</h1>
        <section class="card" aria-labelledby="send-title">
            <h2 id="send-title">"反馈问题或建议"</h2>
            {move || {
                matches!(send.value().get(), Some(Ok(())))
                    .then(|| {
                        view! {
                            <p class="banner success" role="status" data-testid="feedback-sent">
                                "已收到您的反馈，处理后会在下方答复。"
                            </p>
                        }
                    })
            }}
            {move || {
                problem
                    .get()
                    .or_else(|| send.value().get().and_then(Result::err).map(|e| e.to_string()))
                    .map(|m| view! { <ErrorBanner message=m /> })
            }}
            <form class="feedback-form" node_ref=form_ref on:submit=on_submit>
                <label for="page">"所在页面"</label>
                <input id="page" name="page" type="text" readonly=true value=from />
                <label for="happened">"遇到的情况"</label>
                <textarea
                    id="happened"
                    name="happened"
                    rows="3"
                    maxlength="1000"
                    placeholder="例如：保存地块时提示面积格式不对"
                ></textarea>
                <label for="suggestion">"建议"</label>
                <textarea
                    id="suggestion"
                    name="suggestion"
                    rows="3"
                    maxlength="1000"
                    placeholder="希望怎样改进"
                ></textarea>
                <button type="submit" class="button primary" disabled=move || send.pending().get()>
                    "提交反馈"
                </button>
            </form>
        </section>
        <Transition fallback=|| {
            view! { <p class="loading">"正在读取…"</p> }
        }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) => {
                        let title = if list.everyone { "全部反馈" } else { "我的反馈" };
                        view! {
                            <section class="card" aria-labelledby="list-title">
                                <h2 id="list-title">{title}</h2>
                                <ActionError action=answer />
                                {if list.items.is_empty() {
                                    view! { <p class="empty">"还没有反馈。"</p> }.into_any()
                                } else {
                                    view! {
                                        <ol class="feedback-list" data-testid="feedback-list">
                                            {list
                                                .items
                                                .into_iter()
                                                .map(|item| {
                                                    view! {
                                                        <FeedbackItem item may_answer=list.everyone answer />
                                                    }
                                                })
                                                .collect_view()}
                                        </ol>
                                    }
                                        .into_any()
                                }}
                            </section>
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
fn FeedbackItem(
    item: Feedback,
    may_answer: bool,
    answer: Action<(String, String), Result<(), crate::error::AppError>>,
) -> impl IntoView {
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let id = item.id.clone();
    let on_answer = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if let Some(form) = form_ref.get_untracked() {
            answer.dispatch((id.clone(), form_io::text(&form, "answer")));
        }
    };
    let page = if item.page.is_empty() {
        String::new()
    } else {
        format!(" · 页面 {}", item.page)
    };
    view! {
        <li class="feedback-item" class:handled=item.handled data-testid="feedback-item">
            <p class="history-head">
                <span class="badge">{if item.handled { "已处理" } else { "待处理" }}</span>
                {format!(" {} · {}{}", item.at, item.by, page)}
            </p>
            {(!item.happened.is_empty())
                .then(|| view! { <p>"情况：" {item.happened.clone()}</p> })}
            {(!item.suggestion.is_empty())
                .then(|| view! { <p>"建议：" {item.suggestion.clone()}</p> })}
            {item
                .handled
                .then(|| {
                    view! {
                        <p class="answer" data-testid="feedback-answer">
                            {format!(
                                "答复（{} · {}）：{}",
                                item.answered_by,
                                item.answered_at,
                                item.answer,
                            )}
                        </p>
                    }
                })}
            {(may_answer && !item.handled)
                .then(|| {
                    let control = format!("answer-{}", item.id);
                    let label_for = control.clone();
                    view! {
                        <form class="inline-form" node_ref=form_ref on:submit=on_answer>
                            <label for=label_for>"答复"</label>
                            <input
                                id=control
                                name="answer"
                                type="text"
                                maxlength="1000"
                                required=true
                            />
                            <button type="submit" class="button small primary">
                                "答复并标记已处理"
                            </button>
                        </form>
                    }
                })}
        </li>
    }
}
