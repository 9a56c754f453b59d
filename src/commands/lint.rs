//! `renkei lint`: the vocabulary lint, for the editor loop, pre-commit and CI.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use renkei_lint::{FixMode, LintedFile};
use renkei_model::RuleMeta;

use crate::output::{Emitter, Format, Paths, Tally, failure};
use crate::session::{Options, Session};
use crate::{CliError, Outcome};

/// Options of `renkei lint`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  renkei lint                                   every archetype's operational files
  renkei lint framework/archetypes/execution    a folder (what pre-commit passes: files)
  renkei lint --fix                             apply every fix with one replacement
  renkei lint --format concise                  one line per finding, for editors
  renkei lint - --stdin-filename doctrine/x.md  an editor's unsaved buffer")]
pub struct LintArgs {
    /// Files or folders to lint (folders are searched for Markdown, as ripgrep walks them),
    /// or `-` for the text on stdin; default: the operational folders of every archetype
    /// under the root
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
    /// Configuration file; default: renkei.yaml at the root, if present
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Also fail (exit 1) when there are more than N warnings
    #[arg(long, value_name = "N")]
    pub max_warnings: Option<usize>,
    /// Rewrite files to apply every fix that has exactly one replacement
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,
    /// Print the fixes as a unified diff instead of writing them
    #[arg(long)]
    pub diff: bool,
    /// Lint every Markdown file given, not only the operational files of archetypes (when
    /// the root has archetypes); `lint: exclude:` still applies
    #[arg(long)]
    pub all_markdown: bool,
    /// With `-` as the path: the name the text on stdin is linted under (default
    /// `stdin.md`); findings name it, and the lint's scope judges it
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
}

/// Runs `renkei lint`.
pub fn run(root: Option<&Path>, args: &LintArgs, out: &mut dyn Write) -> Result<Outcome, CliError> {
    let options = Options {
        root: root.map(Path::to_path_buf),
        config: args.config.clone(),
        root_optional: !args.paths.is_empty(),
    };
    let stdin = args.paths.iter().any(|path| path.as_os_str() == "-");
    if stdin && (args.paths.len() > 1 || args.fix) {
        return Err(CliError::Failed(vec![
            "`-` lints the text on stdin alone, and --fix has no file to write it to; use --diff to see the fixes"
                .to_string(),
        ]));
    }
    if args.stdin_filename.is_some() && !stdin {
        return Err(CliError::Failed(vec![
            "--stdin-filename names the text on stdin, which `-` as the path asks for".to_string(),
        ]));
    }
    let stdin_path = args
        .stdin_filename
        .clone()
        .unwrap_or_else(|| PathBuf::from("stdin.md"));
    if stdin && stdin_path.is_dir() {
        return Err(CliError::Failed(vec![format!(
            "--stdin-filename {}: a folder; name the file the text on stdin is",
            stdin_path.display()
        )]));
    }
    let opened = if stdin {
        Session::open_configured_with_stdin(&options, &stdin_path)
    } else {
        Session::open_configured(&options)
    };
    let session = match opened {
        Ok(session) => session,
        Err(error) => return failure(out, args.format, error),
    };
    let paths = if stdin {
        vec![stdin_path]
    } else {
        args.paths.clone()
    };
    let fix = match (args.fix, args.diff) {
        (true, _) => FixMode::Write,
        (_, true) => FixMode::Preview,
        _ => FixMode::Off,
    };
    if fix == FixMode::Preview && matches!(args.format, Format::Json | Format::Sarif) {
        return Err(CliError::Failed(vec![
            "--diff prints a unified diff, which cannot go inside --format json or sarif output; \
             use --format human or github"
                .to_string(),
        ]));
    }
    // Where the archetypes or the paths given are not, the run stops before a document is
    // opened, so JSON and SARIF output is never half a document.
    if paths.is_empty()
        && let Err(error) = session.archetypes()
    {
        return failure(out, args.format, error);
    }
    session.paths_exist(&paths)?;
    let rules = &session.config()?.rules;
    let mut metas: Vec<RuleMeta> = rules.rules.iter().map(renkei_lint::Rule::meta).collect();
    metas.extend(renkei_lint::BUILTIN_METAS.iter().cloned());
    let mut emitter = Emitter::start(out, args.format, &metas, Paths::relative_to(session.cwd()))?;
    let mut tally = Tally::default();
    // Text on stdin with no name has no folder to be judged by: it is linted. With a name
    // it is judged as that file would be, so an editor shows what the hook and CI report.
    let unnamed_stdin = stdin && args.stdin_filename.is_none();
    let left_out = session.lint(
        &paths,
        args.all_markdown || unnamed_stdin,
        fix,
        |linted: LintedFile| {
            tally.record(&mut emitter, &linted, fix)?;
            emitter.emit(&linted.diagnostics, |_| linted.source.as_deref())?;
            Ok(())
        },
    )?;
    let fixed = if fix == FixMode::Write {
        tally.fixed
    } else {
        0
    };
    let fails = emitter.fails(args.max_warnings);
    let over_warnings = emitter.over_warnings(args.max_warnings);
    emitter.finish(tally.files, fixed)?;
    if let Some(note) = over_warnings.filter(|_| args.format == Format::Human) {
        crate::output::print_note(&note);
    }
    if left_out > 0 && args.format == Format::Human {
        let (files, are, were, them) = if left_out == 1 {
            ("file", "is", "was", "it")
        } else {
            ("files", "are", "were", "them")
        };
        crate::output::print_note(&format!(
            "{left_out} {files} given {are} not in an archetype's ethos/, doctrine/, references/ or truth/ and {were} not linted (--all-markdown, or `lint: include:` in renkei.yaml, lints {them})"
        ));
    }
    Ok(tally.outcome(fails))
}
