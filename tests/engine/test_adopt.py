"""Taking over what Teleport's web UI made, through the real engine: moto populated with the
requests of Teleport's golden outputs, the stand-in Teleport holding the web UI's integration,
then exactly the sequence `teleport-oidc adopt` prints (README, "Already set up in the web UI?").
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.fake_teleport import FakeTeleport
from tests.teleport_cli_setup import configure_idp, web_ui_integration

from .harness import REPO, Harness, aws_leftovers, copy_program
from .import_langhost import install as install_import_langhost

pytestmark = pytest.mark.engine

PROXY = "https://teleport.example.com"
HAND_MADE = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}],
}


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, f"{done.args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def steps(preview_json: str) -> dict[str, str]:
    """Resource name -> the step of `pulumi preview --json`, for every step but `same`."""
    found: dict[str, str] = {}
    for step in json.loads(preview_json).get("steps", []):
        name = step["urn"].rsplit("::", 1)[-1]
        if step["op"] != "same" and "pulumi:pulumi:Stack" not in step["urn"]:
            found[name] = step["op"]
    return found


def proxy_thumbprint(engine: Harness, monkeypatch: pytest.MonkeyPatch) -> str:
    """What Teleport's CLI computes for the stand-in proxy (the same rule as ours)."""
    from teleport_oidc.lookups.thumbprint import clear_cache, lookup_thumbprints

    assert engine.https_proxy and engine.ca_bundle
    for key in ("HTTPS_PROXY", "https_proxy"):
        monkeypatch.setenv(key, engine.https_proxy)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(engine.ca_bundle))
    clear_cache()
    thumbprints = lookup_thumbprints(PROXY)
    clear_cache()
    return str(thumbprints[0])


def adopt(engine: Harness, program: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "teleport_oidc", "adopt", PROXY, *args],
        cwd=program,
        env=engine.env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def printed_commands(text: str) -> list[list[str]]:
    """The `pulumi ...` commands adopt printed, in order (comments dropped)."""
    return [
        shlex.split(line.split("#", 1)[0])
        for line in text.splitlines()
        if line.strip().startswith("pulumi ")
    ]


def role_state(engine: Harness, name: str) -> dict[str, Any]:
    iam: Any = engine.aws("iam")
    role = iam.get_role(RoleName=name)["Role"]
    return {
        "id": role["RoleId"],
        "tags": {t["Key"]: t["Value"] for t in role.get("Tags", [])},
        "policies": sorted(iam.list_role_policies(RoleName=name)["PolicyNames"]),
    }


