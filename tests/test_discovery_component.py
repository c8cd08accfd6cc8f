"""``AwsOidcIntegrationArgs.discovery`` under mocks: which children, in which order, with which
documents, for one account and for an organization; and ``DiscoveryMemberRole``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from teleport_oidc import (
    AwsOidcIntegration,
    AwsOidcIntegrationArgs,
    DiscoveryMemberRole,
    DiscoveryMemberRoleArgs,
    DiscoveryOptions,
    InvalidArgumentError,
    OrganizationDiscovery,
)
from teleport_oidc.cli.mockrun import PLACEHOLDER_ORGANIZATION, Recorded
from teleport_oidc.features.discovery import discovery_policy

from .conftest import PROXY, THUMB, Run

POLICY = "aws:iam/rolePolicy:RolePolicy"
CONFIG = "pulumi-python:dynamic/teleport-oidc:TeleportDiscoveryConfig"
TOKEN = "pulumi-python:dynamic/teleport-oidc:TeleportProvisionToken"
ORG_GET = "aws:organizations/getOrganization:getOrganization"


def lookups(recorded: Any) -> list[Any]:
    """Invokes other than the account and partition every component reads at preview."""
    where = {"aws:index/getCallerIdentity:getCallerIdentity", "aws:index/getPartition:getPartition"}
    return [call for call in recorded.calls if call[0] not in where]


def component(discovery: Any, **overrides: Any) -> AwsOidcIntegration:
    values: dict[str, Any] = {
        "proxy_url": PROXY,
        "integration_name": "aws-prod",
        "thumbprints": [THUMB],
        "discovery": discovery,
    }
    values.update(overrides)
    return AwsOidcIntegration("prod", AwsOidcIntegrationArgs(**values))


def names(recorded: Recorded) -> list[str]:
    return sorted(r.name for r in recorded.resources)


def test_discovery_is_off_by_default(run: Run) -> None:
    recorded = run(lambda: component(None))
    assert recorded.of_type(CONFIG) == recorded.of_type(TOKEN) == []
    assert lookups(recorded) == []


def test_one_account_gets_the_policy_the_token_and_the_config(run: Run) -> None:
    recorded = run(lambda: component(DiscoveryOptions(discovery_group="cloud-discovery-group")))
    assert names(recorded) == [
        "prod",
        "prod-discovery",
        "prod-discovery-config",
        "prod-discovery-token",
        "prod-integration",
        "prod-provider",
        "prod-role",
    ]
    policy = recorded.named("prod-discovery")
    assert policy.inputs["name"] == "teleport-discovery"
    assert json.loads(policy.inputs["policy"]) == discovery_policy(["ec2"], True)
    token = recorded.named("prod-discovery-token").inputs
    assert (token["name"], token["allow"]) == (
        "discovery-aws-prod",
        [{"aws_account": "123456789012"}],
    )
    assert "integration" not in token  # one account: the Auth Service needs no integration
    matcher = recorded.named("prod-discovery-config").inputs["aws"][0]
    assert matcher["integration"] == "aws-prod"
    assert matcher["install"]["join_token"] == "discovery-aws-prod"
    assert lookups(recorded) == []  # no organization lookup


def test_order_is_aws_then_integration_then_token_then_config(run: Run) -> None:
    recorded = run(lambda: component(DiscoveryOptions(discovery_group="g")))
    urn = {r.name: r.urn for r in recorded.resources}
    deps = {r.name: set(r.dependencies) for r in recorded.resources}
    assert urn["prod-discovery"] in deps["prod-integration"]
    assert urn["prod-integration"] in deps["prod-discovery-token"]
    assert {urn["prod-integration"], urn["prod-discovery-token"]} <= deps["prod-discovery-config"]


def test_a_named_cluster_identifies_every_teleport_resource(run: Run) -> None:
    recorded = run(
        lambda: component(DiscoveryOptions(discovery_group="g"), cluster_name="main.example.com")
    )
    for child in ("prod-integration", "prod-discovery-token", "prod-discovery-config"):
        assert recorded.named(child).inputs["cluster"] == "main.example.com", child


def test_named_regions_drop_list_regions(run: Run) -> None:
    options = DiscoveryOptions(discovery_group="g", types=["rds", "eks"], regions=["us-east-1"])
    recorded = run(lambda: component(options))
    policy = json.loads(recorded.named("prod-discovery").inputs["policy"])
    assert "account:ListRegions" not in policy["Statement"][0]["Action"]
    assert recorded.of_type(TOKEN) == []  # no EC2: nothing joins, no token
    assert "install" not in recorded.named("prod-discovery-config").inputs["aws"][0]


def test_child_names_do_not_depend_on_options(run: Run) -> None:
    regions = ["us-east-1"]
    one = run(lambda: component(DiscoveryOptions("g", types=["ec2", "rds"], regions=regions)))
    two = run(lambda: component(DiscoveryOptions("g", types=["rds", "ec2"], regions=regions)))
    assert names(one) == names(two)


def test_an_organization_reads_its_id_and_grants_what_the_module_grants(run: Run) -> None:
    options = DiscoveryOptions(
        discovery_group="g",
        organization=OrganizationDiscovery(include_ous=["ou-ab12-abcdefgh"]),
    )
    recorded = run(lambda: component(options))
    assert [token for token, _, _ in lookups(recorded)] == [ORG_GET]
    assert "prod-discovery" not in names(recorded)  # member accounts hold that policy
    enumeration = json.loads(recorded.named("prod-discovery-account-enumeration").inputs["policy"])
    condition = enumeration["Statement"][1]["Condition"]["StringEquals"]
    assert condition == {"aws:ResourceOrgID": PLACEHOLDER_ORGANIZATION}
    assert recorded.named("prod-discovery-join-validation").inputs["name"] == (
        "teleport-organization-join-validation"
    )
    token = recorded.named("prod-discovery-token").inputs
    assert token["integration"] == "aws-prod"
    assert token["allow"] == [
        {
            "aws_organization_id": PLACEHOLDER_ORGANIZATION,
            "aws_organizational_units": {"include": ["ou-ab12-abcdefgh"], "exclude": []},
        }
    ]
    matcher = recorded.named("prod-discovery-config").inputs["aws"][0]
    assert matcher["assume_role"] == {
        "role_name": "teleport-organization-discovery-child-account-role"
    }
    assert matcher["organization"]["organization_id"] == PLACEHOLDER_ORGANIZATION


def test_a_given_organization_id_skips_the_lookup(run: Run) -> None:
    options = DiscoveryOptions(
        discovery_group="g", organization=OrganizationDiscovery(organization_id="o-abcdefghij")
    )
    recorded = run(lambda: component(options))
    assert lookups(recorded) == []
    assert recorded.named("prod-discovery-token").inputs["allow"][0]["aws_organization_id"] == (
        "o-abcdefghij"
    )


@pytest.mark.parametrize(
    ("options", "argument", "reason"),
    [
        (
            DiscoveryOptions(
                discovery_group="g", types=["ec2", "rds"], organization=OrganizationDiscovery()
            ),
            "discovery.types",
            "EC2 only",
        ),
        (
            DiscoveryOptions(
                discovery_group="g",
                assume_role_arn="arn:aws:iam::123456789012:role/r",
                organization=OrganizationDiscovery(),
            ),
            "discovery.assume_role_arn",
            "trust role",
        ),
    ],
)
def test_what_the_module_refuses_is_refused_with_the_reason(
    run: Run, options: DiscoveryOptions, argument: str, reason: str
) -> None:
    errors: list[InvalidArgumentError] = []

    def program() -> None:
        try:
            component(options)
        except InvalidArgumentError as exc:
            errors.append(exc)

    recorded = run(program)
    assert recorded.resources == []
    assert errors[0].argument == argument
    assert reason in str(errors[0])


def test_discovery_options_from_stack_config_dicts(run: Run) -> None:
    recorded = run(
        lambda: component({"discovery_group": "g", "organization": {"include_ous": ["*"]}})
    )
    assert recorded.named("prod-discovery-config").inputs["aws"][0]["organization"]


def test_outputs_name_what_was_created(run: Run) -> None:
    def program() -> None:
        c = component(DiscoveryOptions(discovery_group="g"))
        import pulumi

        pulumi.export("config", c.discovery_config_name)
        pulumi.export("token", c.discovery_token_name)
        pulumi.export("org", c.organization_id)

    exports = run(program).exports
    assert exports == {"config": "discovery-aws-prod", "token": "discovery-aws-prod", "org": None}


def test_the_member_role_trusts_the_management_role_inside_the_organization(run: Run) -> None:
    management = "arn:aws:iam::123456789012:role/teleport-aws-prod"
    recorded = run(
        lambda: DiscoveryMemberRole(
            "member",
            DiscoveryMemberRoleArgs(management_role_arn=management, organization_id="o-abcdefghij"),
        )
    )
    role = recorded.named("member-role")
    trust = json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"AWS": management}
    assert trust["Condition"] == {"StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}}
    assert role.inputs["name"] == "teleport-organization-discovery-child-account-role"
    assert role.inputs["tags"] == {"teleport.dev/iac-tool": "pulumi"}
    policy = recorded.named("member-discovery")
    assert json.loads(policy.inputs["policy"]) == discovery_policy(["ec2"], True)


def test_access_graph_sync_uses_the_features_cloudtrail_and_eks_settings(run: Run) -> None:
    from teleport_oidc import AccessGraphOptions

    feature = AccessGraphOptions(
        cloudtrail_sqs_queue_url="https://sqs.eu-west-1.amazonaws.com/123456789012/trail",
        cloudtrail_s3_bucket_arn="arn:aws:s3:::trail-bucket",
        enable_eks_audit_logs=True,
    )
    options = DiscoveryOptions(discovery_group="g", access_graph_regions=["us-east-1"])
    recorded = run(lambda: component(options, features={"access_graph": feature}))
    assert recorded.named("prod-discovery-config").inputs["access_graph"] == {
        "aws": [
            {
                "integration": "aws-prod",
                "regions": ["us-east-1"],
                "cloud_trail_logs": {
                    "sqs_queue": "https://sqs.eu-west-1.amazonaws.com/123456789012/trail",
                    "region": "eu-west-1",
                },
                "eks_audit_logs": {"tags": {"*": ["*"]}},
            }
        ]
    }


def test_access_graph_alone_enrolls_nothing(run: Run) -> None:
    options = DiscoveryOptions(discovery_group="g", types=[], access_graph_regions=["us-east-1"])
    recorded = run(lambda: component(options, features={"access_graph": True}))
    assert "prod-discovery" not in names(recorded)  # the feature's policy holds the permissions
    assert recorded.of_type(TOKEN) == []
    config = recorded.named("prod-discovery-config").inputs
    assert "aws" not in config  # no matchers: a blank default, not shown in a preview
    assert config["access_graph"]["aws"][0]["regions"] == ["us-east-1"]
