//! Signing in, sessions, lockout and account administration.

mod support;

use std::time::Duration;

use app::api::caller::AuthSettings;
use app::domain::Role;
use axum::http::StatusCode;
use serde_json::json;
use support::{PASSWORD, TestApp, session_cookie};

#[tokio::test]
async fn signing_in_sets_a_strict_http_only_cookie_and_names_the_user() {
    let app = TestApp::spawn().await;
    let username = app.create_account(Role::Staff, &["510104"], false).await;

    let answer = app
        .anonymous()
        .call(
            "sign_in",
            json!({ "username": username, "password": PASSWORD }),
        )
        .await;

    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body["role"], json!("staff"));
    let set_cookie = answer
        .headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(set_cookie.contains("HttpOnly"));
    assert!(set_cookie.contains("SameSite=Strict"));
    assert!(set_cookie.contains("Max-Age=43200"));
    let session = app.sign_in(&username).await;
    let me = session.call("session_user", json!({})).await;
    assert_eq!(me.body["username"], json!(username));
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let username = app.create_account(Role::Staff, &["510104"], false).await;
    let anonymous = app.anonymous();

    let wrong = anonymous
        .call(
            "sign_in",
            json!({ "username": username, "password": "Wrong-pass-2026" }),
        )
        .await;
    let unknown = anonymous
        .call(
            "sign_in",
            json!({ "username": "nobody", "password": PASSWORD }),
        )
        .await;

    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.status, unknown.status);
    assert_eq!(wrong.body, unknown.body);
    assert!(session_cookie(&wrong.headers).is_none());
}

#[tokio::test]
async fn five_failures_lock_the_account_until_the_lock_runs_out() {
    let settings = AuthSettings {
        lock_for: Duration::from_secs(2),
        ..AuthSettings::default()
    };
    let app = TestApp::with_settings(settings).await;
    let username = app.create_account(Role::Staff, &["510104"], false).await;
    let anonymous = app.anonymous();
    let attempt = |password: &'static str| {
        let (anonymous, username) = (anonymous.clone(), username.clone());
        async move {
            anonymous
                .call(
                    "sign_in",
                    json!({ "username": username, "password": password }),
                )
                .await
        }
    };

    for _ in 0..5 {
        assert_eq!(
            attempt("Wrong-pass-2026").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let while_locked = attempt(PASSWORD).await;
    tokio::time::sleep(Duration::from_millis(2_200)).await;
    let after_lock = attempt(PASSWORD).await;

    assert_eq!(while_locked.status, StatusCode::UNAUTHORIZED);
    assert_eq!(after_lock.status, StatusCode::OK);
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;

    let out = clerk.call("sign_out", json!({})).await;
    let after = clerk.search("").await;

    assert_eq!(out.status, StatusCode::OK);
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        clerk.call("session_user", json!({})).await.body,
        json!(null)
    );
}

