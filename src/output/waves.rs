//! The waves of a plan: a line per wave, JSON, or a Mermaid gantt chart.

use std::io::{self, Write};

/// A wave: the gate its phases wait on, and their ids.
pub(crate) type Wave = (String, Vec<String>);

/// How to print waves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum WavesFormat {
    /// A line per wave: its number, its gate, its phases.
    Human,
    /// `{"waves": [{"wave": 1, "gate": "preconditions", "phases": ["T1", "T2"]}, ...]}`.
    Json,
    /// A Mermaid gantt chart, a bar per phase and a section per wave.
    Mermaid,
}

/// Prints `waves` as `format` says.
pub(crate) fn print_waves(
    out: &mut dyn Write,
    format: WavesFormat,
    waves: &[Wave],
) -> io::Result<()> {
    match format {
        WavesFormat::Human => {
            for (number, (gate, phases)) in waves.iter().enumerate() {
                writeln!(out, "wave {} ({gate}): {}", number + 1, phases.join(", "))?;
            }
            let phases: usize = waves.iter().map(|(_, phases)| phases.len()).sum();
            let widest = waves
                .iter()
                .map(|(_, phases)| phases.len())
                .max()
                .unwrap_or(0);
            writeln!(
                out,
                "{} {}, {phases} {}, at most {widest} at once",
                waves.len(),
                if waves.len() == 1 { "wave" } else { "waves" },
                if phases == 1 { "phase" } else { "phases" },
            )
        }
        WavesFormat::Json => {
            let waves: Vec<serde_json::Value> = waves
                .iter()
                .enumerate()
                .map(|(number, (gate, phases))| {
                    serde_json::json!({"wave": number + 1, "gate": gate, "phases": phases})
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &serde_json::json!({ "waves": waves }))?;
            writeln!(out)
        }
        WavesFormat::Mermaid => {
            // Each wave is one unit of time; a bar per phase, in its wave's section.
            writeln!(out, "gantt")?;
            writeln!(out, "  title Plan waves")?;
            writeln!(out, "  dateFormat X")?;
            writeln!(out, "  axisFormat %s")?;
            let mut task = 0;
            for (number, (gate, phases)) in waves.iter().enumerate() {
                writeln!(out, "  section Wave {} ({})", number + 1, label(gate))?;
                for phase in phases {
                    writeln!(
                        out,
                        "    {} :p{task}, {number}, {}",
                        label(phase),
                        number + 1
                    )?;
                    task += 1;
                }
            }
            Ok(())
        }
    }
}

/// `text` as Mermaid reads a task or section name: its separators (`:`, `;`, `#`) and
/// line breaks would end the name or start a comment.
fn label(text: &str) -> String {
    text.chars()
        .map(|c| {
            if matches!(c, ':' | ';' | '#' | '\n' | '\r') {
                ' '
            } else {
                c
            }
        })
        .collect()
}
