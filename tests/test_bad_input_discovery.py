"""The bad-input catalogue of discovery as code: every entry is rejected before anything is
registered, with an error naming the argument, the value, the rule and the fix."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from teleport_oidc import (
    AccessGraphAwsSync,
    AwsAssumeRole,
    AwsMatcher,
    AwsOidcIntegration,
    AwsOidcIntegrationArgs,
    AwsOrganizationMatcher,
    DiscoveryMemberRole,
    DiscoveryMemberRoleArgs,
    DiscoveryOptions,
    Ec2InstallParams,
    IamAllowRule,
    InvalidArgumentError,
    OrganizationalUnits,
    OrganizationDiscovery,
    TeleportDiscoveryConfig,
    TeleportDiscoveryConfigArgs,
    TeleportProvisionToken,
    TeleportProvisionTokenArgs,
)

from .conftest import PROXY, THUMB, Run

ORG = "o-abcdefghij"
ROLE = "arn:aws:iam::123456789012:role/teleport-aws-prod"


def config(**overrides: Any) -> Callable[[], Any]:
    values: dict[str, Any] = {
        "name": "discovery-aws-prod",
        "discovery_group": "g",
        "aws": [AwsMatcher(types=["ec2"])],
    }
    values.update(overrides)
    return lambda: TeleportDiscoveryConfig("c", TeleportDiscoveryConfigArgs(**values))


def matcher(**fields: Any) -> Callable[[], Any]:
    values: dict[str, Any] = {"types": ["ec2"]}
    values.update(fields)
    return config(aws=[AwsMatcher(**values)])


def token(**overrides: Any) -> Callable[[], Any]:
    values: dict[str, Any] = {"name": "t", "allow": [IamAllowRule(aws_account="123456789012")]}
    values.update(overrides)
    return lambda: TeleportProvisionToken("t", TeleportProvisionTokenArgs(**values))


def component(**options: Any) -> Callable[[], Any]:
    values: dict[str, Any] = {"discovery_group": "g"}
    values.update(options)
    return lambda: AwsOidcIntegration(
        "c",
        AwsOidcIntegrationArgs(
            proxy_url=PROXY,
            integration_name="aws-prod",
            thumbprints=[THUMB],
            discovery=DiscoveryOptions(**values),
        ),
    )


def member(**overrides: Any) -> Callable[[], Any]:
    values: dict[str, Any] = {"management_role_arn": ROLE, "organization_id": ORG}
    values.update(overrides)
    return lambda: DiscoveryMemberRole("m", DiscoveryMemberRoleArgs(**values))


CATALOGUE: list[tuple[str, Callable[[], Any], str]] = [
    # TeleportDiscoveryConfig
    ("config name with a slash", config(name="a/b"), "name"),
    ("empty discovery group", config(discovery_group=""), "discovery_group"),
    ("padded discovery group", config(discovery_group=" g"), "discovery_group"),
    ("no matcher and no access graph", config(aws=[]), "aws"),
    ("unknown type", matcher(types=["ec2", "s3"]), "aws[0].types[1]"),
    ("no type", matcher(types=[]), "aws[0].types"),
    ("types as a string", matcher(types="ec2"), "aws[0].types"),
    ("wildcard mixed with regions", matcher(regions=["*", "us-east-1"]), "aws[0].regions"),
    ("bad region", matcher(regions=["us-east"]), "aws[0].regions[0]"),
    ("no region", matcher(regions=[]), "aws[0].regions"),
    ("empty tag map", matcher(tags={}), "aws[0].tags"),
    ("tag value not a string", matcher(tags={"env": [1]}), "aws[0].tags['env'][0]"),
    ("integration with capitals", matcher(integration="AWS"), "aws[0].integration"),
    (
        "assume role of a user",
        matcher(assume_role=AwsAssumeRole(role_arn="arn:aws:iam::123456789012:user/u")),
        "aws[0].assume_role.role_arn",
    ),
    (
        "external ID without role ARN",
        matcher(assume_role=AwsAssumeRole(role_name="r", external_id="abc")),
        "aws[0].assume_role.external_id",
    ),
    (
        "organization for RDS",
        matcher(
            types=["rds"],
            assume_role=AwsAssumeRole(role_name="r"),
            organization=AwsOrganizationMatcher(organization_id=ORG),
        ),
        "aws[0].organization",
    ),
    (
        "organization without role name",
        matcher(organization=AwsOrganizationMatcher(organization_id=ORG)),
        "aws[0].assume_role",
    ),
    (
        "bad organization ID",
        matcher(
            assume_role=AwsAssumeRole(role_name="r"),
            organization=AwsOrganizationMatcher(organization_id="org-1"),
        ),
        "aws[0].organization.organization_id",
    ),
    (
        "wildcard excluded OU",
        matcher(
            assume_role=AwsAssumeRole(role_name="r"),
            organization=AwsOrganizationMatcher(
                organization_id=ORG, organizational_units=OrganizationalUnits(exclude=["*"])
            ),
        ),
        "aws[0].organization.organizational_units.exclude[0]",
    ),
    (
        "install suffix with a dot",
        matcher(install=Ec2InstallParams(suffix="a.b")),
        "aws[0].install.suffix",
    ),
    (
        "relative sshd_config",
        matcher(install=Ec2InstallParams(sshd_config="etc/ssh/sshd_config")),
        "aws[0].install.sshd_config",
    ),
    ("install for RDS", matcher(types=["rds"], install=Ec2InstallParams()), "aws[0].install"),
    ("bad SSM document", matcher(ssm_document_name="a b"), "aws[0].ssm_document_name"),
    (
        "access graph in every region",
        config(access_graph=[AccessGraphAwsSync(integration="aws-prod", regions=["*"])]),
        "access_graph[0].regions",
    ),
    (
        "CloudTrail queue that is an ARN",
        config(
            access_graph=[
                AccessGraphAwsSync(
                    integration="aws-prod",
                    regions=["us-east-1"],
                    cloudtrail_sqs_queue="arn:aws:sqs:us-east-1:123456789012:q",
                    cloudtrail_region="us-east-1",
                )
            ]
        ),
        "access_graph[0].cloudtrail_sqs_queue",
    ),
    (
        "reserved label",
        config(labels={"teleport.dev/iac-tool": "x"}),
        "labels['teleport.dev/iac-tool']",
    ),
    ("label key with a space", config(labels={"a b": "x"}), "labels['a b']"),
    # TeleportProvisionToken
    ("secret join method", token(join_method="token"), "join_method"),
    ("bound keypair join method", token(join_method="bound_keypair"), "join_method"),
    ("ec2 join method", token(join_method="ec2"), "join_method"),
    ("no allow rule", token(allow=[]), "allow"),
    ("empty allow rule", token(allow=[IamAllowRule()]), "allow[0]"),
    (
        "account of 11 digits",
        token(allow=[IamAllowRule(aws_account="12345678901")]),
        "allow[0].aws_account",
    ),
    (
        "account as a number",
        token(allow=[IamAllowRule(aws_account=123456789012)]),  # type: ignore[arg-type]
        "allow[0].aws_account",
    ),
    ("ARN of S3", token(allow=[IamAllowRule(aws_arn="arn:aws:s3:::b")]), "allow[0].aws_arn"),
    (
        "OUs without organization",
        token(
            allow=[
                IamAllowRule(
                    aws_account="123456789012", aws_organizational_units=OrganizationalUnits()
                )
            ]
        ),
        "allow[0].aws_organizational_units",
    ),
    (
        "OU wildcard mixed with IDs",
        token(
            allow=[
                IamAllowRule(
                    aws_organization_id=ORG,
                    aws_organizational_units=OrganizationalUnits(include=["*", "ou-ab12-abcdefgh"]),
                )
            ]
        ),
        "allow[0].aws_organizational_units.include",
    ),
    ("bot role", token(roles=["Bot"]), "roles[0]"),
    ("unknown role", token(roles=["Admin"]), "roles[0]"),
    ("no role", token(roles=[]), "roles"),
    ("expiry without a zone", token(expires="2030-01-01T00:00:00"), "expires"),
    ("expiry that is not a time", token(expires="tomorrow"), "expires"),
    ("token integration with dots", token(integration="a.b"), "integration"),
    # AwsOidcIntegrationArgs.discovery
    ("discovery of S3", component(types=["s3"]), "discovery.types[0]"),
    ("discovery of redshift", component(types=["redshift"]), "discovery.types[0]"),
    ("discovery without group", component(discovery_group=""), "discovery.discovery_group"),
    ("discovery of no region", component(regions=[]), "discovery.regions"),
    (
        "organization discovery of EKS",
        component(types=["ec2", "eks"], organization=OrganizationDiscovery()),
        "discovery.types",
    ),
    (
        "organization discovery with a trust role",
        component(assume_role_arn=ROLE, organization=OrganizationDiscovery()),
        "discovery.assume_role_arn",
    ),
    (
        "organization OU that is an account",
        component(organization=OrganizationDiscovery(include_ous=["123456789012"])),
        "discovery.organization.include_ous[0]",
    ),
    (
        "member role name with a slash",
        component(organization=OrganizationDiscovery(member_role_name="a/b")),
        "discovery.organization.member_role_name",
    ),
    ("external ID without role", component(external_id="abc"), "discovery.external_id"),
    ("token name with a space", component(token_name="a b"), "discovery.token_name"),
    (
        "bad install suffix",
        component(install_suffix="a_b"),
        "discovery.install_suffix",
    ),
    ("bad script name", component(script_name="a/b"), "discovery.script_name"),
    ("bad SSM document name", component(ssm_document_name="x"), "discovery.ssm_document_name"),
    (
        "access graph without the feature",
        component(access_graph_regions=["us-east-1"]),
        "discovery.access_graph_regions",
    ),
    (
        "access graph of every region",
        component(access_graph_regions=["*"]),
        "discovery.access_graph_regions",
    ),
    ("no type and no access graph", component(types=[]), "discovery.types"),
    # Discovery that really discovers: '*' only where Teleport expands it (EC2, EKS)
    ("RDS in every region", component(types=["rds"]), "discovery.regions"),
    ("EC2 and RDS in every region", component(types=["ec2", "rds"]), "discovery.regions"),
    ("RDS matcher in every region", matcher(types=["rds"]), "aws[0].regions"),
    ("DocumentDB next to EC2 in every region", matcher(types=["ec2", "docdb"]), "aws[0].regions"),
    (
        "Redshift Serverless in every region",
        matcher(types=["redshift-serverless"], regions=["*"]),
        "aws[0].regions",
    ),
    ("member role for RDS in every region", member(types=["rds"]), "regions"),
    (
        "external ID without role ARN for RDS",
        matcher(types=["rds"], regions=["us-east-1"], assume_role=AwsAssumeRole(external_id="abc")),
        "aws[0].assume_role.external_id",
    ),
    (
        "external ID without role ARN for OpenSearch and RDS",
        matcher(
            types=["opensearch", "rds"],
            regions=["us-east-1"],
            assume_role=AwsAssumeRole(external_id="abc"),
        ),
        "aws[0].assume_role.external_id",
    ),
    (
        "organization matcher of EKS",
        matcher(
            types=["eks"],
            assume_role=AwsAssumeRole(role_name="r"),
            organization=AwsOrganizationMatcher(organization_id=ORG),
        ),
        "aws[0].organization",
    ),
    (
        "assumed role that is a user",
        component(assume_role_arn="arn:aws:iam::210987654321:user/u"),
        "discovery.assume_role_arn",
    ),
    # DiscoveryMemberRole
    (
        "member trust of a user",
        member(management_role_arn="arn:aws:iam::123456789012:user/u"),
        "management_role_arn",
    ),
    ("member of a bad organization", member(organization_id="o-x"), "organization_id"),
    ("member role with RDS and S3", member(types=["rds", "s3"]), "types"),
]


def test_the_discovery_catalogue_has_distinct_entries() -> None:
    assert len({label for label, _, _ in CATALOGUE}) == len(CATALOGUE) >= 50


@pytest.mark.parametrize(
    ("label", "build", "argument"), CATALOGUE, ids=[label for label, _, _ in CATALOGUE]
)
def test_bad_discovery_input_is_rejected_before_anything_is_registered(
    run: Run, label: str, build: Callable[[], Any], argument: str
) -> None:
    errors: list[InvalidArgumentError] = []

    def program() -> None:
        try:
            build()
        except InvalidArgumentError as exc:
            errors.append(exc)

    recorded = run(program)
    assert recorded.resources == []
    assert len(errors) == 1, f"{label}: no InvalidArgumentError"
    error = errors[0]
    assert error.argument == argument
    message = str(error)
    assert message.startswith(argument)
    assert repr(error.value) in message
    assert error.rule in message and error.fix in message and error.fix
