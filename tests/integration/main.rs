//! End-to-end tests of the `renkei` command line: one test binary, shared helpers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod assemble;
mod check;
mod cli;
mod docs;
mod editors;
mod examples;
mod faults;
mod hostile;
mod install;
mod interfaces;
mod lint;
mod lsp;
mod overlay;
mod plan;
mod precommit;
mod push;
mod redeemed;
mod rules;
mod schemas;
mod skills;
mod snippets;
mod support;
mod tools;
mod validator;
mod watch;
