"""Drives `renkei lsp` as an editor does, with pytest-lsp's client.

Each test gets a copy of this repository's framework (its doctrine, templates and
renkei.yaml) in a scratch folder, and a server started on it. `RENKEI_BIN` names the
binary; the Rust test `tests/integration/lsp.rs` runs this suite with it set.
"""

import os
import shutil
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

REPO = Path(__file__).resolve().parents[2]
RENKEI = os.environ.get("RENKEI_BIN", str(REPO / "target" / "debug" / "renkei"))


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "doctrine"
    root.mkdir()
    shutil.copytree(REPO / "framework", root / "framework")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copy(REPO / "renkei.yaml", root / "renkei.yaml")
    return root


def capabilities(encodings: list[str] | None) -> types.ClientCapabilities:
    """VS Code's capabilities, offering `encodings` (none: the protocol's default)."""
    caps = client_capabilities("visual-studio-code")
    caps.general = types.GeneralClientCapabilities(position_encodings=encodings)
    return caps


@pytest_lsp.fixture(
    params=[["utf-8", "utf-16"], None],
    ids=["utf-8", "utf-16"],
    config=ClientServerConfig(server_command=[RENKEI, "lsp"]),
)
async def client(request, lsp_client: LanguageClient, tree: Path):
    lsp_client.registrations = []

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams):
        lsp_client.registrations.extend(params.registrations)

    params = types.InitializeParams(
        capabilities=capabilities(request.param),
        root_uri=tree.as_uri(),
    )
    result = await lsp_client.initialize_session(params)
    lsp_client.tree = tree
    lsp_client.encoding = result.capabilities.position_encoding
    yield
    await lsp_client.shutdown_session()
