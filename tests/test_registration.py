"""One implementation, two registrations: the Teleport resources register as dynamic resources
with today's type tokens in a Python program, and as the plugin's custom resources (camelCase
properties, no serialized provider) once the plugin has turned the switch."""

from __future__ import annotations

import pulumi
import pytest

from teleport_oidc import (
    AwsOidcIntegration,
    AwsOidcIntegrationArgs,
    DiscoveryOptions,
    TeleportIntegration,
    TeleportIntegrationArgs,
    registration,
)
from teleport_oidc.cli.mockrun import Recorded

from .conftest import PROXY, THUMB, Run

DYNAMIC = "pulumi-python:dynamic/teleport-oidc:"
PLUGIN = "teleport-oidc:index:"
NAMES = ("TeleportIntegration", "TeleportDiscoveryConfig", "TeleportProvisionToken", "RandomId")


def program() -> None:
    integration = AwsOidcIntegration(
        "prod",
        AwsOidcIntegrationArgs(
            proxy_url=PROXY,
            integration_name="aws-prod",
            thumbprints=[THUMB],
            features={"ec2_ssm_discovery": {"create_ssm_document": True}},
            discovery=DiscoveryOptions(discovery_group="cloud-discovery-group"),
        ),
    )
    pulumi.export("integration", integration.integration.integration_name)  # type: ignore[union-attr]
    pulumi.export("config", integration.discovery_config_name)


def teleport_types(rec: Recorded) -> set[str]:
    return {r.type for r in rec.resources if r.type.endswith(NAMES)}


@pytest.fixture
def as_plugin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registration, "_plugin", None)  # restored after the test
    registration.serve_as_plugin("9.8.7")


def test_in_a_python_program_the_teleport_resources_are_dynamic_with_todays_types(
    run: Run,
) -> None:
    rec = run(program)
    assert teleport_types(rec) == {DYNAMIC + name for name in NAMES}
    integration = rec.of_type(DYNAMIC + "TeleportIntegration")[0]
    assert "__provider" in integration.inputs
    assert integration.inputs["integration_name"] == "aws-prod"
    assert rec.exports == {"integration": "aws-prod", "config": "discovery-aws-prod"}


def test_in_the_plugin_the_teleport_resources_are_its_custom_resources(
    run: Run, as_plugin: None
) -> None:
    rec = run(program)
    assert teleport_types(rec) == {PLUGIN + name for name in NAMES}
    integration = rec.of_type(PLUGIN + "TeleportIntegration")[0]
    assert "__provider" not in integration.inputs
    assert integration.inputs["integrationName"] == "aws-prod"
    assert "integration_name" not in integration.inputs
    assert integration.inputs["roleArn"].startswith("arn:aws:iam::")


def test_in_the_plugin_outputs_reach_the_python_attributes(run: Run, as_plugin: None) -> None:
    # The provider answers camelCase; the component reads integration_name, value, name.
    rec = run(program)
    assert rec.exports == {"integration": "aws-prod", "config": "discovery-aws-prod"}
    installer = rec.of_type(PLUGIN + "RandomId")[0]
    document = next(r for r in rec.resources if r.type == "aws:ssm/document:Document")
    assert installer.outputs["value"] in document.inputs["content"]


def test_in_the_plugin_only_top_level_names_are_respelled(run: Run, as_plugin: None) -> None:
    def labelled() -> None:
        TeleportIntegration(
            "solo",
            TeleportIntegrationArgs(
                integration_name="aws-solo",
                role_arn="arn:aws:iam::123456789012:role/teleport",
                labels={"team_name": "platform"},
            ),
        )

    integration = run(labelled).of_type(PLUGIN + "TeleportIntegration")[0]
    assert integration.inputs["labels"] == {"team_name": "platform"}


def test_names_are_respelled_both_ways() -> None:
    assert registration.camel("integration_name") == "integrationName"
    assert registration.snake("integrationName") == "integration_name"
    assert registration.camel("ec2_ssm_discovery") == "ec2SsmDiscovery"
    assert registration.snake("ec2SsmDiscovery") == "ec2_ssm_discovery"


def test_in_the_plugin_the_owner_names_the_urn_of_the_plugins_type(
    run: Run, as_plugin: None
) -> None:
    # Ownership labels must hold the URN the engine gives the resource, whose type token is
    # the plugin's when the plugin registers it.
    rec = run(program)
    integration = rec.of_type(PLUGIN + "TeleportIntegration")[0]
    urn = integration.inputs["owner"]["urn"]
    assert "$teleport-oidc:index:TeleportIntegration::" in urn
    assert DYNAMIC not in urn


def test_in_a_python_program_the_owner_names_the_urn_of_the_dynamic_type(run: Run) -> None:
    rec = run(program)
    integration = rec.of_type(DYNAMIC + "TeleportIntegration")[0]
    assert (
        "$pulumi-python:dynamic/teleport-oidc:TeleportIntegration::"
        in (integration.inputs["owner"]["urn"])
    )
