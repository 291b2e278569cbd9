use std::str::FromStr;

use actix_web::{web, HttpResponse};
use folio_domain::users::{Email, NewPassword, NewUser, Role, UserChanges, UserId, UserName, UserStatus};
use folio_domain::{DomainError, PageRequest};
use folio_id::Snowflake;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::view::{UserPage, UserView};
use crate::auth::extract::SignedIn;
use crate::http::json::JsonBody;
use crate::http::problem::Problem;
use crate::http::query::QueryParams;
use crate::AppState;

routes!(
    ROUTES,
    routes,
    [
        (patch, "/me", update_me),
        (put, "/me/password", change_password),
        (get, "/users", list_users),
        (post, "/users", create_user),
        (get, "/users/{id}", get_user),
        (patch, "/users/{id}", update_user),
        (delete, "/users/{id}", delete_user),
    ]
);

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeRequest {
    #[schema(value_type = String, example = "Ada Lovelace")]
    name: UserName,
}

/// Change your own name.
#[utoipa::path(patch, path = "/api/v1/me", tag = "me", request_body = UpdateMeRequest,
    responses(
        (status = 200, body = UserView),
        (status = 401, body = Problem),
        (status = 422, body = Problem),
    ))]
pub(crate) async fn update_me(
    signed_in: SignedIn,
    state: web::Data<AppState>,
    body: JsonBody<UpdateMeRequest>,
) -> Result<HttpResponse, Problem> {
    let changes = UserChanges { name: Some(body.into_inner().name), ..UserChanges::default() };
    let user = state.users.update(signed_in.0.user.id, changes).await?;
    Ok(HttpResponse::Ok().json(UserView::from(&user)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    #[schema(format = Password)]
    current_password: String,
    #[schema(value_type = String, format = Password, min_length = 8)]
    new_password: NewPassword,
}

/// Change your password; every other session of yours ends.
#[utoipa::path(put, path = "/api/v1/me/password", tag = "me", request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Changed"),
        (status = 401, body = Problem),
        (status = 422, description = "Invalid body or wrong current password", body = Problem),
    ))]
pub(crate) async fn change_password(
    signed_in: SignedIn,
    state: web::Data<AppState>,
    body: JsonBody<ChangePasswordRequest>,
) -> Result<HttpResponse, Problem> {
    let ChangePasswordRequest { current_password, new_password } = body.into_inner();
    state.auth.change_password(&signed_in.0, &current_password, new_password).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListUsersQuery {
    /// 1-based page.
    page: Option<u32>,
    /// 1 to 100, default 20.
    per_page: Option<u32>,
}

/// Users in creation order (admin only).
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(ListUsersQuery),
    responses(
        (status = 200, body = UserPage),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 422, body = Problem),
    ))]
pub(crate) async fn list_users(
    signed_in: SignedIn,
    state: web::Data<AppState>,
    query: QueryParams<ListUsersQuery>,
) -> Result<HttpResponse, Problem> {
    signed_in.require_admin()?;
    let q = query.0;
    let page = PageRequest::new(q.page.unwrap_or(1), q.per_page.unwrap_or(20))?;
    let users = state.users.list(page).await?;
    let page = users.map(|u| UserView::from(&u));
    Ok(HttpResponse::Ok().json(UserPage {
        items: page.items,
        total: page.total,
        page: page.page,
        per_page: page.per_page,
        pages: page.pages,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    #[schema(value_type = String, example = "Ada Lovelace")]
    name: UserName,
    #[schema(value_type = String, example = "ada@example.com")]
    email: Email,
    #[schema(value_type = String, format = Password, min_length = 8)]
    password: NewPassword,
    /// `admin` or `editor` (default).
    #[schema(value_type = Option<String>, example = "editor")]
    role: Option<Role>,
    /// `active` (default), `unverified` or `banned`.
    #[schema(value_type = Option<String>, example = "active")]
    status: Option<UserStatus>,
}

/// Create a user (admin only).
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = CreateUserRequest,
    responses(
        (status = 201, body = UserView),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 409, description = "Email taken", body = Problem),
        (status = 422, body = Problem),
    ))]
pub(crate) async fn create_user(
    signed_in: SignedIn,
    state: web::Data<AppState>,
    body: JsonBody<CreateUserRequest>,
) -> Result<HttpResponse, Problem> {
    signed_in.require_admin()?;
    let b = body.into_inner();
    let user = state
        .users
        .create(NewUser {
            name: b.name,
            email: b.email,
            password: b.password,
            role: b.role.unwrap_or(Role::Editor),
            status: b.status.unwrap_or(UserStatus::Active),
        })
        .await?;
    Ok(HttpResponse::Created().json(UserView::from(&user)))
}

/// One user (admin only).
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, body = UserView),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
    ))]
pub(crate) async fn get_user(
    signed_in: SignedIn,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    signed_in.require_admin()?;
    let user = state.users.get(parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(UserView::from(&user)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    #[schema(value_type = Option<String>)]
    name: Option<UserName>,
    #[schema(value_type = Option<String>, example = "admin")]
    role: Option<Role>,
    #[schema(value_type = Option<String>, example = "banned")]
    status: Option<UserStatus>,
}

/// Change a user's role, status or name (admin only). Banning ends their sessions at once.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", request_body = UpdateUserRequest,
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, body = UserView),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 422, description = "Invalid body, or the last admin would be lost", body = Problem),
    ))]
pub(crate) async fn update_user(
    signed_in: SignedIn,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: JsonBody<UpdateUserRequest>,
) -> Result<HttpResponse, Problem> {
    signed_in.require_admin()?;
    let b = body.into_inner();
    let changes = UserChanges { name: b.name, role: b.role, status: b.status };
    let user = state.users.update(parse_id(&id)?, changes).await?;
    Ok(HttpResponse::Ok().json(UserView::from(&user)))
}

/// Delete a user and end their sessions (admin only).
#[utoipa::path(delete, path = "/api/v1/users/{id}", tag = "users", params(("id" = String, Path, description = "User id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 422, description = "The last admin cannot be deleted", body = Problem),
    ))]
pub(crate) async fn delete_user(
    signed_in: SignedIn,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    signed_in.require_admin()?;
    state.users.delete(parse_id(&id)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// An id that does not parse names no user: 404, like an unknown one.
fn parse_id(raw: &str) -> Result<UserId, Problem> {
    Snowflake::from_str(raw).map(UserId).map_err(|_| DomainError::NotFound { entity: "user" }.into())
}
