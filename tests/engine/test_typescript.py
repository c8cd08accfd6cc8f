"""A TypeScript program through the real engine, with the SDK `pulumi package add` would
generate: ``examples/typescript-basic`` run as an Automation API inline program
(``tests/engine/node/langhost.js``), the component constructed by the ``teleport-oidc`` plugin,
with no ``PULUMI_PYTHON_CMD`` (a TypeScript user has none). Preview against a golden, up, a
clean second preview, refresh after a change made with tctl, one real change, destroy; and a bad
``proxyUrl`` failing preview with our message, creating nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fake_teleport import FakeTeleport

from . import sdks
from .harness import REPO, Harness
from .plugin_lifecycle import (
    IDENTITY,
    LAUNCHER,
    bad_proxy_url_fails_preview,
    init_stack,
    lifecycle,
)
from .test_examples import check_golden, normalise, sibling_order

pytestmark = pytest.mark.engine


@pytest.fixture
def typescript(
    engine: Harness,
    teleport: FakeTeleport,
    sdkgen_tool: Path,
    node_modules: Path,
    tmp_path: Path,
) -> Path:
    """examples/typescript-basic ready to run, with stack ``test`` and the identity secret."""
    if not LAUNCHER.is_file():
        pytest.skip(f"the teleport-oidc plugin is not in this tree yet: no {LAUNCHER}")
    engine.dynamic_python = False
    engine.install_plugin()
    program = tmp_path / "program"
    sdks.copy_example(REPO / "examples" / "typescript-basic", program)
    sdks.prepare_typescript(program, sdkgen_tool, node_modules)
    teleport.require_identity(IDENTITY)
    return init_stack(engine, program)


def test_typescript_program_through_the_real_engine(
    engine: Harness, teleport: FakeTeleport, typescript: Path, tmp_path: Path
) -> None:
    preview = lifecycle(engine, teleport, typescript, tmp_path)
    check_golden("typescript-basic", sibling_order(normalise(preview)))


def test_typescript_bad_proxy_url_fails_preview_with_our_message_and_creates_nothing(
    engine: Harness, teleport: FakeTeleport, typescript: Path
) -> None:
    # No Python traceback. (The Node.js SDK does print its own "Unhandled exception: ... resource
    # monitor shut down" with a JavaScript stack after our message: its way of reporting any
    # failed registration, outside the plugin.)
    bad_proxy_url_fails_preview(engine, teleport, typescript)
