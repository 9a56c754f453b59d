//! Fuzz target bodies, shared by the cargo-fuzz harness in `fuzz/` and the regression
//! tests that replay every input it ever found.
//!
//! Each function takes arbitrary bytes and must return normally: it panics only when an
//! invariant renkei promises is broken (a position outside the text, a value that does not
//! survive front matter, a fix that is not idempotent), which is exactly what the fuzzer
//! reports. Inputs are split into fields on `0xFF`, a byte UTF-8 never contains.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use renkei_contract::Contract;
use renkei_contract::report::ReportContract;
use renkei_lint::{LintConfig, RuleSet, lint_text};
use renkei_model::markdown::{Link, LinkKind};
use renkei_model::{ArchetypeConfig, Diagnostic, Document, Edit, apply_edits};

/// A fuzz target body.
pub type Target = fn(&[u8]);

/// The fuzz targets by name, for harnesses that pick one at run time.
pub const TARGETS: &[(&str, Target)] = &[
    ("markdown", markdown),
    ("links", links),
    ("vocabulary", vocabulary),
    ("yaml", yaml),
    ("report", report),
    ("frontmatter", frontmatter),
];

fn fields(data: &[u8]) -> Vec<String> {
    data.split(|&byte| byte == 0xFF)
        .map(|field| String::from_utf8_lossy(field).into_owned())
        .collect()
}

fn assert_range_in_bounds(text: &str, range: &std::ops::Range<usize>) {
    assert!(
        range.start <= range.end && range.end <= text.len(),
        "range {range:?} outside {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(range.start) && text.is_char_boundary(range.end),
        "range {range:?} splits a character"
    );
}

fn assert_diagnostic_in_bounds(text: &str, diagnostic: &Diagnostic) {
    assert_range_in_bounds(text, &diagnostic.range);
    assert!(
        diagnostic.start.line >= 1 && diagnostic.start.column >= 1,
        "{diagnostic:?}"
    );
    assert!(
        diagnostic.start <= diagnostic.end,
        "start after end: {diagnostic:?}"
    );
}

/// The Markdown document model: every range it records lies inside the text, on character
/// boundaries, and maps to a position.
pub fn markdown(data: &[u8]) {
    let text = String::from_utf8_lossy(data).into_owned();
    let Ok(document) = Document::parse(text.clone()) else {
        return;
    };
    let mut ranges = Vec::new();
    ranges.extend(
        document
            .outline
            .headings
            .iter()
            .flat_map(|h| [h.range.clone(), h.section.clone()]),
    );
    ranges.extend(document.paragraphs.iter().map(|p| p.range.clone()));
    ranges.extend(document.lists.iter().map(|l| l.range.clone()));
    ranges.extend(
        document
            .lists
            .iter()
            .flat_map(|l| l.items.iter().map(|i| i.range.clone())),
    );
    ranges.extend(document.block_quotes.iter().flat_map(|q| {
        std::iter::once(q.range.clone()).chain(q.paragraphs.iter().map(|p| p.range.clone()))
    }));
    ranges.extend(document.outline.code_spans.iter().cloned());
    ranges.extend(document.outline.code_blocks.iter().map(|b| b.range.clone()));
    ranges.extend(
        document
            .outline
            .links
            .iter()
            .flat_map(|l| std::iter::once(l.range.clone()).chain(l.destination_range.clone())),
    );
    ranges.extend(document.outline.html_comments.iter().cloned());
    ranges.extend(
        document
            .outline
            .front_matter
            .iter()
            .flat_map(|f| [f.range.clone(), f.content.clone()]),
    );
    for range in ranges {
        assert_range_in_bounds(&text, &range);
        assert!(document.position(range.start) <= document.position(range.end));
    }
    for heading in &document.outline.headings {
        assert!((1..=6).contains(&heading.level) && heading.section.start == heading.range.start);
    }
    assert_links_hold_their_destinations(&text, &document.outline.links);
    // The link scan that lets `check` skip parsing must see every destination naming a
    // file that the parser sees, or say it cannot tell.
    if let Some(scanned) = renkei_model::links::inline_destinations(&text) {
        for link in &document.outline.links {
            if renkei_model::links::relative_path(&link.destination).is_some() {
                assert!(
                    scanned.contains(&link.destination.as_str()),
                    "the link scan missed {:?}",
                    link.destination
                );
            }
        }
    }
}

