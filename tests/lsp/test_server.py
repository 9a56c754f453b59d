"""`renkei lsp` as an editor sees it: diagnostics from unsaved buffers, both position
encodings, code actions applied to the buffer, hover, definition, links, config reload."""

import asyncio
import json
import subprocess
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from conftest import RENKEI

LEAD = "framework/archetypes/execution/execution-lead"
PROCESS = f"{LEAD}/doctrine/process.md"


def units(text: str, encoding: str) -> int:
    """The length of `text` in the negotiated encoding's units."""
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    return len(text.encode("utf-16-le")) // 2


def offset_of(text: str, line: int, character: int, encoding: str) -> int:
    """The character index in `text` of a protocol position."""
    lines = text.split("\n")
    start = sum(len(each) + 1 for each in lines[:line])
    counted = 0
    for index, char in enumerate(lines[line]):
        if counted >= character:
            return start + index
        counted += units(char, encoding)
    return start + len(lines[line])


def apply(text: str, edits: list[types.TextEdit], encoding: str) -> str:
    """`text` with `edits` applied, last first, as an editor applies them."""
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start = offset_of(text, edit.range.start.line, edit.range.start.character, encoding)
        end = offset_of(text, edit.range.end.line, edit.range.end.character, encoding)
        text = text[:start] + edit.new_text + text[end:]
    return text


class Buffer:
    """An open document the test edits."""

    def __init__(self, client: LanguageClient, relative: str, text: str | None = None):
        self.client = client
        self.path = client.tree / relative
        self.uri = self.path.as_uri()
        self.text = self.path.read_text() if text is None else text
        self.version = 1
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=self.uri, language_id="markdown", version=1, text=self.text
                )
            )
        )

    def replace(self, old: str, new: str):
        """Replaces the first `old` with `new` by an incremental change."""
        at = self.text.index(old)
        start = self.position(at)
        end = self.position(at + len(old))
        self.text = self.text[:at] + new + self.text[at + len(old):]
        self.version += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(start=start, end=end), text=new
                    )
                ],
            )
        )

    def apply(self, edit: types.WorkspaceEdit):
        """Applies the client's share of `edit` as a whole-text change."""
        self.text = apply(self.text, edit.changes[self.uri], self.client.encoding)
        self.version += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=self.text)],
            )
        )

    def position(self, index: int) -> types.Position:
        before = self.text[:index]
        line = before.count("\n")
        column = before[before.rfind("\n") + 1:]
        return types.Position(line=line, character=units(column, self.client.encoding))

    async def diagnostics(self) -> list[types.Diagnostic]:
        """The findings once the server has caught up: it runs pending checks before it
        answers a hover (which needs them), and publishes before it answers."""
        await self.client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=self.uri),
                position=types.Position(line=0, character=0),
            )
        )
        return list(self.client.diagnostics.get(self.uri, []))

    async def actions(self, diagnostic: types.Diagnostic, only=None):
        return await self.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=self.uri),
                range=diagnostic.range,
                context=types.CodeActionContext(diagnostics=[diagnostic], only=only),
            )
        )


def codes(diagnostics) -> list[str]:
    return [d.code for d in diagnostics]


@pytest.mark.asyncio
async def test_a_banned_word_typed_is_reported_at_its_place_in_the_negotiated_encoding(client):
    buffer = Buffer(client, PROCESS)
    assert await buffer.diagnostics() == []
    prefix = "x😀中e\u0301 "
    buffer.replace("# ", f"{prefix}intake\n\n# ", )
    # No request: the debounced check publishes on its own.
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    [found] = client.diagnostics[buffer.uri]
    assert found.code == "vocabulary/intake"
    assert found.source == "renkei"
    assert found.range.start == types.Position(line=0, character=units(prefix, client.encoding))
    assert found.range.end.character == units(prefix + "intake", client.encoding)
    buffer.replace(f"{prefix}intake\n\n", "")
    assert await buffer.diagnostics() == []


@pytest.mark.asyncio
async def test_the_quick_fix_applied_to_the_buffer_clears_the_finding(client):
    buffer = Buffer(client, PROCESS)
    buffer.replace("# ", "Check the 中 intake first.\n\n# ")
    [found] = await buffer.diagnostics()
    actions = await buffer.actions(found)
    [fix] = [a for a in actions if a.kind == types.CodeActionKind.QuickFix and "Replace" in a.title]
    buffer.apply(fix.edit)
    assert buffer.text.startswith("Check the 中 input first.")
    assert await buffer.diagnostics() == []


