"""`plan --state` deploys into the export's own accounts, partition and organization, so an
unchanged program is `same` everywhere, and a real change still shows (issue 19, item 1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from teleport_oidc.cli.deployed import deployed_world, provider_name
from teleport_oidc.cli.export import load_state
from teleport_oidc.cli.main import main
from teleport_oidc.cli.mockrun import AwsWorld
from teleport_oidc.cli.plan import plan_program
from teleport_oidc.cli.statediff import compare

from .stack_export import write_export

REPO = Path(__file__).resolve().parents[1]
ELSEWHERE = AwsWorld(account="210987654321", partition="aws-us-gov", organization="o-a1b2c3d4e5f6")


def marks(
    program: Path, export: Path, overrides: tuple[str, ...] = (), **kw: object
) -> dict[str, str]:
    state = load_state(export)
    plan = plan_program(program, overrides=overrides, world=deployed_world(state), **kw)  # type: ignore[arg-type]
    return {c.name: c.mark for c in compare(plan.recorded.resources, state) if c.mark != "same"}


def deployed(
    tmp_path: Path, program: Path, world: AwsWorld, overrides: tuple[str, ...] = ()
) -> Path:
    """The export of `up` of ``program`` in ``world``."""
    plan = plan_program(program, overrides=overrides, world=world)
    return write_export(plan.recorded, tmp_path / "state.json")


@pytest.mark.parametrize(
    "program",
    ["examples/basic", "examples/discovery-organization", "examples/reuse-provider", "."],
    ids=["basic", "organization", "reuse-provider", "root"],
)
def test_an_unchanged_program_is_same_everywhere_in_another_account_partition_and_organization(
    tmp_path: Path, program: str
) -> None:
    # The root stack's config names its region (us-east-1: partition aws); the examples do not.
    export = deployed(tmp_path, REPO / program, ELSEWHERE)
    assert marks(REPO / program, export) == {}


def test_without_the_export_s_world_every_account_bound_resource_would_be_an_update(
    tmp_path: Path,
) -> None:
    # What issue 19 saw: the placeholder account against a real one.
    program = REPO / "examples/discovery-organization"
    state = load_state(deployed(tmp_path, program, ELSEWHERE))
    plan = plan_program(program)
    found = {c.name: c.mark for c in compare(plan.recorded.resources, state) if c.mark != "same"}
    assert {
        "teleport-role",
        "teleport-integration",
        "teleport-discovery-account-enumeration",
        "teleport-member-dev-role",
        "teleport-discovery-config",
    } <= set(found)


def test_a_real_change_still_shows_against_another_account(tmp_path: Path) -> None:
    program = REPO / "examples/discovery-organization"
    export = deployed(tmp_path, program, ELSEWHERE)
    assert marks(program, export, ("discoveryGroup=other-group",)) == {
        "teleport-discovery-config": "update"
    }


def test_the_world_is_read_from_the_arns_aws_returned_and_the_organization_the_state_names(
    tmp_path: Path,
) -> None:
    program = REPO / "examples/discovery-organization"
    world = deployed_world(load_state(deployed(tmp_path, program, ELSEWHERE)))
    assert (world.account, world.partition, world.organization) == (
        "210987654321",
        "aws-us-gov",
        "o-a1b2c3d4e5f6",
    )
    # Each member account's provider declares its account and region (us-east-1): read too.
    assert world.providers["aws-dev"] == ("aws", "111111111111")


def test_a_program_s_own_region_and_allowed_accounts_win_over_the_export_s(tmp_path: Path) -> None:
    program = REPO / "examples/basic"
    export = deployed(tmp_path, program, ELSEWHERE)
    # The program now names a commercial region: another partition, so new ARNs (a real move).
    assert marks(program, export, ("aws:region=us-east-1",)) == {
        "teleport-role": "update",
        "teleport-integration": "update",
    }


def test_the_default_provider_is_found_under_any_of_the_engine_s_names() -> None:
    urn = "urn:pulumi:prod::p::pulumi:providers:aws"
    assert provider_name(f"{urn}::default_7_12_0::04da6b54") == ""
    assert provider_name(f"{urn}::default::04da6b54") == ""
    assert provider_name(f"{urn}::aws-dev::04da6b54") == "aws-dev"
    assert provider_name("") == ""


def test_plan_state_on_the_command_line_is_same_everywhere_in_another_account(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    program = REPO / "examples/discovery-organization"
    export = deployed(tmp_path, program, ELSEWHERE)
    capsys.readouterr()
    assert main(["plan", str(program), "--state", str(export), "--format", "json"]) == 0
    changes = json.loads(capsys.readouterr().out)["changes"]
    assert changes and {c["change"] for c in changes} == {"same"}
