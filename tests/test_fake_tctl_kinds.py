"""The stand-in tctl refuses what Teleport refuses for discovery_config and token, and applies
Teleport's defaults, so the provider tests above it mean something."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from .fake_teleport import FakeTeleport


def tctl(teleport: FakeTeleport, tmp_path: Path, *args: str, doc: Any = None) -> tuple[int, str]:
    argv = [str(teleport.tctl), *args]
    if doc is not None:
        path = tmp_path / "doc.yaml"
        path.write_text(yaml.safe_dump(doc))
        argv.append(str(path))
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    return done.returncode, done.stdout + done.stderr


def config(**spec: Any) -> dict[str, Any]:
    return {"kind": "discovery_config", "version": "v1", "metadata": {"name": "d"}, "spec": spec}


def token(**spec: Any) -> dict[str, Any]:
    return {"kind": "token", "version": "v2", "metadata": {"name": "t"}, "spec": spec}


IAM = {"roles": ["Node"], "join_method": "iam"}


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (config(aws=[]), "discovery config group required"),
        (
            config(discovery_group="g", aws=[{"types": ["s3"], "regions": ["*"]}]),
            "does not support",
        ),
        (
            config(discovery_group="g", aws=[{"types": ["ec2"], "regions": []}]),
            "at least one region",
        ),
        (
            config(discovery_group="g", aws=[{"types": ["ec2"], "regions": ["*", "us-east-1"]}]),
            "no other regions",
        ),
        (
            config(
                discovery_group="g",
                aws=[
                    {"types": ["ec2"], "regions": ["*"], "organization": {"organization_id": "o-1"}}
                ],
            ),
            "organizational units required",
        ),
        (
            config(discovery_group="g", aws=[{"types": ["ec2"], "regions": ["*"], "zone": 1}]),
            "zone",
        ),
        (token(**IAM), "requires defined token allow rules"),
        (token(**IAM, allow=[{"aws_account": "1" * 12, "aws_role": "r"}]), '"aws_role"'),
        (token(**IAM, allow=[{"aws_organizational_units": {"include": ["*"]}}]), "must set"),
        (
            token(
                **IAM,
                allow=[{"aws_account": "1" * 12, "aws_organizational_units": {"include": ["*"]}}],
            ),
            'must also specify "aws_organization_id"',
        ),
        (
            token(
                **IAM,
                allow=[
                    {
                        "aws_organization_id": "o-abcdefghij",
                        "aws_organizational_units": {"include": ["ou-a"], "exclude": ["*"]},
                    }
                ],
            ),
            "wildcard",
        ),
        (token(join_method="iam", allow=[{"aws_account": "1" * 12}]), "missing roles"),
        (token(**IAM, allow=[{"aws_account": "1" * 12}], secret=1), "secret"),
    ],
)
def test_the_stand_in_refuses_what_teleport_refuses(
    teleport: FakeTeleport, tmp_path: Path, doc: dict[str, Any], message: str
) -> None:
    code, output = tctl(teleport, tmp_path, "create", doc=doc)
    assert code == 1
    assert message in output


def test_an_integration_without_enroll_mode_gets_eice(
    teleport: FakeTeleport, tmp_path: Path
) -> None:
    # Why the package always writes enroll_mode: 1 (Teleport's default with an integration).
    matcher = {"types": ["ec2"], "regions": ["*"], "integration": "aws-prod"}
    assert (
        tctl(teleport, tmp_path, "create", doc=config(discovery_group="g", aws=[matcher]))[0] == 0
    )
    stored = teleport.resources("discovery_config")["d"]["spec"]["aws"][0]
    assert stored["install"]["enroll_mode"] == 2
    assert stored["ssm"]["document_name"] == "TeleportDiscoveryInstaller"


def test_tokens_are_upserted_by_a_plain_create(teleport: FakeTeleport, tmp_path: Path) -> None:
    first = token(**IAM, allow=[{"aws_account": "1" * 12}])
    second = token(**IAM, allow=[{"aws_account": "2" * 12}])
    assert tctl(teleport, tmp_path, "create", doc=first) == (
        0,
        'provision_token "t" has been created\n',
    )
    assert tctl(teleport, tmp_path, "create", doc=second)[0] == 0
    assert teleport.resources("token")["t"]["spec"]["allow"] == [{"aws_account": "2" * 12}]


def test_discovery_configs_are_refused_then_written_whole_with_force(
    teleport: FakeTeleport, tmp_path: Path
) -> None:
    doc = config(discovery_group="g", aws=[{"types": ["rds"], "regions": ["us-east-1"]}])
    assert tctl(teleport, tmp_path, "create", doc=doc)[0] == 0
    code, output = tctl(teleport, tmp_path, "create", doc=doc)
    assert (code, "already exists" in output) == (1, True)
    doc["metadata"]["labels"] = {"env": "prod"}
    assert tctl(teleport, tmp_path, "create", "--force", doc=doc) == (
        0,
        'DiscoveryConfig "d" has been written\n',
    )
    assert teleport.resources("discovery_config")["d"]["metadata"]["labels"] == {"env": "prod"}
    code, output = tctl(teleport, tmp_path, "rm", "discovery_config/d")
    assert (code, output) == (0, 'DiscoveryConfig "d" removed\n')
    code, output = tctl(teleport, tmp_path, "get", "discovery_config/d", "--format=json")
    assert (code, "doesn't exist" in output) == (1, True)


# -- v13 mode: what real tctl v13.3.8 did with tokens (tests/teleport/real_tctl_transcript.json) --

RULE = [{"aws_account": "1" * 12}]


@pytest.mark.parametrize(
    ("version", "doc", "message"),
    [
        (13, token(roles=["node"], join_method="iam", allow=RULE), "role node is not registered"),
        (13, token(roles=["Node", "Node"], join_method="iam", allow=RULE), 'duplicate role "Node"'),
        (13, token(roles=["Bot"], join_method="iam", allow=RULE), "must set bot_name"),
        (18, token(roles=["Bot"], join_method="iam", allow=RULE), "must set bot_name"),
        (13, token(**{**IAM, "join_method": "nope"}, allow=RULE), 'unknown join method "nope"'),
        (18, token(**{**IAM, "join_method": "nope"}, allow=RULE), 'unknown join method "nope"'),
        (
            13,
            token(**IAM, allow=[{"aws_organization_id": "o-abcdefghij"}]),
            'allow rule for "ec2" join method must set "aws_account" or "aws_arn"',
        ),
        (
            13,
            {**token(**IAM, allow=RULE), "metadata": {"name": "a b"}},
            "resource names, please use name composed only from characters, hyphens, dots, and "
            'plus signs: "/tokens/a b"',
        ),
    ],
)
def test_the_stand_in_refuses_tokens_as_the_version_did(
    tmp_path: Path, version: int, doc: dict[str, Any], message: str
) -> None:
    teleport = FakeTeleport.create(tmp_path, version=version)
    code, output = tctl(teleport, tmp_path, "create", doc=doc)
    assert (code, message in output) == (1, True), output


def test_v13_drops_what_it_did_not_know_and_prints_null_for_none(tmp_path: Path) -> None:
    teleport = FakeTeleport.create(tmp_path, version=13)
    assert tctl(teleport, tmp_path, "get", "tokens", "--format=json") == (0, "null\n")
    doc = token(**IAM, allow=RULE, bogus="x")
    assert tctl(teleport, tmp_path, "create", doc=doc) == (0, "")  # v13 printed nothing
    assert "bogus" not in teleport.resources("token")["t"]["spec"]
    integration = {
        "kind": "integration",
        "sub_kind": "aws-oidc",
        "version": "v1",
        "metadata": {"name": "i"},
        "spec": {"aws_oidc": {"role_arn": "arn:aws:iam::123456789012:role/r", "audience": "x"}},
    }
    assert tctl(teleport, tmp_path, "create", doc=integration)[0] == 0
    assert teleport.integrations()["i"]["spec"]["aws_oidc"] == {
        "role_arn": "arn:aws:iam::123456789012:role/r"
    }
    code, listed = tctl(teleport, tmp_path, "get", "integrations", "--format=json")
    assert (code, "id" in json.loads(listed)[0]["metadata"]) == (0, False)
