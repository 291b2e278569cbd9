//! `/media` (uploads and their records) and `/files/{id}` (the bytes).

pub(crate) mod files;
pub(crate) mod routes;
pub(crate) mod upload;
pub(crate) mod view;
