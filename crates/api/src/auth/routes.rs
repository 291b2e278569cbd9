//! `/auth/*`: sign in, sign out, who am I, open registration.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use folio_domain::users::{Email, NewPassword, NewUser, Role, UserName, UserStatus};
use serde::Deserialize;
use utoipa::ToSchema;

use super::extract::{client_info, SignedIn};
use crate::http::json::JsonBody;
use crate::http::problem::Problem;
use crate::users::view::UserView;
use crate::AppState;

routes!(
    ROUTES,
    routes,
    [
        (post, "/auth/login", login),
        (post, "/auth/logout", logout),
        (get, "/auth/session", session),
        (post, "/auth/register", register),
    ]
);

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "ada@example.com")]
    email: String,
    #[schema(format = Password)]
    password: String,
}

/// Sign in: sets the session cookie (a fresh id every time) and returns the user.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; `Set-Cookie` carries the session", body = UserView),
        (status = 401, description = "Wrong email or password", body = Problem),
        (status = 403, description = "Account banned or unverified", body = Problem),
        (status = 422, description = "Invalid body", body = Problem),
        (status = 429, description = "Too many failed attempts; see Retry-After", body = Problem),
    ))]
pub(crate) async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: JsonBody<LoginRequest>,
) -> Result<HttpResponse, Problem> {
    let LoginRequest { email, password } = body.into_inner();
    let previous = state.session_cookie.read(&req);
    let (user, session_id) = state.auth.login(&email, &password, client_info(&req), previous.as_ref()).await?;
    Ok(HttpResponse::Ok().cookie(state.session_cookie.issue(&session_id)).json(UserView::from(&user)))
}

/// Sign out: the session is deleted server-side and the cookie cleared.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204, description = "Signed out (also when no session was open)")))]
pub(crate) async fn logout(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    if let Some(id) = state.session_cookie.read(&req) {
        state.auth.logout(&id).await?;
    }
    Ok(HttpResponse::NoContent().cookie(state.session_cookie.clear()).finish())
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/auth/session", tag = "auth",
    responses(
        (status = 200, description = "The signed-in user", body = UserView),
        (status = 401, description = "Not signed in", body = Problem),
    ))]
pub(crate) async fn session(signed_in: SignedIn) -> HttpResponse {
    HttpResponse::Ok().json(UserView::from(&signed_in.0.user))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    #[schema(value_type = String, example = "Ada Lovelace")]
    name: UserName,
    #[schema(value_type = String, example = "ada@example.com")]
    email: Email,
    #[schema(value_type = String, format = Password, min_length = 8)]
    password: NewPassword,
}

/// Self-registration, only when `AUTH_OPEN_REGISTRATION=true`; new users are editors.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "auth", request_body = RegisterRequest,
    responses(
        (status = 201, description = "Registered", body = UserView),
        (status = 403, description = "Registration is closed", body = Problem),
        (status = 409, description = "Email taken", body = Problem),
        (status = 422, description = "Invalid body", body = Problem),
    ))]
pub(crate) async fn register(
    state: web::Data<AppState>,
    body: JsonBody<RegisterRequest>,
) -> Result<HttpResponse, Problem> {
    if !state.open_registration {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "registration_closed",
            "registration is closed; an admin creates accounts",
        ));
    }
    let RegisterRequest { name, email, password } = body.into_inner();
    let user =
        state.users.create(NewUser { name, email, password, role: Role::Editor, status: UserStatus::Active }).await?;
    Ok(HttpResponse::Created().json(UserView::from(&user)))
}
