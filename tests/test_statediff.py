"""`plan --state`: each planned resource marked against a stack export, by the preview's rules
(the real engine's agreement is checked in tests/engine/test_plan_agrees.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from teleport_oidc.cli.main import main
from teleport_oidc.cli.mockrun import RecordedResource
from teleport_oidc.cli.statediff import StateError, compare, load_state

ROLE = "aws:iam/role:Role"
POLICY = "aws:iam/rolePolicy:RolePolicy"
INTEGRATION = "pulumi-python:dynamic/teleport-oidc:TeleportIntegration"
TOKEN = "pulumi-python:dynamic/teleport-oidc:TeleportProvisionToken"
DISCOVERY = "pulumi-python:dynamic/teleport-oidc:TeleportDiscoveryConfig"
TRUST = '{"Version": "2012-10-17", "Statement": []}'


def export(tmp_path: Path, *resources: tuple[str, str, dict[str, object]]) -> Path:
    path = tmp_path / "state.json"
    items = [
        {"urn": f"urn:pulumi:s::p::{type_}::{name}", "type": type_, "inputs": inputs}
        for type_, name, inputs in resources
    ]
    items.append(
        {"urn": "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s", "type": "pulumi:pulumi:Stack"}
    )
    path.write_text(json.dumps({"version": 3, "deployment": {"resources": items}}))
    return path


def registered_as(type_: str, name: str, inputs: dict[str, object]) -> RecordedResource:
    """A registration as the mock engine records it, URN included (top level, stack ``p``)."""
    return RecordedResource(type_, name, dict(inputs), urn=f"urn:pulumi:p::p::{type_}::{name}")


def marks(planned: list[RecordedResource], state: Path) -> dict[str, tuple[str, tuple[str, ...]]]:
    return {c.name: (c.mark, c.keys) for c in compare(planned, load_state(state))}


def test_same_update_replace_create_and_delete(tmp_path: Path) -> None:
    state = export(
        tmp_path,
        (
            ROLE,
            "t-role",
            {
                "name": "teleport-a",
                "path": "/",
                "assumeRolePolicy": TRUST,
                "maxSessionDuration": 3600,
                "forceDetachPolicies": False,
            },
        ),
        (POLICY, "t-rds", {"role": "teleport-a", "name": "RDS", "policy": "{}"}),
        (POLICY, "t-eks", {"role": "teleport-a", "name": "EKS", "policy": "{}"}),
        (
            INTEGRATION,
            "t-integration",
            {
                "integration_name": "a",
                "role_arn": "arn:1",
                "labels": {},
                "__provider": {"ciphertext": "x"},
            },
        ),
    )
    planned = [
        # Reformatted JSON and omitted defaults are no change.
        registered_as(
            ROLE,
            "t-role",
            {"name": "teleport-a", "assumeRolePolicy": json.dumps(json.loads(TRUST), indent=2)},
        ),
        registered_as(POLICY, "t-rds", {"role": "teleport-a", "name": "RDS", "policy": "[]"}),
        registered_as(
            INTEGRATION,
            "t-integration",
            {"integration_name": "a", "role_arn": "arn:2", "labels": {}},
        ),
        registered_as(POLICY, "t-ec2", {"role": "teleport-a", "name": "EC2", "policy": "{}"}),
    ]
    assert marks(planned, state) == {
        "t-role": ("same", ()),
        "t-rds": ("update", ("policy",)),
        "t-integration": ("update", ("role_arn",)),
        "t-ec2": ("create", ()),
        "t-eks": ("delete", ()),
    }
    planned[0].inputs["name"] = "teleport-b"
    planned[2].inputs["labels"] = {"env": "prod"}
    found = marks(planned, state)
    assert found["t-role"] == ("replace", ("name",))
    assert found["t-integration"] == ("replace", ("labels", "role_arn"))


def test_every_teleport_kind_is_marked_by_its_own_rules(tmp_path: Path) -> None:
    token = {"name": "join", "roles": ["Node"], "allow": [{"aws_account": "123456789012"}]}
    config = {"name": "aws", "discovery_group": "g", "aws": []}
    state = export(
        tmp_path,
        (TOKEN, "t-token", {**token, "adopt_existing": False}),
        (DISCOVERY, "t-config", {**config, "cluster": "a.example.com"}),
    )
    planned = [
        registered_as(TOKEN, "t-token", {**token, "adopt_existing": True}),
        registered_as(DISCOVERY, "t-config", {**config, "cluster": "a.example.com"}),
    ]
    # adopt_existing never causes a change.
    assert marks(planned, state) == {"t-token": ("same", ()), "t-config": ("same", ())}

    planned[0].inputs["name"] = "join-2"  # a token's name replaces it
    planned[1].inputs["discovery_group"] = "h"  # a discovery config updates in place
    found = marks(planned, state)
    assert found["t-token"] == ("replace", ("name",))
    assert found["t-config"] == ("update", ("discovery_group",))

    planned[1].inputs["cluster"] = "b.example.com"  # another Teleport: replace
    assert marks(planned, state)["t-config"] == ("replace", ("cluster", "discovery_group"))
    planned[1].inputs["cluster"] = "a.example.com"
    planned[1].inputs["tctl_path"] = "/opt/tctl"  # another way to reach it: an update
    assert marks(planned, state)["t-config"] == ("update", ("discovery_group", "tctl_path"))


def test_a_discovery_matcher_is_compared_as_the_provider_stores_it(tmp_path: Path) -> None:
    """The provider's check writes a matcher's install defaults out before the engine stores
    the inputs; the plan's registered matcher (without them) is the same matcher."""
    from teleport_oidc.teleport.discovery import (
        DISCOVERY_CONFIG,
        AwsMatcher,
        Ec2InstallParams,
        TeleportDiscoveryConfigArgs,
        discovery_config_props,
    )

    args = TeleportDiscoveryConfigArgs(
        name="aws",
        discovery_group="g",
        aws=[AwsMatcher(types=["ec2"], install=Ec2InstallParams(join_token="join"))],
    )
    registered = {k: v for k, v in discovery_config_props(args).items() if v is not None}
    stored = {
        k: DISCOVERY_CONFIG.checks[k](v) if k in DISCOVERY_CONFIG.checks else v
        for k, v in registered.items()
    }
    assert stored["aws"] != registered["aws"]  # the defaults written out
    state = export(tmp_path, (DISCOVERY, "t-config", stored))
    planned = [registered_as(DISCOVERY, "t-config", registered)]
    assert marks(planned, state) == {"t-config": ("same", ())}

    planned[0].inputs["aws"] = [{**registered["aws"][0], "regions": ["eu-west-1"]}]
    assert marks(planned, state) == {"t-config": ("update", ("aws",))}


