//! One module per subcommand.

pub mod backup;
pub mod config;
pub mod demo;
pub mod import;
pub mod keys;
pub mod migrate;
pub mod progress_bars;
pub mod serve;
pub mod starting;
pub mod users;
