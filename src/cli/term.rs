//! The terminal: whether to colour, and progress that appears only when a run is slow.

pub use bindcheck::report::render::paint::Paint;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{self, IsTerminal};
use std::time::Duration;

/// Whether to colour output to `stream`: only on a terminal, and never with `NO_COLOR` set
/// to anything but the empty string (no-color.org).
pub fn color(stream: &impl IsTerminal) -> bool {
    stream.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// A spinner on standard error, shown only when the run takes longer than a second and
/// standard error is a terminal.
pub fn delayed_progress(endpoints: usize) -> ProgressBar {
    delayed_spinner(format!("probing {endpoints} endpoint(s)"))
}

/// A spinner on standard error saying `what` is under way, shown only when the run takes
/// longer than a second and standard error is a terminal.
pub fn delayed_spinner(what: String) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
    if io::stderr().is_terminal() {
        bar.set_style(ProgressStyle::with_template("{spinner} {msg} ({elapsed})").expect("template"));
        bar.set_message(what);
        let shown = bar.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            shown.set_draw_target(ProgressDrawTarget::stderr());
            shown.enable_steady_tick(Duration::from_millis(120));
        });
    }
    bar
}

/// The painter for `stream`: colour when it is a terminal and `NO_COLOR` is not set.
pub fn paint_for(stream: &impl IsTerminal) -> Paint {
    Paint::new(color(stream))
}
