"""Issue #13 items 3 and 15: a create Teleport committed but tctl did not confirm converges on
the re-run; "already exists" names both knobs (the resource's and the component's) and "tctl
not found" the config key; no internal input is registered for that wording."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any

import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from teleport_oidc import (
    AwsOidcIntegration,
    AwsOidcIntegrationArgs,
    DiscoveryOptions,
    TctlError,
    TeleportIntegrationProvider,
)
from teleport_oidc.teleport.discovery import (
    DISCOVERY_CONFIG,
    AwsMatcher,
    TeleportDiscoveryConfigArgs,
    TeleportDiscoveryConfigProvider,
    discovery_config_props,
)
from teleport_oidc.teleport.document import IAC_LABEL
from teleport_oidc.teleport.provider import INTEGRATION as INTEGRATION_KIND
from teleport_oidc.teleport.resource import SHARED_KEYS, TctlResourceProvider
from teleport_oidc.teleport.token import (
    TOKEN,
    IamAllowRule,
    TeleportProvisionTokenArgs,
    TeleportProvisionTokenProvider,
    provision_token_props,
)

from .conftest import PROXY, THUMB, Run
from .fake_teleport import FakeTeleport
from .provider_server import integration_inputs as props

ROLE = "arn:aws:iam::123456789012:role/teleport-aws-prod"
INTEGRATION = "pulumi-python:dynamic/teleport-oidc:TeleportIntegration"
CONFIG = "pulumi-python:dynamic/teleport-oidc:TeleportDiscoveryConfig"
TOKEN_TYPE = "pulumi-python:dynamic/teleport-oidc:TeleportProvisionToken"


@pytest.fixture
def provider(teleport: FakeTeleport) -> TeleportIntegrationProvider:
    p = TeleportIntegrationProvider()
    p.configure(ConfigureRequest(Config({"teleport-oidc:tctlPath": str(teleport.tctl)}, "p")))
    return p


def checked(provider: TeleportIntegrationProvider, **overrides: Any) -> dict[str, Any]:
    result = provider.check({}, props(**overrides))
    assert result.failures == []
    return dict(result.inputs)


def test_exactly_what_we_would_create_is_taken_over_and_logged(
    provider: TeleportIntegrationProvider,
    teleport: FakeTeleport,
    caplog: pytest.LogCaptureFixture,
) -> None:
    teleport.seed("aws-prod", ROLE, labels={"env": "prod", **IAC_LABEL})
    with caplog.at_level(logging.INFO, logger="teleport_oidc"):
        result = provider.create(checked(provider, labels={"env": "prod"}))
    assert result.outs is not None and result.outs["revision"] == "r0"
    assert "already existed exactly as this resource would create it" in caplog.text
    assert [c["argv"][0] for c in teleport.calls()] == ["create", "get"]


#: The knobs the "already exists" error names, per kind, as a user writes them.
KNOBS = {
    "integration": (
        "adopt_existing=True (TeleportIntegration) or adopt_existing_integration=True "
        "(AwsOidcIntegration; root stack config teleport-oidc:adoptExistingIntegration)"
    ),
    "discovery_config": (
        "adopt_existing=True (TeleportDiscoveryConfig) or DiscoveryOptions(adopt_existing=True) "
        "(AwsOidcIntegration; root stack config teleport-oidc:discovery.adopt_existing)"
    ),
    "token": (
        "adopt_existing=True (TeleportProvisionToken) or DiscoveryOptions(adopt_existing=True) "
        "(AwsOidcIntegration; root stack config teleport-oidc:discovery.adopt_existing)"
    ),
}


def refusal(kind: str, name: str) -> str:
    return (
        f"the Teleport {kind} {name!r} already exists and is not exactly what this resource "
        f"would create. Either set {KNOBS[kind]} to take it over, or remove it with "
        f"`tctl rm {kind}/{name}` and run again"
    )


@pytest.mark.parametrize(
    ("seeded_role", "seeded_labels"),
    [
        ("arn:aws:iam::123456789012:role/theirs", IAC_LABEL),  # another role
        (ROLE, {}),  # not labelled as ours
        (ROLE, {**IAC_LABEL, "extra": "x"}),  # a label we would not write
    ],
    ids=["other role", "no iac label", "extra label"],
)
def test_anything_else_is_already_exists_naming_both_knobs(
    provider: TeleportIntegrationProvider,
    teleport: FakeTeleport,
    seeded_role: str,
    seeded_labels: dict[str, str],
) -> None:
    teleport.seed("aws-prod", seeded_role, labels=seeded_labels)
    with pytest.raises(TctlError) as got:
        provider.create(checked(provider))
    assert str(got.value).splitlines()[0] == refusal("integration", "aws-prod")
    assert teleport.integrations()["aws-prod"]["spec"]["aws_oidc"]["role_arn"] == seeded_role


@pytest.mark.parametrize(
    ("provider_class", "inputs", "seeded"),
    [
        (
            TeleportDiscoveryConfigProvider,
            lambda: discovery_config_props(
                TeleportDiscoveryConfigArgs(
                    name="discovery-aws-prod",
                    discovery_group="cloud-discovery-group",
                    aws=[AwsMatcher(types=["ec2"])],
                )
            ),
            {
                "kind": "discovery_config",
                "version": "v1",
                "metadata": {"name": "discovery-aws-prod"},
                "spec": {"discovery_group": "other", "aws": []},
            },
        ),
        (
            TeleportProvisionTokenProvider,
            lambda: provision_token_props(
                TeleportProvisionTokenArgs(
                    name="discovery-aws-prod", allow=[IamAllowRule(aws_account="123456789012")]
                )
            ),
            {
                "kind": "token",
                "version": "v2",
                "metadata": {"name": "discovery-aws-prod"},
                "spec": {
                    "roles": ["Node"],
                    "join_method": "iam",
                    "allow": [{"aws_account": "1" * 12}],
                },
            },
        ),
    ],
    ids=["discovery_config", "token"],
)
def test_discovery_kinds_name_their_own_and_the_components_knob(
    teleport: FakeTeleport,
    provider_class: type[TctlResourceProvider],
    inputs: Callable[[], dict[str, Any]],
    seeded: dict[str, Any],
) -> None:
    teleport.seed_resource(seeded)
    provider = provider_class()
    provider.configure(
        ConfigureRequest(Config({"teleport-oidc:tctlPath": str(teleport.tctl)}, "p"))
    )
    props = {k: v for k, v in inputs().items() if v is not None}
    result = provider.check({}, props)
    assert result.failures == []
    with pytest.raises(TctlError) as got:
        provider.create(dict(result.inputs))
    kind = seeded["kind"]
    assert str(got.value).splitlines()[0] == refusal(kind, "discovery-aws-prod")
    assert teleport.resources(kind)["discovery-aws-prod"] == {
        **seeded,
        "metadata": {"name": "discovery-aws-prod", "revision": "r0"},
    }


def test_no_teleport_resource_registers_an_input_the_user_did_not_declare(run: Run) -> None:
    """Every input a Teleport resource of the component registers is one of its kind's
    declared inputs or the shared ones: nothing internal shows in `pulumi preview --diff`."""
    rec = run(
        lambda: AwsOidcIntegration(
            "c",
            AwsOidcIntegrationArgs(
                proxy_url=PROXY,
                integration_name="aws-prod",
                thumbprints=[THUMB],
                discovery=DiscoveryOptions(discovery_group="cloud-discovery-group"),
            ),
        )
    )
    kinds = {INTEGRATION: INTEGRATION_KIND, CONFIG: DISCOVERY_CONFIG, TOKEN_TYPE: TOKEN}
    for type_, kind in kinds.items():
        (resource,) = rec.of_type(type_)
        extra = set(resource.inputs) - {*kind.input_keys, *SHARED_KEYS, "__provider"}
        assert extra == set(), (type_, extra)


def test_tctl_not_found_names_the_config_key(provider: TeleportIntegrationProvider) -> None:
    provider._config = {"tctlPath": "/nonexistent/tctl"}
    with pytest.raises(TctlError, match=r"pulumi config set teleport-oidc:tctlPath"):
        provider.create(checked(provider))


class _OverwritingProvider(TeleportIntegrationProvider):
    """The integration as if its tctl create upserted (as ``token``'s does)."""

    KIND = dataclasses.replace(INTEGRATION_KIND, create_overwrites=True)


@pytest.fixture
def overwriting(teleport: FakeTeleport) -> TeleportIntegrationProvider:
    p = _OverwritingProvider()
    p.configure(ConfigureRequest(Config({"teleport-oidc:tctlPath": str(teleport.tctl)}, "p")))
    return p


def test_a_kind_whose_create_overwrites_looks_first_and_refuses_without_writing(
    overwriting: TeleportIntegrationProvider, teleport: FakeTeleport
) -> None:
    teleport.seed("aws-prod", "arn:aws:iam::123456789012:role/theirs")
    with pytest.raises(TctlError, match="already exists and is not exactly"):
        overwriting.create(checked(overwriting))
    assert [c["argv"][0] for c in teleport.calls()] == ["get"]


def test_a_kind_whose_create_overwrites_creates_after_a_not_found(
    overwriting: TeleportIntegrationProvider, teleport: FakeTeleport
) -> None:
    overwriting.create(checked(overwriting))
    assert [c["argv"][0] for c in teleport.calls()] == ["get", "create"]
    assert list(teleport.integrations()) == ["aws-prod"]
