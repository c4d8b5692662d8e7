//! Renderers: each writes a [`Report`] to any `io::Write`.

pub mod json;
pub mod junit;
pub mod markdown;
pub mod paint;
pub mod prometheus;
pub mod text;
pub mod words;

use std::io;

use super::Report;

/// The output formats of a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Text,
    Json,
    Junit,
    Markdown,
    Prometheus,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Text,
        Format::Json,
        Format::Junit,
        Format::Markdown,
        Format::Prometheus,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Junit => "junit",
            Format::Markdown => "markdown",
            Format::Prometheus => "prometheus",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == s).or(match s {
            // Short names, documented with --format. `xml` is not one: JUnit is one of
            // several XML formats, and the name says which.
            "md" => Some(Format::Markdown),
            "prom" => Some(Format::Prometheus),
            "txt" => Some(Format::Text),
            _ => None,
        })
    }
}

/// Options that change how a report looks, not what it says.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// ANSI colour in the text format (only ever on a terminal, and never with NO_COLOR).
    pub color: bool,
    /// JUnit: warnings are failures (`--fail-on warning`).
    pub warnings_fail: bool,
}

/// Writes `report` in `format`.
pub fn render(format: Format, report: &Report, out: &mut dyn io::Write, options: Options) -> io::Result<()> {
    match format {
        Format::Text => text::render(report, out, options),
        Format::Json => json::render(report, out),
        Format::Junit => junit::render(report, out, options),
        Format::Markdown => markdown::render(report, out),
        Format::Prometheus => prometheus::render(report, out),
    }
}
