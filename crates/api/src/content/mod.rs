//! The simple collections (`/albums`, `/songs`, …): one set of handlers, registered once
//! per kind.

pub(crate) mod routes;
pub(crate) mod view;
