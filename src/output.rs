//! Printing errors and diagnostics for people.

use std::io::{self, Write};

use renkei_model::Diagnostic;

use crate::CliError;

/// Prints a command failure to stderr.
pub(crate) fn print_error(error: &CliError) {
    let stderr = io::stderr();
    let mut err = stderr.lock();
    match error {
        CliError::Output(error) => {
            let _ = writeln!(err, "error: cannot write output: {error}");
        }
        CliError::Failed(messages) => {
            for message in messages {
                let _ = writeln!(err, "error: {message}");
            }
        }
    }
}

/// Prints diagnostics in the `severity[rule]: path:line:column: message` form.
pub(crate) fn print_diagnostics(out: &mut dyn Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
    for diagnostic in diagnostics {
        writeln!(
            out,
            "{}[{}]: {}:{}:{}: {}",
            diagnostic.severity,
            diagnostic.rule,
            diagnostic.path.display(),
            diagnostic.start.line,
            diagnostic.start.column,
            diagnostic.message
        )?;
        if let Some(help) = &diagnostic.help {
            writeln!(out, "  help: {help}")?;
        }
    }
    Ok(())
}
