//! The NestJS template's `/api/user/*` over Folio's users and sessions: register, sign in
//! (Folio's signed, HttpOnly session cookie), profile, sign out.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::SecondsFormat;
use folio_domain::auth::Authenticated;
use folio_domain::users::{Email, NewPassword, NewUser, Role, User, UserName, UserStatus};
use serde_json::{json, Map, Value};

use super::errors::{NestError, Nx};
use super::validation::Rules;
use crate::auth::extract::{authenticate, client_info};
use crate::http::json::JsonBody;
use crate::AppState;

/// A user as the template answered it: no password, the status as its numeric code
/// (0 active, 1 unverified, 2 banned).
fn view(user: &User) -> Value {
    let time = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(SecondsFormat::Millis, true);
    json!({
        "id": user.id.to_string(),
        "name": user.name.as_str(),
        "email": user.email.as_str(),
        "status": user.status.legacy_code(),
        "lastLoginAt": user.last_login_at.map(time),
        "createdAt": time(user.created_at),
        "updatedAt": time(user.updated_at),
    })
}

/// The template's `code` (a 4-character verification code): required and checked for
/// shape, as its DTO did; like the template, nothing verifies it further.
fn check_code(rules: &mut Rules, body: &Map<String, Value>) {
    if rules.string(body, "code").is_some() {
        rules.length(body, "code", 4, Some(4));
    }
}

/// `POST /api/user/register` → 201 with the user. Bound by `AUTH_OPEN_REGISTRATION`
/// like `/api/v1/auth/register` (403 when closed): one registration policy, whichever
/// route a client uses. New users are editors, as open registration makes them.
pub(crate) async fn register(
    state: web::Data<AppState>,
    body: Nx<JsonBody<Map<String, Value>>>,
) -> Result<HttpResponse, NestError> {
    if !state.open_registration {
        return Err(NestError::new(StatusCode::FORBIDDEN, "registration is closed; an admin creates accounts"));
    }
    let body = body.0.into_inner();
    let mut rules = Rules::default();
    if rules.string(&body, "name").is_some() {
        rules.length(&body, "name", 2, Some(10));
    }
    if rules.email(&body, "email").is_some() {
        rules.length(&body, "email", 4, Some(32));
    }
    if rules.string(&body, "password").is_some() {
        // The template allowed 6 to 20 characters; Folio's own minimum (8) holds too.
        rules.length(&body, "password", NewPassword::MIN_CHARS, Some(20));
    }
    check_code(&mut rules, &body);
    if !rules.messages.is_empty() {
        return Err(NestError::validation(rules.messages));
    }
    let text = |field: &str| body.get(field).and_then(Value::as_str).unwrap_or_default().to_owned();
    let invalid = |message: String| NestError::validation(vec![message]);
    let name = UserName::parse(&text("name")).map_err(|m| invalid(format!("name: {m}")))?;
    let email = Email::parse(&text("email")).map_err(|_| invalid("email must be an email".to_owned()))?;
    let password = NewPassword::parse(text("password")).map_err(|m| invalid(format!("password: {m}")))?;
    let user =
        state.users.create(NewUser { name, email, password, role: Role::Editor, status: UserStatus::Active }).await?;
    Ok(HttpResponse::Created().json(view(&user)))
}

/// `POST /api/user/login` → 200 with the user and the session cookie. The template's
/// length limits on the password are not applied here: accounts made through Folio may
/// have longer ones.
pub(crate) async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Nx<JsonBody<Map<String, Value>>>,
) -> Result<HttpResponse, NestError> {
    let body = body.0.into_inner();
    let mut rules = Rules::default();
    let email = rules.email(&body, "email");
    let password = rules.string(&body, "password");
    if password.is_some() {
        rules.length(&body, "password", 1, None);
    }
    check_code(&mut rules, &body);
    let (Some(email), Some(password), true) = (email, password, rules.messages.is_empty()) else {
        return Err(NestError::validation(rules.messages));
    };
    let previous = state.session_cookie.read(&req);
    let (user, session) = state.auth.login(email, password, client_info(&req), previous.as_ref()).await?;
    Ok(HttpResponse::Ok().cookie(state.session_cookie.issue(&session)).json(view(&user)))
}

async fn signed_in(req: &HttpRequest) -> Result<Authenticated, NestError> {
    authenticate(req.clone()).await?.ok_or_else(NestError::unauthorized)
}

/// `GET /api/user/profile` → the signed-in user, or 401.
pub(crate) async fn profile(req: HttpRequest) -> Result<HttpResponse, NestError> {
    let user = signed_in(&req).await?;
    Ok(HttpResponse::Ok().json(view(&user.user)))
}

/// `POST /api/user/logout` → 200, the session deleted server-side and the cookie cleared
/// (401 without a session, as the template's guard answered).
pub(crate) async fn logout(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, NestError> {
    let user = signed_in(&req).await?;
    state.auth.logout(&user.session_id).await?;
    Ok(HttpResponse::Ok().cookie(state.session_cookie.clear()).finish())
}
