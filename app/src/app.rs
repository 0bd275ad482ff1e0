//! The document shell and the routes.

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::components::layout::SignedInLayout;
use crate::pages::{
    account::PasswordPage,
    analysis::AnalysisPage,
    audit::AuditPage,
    backups::BackupsPage,
    consent_form::ConsentFormPage,
    cover::CoverPage,
    customer::CustomerPage,
    disposal::{DisposalPage, RegisterPage},
    due::DuePage,
    edit::EditPage,
    feedback::FeedbackPage,
    home::HomePage,
    intake::IntakePage,
    login::LoginPage,
    not_found::NotFound,
    quality::QualityPage,
    requests::{CopyPage, RequestsPage},
    roster::RosterPage,
    search::SearchPage,
    settings::SettingsPage,
    tasks::TasksPage,
    users::UsersPage,
    verify::VerifyPage,
};

/// Brand colour of the app bar, also the browser's theme colour.
pub const THEME_COLOR: &str = "#1d6b45";

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="zh-CN">
            <head>
                <meta charset="utf-8" />
                <meta
                    name="viewport"
                    content="width=device-width, initial-scale=1, viewport-fit=cover"
                />
                <meta name="theme-color" content=THEME_COLOR />
                <meta name="description" content="农业合作社客户档案管理系统" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="icon" href="/icons/icon.svg" type="image/svg+xml" />
                <link rel="apple-touch-icon" href="/icons/icon-192.png" />
                <leptos_meta::HashedStylesheet options=options.clone() id="leptos" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The app: the sign-in page, and one page per route inside the signed-in frame.
///
/// Signed-in pages render in one piece (`SsrMode::Async`): the server knows
/// who is asking before it sends a byte, so a page without a session can
/// answer with a real redirect to the sign-in page.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    // Tells browser tests, and the styles, that the page is interactive.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Title formatter=|page: String| format!("{page} · 农档") />
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=LoginPage />
                <ParentRoute path=path!("") view=SignedInLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=HomePage />
                    <Route path=path!("intake") view=IntakePage />
                    <Route path=path!("customers") view=SearchPage />
                    <Route path=path!("customers/:code") view=CustomerPage />
                    <Route path=path!("customers/:code/edit") view=EditPage />
                    <Route path=path!("customers/:code/cover") view=CoverPage />
                    <Route path=path!("customers/:code/verify") view=VerifyPage />
                    <Route path=path!("customers/:code/consent-form") view=ConsentFormPage />
                    <Route path=path!("consent-form") view=ConsentFormPage />
                    <Route path=path!("subsidy-roster") view=RosterPage />
                    <Route path=path!("due") view=DuePage />
                    <Route path=path!("follow-ups") view=TasksPage />
                    <Route path=path!("quality") view=QualityPage />
                    <Route path=path!("analysis") view=AnalysisPage />
                    <Route path=path!("feedback") view=FeedbackPage />
                    <Route path=path!("disposal") view=DisposalPage />
                    <Route path=path!("requests") view=RequestsPage />
                    <Route path=path!("customers/:code/copy") view=CopyPage />
                    <Route path=path!("disposal/register") view=RegisterPage />
                    <Route path=path!("account/password") view=PasswordPage />
                    <Route path=path!("admin/users") view=UsersPage />
                    <Route path=path!("admin/settings") view=SettingsPage />
                    <Route path=path!("admin/backups") view=BackupsPage />
                    <Route path=path!("audit") view=AuditPage />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
