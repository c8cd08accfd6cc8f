"""A Python program using the component through the ``teleport-oidc`` plugin (``remote=True``,
as a generated Python SDK does), with no ``PULUMI_PYTHON_CMD``: the same lifecycle and the same
bad-input check as the YAML program, and a golden preview."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tests.fake_teleport import FakeTeleport

from .harness import Harness
from .test_examples import check_golden, normalise, ok, sibling_order
from .test_typescript import IDENTITY
from .test_yaml import LAUNCHER, bad_proxy_url_fails_preview, lifecycle

pytestmark = pytest.mark.engine

SOURCE = Path(__file__).with_name("remote_program")


@pytest.fixture
def program(engine: Harness, teleport: FakeTeleport, tmp_path: Path) -> Path:
    """The program with the plugin named under ``plugins:`` (a folder holding its launcher)."""
    engine.dynamic_python = False
    teleport.require_identity(IDENTITY)
    program = shutil.copytree(SOURCE, tmp_path / "program")
    launcher = tmp_path / "plugin-bin" / LAUNCHER.name
    launcher.parent.mkdir()
    shutil.copy2(LAUNCHER, launcher)
    manifest = yaml.safe_load((program / "Pulumi.yaml").read_text())
    manifest["plugins"] = {"providers": [{"name": "teleport-oidc", "path": str(launcher.parent)}]}
    (program / "Pulumi.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False))
    ok(engine.pulumi(program, "stack", "init", "test"))
    ok(
        engine.pulumi(
            program, "config", "set", "--secret", "teleport-oidc:identity", stdin=IDENTITY
        )
    )
    return program


def test_python_remote_component_through_the_real_engine(
    engine: Harness, teleport: FakeTeleport, program: Path, tmp_path: Path
) -> None:
    preview = lifecycle(engine, teleport, program, tmp_path)
    check_golden("remote-python", sibling_order(normalise(preview)))


def test_python_remote_bad_proxy_url_fails_preview_with_our_message_and_creates_nothing(
    engine: Harness, teleport: FakeTeleport, program: Path
) -> None:
    bad_proxy_url_fails_preview(engine, teleport, program, python_program=True)
