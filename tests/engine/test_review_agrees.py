"""The review (`plan --state ... --format json`) says what the real `pulumi preview --diff --json`
of the same change does: the same resources change, the same IAM actions are added and removed,
the same trust entries, the same Teleport resources as the engine would write them (issue 21)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from teleport_oidc.cli.review import (
    POLICY_TYPE,
    ROLE_TYPE,
    TELEPORT_KINDS,
    grants,
    teleport_summary,
    trust_items,
)
from tests.fake_teleport import FakeTeleport

from .harness import Harness
from .test_examples import config, edit, ok, steps
from .test_plan_agrees import deploy, plan_output

pytestmark = pytest.mark.engine

Change = Callable[[Path, Harness], None]


def _document(value: Any) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) and value else {}


def _atoms(policy: dict[str, Any]) -> set[tuple[str, tuple[str, ...], str]]:
    return {(a, g.resources, g.condition) for g in grants(policy, "") for a in g.actions}


def from_preview(preview: dict[str, Any]) -> dict[str, Any]:
    """What the real preview changes, in the review's terms."""
    added: set[tuple[str, tuple[str, ...], str]] = set()
    removed: set[tuple[str, tuple[str, ...], str]] = set()
    trust_added: set[str] = set()
    trust_removed: set[str] = set()
    teleport: dict[tuple[str, str], dict[str, list[str]]] = {}
    for step in preview.get("steps", []):
        if step["op"] == "same":
            continue
        old = (step.get("oldState") or {}).get("inputs") or {}
        new = (step.get("newState") or {}).get("inputs") or {}
        if step["op"] == "delete":
            new = {}
        type_ = (step.get("newState") or step.get("oldState") or {}).get("type", "")
        if type_ == POLICY_TYPE:
            was, now = _atoms(_document(old.get("policy"))), _atoms(_document(new.get("policy")))
            added |= now - was
            removed |= was - now
        elif type_ == ROLE_TYPE:
            was_t = {i.text for i in trust_items(_document(old.get("assumeRolePolicy")))}
            now_t = {i.text for i in trust_items(_document(new.get("assumeRolePolicy")))}
            trust_added |= now_t - was_t
            trust_removed |= was_t - now_t
        elif type_ in TELEPORT_KINDS and new:
            teleport[(TELEPORT_KINDS[type_], step["urn"].rsplit("::", 1)[-1])] = teleport_summary(
                type_, new
            )
    return {
        "added": added,
        "removed": removed,
        "trust_added": trust_added,
        "trust_removed": trust_removed,
        "teleport": teleport,
    }


def from_review(review: dict[str, Any]) -> dict[str, Any]:
    def atoms(side: str) -> set[tuple[str, tuple[str, ...], str]]:
        return {
            (a, tuple(g["resources"]), g["condition"])
            for role in review["roles"]
            for g in role[side]
            for a in g["actions"]
        }

    return {
        "added": atoms("added"),
        "removed": atoms("removed"),
        "trust_added": {t["text"] for r in review["roles"] for t in r["trust_added"]},
        "trust_removed": {t["text"] for r in review["roles"] for t in r["trust_removed"]},
        "teleport": {
            (t["kind"], t["resource"]): t["now"]
            for t in review["teleport"]
            if t["change"] not in ("same", "delete")
        },
    }


DISCOVERY = '{"discovery_group": "g", "types": ["ec2"], "regions": ["us-east-1"]}'
#: name -> (case, config before `up`, the change, what the review must say on its own).
SCENARIOS: dict[str, tuple[str, tuple[str, ...], Change, Callable[[dict[str, Any]], bool]]] = {
    "enable a feature": (
        "root",
        (),
        config("teleport-oidc:features.aws_console_access=true", path=True),
        lambda r: {g["feature"] for g in r["roles"][0]["added"]} == {"aws_console_access"},
    ),
    "remove the subject restriction": (
        "root",
        ("teleport-oidc:restrictSubjects=true",),
        config("teleport-oidc:restrictSubjects=false"),
        lambda r: r["widened_trust"] == ["teleport-role"],
    ),
    "add an account to discovery": (
        "discovery-organization",
        (),
        edit(
            "__main__.py",
            '"prod": "333333333333"}',
            '"prod": "333333333333", "qa": "444444444444"}',
        ),
        lambda r: [x["account"] for x in r["roles"] if x["change"] == "create"] == ["444444444444"],
    ),
    "change a token": (
        "root",
        (f"teleport-oidc:discovery={DISCOVERY}",),
        config(f'teleport-oidc:discovery={DISCOVERY[:-1]}, "token_name": "ec2-join"}}'),
        lambda r: [t["name"] for t in r["teleport"] if t["kind"] == "token"] == ["ec2-join"],
    ),
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_the_review_agrees_with_the_real_preview_diff(
    scenario: str, engine: Harness, teleport: FakeTeleport, tmp_path: Path
) -> None:
    name, before, change, says = SCENARIOS[scenario]
    world = ("210987654321", "us-east-1")
    program, state = deploy(name, engine, teleport, tmp_path, world, before=before)
    change(program, engine)
    preview = json.loads(ok(engine.pulumi(program, "preview", "--diff", "--json")))
    review = json.loads(plan_output(program, state))
    changes = {c["name"]: c["change"] for c in review["changes"] if c["change"] != "same"}
    assert changes == steps(json.dumps(preview))
    assert from_review(review["review"]) == from_preview(preview)
    assert says(review["review"]), review["review"]
