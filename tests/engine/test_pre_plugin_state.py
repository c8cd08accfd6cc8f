"""A Python stack deployed by the version before the plugin (main at 9472826: the Teleport
resources as plain ``pulumi.dynamic.Resource`` subclasses) previews with no change now that
they register through :mod:`teleport_oidc.registration`: same type tokens, same inputs, same
serialized provider.

``fixtures/pre-plugin`` holds that version's ``pulumi stack export`` of
``examples/discovery-single-account`` after ``up`` through the engine tier (an integration, a
discovery_config and a token), and its stack config (the encryption salt of the secrets in the
state, and the tier's identity sentinel, encrypted with the tier's passphrase)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.fake_teleport import FakeTeleport

from .harness import Harness, copy_program
from .test_examples import CASES, IDENTITY, ok, steps

pytestmark = pytest.mark.engine

FIXTURE = Path(__file__).with_name("fixtures") / "pre-plugin"


def test_a_stack_the_version_before_the_plugin_deployed_previews_no_change(
    engine: Harness, teleport: FakeTeleport, tmp_path: Path
) -> None:
    program = copy_program(CASES["discovery-single-account"].source, tmp_path / "program")
    ok(engine.pulumi(program, "stack", "init", "test"))
    shutil.copy(FIXTURE / "Pulumi.test.yaml", program / "Pulumi.test.yaml")
    teleport.require_identity(IDENTITY)
    ok(engine.pulumi(program, "stack", "import", "--file", str(FIXTURE / "state.json")))

    # The tier's stand-in proxy has a fresh CA every session, so the looked-up thumbprint (and
    # only it) differs from the fixture's: an in-place update of the OIDC provider, as a rotated
    # chain heals. Nothing else may change.
    assert steps(ok(engine.pulumi(program, "preview", "--json"))) == {"teleport-provider": "update"}
    preview = ok(engine.pulumi(program, "preview", "--diff"))
    body = preview.split("Resources:")[0]
    changed = [line for line in body.splitlines() if line.lstrip().startswith("~ ")]
    assert [line.split(":")[0].strip() for line in changed] == [
        "~ aws",
        "~ thumbprintLists",
        "~ [0]",
    ], preview
    assert "7 unchanged" in preview, preview
    assert "teleport-oidc:index:TeleportIntegration" not in preview
    assert "pulumi-python:dynamic/teleport-oidc:TeleportIntegration" in ok(
        engine.pulumi(program, "stack", "--show-urns")
    )
