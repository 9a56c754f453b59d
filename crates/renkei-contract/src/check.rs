//! Running a contract over an archetype.

use renkei_model::{Archetype, Diagnostic, Walk};

use crate::config::Contract;
use crate::rules;
use crate::subject::Subject;

/// Every finding of `contract` on `archetype` (which `walk` found), in check order.
pub fn check_contract(walk: &Walk, archetype: &Archetype, contract: &Contract) -> Vec<Diagnostic> {
    let subject = Subject::new(walk, archetype, contract);
    check_subject(&subject, contract)
}

/// Every finding of `contract` on an already loaded subject.
pub fn check_subject(subject: &Subject, contract: &Contract) -> Vec<Diagnostic> {
    contract
        .checks
        .iter()
        .filter(|(check, _)| check.applies_to(&subject.stage))
        .flat_map(|(check, _)| {
            rules::find(&check.rule.value)
                .map(|rule| (rule.run)(check, subject))
                .unwrap_or_default()
        })
        .collect()
}
