"""Issue #13 items 3 and 15: a create Teleport committed but tctl did not confirm converges on
the re-run; "already exists" and "tctl not found" name the knob the user actually has."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from teleport_oidc import (
    AwsOidcIntegration,
    AwsOidcIntegrationArgs,
    TctlError,
    TeleportIntegrationProvider,
)
from teleport_oidc.teleport.document import IAC_LABEL
from teleport_oidc.teleport.provider import INTEGRATION as INTEGRATION_KIND

from .conftest import PROXY, THUMB, Run
from .fake_teleport import FakeTeleport
from .provider_server import integration_inputs as props

ROLE = "arn:aws:iam::123456789012:role/teleport-aws-prod"
INTEGRATION = "pulumi-python:dynamic/teleport-oidc:TeleportIntegration"


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


@pytest.mark.parametrize(
    ("seeded_role", "seeded_labels"),
    [
        ("arn:aws:iam::123456789012:role/theirs", IAC_LABEL),  # another role
        (ROLE, {}),  # not labelled as ours
        (ROLE, {**IAC_LABEL, "extra": "x"}),  # a label we would not write
    ],
    ids=["other role", "no iac label", "extra label"],
)
def test_anything_else_is_already_exists_naming_the_resource_knob(
    provider: TeleportIntegrationProvider,
    teleport: FakeTeleport,
    seeded_role: str,
    seeded_labels: dict[str, str],
) -> None:
    teleport.seed("aws-prod", seeded_role, labels=seeded_labels)
    with pytest.raises(TctlError) as got:
        provider.create(checked(provider))
    message = str(got.value)
    assert "set adopt_existing=True to take it over" in message
    assert "`tctl rm integration/aws-prod`" in message
    assert teleport.integrations()["aws-prod"]["spec"]["aws_oidc"]["role_arn"] == seeded_role


def test_a_component_user_is_told_the_components_knob_and_config_key(
    provider: TeleportIntegrationProvider, teleport: FakeTeleport, run: Run
) -> None:
    rec = run(
        lambda: AwsOidcIntegration(
            "c",
            AwsOidcIntegrationArgs(
                proxy_url=PROXY, integration_name="aws-prod", thumbprints=[THUMB]
            ),
        )
    )
    (integration,) = rec.of_type(INTEGRATION)
    hint = integration.inputs["adopt_hint"]
    teleport.seed("aws-prod", "arn:aws:iam::123456789012:role/theirs")
    with pytest.raises(TctlError) as got:
        provider.create(checked(provider, adopt_hint=hint))
    message = str(got.value)
    assert "adopt_existing_integration=True" in message
    assert "teleport-oidc:adoptExistingIntegration" in message
    assert "adopt_existing=True" not in message.replace("adopt_existing_integration=True", "")


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
