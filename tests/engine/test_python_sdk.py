"""A Python program with the SDK `pulumi package add` would generate (``pulumi_teleport_oidc``,
generated from ``provider/schema.json`` into the program's ``sdks/teleport-oidc`` and installed in
development mode), the component constructed by the ``teleport-oidc`` plugin, with no
``PULUMI_PYTHON_CMD``: the same lifecycle and the same bad-input check as the YAML and
TypeScript programs, and a golden preview with the trust and feature policies in full."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fake_teleport import FakeTeleport

from . import sdks
from .harness import Harness
from .plugin_lifecycle import (
    IDENTITY,
    bad_proxy_url_fails_preview,
    init_stack,
    lifecycle,
    name_the_plugin,
)
from .test_examples import check_golden, normalise, sibling_order

pytestmark = pytest.mark.engine

SOURCE = Path(__file__).with_name("python_sdk_program")


@pytest.fixture
def program(engine: Harness, teleport: FakeTeleport, sdkgen_tool: Path, tmp_path: Path) -> Path:
    """The program with its generated SDK importable (on the program's ``PYTHONPATH``, not in
    the test venv) and the plugin named under ``packages:``, as ``pulumi package add`` leaves
    it."""
    engine.dynamic_python = False
    program = name_the_plugin(sdks.copy_example(SOURCE, tmp_path / "program"))
    engine.python_path = (sdks.prepare_python(program, sdkgen_tool),)
    teleport.require_identity(IDENTITY)
    return init_stack(engine, program)


def test_python_sdk_program_through_the_real_engine(
    engine: Harness, teleport: FakeTeleport, program: Path, tmp_path: Path
) -> None:
    preview = lifecycle(engine, teleport, program, tmp_path, policies=("eks", "rds"))
    check_golden("python-sdk", sibling_order(normalise(preview)))


def test_python_sdk_bad_proxy_url_fails_preview_with_our_message_and_creates_nothing(
    engine: Harness, teleport: FakeTeleport, program: Path
) -> None:
    bad_proxy_url_fails_preview(engine, teleport, program, python_program=True)
