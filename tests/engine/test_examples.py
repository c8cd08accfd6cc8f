"""Every example and the root stack through the real engine: preview (against a golden text),
up, a clean second preview, a refresh without drift, one real change, destroy."""

from __future__ import annotations

import base64
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import pytest

from tests.fake_teleport import FakeTeleport

from .harness import REPO, Harness, aws_leftovers, copy_program, make_organization

GOLDEN = Path(__file__).with_name("golden")
EXAMPLES = REPO / "examples"
IDENTITY = "-----BEGIN IDENTITY engine-tier-sentinel-7f3a-----"
PINNED = {"9e99a48a9960b14926bb7f3b02e22da2b0ab7280"}
SEEDED_PROVIDER = "arn:aws:iam::123456789012:oidc-provider/teleport.example.com"

pytestmark = pytest.mark.engine


def edit(path: str, old: str, new: str) -> Callable[[Path, Harness], None]:
    def change(program: Path, engine: Harness) -> None:
        file = program / path
        text = file.read_text()
        assert old in text, f"{old!r} not in {file}"
        file.write_text(text.replace(old, new, 1))

    return change


def config(*pairs: str, path: bool = False) -> Callable[[Path, Harness], None]:
    def change(program: Path, engine: Harness) -> None:
        for pair in pairs:
            key, _, value = pair.partition("=")
            flags = ["--path"] if path else []
            ok(engine.pulumi(program, "config", "set", *flags, key, value))

    return change


@dataclass
class Case:
    source: Path
    change: Callable[[Path, Harness], None]
    expected: dict[str, str]
    """Resource name -> the step the real preview shows after the change."""
    unset: list[str] = field(default_factory=list)
    """Config keys of the copied stack file to drop (the identity comes from a secret)."""
    seed_provider: bool = False
    discovery: tuple[str, str] | None = None
    """The discovery_config and token names the program creates in Teleport."""
    organization: tuple[str, ...] = ()
    """Member accounts of an AWS organization made in moto first; each must hold the member
    role after ``up``, and nothing after ``destroy``."""


CASES = {
    "basic": Case(
        EXAMPLES / "basic",
        config("integrationName=aws-example-two"),
        {
            "teleport-provider": "update",
            "teleport-role": "replace",
            "teleport-integration": "replace",
        },
    ),
    "bring-your-own-role": Case(
        EXAMPLES / "bring-your-own-role",
        config("roleArn=arn:aws:iam::123456789012:role/teleport-byo-two"),
        {"teleport-integration": "update"},
    ),
    "discovery-single-account": Case(
        EXAMPLES / "discovery-single-account",
        edit("__main__.py", 'types=["ec2", "eks", "rds"],', 'types=["ec2", "eks"],'),
        {"teleport-discovery": "update", "teleport-discovery-config": "update"},
        discovery=("discovery-aws-discovery", "discovery-aws-discovery"),
    ),
    "discovery-organization": Case(
        EXAMPLES / "discovery-organization",
        edit("__main__.py", 'include_ous=["*"],', 'include_ous=["ou-ab12-cd34ef56"],'),
        {"teleport-discovery-token": "update", "teleport-discovery-config": "update"},
        discovery=("discovery-aws-organization", "discovery-aws-organization"),
        organization=("111111111111", "222222222222", "333333333333"),
    ),
    "features": Case(
        EXAMPLES / "features",
        edit("__main__.py", '"eks": True,', ""),
        {"teleport-eks": "delete"},
    ),
    "multi-account": Case(
        EXAMPLES / "multi-account",
        edit(
            "__main__.py",
            'features={"ec2_ssm_discovery": True}',
            'features={"ec2_ssm_discovery": True, "rds": True}',
        ),
        {f"teleport-{env}-rds": "create" for env in ("dev", "staging", "prod")},
    ),
    "private-ca": Case(
        EXAMPLES / "private-ca",
        edit("__main__.py", "9e99a48a9960b14926bb7f3b02e22da2b0ab7280", "0" * 40),
        {"private-ca-pinned-provider": "update"},
    ),
    "reuse-provider": Case(
        EXAMPLES / "reuse-provider",
        edit("__main__.py", 'integration_name="aws-reuse-url"', 'integration_name="aws-reuse-two"'),
        {"by-url-role": "replace", "by-url-integration": "replace"},
        seed_provider=True,
    ),
    "root": Case(
        REPO,
        config(
            "teleport-oidc:features.ecs_deploy_service=true",
            "teleport-oidc:integrationLabels.env=staging",
            path=True,
        ),
        {
            "teleport-ecs_deploy_service": "create",
            "teleport-ecs_deploy_service-task-role": "create",
            "teleport-ecs_deploy_service-task-policy": "create",
            # Labels replace, deleting first: `tctl create --force` does not apply labels.
            "teleport-integration": "replace",
        },
        unset=["teleport-oidc:identityFile"],
    ),
}


