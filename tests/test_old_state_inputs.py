"""State written by an older version, whose Teleport resources recorded the internal input
``adopt_hint`` (the "already exists" error's wording) and the blank defaults, previews no
change: neither the provider's diff (through the SDK's provider server, as the engine calls
it) nor `plan --state`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pulumi.runtime.proto import provider_pb2

from teleport_oidc.cli.export import StoredResource, StoredState
from teleport_oidc.cli.mockrun import RecordedResource
from teleport_oidc.cli.statediff import compare
from teleport_oidc.teleport.discovery import (
    DISCOVERY_CONFIG_TYPE,
    AwsMatcher,
    TeleportDiscoveryConfigArgs,
    TeleportDiscoveryConfigProvider,
    discovery_config_props,
)
from teleport_oidc.teleport.integration import INTEGRATION_TYPE
from teleport_oidc.teleport.provider import TeleportIntegrationProvider
from teleport_oidc.teleport.resource import TctlResourceProvider, without_blank_defaults
from teleport_oidc.teleport.token import (
    PROVISION_TOKEN_TYPE,
    IamAllowRule,
    TeleportProvisionTokenArgs,
    TeleportProvisionTokenProvider,
    provision_token_props,
)

from .fake_teleport import FakeTeleport
from .provider_server import ProviderServer, integration_inputs

NONE = provider_pb2.DiffResponse.DIFF_NONE
OLD_HINT = "adopt_existing_integration=True (stack config: `pulumi config set ...`)"


def _known(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if v is not None}


def _config() -> dict[str, Any]:
    return _known(
        discovery_config_props(
            TeleportDiscoveryConfigArgs(
                name="discovery-aws-prod",
                discovery_group="cloud-discovery-group",
                aws=[AwsMatcher(types=["ec2"], integration="aws-prod")],
            )
        )
    )


def _token() -> dict[str, Any]:
    return _known(
        provision_token_props(
            TeleportProvisionTokenArgs(
                name="discovery-aws-prod", allow=[IamAllowRule(aws_account="123456789012")]
            )
        )
    )


KINDS: dict[str, tuple[type[TctlResourceProvider], str, Callable[[], dict[str, Any]]]] = {
    "integration": (TeleportIntegrationProvider, INTEGRATION_TYPE, integration_inputs),
    "discovery_config": (TeleportDiscoveryConfigProvider, DISCOVERY_CONFIG_TYPE, _config),
    "token": (TeleportProvisionTokenProvider, PROVISION_TOKEN_TYPE, _token),
}


@pytest.fixture(params=sorted(KINDS))
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def server(kind: str, teleport: FakeTeleport, tmp_path: Path) -> Iterator[ProviderServer]:
    with ProviderServer(
        tmp_path / "provider.log",
        config={"teleport-oidc:tctlPath": str(teleport.tctl)},
        provider=KINDS[kind][0](),
    ) as running:
        yield running


def test_an_old_states_adopt_hint_is_no_change(kind: str, server: ProviderServer) -> None:
    inputs = KINDS[kind][2]()
    id_, outs = server.up_create(inputs)
    assert "adopt_hint" not in outs
    # What an older version recorded: the same outputs and inputs, plus the hint.
    old_outs = {**outs, "adopt_hint": OLD_HINT}
    old_inputs = {**inputs, "adopt_hint": OLD_HINT}

    checked = server.check(old_inputs, inputs)
    assert checked.failures == []
    assert "adopt_hint" not in checked.inputs
    diff = server.diff(id_, old_outs, checked.inputs)
    assert (diff.changes, list(diff.replaces), diff.deleteBeforeReplace) == (NONE, [], False)


def stored(urn: str, type_: str, inputs: dict[str, Any]) -> StoredState:
    """A state holding one resource of ``urn``."""
    resource = StoredResource(urn=urn, type=type_, inputs=inputs)
    return StoredState({resource.key: resource}, {})


def test_plan_state_marks_an_old_states_inputs_same(kind: str) -> None:
    """Older versions also recorded the blank defaults (``audience: ""``, ``labels: {}``,
    ``adopt_existing: false``) that are no longer registered."""
    provider, type_, inputs = KINDS[kind]
    registered = without_blank_defaults(provider.KIND, inputs())
    planned = RecordedResource(
        urn=f"urn:pulumi:s::p::{type_}::t",
        type=type_,
        name="t",
        inputs={k: v for k, v in registered.items() if v is not None},
    )
    checked = dict(provider().check({}, inputs()).inputs)  # what the engine stored
    old = {**provider.KIND.defaults, **checked, "adopt_existing": False, "adopt_hint": OLD_HINT}
    (change,) = compare([planned], stored(planned.urn, type_, old))
    assert (change.mark, change.keys) == ("same", ())
    # ...and a real change still shows (the comparison is not blind to the kind's inputs)
    (change,) = compare([planned], stored(planned.urn, type_, {**old, "labels": {"env": "old"}}))
    assert (change.mark, change.keys) == (
        "replace" if kind == "integration" else "update",
        ("labels",),
    )
