"""The sandbox through the real engine (issue 19 item 13): the root stack's ``tctlGetCommand``
output runs as printed inside the sandbox (the stand-in tctl is on its PATH, logged in), and
``--stop`` stops the services it started."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.engine import sandbox
from tests.engine.process import identity

from .harness import REPO, copy_program

pytestmark = pytest.mark.engine

SCRIPT = REPO / "tests" / "engine" / "sandbox"


def test_the_stacks_tctl_get_command_runs_as_printed_in_the_sandbox(
    engine_cli: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    program = copy_program(REPO, tmp_path / "root")
    env = {
        **os.environ,
        "TELEPORT_OIDC_PYTHON": sys.executable,
        "TELEPORT_OIDC_PULUMI": str(engine_cli),  # the cached CLI, not a build into tmp
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    monkeypatch.setenv("XDG_CACHE_HOME", env["XDG_CACHE_HOME"])

    def in_sandbox(*command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(SCRIPT), str(program), "--", *command],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
            check=False,
        )

    state = sandbox.state_dir(program.resolve())
    try:
        up = in_sandbox("pulumi", "up", "--yes", "--skip-preview", "--non-interactive")
        assert up.returncode == 0, up.stdout + up.stderr
        output = in_sandbox("pulumi", "stack", "output", "tctlGetCommand")
        assert output.returncode == 0, output.stderr
        printed = output.stdout.strip()
        assert printed == "tctl get integration/aws-example"

        got = in_sandbox(*printed.split())  # as a user would paste it
        assert got.returncode == 0, got.stderr
        assert "aws-example" in got.stdout and "role_arn" in got.stdout

        missing = in_sandbox("tctl-typo", "get")
        assert missing.returncode == 127
        assert missing.stderr.splitlines() == [
            "[sandbox] tctl-typo: command not found (the sandbox runs pulumi, tctl and what is "
            "on your PATH)"
        ]
        services = json.loads((state / "services.json").read_text())
    finally:
        stopped = subprocess.run(
            [str(SCRIPT), "--stop", str(program)], env=env, capture_output=True, text=True
        )
    assert stopped.returncode == 0, stopped.stderr
    assert identity(int(services["pid"])) != services["identity"]  # it was ours: it ended
    assert not state.exists()