#[tokio::test]
async fn an_idle_session_expires() {
    let settings = AuthSettings {
        idle: Duration::from_secs(2),
        ..AuthSettings::default()
    };
    let app = TestApp::with_settings(settings).await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;

    let fresh = clerk.search("").await;
    tokio::time::sleep(Duration::from_millis(2_300)).await;
    let idle = clerk.search("").await;

    assert_eq!(fresh.status, StatusCode::OK);
    assert_eq!(idle.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_session_ends_at_its_absolute_limit_even_when_used() {
    let settings = AuthSettings {
        absolute: Duration::from_secs(3),
        ..AuthSettings::default()
    };
    let app = TestApp::with_settings(settings).await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;
    let signed_in_at = std::time::Instant::now();

    // In use every 400 ms, so never idle; the session still ends at 3 s.
    while signed_in_at.elapsed() < Duration::from_secs(2) {
        assert_eq!(clerk.search("").await.status, StatusCode::OK);
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    tokio::time::sleep(Duration::from_millis(3_200).saturating_sub(signed_in_at.elapsed())).await;

    assert_eq!(clerk.search("").await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_new_account_must_replace_its_initial_password_before_any_work() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin, &[]).await;
    let form = json!({
        "username": "wang.fang", "display_name": "王芳", "role": "staff",
        "regions": "510104", "password": "Initial-pass-01", "disabled": false,
    });
    assert_eq!(
        admin
            .call("create_user", json!({ "form": form }))
            .await
            .status,
        StatusCode::OK
    );
    let answer = app
        .anonymous()
        .call(
            "sign_in",
            json!({ "username": "wang.fang", "password": "Initial-pass-01" }),
        )
        .await;
    let cookie = session_cookie(&answer.headers).expect("signed in");
    let staff = support::Client::with_cookie(&app, &cookie);

    let before = staff.search("").await;
    let changed = staff
        .call(
            "change_password",
            json!({ "current": "Initial-pass-01", "new": "Own-choice-2026" }),
        )
        .await;
    let after = staff.search("").await;

    assert_eq!(before.status, StatusCode::FORBIDDEN);
    assert_eq!(before.body, json!("PasswordChangeRequired"));
    assert_eq!(changed.status, StatusCode::OK);
    assert_eq!(after.status, StatusCode::OK);
}

#[tokio::test]
async fn a_weak_new_password_is_refused_with_the_rule() {
    let app = TestApp::spawn().await;
    let clerk = app.signed_in(Role::Archivist, &[]).await;

    let answer = clerk
        .call(
            "change_password",
            json!({ "current": PASSWORD, "new": "short" }),
        )
        .await;

    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer.body["Invalid"][0]["field"], json!("password"));
    assert!(
        answer.body["Invalid"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("12"))
    );
}

#[tokio::test]
async fn the_last_administrator_cannot_be_disabled_or_demoted() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin, &[]).await;
    let form = |role: &str, disabled: bool| {
        json!({ "form": {
            "username": admin.username, "display_name": "管理员", "role": role,
            "regions": "", "password": "", "disabled": disabled,
        }})
    };

    let disabled = admin.call("update_user", form("admin", true)).await;
    let demoted = admin.call("update_user", form("archivist", false)).await;

    assert_eq!(disabled.status, StatusCode::CONFLICT);
    assert_eq!(demoted.status, StatusCode::CONFLICT);
    // With a second administrator the first may step down.
    app.create_account(Role::Admin, &[], false).await;
    assert_eq!(
        admin
            .call("update_user", form("archivist", false))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_disabled_account_loses_its_session_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin, &[]).await;
    let staff = app.signed_in(Role::Staff, &["510104"]).await;
    assert_eq!(staff.search("").await.status, StatusCode::OK);

    let form = json!({ "form": {
        "username": staff.username, "display_name": "测试业务员", "role": "staff",
        "regions": "510104", "password": "", "disabled": true,
    }});
    assert_eq!(admin.call("update_user", form).await.status, StatusCode::OK);

    assert_eq!(staff.search("").await.status, StatusCode::UNAUTHORIZED);
    let again = app
        .anonymous()
        .call(
            "sign_in",
            json!({ "username": staff.username, "password": PASSWORD }),
        )
        .await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_reset_password_works_once_and_must_then_be_changed() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(Role::Admin, &[]).await;
    let staff = app.signed_in(Role::Staff, &["510104"]).await;

    let reset = admin
        .call(
            "reset_password",
            json!({ "username": staff.username, "password": "Temporary-2026" }),
        )
        .await;

    assert_eq!(reset.status, StatusCode::OK);
    assert_eq!(staff.search("").await.status, StatusCode::UNAUTHORIZED);
    let signed_in = app
        .anonymous()
        .call(
            "sign_in",
            json!({ "username": staff.username, "password": "Temporary-2026" }),
        )
        .await;
    assert_eq!(signed_in.body["must_change_password"], json!(true));
}
