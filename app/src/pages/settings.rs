//! 系统设置: the list of cooperation intentions that files choose from, how
//! often each customer group's files are verified, how long they are kept,
//! how soon people's requests are answered, the purposes of processing
//! that consents name, and the rules of the potential score.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::analysis::{get_score_rules, save_score_rules};
use crate::api::customers::{cooperation_types, save_cooperation_type};
use crate::api::lifecycle::{retention_policies, save_retention_policy};
use crate::api::requests::{request_due_days, save_request_due_days};
use crate::api::upkeep::{get_verification_cycles, save_verification_cycle};
use crate::components::banner::{ActionError, ErrorBanner};
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::consent_lists::ConsentListSettings;
use crate::components::form as form_io;
use crate::domain::CustomerGroup;
use crate::domain::analysis::ScoreRules;
use crate::domain::profile::CooperationType;
use crate::domain::upkeep::MAX_CYCLE_MONTHS;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let save = Action::new(|entry: &CooperationType| save_cooperation_type(entry.clone()));
    let types = Resource::new(move || save.version().get(), |_| cooperation_types());
    let form_ref = NodeRef::<leptos::html::Form>::new();

    let add = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(form) = form_ref.get() else { return };
        save.dispatch(CooperationType {
            key: form_io::text(&form, "key"),
            label: form_io::text(&form, "label"),
            active: true,
        });
    };
    Effect::new(move |_| {
        if let (Some(Ok(())), Some(form)) = (save.value().get(), form_ref.get_untracked()) {
            form.reset();
        }
    });

    view! {
        <Title text="系统设置" />
        <Breadcrumbs current="系统设置".to_string() />
        <h1>"系统设置"</h1>
        <section class="card" aria-labelledby="cooperation-title">
            <h2 id="cooperation-title">"合作意向选项"</h2>
            <p class="form-note">
                "新建和修改档案时可勾选的合作意向。停用的选项不再提供，但已勾选它的档案仍照常显示。"
            </p>
            <ActionError action=save />
            <Suspense fallback=|| {
                view! { <p class="loading">"正在读取…"</p> }
            }>
                {move || Suspend::new(async move {
                    match types.await {
                        Ok(list) => {
                            view! {
                                <div class="table-wrap">
                                    <table data-testid="cooperation-types">
                                        <thead>
                                            <tr>
                                                <th>"名称"</th>
                                                <th>"代码"</th>
                                                <th>"状态"</th>
                                                <th>"操作"</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {list
                                                .into_iter()
                                                .map(|entry| {
                                                    let toggled = CooperationType {
                                                        active: !entry.active,
                                                        ..entry.clone()
                                                    };
                                                    view! {
                                                        <tr>
                                                            <td>{entry.label.clone()}</td>
                                                            <td>
                                                                <code>{entry.key.clone()}</code>
                                                            </td>
                                                            <td>
                                                                {if entry.active { "使用中" } else { "已停用" }}
                                                            </td>
                                                            <td>
                                                                <button
                                                                    type="button"
                                                                    class="button small"
                                                                    on:click=move |_| {
                                                                        save.dispatch(toggled.clone());
                                                                    }
                                                                >
                                                                    {if entry.active { "停用" } else { "恢复" }}
                                                                </button>
                                                            </td>
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
            <form class="inline-form" node_ref=form_ref on:submit=add>
                <h3>"添加选项"</h3>
                <label for="label">"名称"</label>
                <input id="label" name="label" type="text" maxlength="20" required />
                <label for="key">"代码"</label>
                <input
                    id="key"
                    name="key"
                    type="text"
                    maxlength="40"
                    pattern="[a-z0-9_]+"
                    placeholder="如 seed_supply"
                    required
                />
                <button type="submit" class="button primary">
                    "添加"
                </button>
            </form>
        </section>
        <Cycles />
        <Retention />
        <RequestDays />
        <ConsentListSettings />
        <ScoreRulesSettings />
    }
}

/// Working days to answer a person's request.
#[component]
fn RequestDays() -> impl IntoView {
    let save = Action::new(|days: &String| save_request_due_days(days.clone()));
    let days = Resource::new(move || save.version().get(), |_| request_due_days());
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if let Some(form) = form_ref.get_untracked() {
            save.dispatch(form_io::text(&form, "request_days"));
        }
    };
    view! {
        <section class="card" aria-labelledby="request-days-title">
            <h2 id="request-days-title">"个人信息请求答复期限"</h2>
            <ActionError action=save />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let current = days.await.unwrap_or(15);
                    view! {
                        <form class="inline-form" node_ref=form_ref on:submit=on_submit>
                            <label for="request_days">"收到后"</label>
                            <input
                                id="request_days"
                                name="request_days"
                                type="number"
                                min="1"
                                max="60"
                                value=current.to_string()
                            />
                            " 个工作日内答复 "
                            <button type="submit" class="button small">
                                "保存"
                            </button>
                        </form>
                    }
                })}
            </Suspense>
        </section>
    }
}

/// How long each group's files are kept after the relationship ends, and
/// why.
#[component]
fn Retention() -> impl IntoView {
    let save = Action::new(|(group, years, reason): &(String, String, String)| {
        save_retention_policy(group.clone(), years.clone(), reason.clone())
    });
    let policies = Resource::new(move || save.version().get(), |_| retention_policies());
    view! {
        <section class="card" aria-labelledby="retention-title">
            <h2 id="retention-title">"资料保留期限"</h2>
            <p class="form-note">
                "合作结束（档案停用）后保留多少年；届满的档案进入销毁审核。每项期限须写明依据。"
            </p>
            <ActionError action=save />
            <Suspense fallback=|| {
                view! { <p class="loading">"正在读取…"</p> }
            }>
                {move || Suspend::new(async move {
                    match policies.await {
                        Ok(list) => {
                            view! {
                                <div class="retention" data-testid="retention-policies">
                                    {list
                                        .into_iter()
                                        .map(|policy| {
                                            let form_ref = NodeRef::<leptos::html::Form>::new();
                                            let group = policy.group;
                                            let years_id = format!("years-{}", group.key());
                                            let years_for = years_id.clone();
                                            let reason_id = format!("reason-{}", group.key());
                                            let reason_for = reason_id.clone();
                                            let on_submit = move |event: leptos::ev::SubmitEvent| {
                                                event.prevent_default();
                                                if let Some(form) = form_ref.get_untracked() {
                                                    save.dispatch((
                                                        group.key().to_string(),
                                                        form_io::text(&form, "years"),
                                                        form_io::text(&form, "reason"),
                                                    ));
                                                }
                                            };
                                            view! {
                                                <form
                                                    class="inline-form"
                                                    node_ref=form_ref
                                                    on:submit=on_submit
                                                >
                                                    <h3>{group.label()}</h3>
                                                    <label for=years_for>"保留年限"</label>
                                                    <input
                                                        id=years_id
                                                        name="years"
                                                        type="number"
                                                        min="1"
                                                        max="50"
                                                        value=policy.years.to_string()
                                                    />
                                                    <label for=reason_for>"依据"</label>
                                                    <input
                                                        id=reason_id
                                                        name="reason"
                                                        type="text"
                                                        maxlength="300"
                                                        value=policy.reason.clone()
                                                    />
                                                    <button type="submit" class="button small">
                                                        "保存"
                                                    </button>
                                                </form>
                                            }
                                        })
                                        .collect_view()}
                                </div>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorBanner message=error.to_string() /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The verification cycle of each customer group, in months.
#[component]
fn Cycles() -> impl IntoView {
    let save = Action::new(|(group, months): &(String, String)| {
        save_verification_cycle(group.clone(), months.clone())
    });
    let cycles = Resource::new(move || save.version().get(), |_| get_verification_cycles());
    view! {
        <section class="card" aria-labelledby="cycles-title">
            <h2 id="cycles-title">"定期核对周期"</h2>
            <p class="form-note">
                "每类客户的档案多久核对一次（单位：月，默认 3 个月即每季度）。新周期从每份档案下一次核对或新建时起算，已排定的日期不变。"
            </p>
            <ActionError action=save />
            <Suspense fallback=|| {
                view! { <p class="loading">"正在读取…"</p> }
            }>
                {move || Suspend::new(async move {
                    match cycles.await {
                        Ok(cycles) => {
                            view! {
                                <div class="cycles" data-testid="cycles">
                                    {CustomerGroup::ALL
                                        .into_iter()
                                        .map(|group| {
                                            let form_ref = NodeRef::<leptos::html::Form>::new();
                                            let id = format!("cycle-{}", group.key());
                                            let label_for = id.clone();
                                            let on_submit = move |event: leptos::ev::SubmitEvent| {
                                                event.prevent_default();
                                                if let Some(form) = form_ref.get_untracked() {
                                                    save.dispatch((
                                                        group.key().to_string(),
                                                        form_io::text(&form, "months"),
                                                    ));
                                                }
                                            };
                                            view! {
                                                <form
                                                    class="inline-form"
                                                    node_ref=form_ref
                                                    on:submit=on_submit
                                                >
                                                    <label for=label_for>{group.label()}</label>
                                                    <input
                                                        id=id
                                                        name="months"
                                                        type="number"
                                                        min="1"
                                                        max=MAX_CYCLE_MONTHS.to_string()
                                                        value=cycles.of(group).to_string()
                                                    />
                                                    " 个月 "
                                                    <button type="submit" class="button small">
                                                        "保存"
                                                    </button>
                                                </form>
                                            }
                                        })
                                        .collect_view()}
                                </div>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorBanner message=error.to_string() /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The rules of the potential score and the watch list (数据分析).
#[component]
fn ScoreRulesSettings() -> impl IntoView {
    let save = Action::new(|rules: &ScoreRules| save_score_rules(rules.clone()));
    let rules = Resource::new(move || save.version().get(), |_| get_score_rules());
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let typo = RwSignal::new(None::<String>);
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(form) = form_ref.get_untracked() else {
            return;
        };
        match read_rules(&form) {
            Ok(rules) => {
                typo.set(None);
                save.dispatch(rules);
            }
            Err(message) => typo.set(Some(message)),
        }
    };
    view! {
        <section class="card" aria-labelledby="score-rules-title">
            <h2 id="score-rules-title">"潜力评估与风险关注规则"</h2>
            <p class="hint">
                "数据分析页按这些规则为在档客户计算潜力分，并列出需要关注的客户；每一项得分都会写明依据。信用等级只对同意“信用评估”的客户计分。"
            </p>
            {move || {
                typo.get()
                    .or_else(|| save.value().get().and_then(Result::err).map(|e| e.to_string()))
                    .map(|message| view! { <ErrorBanner message /> })
            }}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let current = rules.await.unwrap_or_default();
                    view! {
                        <form class="rules-form" node_ref=form_ref on:submit=on_submit>
                            {RULE_FIELDS
                                .iter()
                                .map(|(name, label, read)| {
                                    let id = format!("rule-{name}");
                                    view! {
                                        <div class="form-field">
                                            <label for=id.clone()>{*label}</label>
                                            <input
                                                id=id
                                                name=*name
                                                type="number"
                                                value=read(&current).to_string()
                                            />
                                        </div>
                                    }
                                })
                                .collect_view()}
                            <div class="form-actions">
                                <button type="submit" class="button primary">
                                    "保存规则"
                                </button>
                            </div>
                        </form>
                    }
                })}
            </Suspense>
        </section>
    }
}

/// Each rule's form control: its name, label, and its value in the rules.
type RuleField = (&'static str, &'static str, fn(&ScoreRules) -> i64);

const RULE_FIELDS: [RuleField; 13] = [
    ("land_step_mu", "土地：每多少亩计一次分", |r| {
        r.land_step_mu.into()
    }),
    ("land_points", "土地：每次计分", |r| {
        r.land_points.into()
    }),
    ("land_cap", "土地：最多计分", |r| r.land_cap.into()),
    ("cooperation_points", "合作记录：每次计分", |r| {
        r.cooperation_points.into()
    }),
    ("cooperation_cap", "合作记录：最多计分", |r| {
        r.cooperation_cap.into()
    }),
    ("credit_a", "信用 A 级计分", |r| r.credit_a.into()),
    ("credit_b", "信用 B 级计分", |r| r.credit_b.into()),
    ("credit_c", "信用 C 级计分", |r| r.credit_c.into()),
    ("credit_d", "信用 D 级计分（可为负）", |r| {
        r.credit_d.into()
    }),
    ("active_months", "活跃期（月）", |r| {
        r.active_months.into()
    }),
    ("active_points", "活跃期内有往来计分", |r| {
        r.active_points.into()
    }),
    ("high_potential", "高潜力分数线", |r| {
        r.high_potential.into()
    }),
    ("lapse_months", "多少个月无合作算中断", |r| {
        r.lapse_months.into()
    }),
];

/// The rules as typed, or which one is not a whole number.
fn read_rules(form: &web_sys::HtmlFormElement) -> Result<ScoreRules, String> {
    let label = |name: &str| {
        RULE_FIELDS
            .iter()
            .find(|(n, _, _)| *n == name)
            .map_or(name.to_string(), |(_, label, _)| (*label).to_string())
    };
    let value = |name: &str| -> Result<i64, String> {
        form_io::text(form, name)
            .trim()
            .parse::<i64>()
            .map_err(|_| format!("“{}”请填写整数", label(name)))
    };
    let count = |name: &str| -> Result<u32, String> {
        u32::try_from(value(name)?).map_err(|_| format!("“{}”不能为负数", label(name)))
    };
    let points = |name: &str| -> Result<i32, String> {
        i32::try_from(value(name)?).map_err(|_| format!("“{}”超出范围", label(name)))
    };
    Ok(ScoreRules {
        land_step_mu: count("land_step_mu")?,
        land_points: count("land_points")?,
        land_cap: count("land_cap")?,
        cooperation_points: count("cooperation_points")?,
        cooperation_cap: count("cooperation_cap")?,
        credit_a: points("credit_a")?,
        credit_b: points("credit_b")?,
        credit_c: points("credit_c")?,
        credit_d: points("credit_d")?,
        active_months: count("active_months")?,
        active_points: count("active_points")?,
        high_potential: points("high_potential")?,
        lapse_months: count("lapse_months")?,
    })
}
