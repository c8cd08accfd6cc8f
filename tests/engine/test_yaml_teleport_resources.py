"""The Teleport resources declared directly by a YAML program through the real engine:
``examples/yaml-teleport-resources`` (a ``TeleportProvisionToken`` and a
``TeleportDiscoveryConfig``, custom resources of the ``teleport-oidc`` plugin), with no
``PULUMI_PYTHON_CMD``. Preview against a golden, up, a clean second preview, refresh after
changes made with tctl (and the up that undoes them), an update of both, destroy leaving the
stand-in Teleport empty; a bad nested input refused at preview, named as the YAML program
writes it, creating nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.fake_teleport import FakeTeleport

from .harness import REPO, Harness
from .test_examples import check_golden, normalise, ok, sibling_order, steps
from .test_typescript import IDENTITY
from .test_yaml import dynamic_children, yaml_program

pytestmark = pytest.mark.engine

EXAMPLE = REPO / "examples" / "yaml-teleport-resources"
TOKEN, CONFIG = "aws-discovery-nodes", "aws-discovery"
RDS_ROLE = "arn:aws:iam::123456789012:role/teleport-rds-discovery"


@pytest.fixture
def program(engine: Harness, teleport: FakeTeleport, tmp_path: Path) -> Path:
    teleport.require_identity(IDENTITY)
    return yaml_program(engine, EXAMPLE, tmp_path / "program")


def held(teleport: FakeTeleport) -> tuple[dict[str, Any], dict[str, Any]]:
    """The token's and the discovery_config's spec as the stand-in Teleport holds them."""
    token = teleport.resources("token")[TOKEN]
    config = teleport.resources("discovery_config")[CONFIG]
    assert config["metadata"]["labels"]["team_name"] == "platform"  # data keeps its spelling
    return token["spec"], config["spec"]


def edit_document_name(item: dict[str, Any]) -> None:
    item["spec"]["aws"][0]["ssm"]["document_name"] = "Edited-Document"


def edit_account(item: dict[str, Any]) -> None:
    item["spec"]["allow"][0]["aws_account"] = "210987654321"


def test_yaml_program_declares_the_token_and_the_discovery_config_directly(
    engine: Harness, teleport: FakeTeleport, program: Path
) -> None:
    preview = ok(engine.pulumi(program, "preview", "--diff"))
    check_golden("yaml-teleport-resources", sibling_order(normalise(preview)))
    assert teleport.resources("token") == {} and teleport.resources("discovery_config") == {}

    ok(engine.pulumi(program, "up", "--yes"))
    assert dynamic_children(engine, program) == []
    token, config = held(teleport)
    assert token["allow"] == [{"aws_account": "123456789012"}]
    assert token["roles"] == ["Node"]
    ec2, rds = config["aws"]
    assert ec2["install"]["join_token"] == TOKEN
    assert ec2["ssm"] == {"document_name": "AWS-RunShellScript"}
    assert ec2["tags"] == {"team_name": ["platform"]}
    assert ec2["regions"] == ["us-east-1"]
    assert rds["assume_role"] == {"role_arn": RDS_ROLE}
    assert ok(engine.pulumi(program, "stack", "output", "tokenName")).strip() == TOKEN
    ok(engine.pulumi(program, "preview", "--diff", "--expect-no-changes"))

    # Drift made with tctl: read back through the plugin in the schema's shape, then undone.
    teleport.edit("discovery_config", CONFIG, edit_document_name)
    teleport.edit("token", TOKEN, edit_account)
    refreshed = ok(engine.pulumi(program, "refresh", "--yes", "--diff"))
    assert '"Edited-Document"' in refreshed and "ssmDocumentName" in refreshed, refreshed
    assert '"210987654321"' in refreshed and "awsAccount" in refreshed, refreshed
    assert "document_name" not in refreshed and "aws_account" not in refreshed, refreshed
    assert steps(ok(engine.pulumi(program, "preview", "--json"))) == {
        "token": "update",
        "discovery": "update",
    }
    ok(engine.pulumi(program, "up", "--yes"))
    token, config = held(teleport)
    assert config["aws"][0]["ssm"] == {"document_name": "AWS-RunShellScript"}
    assert token["allow"] == [{"aws_account": "123456789012"}]
    ok(engine.pulumi(program, "preview", "--expect-no-changes"))

    ok(engine.pulumi(program, "config", "set", "region", "eu-west-1"))
    ok(engine.pulumi(program, "config", "set", "account", "210987654321"))
    assert steps(ok(engine.pulumi(program, "preview", "--json"))) == {
        "token": "update",
        "discovery": "update",
    }
    ok(engine.pulumi(program, "up", "--yes"))
    token, config = held(teleport)
    assert token["allow"] == [{"aws_account": "210987654321"}]  # a number on YAML's wire
    assert teleport.resources("token")[TOKEN]["metadata"]["description"] == (
        "EC2 instances discovered in eu-west-1"
    )
    assert [matcher["regions"] for matcher in config["aws"]] == [["eu-west-1"], ["eu-west-1"]]
    ok(engine.pulumi(program, "preview", "--expect-no-changes"))

    ok(engine.pulumi(program, "destroy", "--yes"))
    assert teleport.resources("token") == {}
    assert teleport.resources("discovery_config") == {}
    assert teleport.integrations() == {}


def test_yaml_bad_nested_input_fails_preview_named_in_camel_case_and_creates_nothing(
    engine: Harness, teleport: FakeTeleport, program: Path
) -> None:
    ok(engine.pulumi(program, "config", "set", "rdsRoleArn", "teleport-rds-discovery"))
    done = engine.pulumi(program, "preview", "--diff")
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert "aws[1].assumeRole.roleArn must be an ARN of an IAM role" in output, output
    assert "assume_role" not in output and "role_arn" not in output, output
    assert "Traceback" not in output and "Unexpected <class" not in output, output
    assert teleport.resources("token") == {} and teleport.resources("discovery_config") == {}
