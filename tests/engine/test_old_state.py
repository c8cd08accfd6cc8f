"""A stack whose state an older version wrote (the internal ``adopt_hint`` input and the blank
defaults recorded on every Teleport resource; no ``owner`` recorded and no owner labels in
Teleport) previews, refreshes and plans no change through the real engine, and still deploys
and destroys."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from teleport_oidc.teleport.document import OWNER_LABEL_KEYS, OWNER_URN_KEY
from tests.fake_teleport import FakeTeleport

from .harness import Harness, copy_program
from .test_examples import CASES, init_stack, ok
from .test_plan_agrees import plan_marks

pytestmark = pytest.mark.engine

DYNAMIC = "pulumi-python:dynamic/teleport-oidc:"
#: What versions before the change recorded, in inputs and outputs, per Teleport type.
OLD: dict[str, dict[str, Any]] = {
    f"{DYNAMIC}TeleportIntegration": {
        "adopt_existing": False,
        "adopt_hint": "adopt_existing_integration=True (stack config: `pulumi config set "
        "teleport-oidc:adoptExistingIntegration true`)",
        "audience": "",
        "labels": {},
    },
    f"{DYNAMIC}TeleportDiscoveryConfig": {
        "adopt_existing": False,
        "adopt_hint": "DiscoveryOptions(adopt_existing=True) in the component's discovery",
        "labels": {},
    },
    f"{DYNAMIC}TeleportProvisionToken": {
        "adopt_existing": False,
        "adopt_hint": "DiscoveryOptions(adopt_existing=True) in the component's discovery",
        "labels": {},
    },
}


KINDS = {
    f"{DYNAMIC}TeleportIntegration": "integration",
    f"{DYNAMIC}TeleportDiscoveryConfig": "discovery_config",
    f"{DYNAMIC}TeleportProvisionToken": "token",
}


def strip_owner_labels(teleport: FakeTeleport, kind: str, name: str) -> None:
    """What an older version left in Teleport: the item without the owner labels (its
    revision kept, as no write happened)."""
    items = [
        p
        for p in teleport.state.glob(f"*/{name}.json")
        if json.loads(p.read_text())["kind"] == kind
    ]
    assert len(items) == 1
    item = json.loads(items[0].read_text())
    labels = item["metadata"]["labels"]
    for key in OWNER_LABEL_KEYS:
        del labels[key]
    items[0].write_text(json.dumps(item))


def test_an_older_versions_state_shows_no_change(
    engine: Harness, teleport: FakeTeleport, tmp_path: Path
) -> None:
    case = CASES["discovery-single-account"]
    program = copy_program(case.source, tmp_path / "program")
    init_stack(case, program, engine, teleport)
    ok(engine.pulumi(program, "up", "--yes"))

    state = tmp_path / "state.json"
    ok(engine.pulumi(program, "stack", "export", "--file", str(state)))
    data = json.loads(state.read_text())
    aged = 0
    for resource in data["deployment"]["resources"]:
        old = OLD.get(resource["type"])
        if old is not None:
            # The owner labels name the resource as the engine does (issue 19 item 3)...
            kind = KINDS[resource["type"]]
            labels = teleport.resources(kind)[resource["id"]]["metadata"]["labels"]
            assert labels[OWNER_URN_KEY] == resource["urn"] == resource["outputs"]["owner"]["urn"]
            # ...and an older version recorded no owner and wrote no owner labels.
            for where in ("inputs", "outputs"):
                recorded = {k: v for k, v in resource[where].items() if k != "owner"}
                resource[where] = {**old, **recorded}
            strip_owner_labels(teleport, kind, resource["id"])
            aged += 1
    assert aged == len(OLD)
    state.write_text(json.dumps(data))
    ok(engine.pulumi(program, "stack", "import", "--file", str(state)))

    ok(engine.pulumi(program, "preview", "--diff", "--expect-no-changes"))
    assert plan_marks(program, state) == {}
    ok(engine.pulumi(program, "refresh", "--yes", "--expect-no-changes"))
    ok(engine.pulumi(program, "up", "--yes", "--expect-no-changes"))
    ok(engine.pulumi(program, "destroy", "--yes"))
    assert teleport.integrations() == {}
    assert teleport.resources("discovery_config") == teleport.resources("token") == {}
