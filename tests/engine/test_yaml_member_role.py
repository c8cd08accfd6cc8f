"""``DiscoveryMemberRole`` constructed by the ``teleport-oidc`` plugin for a YAML program through
the real engine (no ``PULUMI_PYTHON_CMD``): preview against a golden, up (the role in moto with
the trust policy and discovery policy the Python component writes), a clean second preview,
destroy leaving moto empty; and none of its children is a dynamic resource."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from teleport_oidc.features.discovery import (
    MEMBER_ROLE_NAME,
    discovery_policy,
    member_role_trust_policy,
)
from tests.fake_teleport import FakeTeleport

from .harness import Harness, aws_leftovers
from .test_examples import check_golden, normalise, ok, sibling_order
from .test_typescript import IDENTITY
from .test_yaml import EMPTY, dynamic_children, yaml_program

pytestmark = pytest.mark.engine

MANAGEMENT = "arn:aws:iam::123456789012:role/teleport-aws-org"
ORGANIZATION = "o-abcdefghij"
PROGRAM: dict[str, Any] = {
    "name": "teleport-oidc-yaml-member-role",
    "runtime": "yaml",
    "resources": {
        "member": {
            "type": "teleport-oidc:index:DiscoveryMemberRole",
            "properties": {
                "managementRoleArn": MANAGEMENT,
                "organizationId": ORGANIZATION,
                "regions": ["us-east-1", "eu-west-1"],
                "tags": {"team": "platform"},
            },
        }
    },
    "outputs": {"roleArn": "${member.roleArn}", "roleName": "${member.roleName}"},
}


@pytest.fixture
def program(engine: Harness, teleport: FakeTeleport, tmp_path: Path) -> Path:
    source = tmp_path / "source"
    source.mkdir()
    (source / "Pulumi.yaml").write_text(yaml.safe_dump(PROGRAM, sort_keys=False))
    teleport.require_identity(IDENTITY)
    return yaml_program(engine, source, tmp_path / "program")


def test_yaml_program_constructs_the_discovery_member_role_through_the_plugin(
    engine: Harness, program: Path
) -> None:
    preview = ok(engine.pulumi(program, "preview", "--diff"))
    check_golden("yaml-member-role", sibling_order(normalise(preview)))
    assert aws_leftovers(engine) == EMPTY

    ok(engine.pulumi(program, "up", "--yes"))
    iam: Any = engine.aws("iam")
    role = iam.get_role(RoleName=MEMBER_ROLE_NAME)["Role"]
    assert role["AssumeRolePolicyDocument"] == member_role_trust_policy(MANAGEMENT, ORGANIZATION)
    assert {"Key": "team", "Value": "platform"} in role["Tags"]
    policy = iam.get_role_policy(RoleName=MEMBER_ROLE_NAME, PolicyName="teleport-discovery")
    assert policy["PolicyDocument"] == discovery_policy(["ec2"], False)
    outputs = json.loads(ok(engine.pulumi(program, "stack", "output", "--json")))
    assert outputs == {"roleArn": role["Arn"], "roleName": MEMBER_ROLE_NAME}

    state = json.loads(ok(engine.pulumi(program, "stack", "export")))
    types = {resource["type"] for resource in state["deployment"]["resources"]}
    assert {"aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy"} <= types, types
    assert dynamic_children(engine, program) == []
    ok(engine.pulumi(program, "preview", "--diff", "--expect-no-changes"))

    ok(engine.pulumi(program, "destroy", "--yes"))
    assert aws_leftovers(engine) == EMPTY
