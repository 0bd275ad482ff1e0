//! `nongdang create-admin`: the first administrator, and any later one.

use std::io::BufRead;

use anyhow::{Context, bail};
use app::domain::audit::AuditAction;
use app::domain::{Role, Username};
use app::secure::password;
use app::store::{AuditEntry, NewUser};
use server::config::CreateAdminArgs;

pub async fn create_admin(args: CreateAdminArgs) -> anyhow::Result<()> {
    let username = Username::parse(&args.username).map_err(anyhow::Error::msg)?;
    let display_name = args.display_name.trim().to_string();
    if display_name.is_empty() || display_name.chars().count() > 30 {
        bail!("the display name must have 1 to 30 characters");
    }

    let secret = if args.password_stdin {
        password_from_stdin()?
    } else {
        password_from_terminal()?
    };
    let policy = args.auth.settings(false).password;
    policy
        .check(&secret, username.as_str())
        .map_err(anyhow::Error::msg)?;

    let store = super::open_store(&args.database).await?;
    let password_hash = password::hash(secret).await.map_err(anyhow::Error::msg)?;
    let user = NewUser {
        username: username.clone(),
        display_name,
        role: Role::Admin,
        regions: Vec::new(),
        password_hash,
        must_change_password: false,
    };
    let event = AuditEntry::command_line(AuditAction::UserCreate, username.as_str());
    let created = store
        .create_user(&user, &event)
        .await
        .map_err(|e| anyhow::anyhow!(e.log_safe()))?;
    if !created {
        bail!("the user name {} is taken", username.as_str());
    }
    tracing::info!(user.role = "admin", "administrator created");
    Ok(())
}

fn password_from_stdin() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from stdin")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

fn password_from_terminal() -> anyhow::Result<String> {
    let first = rpassword::prompt_password("新管理员密码 (new password): ")
        .context("reading the password; without a terminal use --password-stdin")?;
    let again = rpassword::prompt_password("再次输入 (again): ")?;
    if first != again {
        bail!("the two passwords differ");
    }
    Ok(first)
}
