"""A Teleport resource that a program in another language declares itself (no Python class
computed its owner) gets its owner from its URN in the plugin's Check, as every resource our
classes declare does."""

from __future__ import annotations

import asyncio
from typing import Any

from google.protobuf import struct_pb2
from pulumi.runtime import proto

from teleport_oidc.plugin.server import PluginServicer, TeleportOidcProvider
from teleport_oidc.teleport.ownership import owner_from_urn

URN = "urn:pulumi:prod::platform::teleport-oidc:index:TeleportIntegration::aws-prod"


def check(urn: str, news: dict[str, Any]) -> dict[str, Any]:
    servicer = PluginServicer(TeleportOidcProvider(), [], "127.0.0.1:0")
    request = proto.CheckRequest(urn=urn, olds=struct_pb2.Struct(), news=struct_pb2.Struct())
    request.news.update(news)
    # A loop of its own: asyncio.run would leave this thread without one for later mock runs.
    loop = asyncio.new_event_loop()
    try:
        response = loop.run_until_complete(servicer.Check(request, None))
    finally:
        loop.close()
    assert not response.failures, response.failures
    return dict(response.inputs)


INTEGRATION = {
    "integrationName": "aws-prod",
    "roleArn": "arn:aws:iam::123456789012:role/teleport-aws-prod",
}


def test_a_resource_the_program_declares_itself_is_owned_by_its_urn() -> None:
    inputs = check(URN, INTEGRATION)
    assert dict(inputs["owner"]) == {"stack": "platform/prod", "urn": URN}


def test_an_owner_our_component_declared_is_kept() -> None:
    declared = {"stack": "acme/platform/prod", "urn": URN}
    inputs = check(URN, {**INTEGRATION, "owner": declared})
    assert dict(inputs["owner"]) == declared


def test_the_random_id_has_no_owner() -> None:
    urn = "urn:pulumi:prod::platform::teleport-oidc:index:RandomId::installer"
    assert "owner" not in check(urn, {})


def test_the_owner_of_a_urn_names_its_project_and_stack() -> None:
    assert owner_from_urn(URN) == {"stack": "platform/prod", "urn": URN}
    assert owner_from_urn("not a urn") is None
    assert owner_from_urn("urn:pulumi:::::x") is None
