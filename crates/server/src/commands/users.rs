//! `folio seed` and `folio users …`: operator commands on the configured database.

use std::io::BufRead;
use std::str::FromStr;

use anyhow::{anyhow, bail, Context};
use folio_domain::users::{Email, NewPassword, NewUser, Role, User, UserChanges, UserId, UserName, UserStatus};
use folio_domain::{DomainError, PageRequest};
use folio_id::Snowflake;
use secrecy::ExposeSecret;

use crate::cli::UsersAction;
use crate::settings::Settings;
use crate::wiring::{self, Services};

/// Creates the first admin unless a user with that email exists. The password comes from
/// FOLIO_ADMIN_PASSWORD, or is generated and printed once.
/// `folio seed [--demo]`: the first admin (when FOLIO_ADMIN_EMAIL is set; required without
/// `--demo`), and the demo site when asked.
pub async fn seed(settings: Settings, demo: bool) -> anyhow::Result<()> {
    if settings.admin.email.is_none() && demo {
        let services = wiring::build(&settings).await?;
        let loaded = super::demo::load(&services).await;
        services.shutdown().await?;
        return loaded;
    }
    let Some(email) = settings.admin.email.clone() else {
        bail!("set FOLIO_ADMIN_EMAIL to the first admin's email address");
    };
    let email = Email::parse(&email).map_err(|e| anyhow!("FOLIO_ADMIN_EMAIL: {e}"))?;
    let name = UserName::parse(&settings.admin.name).map_err(|e| anyhow!("FOLIO_ADMIN_NAME: {e}"))?;
    let (password, generated) = match &settings.admin.password {
        Some(p) => (p.expose_secret().to_owned(), false),
        None => (folio_crypto::random_token(18), true),
    };
    let password = NewPassword::parse(password).map_err(|e| anyhow!("FOLIO_ADMIN_PASSWORD: {e}"))?;
    let services = wiring::build(&settings).await?;
    let (user, created) = services.users.ensure_admin(name, email, password.clone()).await.map_err(domain)?;
    if created {
        println!("created admin {} ({})", user.email, user.id);
        if generated {
            println!("password: {}", password.expose());
            println!("(shown once; change it after signing in)");
        }
    } else {
        println!("admin {} already exists; nothing changed", user.email);
    }
    let loaded = if demo { super::demo::load(&services).await } else { Ok(()) };
    services.shutdown().await?;
    loaded
}

pub async fn run(settings: Settings, action: UsersAction) -> anyhow::Result<()> {
    let services = wiring::build(&settings).await?;
    let result = dispatch(&services, action).await;
    services.shutdown().await?;
    result
}

async fn dispatch(services: &Services, action: UsersAction) -> anyhow::Result<()> {
    let users = &services.users;
    match action {
        UsersAction::Create { email, name, role, password_stdin } => {
            let (password, generated) = password_from(password_stdin)?;
            let user = users
                .create(NewUser {
                    name: UserName::parse(&name).map_err(|e| anyhow!("--name: {e}"))?,
                    email: Email::parse(&email).map_err(|e| anyhow!("--email: {e}"))?,
                    password: password.clone(),
                    role: Role::parse(&role).map_err(|e| anyhow!("--role: expected {e}"))?,
                    status: UserStatus::Active,
                })
                .await
                .map_err(domain)?;
            println!("created {}", line(&user));
            if generated {
                println!("password: {}", password.expose());
            }
        }
        UsersAction::List { page, per_page } => {
            let page = users.list(PageRequest::new(page, per_page).map_err(domain)?).await.map_err(domain)?;
            println!("{:<20} {:<8} {:<11} email", "id", "role", "status");
            for user in &page.items {
                println!("{}", line(user));
            }
            println!("page {} of {} ({} users)", page.page, page.pages.max(1), page.total);
        }
        UsersAction::SetRole { user, role } => {
            let role = Role::parse(&role).map_err(|e| anyhow!("role: expected {e}"))?;
            let id = resolve(services, &user).await?;
            let changes = UserChanges { role: Some(role), ..UserChanges::default() };
            println!("updated {}", line(&users.update(id, changes).await.map_err(domain)?));
        }
        UsersAction::Ban { user } => set_status(services, &user, UserStatus::Banned).await?,
        UsersAction::Unban { user } => set_status(services, &user, UserStatus::Active).await?,
        UsersAction::ResetPassword { user, password_stdin } => {
            let (password, generated) = password_from(password_stdin)?;
            let id = resolve(services, &user).await?;
            let user = users.reset_password(id, password.clone()).await.map_err(domain)?;
            println!("password reset for {}; every session ended", user.email);
            if generated {
                println!("password: {}", password.expose());
            }
        }
    }
    Ok(())
}

async fn set_status(services: &Services, user: &str, status: UserStatus) -> anyhow::Result<()> {
    let id = resolve(services, user).await?;
    let changes = UserChanges { status: Some(status), ..UserChanges::default() };
    let user = services.users.update(id, changes).await.map_err(domain)?;
    println!("updated {}", line(&user));
    Ok(())
}

/// A user named by id or by email.
async fn resolve(services: &Services, user: &str) -> anyhow::Result<UserId> {
    if let Ok(id) = Snowflake::from_str(user) {
        return Ok(UserId(id));
    }
    let email = Email::parse(user).map_err(|_| anyhow!("`{user}` is neither a user id nor an email address"))?;
    services
        .users
        .find_by_email(&email)
        .await
        .map_err(domain)?
        .map(|u| u.id)
        .ok_or_else(|| anyhow!("no user has the email {email}"))
}

fn password_from(stdin: bool) -> anyhow::Result<(NewPassword, bool)> {
    if stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).context("reading the password")?;
        let password = line.trim_end_matches(['\r', '\n']).to_owned();
        return Ok((NewPassword::parse(password).map_err(|e| anyhow!("password: {e}"))?, false));
    }
    let generated = folio_crypto::random_token(18);
    Ok((NewPassword::parse(generated).map_err(|e| anyhow!(e))?, true))
}

fn line(user: &User) -> String {
    format!("{:<20} {:<8} {:<11} {}", user.id.to_string(), user.role.as_str(), user.status.as_str(), user.email)
}

fn domain(error: DomainError) -> anyhow::Error {
    match error {
        DomainError::Invalid(errors) => {
            anyhow!("{}", errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; "))
        }
        other => anyhow!("{other}"),
    }
}
