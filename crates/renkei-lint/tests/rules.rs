//! The vocabulary lint through its public API: every built-in rule's examples, scopes,
//! suppressions, fixes and configuration errors.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use renkei_lint::{LintConfig, RuleSet, lint_text};
use renkei_model::Diagnostic;

fn builtin() -> RuleSet {
    RuleSet::compile(
        &LintConfig::builtin().unwrap(),
        Path::new("<built-in rules>"),
    )
    .unwrap()
}

fn with_config(yaml: &str) -> RuleSet {
    let overlay = LintConfig::parse(Path::new("renkei.yaml"), yaml).unwrap();
    RuleSet::compile(
        &LintConfig::builtin().unwrap().merged_with(overlay),
        Path::new("renkei.yaml"),
    )
    .unwrap()
}

fn lint(rules: &RuleSet, text: &str) -> Vec<Diagnostic> {
    lint_text(rules, Path::new("doc.md"), text)
}

/// `rule@line:column-line:column "matched" -> [replacements]` for each finding.
fn render(text: &str, diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| {
            format!(
                "{}@{}:{}-{}:{} {:?} -> {:?}",
                d.rule,
                d.start.line,
                d.start.column,
                d.end.line,
                d.end.column,
                &text[d.range.clone()],
                d.replacements
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_builtin_rule_flags_its_fail_examples_and_not_its_pass_examples() {
    let rules = builtin();
    assert_eq!(rules.rules.len(), 5);
    for rule in &rules.rules {
        let examples = rule
            .examples
            .as_ref()
            .unwrap_or_else(|| panic!("rule {} has no examples", rule.id));
        assert!(
            !examples.fail.is_empty() && !examples.pass.is_empty(),
            "rule {} needs both kinds of example",
            rule.id
        );
        assert!(
            rule.why.is_some() && rule.help.is_some(),
            "rule {} is undocumented",
            rule.id
        );
        for text in &examples.fail {
            let found = lint(&rules, text);
            assert!(
                found.iter().any(|d| d.rule == rule.id),
                "rule {} missed {text:?}: {found:?}",
                rule.id
            );
        }
        for text in &examples.pass {
            let found = lint(&rules, text);
            assert!(
                found.iter().all(|d| d.rule != rule.id),
                "rule {} flagged {text:?}",
                rule.id
            );
        }
    }
}

#[test]
fn rule_ids_are_unique_and_namespaced() {
    let rules = builtin();
    let mut ids: Vec<&str> = rules.rules.iter().map(|rule| rule.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), rules.rules.len());
    assert!(ids.iter().all(|id| id.starts_with("vocabulary/")));
}

#[test]
fn intake_in_every_form_with_exact_positions_and_shaped_replacements() {
    let text = "# Intake\n\nintake-ready, pre-intake, intakes, the intake's owner.\n`INTAKE_FIELDS` preIntake intakeReady missing_intake_fields\nuptake maintaker\n";
    insta::assert_snapshot!(render(text, &lint(&builtin(), text)), @r#"
    vocabulary/intake@1:3-1:9 "Intake" -> ["Input"]
    vocabulary/intake@3:1-3:7 "intake" -> ["input"]
    vocabulary/intake@3:19-3:25 "intake" -> ["input"]
    vocabulary/intake@3:27-3:34 "intakes" -> ["inputs"]
    vocabulary/intake@3:40-3:48 "intake's" -> ["input's"]
    vocabulary/intake@4:2-4:8 "INTAKE" -> []
    vocabulary/intake@4:20-4:26 "Intake" -> ["Input"]
    vocabulary/intake@4:27-4:33 "intake" -> ["input"]
    vocabulary/intake@4:47-4:53 "intake" -> ["input"]
    "#);
}

#[test]
fn columns_count_characters_not_bytes() {
    let text = "Çé — intake\n";
    let found = lint(&builtin(), text);
    assert_eq!((found[0].start.line, found[0].start.column), (1, 6));
}

#[test]
fn transfer_as_hand_over_is_flagged_and_knowledge_transfer_is_not() {
    let text = "Ownership transfers when ready.\nThis governs transfer from tech-lead to execution-lead.\nKnowledge transfer is fine, even across a\n> knowledge\n> transfer\n";
    insta::assert_snapshot!(render(text, &lint(&builtin(), text)), @r#"
    vocabulary/transfer@1:11-1:20 "transfers" -> []
    vocabulary/transfer@2:14-2:22 "transfer" -> []
    "#);
}

#[test]
fn phrases_match_across_wraps_quotes_list_items_and_emphasis() {
    let text = "publishes cross-stage\nstatus\n\n> publishes cross-stage\n> status\n\n- publishes cross-stage\n  status\n\nand **cross-stage status** too\n";
    insta::assert_snapshot!(render(text, &lint(&builtin(), text)), @r#"
    vocabulary/cross-stage-status@1:11-2:7 "cross-stage\nstatus" -> []
    vocabulary/cross-stage-status@4:13-5:9 "cross-stage\n> status" -> []
    vocabulary/cross-stage-status@7:13-8:9 "cross-stage\n  status" -> []
    vocabulary/cross-stage-status@10:7-10:25 "cross-stage status" -> ["cross-stage outcome"]
    "#);
}

#[test]
fn messages_show_the_words_matched_without_markup() {
    let found = lint(&builtin(), "> publishes cross-stage\n> status\n");
    assert_eq!(
        found[0].message,
        "`cross-stage status`: a stage publishes an outcome, not a status"
    );
}

#[test]
fn by_default_rules_count_in_every_scope() {
    let text = "---\ntitle: intake\n---\n# Intake heading\n\n`intake` code\n\n```\nintake block\n```\n\n[intake text](intake.md)\n\n<!-- intake comment -->\n";
    let found = lint(&builtin(), text);
    let lines: Vec<usize> = found.iter().map(|d| d.start.line).collect();
    assert_eq!(lines, [2, 4, 6, 9, 12, 12, 14], "{found:#?}");
}

#[test]
fn scopes_can_be_excluded_and_included() {
    let text = "`intake` code\n\n[intake](intake.md)\n\nintake prose\n";
    let excluded = with_config(
        "rules:\n  - id: vocabulary/intake\n    scopes:\n      exclude: [code-span, link-target]\n",
    );
    let lines: Vec<(usize, usize)> = lint(&excluded, text)
        .iter()
        .map(|d| (d.start.line, d.start.column))
        .collect();
    assert_eq!(lines, [(3, 2), (5, 1)]);
    let included = with_config(
        "rules:\n  - id: vocabulary/intake\n    scopes:\n      include: [link-target]\n",
    );
    let lines: Vec<(usize, usize)> = lint(&included, text)
        .iter()
        .map(|d| (d.start.line, d.start.column))
        .collect();
    assert_eq!(lines, [(3, 10)]);
}

#[test]
fn suppressions_silence_findings_and_unused_ones_are_reported() {
    let text = "<!-- renkei-disable-next-line vocabulary/intake -->\nintake one\nintake two\n<!-- renkei-disable vocabulary/transfer, vocabulary/intake -->\ntransfer intake\n<!-- renkei-enable -->\ntransfer\n<!-- renkei-disable-next-line vocabulary/intake -->\nclean line\n<!-- renkei-disable-next-line no/such-rule -->\n";
    insta::assert_snapshot!(render(text, &lint(&builtin(), text)), @r#"
    vocabulary/intake@3:1-3:7 "intake" -> ["input"]
    vocabulary/transfer@7:1-7:9 "transfer" -> []
    lint/unused-suppression@8:1-8:52 "<!-- renkei-disable-next-line vocabulary/intake -->" -> []
    lint/unused-suppression@10:1-10:47 "<!-- renkei-disable-next-line no/such-rule -->" -> []
    "#);
}

#[test]
fn a_file_without_candidates_is_clean() {
    assert!(
        lint(
            &builtin(),
            "# Process\n\nRequired input fields are complete.\n"
        )
        .is_empty()
    );
    assert!(lint(&builtin(), "").is_empty());
}

#[test]
fn config_adds_overrides_and_disables_rules() {
    let rules = with_config(
        "rules:\n  - id: house/no-foo\n    words: [foo]\n    severity: warning\n    message: \"no {match}\"\n    replacements: [bar]\n  - id: vocabulary/transfer\n    exceptions:\n      - before: knowledge\n      - after: \"protocol\"\ndisable: [vocabulary/intake]\n",
    );
    let text = "Foos and intake; transfer protocol; transfer now\n";
    insta::assert_snapshot!(render(text, &lint(&rules, text)), @r#"
    house/no-foo@1:1-1:5 "Foos" -> ["Bars"]
    vocabulary/transfer@1:37-1:45 "transfer" -> []
    "#);
    let found = lint(&rules, text);
    assert_eq!(found[0].message, "no Foos");
    assert_eq!(found[0].severity, renkei_model::Severity::Warning);
}

#[test]
fn case_sensitive_rules_only_match_their_case() {
    let rules = with_config("rules:\n  - id: house/api\n    words: [API]\n    case: sensitive\n");
    let found = lint(&rules, "api API Api\n");
    assert_eq!(found.iter().filter(|d| d.rule == "house/api").count(), 1);
}

#[test]
fn bad_patterns_name_the_rule_file_line_and_reason() {
    let overlay = LintConfig::parse(
        Path::new("renkei.yaml"),
        "rules:\n  - id: house/bad\n    patterns: ['(unclosed']\n",
    )
    .unwrap();
    let error = RuleSet::compile(
        &LintConfig::builtin().unwrap().merged_with(overlay),
        Path::new("renkei.yaml"),
    )
    .unwrap_err();
    let message = error.to_string();
    assert!(
        message.starts_with("renkei.yaml:3:16: rule `house/bad`: pattern does not compile:"),
        "{message}"
    );
}

#[test]
fn config_errors_point_at_the_problem() {
    let unknown = LintConfig::parse(
        Path::new("renkei.yaml"),
        "rules:\n  - id: x\n    word: [a]\n",
    )
    .unwrap_err();
    assert!(
        unknown
            .to_string()
            .starts_with("renkei.yaml:3:5: unknown field `word`"),
        "{unknown}"
    );
    let overlay =
        LintConfig::parse(Path::new("renkei.yaml"), "disable: [vocabulary/nope]\n").unwrap();
    let error = RuleSet::compile(
        &LintConfig::builtin().unwrap().merged_with(overlay),
        Path::new("renkei.yaml"),
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "renkei.yaml:1:11: cannot disable `vocabulary/nope`: no rule has that id"
    );
    let empty =
        LintConfig::parse(Path::new("renkei.yaml"), "rules:\n  - id: house/empty\n").unwrap();
    let error = RuleSet::compile(&empty, Path::new("renkei.yaml")).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("give at least one of `words`, `phrases` or `patterns`"),
        "{error}"
    );
}

#[test]
fn alias_bombs_in_config_are_refused() {
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\nrules: [*g]\n";
    let error = LintConfig::parse(Path::new("renkei.yaml"), bomb).unwrap_err();
    assert!(error.to_string().starts_with("renkei.yaml:"), "{error}");
}

#[test]
fn fixes_are_offered_only_where_certain() {
    let text = "Intake here. `intake` code and [the notes](../truth/intake-notes.md), <https://x.io/intake>.\n";
    let found = lint(&builtin(), text);
    let fixable: Vec<&str> = found
        .iter()
        .filter(|d| d.replacements.len() == 1)
        .map(|d| &text[d.range.clone()])
        .collect();
    assert_eq!(fixable, ["Intake"], "{found:#?}");
    assert_eq!(found.len(), 4);
}

#[test]
fn endings_that_cannot_move_onto_the_replacement_offer_no_fix() {
    let rules = with_config(
        "rules:\n  - id: house/ack\n    words: [acknowledge]\n    replacements: [confirm]\n",
    );
    let text = "acknowledge, acknowledges, acknowledged, acknowledging\n";
    insta::assert_snapshot!(render(text, &lint(&rules, text)), @r#"
    house/ack@1:1-1:12 "acknowledge" -> ["confirm"]
    house/ack@1:14-1:26 "acknowledges" -> ["confirms"]
    house/ack@1:28-1:40 "acknowledged" -> []
    house/ack@1:42-1:55 "acknowledging" -> []
    "#);
}

#[test]
fn phrases_do_not_cross_paragraphs_or_mid_line_quote_markers() {
    let text = "publishes cross-stage\n\nstatus table\n\nA cross-stage > status.\n";
    assert!(
        lint(&builtin(), text).is_empty(),
        "{:#?}",
        lint(&builtin(), text)
    );
}

#[test]
fn patterns_that_match_empty_text_are_refused() {
    let overlay = LintConfig::parse(
        Path::new("renkei.yaml"),
        "rules:\n  - id: house/empty\n    patterns: ['z*']\n",
    )
    .unwrap();
    let error = RuleSet::compile(
        &LintConfig::builtin().unwrap().merged_with(overlay),
        Path::new("renkei.yaml"),
    )
    .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("rule `house/empty`: pattern does not compile: it matches empty text"),
        "{error}"
    );
}

#[test]
fn many_findings_are_capped_in_linear_time() {
    let text = "intake ".repeat(200_000);
    let found = lint(&builtin(), &text);
    assert_eq!(found.len(), renkei_lint::MAX_FINDINGS_PER_FILE + 1);
    assert_eq!(
        found
            .iter()
            .filter(|d| d.rule == renkei_lint::TOO_MANY_FINDINGS)
            .count(),
        1
    );
}

/// `text` with every fix that has exactly one replacement applied.
fn fixed(text: &str) -> String {
    let edits = lint(&builtin(), text)
        .into_iter()
        .filter(|d| d.replacements.len() == 1)
        .map(|d| renkei_model::Edit {
            range: d.range.clone(),
            replacement: d.replacements[0].clone(),
        })
        .collect();
    renkei_model::apply_edits(text, edits)
}

#[test]
fn fixes_never_edit_a_link_target_or_raw_html_in_any_form() {
    for (text, expected) in [
        // Reference definitions, their labels and titles, and the links that use them.
        (
            "[foo]: intake/url.md\n\n[the intake][foo]\n",
            "[foo]: intake/url.md\n\n[the input][foo]\n",
        ),
        (
            "See [the form][intake].\n\n[intake]: ./intake.md \"Intake form\"\n",
            "See [the form][intake].\n\n[intake]: ./intake.md \"Intake form\"\n",
        ),
        // The text of a shortcut or collapsed reference is its label.
        (
            "[intake] and [Intake][] and [the intake][intake]\n\n[intake]: x.md\n",
            "[intake] and [Intake][] and [the input][intake]\n\n[intake]: x.md\n",
        ),
        // A second definition of a label is no link, and no text either.
        (
            "[a]: x.md\n[a]: intake.md\n\nintake\n",
            "[a]: x.md\n[a]: intake.md\n\ninput\n",
        ),
        (
            "> [q]:\n> intake/next-line.md\n\n[q]\n",
            "> [q]:\n> intake/next-line.md\n\n[q]\n",
        ),
        // Escapes, entities and angle brackets in destinations.
        ("[a](intake/x\\*.md)\n", "[a](intake/x\\*.md)\n"),
        ("[a](intake&amp;b.md)\n", "[a](intake&amp;b.md)\n"),
        (
            "[a](<intake notes.md> \"intake\")\n",
            "[a](<intake notes.md> \"intake\")\n",
        ),
        ("![intake](img/intake.png)\n", "![input](img/intake.png)\n"),
        // Raw HTML, inline and in blocks.
        (
            "Read <a href=\"intake.md\">the intake</a>.\n",
            "Read <a href=\"intake.md\">the input</a>.\n",
        ),
        (
            "<div class=\"intake\">\n<a href='intake.md'>intake</a>\n</div>\n",
            "<div class=\"intake\">\n<a href='intake.md'>intake</a>\n</div>\n",
        ),
        ("An <intake> tag.\n", "An <intake> tag.\n"),
        (
            "<img src=intake.png alt=\"intake\">\n",
            "<img src=intake.png alt=\"intake\">\n",
        ),
    ] {
        assert_eq!(fixed(text), expected, "{text:?}");
    }
}

#[test]
fn link_targets_and_html_are_scopes_a_rule_can_exclude() {
    let rules = with_config(
        "rules:\n  - id: vocabulary/intake\n    scopes:\n      exclude: [link-target, html]\n",
    );
    let text = "[r]: intake.md\n\n[a](intake/x\\*.md) <a href=\"intake.md\">x</a> <intake> <https://x.io/intake>\n\n<div data-x=\"intake\">\n</div>\n\nintake\n";
    assert_eq!(
        render(text, &lint(&rules, text)),
        "vocabulary/intake@8:1-8:7 \"intake\" -> [\"input\"]"
    );
}

#[test]
fn phrases_broken_by_quotes_or_no_break_spaces_are_found_but_not_rewritten() {
    let text = "cross-stage \"status\" and **cross-stage** \"status\" and “cross-stage” status and cross-stage&nbsp;status and cross-stage 'status' and 'cross-stage' status and cross-stage status\n";
    let found = lint(&builtin(), text);
    assert_eq!(found.len(), 7, "{}", render(text, &found));
    let fixable: Vec<&str> = found
        .iter()
        .filter(|d| !d.replacements.is_empty())
        .map(|d| &text[d.range.clone()])
        .collect();
    assert_eq!(fixable, ["cross-stage status"]);
}

#[test]
fn a_title_cased_phrase_gets_a_title_cased_fix() {
    let text = "## Cross-Stage Status\n\nThe Cross-stage status.\n";
    let fixes: Vec<Vec<String>> = lint(&builtin(), text)
        .iter()
        .map(|d| d.replacements.clone())
        .collect();
    assert_eq!(
        fixes,
        [
            vec!["Cross-Stage Outcome".to_string()],
            vec!["Cross-stage outcome".to_string()]
        ]
    );
}

#[test]
fn possessives_keep_their_fix_and_only_they() {
    let text = "The intake's fields, the intakes' owners, ‘intake’ and cross-stage status’s end.\n";
    let fixed: Vec<(&str, Vec<String>)> = lint(&builtin(), text)
        .iter()
        .map(|d| (&text[d.range.clone()], d.replacements.clone()))
        .collect();
    assert_eq!(
        fixed,
        [
            ("intake's", vec!["input's".to_string()]),
            ("intakes", vec!["inputs".to_string()]),
            ("intake", vec!["input".to_string()]),
            (
                "cross-stage status",
                vec!["cross-stage outcome".to_string()]
            ),
        ]
    );
}

#[test]
fn words_next_to_digits_escapes_and_unspaced_scripts_are_words() {
    let text = "intake2 v2intake step1Intake [p](my%20intake%20notes.md) [e](%2Ftransfer-rules.md) 日本語のtransferここ\n";
    let found: Vec<&str> = lint(&builtin(), text)
        .iter()
        .map(|d| &text[d.range.clone()])
        .collect();
    assert_eq!(
        found,
        [
            "intake", "intake", "Intake", "intake", "transfer", "transfer"
        ]
    );
}

#[test]
fn bare_urls_and_addresses_are_link_targets_and_never_fixed() {
    let text = "See https://docs.example.com/intake/overview, www.example.com/intake and intake@example.com; the intake.\n";
    let found = lint(&builtin(), text);
    assert_eq!(found.len(), 4);
    let fixable: Vec<&str> = found
        .iter()
        .filter(|d| !d.replacements.is_empty())
        .map(|d| &text[d.range.clone()])
        .collect();
    assert_eq!(fixable, ["intake"]);
    assert_eq!(
        found.iter().filter(|d| d.replacements.is_empty()).count(),
        3
    );
}

#[test]
fn a_rule_mixing_words_phrases_and_patterns_fixes_each_kind() {
    let rules = with_config(
        "rules:\n  - id: house/no-phase\n    words: [phase]\n    phrases: [\"stage status\"]\n    patterns: ['pre-?flight']\n    replacements: [step]\n",
    );
    let text = "A phase, a stage status and a preflight.\n";
    assert_eq!(
        render(text, &lint(&rules, text)),
        "house/no-phase@1:3-1:8 \"phase\" -> [\"step\"]\n\
         house/no-phase@1:12-1:24 \"stage status\" -> [\"step\"]\n\
         house/no-phase@1:31-1:40 \"preflight\" -> [\"step\"]"
    );
}

#[test]
fn exactly_the_cap_of_findings_is_no_warning_and_one_more_is() {
    let at_cap = "intake ".repeat(renkei_lint::engine::MAX_FINDINGS_PER_FILE);
    let found = lint(&builtin(), &at_cap);
    assert!(
        found
            .iter()
            .all(|d| d.rule != renkei_lint::engine::TOO_MANY_FINDINGS)
    );
    let past_cap = format!("{at_cap}intake");
    let found = lint(&builtin(), &past_cap);
    let warned = found
        .iter()
        .filter(|d| d.rule == renkei_lint::engine::TOO_MANY_FINDINGS)
        .count();
    assert_eq!(
        (warned, found.len()),
        (1, renkei_lint::engine::MAX_FINDINGS_PER_FILE + 1)
    );
}

#[test]
fn the_unused_suppression_rule_flags_its_failing_example_and_passes_its_passing_one() {
    let meta = renkei_lint::UNUSED_SUPPRESSION_RULE;
    let example = meta.example.as_ref().unwrap();
    let rules = builtin();
    let of_rule = |text: &str| {
        lint(&rules, text)
            .into_iter()
            .filter(|finding| finding.rule == meta.id)
            .count()
    };
    assert_eq!(of_rule(&example.fails), 1);
    assert_eq!(of_rule(&example.passes), 0);
}
