"""The discovery policies and the Teleport documents, against golden files and against a
transcription of what Teleport's Terraform module (integrations/terraform-modules/teleport/
discovery/aws: aws_iam_policy.tf, teleport_discovery_config.tf, teleport_provision_token.tf)
produces for the same inputs. Terraform itself cannot run here (no registry access), so the
module's expressions are transcribed below, one to one, and never shared with the package."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from teleport_oidc.cli.plan import plan_program
from teleport_oidc.features.discovery import (
    account_enumeration_policy,
    discovery_policy,
    join_validation_policy,
    member_role_trust_policy,
)
from teleport_oidc.teleport.discovery_rules import discovery_config_document, normalize_matchers
from teleport_oidc.teleport.token_rules import normalize_allow, token_document

GOLDEN = Path(__file__).parent / "golden" / "discovery"
EXAMPLES = Path(__file__).parent.parent / "examples"
ORG = "o-exampleorg1"
MEMBER_ROLE = "teleport-organization-discovery-child-account-role"


# --- the module's expressions, transcribed -------------------------------------------------------


def module_discovery_policy(types: list[str], regions: list[str]) -> dict[str, Any]:
    """aws_iam_policy.tf: resource_discovery_policy_actions, rendered by aws_iam_policy_document
    (actions are a set: sorted; a single resource is written as a string)."""
    ec2_actions = [
        "ec2:DescribeInstances",
        "ssm:DescribeInstanceInformation",
        "ssm:GetCommandInvocation",
        "ssm:ListCommandInvocations",
        "ssm:SendCommand",
    ]
    eks_actions = [
        "eks:ListClusters",
        "eks:DescribeCluster",
        "eks:ListAccessEntries",
        "eks:DescribeAccessEntry",
        "eks:CreateAccessEntry",
        "eks:DeleteAccessEntry",
        "eks:AssociateAccessPolicy",
        "eks:TagResource",
        "eks:UpdateAccessEntry",
    ]
    rds_actions = ["rds:DescribeDBClusters", "rds:DescribeDBInstances"]
    actions = (
        (["account:ListRegions"] if "*" in regions else [])
        + (ec2_actions if "ec2" in types else [])
        + (eks_actions if "eks" in types else [])
        + (rds_actions if "rds" in types else [])
    )
    statement = {"Effect": "Allow", "Action": sorted(set(actions)), "Resource": "*"}
    return {"Version": "2012-10-17", "Statement": [statement]}


def module_matcher(
    types: list[str], regions: list[str], integration: str, token: str, org_id: str | None = None
) -> dict[str, Any]:
    """teleport_discovery_config.tf: one element of local.aws_matchers (nulls dropped)."""
    matcher: dict[str, Any] = {
        "types": types,
        "regions": regions,
        "tags": {"*": ["*"]},
        "integration": integration,
    }
    if org_id:
        matcher["assume_role"] = {"role_name": MEMBER_ROLE}
        matcher["organization"] = {
            "organization_id": org_id,
            "organizational_units": {"include": ["*"], "exclude": []},
        }
    if "ec2" in types:
        matcher["install"] = {
            "enroll_mode": 1,
            "install_teleport": True,
            "join_method": "iam",
            "join_token": token,
            "script_name": "default-installer",
            "sshd_config": "/etc/ssh/sshd_config",
        }
        matcher["ssm"] = {"document_name": "AWS-RunShellScript"}
    return matcher


# --- policies ------------------------------------------------------------------------------------

TYPE_SETS = [["ec2"], ["eks"], ["rds"], ["ec2", "eks", "rds"]]


@pytest.mark.parametrize("types", TYPE_SETS, ids="_".join)
@pytest.mark.parametrize("regions", [["*"], ["us-east-1", "eu-west-1"]], ids=["all", "named"])
def test_discovery_policy_is_the_modules_for_each_type_set(
    types: list[str], regions: list[str]
) -> None:
    wildcard = regions == ["*"]
    ours = discovery_policy(types, wildcard)
    golden = "policy_" + "_".join(types) + ("_all_regions" if wildcard else "_named_regions")
    assert ours == json.loads((GOLDEN / f"{golden}.json").read_text())
    assert ours == module_discovery_policy(types, regions)
    assert ("account:ListRegions" in json.dumps(ours)) is wildcard


def test_organization_policies_are_the_modules() -> None:
    enumeration = account_enumeration_policy("aws", ORG, MEMBER_ROLE)
    assert enumeration == json.loads((GOLDEN / "account_enumeration.json").read_text())
    assert enumeration["Statement"][1] == {
        "Effect": "Allow",
        "Action": "sts:AssumeRole",
        "Resource": f"arn:aws:iam::*:role/{MEMBER_ROLE}",
        "Condition": {"StringEquals": {"aws:ResourceOrgID": ORG}},
    }
    assert join_validation_policy() == json.loads((GOLDEN / "join_validation.json").read_text())
    trust = member_role_trust_policy(
        "arn:aws:iam::123456789012:role/teleport-aws-organization", ORG
    )
    assert trust == json.loads((GOLDEN / "member_role_trust.json").read_text())


def test_an_assumed_role_is_the_only_thing_the_integration_role_may_assume() -> None:
    from teleport_oidc.features.discovery import assume_role_policy

    policy = assume_role_policy("arn:aws:iam::210987654321:role/teleport-discovery-target")
    assert policy == json.loads((GOLDEN / "assume_role.json").read_text())


def test_partitions_come_from_the_role() -> None:
    policy = account_enumeration_policy("aws-us-gov", ORG, MEMBER_ROLE)
    assert policy["Statement"][1]["Resource"].startswith("arn:aws-us-gov:iam::*:role/")


# --- Teleport documents --------------------------------------------------------------------------


def tctl_files(example: str) -> dict[str, str]:
    from teleport_oidc.cli.plan import render_json

    data = json.loads(render_json(plan_program(EXAMPLES / example)))
    return {r["name"]: r["tctl_create_file"] for r in data["resources"] if "tctl_create_file" in r}


@pytest.mark.parametrize("example", ["discovery-single-account", "discovery-organization"])
def test_the_files_handed_to_tctl_match_the_golden_files(example: str) -> None:
    files = tctl_files(example)
    for child, suffix in (
        ("teleport-discovery-config", "config"),
        ("teleport-discovery-token", "token"),
    ):
        golden = GOLDEN / f"{example}-{suffix}.yaml"
        assert files[child] == golden.read_text(), child


def test_the_single_account_config_is_the_modules() -> None:
    document = yaml.safe_load(tctl_files("discovery-single-account")["teleport-discovery-config"])
    module = module_matcher(
        ["ec2", "eks", "rds"],
        ["eu-west-1", "us-east-1"],
        "aws-discovery",
        "discovery-aws-discovery",
    )
    module["tags"] = {"teleport": ["enroll"]}  # the example's tag filter
    assert document["spec"]["aws"] == [module]
    assert document["metadata"]["labels"] == {"teleport.dev/iac-tool": "pulumi"}


def test_the_organization_config_and_token_are_the_modules() -> None:
    files = tctl_files("discovery-organization")
    config = yaml.safe_load(files["teleport-discovery-config"])
    assert config["spec"]["aws"] == [
        module_matcher(["ec2"], ["*"], "aws-organization", "discovery-aws-organization", ORG)
    ]
    token = yaml.safe_load(files["teleport-discovery-token"])
    # teleport_provision_token.tf with aws_organization_discovery set and the OIDC integration.
    assert token["spec"] == {
        "roles": ["Node"],
        "join_method": "iam",
        "allow": [
            {
                "aws_organization_id": ORG,
                "aws_organizational_units": {"include": ["*"], "exclude": []},
            }
        ],
        "integration": "aws-organization",
    }


def test_access_graph_section_is_written_as_teleport_names_it() -> None:
    from teleport_oidc.teleport.discovery_rules import normalize_access_graph

    access_graph = normalize_access_graph(
        {
            "aws": [
                {
                    "integration": "aws-prod",
                    "regions": ["us-east-1"],
                    "cloud_trail_logs": {"sqs_queue": "trail", "region": "us-east-1"},
                    "eks_audit_logs": {"tags": {"env": "prod"}},
                }
            ]
        }
    )
    document = discovery_config_document("ag", "g", [], access_graph)
    assert document["spec"]["access_graph"] == {
        "aws": [
            {
                "integration": "aws-prod",
                "regions": ["us-east-1"],
                "cloud_trail_logs": {"region": "us-east-1", "sqs_queue": "trail"},
                "eks_audit_logs": {"tags": {"env": ["prod"]}},
            }
        ]
    }


def test_documents_are_stable_whatever_the_input_order() -> None:
    one = normalize_matchers([{"types": ["rds", "eks"], "regions": ["us-west-2", "us-east-1"]}])
    two = normalize_matchers([{"types": ["eks", "rds"], "regions": ["us-east-1", "us-west-2"]}])
    assert one == two
    rules = normalize_allow([{"aws_account": "123456789012"}])
    assert token_document("t", ["Node"], rules)["spec"]["allow"] == [
        {"aws_account": "123456789012"}
    ]
