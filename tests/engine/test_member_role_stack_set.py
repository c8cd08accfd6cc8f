"""``DiscoveryMemberRoleStackSet`` through the real engine over moto: one AWS provider creates a
service-managed StackSet whose instances put the member role in every account of the chosen OU
(and only there); an edit updates the StackSet in place; destroy leaves nothing."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import boto3
import pytest

from .harness import Harness

pytestmark = pytest.mark.engine

ROLE = "teleport-organization-discovery-child-account-role"
MANAGEMENT = "arn:aws:iam::123456789012:role/teleport-aws-org"
PROGRAM = textwrap.dedent(
    """
    import pulumi
    from teleport_oidc import DiscoveryMemberRoleStackSet, DiscoveryMemberRoleStackSetArgs

    config = pulumi.Config()
    members = DiscoveryMemberRoleStackSet(
        "members",
        DiscoveryMemberRoleStackSetArgs(
            management_role_arn="MANAGEMENT",
            organization_id=config.require("organizationId"),
            organizational_unit_ids=[config.require("ou")],
            regions=config.get_object("regions") or ["*"],
        ),
    )
    pulumi.export("stackSet", members.stack_set_name)
    """
).replace("MANAGEMENT", MANAGEMENT)


def ok(done: Any) -> str:
    assert done.returncode == 0, f"{done.args}\n{done.stdout}\n{done.stderr}"
    return str(done.stdout)


def organization(engine: Harness) -> tuple[str, str, list[str], list[str]]:
    """An organization with two OUs of two accounts each: (org ID, the OU deployed to, its
    accounts, the other OU's accounts)."""
    orgs: Any = engine.aws("organizations")
    org = orgs.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    root = orgs.list_roots()["Roots"][0]["Id"]
    placed: dict[str, list[str]] = {}
    first = ""
    for unit in ("platform", "sandbox"):
        ou = orgs.create_organizational_unit(ParentId=root, Name=unit)["OrganizationalUnit"]["Id"]
        first = first or ou
        placed[unit] = []
        for index in range(2):
            status = orgs.create_account(
                AccountName=f"{unit}-{index}", Email=f"{unit}-{index}@example.com"
            )["CreateAccountStatus"]
            account = status["AccountId"]
            orgs.move_account(AccountId=account, SourceParentId=root, DestinationParentId=ou)
            placed[unit].append(account)
    return org, first, placed["platform"], placed["sandbox"]


def member_role(engine: Harness, account: str) -> dict[str, Any] | None:
    creds = engine.aws("sts").assume_role(  # type: ignore[attr-defined]
        RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
        RoleSessionName="check",
    )["Credentials"]
    iam = boto3.client(
        "iam",
        endpoint_url=engine.moto_url,
        region_name="us-east-1",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    try:
        return dict(iam.get_role(RoleName=ROLE)["Role"])
    except iam.exceptions.NoSuchEntityException:
        return None


def test_one_provider_deploys_updates_and_removes_the_member_role_across_an_ou(
    engine: Harness, tmp_path: Path
) -> None:
    org, ou, inside, outside = organization(engine)
    program = tmp_path / "stack-set"
    program.mkdir()
    (program / "Pulumi.yaml").write_text("name: stack-set\nruntime: python\n")
    (program / "__main__.py").write_text(PROGRAM)
    ok(engine.pulumi(program, "stack", "init", "org"))
    ok(engine.pulumi(program, "config", "set", "organizationId", org))
    ok(engine.pulumi(program, "config", "set", "ou", ou))

    ok(engine.pulumi(program, "up", "--yes"))
    cfn: Any = engine.aws("cloudformation")
    found = cfn.describe_stack_set(StackSetName="teleport-discovery-member-role")["StackSet"]
    assert found["PermissionModel"] == "SERVICE_MANAGED"
    deployed = {
        i["Account"]
        for i in cfn.list_stack_instances(StackSetName="teleport-discovery-member-role")[
            "Summaries"
        ]
    }
    assert deployed == set(inside)
    for account in inside:
        role = member_role(engine, account)
        assert role is not None, account
        trust = role["AssumeRolePolicyDocument"]
        trust = json.loads(trust) if isinstance(trust, str) else trust
        assert trust["Statement"][0]["Principal"] == {"AWS": MANAGEMENT}
        assert trust["Statement"][0]["Condition"] == {"StringEquals": {"aws:PrincipalOrgID": org}}
    assert all(member_role(engine, account) is None for account in outside)
    ok(engine.pulumi(program, "preview", "--expect-no-changes"))

    ok(engine.pulumi(program, "config", "set", "--path", "regions[0]", "us-east-1"))
    preview = ok(engine.pulumi(program, "preview", "--diff"))
    assert "~ aws:cloudformation/stackSet:StackSet" in preview, preview
    assert "replace" not in preview.lower().split("resources:")[-1], preview
    ok(engine.pulumi(program, "up", "--yes"))
    body = cfn.describe_stack_set(StackSetName="teleport-discovery-member-role")["StackSet"][
        "TemplateBody"
    ]
    assert "account:ListRegions" not in body  # no region wildcard any more
    ok(engine.pulumi(program, "preview", "--expect-no-changes"))

    ok(engine.pulumi(program, "destroy", "--yes"))
    assert all(member_role(engine, account) is None for account in inside)
    assert not cfn.list_stack_sets(Status="ACTIVE")["Summaries"]
