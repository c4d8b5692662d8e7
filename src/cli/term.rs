//! The terminal: whether to colour, and progress that appears only when a run is slow.

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

/// ANSI colour for the text formats of `validate` and `probe`, on only where [`color`] says
/// so. The meaning is always in the words too: colour only repeats it.
#[derive(Clone, Copy, Debug)]
pub struct Paint {
    on: bool,
}

impl Paint {
    /// Colour for `stream` when it is a terminal and `NO_COLOR` is not set.
    pub fn for_stream(stream: &impl IsTerminal) -> Paint {
        Paint { on: color(stream) }
    }

    fn wrap(self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }

    pub fn bold(self, s: &str) -> String {
        self.wrap("1", s)
    }

    /// `[status]`, as the JSON names it in English (`[refused]`) and in the reader's words in
    /// Chinese (`[拒绝连接]`): green when `ok`, red otherwise.
    pub fn status(self, status: bindcheck::probe::Status, lang: bindcheck::validate::Lang) -> String {
        let word = match lang {
            bindcheck::validate::Lang::En => format!("[{status}]"),
            bindcheck::validate::Lang::ZhCn => format!("[{}]", status.label(lang)),
        };
        if status == bindcheck::probe::Status::Ok {
            self.wrap("32", &word)
        } else {
            self.wrap("1;31", &word)
        }
    }

    /// Text in a severity's colour: errors red, warnings yellow, information cyan.
    pub fn severity(self, severity: bindcheck::validate::Severity, s: &str) -> String {
        match severity {
            bindcheck::validate::Severity::Error => self.wrap("1;31", s),
            bindcheck::validate::Severity::Warning => self.wrap("1;33", s),
            bindcheck::validate::Severity::Info => self.wrap("36", s),
        }
    }

    /// Text that says all is well, in green.
    pub fn ok(self, s: &str) -> String {
        self.wrap("32", s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_repeats_what_the_words_say() {
        let on = Paint { on: true };
        let off = Paint { on: false };
        assert_eq!(
            off.status(bindcheck::probe::Status::Refused, bindcheck::validate::Lang::En),
            "[refused]"
        );
        assert_eq!(
            on.status(bindcheck::probe::Status::Refused, bindcheck::validate::Lang::En),
            "\x1b[1;31m[refused]\x1b[0m"
        );
        assert_eq!(
            on.status(bindcheck::probe::Status::Ok, bindcheck::validate::Lang::En),
            "\x1b[32m[ok]\x1b[0m"
        );
        assert_eq!(
            off.severity(bindcheck::validate::Severity::Warning, "warning"),
            "warning"
        );
    }
}