@pytest.mark.asyncio
async def test_fix_all_fixes_every_finding_with_one_replacement(client):
    buffer = Buffer(client, PROCESS)
    buffer.replace("# ", "The intake, then the 😀 intake.\n\n# ")
    found = await buffer.diagnostics()
    assert codes(found) == ["vocabulary/intake", "vocabulary/intake"]
    actions = await buffer.actions(found[0], only=[types.CodeActionKind.SourceFixAll])
    [fix_all] = actions
    assert fix_all.title == "Fix all renkei findings in this file"
    buffer.apply(fix_all.edit)
    assert buffer.text.startswith("The input, then the 😀 input.")
    assert await buffer.diagnostics() == []


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "written",
    [
        "First line.\nThen the intake.\n\n# ",  # inside a paragraph
        "- one\n- the intake\n\n# ",  # inside a list
        "\nThe intake starts a paragraph.\n\n# ",  # after a blank line
    ],
)
async def test_suppress_on_this_line_silences_the_finding_and_is_used(client, written):
    buffer = Buffer(client, PROCESS)
    buffer.replace("# ", written)
    [found] = await buffer.diagnostics()
    actions = await buffer.actions(found)
    [suppress] = [a for a in actions if a.title.startswith("Suppress")]
    assert suppress.title == "Suppress vocabulary/intake on this line"
    buffer.apply(suppress.edit)
    assert "<!-- renkei-disable-next-line vocabulary/intake -->" in buffer.text
    # Silenced, and the comment is not reported as suppressing nothing.
    assert await buffer.diagnostics() == []


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "written",
    [
        "Line one  \nThen the intake.\n\n# ",  # after a hard break
        "Some `code\nthe intake` here.\n\n# ",  # inside a code span
        "Para.\n\n    the intake code\n\n# ",  # inside an indented code block
    ],
)
async def test_no_suppression_is_offered_where_a_comment_would_change_the_markdown(client, written):
    buffer = Buffer(client, PROCESS)
    buffer.replace("# ", written)
    found = [d for d in await buffer.diagnostics() if d.code == "vocabulary/intake"]
    for finding in found:
        actions = await buffer.actions(finding)
        assert not [a for a in actions if a.title.startswith("Suppress")]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "written",
    [
        "Title\n=====\nThe intake.\n\n# ",  # after a setext heading
        "Text.\n\n---\nThe intake.\n\n# ",  # after a thematic break
    ],
)
async def test_suppression_after_a_block_goes_on_its_own_line(client, written):
    buffer = Buffer(client, PROCESS)
    buffer.replace("# ", written)
    [found] = await buffer.diagnostics()
    [suppress] = [a for a in await buffer.actions(found) if a.title.startswith("Suppress")]
    buffer.apply(suppress.edit)
    assert "\n<!-- renkei-disable-next-line vocabulary/intake -->\nThe intake." in buffer.text
    assert ("=====\n" in buffer.text) or ("---\n" in buffer.text)
    assert await buffer.diagnostics() == []


@pytest.mark.asyncio
async def test_suppression_after_front_matter_leaves_it_closed(client):
    buffer = Buffer(client, PROCESS, text="---\nname: x\n...\nThe intake here.\n")
    [found] = [d for d in await buffer.diagnostics() if d.code == "vocabulary/intake"]
    [suppress] = [a for a in await buffer.actions(found) if a.title.startswith("Suppress")]
    buffer.apply(suppress.edit)
    assert buffer.text.startswith("---\nname: x\n...\n<!-- renkei-disable-next-line")
    assert [d for d in await buffer.diagnostics() if d.code == "vocabulary/intake"] == []


@pytest.mark.asyncio
async def test_a_second_suppression_of_a_line_joins_the_first(client):
    buffer = Buffer(client, PROCESS)
    buffer.replace(
        "# ",
        "<!-- renkei-disable-next-line vocabulary/transfer -->\nThe intake, then the transfer of ownership.\n\n# ",
    )
    [found] = await buffer.diagnostics()
    assert found.code == "vocabulary/intake"
    [suppress] = [a for a in await buffer.actions(found) if a.title.startswith("Suppress")]
    buffer.apply(suppress.edit)
    assert "<!-- renkei-disable-next-line vocabulary/transfer vocabulary/intake -->\nThe intake" in buffer.text
    assert await buffer.diagnostics() == []


@pytest.mark.asyncio
async def test_an_archetype_that_repeats_a_name_keeps_its_findings_while_typed_in(client):
    import shutil
    source = client.tree / "framework/archetypes/development/implement-plan"
    shutil.copytree(source, client.tree / "framework/archetypes/execution/implement-plan")
    buffer = Buffer(client, "framework/archetypes/execution/implement-plan/doctrine/process.md")
    await buffer.diagnostics()
    yaml = (client.tree / "framework/archetypes/execution/implement-plan/archetype.yaml").as_uri()
    assert "load/failed" in codes(client.diagnostics.get(yaml, []))
    buffer.replace("# ", "More intake.\n\n# ")
    assert "vocabulary/intake" in codes(await buffer.diagnostics())
    assert "load/failed" in codes(client.diagnostics.get(yaml, []))


