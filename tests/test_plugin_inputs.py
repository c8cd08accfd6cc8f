"""A non-Python program's inputs as the Python Args, and our errors named as it writes them."""

from __future__ import annotations

import pulumi
import pytest

from teleport_oidc import AwsOidcIntegration, InvalidArgumentError, OrganizationDiscovery
from teleport_oidc.features import AccessGraphOptions, normalize_features
from teleport_oidc.plugin.inputs import (
    component_args,
    member_role_args,
    program_argument,
    respell_first_line,
)
from teleport_oidc.plugin.server import user_message
from teleport_oidc.teleport.provider import INTEGRATION
from teleport_oidc.teleport.tctl import AlreadyExistsError

from .conftest import PROXY, Run

BASE = {"proxyUrl": PROXY, "integrationName": "aws-prod"}


def test_names_become_the_python_fields() -> None:
    args = component_args({**BASE, "roleName": "teleport", "maxSessionDuration": 7200.0})
    assert (args.proxy_url, args.integration_name, args.role_name) == (
        PROXY,
        "aws-prod",
        "teleport",
    )
    assert args.max_session_duration == 7200
    assert isinstance(args.max_session_duration, int)


def test_thumbprints_absent_is_auto_and_empty_lets_iam_decide() -> None:
    assert component_args(BASE).thumbprints == "auto"
    assert component_args({**BASE, "thumbprints": []}).thumbprints is None
    assert component_args({**BASE, "thumbprints": ["a" * 40]}).thumbprints == ["a" * 40]


def test_features_are_booleans_or_their_options_in_python_spelling() -> None:
    args = component_args(
        {**BASE, "features": {"rds": True, "accessGraph": {"enableEksAuditLogs": True}}}
    )
    assert normalize_features(args.features) == {
        "access_graph": AccessGraphOptions(enable_eks_audit_logs=True),
        "rds": normalize_features({"rds": True})["rds"],
    }


def test_discovery_and_its_organization_become_the_python_options() -> None:
    args = component_args(
        {
            **BASE,
            "discovery": {
                "discoveryGroup": "cloud-discovery-group",
                "organization": {"includeOus": ["r-abcd"]},
            },
        }
    )
    assert args.discovery == {
        "discovery_group": "cloud-discovery-group",
        "organization": OrganizationDiscovery(include_ous=["r-abcd"]),
    }


def test_an_unknown_input_is_refused_by_its_program_name() -> None:
    with pytest.raises(InvalidArgumentError, match="^proxyUri is not an input"):
        component_args({**BASE, "proxyUri": PROXY})


def test_a_plain_input_given_another_resources_output_is_refused() -> None:
    with pytest.raises(InvalidArgumentError, match="^integrationName must be known"):
        component_args({**BASE, "integrationName": pulumi.Output.from_input("x")})


def test_a_missing_required_input_is_named() -> None:
    with pytest.raises(InvalidArgumentError, match="set proxyUrl in the program"):
        component_args({"integrationName": "aws-prod"})
    with pytest.raises(InvalidArgumentError, match="set managementRoleArn in the program"):
        member_role_args({"organizationId": "o-abcdefghij"})


def test_member_role_inputs_become_its_args() -> None:
    args = member_role_args(
        {
            "managementRoleArn": "arn:aws:iam::123456789012:role/teleport",
            "organizationId": "o-abcdefghij",
            "regions": ["us-east-1"],
        }
    )
    assert (args.organization_id, args.regions) == ("o-abcdefghij", ["us-east-1"])


@pytest.mark.parametrize(
    ("python", "program"),
    [
        ("proxy_url", "proxyUrl"),
        (
            "features['access_graph'].cloudtrail_sqs_queue_url",
            "features.accessGraph.cloudtrailSqsQueueUrl",
        ),
        ("discovery.organization.member_role_name", "discovery.organization.memberRoleName"),
        ("discovery.types[0]", "discovery.types[0]"),
        ("tags['aws:x_y']", "tags['aws:x_y']"),
    ],
)
def test_arguments_are_named_as_the_program_writes_them(python: str, program: str) -> None:
    assert program_argument(python) == program


def test_the_component_s_own_error_reaches_the_program_respelled(run: Run) -> None:
    bad = "https://teleport.example.com:3080"
    with pytest.raises(InvalidArgumentError) as caught:
        run(lambda: AwsOidcIntegration("prod", component_args({**BASE, "proxyUrl": bad})))
    message = user_message(caught.value)
    assert message.startswith("InvalidArgumentError: proxyUrl must not contain a port"), message
    assert "proxy_url" not in message


def test_a_tctl_refusal_names_the_knobs_as_the_program_writes_them() -> None:
    refused = AlreadyExistsError(
        f"the Teleport integration 'x' already exists. Either set {INTEGRATION.adopt_knobs}",
        argv=["tctl", "create", "/tmp/teleport_oidc-x"],
        returncode=1,
        stderr="role_arn: not what tctl printed",
    )
    message = user_message(refused)
    first, rest = message.split("\n", 1)
    assert "adoptExistingIntegration=True (AwsOidcIntegration" in first
    assert "adopt_existing" not in first
    # tctl's own words are quoted as tctl printed them.
    assert "/tmp/teleport_oidc-x" in rest and "role_arn: not what tctl printed" in rest


def test_a_teleport_resource_s_check_failure_names_its_input_in_camel_case() -> None:
    from teleport_oidc.teleport.provider import TeleportIntegrationProvider

    failure = TeleportIntegrationProvider().check({}, {"integration_name": "x", "role_arn": "no"})
    reason = respell_first_line(failure.failures[0].reason)
    assert reason.startswith("roleArn "), reason
