"""The conformance scenario against the stand-in tctl (fast tier).

The same scenario runs against real tctl in tests/test_real_teleport.py, which writes
tests/teleport/real_tctl_transcript.json; where that file exists, the stand-in must agree with
it step by step (outcome and exit codes).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .fake_teleport import FakeTeleport
from .tctl_conformance import NAME, ROLE, ROLE2, TRANSCRIPT, comparable, major, run_scenario

ITEM = {
    "kind": "integration",
    "sub_kind": "aws-oidc",
    "name": NAME,
    "labels": {"teleport.dev/iac-tool": "pulumi"},  # what the provider's documents carry
    "has_revision": True,
    "audience": "",
}


def test_the_stand_in_answers_the_scenario_as_section_7_says(teleport: FakeTeleport) -> None:
    got = {
        step: (outcome, codes) for step, outcome, codes in comparable(run_scenario(teleport.tctl))
    }
    assert got["get of a missing one"] == ("not-found", [1])
    assert got["rm of a missing one"] == ("already-gone", [1])
    assert got["create"] == ("ok", [0])
    assert got["get"] == ({**ITEM, "role_arn": ROLE}, [0])
    assert got["create of an existing one"] == ("already-exists", [1])
    assert got["create --force of an existing one"] == ("ok", [0])
    assert got["get after --force"] == ({**ITEM, "role_arn": ROLE2}, [0])
    assert got["get after --force with labels"] == ({**ITEM, "role_arn": ROLE2}, [0])
    assert got["get integrations (a list)"] == ([NAME], [0])
    assert got["create with a bad name"] == ("failed", [1])
    assert got["create with an unknown field"] == ("failed", [1])
    assert got["rm"] == ("removed", [0])
    assert got["get after rm"] == ("not-found", [1])
    assert got["rm after rm"] == ("already-gone", [1])


@pytest.mark.skipif(
    not TRANSCRIPT.exists(), reason=f"no real tctl transcript yet ({TRANSCRIPT.name})"
)
def test_the_stand_in_agrees_with_the_recorded_real_tctl(tmp_path: Path) -> None:
    recorded = json.loads(TRANSCRIPT.read_text())
    fake = FakeTeleport.create(tmp_path, version=major(recorded["tctl_version"]))
    assert comparable(run_scenario(fake.tctl)) == comparable(recorded["records"])
