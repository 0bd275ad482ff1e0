//! 数据备份: the administrator's backups — take one now, check one by
//! restoring it into a scratch database, restore one over the archive
//! after typing its name.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::backups::{check_backup, create_backup, list_backups, restore_backup};
use crate::components::banner::ErrorBanner;
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::form as form_io;
use crate::domain::backup::BackupInfo;

#[component]
pub fn BackupsPage() -> impl IntoView {
    let create = Action::new(|_: &()| create_backup());
    let check = Action::new(|name: &String| check_backup(name.clone()));
    let restore = Action::new(|(name, confirm): &(String, String)| {
        restore_backup(name.clone(), confirm.clone())
    });
    let list = Resource::new(move || create.version().get(), |_| list_backups());
    Effect::new(move |_| {
        if matches!(restore.value().get(), Some(Ok(()))) {
            form_io::reload_at("/login");
        }
    });
    let failure = move || {
        create
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| check.value().get().and_then(Result::err))
            .or_else(|| restore.value().get().and_then(Result::err))
            .map(|e| view! { <ErrorBanner message=e.to_string() /> })
    };
    let checked = move || {
        check.value().get().and_then(Result::ok).map(|c| {
            let class = if c.matches {
                "banner success"
            } else {
                "banner error"
            };
            view! {
                <p class=class role="status" data-testid="check-result">
                    {format!(
                        "{}：{}",
                        c.name,
                        if c.matches { "可以完整恢复" } else { "与备份时记录不符" },
                    )}
                    <br />
                    {c.summary}
                </p>
            }
        })
    };

    view! {
        <Title text="数据备份" />
        <Breadcrumbs current="数据备份".to_string() />
        <h1>"数据备份"</h1>
        <p class="lead">
            "备份包含整个档案库和密钥环快照，均以主密钥加密，并附校验值。系统每天自动备份一次，只保留最近的若干份；请定期把备份文件夹复制到本机以外的地方（见说明文档）。"
        </p>
        <div class="form-actions">
            <button
                type="button"
                class="button primary"
                data-testid="create-backup"
                disabled=move || create.pending().get()
                on:click=move |_| {
                    create.dispatch(());
                }
            >
                {move || if create.pending().get() { "正在备份…" } else { "立即备份" }}
            </button>
        </div>
        {failure}
        {checked}
        <Transition fallback=|| {
            view! { <p class="loading">"正在读取…"</p> }
        }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) if list.is_empty() => {
                        view! { <p class="empty">"还没有备份。"</p> }.into_any()
                    }
                    Ok(list) => view! { <BackupTable list check restore /> }.into_any(),
                    Err(error) => view! { <ErrorBanner message=error.to_string() /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn BackupTable(
    list: Vec<BackupInfo>,
    check: Action<String, Result<crate::domain::backup::BackupCheck, crate::error::AppError>>,
    restore: Action<(String, String), Result<(), crate::error::AppError>>,
) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="data-table" data-testid="backups">
                <thead>
                    <tr>
                        <th scope="col">"备份"</th>
                        <th scope="col">"时间"</th>
                        <th scope="col">"大小"</th>
                        <th scope="col">"档案数"</th>
                        <th scope="col">"状态"</th>
                        <th scope="col">"操作"</th>
                    </tr>
                </thead>
                <tbody>
                    {list
                        .into_iter()
                        .map(|b| {
                            let name = b.name.clone();
                            let to_check = name.clone();
                            let form_ref = NodeRef::<leptos::html::Form>::new();
                            let confirm_id = format!("confirm-{name}");
                            let confirm_for = confirm_id.clone();
                            let on_restore = {
                                let name = name.clone();
                                move |event: leptos::ev::SubmitEvent| {
                                    event.prevent_default();
                                    if let Some(form) = form_ref.get_untracked() {
                                        restore
                                            .dispatch((name.clone(), form_io::text(&form, "confirm")));
                                    }
                                }
                            };
                            view! {
                                <tr>
                                    <td>
                                        <code>{b.name.clone()}</code>
                                    </td>
                                    <td>{b.created_at.clone()}</td>
                                    <td>
                                        {format!("{:.1} MB", b.size_bytes as f64 / 1_048_576.0)}
                                    </td>
                                    <td>{b.files}</td>
                                    <td>{if b.intact { "完好" } else { "校验值不符" }}</td>
                                    <td>
                                        <button
                                            type="button"
                                            class="button small"
                                            on:click=move |_| {
                                                check.dispatch(to_check.clone());
                                            }
                                        >
                                            "校验"
                                        </button>
                                        <details class="restore">
                                            <summary>"恢复…"</summary>
                                            <form node_ref=form_ref on:submit=on_restore>
                                                <p class="form-note">
                                                    "恢复会用此备份替换整个档案库，备份之后的修改将丢失，所有人需重新登录。请在非工作时间进行。确认请输入备份名称："
                                                </p>
                                                <label for=confirm_for>"备份名称"</label>
                                                <input
                                                    id=confirm_id
                                                    name="confirm"
                                                    type="text"
                                                    autocomplete="off"
                                                />
                                                <button type="submit" class="button danger small">
                                                    "恢复此备份"
                                                </button>
                                            </form>
                                        </details>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
