"""``DiscoveryMemberRoleStackSet`` under mocks: one service-managed StackSet holding the same
role ``DiscoveryMemberRole`` makes, deployed to the chosen OUs (or the root) by one provider."""

from __future__ import annotations

import json
from typing import Any

import pytest

from teleport_oidc import (
    DiscoveryMemberRole,
    DiscoveryMemberRoleArgs,
    DiscoveryMemberRoleStackSet,
    DiscoveryMemberRoleStackSetArgs,
    InvalidArgumentError,
)

from .conftest import Run

STACK_SET = "aws:cloudformation/stackSet:StackSet"
INSTANCE = "aws:cloudformation/stackSetInstance:StackSetInstance"
MANAGEMENT = "arn:aws:iam::123456789012:role/teleport-aws-prod"
ORG = "o-abcdefghij"
OU = "ou-ab12-cdefgh34"


def stack_set(**overrides: Any) -> DiscoveryMemberRoleStackSet:
    values: dict[str, Any] = {"management_role_arn": MANAGEMENT, "organization_id": ORG}
    values.update(overrides)
    return DiscoveryMemberRoleStackSet("members", DiscoveryMemberRoleStackSetArgs(**values))


def test_the_stack_set_is_service_managed_with_automatic_deployment(run: Run) -> None:
    recorded = run(lambda: stack_set(organizational_unit_ids=[OU]))
    created = recorded.named("members-stack-set")
    assert created.type == STACK_SET
    assert created.inputs["name"] == "teleport-discovery-member-role"
    assert created.inputs["permissionModel"] == "SERVICE_MANAGED"
    assert created.inputs["autoDeployment"] == {
        "enabled": True,
        "retainStacksOnAccountRemoval": False,
    }
    assert created.inputs["capabilities"] == ["CAPABILITY_NAMED_IAM"]
    assert created.inputs["callAs"] == "SELF"
    instances = recorded.named("members-instances")
    assert instances.type == INSTANCE
    assert instances.inputs["deploymentTargets"] == {"organizationalUnitIds": [OU]}
    assert instances.inputs["stackSetName"] == "teleport-discovery-member-role"
    assert instances.parent == created.parent


def test_the_template_holds_the_role_the_per_account_component_makes(run: Run) -> None:
    per_account = run(
        lambda: DiscoveryMemberRole(
            "m", DiscoveryMemberRoleArgs(management_role_arn=MANAGEMENT, organization_id=ORG)
        )
    )
    role = per_account.named("m-role").inputs
    policy = per_account.named("m-discovery").inputs
    template = json.loads(
        run(lambda: stack_set(organizational_unit_ids=[OU]))
        .named("members-stack-set")
        .inputs["templateBody"]
    )
    props = template["Resources"]["MemberRole"]["Properties"]
    assert props["RoleName"] == role["name"]
    assert props["Description"] == role["description"]
    assert props["AssumeRolePolicyDocument"] == json.loads(role["assumeRolePolicy"])
    assert props["Policies"] == [
        {"PolicyName": policy["name"], "PolicyDocument": json.loads(policy["policy"])}
    ]
    assert props["Tags"] == [{"Key": k, "Value": v} for k, v in role["tags"].items()]


def test_without_ous_it_deploys_to_the_organization_root_read_from_aws(run: Run) -> None:
    recorded = run(lambda: stack_set())
    targets = recorded.named("members-instances").inputs["deploymentTargets"]
    assert targets == {"organizationalUnitIds": ["r-exmp"]}
    assert [c[0] for c in recorded.calls].count(
        "aws:organizations/getOrganization:getOrganization"
    ) == 1


def test_a_delegated_administrator_calls_as_one(run: Run) -> None:
    recorded = run(lambda: stack_set(organizational_unit_ids=[OU], call_as="DELEGATED_ADMIN"))
    assert recorded.named("members-stack-set").inputs["callAs"] == "DELEGATED_ADMIN"
    assert recorded.named("members-instances").inputs["callAs"] == "DELEGATED_ADMIN"


@pytest.mark.parametrize(
    ("overrides", "argument"),
    [
        ({"organizational_unit_ids": []}, "organizational_unit_ids"),
        ({"organizational_unit_ids": "ou-ab12-cdefgh34"}, "organizational_unit_ids"),
        ({"organizational_unit_ids": ["*"]}, r"organizational_unit_ids\[0\]"),
        ({"organizational_unit_ids": [OU, OU]}, "organizational_unit_ids"),
        ({"call_as": "self"}, "call_as"),
        ({"stack_set_name": "1-teleport"}, "stack_set_name"),
        ({"stack_set_name": "teleport_role"}, "stack_set_name"),
        ({"organization_id": "o-x"}, "organization_id"),
        ({"types": ["s3"]}, "types"),
    ],
)
def test_bad_input_is_refused_naming_the_argument(
    run: Run, overrides: dict[str, Any], argument: str
) -> None:
    errors: list[InvalidArgumentError] = []

    def program() -> None:
        try:
            stack_set(**overrides)
        except InvalidArgumentError as exc:
            errors.append(exc)

    recorded = run(program)
    assert len(errors) == 1
    assert str(errors[0]).startswith(argument.replace("\\", "").split("[")[0])
    assert recorded.resources == []