def ok(done: object) -> str:
    assert getattr(done, "returncode", 1) == 0, f"{done}"
    return str(getattr(done, "stdout", ""))


#: The CLI's progress line, printed (without a terminal) only when a step takes long enough.
_PROGRESS = re.compile(r"^@ [a-z]+ [a-z]+\.+\n", re.M)


def normalise(text: str) -> str:
    """Only what truly varies between runs: the looked-up thumbprint (a fresh test CA), the
    ID moto gives the organization it creates, and the CLI's progress lines (a slow run prints
    ``@ previewing update....`` between resources)."""
    text = _PROGRESS.sub("", text)
    text = re.sub(r"\bo-[a-z0-9]{10,32}\b", "<organization-id>", text)
    return re.sub(
        r"\b[0-9a-f]{40}\b", lambda m: m.group(0) if m.group(0) in PINNED else "<thumbprint>", text
    )


_HEADER = re.compile(r"^( *)(?:[-+~<>]+ )?\S+: \([a-z-]+\)$")


def sibling_order(text: str) -> str:
    """Resource blocks in a stable order: by depth, then by resource name.

    The SDK sends registrations from a thread pool, so resources registered together (feature
    policies, two components' children) reach the engine, and its preview, in any order; and
    the preview interleaves the children of sibling components. This order is the engine's
    order whenever that order is deterministic (parents first, children by name)."""
    lines = text.splitlines(keepends=True)
    heads = [i for i, line in enumerate(lines) if _HEADER.match(line.rstrip("\n"))]
    if not heads:
        return text
    tail = next(
        (i for i, line in enumerate(lines) if line.startswith(("    --outputs:--", "Resources:"))),
        len(lines),
    )
    blocks = []
    for start, end in zip(heads, [*heads[1:], tail], strict=True):
        block = "".join(lines[start:end])
        depth = len(lines[start]) - len(lines[start].lstrip(" -+~<>"))
        urn = re.search(r"\[urn=(\S+)\]", block)
        blocks.append((depth, urn.group(1).rsplit("::", 1)[-1] if urn else block, block))
    body = "".join(block for _, _, block in sorted(blocks))
    return "".join(lines[: heads[0]]) + body + "".join(lines[tail:])


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / f"{name}.preview.txt"
    if os.environ.get("TELEPORT_OIDC_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    assert path.is_file(), f"no golden {path}; run with TELEPORT_OIDC_UPDATE_GOLDEN=1 to write it"
    assert text == path.read_text()


def steps(preview_json: str) -> dict[str, str]:
    """Resource name -> the step of `pulumi preview --json` (create/update/replace/delete)."""
    found: dict[str, str] = {}
    for step in json.loads(preview_json).get("steps", []):
        op = step["op"]
        name = step["urn"].rsplit("::", 1)[-1]
        if op in ("create-replacement", "delete-replaced", "replace"):
            op = "replace"
        if op != "same" and not step["urn"].split("::")[2].startswith("pulumi:"):
            found[name] = op
    return found


def init_stack(case: Case, program: Path, engine: Harness, teleport: FakeTeleport) -> None:
    ok(engine.pulumi(program, "stack", "init", "test"))
    if case.source == REPO:
        (program / "Pulumi.test.yaml").write_text((program / "Pulumi.example.yaml").read_text())
    for key in case.unset:
        ok(engine.pulumi(program, "config", "rm", key))
    # From stdin: a secret never goes on argv.
    ok(
        engine.pulumi(
            program, "config", "set", "--secret", "teleport-oidc:identity", stdin=IDENTITY
        )
    )
    teleport.require_identity(IDENTITY)
    if case.source.name == "private-ca":
        assert engine.ca_bundle is not None
        ok(engine.pulumi(program, "config", "set", "caBundle", str(engine.ca_bundle)))
    if case.organization:
        make_organization(engine, case.organization)
    if case.seed_provider:
        engine.aws("iam").create_open_id_connect_provider(  # type: ignore[attr-defined]
            Url="https://teleport.example.com",
            ClientIDList=["discover.teleport"],
            ThumbprintList=["a" * 40],
        )


def member_roles(engine: Harness, account: str) -> list[str]:
    """The role names moto holds in ``account``, read with credentials assumed into it."""
    creds = engine.aws("sts").assume_role(  # type: ignore[attr-defined]
        RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
        RoleSessionName="engine-tier",
    )["Credentials"]
    iam = boto3.client(
        "iam",
        endpoint_url=engine.moto_url,
        region_name="us-east-1",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    return [r["RoleName"] for r in iam.list_roles()["Roles"]]


def teleport_names(teleport: FakeTeleport) -> dict[str, list[str]]:
    """What the stand-in Teleport holds, per kind."""
    return {
        "integration": list(teleport.integrations()),
        "discovery_config": list(teleport.resources("discovery_config")),
        "token": list(teleport.resources("token")),
    }


NOTHING: dict[str, list[str]] = {"integration": [], "discovery_config": [], "token": []}


@pytest.mark.parametrize("name", sorted(CASES))
def test_program_through_the_real_engine(
    name: str, engine: Harness, teleport: FakeTeleport, tmp_path: Path
) -> None:
    case = CASES[name]
    program = copy_program(case.source, tmp_path / "program")
    init_stack(case, program, engine, teleport)

    preview = ok(engine.pulumi(program, "preview", "--diff"))
    check_golden(name, sibling_order(normalise(preview)))
    assert teleport_names(teleport) == NOTHING

    ok(engine.pulumi(program, "up", "--yes"))
    held = teleport_names(teleport)
    assert held["integration"]
    if case.discovery:
        config, token = case.discovery
        assert (held["discovery_config"], held["token"]) == ([config], [token])
    for account in case.organization:
        assert "teleport-organization-discovery-child-account-role" in member_roles(engine, account)
    ok(engine.pulumi(program, "preview", "--diff", "--expect-no-changes"))
    ok(engine.pulumi(program, "refresh", "--yes", "--expect-no-changes"))

    assert IDENTITY not in ok(engine.pulumi(program, "stack", "export"))
    exported = ok(engine.pulumi(program, "stack", "export", "--show-secrets"))
    for resource in json.loads(exported)["deployment"]["resources"]:
        # The engine keeps its own copy of the stack config as the inputs of the dynamic
        # provider's default provider, encrypted like any secret config; nowhere else.
        if resource["type"] != "pulumi:providers:pulumi-python":
            assert IDENTITY not in json.dumps(resource), resource["urn"]
        provider = resource.get("outputs", {}).get("__provider")
        if provider is not None:  # a pickle by reference to the provider class, ~100 bytes
            pickled = base64.b64decode(json.loads(provider["plaintext"]))
            assert len(pickled) < 200, pickled
            assert re.search(rb"teleport_oidc\.teleport\.(provider|discovery|token)\b", pickled)

    case.change(program, engine)
    assert steps(ok(engine.pulumi(program, "preview", "--json"))) == case.expected
    ok(engine.pulumi(program, "up", "--yes"))
    ok(engine.pulumi(program, "preview", "--expect-no-changes"))

    ok(engine.pulumi(program, "destroy", "--yes"))
    assert teleport_names(teleport) == NOTHING
    for account in case.organization:
        assert member_roles(engine, account) == [], account
    seeded = [SEEDED_PROVIDER] if case.seed_provider else []
    assert aws_leftovers(engine) == {"roles": [], "oidc_providers": seeded, "documents": []}
