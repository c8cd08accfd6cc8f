"""`teleport-oidc plan --state` marks the same create/update/replace/delete as the real preview,
in moto's default account and in another account and partition (issue 19, item 1)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fake_teleport import FakeTeleport

from .harness import REPO, Harness, copy_program, move_to_account
from .test_examples import CASES, init_stack, ok, steps

pytestmark = pytest.mark.engine

#: Where the stack is deployed: moto's default account (the mock engine's placeholder too, so
#: it cannot show a wrong account), and another account in GovCloud (aws-us-gov) or, for the
#: organization (whose example assumes roles by commercial ARNs), in the commercial partition.
ELSEWHERE = ("210987654321", "us-gov-west-1")
WORLDS: dict[str, list[tuple[str, str] | None]] = {
    "basic": [None, ELSEWHERE],
    "discovery-single-account": [None, ELSEWHERE],
    "features": [None, ELSEWHERE],
    "root": [None, ELSEWHERE],
    "discovery-organization": [("210987654321", "us-east-1")],
}


def plan_output(program: Path, state: Path, output_format: str = "json") -> str:
    command = [sys.executable, "-m", "teleport_oidc", "plan", str(program), "--stack", "test"]
    done = subprocess.run(
        [*command, "--state", str(state), "--format", output_format],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done
    return done.stdout


def plan_marks(program: Path, state: Path) -> dict[str, str]:
    changes = json.loads(plan_output(program, state))["changes"]
    return {c["name"]: c["change"] for c in changes if c["change"] != "same"}


def deploy(
    name: str,
    engine: Harness,
    teleport: FakeTeleport,
    tmp_path: Path,
    world: tuple[str, str] | None,
    before: tuple[str, ...] = (),
) -> tuple[Path, Path]:
    """The case's program, `up` in ``world`` with the ``before`` config (``key=value``), and
    the export of that `up`."""
    case = CASES[name]
    if world is not None:
        move_to_account(engine, *world)
    program = copy_program(case.source, tmp_path / "program")
    init_stack(case, program, engine, teleport)
    if world is not None and case.source == REPO:
        # The root stack's config names its region; the examples take the CLI's.
        ok(engine.pulumi(program, "config", "set", "aws:region", world[1]))
    for pair in before:
        key, _, value = pair.partition("=")
        ok(engine.pulumi(program, "config", "set", key, value))
    ok(engine.pulumi(program, "up", "--yes"))
    state = tmp_path / "state.json"
    ok(engine.pulumi(program, "stack", "export", "--file", str(state)))
    return program, state


@pytest.mark.parametrize(
    ("name", "world"),
    [(name, world) for name, worlds in WORLDS.items() for world in worlds],
    ids=[
        f"{name}-{world[0] if world else 'moto-default'}"
        for name, worlds in WORLDS.items()
        for world in worlds
    ],
)
def test_plan_against_state_agrees_with_the_real_preview(
    name: str,
    world: tuple[str, str] | None,
    engine: Harness,
    teleport: FakeTeleport,
    tmp_path: Path,
) -> None:
    program, state = deploy(name, engine, teleport, tmp_path, world)
    if world is not None:  # deployed elsewhere indeed
        partition = "aws-us-gov" if world[1].startswith("us-gov-") else "aws"
        assert f"arn:{partition}:iam::{world[0]}:role/" in state.read_text()
    assert plan_marks(program, state) == {}  # the real preview: no changes
    CASES[name].change(program, engine)
    real = steps(ok(engine.pulumi(program, "preview", "--json")))
    assert real == CASES[name].expected
    assert plan_marks(program, state) == real
