//! End-to-end tests of the `renkei` command line: one test binary, shared helpers.

mod assemble;
mod push;
mod support;
mod validator;