@pytest.mark.asyncio
async def test_a_template_failure_two_archetypes_meet_stays_until_neither_does(client):
    template = next((client.tree / "templates").iterdir())
    template.write_text(
        "# {{ title }}\n{% for part in parts %}{% if 'BOOM' in part.content %}{{ nope }}{% endif %}{{ part.content }}\n{% endfor %}"
    )
    members = [
        "framework/archetypes/development/implement-plan/doctrine/process.md",
        "framework/archetypes/development/test-implementer/doctrine/process.md",
    ]
    buffers = []
    for member in members:
        buffer = Buffer(client, member)
        buffer.replace("# ", "BOOM\n\n# ")
        buffers.append(buffer)
    rendering = lambda: [
        d for ds in client.diagnostics.values() for d in ds if d.code == "assemble/render"
    ]
    await buffers[0].diagnostics()
    assert len(rendering()) == 1
    buffers[0].replace("BOOM\n\n", "")
    await buffers[0].diagnostics()
    await buffers[0].diagnostics()
    assert len(rendering()) == 1, "the other archetype still fails to render"
    buffers[1].replace("BOOM\n\n", "")
    await buffers[1].diagnostics()
    await buffers[1].diagnostics()
    assert rendering() == []


@pytest.mark.asyncio
async def test_a_lone_carriage_return_does_not_move_a_finding(client):
    """renkei counts lines at `\n`; the protocol also at a lone `\r`. A finding is
    placed by its bytes, so both agree on where it is."""
    buffer = Buffer(client, PROCESS)
    buffer.replace("# ", "Alpha\rBeta.\n\nThe intake here.\n\n# ")
    [found] = await buffer.diagnostics()
    # The protocol's lines: `Alpha`, `Beta.`, ``, `The intake here.`.
    assert found.range.start == types.Position(line=3, character=4)
    assert found.range.end == types.Position(line=3, character=10)


@pytest.mark.asyncio
async def test_a_broken_template_is_reported_once_however_many_edits(client):
    template = next((client.tree / "templates").iterdir())
    template.write_text("{{ missing }}\n")
    buffer = Buffer(client, PROCESS)
    await buffer.diagnostics()
    for round in range(4):
        buffer.replace("# ", f"Edit {round}.\n\n# ")
        await buffer.diagnostics()
    reported = [
        d for diagnostics in client.diagnostics.values() for d in diagnostics
        if d.code == "assemble/render"
    ]
    assert len(reported) == 1


@pytest.mark.asyncio
async def test_a_seam_finding_follows_edits_and_clears_when_fixed(client):
    buffer = Buffer(client, PROCESS)
    buffer.replace("Delegate `test-implementer` with:", "Delegate `test-implementor` with:")
    [seam] = [d for d in await buffer.diagnostics() if d.code == "interface/unknown-archetype"]
    line = seam.range.start.line
    buffer.replace("# ", "One.\n\nTwo.\n\n# ")
    [seam] = [d for d in await buffer.diagnostics() if d.code == "interface/unknown-archetype"]
    assert seam.range.start.line == line + 4
    buffer.replace("Delegate `test-implementor` with:", "Delegate `test-implementer` with:")
    assert [d for d in await buffer.diagnostics() if d.code.startswith("interface/")] == []


@pytest.mark.asyncio
async def test_a_file_under_no_doctrine_root_gets_the_vocabulary_lint(client, tmp_path):
    loose = tmp_path / "notes" / "draft.md"
    loose.parent.mkdir()
    loose.write_text("")
    client.tree = tmp_path / "notes"
    buffer = Buffer(client, "draft.md", text="# Draft\n\nThe intake comes first.\n")
    [found] = await buffer.diagnostics()
    assert found.code == "vocabulary/intake"
    assert found.range.start.line == 2


@pytest.mark.asyncio
async def test_hover_on_a_finding_explains_its_rule(client):
    buffer = Buffer(client, PROCESS)
    buffer.replace("# ", "The intake.\n\n# ")
    [found] = await buffer.diagnostics()
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=buffer.uri),
            position=found.range.start,
        )
    )
    text = hover.contents.value
    assert text.startswith("vocabulary/intake (error")
    assert "Why:" in text
    assert "Flagged:" in text
    elsewhere = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=buffer.uri),
            position=types.Position(line=found.range.start.line + 2, character=0),
        )
    )
    assert elsewhere is None