/// Each link's written destination lies inside the text and decodes to its destination,
/// as its kind is decoded: Markdown escapes and character references, HTML character
/// references, or as written (autolinks; an email autolink adds `mailto:`).
fn assert_links_hold_their_destinations(text: &str, links: &[Link]) {
    for link in links {
        assert_range_in_bounds(text, &link.range);
        let Some(range) = &link.destination_range else {
            continue;
        };
        assert_range_in_bounds(text, range);
        let written = &text[range.clone()];
        let decoded = match link.kind {
            LinkKind::Inline | LinkKind::Definition => {
                renkei_model::markdown::decode_destination(written)
            }
            LinkKind::Html => html_escape::decode_html_entities(written).into_owned(),
            LinkKind::Email => format!("mailto:{written}"),
            LinkKind::Autolink | LinkKind::Reference => written.to_string(),
        };
        assert_eq!(
            decoded, link.destination,
            "the destination range {range:?} of a {:?} link holds {written:?}",
            link.kind
        );
    }
}

/// The link model against the parser: every inline link and image the parser sees has its
/// written destination located, every reference definition it keeps is a definition link
/// with the same destination, each located destination decodes to the parser's, the
/// outline the lint uses has the same links as the full document, and a fix of the
/// built-in rules never touches a link target, a definition or raw HTML.
pub fn links(data: &[u8]) {
    let text = String::from_utf8_lossy(data).into_owned();
    let Ok(document) = Document::parse(text.clone()) else {
        return;
    };
    let links = &document.outline.links;
    assert_links_hold_their_destinations(&text, links);
    assert!(
        links
            .windows(2)
            .all(|pair| pair[0].range.start <= pair[1].range.start),
        "links out of order"
    );

    // The model reads front matter itself and parses what follows it.
    let base = renkei_model::markdown::front_matter(&text).map_or(0, |front| front.range.end);
    let mut events =
        pulldown_cmark::Parser::new_ext(&text[base..], renkei_model::markdown::PARSER_OPTIONS)
            .into_offset_iter();
    for (event, range) in &mut events {
        let range = range.start + base..range.end + base;
        let pulldown_cmark::Event::Start(
            pulldown_cmark::Tag::Link {
                link_type: pulldown_cmark::LinkType::Inline,
                dest_url,
                ..
            }
            | pulldown_cmark::Tag::Image {
                link_type: pulldown_cmark::LinkType::Inline,
                dest_url,
                ..
            },
        ) = event
        else {
            continue;
        };
        let link = links
            .iter()
            .find(|link| link.range == range && link.kind == LinkKind::Inline)
            .unwrap_or_else(|| panic!("no inline link at {range:?}"));
        assert_eq!(link.destination, dest_url.as_ref());
        assert!(
            link.destination_range.is_some(),
            "the destination of the inline link at {range:?} was not located"
        );
    }
    for (_, definition) in events.reference_definitions().iter() {
        let span = definition.span.start + base..definition.span.end + base;
        let link = links
            .iter()
            .find(|link| link.kind == LinkKind::Definition && link.range == span)
            .unwrap_or_else(|| panic!("no definition at {span:?}"));
        assert_eq!(link.destination, definition.dest.as_ref());
        assert!(
            link.destination_range.is_some(),
            "the destination of the definition at {span:?} was not located"
        );
    }

    let outline = renkei_model::markdown::Outline::parse(&text).unwrap();
    let shape = |links: &[Link]| -> Vec<_> {
        links
            .iter()
            .map(|link| {
                (
                    link.kind,
                    link.range.clone(),
                    link.destination.clone(),
                    link.destination_range.clone(),
                )
            })
            .collect()
    };
    assert_eq!(
        shape(&outline.links),
        shape(links),
        "outline and document differ"
    );

    assert_parts_parse_as_the_whole(&text);

    static BUILTIN: OnceLock<RuleSet> = OnceLock::new();
    let rules = BUILTIN.get_or_init(|| {
        RuleSet::compile(
            &LintConfig::builtin().unwrap(),
            Path::new("<built-in rules>"),
        )
        .unwrap()
    });
    let untouchable: Vec<std::ops::Range<usize>> = links
        .iter()
        .flat_map(|link| {
            let whole = (link.kind == LinkKind::Definition).then(|| link.range.clone());
            link.destination_range.clone().into_iter().chain(whole)
        })
        .chain(outline.html.iter().cloned())
        .collect();
    for diagnostic in lint_text(rules, Path::new("fuzz.md"), &text) {
        if diagnostic.replacements.is_empty() {
            continue;
        }
        let fixed = &diagnostic.range;
        for range in &untouchable {
            assert!(
                fixed.end <= range.start || range.end <= fixed.start,
                "a fix at {fixed:?} edits the link target or HTML at {range:?}"
            );
        }
    }
}

