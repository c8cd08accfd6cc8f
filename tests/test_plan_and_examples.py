"""Every example and the root stack run under mocks (so they cannot rot), and `plan`'s output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from teleport_oidc.cli.main import main
from teleport_oidc.cli.plan import (
    KNOWN_AFTER_LOOKUP,
    PlanError,
    load_config,
    plan_program,
    render_json,
    render_text,
)

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples"
GOLDEN = Path(__file__).parent / "golden"
OIDC = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
ROLE = "aws:iam/role:Role"
POLICY = "aws:iam/rolePolicy:RolePolicy"
INTEGRATION = "pulumi-python:dynamic/teleport-oidc:TeleportIntegration"


def types(plan: object) -> list[str]:
    return sorted(r.type for r in plan.recorded.resources)  # type: ignore[attr-defined]


#: Example folders that are not Pulumi programs, and the tests that cover them.
NOT_PROGRAMS = {"ci": "tests/test_ci_examples.py, tests/engine/test_ci_review.py"}


def _runtime(folder: Path) -> str:
    runtime = yaml.safe_load((folder / "Pulumi.yaml").read_text())["runtime"]
    return str(runtime["name"] if isinstance(runtime, dict) else runtime)


def _programs() -> list[Path]:
    return [p for p in EXAMPLES.iterdir() if p.is_dir() and p.name not in NOT_PROGRAMS]


def _python_examples() -> list[Path]:
    return [p for p in _programs() if _runtime(p) == "python"]


def test_every_example_folder_is_tested() -> None:
    assert sorted(p.name for p in _python_examples()) == sorted(
        [
            "basic",
            "bring-your-own-role",
            "discovery-organization",
            "discovery-single-account",
            "features",
            "multi-account",
            "private-ca",
            "reuse-provider",
        ]
    )
    for folder in _python_examples():
        assert {"Pulumi.yaml", "__main__.py", "README.md"} <= {p.name for p in folder.iterdir()}
    assert all((EXAMPLES / name / "README.md").is_file() for name in NOT_PROGRAMS)


def test_every_other_language_example_says_how_it_is_checked() -> None:
    """Programs in other languages are compiled or run by the engine tier (their READMEs say
    which test), not run under mocks here."""
    others = [p for p in _programs() if _runtime(p) != "python"]
    assert {"typescript-basic", "go-basic", "csharp-basic"} <= {p.name for p in others}
    for folder in others:
        assert "tests/engine/" in (folder / "README.md").read_text(), folder.name


def test_the_root_stack_creates_everything_from_its_config() -> None:
    plan = plan_program(ROOT, stack="example")
    assert types(plan) == sorted(
        ["teleport-oidc:index:AwsOidcIntegration", OIDC, ROLE, POLICY, POLICY, POLICY, INTEGRATION]
    )
    role = plan.recorded.named("teleport-role")
    assert role.inputs["name"] == "teleport-aws-example"
    assert role.inputs["tags"]["team"] == "platform"
    assert set(plan.recorded.exports) == {
        "issuerUrl",
        "providerArn",
        "roleArn",
        "integrationName",
        "featurePolicies",
        "clusterName",
        "teleportVersion",
        "tctlGetCommand",
    }
    assert plan.recorded.exports["tctlGetCommand"] == "tctl get integration/aws-example"


def test_config_overrides_reach_the_root_stack() -> None:
    plan = plan_program(
        ROOT,
        stack="example",
        overrides=[
            "teleport-oidc:integrationName=aws-other",
            "teleport-oidc:features={}",
            "teleport-oidc:thumbprints=none",
        ],
    )
    assert plan.recorded.named("teleport-role").inputs["name"] == "teleport-aws-other"
    assert plan.recorded.of_type(POLICY) == []
    assert "thumbprintLists" not in plan.recorded.named("teleport-provider").inputs


def test_a_bad_config_value_names_the_config_key() -> None:
    with pytest.raises(Exception, match=r"teleport-oidc:proxyUrl must not contain a port"):
        plan_program(ROOT, overrides=["teleport-oidc:proxyUrl=https://t.example.com:3080"])


def test_the_root_stack_turns_on_discovery_from_config() -> None:
    plan = plan_program(
        ROOT,
        stack="example",
        overrides=[
            'teleport-oidc:discovery={"discovery_group": "cloud-discovery-group", '
            '"types": ["ec2", "rds"], "regions": ["us-east-1"]}'
        ],
    )
    config = plan.recorded.named("teleport-discovery-config").inputs
    assert config["discovery_group"] == "cloud-discovery-group"
    assert plan.recorded.exports["discoveryTokenName"] == "discovery-aws-example"
    with pytest.raises(Exception, match=r"teleport-oidc:discovery.types\[0\] is not a type"):
        plan_program(
            ROOT, overrides=['teleport-oidc:discovery={"discovery_group": "g", "types": ["s3"]}']
        )


def test_basic_example() -> None:
    plan = plan_program(EXAMPLES / "basic")
    assert types(plan) == sorted(
        ["teleport-oidc:index:AwsOidcIntegration", OIDC, ROLE, INTEGRATION]
    )
    assert plan.recorded.named("teleport-provider").inputs["url"] == "https://teleport.example.com"


def test_reuse_provider_example_registers_no_provider() -> None:
    plan = plan_program(EXAMPLES / "reuse-provider")
    assert plan.recorded.of_type(OIDC) == []
    assert len(plan.recorded.of_type(ROLE)) == 2
    lookups = [args for token, args, _ in plan.recorded.calls]
    assert {"arn": "arn:aws:iam::123456789012:oidc-provider/teleport.example.com"} in lookups
    assert {"url": "https://teleport.example.com"} in lookups


def test_multi_account_example_puts_each_integration_in_its_account() -> None:
    plan = plan_program(EXAMPLES / "multi-account")
    arns = sorted(r.outputs["arn"] for r in plan.recorded.of_type(OIDC))
    assert arns == [
        f"arn:aws:iam::{a * 12}:oidc-provider/teleport.example.com" for a in ("1", "2", "3")
    ]
    names = sorted(r.inputs["integration_name"] for r in plan.recorded.of_type(INTEGRATION))
    assert names == ["aws-dev", "aws-prod", "aws-staging"]


def test_features_example_attaches_four_policies() -> None:
    plan = plan_program(EXAMPLES / "features")
    assert sorted(r.inputs["name"] for r in plan.recorded.of_type(POLICY)) == [
        "AWSAppAccess",
        "EC2DiscoverWithSSM",
        "EKSAccess",
        "ListDatabases",
    ]


def test_bring_your_own_role_example_creates_only_the_integration() -> None:
    plan = plan_program(EXAMPLES / "bring-your-own-role")
    assert types(plan) == [INTEGRATION]


def test_discovery_single_account_example_registers_the_modules_resources() -> None:
    plan = plan_program(EXAMPLES / "discovery-single-account")
    assert sorted(r.name for r in plan.recorded.resources if r.name != "teleport") == [
        "teleport-discovery",
        "teleport-discovery-config",
        "teleport-discovery-token",
        "teleport-integration",
        "teleport-provider",
        "teleport-role",
    ]
    assert plan.recorded.exports["tctlGetCommand"] == (
        "tctl get discovery_config/discovery-aws-discovery"
    )


def test_discovery_organization_example_creates_a_member_role_per_account() -> None:
    plan = plan_program(EXAMPLES / "discovery-organization")
    roles = {r.name: r.outputs["arn"] for r in plan.recorded.of_type(ROLE) if "member" in r.name}
    accounts = {"dev": "1" * 12, "staging": "2" * 12, "prod": "3" * 12}
    # include_ous=["*"] enumerates the management account too: it holds the member role as well.
    accounts["management"] = "123456789012"
    assert roles == {
        f"teleport-member-{env}-role": f"arn:aws:iam::{account}:role/"
        "teleport-organization-discovery-child-account-role"
        for env, account in accounts.items()
    }
    trust = json.loads(plan.recorded.named("teleport-member-prod-role").inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {
        "AWS": "arn:aws:iam::123456789012:role/teleport-aws-organization"
    }
    assert plan.recorded.named("teleport-member-management-role").provider == ""  # default
    assert plan.recorded.exports["organizationId"] == "o-exampleorg1"


def test_private_ca_example_looks_up_or_pins() -> None:
    plan = plan_program(EXAMPLES / "private-ca")
    looked_up = plan.recorded.named("private-ca-lookup-provider").inputs["thumbprintLists"]
    pinned = plan.recorded.named("private-ca-pinned-provider").inputs["thumbprintLists"]
    assert type(looked_up).__name__ == "Unknown"  # offline: known after lookup
    assert pinned == ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"]


def test_plan_text_for_the_basic_example_matches_the_golden_file() -> None:
    text = render_text(plan_program(EXAMPLES / "basic"))
    assert text == (GOLDEN / "plan_basic.txt").read_text()
    assert KNOWN_AFTER_LOOKUP in text
    assert "file handed to `tctl create`:" in text


def test_plan_json_parses_and_lists_every_resource() -> None:
    plan = plan_program(EXAMPLES / "features")
    data = json.loads(render_json(plan))
    assert len(data["resources"]) == len(plan.recorded.resources) == 8
    by_name = {r["name"]: r for r in data["resources"]}
    assert by_name["teleport-role"]["parent"] == "teleport"
    assert by_name["teleport-rds"]["inputs"]["policy"]["Statement"][0]["Resource"] == "*"
    assert (
        'role_arn: "arn:aws:iam::123456789012:role/teleport-aws-features"'
        in by_name["teleport-integration"]["tctl_create_file"]
    )
    assert "__provider" not in json.dumps(data)


def test_stack_config_objects_and_secrets_are_loaded_like_the_engine(tmp_path: Path) -> None:
    config = tmp_path / "Pulumi.x.yaml"
    config.write_text(
        "config:\n  proxyUrl: https://t.example.com\n  teleport-oidc:features:\n"
        "    rds: true\n  teleport-oidc:identity:\n    secure: AAAB\n"
    )
    values, secrets = load_config(config, "teleport-oidc", ["aws:region=us-west-2"])
    assert values == {
        "teleport-oidc:proxyUrl": "https://t.example.com",
        "teleport-oidc:features": '{"rds": true}',
        "teleport-oidc:identity": "[secret]",
        "aws:region": "us-west-2",
    }
    assert secrets == ["teleport-oidc:identity"]


def test_plan_errors_are_clear(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(PlanError, match="has no Pulumi.yaml"):
        plan_program(tmp_path)
    assert main(["plan", str(tmp_path)]) == 2
    assert "has no Pulumi.yaml" in capsys.readouterr().err
    with pytest.raises(PlanError, match="must be key=value"):
        load_config(None, "p", ["novalue"])


def test_the_cli_runs_as_a_module_and_prints_json() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "teleport_oidc",
            "plan",
            str(EXAMPLES / "basic"),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "AWS_ACCESS_KEY_ID": "", "AWS_PROFILE": ""},
    )
    assert done.returncode == 0, done.stderr
    assert [r["name"] for r in json.loads(done.stdout)["resources"]] == [
        "teleport",
        "teleport-integration",
        "teleport-provider",
        "teleport-role",
    ]