def test_a_web_ui_integration_is_taken_over_without_recreating_anything(
    engine: Harness, teleport: FakeTeleport, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    iam: Any = engine.aws("iam")
    setup = configure_idp(iam, thumbprint=proxy_thumbprint(engine, monkeypatch))
    iam.put_role_policy(
        RoleName=setup.role_name, PolicyName="HandMade", PolicyDocument=json.dumps(HAND_MADE)
    )
    teleport.seed_resource(web_ui_integration(setup))
    before = role_state(engine, setup.role_name)

    install_import_langhost(engine.bin)  # `pulumi import` asks the language host first
    program = copy_program(REPO, tmp_path / "program")
    (program / "Pulumi.example.yaml").unlink()
    ok(engine.pulumi(program, "stack", "init", "test"))
    ok(engine.pulumi(program, "config", "set", "aws:region", "us-east-1"))

    printed = ok(adopt(engine, program, "--role-name", setup.role_name))
    assert [c["argv"][0] for c in teleport.calls()] == ["get"]  # adopt only reads
    commands = printed_commands(printed)
    config = [c for c in commands if c[:3] == ["pulumi", "config", "set"]]
    sequence = [c for c in commands if c[:3] != ["pulumi", "config", "set"]]
    assert [c[1] for c in sequence] == ["import", "preview", "up"]
    for command in config:
        ok(engine.pulumi(program, *command[1:]))

    # 1. pulumi import: every AWS piece read into the stack at the program's URNs.
    imported = ok(engine.pulumi(program, *sequence[0][1:]))
    assert "error" not in imported.lower(), imported
    assert len(teleport.calls()) == 1  # importing touches AWS only (and only reads it)

    # 2. The first preview: exactly the changes adopt listed; nothing created, replaced or
    #    deleted in AWS, the integration taken over in Teleport.
    listed = {
        line.split(":", 1)[0].strip()
        for line in printed.split("What the first `pulumi up` changes:", 1)[1].splitlines()
        if line.strip()
    }
    preview = steps(ok(engine.pulumi(program, "preview", "--json")))
    assert preview == {
        "teleport-provider": "update",
        "teleport-role": "update",
        "teleport-ec2_ssm_discovery": "update",
        "teleport-integration": "create",
    }
    assert set(preview) == listed

    # 3. up: takes everything over; the role is the same role, Teleport's integration too.
    ok(engine.pulumi(program, "up", "--yes"))
    after = role_state(engine, setup.role_name)
    assert after["id"] == before["id"]
    assert after["tags"]["teleport.dev/iac-tool"] == "pulumi"
    assert after["policies"] == before["policies"]  # HandMade left as it was
    ssm = iam.get_role_policy(RoleName=setup.role_name, PolicyName="EC2DiscoverWithSSM")
    assert "account:ListRegions" in ssm["PolicyDocument"]["Statement"][0]["Action"]
    held = teleport.integrations()["aws-prod"]
    assert held["spec"]["aws_oidc"]["role_arn"] == setup.role_arn
    # A plain create, refused ("already exists"), then `tctl create --force` of the same spec.
    creates = [c["argv"][1] for c in teleport.calls() if c["argv"][0] == "create"]
    assert creates[0] != "--force" and creates[1:] == ["--force"], creates
    assert not [c for c in teleport.calls() if c["argv"][0] == "rm"]

    # 4. A second preview is clean, and so is a refresh.
    ok(engine.pulumi(program, "preview", "--expect-no-changes"))
    ok(engine.pulumi(program, "refresh", "--yes", "--expect-no-changes"))

    # 5. A later change: a feature and a tag; the imported role is updated in place.
    ok(
        engine.pulumi(
            program, "config", "set", "--path", "teleport-oidc:features.aws_console_access", "true"
        )
    )
    ok(engine.pulumi(program, "config", "set", "--path", "teleport-oidc:tags.team", "infra"))
    assert steps(ok(engine.pulumi(program, "preview", "--json"))) == {
        "teleport-provider": "update",
        "teleport-role": "update",
        "teleport-aws_console_access": "create",
    }
    ok(engine.pulumi(program, "up", "--yes"))
    assert role_state(engine, setup.role_name)["id"] == before["id"]
    ok(engine.pulumi(program, "preview", "--expect-no-changes"))

    # 6. destroy: as the README says, everything adopted goes, the hand-made policy with the
    #    role (pulumi-aws deletes an imported role's inline policies), the integration too.
    ok(engine.pulumi(program, "destroy", "--yes"))
    assert teleport.integrations() == {}
    assert aws_leftovers(engine) == {"roles": [], "oidc_providers": [], "documents": []}


def test_a_provider_shared_with_another_integration_is_reused_and_outlives_destroy(
    engine: Harness, teleport: FakeTeleport, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    iam: Any = engine.aws("iam")
    fewer = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "rds:DescribeDBInstances", "Resource": "*"}],
    }
    setup = configure_idp(
        iam, thumbprint=proxy_thumbprint(engine, monkeypatch), policies={"ListDatabases": fewer}
    )
    # A second integration made later on the same proxy: Teleport's CLI met the provider's
    # AlreadyExists, treated it as success, and made a second role that trusts it.
    trust = json.loads(
        json.dumps(iam.get_role(RoleName=setup.role_name)["Role"]["AssumeRolePolicyDocument"])
    )
    iam.create_role(RoleName="TeleportStaging", AssumeRolePolicyDocument=json.dumps(trust))
    teleport.seed_resource(web_ui_integration(setup))

    install_import_langhost(engine.bin)
    program = copy_program(REPO, tmp_path / "program")
    (program / "Pulumi.example.yaml").unlink()
    ok(engine.pulumi(program, "stack", "init", "test"))
    ok(engine.pulumi(program, "config", "set", "aws:region", "us-east-1"))
    printed = ok(adopt(engine, program, "--role-name", setup.role_name, "--features", "rds"))
    assert f"teleport-oidc:existingProviderArn {setup.provider_arn}" in printed
    for command in printed_commands(printed):
        if command[1] == "up":
            break
        if command[1] != "preview":
            ok(engine.pulumi(program, *command[1:]))

    preview = steps(ok(engine.pulumi(program, "preview", "--json")))
    assert preview == {
        "teleport-role": "update",
        "teleport-rds": "update",  # narrowed by hand: granted what rds needs again
        "teleport-integration": "create",
    }
    ok(engine.pulumi(program, "up", "--yes"))
    ok(engine.pulumi(program, "preview", "--expect-no-changes"))
    ok(engine.pulumi(program, "destroy", "--yes"))
    # The shared provider and the other integration's role were never this stack's.
    assert aws_leftovers(engine) == {
        "roles": ["TeleportStaging"],
        "oidc_providers": [setup.provider_arn],
        "documents": [],
    }
