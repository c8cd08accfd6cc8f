"""`teleport-oidc plan --state` marks the same create/update/replace/delete as the real preview."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fake_teleport import FakeTeleport

from .harness import Harness, copy_program
from .test_examples import CASES, init_stack, ok, steps

pytestmark = pytest.mark.engine


def plan_marks(program: Path, state: Path) -> dict[str, str]:
    command = [sys.executable, "-m", "teleport_oidc", "plan", str(program), "--stack", "test"]
    done = subprocess.run(
        [*command, "--state", str(state), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done
    changes = json.loads(done.stdout)["changes"]
    return {c["name"]: c["change"] for c in changes if c["change"] != "same"}


@pytest.mark.parametrize("name", ["basic", "discovery-single-account", "features", "root"])
def test_plan_against_state_agrees_with_the_real_preview(
    name: str, engine: Harness, teleport: FakeTeleport, tmp_path: Path
) -> None:
    case = CASES[name]
    program = copy_program(case.source, tmp_path / "program")
    init_stack(case, program, engine, teleport)
    ok(engine.pulumi(program, "up", "--yes"))
    state = tmp_path / "state.json"
    ok(engine.pulumi(program, "stack", "export", "--file", str(state)))

    assert plan_marks(program, state) == {}  # the real preview: no changes
    case.change(program, engine)
    real = steps(ok(engine.pulumi(program, "preview", "--json")))
    assert real == case.expected
    assert plan_marks(program, state) == real
