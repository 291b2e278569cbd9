//! Progress bars for `folio backup create|verify|restore`: one per phase, on stderr, with the
//! count, the rate and the time taken. Drawn only on a terminal: piped or redirected, stderr
//! gets nothing from them (the summary line on stdout is the command's output).

use std::io::IsTerminal;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use folio_backup::{NoProgress, Phase, Progress};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// Bars when stderr is a terminal and `quiet` is not asked for, else nothing.
pub fn for_stderr(quiet: bool) -> Arc<dyn Progress> {
    if quiet || !std::io::stderr().is_terminal() {
        Arc::new(NoProgress)
    } else {
        Arc::new(Bars::default())
    }
}

/// The bar of the phase under way.
#[derive(Default)]
pub struct Bars {
    current: Mutex<Option<ProgressBar>>,
}

impl std::fmt::Debug for Bars {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bars").finish_non_exhaustive()
    }
}

fn style(phase: Phase, total: Option<u64>) -> ProgressStyle {
    let unit = phase.unit().as_str();
    let template = match total {
        Some(_) => format!("{{msg:32}} [{{bar:30}}] {{pos}}/{{len}} {unit}, {{rate}}, {{elapsed}}"),
        None => format!("{{spinner}} {{msg:30}} {{pos}} {unit}, {{rate}}, {{elapsed}}"),
    };
    let rate = move |state: &ProgressState, out: &mut dyn std::fmt::Write| {
        let _ = write!(out, "{:.0} {unit}/s", state.per_sec());
    };
    ProgressStyle::with_template(&template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .with_key("rate", rate)
        .progress_chars("=> ")
}

impl Progress for Bars {
    fn start(&self, phase: Phase, total: Option<u64>) {
        let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr())
            .with_style(style(phase, total))
            .with_message(phase.label());
        // Advances come in batches; the tick keeps the rate and the time moving between them.
        bar.enable_steady_tick(Duration::from_millis(200));
        if let Some(previous) = self.current.lock().unwrap_or_else(PoisonError::into_inner).replace(bar) {
            previous.finish();
        }
    }

    fn advance(&self, n: u64) {
        if let Some(bar) = self.current.lock().unwrap_or_else(PoisonError::into_inner).as_ref() {
            bar.inc(n);
        }
    }

    fn finish(&self) {
        if let Some(bar) = self.current.lock().unwrap_or_else(PoisonError::into_inner).take() {
            bar.finish();
        }
    }
}
