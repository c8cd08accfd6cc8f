"""Issue 19 items 5 and 6 through the real engine: a bad connection setting stops
``pulumi up --skip-preview`` before any AWS resource exists, and identity file content put in
``teleport-oidc:identityFile`` is refused without reaching the output or the state."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fake_teleport import FakeTeleport
from tests.identity_content import IDENTITY, leaks

from .harness import REPO, Harness, aws_leftovers, copy_program
from .test_failures import EMPTY, resources

pytestmark = pytest.mark.engine


def basic(engine: Harness, tmp_path: Path) -> Path:
    program = copy_program(REPO / "examples" / "basic", tmp_path / "program")
    assert engine.pulumi(program, "stack", "init", "test").returncode == 0
    return program


def test_a_tctl_path_with_a_trailing_space_stops_up_before_anything_exists(
    engine: Harness, teleport: FakeTeleport, tmp_path: Path
) -> None:
    program = basic(engine, tmp_path)
    done = engine.pulumi(program, "config", "set", "teleport-oidc:tctlPath", f"{teleport.tctl} ")
    assert done.returncode == 0
    up = engine.pulumi(program, "up", "--yes", "--skip-preview")
    output = up.stdout + up.stderr
    assert up.returncode != 0
    assert "teleport-oidc:tctlPath must be a non-empty string with no leading" in output
    assert "Traceback" not in output
    assert resources(engine, program) in ([], ["teleport-oidc-basic-test"])  # the stack alone
    assert aws_leftovers(engine) == EMPTY


def test_identity_content_in_identityFile_reaches_neither_output_nor_state(
    engine: Harness, teleport: FakeTeleport, tmp_path: Path
) -> None:
    program = basic(engine, tmp_path)
    # From stdin, as a user pastes it
    done = engine.pulumi(program, "config", "set", "teleport-oidc:identityFile", stdin=IDENTITY)
    assert done.returncode == 0, done
    for command in (("preview",), ("up", "--yes", "--skip-preview")):
        run = engine.pulumi(program, *command)
        output = run.stdout + run.stderr
        assert run.returncode != 0
        assert "teleport-oidc:identityFile holds what looks like the content" in output
        assert leaks(output) == [], command
    exported = engine.pulumi(program, "stack", "export", "--show-secrets")
    assert leaks(exported.stdout) == []
    assert aws_leftovers(engine) == EMPTY
    assert teleport.calls() == []
