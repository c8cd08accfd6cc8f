"""Option names inside the root stack's config objects (issue 19 item 15): camelCase, as every
top-level key is written, or snake_case, as the Python API spells them; a mistyped one is named
as written with the accepted ones, never a bare TypeError."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from teleport_oidc.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "Pulumi.example.yaml")


def plan(capsys: pytest.CaptureFixture[str], **config: object) -> tuple[int, str, str]:
    settings = []
    for key, value in config.items():
        settings += ["--config", f"teleport-oidc:{key}={json.dumps(value)}"]
    code = main(["plan", str(ROOT), "--stack-config", EXAMPLE, "--offline", *settings])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def org(**options: object) -> dict[str, object]:
    return {"discovery_group": "cloud-discovery-group", "organization": options}


@pytest.mark.parametrize(
    ("written", "key"),
    [
        (org(includeOU=["*"]), "teleport-oidc:discovery.organization['includeOU']"),
        (org(include_ou=["*"]), "teleport-oidc:discovery.organization['include_ou']"),
        (org(memberRole="r"), "teleport-oidc:discovery.organization['memberRole']"),
    ],
    ids=["includeOU", "include_ou", "memberRole"],
)
def test_a_mistyped_organization_option_is_named_with_the_accepted_ones(
    capsys: pytest.CaptureFixture[str], written: object, key: str
) -> None:
    code, out, err = plan(capsys, discovery=written)
    assert code == 2 and out == ""
    assert err.startswith(f"error: {key} is not an option of organization discovery")
    assert "use some of: exclude_ous, include_ous, member_role_name, organization_id" in err
    assert "TypeError" not in err and "could not run" not in err and "Traceback" not in err


@pytest.mark.parametrize(
    "spelling",
    [
        {"includeOus": ["*"], "excludeOus": [], "memberRoleName": "teleport-member"},
        {"include_ous": ["*"], "exclude_ous": [], "member_role_name": "teleport-member"},
    ],
    ids=["camelCase", "snake_case"],
)
def test_organization_options_are_accepted_in_both_spellings(
    capsys: pytest.CaptureFixture[str], spelling: dict[str, object]
) -> None:
    code, out, err = plan(capsys, discovery={"discoveryGroup": "g", "organization": spelling})
    assert code == 0, err
    assert "arn:aws:iam::*:role/teleport-member" in out


def test_both_spellings_plan_the_same_resources(capsys: pytest.CaptureFixture[str]) -> None:
    camel = plan(
        capsys,
        discovery={"discoveryGroup": "g", "tokenName": "t1", "organization": {"includeOus": ["*"]}},
        features={"ec2_ssm_discovery": {"createSsmDocument": True}},
    )
    snake = plan(
        capsys,
        discovery={
            "discovery_group": "g",
            "token_name": "t1",
            "organization": {"include_ous": ["*"]},
        },
        features={"ec2_ssm_discovery": {"create_ssm_document": True}},
    )
    assert camel[0] == snake[0] == 0
    assert camel[1] == snake[1]
    assert "TeleportDiscoveryInstaller" in camel[1]


@pytest.mark.parametrize(
    ("config", "key"),
    [
        (
            {"discovery": {"discoveryGroup": "g", "organization": {"includeOus": ["x"]}}},
            "teleport-oidc:discovery.organization.includeOus[0]",
        ),
        (
            {"discovery": {"discoveryGroup": "g", "organization": {"exclude_ous": ["*"]}}},
            "teleport-oidc:discovery.organization.exclude_ous[0]",
        ),
        (
            {"discovery": {"discoveryGroup": "g", "tokenName": "Bad Name"}},
            "teleport-oidc:discovery.tokenName",
        ),
        (
            {"features": {"ec2_ssm_discovery": {"createSsmDocument": "yes"}}},
            "teleport-oidc:features.ec2_ssm_discovery.createSsmDocument",
        ),
    ],
    ids=["includeOus", "exclude_ous", "tokenName", "createSsmDocument"],
)
def test_a_bad_value_names_the_option_as_it_was_spelled(
    capsys: pytest.CaptureFixture[str], config: dict[str, object], key: str
) -> None:
    code, _, err = plan(capsys, **config)
    assert code == 2
    assert err.startswith(f"error: {key} "), err


def test_one_option_in_both_spellings_is_refused_naming_both(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = plan(
        capsys,
        discovery={
            "discoveryGroup": "g",
            "organization": {"includeOus": ["*"], "include_ous": ["*"]},
        },
    )
    assert code == 2
    assert err.startswith("error: teleport-oidc:discovery.organization.include_ous sets the option")
    assert "first as 'includeOus'" in err


def test_keys_that_are_data_keep_their_spelling(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = plan(
        capsys,
        discovery={"discoveryGroup": "g", "labels": {"costCenter": "x"}, "tags": {"envName": "p"}},
    )
    assert code == 0, err
    assert "costCenter" in out and "envName" in out
    assert "cost_center" not in out and "env_name" not in out
