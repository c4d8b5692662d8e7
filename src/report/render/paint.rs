//! ANSI colour for the human text formats (the report's text, and the command line's
//! `validate` and `probe` text). Whether to colour is the caller's to decide (a terminal,
//! no `NO_COLOR`); the meaning is always in the words too: colour only repeats it.

use crate::probe::Status;
use crate::validate::{Lang, Severity};

#[derive(Clone, Copy, Debug)]
pub struct Paint {
    on: bool,
}

impl Paint {
    /// A painter that colours when `on`, and writes plain text otherwise.
    pub fn new(on: bool) -> Paint {
        Paint { on }
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

    /// Text in a severity's colour: errors red, warnings yellow, information cyan.
    pub fn severity(self, severity: Severity, s: &str) -> String {
        match severity {
            Severity::Error => self.wrap("1;31", s),
            Severity::Warning => self.wrap("1;33", s),
            Severity::Info => self.wrap("36", s),
        }
    }

    /// Text that says all is well, in green.
    pub fn ok(self, s: &str) -> String {
        self.wrap("32", s)
    }

    /// `[status]`, as the JSON names it in English (`[refused]`) and in the reader's words in
    /// Chinese (`[拒绝连接]`): green when `ok`, red otherwise.
    pub fn status(self, status: Status, lang: Lang) -> String {
        let word = match lang {
            Lang::En => format!("[{status}]"),
            Lang::ZhCn => format!("[{}]", status.label(lang)),
        };
        if status == Status::Ok {
            self.ok(&word)
        } else {
            self.severity(Severity::Error, &word)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_repeats_what_the_words_say() {
        let on = Paint::new(true);
        let off = Paint::new(false);
        assert_eq!(off.status(Status::Refused, Lang::En), "[refused]");
        assert_eq!(off.status(Status::Refused, Lang::ZhCn), "[拒绝连接]");
        assert_eq!(on.status(Status::Refused, Lang::En), "\x1b[1;31m[refused]\x1b[0m");
        assert_eq!(on.status(Status::Ok, Lang::En), "\x1b[32m[ok]\x1b[0m");
        assert_eq!(off.severity(Severity::Warning, "warning"), "warning");
    }
}
