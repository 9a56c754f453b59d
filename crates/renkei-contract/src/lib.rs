//! Contract checks: the doctrine files of an archetype, and filled-in reports, must match
//! the return contract of their stage.
//!
//! Contracts are YAML: the built-in `default-contract.yaml` (the execution stage's return
//! contract and link integrity), extended or replaced by an archetype's `contract.yaml`.
//! Each check names a rule from [`rules::RULES`]. This crate does no printing.

#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod check;
pub mod config;
pub mod error;
pub mod interface;
pub mod plan;
pub mod report;
pub mod rules;
pub mod subject;
pub mod text;

pub use check::{check_contract, check_subject};
pub use config::{Contract, ContractConfig, parse_contract};
pub use error::ContractError;
pub use report::check_report;
pub use subject::Subject;
