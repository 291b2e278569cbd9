//! End-to-end tests: the real `folio` binary, started on port 0 from an empty data directory.

mod articles;
mod auth;
mod backends;
mod backup;
mod backup_backends;
mod cache;
mod collections;
mod compat_lynx;
mod compat_nest;
mod config_cli;
mod docs;
mod health;
mod http_errors;
mod import;
mod interop;
mod media;
mod mongo;
mod seed;
mod shutdown;
mod support;