/// Cut at every split point and parsed piece by piece, a text has the outline it has when
/// parsed whole (with the same definition labels): what the lint sees of a large file does
/// not depend on how it was cut.
fn assert_parts_parse_as_the_whole(text: &str) {
    use renkei_model::markdown::{DefinitionLabels, Outline, split_points};
    let points = split_points(text);
    let labels = DefinitionLabels::find(text, &points);
    assert!(
        points.windows(2).all(|pair| pair[0] < pair[1])
            && points.iter().all(|point| *point > 0 && *point < text.len()),
        "split points out of order or at the ends: {points:?}"
    );
    let bounds: Vec<usize> = std::iter::once(0)
        .chain(points.iter().copied())
        .chain(std::iter::once(text.len()))
        .collect();
    let parts = bounds.windows(2).map(|pair| pair[0]..pair[1]);
    let (Ok(whole), Ok(cut)) = (
        Outline::parse_parts(text, std::iter::once(0..text.len()), &labels),
        Outline::parse_parts(text, parts, &labels),
    ) else {
        return;
    };
    let shape = |outline: &Outline| {
        let mut links: Vec<_> = outline
            .links
            .iter()
            .map(|link| {
                (
                    link.kind,
                    link.range.clone(),
                    link.destination_range.clone(),
                )
            })
            .collect();
        links.sort_by_key(|(_, range, _)| (range.start, range.end));
        (
            outline.front_matter.clone(),
            outline
                .headings
                .iter()
                .map(|h| h.range.clone())
                .collect::<Vec<_>>(),
            outline.code_spans.clone(),
            outline
                .code_blocks
                .iter()
                .map(|b| b.range.clone())
                .collect::<Vec<_>>(),
            links,
            outline.html.clone(),
            outline.html_comments.clone(),
            outline.text.clone(),
        )
    };
    assert_eq!(
        shape(&cut),
        shape(&whole),
        "cut at {points:?}, the text parses differently"
    );
}

/// The vocabulary matcher: random text against a random rule set (words, phrases, patterns,
/// exceptions, replacements, case and scopes taken from the input), and against the
/// built-in rules. Findings lie in the text, and fixing with the built-in rules is
/// idempotent.
pub fn vocabulary(data: &[u8]) {
    let fields = fields(data);
    let text = fields.first().cloned().unwrap_or_default();
    static BUILTIN: OnceLock<RuleSet> = OnceLock::new();
    let builtin = BUILTIN.get_or_init(|| {
        RuleSet::compile(&LintConfig::builtin().unwrap(), Path::new("builtin")).unwrap()
    });
    check_lint(builtin, &text, true);

    let mut rule = String::from("rules:\n  - id: fuzz/rule\n");
    let mut lists: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut extra = String::new();
    for field in fields.iter().skip(1) {
        let mut chars = field.chars();
        let (kind, value) = (chars.next().unwrap_or('w'), chars.as_str().to_string());
        match kind {
            'p' => lists.entry("phrases").or_default().push(value),
            'r' => lists.entry("patterns").or_default().push(value),
            'x' => lists.entry("replacements").or_default().push(value),
            'b' => extra.push_str(&format!("      - before: {}\n", quote(&value))),
            'a' => extra.push_str(&format!("      - after: {}\n", quote(&value))),
            'c' => rule.push_str("    case: sensitive\n"),
            's' => {
                let scopes = [
                    "prose",
                    "heading",
                    "code-span",
                    "code-block",
                    "link-text",
                    "link-target",
                    "front-matter",
                    "html-comment",
                ];
                rule.push_str(&format!(
                    "    scopes:\n      exclude: [{}]\n",
                    scopes[value.len() % scopes.len()]
                ));
            }
            _ => lists.entry("words").or_default().push(value),
        }
    }
    if !extra.is_empty() {
        rule.push_str("    exceptions:\n");
        rule.push_str(&extra);
    }
    for (key, values) in &lists {
        let items: Vec<String> = values.iter().map(|value| quote(value)).collect();
        rule.push_str(&format!("    {key}: [{}]\n", items.join(", ")));
    }
    // A configuration renkei cannot use is an error, never a panic.
    let Ok(config) = LintConfig::parse(Path::new("fuzz.yaml"), &rule) else {
        return;
    };
    let Ok(rules) = RuleSet::compile(&config, Path::new("fuzz.yaml")) else {
        return;
    };
    check_lint(&rules, &text, false);
}

fn quote(value: &str) -> String {
    renkei_assemble::frontmatter::scalar(value)
}

fn check_lint(rules: &RuleSet, text: &str, idempotent: bool) {
    let diagnostics = lint_text(rules, Path::new("fuzz.md"), text);
    for diagnostic in &diagnostics {
        assert_diagnostic_in_bounds(text, diagnostic);
    }
    let fixed = fix(&diagnostics, text);
    let again = lint_text(rules, Path::new("fuzz.md"), &fixed);
    for diagnostic in &again {
        assert_diagnostic_in_bounds(&fixed, diagnostic);
    }
    if idempotent {
        assert_eq!(
            fix(&again, &fixed),
            fixed,
            "a second --fix changed the text"
        );
    }
}

