//! Structured logs with `tracing-subscriber`: JSON lines in production, human-readable
//! otherwise. Logs go to stdout, one event per line.

use tracing_subscriber::EnvFilter;

use crate::settings::{LogFormat, LogSettings};

/// Where log lines go: the server logs to stdout; operator commands log to stderr so that
/// their own output stays clean for scripts.
#[derive(Debug, Clone, Copy)]
pub enum LogTarget {
    Stdout,
    Stderr,
}

pub fn init(log: &LogSettings, target: LogTarget) {
    // The filter was validated with the rest of the settings.
    let filter = EnvFilter::try_new(&log.filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let writer = tracing_subscriber::fmt::writer::BoxMakeWriter::new(move || -> Box<dyn std::io::Write> {
        match target {
            LogTarget::Stdout => Box::new(std::io::stdout()),
            LogTarget::Stderr => Box::new(std::io::stderr()),
        }
    });
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(writer);
    let result = match log.format {
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).with_span_list(false).try_init(),
        LogFormat::Pretty => builder.with_target(false).try_init(),
    };
    // Only fails when a subscriber is already installed (tests): keep that one.
    let _ = result;
}
