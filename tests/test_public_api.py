"""The public surface is a contract: sorted, documented, stable tokens, a light import."""

from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

import teleport_oidc


def isort_style(name: str) -> tuple[int, str]:
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_all_is_sorted_and_importable() -> None:
    assert teleport_oidc.__all__ == sorted(teleport_oidc.__all__, key=isort_style)
    assert len(set(teleport_oidc.__all__)) == len(teleport_oidc.__all__)
    for name in teleport_oidc.__all__:
        assert hasattr(teleport_oidc, name), name


def test_every_public_class_and_function_is_documented() -> None:
    for name in teleport_oidc.__all__:
        obj = getattr(teleport_oidc, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert inspect.getdoc(obj), f"{name} has no docstring"


def test_type_tokens_are_the_ones_users_state_depends_on() -> None:
    assert teleport_oidc.COMPONENT_TYPE == "teleport-oidc:index:AwsOidcIntegration"
    assert teleport_oidc.INTEGRATION_TYPE == (
        "pulumi-python:dynamic/teleport-oidc:TeleportIntegration"
    )
    assert vars(teleport_oidc.TeleportIntegration)["_resource_type_name"] == (
        "dynamic/teleport-oidc:TeleportIntegration"
    )


def class_source(cls: type) -> str:
    """The class's block in its module's text. Not inspect.getsource: on CPython 3.11 its ast
    walk of a class sometimes dies ("AST constructor recursion depth mismatch") late in a long
    run."""
    text = Path(inspect.getfile(cls)).read_text()
    start = re.search(rf"^class {cls.__name__}\b", text, re.MULTILINE)
    assert start is not None, cls
    body = text.index("\n", start.end()) + 1
    end = re.search(r"^\S", text[body:], re.MULTILINE)
    return text[start.start() : body + (end.start() if end else len(text))]


def test_every_args_field_is_documented() -> None:
    for cls in (
        teleport_oidc.AwsOidcIntegrationArgs,
        teleport_oidc.TeleportDiscoveryConfigArgs,
        teleport_oidc.TeleportProvisionTokenArgs,
        teleport_oidc.DiscoveryMemberRoleArgs,
        teleport_oidc.DiscoveryOptions,
        teleport_oidc.OrganizationDiscovery,
        teleport_oidc.AwsMatcher,
        teleport_oidc.AwsAssumeRole,
        teleport_oidc.AwsOrganizationMatcher,
        teleport_oidc.OrganizationalUnits,
        teleport_oidc.Ec2InstallParams,
        teleport_oidc.AccessGraphAwsSync,
        teleport_oidc.IamAllowRule,
    ):
        for field in cls.__dataclass_fields__:
            # A shared field is documented where it is declared (a base such as TctlArgs).
            owner = next(c for c in cls.__mro__ if field in vars(c).get("__annotations__", {}))
            source = class_source(owner)
            after = source.split(f"\n    {field}:", 1)[1]
            assert after.split("\n", 2)[1].strip().startswith('"""'), f"{cls.__name__}.{field}"


def test_discovery_type_tokens_are_the_contract() -> None:
    assert teleport_oidc.DISCOVERY_CONFIG_TYPE == (
        "pulumi-python:dynamic/teleport-oidc:TeleportDiscoveryConfig"
    )
    assert teleport_oidc.PROVISION_TOKEN_TYPE == (
        "pulumi-python:dynamic/teleport-oidc:TeleportProvisionToken"
    )
    assert teleport_oidc.MEMBER_ROLE_TYPE == "teleport-oidc:index:DiscoveryMemberRole"
    for cls, name in (
        (teleport_oidc.TeleportDiscoveryConfig, "TeleportDiscoveryConfig"),
        (teleport_oidc.TeleportProvisionToken, "TeleportProvisionToken"),
    ):
        assert vars(cls)["_resource_type_name"] == f"dynamic/teleport-oidc:{name}"


def test_import_has_no_side_effects_and_loads_no_lookup_library() -> None:
    code = (
        "import json, sys, teleport_oidc; "
        "print(json.dumps([m for m in ('requests', 'urllib3', 'cryptography', 'boto3') "
        "if m in sys.modules]))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == []
    assert done.stderr == ""
