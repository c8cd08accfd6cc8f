"""What importing the package, or a name of it, loads: what that use needs, and not what only some
programs use (discovery, organizations, the features not enabled, the tctl layer before a Teleport
resource is built, the CLI, cryptography, requests). Which modules, never how long."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import teleport_oidc
from teleport_oidc import features

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
#: The tctl layer and the integration's provider: loaded by the first Teleport resource built.
TELEPORT_PROVIDER = (
    "teleport_oidc.teleport.ownership",
    "teleport_oidc.teleport.provider",
    "teleport_oidc.teleport.resource",
    "teleport_oidc.teleport.tctl",
)
#: The thumbprint and cluster lookups: loaded by the first lookup (none with pinned thumbprints
#: and a given cluster_name).
LOOKUPS = (
    "teleport_oidc.lookups.cluster",
    "teleport_oidc.lookups.fetch",
    "teleport_oidc.lookups.thumbprint",
)
#: Each feature's module: loaded by a program that enables the feature.
FEATURE_MODULES = tuple(f"teleport_oidc.features.{key}" for key in features.KEYS)

#: A program's first lines under the SDK's mocks, then ``BUILD``-ing one component.
PROGRAM = """
import pulumi

class Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args):
        return args.name + "-id", dict(args.inputs)

    def call(self, args):
        return {"accountId": "123456789012", "partition": "aws"}

pulumi.runtime.set_mocks(Mocks(), preview=False)
from teleport_oidc import AwsOidcIntegration, AwsOidcIntegrationArgs

AwsOidcIntegration(
    "c",
    AwsOidcIntegrationArgs(
        proxy_url="https://teleport.example.com",
        integration_name="aws",
        cluster_name="teleport.example.com",
        thumbprints=["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"],
        {args}
    ),
)
"""


def loaded_after(code: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport json, sys; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def among(loaded: set[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(m for m in loaded if any(m == p or m.startswith(p + ".") for p in prefixes))


def test_importing_the_package_loads_nothing_else_of_it() -> None:
    loaded = loaded_after("import teleport_oidc")
    assert among(loaded, ("teleport_oidc",)) == ["teleport_oidc"]
    assert among(loaded, ("pulumi_aws",)) == []


def test_importing_the_component_leaves_discovery_features_and_the_tctl_layer_unloaded() -> None:
    loaded = loaded_after("from teleport_oidc import AwsOidcIntegration")
    assert "teleport_oidc.component" in loaded
    assert among(loaded, ON_FIRST_USE + TELEPORT_PROVIDER + FEATURE_MODULES + LOOKUPS) == []


def test_a_component_without_the_teleport_side_features_or_lookups_never_loads_them() -> None:
    loaded = loaded_after(PROGRAM.replace("{args}", "create_teleport_integration=False,"))
    assert "pulumi_aws.iam.role" in loaded  # the component was built
    assert among(loaded, ON_FIRST_USE + TELEPORT_PROVIDER + FEATURE_MODULES + LOOKUPS) == []


def test_building_a_component_loads_the_provider_and_only_the_features_it_enables() -> None:
    loaded = loaded_after(PROGRAM.replace("{args}", "features={'eks': True, 'rds': True},"))
    assert among(loaded, TELEPORT_PROVIDER) == list(TELEPORT_PROVIDER)
    assert among(loaded, FEATURE_MODULES) == [
        "teleport_oidc.features.eks",
        "teleport_oidc.features.rds",
    ]
    assert among(loaded, ON_FIRST_USE) == []


def test_the_dynamic_providers_import_loads_neither_the_component_nor_pulumi_aws() -> None:
    # What `python -m pulumi.dynamic` imports to unpickle the provider (a class reference).
    loaded = loaded_after("import teleport_oidc.teleport.provider")
    assert among(loaded, ("teleport_oidc.component", "teleport_oidc.parts", "pulumi_aws")) == []
    assert among(loaded, FEATURE_MODULES + ON_FIRST_USE) == []


def test_a_discovery_name_loads_its_module_on_first_use() -> None:
    loaded = loaded_after("from teleport_oidc import DiscoveryOptions, IamAllowRule")
    assert {"teleport_oidc.discovery_options", "teleport_oidc.teleport.token"} <= loaded


def test_lazy_names_are_the_classes_of_their_modules_and_listed() -> None:
    from teleport_oidc.component import AwsOidcIntegration
    from teleport_oidc.features.eks import EksOptions
    from teleport_oidc.member_role_stack_set import DiscoveryMemberRoleStackSet

    assert teleport_oidc.DiscoveryMemberRoleStackSet is DiscoveryMemberRoleStackSet
    assert teleport_oidc.AwsOidcIntegration is AwsOidcIntegration
    assert teleport_oidc.EksOptions is EksOptions
    assert set(teleport_oidc.__all__) <= set(dir(teleport_oidc))
    assert set(features.__all__) <= set(dir(features))


def test_the_feature_keys_are_the_keys_of_the_feature_modules() -> None:
    assert features.KEYS == tuple(sorted(features.KEYS))
    assert {key: module.KEY for key, module in features.MODULES.items()} == {
        key: key for key in features.KEYS
    }
    assert features.FEATURES["rds"] == (features.RdsOptions, "ListDatabases")


@pytest.mark.parametrize("module", [teleport_oidc, features])
def test_an_unknown_name_is_an_attribute_error(module: object) -> None:
    with pytest.raises(AttributeError, match="NoSuchThing"):
        module.NoSuchThing  # type: ignore[attr-defined]  # noqa: B018
