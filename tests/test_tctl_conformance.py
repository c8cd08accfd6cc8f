"""The conformance scenario against the stand-in tctl (fast tier).

The same scenario runs against real tctl in tests/real_teleport_steps.py, which writes
tests/teleport/real_tctl_transcript.json (normalised: nothing in it changes between two runs of
the same Teleport); where that file exists, the stand-in must agree with it step by step
(outcome and exit codes).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .fake_teleport import FakeTeleport
from .tctl_conformance import (
    ACCOUNT,
    ACCOUNT2,
    EXPIRES,
    NAME,
    ROLE,
    ROLE2,
    TOKEN,
    TRANSCRIPT,
    comparable,
    major,
    normalised,
    run_scenario,
)

ITEM = {
    "kind": "integration",
    "sub_kind": "aws-oidc",
    "name": NAME,
    "labels": {"teleport.dev/iac-tool": "pulumi"},  # what the provider's documents carry
    "has_revision": True,
    "audience": "",
}


def token_item(account: str = ACCOUNT, **changes: Any) -> dict[str, Any]:
    """What the token provider reads back from the default (v18) stand-in."""
    return {
        "kind": "token",
        "name": TOKEN,
        "description": "",
        "labels": {},
        "expires": None,
        "roles": ["Node"],
        "join_method": "iam",
        "allow": [{"aws_account": account}],
        "integration": None,
        "iac_label": True,
        "has_revision": True,
        "has_id": False,
        **changes,
    }


def outcomes(teleport: FakeTeleport) -> dict[str, tuple[Any, list[int]]]:
    return {step: (out, codes) for step, out, codes in comparable(run_scenario(teleport.tctl))}


def test_the_stand_in_answers_the_scenario_as_section_7_says(teleport: FakeTeleport) -> None:
    got = outcomes(teleport)
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
    assert got["create with a name the backend refuses"] == ("failed", [1])
    assert got["create with an unknown field"] == ("failed", [1])
    assert got["rm"] == ("removed", [0])
    assert got["get after rm"] == ("not-found", [1])
    assert got["rm after rm"] == ("already-gone", [1])


def test_the_stand_in_answers_the_token_steps_as_the_source_says(teleport: FakeTeleport) -> None:
    got = outcomes(teleport)
    assert got["token: get of a missing one"] == ("not-found", [1])
    assert got["token: rm of a missing one"] == ("already-gone", [1])
    assert got["token: create"] == ("ok", [0])
    assert got["token: get"] == (token_item(), [0])
    # tctl create upserts tokens: no "already exists", the change is applied
    assert got["token: create of an existing one (a change)"] == ("ok", [0])
    assert got["token: get after a create of an existing one"] == (token_item(ACCOUNT2), [0])
    assert got["token: get after --force"] == (
        token_item(
            description="conformance", labels={"env": "x"}, expires=EXPIRES, roles=["Db", "Node"]
        ),
        [0],
    )
    assert got["token: get tokens (a list)"] == ([TOKEN], [0])
    for refused in (
        "no allow rules",
        "an unknown join method",
        "a name the backend refuses",
        "an unknown field",  # v18 reads strictly; v13 dropped it (the recorded transcript)
        "aws_role in an iam rule",
        "no roles",
        "the Bot role",
    ):
        assert got[f"token: create with {refused}"] == ("failed", [1]), refused
    assert got["token: create with an organization rule"] == ("ok", [0])  # v13 refused it
    assert got["token: rm"] == ("removed", [0])
    assert got["token: get after rm"] == ("not-found", [1])
    assert got["token: rm after rm"] == ("already-gone", [1])


@pytest.mark.skipif(
    not TRANSCRIPT.exists(), reason=f"no real tctl transcript yet ({TRANSCRIPT.name})"
)
def test_the_stand_in_agrees_with_the_recorded_real_tctl(tmp_path: Path) -> None:
    recorded = json.loads(TRANSCRIPT.read_text())
    fake = FakeTeleport.create(tmp_path, version=major(recorded["tctl_version"]))
    assert comparable(run_scenario(fake.tctl)) == comparable(recorded["records"])


def _printed(text: str) -> Any:
    """What tctl printed: parsed when it is JSON (key order and indentation aside)."""
    try:
        return json.loads(text)
    except ValueError:
        return text


@pytest.mark.skipif(
    not TRANSCRIPT.exists(), reason=f"no real tctl transcript yet ({TRANSCRIPT.name})"
)
def test_the_stand_in_prints_what_the_recorded_real_tctl_printed(tmp_path: Path) -> None:
    """Beyond what the provider concludes: every call's argv, exit code, stderr (its exact
    text) and stdout (as JSON when it is) equal the real tctl's, call by call."""
    recorded = json.loads(TRANSCRIPT.read_text())
    fake = FakeTeleport.create(tmp_path, version=major(recorded["tctl_version"]))
    ours = normalised(run_scenario(fake.tctl))

    def shown(records: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        return [
            (r["step"], c["argv"], c["returncode"], c["stderr"], _printed(c["stdout"]))
            for r in records
            for c in r["calls"]
        ]

    assert shown(ours) == shown(recorded["records"])


def test_the_recorded_transcript_is_normalised() -> None:
    """What varies per run is a placeholder in the committed file (so a re-record of the same
    behaviour does not dirty the tree), and normalising it again changes nothing."""
    if not TRANSCRIPT.exists():
        pytest.skip(f"no real tctl transcript yet ({TRANSCRIPT.name})")
    recorded = json.loads(TRANSCRIPT.read_text())
    assert normalised(recorded) == recorded


def test_normalising_takes_out_what_varies_and_keeps_the_rest() -> None:
    def item(id_: int) -> str:
        return json.dumps([{"metadata": {"name": "a", "id": id_, "expires": EXPIRES}}])

    one, two = item(1795685789071820786), item(1795685796989652440)
    assert normalised(one) == normalised(two)
    assert json.loads(normalised(one))[0]["metadata"] == {
        "name": "a",
        "id": "<id>",
        "expires": EXPIRES,
    }
    assert normalised({"v": "Teleport v13.3.8 git: go1.26.8"}) == {
        "v": "Teleport v13.3.8 git: go<version>"
    }
    assert normalised('"revision": "5b1e0c52-3f7e-4f0b-9d7c-0d7b5d1c1e2a"') == (
        '"revision": "<revision>"'
    )
    assert normalised("at 2026-11-26T11:20:01.123Z on 0e5f9a1c-1b2d-4c3e-8f4a-5b6c7d8e9f00") == (
        "at <time> on <uuid>"
    )
    assert normalised("role Nope is not registered") == "role Nope is not registered"
