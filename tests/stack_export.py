"""A `pulumi stack export` written from a mock run, as the engine would write it after `up`.

The mock engine's registrations stand for what the engine stores: each resource's URN, type,
parent, provider reference (the default AWS provider's too), inputs as its provider's check left
them, and outputs with the ARNs AWS returned. The engine tier checks the real thing
(tests/engine/test_plan_agrees.py); this lets the fast tier deploy "elsewhere" (another
account, partition and organization) and plan against it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from teleport_oidc.cli.mockrun import Recorded, RecordedResource
from teleport_oidc.teleport.discovery import DISCOVERY_CONFIG, DISCOVERY_CONFIG_TYPE
from teleport_oidc.teleport.resource import TctlResourceProvider
from teleport_oidc.teleport.token import PROVISION_TOKEN_TYPE, TOKEN

_CHECKED = {DISCOVERY_CONFIG_TYPE: DISCOVERY_CONFIG, PROVISION_TOKEN_TYPE: TOKEN}


def _stored_inputs(resource: RecordedResource) -> dict[str, Any]:
    kind = _CHECKED.get(resource.type)
    if kind is None:
        return dict(resource.inputs)
    provider = type("Stored", (TctlResourceProvider,), {"KIND": kind})()
    return dict(provider.check({}, dict(resource.inputs)).inputs)


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def write_export(recorded: Recorded, path: Path, *, stack: str = "prod") -> Path:
    """Write ``recorded`` as the export of stack ``stack`` (another name than the plan's)."""
    default_provider = f"urn:pulumi:{stack}::p::pulumi:providers:aws::default_7_12_0::0000"
    items: list[dict[str, Any]] = [
        {
            "urn": f"urn:pulumi:{stack}::p::pulumi:pulumi:Stack::p-{stack}",
            "type": "pulumi:pulumi:Stack",
        },
        {"urn": default_provider.rsplit("::", 1)[0], "type": "pulumi:providers:aws", "inputs": {}},
    ]
    for resource in recorded.resources:
        urn = resource.urn.split("::", 2)[2]
        provider = resource.provider or (
            default_provider if resource.type.startswith("aws:") else ""
        )
        items.append(
            {
                "urn": f"urn:pulumi:{stack}::p::{urn}",
                "type": resource.type,
                "custom": not resource.type.startswith("teleport-oidc:index:"),
                "parent": resource.parent,
                "provider": provider,
                "inputs": _plain(_stored_inputs(resource)),
                "outputs": _plain(resource.outputs),
            }
        )
    path.write_text(json.dumps({"version": 3, "deployment": {"resources": items}}))
    return path
