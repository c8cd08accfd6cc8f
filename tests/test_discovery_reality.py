"""Discovery that really discovers, checked against Teleport's source: ``*`` regions only where
Teleport expands them, an assumed role in another account built so its instances can be found
and join, organization discovery warned about on a Teleport too old for its fields, and the
external-ID rule of Teleport's matchers."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from teleport_oidc import (
    AwsAssumeRole,
    AwsMatcher,
    AwsOidcIntegration,
    AwsOidcIntegrationArgs,
    DiscoveryMemberRole,
    DiscoveryMemberRoleArgs,
    DiscoveryOptions,
    InvalidArgumentError,
    OrganizationDiscovery,
    TeleportDiscoveryConfig,
    TeleportDiscoveryConfigArgs,
)
from teleport_oidc.features import ec2_ssm_discovery
from teleport_oidc.features.discovery import organization_version_warning
from teleport_oidc.teleport.discovery_rules import normalize_matcher

from . import conftest
from .conftest import PROXY, THUMB, Run

README = Path(__file__).parent.parent / "README.md"
TARGET = "arn:aws:iam::210987654321:role/teleport-discovery-target"


def component(discovery: Any, **overrides: Any) -> AwsOidcIntegration:
    values: dict[str, Any] = {
        "proxy_url": PROXY,
        "integration_name": "aws-prod",
        "thumbprints": [THUMB],
        "discovery": discovery,
    }
    values.update(overrides)
    return AwsOidcIntegration("prod", AwsOidcIntegrationArgs(**values))


def refusal(run: Run, build: Any) -> InvalidArgumentError:
    errors: list[InvalidArgumentError] = []

    def program() -> None:
        try:
            build()
        except InvalidArgumentError as exc:
            errors.append(exc)

    recorded = run(program)
    assert recorded.resources == []  # refused before anything was registered
    assert len(errors) == 1
    return errors[0]


# --- item 10: '*' only where Teleport expands it ------------------------------------------------


def test_rds_in_every_region_is_refused_with_the_regions_to_list(run: Run) -> None:
    error = refusal(run, lambda: component(DiscoveryOptions("g", types=["ec2", "rds"])))
    assert error.argument == "discovery.regions"
    assert error.value == ["*"]
    assert "database fetchers query each listed region by name" in error.rule
    assert "regions=['us-east-1', 'eu-west-1']" in error.fix


@pytest.mark.parametrize("types", [["rds"], ["ec2", "docdb"], ["redshift-serverless"]])
def test_a_database_matcher_in_every_region_is_refused(types: list[str]) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        normalize_matcher({"types": types, "regions": ["*"]})
    assert info.value.argument == "aws[0].regions"
    assert "only for ec2 and eks" in info.value.rule


@pytest.mark.parametrize("types", [["ec2"], ["eks"], ["ec2", "eks"]])
def test_ec2_and_eks_keep_every_region(types: list[str]) -> None:
    assert normalize_matcher({"types": types, "regions": ["*"]})["regions"] == ["*"]


def test_named_regions_enroll_rds_with_the_modules_actions(run: Run) -> None:
    options = DiscoveryOptions("g", types=["ec2", "rds"], regions=["us-east-1"])
    recorded = run(lambda: component(options))
    matcher = recorded.named("prod-discovery-config").inputs["aws"][0]
    assert matcher["regions"] == ["us-east-1"]
    policy = json.loads(recorded.named("prod-discovery").inputs["policy"])
    assert "rds:DescribeDBInstances" in policy["Statement"][0]["Action"]


def test_a_member_role_for_rds_in_every_region_is_refused(run: Run) -> None:
    error = refusal(
        run,
        lambda: DiscoveryMemberRole(
            "m",
            DiscoveryMemberRoleArgs(
                management_role_arn="arn:aws:iam::123456789012:role/r",
                organization_id="o-abcdefghij",
                types=["rds"],
            ),
        ),
    )
    assert error.argument == "regions"


# --- item 11: an assumed role in another account ------------------------------------------------


def test_an_assumed_role_in_another_account_is_allowed_to_join_and_to_be_assumed(
    run: Run,
) -> None:
    recorded = run(lambda: component(DiscoveryOptions("g", assume_role_arn=TARGET)))
    # Teleport finds the instances with the assumed role's credentials: they join from there.
    token = recorded.named("prod-discovery-token").inputs
    assert token["allow"] == [{"aws_account": "210987654321"}]
    # The integration role may assume exactly that role, and needs nothing else to discover.
    policy = json.loads(recorded.named("prod-discovery").inputs["policy"])
    assert policy["Statement"] == [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": TARGET}
    ]
    matcher = recorded.named("prod-discovery-config").inputs["aws"][0]
    assert matcher["assume_role"] == {"role_arn": TARGET}
    assert matcher["integration"] == "aws-prod"


def test_without_an_assumed_role_the_integrations_account_joins(run: Run) -> None:
    recorded = run(lambda: component(DiscoveryOptions("g")))
    assert recorded.named("prod-discovery-token").inputs["allow"] == [
        {"aws_account": "123456789012"}
    ]
    policy = json.loads(recorded.named("prod-discovery").inputs["policy"])
    assert "ec2:DescribeInstances" in policy["Statement"][0]["Action"]


# --- item 12: README, organization wording, version, external ID --------------------------------


def test_the_readme_says_ec2_ssm_discovery_always_grants_list_regions() -> None:
    row = next(
        line for line in README.read_text().splitlines() if line.startswith("| `ec2_ssm_discovery`")
    )
    granted = row.rsplit("|", 2)[-2]
    assert "account:ListRegions" in ec2_ssm_discovery.ACTIONS  # what the code grants, always
    assert "account:ListRegions (always" in granted
    assert "for `regions" not in granted


def test_the_organization_refusal_says_what_this_package_supports(run: Run) -> None:
    options = DiscoveryOptions("g", types=["ec2", "eks"], organization=OrganizationDiscovery())
    error = refusal(run, lambda: component(options))
    assert error.argument == "discovery.types"
    assert "this package supports organization discovery for EC2 only" in error.rule
    assert "Teleport discovers across an organization for EC2 only" not in str(error)


def test_an_organization_matcher_of_eks_is_refused_as_this_packages_limit() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        normalize_matcher(
            {
                "types": ["eks"],
                "assume_role": {"role_name": "r"},
                "organization": {"organization_id": "o-abcdefghij"},
            }
        )
    assert "by this package" in info.value.rule


@pytest.mark.parametrize(
    ("version", "warned"),
    [("18.7.2", True), ("v18.0.0", True), ("18.8.0", False), ("19.0.1", False)],
)
def test_organization_discovery_warns_with_the_version_the_proxy_reports(
    run: Run,
    monkeypatch: pytest.MonkeyPatch,
    cluster_find: list[str],
    version: str,
    warned: bool,
) -> None:
    monkeypatch.setattr(conftest, "FIND_VERSION", version)
    options = DiscoveryOptions("g", organization=OrganizationDiscovery())
    # A given cluster name needs no lookup for the tag; the version check still asks.
    recorded = run(lambda: component(options, cluster_name="main.example.com"))
    assert cluster_find  # looked up
    found = [w for w in recorded.warnings if "organization discovery needs Teleport" in w]
    assert bool(found) == warned
    if warned:
        assert f"reports Teleport {version}" in found[0]
        assert "18.8.0 or newer" in found[0]


def test_single_account_discovery_does_not_look_the_version_up(
    run: Run, cluster_find: list[str]
) -> None:
    run(lambda: component(DiscoveryOptions("g"), cluster_name="main.example.com"))
    assert cluster_find == []


@pytest.mark.parametrize("reported", ["", "²", "9" * 5000, "abc", "18"])
def test_an_unreadable_version_is_not_a_verdict(reported: str) -> None:
    assert organization_version_warning(reported) is None


def test_the_warning_shows_only_the_version_it_read() -> None:
    text = organization_version_warning("18.7.0" + "x" * 5000)
    assert text is not None and "18.7.0 " not in text and "x" * 10 not in text
    assert re.search(r"reports Teleport 18\.7\.0:", text)


@pytest.mark.parametrize(
    "types", [["redshift-serverless"], ["opensearch"], ["docdb"], ["opensearch", "docdb"]]
)
def test_an_external_id_without_a_role_arn_is_teleports_for_iam_role_databases(
    run: Run, types: list[str]
) -> None:
    matcher = AwsMatcher(
        types=types, regions=["us-east-1"], assume_role=AwsAssumeRole(external_id="ext-1")
    )
    recorded = run(
        lambda: TeleportDiscoveryConfig(
            "c", TeleportDiscoveryConfigArgs(name="d", discovery_group="g", aws=[matcher])
        )
    )
    assert recorded.resources[0].inputs["aws"][0]["assume_role"] == {"external_id": "ext-1"}


@pytest.mark.parametrize("types", [["rds"], ["docdb", "rds"], ["ec2"]])
def test_an_external_id_without_a_role_arn_is_refused_for_other_types(types: list[str]) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        normalize_matcher(
            {"types": types, "regions": ["us-east-1"], "assume_role": {"external_id": "ext-1"}}
        )
    assert info.value.argument == "aws[0].assume_role.external_id"
    assert "redshift-serverless, opensearch, docdb" in info.value.rule
