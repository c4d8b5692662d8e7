//! The JSON report: the [`Report`] as it is, versioned by `schema_version` (docs/report.md).

use std::io;

use crate::report::Report;

pub fn render(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    writeln!(out)
}