def test_a_file_that_is_not_an_export_is_refused_with_the_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "state.json"
    bad.write_text("{}")
    with pytest.raises(StateError, match="pulumi stack export --file"):
        load_state(bad)
    assert main(["plan", "examples/basic", "--state", str(bad)]) != 0
    assert "Traceback" not in capsys.readouterr().err


def test_two_children_of_one_name_under_parents_of_different_types_are_two_resources(
    tmp_path: Path,
) -> None:
    """AwsOidcIntegration("mgmt") and DiscoveryMemberRole("mgmt") both have a `mgmt-role`:
    matched by type and name, the second planned role met the first's state (a false replace)
    and the stored member role was never marked `delete`."""
    component = "teleport-oidc:index:AwsOidcIntegration"
    member = "teleport-oidc:index:DiscoveryMemberRole"
    integration_role = {"name": "teleport-mgmt", "assumeRolePolicy": TRUST}
    member_role = {"name": "teleport-member", "assumeRolePolicy": TRUST}
    path = tmp_path / "state.json"
    items = [
        {"urn": f"urn:pulumi:prod::p::{component}::mgmt", "type": component},
        {"urn": f"urn:pulumi:prod::p::{member}::mgmt", "type": member},
        {
            "urn": f"urn:pulumi:prod::p::{component}${ROLE}::mgmt-role",
            "type": ROLE,
            "inputs": integration_role,
        },
        {
            "urn": f"urn:pulumi:prod::p::{member}${ROLE}::mgmt-role",
            "type": ROLE,
            "inputs": member_role,
        },
    ]
    path.write_text(json.dumps({"version": 3, "deployment": {"resources": items}}))
    # The plan keeps the integration's role and drops the member role (and its component).
    planned = [
        RecordedResource(component, "mgmt", {}, urn=f"urn:pulumi:dev::p::{component}::mgmt"),
        RecordedResource(
            ROLE,
            "mgmt-role",
            integration_role,
            urn=f"urn:pulumi:dev::p::{component}${ROLE}::mgmt-role",
        ),
    ]
    changes = [(c.type, c.name, c.mark) for c in compare(planned, load_state(path))]
    assert sorted(changes) == [
        (ROLE, "mgmt-role", "delete"),
        (ROLE, "mgmt-role", "same"),
        (component, "mgmt", "same"),
        (member, "mgmt", "delete"),
    ]