@pytest.mark.asyncio
async def test_definition_follows_relative_links_into_other_files_and_archetypes(client):
    other = "framework/archetypes/development/implement-plan/archetype.yaml"
    buffer = Buffer(client, PROCESS)
    buffer.replace(
        "# ",
        "See [the template](../references/template.md#outcome) and [the plan](../../../development/implement-plan/archetype.yaml).\n\n# ",
    )

    async def definition(word: str):
        at = buffer.position(buffer.text.index(word) + 2)
        return await client.text_document_definition_async(
            types.DefinitionParams(
                text_document=types.TextDocumentIdentifier(uri=buffer.uri), position=at
            )
        )

    # On the link's text as on its destination.
    template = await definition("the template")
    assert template.uri == (client.tree / LEAD / "references/template.md").as_uri()
    template = await definition("../references/template.md")
    assert template.uri == (client.tree / LEAD / "references/template.md").as_uri()
    # At the heading the fragment names.
    lines = (client.tree / LEAD / "references/template.md").read_text().split("\n")
    assert lines[template.range.start.line].lstrip("#").strip().lower() == "outcome"
    plan = await definition("../../../development")
    assert plan.uri == (client.tree / other).as_uri()
    links = await client.text_document_document_link_async(
        types.DocumentLinkParams(text_document=types.TextDocumentIdentifier(uri=buffer.uri))
    )
    targets = [link.target for link in links]
    assert (client.tree / other).as_uri() in targets
    assert (client.tree / LEAD / "references/template.md").as_uri() in targets


@pytest.mark.asyncio
async def test_a_tenet_changed_in_its_buffer_flags_the_quote_in_another_file(client):
    tenets = Buffer(client, f"{LEAD}/ethos/tenets.md")
    tenets.replace("- Execution starts", "- Work starts")
    await tenets.diagnostics()
    orchestration = (client.tree / LEAD / "doctrine/orchestration.md").as_uri()
    assert "contract/verbatim-quote" in codes(client.diagnostics.get(orchestration, []))
    tenets.replace("- Work starts", "- Execution starts")
    await tenets.diagnostics()
    assert not client.diagnostics.get(orchestration)


@pytest.mark.asyncio
async def test_renkei_yaml_is_reloaded_and_its_errors_shown_at_their_line(client):
    buffer = Buffer(client, PROCESS)
    assert await buffer.diagnostics() == []
    [watching] = client.registrations
    assert watching.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    globs = [w["globPattern"] for w in watching.register_options["watchers"]]
    assert "**/renkei.yaml" in globs and "**/contract.yaml" in globs
    config = client.tree / "renkei.yaml"
    config.write_text(config.read_text() + "lint:\n  rules:\n    - id: house/x\n      severity: fatal\n")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    await buffer.diagnostics()
    [error] = client.diagnostics[config.as_uri()]
    assert error.code == "config/invalid"
    lines = config.read_text().split("\n")
    assert "severity: fatal" in lines[error.range.start.line]


@pytest.mark.asyncio
async def test_a_buffer_over_the_size_limit_gets_one_diagnostic(client):
    buffer = Buffer(client, PROCESS, text="intake " * (17 * 1024 * 1024 // 7 + 1))
    [found] = await buffer.diagnostics()
    assert found.code == "lint/unreadable-file"
    assert "over the" in found.message


@pytest.mark.asyncio
async def test_the_server_reports_what_the_cli_reports_on_the_same_text(client):
    """Every finding `renkei check` prints for a tree is published for the same text held
    in buffers, at the same line and column, and nothing else."""
    edits = {
        PROCESS: ("# ", "The intake 😀 and the transfer of ownership.\n\n# "),
        f"{LEAD}/ethos/tenets.md": ("- Execution starts", "- Work starts"),
        f"{LEAD}/doctrine/pipeline.md": ("# ", "A [broken](missing.md) link.\n\n# "),
    }
    buffers = []
    for relative, (old, new) in edits.items():
        buffer = Buffer(client, relative)
        buffer.replace(old, new)
        buffers.append(buffer)
    await buffers[0].diagnostics()
    served = set()
    for uri, diagnostics in client.diagnostics.items():
        path = Path(uri.removeprefix("file://"))
        text = path.read_text() if not any(b.uri == uri for b in buffers) else next(b.text for b in buffers if b.uri == uri)
        for d in diagnostics:
            line = text.split("\n")[d.range.start.line]
            column = offset_of(line, 0, d.range.start.character, client.encoding) + 1
            served.add((str(path.relative_to(client.tree)), d.range.start.line + 1, column, d.code))
    for buffer in buffers:
        buffer.path.write_text(buffer.text)
    cli = subprocess.run(
        [RENKEI, "check", "--format", "json"], cwd=client.tree, capture_output=True, text=True
    )
    report = json.loads(cli.stdout)
    printed = {
        (f["path"], f["line"], f["column"], f["rule"]) for f in report["diagnostics"]
    }
    assert len(printed) >= 4
    assert served == printed
