//! `/me` and the admin's `/users`.

pub(crate) mod routes;
pub(crate) mod view;
