"""The plugin's Construct under the SDK's mocks: both components, their state by schema names."""

from __future__ import annotations

from functools import partial
from typing import Any

import pulumi
import pytest

from teleport_oidc import COMPONENT_TYPE, MEMBER_ROLE_TYPE, TeleportOidcError
from teleport_oidc.plugin.schema import schema
from teleport_oidc.plugin.server import TeleportOidcProvider

from .conftest import PROXY, THUMB, Run


def construct(run: Run, token: str, inputs: dict[str, Any]) -> dict[str, Any]:
    state: dict[str, Any] = {}

    def program() -> None:
        result = TeleportOidcProvider().construct("main", token, inputs, None)
        for key, value in result.state.items():
            pulumi.Output.from_input(value).apply(partial(state.__setitem__, key))

    run(program)
    return state


def test_the_component_s_state_is_every_output_the_schema_declares(run: Run) -> None:
    state = construct(
        run,
        COMPONENT_TYPE,
        {"proxyUrl": PROXY, "integrationName": "aws-prod", "thumbprints": [THUMB]},
    )
    assert sorted(state) == sorted(schema()["resources"][COMPONENT_TYPE]["properties"])
    assert state["integrationName"] == "aws-prod"
    assert state["roleArn"] == "arn:aws:iam::123456789012:role/teleport-aws-prod"


def test_the_member_role_is_constructed_from_its_schema_inputs(run: Run) -> None:
    state = construct(
        run,
        MEMBER_ROLE_TYPE,
        {
            "managementRoleArn": "arn:aws:iam::123456789012:role/teleport-aws-prod",
            "organizationId": "o-abcdefghij",
        },
    )
    assert state["roleName"] == "teleport-organization-discovery-child-account-role"


def test_an_unknown_component_is_refused() -> None:
    with pytest.raises(TeleportOidcError, match="has no component teleport-oidc:index:Nope"):
        TeleportOidcProvider().construct("x", "teleport-oidc:index:Nope", {}, None)
