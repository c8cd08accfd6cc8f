"""What ``import teleport_oidc`` loads: what every program needs, and not what only some use
(discovery, organizations, the CLI, cryptography, requests). Which modules, never how long."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import teleport_oidc

#: Loaded only by programs (or commands) that use them.
ON_FIRST_USE = (
    "teleport_oidc.cli",
    "teleport_oidc.discovery_options",
    "teleport_oidc.discovery_setup",
    "teleport_oidc.member_role",
    "teleport_oidc.member_role_stack_set",
    "teleport_oidc.teleport.discovery",
    "teleport_oidc.teleport.matchers",
    "teleport_oidc.teleport.token",
    "cryptography",
    "requests",
    "boto3",
)


def loaded_after(code: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport json, sys; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_importing_the_package_leaves_discovery_the_cli_and_cryptography_unloaded() -> None:
    loaded = loaded_after("import teleport_oidc")
    assert "teleport_oidc.component" in loaded
    early = sorted(m for m in loaded if any(m == p or m.startswith(p + ".") for p in ON_FIRST_USE))
    assert early == []


def test_a_discovery_name_loads_its_module_on_first_use() -> None:
    loaded = loaded_after("from teleport_oidc import DiscoveryOptions, IamAllowRule")
    assert {"teleport_oidc.discovery_options", "teleport_oidc.teleport.token"} <= loaded


def test_lazy_names_are_the_classes_of_their_modules_and_listed() -> None:
    from teleport_oidc.member_role_stack_set import DiscoveryMemberRoleStackSet

    assert teleport_oidc.DiscoveryMemberRoleStackSet is DiscoveryMemberRoleStackSet
    assert set(teleport_oidc.__all__) <= set(dir(teleport_oidc))


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchThing"):
        teleport_oidc.NoSuchThing  # noqa: B018
