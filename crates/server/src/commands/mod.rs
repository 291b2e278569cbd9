//! One module per subcommand.

pub mod config;
pub mod demo;
pub mod import;
pub mod keys;
pub mod migrate;
pub mod serve;
pub mod starting;
pub mod users;
