//! `--format github`: one GitHub Actions workflow command per finding, which the Actions
//! runner shows as an annotation on the line.

use std::io::{self, Write};

use renkei_model::RuleMeta;

use super::{Finding, Printer, Summary};

pub(super) struct Github;

impl Printer for Github {
    fn start(&mut self, _: &mut dyn Write, _: &[RuleMeta]) -> io::Result<()> {
        Ok(())
    }

    /// Data escapes `%`, CR and LF; properties also `:` and `,`.
    fn finding(&mut self, out: &mut dyn Write, finding: &Finding<'_>) -> io::Result<()> {
        let d = finding.diagnostic;
        let data = |text: &str| {
            text.replace('%', "%25")
                .replace('\r', "%0D")
                .replace('\n', "%0A")
        };
        let property = |text: &str| data(text).replace(':', "%3A").replace(',', "%2C");
        // The workflow commands are named like renkei's severities.
        let command = d.severity.as_str();
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            property(&finding.paths.display(&d.path)),
            d.start.line,
            d.start.column,
            d.end.line,
            d.end.column,
            property(&d.rule),
            data(&d.message)
        )
    }

    fn finish(&mut self, _: &mut dyn Write, _: &Summary) -> io::Result<()> {
        Ok(())
    }
}
