//! `--format concise`: one line per finding, `path:line:column: severity[rule] message`,
//! the form editors' quickfix lists and `grep -n` readers parse.

use std::io::{self, Write};

use renkei_model::RuleMeta;

use super::{Finding, Printer, Summary};

pub(super) struct Concise;

impl Printer for Concise {
    fn start(&mut self, _: &mut dyn Write, _: &[RuleMeta]) -> io::Result<()> {
        Ok(())
    }

    fn finding(&mut self, out: &mut dyn Write, finding: &Finding<'_>) -> io::Result<()> {
        let d = finding.diagnostic;
        // One line each, whatever the message holds.
        let message = d.message.replace(['\r', '\n'], " ");
        writeln!(
            out,
            "{}:{}:{}: {}[{}] {message}",
            finding.paths.display(&d.path),
            d.start.line,
            d.start.column,
            d.severity.as_str(),
            d.rule,
        )
    }

    fn finish(&mut self, _: &mut dyn Write, _: &Summary) -> io::Result<()> {
        Ok(())
    }
}
