//! `renkei skills check`: the rules assembly enforces, on skill folders renkei did not
//! write (by hand, or installed by another tool).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use renkei_assemble::skills::SKILL_RULES;
use renkei_model::archetype::Client;

use crate::output::{Emitter, Format, Paths, failure};
use crate::session::{Options, Session};
use crate::{CliError, Outcome};

/// Options of `renkei skills`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  renkei skills check .claude/skills")]
pub struct SkillsArgs {
    /// What to do with skill folders.
    #[command(subcommand)]
    pub command: SkillsCommand,
}

/// Subcommands of `renkei skills`.
#[derive(Debug, Subcommand)]
pub enum SkillsCommand {
    /// Check skill folders: front matter against the Agent Skills specification (and a
    /// client's own keys), length and listing limits, and links that resolve
    Check(SkillsCheckArgs),
}

/// A client whose own front matter keys are allowed.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ClientArg {
    /// Claude Code
    Claude,
    /// OpenCode
    Opencode,
    /// Gemini CLI
    Gemini,
}

impl From<ClientArg> for Client {
    fn from(client: ClientArg) -> Self {
        match client {
            ClientArg::Claude => Client::Claude,
            ClientArg::Opencode => Client::OpenCode,
            ClientArg::Gemini => Client::Gemini,
        }
    }
}

/// Options of `renkei skills check`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  renkei skills check .claude/skills            every skill in the folder
  renkei skills check --client claude ~/.claude/skills/my-skill")]
pub struct SkillsCheckArgs {
    /// Skill folders (holding SKILL.md), or folders of them such as .claude/skills
    #[arg(value_name = "DIR", required = true)]
    pub dirs: Vec<PathBuf>,
    /// The client that reads these skills, whose own front matter keys are then allowed;
    /// default: the specification's keys only
    #[arg(long, value_enum)]
    pub client: Option<ClientArg>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Runs `renkei skills ...`.
pub fn run(
    root: Option<&Path>,
    args: &SkillsArgs,
    out: &mut dyn Write,
) -> Result<Outcome, CliError> {
    let SkillsCommand::Check(args) = &args.command;
    let options = Options {
        root: root.map(Path::to_path_buf),
        root_optional: true,
        ..Options::default()
    };
    let checked = Session::open(&options).and_then(|session| {
        let checked = session.check_skills(&args.dirs, args.client.map(Client::from))?;
        Ok((session, checked))
    });
    let (session, checked) = match checked {
        Ok(checked) => checked,
        Err(error) => return failure(out, args.format, error),
    };
    let paths = Paths::relative_to(session.cwd());
    let mut emitter = Emitter::start(out, args.format, SKILL_RULES, paths)?;
    emitter.emit(&checked.findings, |path| {
        checked.texts.get(path).map(String::as_str)
    })?;
    let outcome = if emitter.has_errors() {
        Outcome::Findings
    } else {
        Outcome::Clean
    };
    emitter.finish(checked.texts.len(), 0)?;
    Ok(outcome)
}
