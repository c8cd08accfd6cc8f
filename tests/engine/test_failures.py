"""Failures through the real engine: bad input stops the preview with our message and creates
nothing; tctl refusing in the middle of `up` leaves a state that a re-run completes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fake_teleport import FakeTeleport

from .harness import REPO, Harness, aws_leftovers, copy_program

EMPTY: dict[str, list[str]] = {"roles": [], "oidc_providers": [], "documents": []}

pytestmark = pytest.mark.engine


def resources(engine: Harness, program: Path) -> list[str]:
    done = engine.pulumi(program, "stack", "export")
    assert done.returncode == 0, done
    deployment = json.loads(done.stdout)["deployment"]
    return [r["urn"].rsplit("::", 1)[-1] for r in deployment.get("resources") or []]


def test_invalid_proxy_url_fails_preview_with_our_message_and_creates_nothing(
    engine: Harness, teleport: FakeTeleport, tmp_path: Path
) -> None:
    program = copy_program(REPO / "examples" / "basic", tmp_path / "program")
    assert engine.pulumi(program, "stack", "init", "test").returncode == 0
    bad = "https://teleport.example.com:3080"
    assert engine.pulumi(program, "config", "set", "proxyUrl", bad).returncode == 0

    for command in (("preview", "--diff"), ("up", "--yes")):
        done = engine.pulumi(program, *command)
        output = done.stdout + done.stderr
        assert done.returncode != 0
        assert (
            "proxy_url must not contain a port (IAM rejects OIDC provider URLs with one), "
            f"got {bad!r}" in output
        )
        assert "Traceback" not in output and 'File "' not in output, output

    assert resources(engine, program) == []
    assert aws_leftovers(engine) == EMPTY
    assert teleport.integrations() == {}


def test_tctl_refusing_mid_up_leaves_state_a_rerun_completes(
    engine: Harness, teleport: FakeTeleport, tmp_path: Path
) -> None:
    program = copy_program(REPO / "examples" / "basic", tmp_path / "program")
    assert engine.pulumi(program, "stack", "init", "test").returncode == 0
    teleport.faults(fail="access denied: simulated refusal")

    failed = engine.pulumi(program, "up", "--yes")
    assert failed.returncode != 0
    output = failed.stdout + failed.stderr
    assert "access denied: simulated refusal" in output
    # The SDK's provider server reports with a traceback; ours arrive as their message.
    assert "Traceback" not in output and 'File "' not in output, output
    # AWS went first and is recorded; the integration is not.
    names = resources(engine, program)
    assert "teleport-role" in names and "teleport-provider" in names
    assert "teleport-integration" not in names
    assert teleport.integrations() == {}

    teleport.faults()
    rerun = engine.pulumi(program, "up", "--yes")
    assert rerun.returncode == 0, rerun
    assert list(teleport.integrations()) == ["aws-example"]
    again = engine.pulumi(program, "preview", "--expect-no-changes")
    assert again.returncode == 0, again

    assert engine.pulumi(program, "destroy", "--yes").returncode == 0
    assert aws_leftovers(engine) == EMPTY
    assert teleport.integrations() == {}