fn fix(diagnostics: &[Diagnostic], text: &str) -> String {
    let edits = diagnostics
        .iter()
        .filter(|d| d.replacements.len() == 1)
        .map(|d| Edit {
            range: d.range.clone(),
            replacement: d.replacements[0].clone(),
        })
        .collect();
    apply_edits(text, edits)
}

/// Every YAML file renkei reads: `archetype.yaml`, the `lint:` section of `renkei.yaml` and
/// `contract.yaml`. Any text is a value or an error with a position, never a panic.
pub fn yaml(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let path = Path::new("fuzz.yaml");
    if let Ok(config) = renkei_model::yaml::parse_yaml::<ArchetypeConfig>(path, &text) {
        let _ = renkei_model::archetype::validate_config(&config, path, "fuzz");
    }
    match LintConfig::parse(path, &text) {
        Ok(config) => {
            let _ = RuleSet::compile(&config, path);
        }
        Err(error) => assert!(error.to_string().starts_with("fuzz.yaml:"), "{error}"),
    }
    if let Err(error) = renkei_contract::parse_contract(path, &text) {
        assert!(error.to_string().starts_with("fuzz.yaml:"), "{error}");
    }
}

/// The report checker, against the execution-lead template contract.
pub fn report(data: &[u8]) {
    let text = String::from_utf8_lossy(data).into_owned();
    let Ok(report) = Document::parse(text.clone()) else {
        return;
    };
    let template_text = include_str!(
        "../../../framework/archetypes/execution/execution-lead/references/template.md"
    );
    let template = Document::parse(template_text.to_string()).unwrap();
    let contract =
        ReportContract::from_contract(&Contract::builtin().unwrap(), "execution").unwrap();
    for diagnostic in
        renkei_contract::check_report(&contract, &template, Path::new("report.md"), &report)
    {
        assert_diagnostic_in_bounds(&text, &diagnostic);
    }
}

/// Front matter rendering: any value `archetype.yaml` can hold is either refused by
/// validation or rendered into front matter that parses back to the same value.
pub fn frontmatter(data: &[u8]) {
    let fields = fields(data);
    let field = |index: usize| fields.get(index).cloned();
    let name = field(0).unwrap_or_default();
    let mut yaml = format!(
        "name: {}\ndescription: {}\n",
        quote(&name),
        quote(&field(1).unwrap_or_default())
    );
    let optional = ["license", "compatibility", "allowed-tools"];
    for (index, key) in optional.iter().enumerate() {
        if let Some(value) = field(2 + index).filter(|value| !value.is_empty()) {
            yaml.push_str(&format!("{key}: {}\n", quote(&value)));
        }
    }
    let metadata: BTreeMap<String, String> = fields
        .iter()
        .skip(5)
        .collect::<Vec<_>>()
        .chunks(2)
        .map(|pair| {
            (
                pair[0].clone(),
                pair.get(1).map_or(String::new(), |v| (*v).clone()),
            )
        })
        .collect();
    if !metadata.is_empty() {
        yaml.push_str("metadata:\n");
        for (key, value) in &metadata {
            yaml.push_str(&format!("  {}: {}\n", quote(key), quote(value)));
        }
    }
    // The same values as a client's own key, which renders through the same quoting.
    if let Some(hint) = metadata.values().next() {
        yaml.push_str(&format!("claude:\n  argument-hint: {}\n", quote(hint)));
    }
    let path = Path::new("archetype.yaml");
    let config: ArchetypeConfig = match renkei_model::yaml::parse_yaml(path, &yaml) {
        Ok(config) => config,
        // YAML caps an implicit key at 1,024 characters: such an archetype.yaml is refused
        // when read, with its position, which is the behaviour wanted.
        Err(_) if metadata.keys().any(|key| quote(key).chars().count() > 1024) => return,
        Err(error) => panic!("quoted values did not parse back: {error}\n{yaml}"),
    };
    assert_eq!(config.name.value, name);
    assert_eq!(config.metadata, metadata);
    if renkei_model::archetype::validate_config(&config, path, &name).is_err() {
        return;
    }
    for client in [None, Some(renkei_model::archetype::Client::Claude)] {
        let front_matter = renkei_assemble::frontmatter::render_front_matter(&config, client)
            .unwrap_or_else(|error| {
                panic!("a valid archetype was refused at rendering: {error}\n{yaml}")
            });
        assert!(front_matter.starts_with("---\n") && front_matter.ends_with("---\n"));
    }
}
