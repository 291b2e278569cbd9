//! `/media` (uploads and their records) and `/files/{id}` (the bytes).

pub(crate) mod files;
pub(crate) mod routes;
mod upload;
pub(crate) mod view;
