"""`teleport-oidc adopt` against moto's IAM populated as Teleport's CLI populates it, and the
stand-in Teleport holding the integration the web UI makes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from teleport_oidc.cli.adopt import read_found
from teleport_oidc.cli.adopt_plan import (
    AdoptionRefused,
    equivalent_policies,
    plan_adoption,
)
from teleport_oidc.cli.main import main
from teleport_oidc.trust import trust_policy

from .fake_teleport import FakeTeleport
from .teleport_cli_setup import EC2_SSM_OLD, WebUiSetup, configure_idp, web_ui_integration

PROXY = "https://teleport.example.com"
HAND_MADE = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}],
}


@pytest.fixture
def web_ui(iam: Any, teleport: FakeTeleport, monkeypatch: pytest.MonkeyPatch) -> WebUiSetup:
    """The provider, role, three feature policies and the integration, as Teleport makes them."""
    setup = configure_idp(iam)
    teleport.seed_resource(web_ui_integration(setup))
    monkeypatch.setenv("TELEPORT_TCTL", str(teleport.tctl))
    return setup


def adopt(tmp_path: Path, *args: str) -> int:
    return main(
        [
            "adopt",
            PROXY,
            "--import-file",
            str(tmp_path / "adopt-import.json"),
            *args,
        ]
    )


def iam_snapshot(iam: Any) -> str:
    """Everything IAM holds of the integration, to prove adopt wrote nothing."""
    roles = []
    for role in iam.list_roles()["Roles"]:
        name = role["RoleName"]
        policies = {
            p: iam.get_role_policy(RoleName=name, PolicyName=p)["PolicyDocument"]
            for p in iam.list_role_policies(RoleName=name)["PolicyNames"]
        }
        roles.append((iam.get_role(RoleName=name)["Role"], policies))
    providers = [
        {
            k: v
            for k, v in iam.get_open_id_connect_provider(OpenIDConnectProviderArn=p["Arn"]).items()
            if k != "ResponseMetadata"
        }
        for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
    ]
    return json.dumps([roles, providers], default=str, sort_keys=True)


def found(iam: Any, teleport: FakeTeleport, role_name: str = "TeleportWebUiRole") -> Any:
    from teleport_oidc.teleport.tctl import Connection, Tctl

    return read_found(
        iam,
        boto3.client("sts", region_name="us-east-1"),
        Tctl(Connection(tctl_path=str(teleport.tctl))),
        proxy_url=PROXY,
        role_name=role_name,
        integration_name=None,
    )


def test_a_web_ui_setup_is_recognised_feature_by_feature_and_nothing_is_changed(
    iam: Any,
    teleport: FakeTeleport,
    web_ui: WebUiSetup,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = iam_snapshot(iam)
    assert adopt(tmp_path, "--role-name", web_ui.role_name) == 0
    out = capsys.readouterr().out
    assert "inline policy EC2DiscoverWithSSM: feature 'ec2_ssm_discovery' (imported)" in out
    assert "inline policy ListDatabases: feature 'rds' (imported)" in out
    assert "inline policy EKSAccess: feature 'eks' (imported)" in out
    assert "role_name='TeleportWebUiRole'," in out
    assert "features={'ec2_ssm_discovery': True, 'eks': True, 'rds': True}," in out
    assert "adopt_existing_integration=True," in out
    assert "pulumi config set teleport-oidc:roleName TeleportWebUiRole" in out
    assert "pulumi import --file " in out and "--protect=false" in out
    # Read-only: IAM is as it was, and tctl was only asked to `get`.
    assert iam_snapshot(iam) == before
    assert {call["argv"][0] for call in teleport.calls()} == {"get"}


def test_the_import_file_puts_each_piece_at_the_urn_the_program_uses(
    iam: Any, web_ui: WebUiSetup, tmp_path: Path
) -> None:
    assert adopt(tmp_path, "--role-name", web_ui.role_name, "--resource-name", "prod") == 0
    resources = json.loads((tmp_path / "adopt-import.json").read_text())["resources"]
    by_name = {r["name"]: r for r in resources}
    assert by_name["prod"] == {
        "type": "teleport-oidc:index:AwsOidcIntegration",
        "name": "prod",
        "component": True,
    }
    assert by_name["prod-provider"]["id"] == web_ui.provider_arn
    assert by_name["prod-role"]["id"] == "TeleportWebUiRole"
    assert {by_name[f"prod-{k}"]["id"] for k in ("ec2_ssm_discovery", "rds", "eks")} == {
        "TeleportWebUiRole:EC2DiscoverWithSSM",
        "TeleportWebUiRole:ListDatabases",
        "TeleportWebUiRole:EKSAccess",
    }
    children = [r for r in resources if r["name"] != "prod"]
    assert {r["parent"] for r in children} == {"prod"}
    # The very default provider the program uses: the installed pulumi-aws plugin's version.
    assert len({r["version"] for r in children}) == 1
    assert "prod-integration" not in by_name  # a dynamic resource: adopt_existing_integration


def test_the_first_up_diff_lists_our_tag_and_the_actions_teleport_added_since(
    iam: Any, teleport: FakeTeleport, web_ui: WebUiSetup
) -> None:
    plan = plan_adoption(found(iam, teleport), integration_name=None)
    assert plan.diff == [
        "teleport-provider: tags +teleport.dev/iac-tool=pulumi",
        "teleport-role: tags +teleport.dev/iac-tool=pulumi",
        "teleport-ec2_ssm_discovery: policy updated in place (+account:ListRegions)",
        "teleport-integration: taken over (tctl create --force, same role_arn)",
    ]


def test_arguments_follow_what_exists_role_path_description_boundary_and_user_tags(
    iam: Any, teleport: FakeTeleport
) -> None:
    setup = configure_idp(iam, policies={}, cluster="prod-cluster")
    iam.tag_role(RoleName=setup.role_name, Tags=[{"Key": "team", "Value": "infra"}])
    iam.update_role(RoleName=setup.role_name, Description="made by hand", MaxSessionDuration=7200)
    plan = plan_adoption(found(iam, teleport), integration_name=None)
    assert plan.args == {
        "proxy_url": PROXY,
        "integration_name": "aws-prod",
        "role_name": "TeleportWebUiRole",
        "cluster_name": "prod-cluster",
        "role_description": "made by hand",
        "max_session_duration": 7200,
        "tags": {"team": "infra"},
    }
    # No integration in Teleport: the first up creates it, nothing to adopt.
    assert plan.diff[-1] == "teleport-integration: created in Teleport (none named 'aws-prod' yet)"


def test_a_trust_policy_with_the_subject_condition_sets_restrict_subjects(
    iam: Any, teleport: FakeTeleport
) -> None:
    setup = configure_idp(iam, policies={})
    restricted = trust_policy(setup.provider_arn, "teleport.example.com", restrict_subjects=True)
    iam.update_assume_role_policy(RoleName=setup.role_name, PolicyDocument=json.dumps(restricted))
    plan = plan_adoption(found(iam, teleport), integration_name=None)
    assert plan.args["restrict_subjects"] is True
    assert not any("trust policy" in line for line in plan.diff)


def test_a_trust_policy_with_other_statements_is_listed_as_replaced(
    iam: Any, teleport: FakeTeleport
) -> None:
    setup = configure_idp(iam, policies={})
    document = trust_policy(setup.provider_arn, "teleport.example.com")
    document["Statement"].append(
        {
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
        }
    )
    iam.update_assume_role_policy(RoleName=setup.role_name, PolicyDocument=json.dumps(document))
    plan = plan_adoption(found(iam, teleport), integration_name=None)
    assert (
        "teleport-role: trust policy replaced by Teleport's single statement "
        "(drops 1 other statement(s))" in plan.diff
    )


def test_an_unrecognised_policy_and_an_unenabled_feature_are_left_on_the_role(
    iam: Any,
    web_ui: WebUiSetup,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    iam.put_role_policy(
        RoleName=web_ui.role_name, PolicyName="HandMade", PolicyDocument=json.dumps(HAND_MADE)
    )
    assert adopt(tmp_path, "--role-name", web_ui.role_name, "--features", "rds") == 0
    out = capsys.readouterr().out
    assert "inline policy HandMade: not recognised (left as it is)" in out
    assert "inline policy EKSAccess: feature 'eks' (left as it is): the program does not" in out
    assert "features={'rds': True}," in out
    names = {
        r["name"] for r in json.loads((tmp_path / "adopt-import.json").read_text())["resources"]
    }
    assert names == {"teleport", "teleport-provider", "teleport-role", "teleport-rds"}


def test_a_provider_shared_with_another_integration_is_reused_not_taken_over(
    iam: Any, teleport: FakeTeleport, web_ui: WebUiSetup, tmp_path: Path
) -> None:
    # A second integration whose role trusts the same provider (the CLI's AlreadyExists path).
    configure_idp_role = trust_policy(web_ui.provider_arn, "teleport.example.com")
    iam.create_role(
        RoleName="OtherIntegration", AssumeRolePolicyDocument=json.dumps(configure_idp_role)
    )
    plan = plan_adoption(found(iam, teleport), integration_name=None)
    assert plan.args["existing_provider_arn"] == web_ui.provider_arn
    assert "teleport-provider" not in {r["name"] for r in plan.imports}
    assert not any(line.startswith("teleport-provider") for line in plan.diff)
    assert any("shared" in note and "OtherIntegration" in note for note in plan.notes)


def test_a_provider_tagged_for_another_integration_is_reused(
    iam: Any, teleport: FakeTeleport
) -> None:
    configure_idp(iam, policies={}, integration="aws-first")
    iam.tag_role(
        RoleName="TeleportWebUiRole", Tags=[{"Key": "teleport.dev/integration", "Value": "aws-two"}]
    )
    plan = plan_adoption(found(iam, teleport), integration_name=None)
    assert plan.args["integration_name"] == "aws-two"
    assert "existing_provider_arn" in plan.args


@pytest.mark.parametrize(
    ("spoil", "finding", "fix"),
    [
        (
            "trust",
            "does not trust arn:aws:iam::123456789012:oidc-provider/teleport.example.com",
            "pass the --role-name Teleport uses",
        ),
        (
            "audience",
            "lacks the 'discover.teleport' audience",
            "aws iam add-client-id-to-open-id-connect-provider",
        ),
        (
            "integration",
            "points at 'arn:aws:iam::123456789012:role/SomeOtherRole', not at the role",
            "pass --role-name SomeOtherRole",
        ),
        ("role", "no IAM role named 'NoSuchRole'", "pass the --role-name you gave Teleport"),
    ],
)
def test_bad_setups_are_refused_with_the_finding_and_the_fix_before_anything_changes(
    iam: Any,
    teleport: FakeTeleport,
    web_ui: WebUiSetup,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    spoil: str,
    finding: str,
    fix: str,
) -> None:
    role = web_ui.role_name
    if spoil == "trust":
        other = trust_policy(web_ui.provider_arn, "elsewhere.example.com")
        iam.update_assume_role_policy(RoleName=role, PolicyDocument=json.dumps(other))
    elif spoil == "audience":
        # Made for another audience (moto has no AddClientIDToOpenIDConnectProvider).
        iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=web_ui.provider_arn)
        iam.create_open_id_connect_provider(
            Url=PROXY, ClientIDList=["sts.amazonaws.com"], ThumbprintList=["a" * 40]
        )
    elif spoil == "integration":
        teleport.edit_role("aws-prod", "arn:aws:iam::123456789012:role/SomeOtherRole")
    else:
        role = "NoSuchRole"
    before = iam_snapshot(iam)
    assert adopt(tmp_path, "--role-name", role) == 1
    err = capsys.readouterr().err
    assert "refused: " in err and finding in err
    assert f"fix: {fix}" in err
    assert "nothing was changed" in err
    assert iam_snapshot(iam) == before
    assert not (tmp_path / "adopt-import.json").exists()


def test_an_unknown_feature_key_is_refused_naming_the_option(
    iam: Any, web_ui: WebUiSetup, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert adopt(tmp_path, "--role-name", web_ui.role_name, "--features", "rds,s3") == 2
    err = capsys.readouterr().err
    assert "--features is not a feature key, got 's3'" in err


def test_an_older_identity_center_policy_name_is_recognised_and_its_rename_listed(
    iam: Any, teleport: FakeTeleport
) -> None:
    configure_idp(iam, policies={"TeleportAWSIdentityCenter": EC2_SSM_OLD})
    plan = plan_adoption(found(iam, teleport), integration_name=None)
    assert plan.args["features"] == {"identity_center": True}
    assert (
        "teleport-identity_center: replaced by 'TeleportAWSIdentityCenterIntegration' (the "
        "name changes)" in plan.diff
    )


def test_policies_are_compared_as_iam_compares_them() -> None:
    a = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:A", "Resource": "*"}],
    }
    b = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["s3:A"], "Resource": ["*"]}],
    }
    c = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["s3:A", "s3:B"], "Resource": "*"}],
    }
    assert equivalent_policies(a, b)
    assert not equivalent_policies(a, c)
    assert not equivalent_policies(a, None)


def test_adopt_without_credentials_says_how_to_get_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import teleport_oidc.cli.main as cli

    monkeypatch.setattr(cli, "_aws_session", lambda: None)
    assert adopt(tmp_path, "--role-name", "R") == 2
    assert "install it in this environment (pip install boto3)" in capsys.readouterr().err


def test_a_role_without_an_integration_tag_needs_the_integration_name(
    iam: Any, teleport: FakeTeleport
) -> None:
    configure_idp(iam, policies={})
    iam.untag_role(RoleName="TeleportWebUiRole", TagKeys=["teleport.dev/integration"])
    with pytest.raises(AdoptionRefused, match="pass --integration-name"):
        plan_adoption(found(iam, teleport), integration_name=None)


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["https://teleport.example.com:3080", "--role-name", "R"], "PROXY_URL must not"),
        ([PROXY, "--role-name", "bad role"], "--role-name "),
        ([PROXY, "--role-name", "R", "--integration-name", "Bad.Name"], "--integration-name "),
    ],
)
def test_bad_options_name_the_option_and_stop_before_any_call(
    iam: Any,
    teleport: FakeTeleport,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    named: str,
) -> None:
    monkeypatch.setenv("TELEPORT_TCTL", str(teleport.tctl))
    assert main(["adopt", *args, "--import-file", str(tmp_path / "f.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {named}") and "Traceback" not in err
    assert teleport.calls() == []


def test_the_printed_arguments_build_a_component_with_every_imported_piece_at_its_name(
    iam: Any, teleport: FakeTeleport, web_ui: WebUiSetup, run: Any, offline: None
) -> None:
    from teleport_oidc import AwsOidcIntegration, AwsOidcIntegrationArgs

    plan = plan_adoption(found(iam, teleport), integration_name=None, resource_name="prod")
    rec = run(lambda: AwsOidcIntegration("prod", AwsOidcIntegrationArgs(**plan.args)))
    component = rec.named("prod")
    assert component.type == plan.imports[0]["type"]
    for entry in plan.imports[1:]:
        resource = rec.named(entry["name"])
        assert (resource.type, resource.parent) == (entry["type"], component.urn)
    assert rec.named("prod-role").inputs["name"] == web_ui.role_name
    named = {r.inputs["name"] for r in rec.of_type("aws:iam/rolePolicy:RolePolicy")}
    assert named == {"EC2DiscoverWithSSM", "ListDatabases", "EKSAccess"}
    # The tags the program writes are Teleport's, plus ours: the one tag change listed.
    tags = rec.named("prod-role").inputs["tags"]
    assert tags == {**web_ui_tags(iam, web_ui), "teleport.dev/iac-tool": "pulumi"}


def web_ui_tags(iam: Any, web_ui: WebUiSetup) -> dict[str, str]:
    role = iam.get_role(RoleName=web_ui.role_name)["Role"]
    return {t["Key"]: t["Value"] for t in role["Tags"]}


def test_ecs_deploy_service_imports_the_task_role_and_its_policy_too(
    iam: Any, teleport: FakeTeleport
) -> None:
    task_arn = "arn:aws:iam::123456789012:role/DbTasks"
    deploy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": task_arn}],
    }
    configure_idp(iam, policies={"DeployService": deploy})
    iam.create_role(RoleName="DbTasks", AssumeRolePolicyDocument=json.dumps(HAND_MADE))
    iam.put_role_policy(
        RoleName="DbTasks", PolicyName="DbTasks", PolicyDocument=json.dumps(HAND_MADE)
    )
    plan = plan_adoption(found(iam, teleport), integration_name=None)
    assert plan.args["features"]["ecs_deploy_service"].task_role_name == "DbTasks"
    ids = {r["name"]: r.get("id") for r in plan.imports}
    assert ids["teleport-ecs_deploy_service-task-role"] == "DbTasks"
    assert ids["teleport-ecs_deploy_service-task-policy"] == "DbTasks:DbTasks"


def test_external_audit_storage_is_recognised_but_left_until_its_options_are_given(
    iam: Any, teleport: FakeTeleport
) -> None:
    eas = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AllowAthenaQuery", "Effect": "Allow", "Action": "athena:*", "Resource": "*"}
        ],
    }
    configure_idp(iam, policies={"ExternalAuditStoragePolicy-x1": eas})
    plan = plan_adoption(found(iam, teleport), integration_name=None)
    (finding,) = plan.policies
    assert (finding.feature, finding.imported) == ("external_audit_storage", False)
    assert "policy_name='ExternalAuditStoragePolicy-x1'" in finding.note
    assert "features" not in plan.args
    assert len(plan.imports) == 3  # component, provider, role


def test_without_reading_teleport_the_integration_is_adopted_whatever_it_holds(
    iam: Any, web_ui: WebUiSetup, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert adopt(tmp_path, "--role-name", web_ui.role_name, "--no-teleport") == 0
    out = capsys.readouterr().out
    assert "adopt_existing_integration=True," in out
    assert "teleport-integration: created, or taken over if it exists (not read)" in out


def test_a_tctl_that_cannot_run_stops_adopt_with_its_message_and_no_file(
    iam: Any,
    web_ui: WebUiSetup,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TELEPORT_TCTL", str(tmp_path / "no-such-tctl"))
    assert adopt(tmp_path, "--role-name", web_ui.role_name) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "tctl" in err and "Traceback" not in err
    assert not (tmp_path / "adopt-import.json").exists()
