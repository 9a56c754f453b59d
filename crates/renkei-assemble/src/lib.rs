//! Assembly: renders archetypes into Agent Skills folders and installs them.
//!
//! [`render::render_skill`] turns an archetype into files; [`install::plan`] compares them
//! with a target folder; [`install::push`] applies the plan atomically under a lock, guarded
//! by the [`manifest::Manifest`] of what renkei wrote. This crate does no printing.

#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod cancel;
pub mod error;
pub mod frontmatter;
pub mod install;
pub mod layout;
pub mod manifest;
pub mod render;
pub mod skills;
pub mod target;

pub use cancel::Canceller;
pub use error::AssembleError;
pub use install::{FileAction, Plan, PushOptions, Status, plan, push};
pub use layout::{SiblingLink, Siblings, SkillLayout};
pub use render::{OutputFile, RULES, Skill, Templates, check_skill_render, render_skill};
pub use target::{Env, Target};
