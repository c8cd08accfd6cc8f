"""Issue 19 items 5 and 6: connection settings are checked where they are written, an equivalent
address is the same cluster, a NUL byte is our error (never ``ValueError: embedded null byte``),
and identity file *content* given where a path belongs is refused without any part of it
reaching an error, the log or state. (Each value refused when a resource is built is in the
bad-input catalogue.)"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from teleport_oidc import (
    InvalidArgumentError,
    TctlError,
    TeleportIntegration,
    TeleportIntegrationArgs,
    TeleportIntegrationProvider,
)
from teleport_oidc.cli.mockrun import FakeAws
from teleport_oidc.teleport.tctl import Connection, Tctl, subprocess_runner

from .conftest import Run
from .fake_teleport import FakeTeleport
from .identity_content import IDENTITY, leaks
from .provider_server import ProviderServer, integration_inputs

ROLE = "arn:aws:iam::123456789012:role/teleport-aws-prod"


def configured(config: dict[str, Any]) -> TeleportIntegrationProvider:
    provider = TeleportIntegrationProvider()
    provider.configure(ConfigureRequest(Config(config, "p")))
    return provider


# -- item 5: an equivalent address is the same cluster ---------------------------------------


@pytest.mark.parametrize(
    "new",
    [
        "teleport.example.com:443",
        "Teleport.Example.com",
        "https://teleport.example.com/",
        "https://teleport.example.com:443",
    ],
)
def test_an_equivalent_auth_server_address_is_not_a_move_to_another_cluster(new: str) -> None:
    provider = TeleportIntegrationProvider()
    olds = {**integration_inputs(), "auth_server": "teleport.example.com"}
    diff = provider.diff("aws-prod", olds, {**olds, "auth_server": new})
    assert diff.replaces == [] and not diff.delete_before_replace
    assert diff.changes  # the new spelling is recorded (no tctl call)


@pytest.mark.parametrize(
    "new", ["teleport.example.com:3025", "other.example.com", "teleport.example.com:3080"]
)
def test_another_address_is_still_a_move_to_another_cluster(new: str) -> None:
    provider = TeleportIntegrationProvider()
    olds = {**integration_inputs(), "auth_server": "teleport.example.com:443"}
    diff = provider.diff("aws-prod", olds, {**olds, "auth_server": new})
    assert diff.replaces == ["auth_server"] and diff.delete_before_replace


def test_addresses_are_compared_by_host_and_port() -> None:
    from teleport_oidc.teleport.tctl import address_identity

    assert address_identity("[::1]") == address_identity("[::1]:443") == "[::1]:443"
    assert address_identity("tcp://Auth.example.com:3025") == "auth.example.com:3025"


# -- item 5: a NUL byte is our error -----------------------------------------------------------


@pytest.mark.parametrize("key", ["tctlPath", "identityFile", "authServer"])
def test_a_nul_byte_in_stack_config_is_refused_when_the_provider_starts(key: str) -> None:
    with pytest.raises(InvalidArgumentError) as got:
        configured({f"teleport-oidc:{key}": "/usr/bin/tc\0tl"})
    assert got.value.argument == f"teleport-oidc:{key}"
    assert "NUL byte" in str(got.value)


def refused_with_nothing_registered(run: Run, config: dict[str, str]) -> InvalidArgumentError:
    """The one error a TeleportIntegration raises under ``config``, nothing registered."""
    errors: list[InvalidArgumentError] = []

    def program() -> None:
        try:
            TeleportIntegration("i", TeleportIntegrationArgs(integration_name="a", role_arn=ROLE))
        except InvalidArgumentError as exc:
            errors.append(exc)

    recorded = run(program, config=config)
    assert recorded.resources == []
    (error,) = errors
    return error


@pytest.mark.parametrize("key", ["tctlPath", "identityFile"])
def test_a_nul_byte_in_stack_config_is_refused_before_anything_is_registered(
    run: Run, key: str
) -> None:
    error = refused_with_nothing_registered(run, {f"teleport-oidc:{key}": "/x\0y"})
    assert error.argument == f"teleport-oidc:{key}"


def test_a_nul_byte_reaching_the_tctl_seam_is_a_tctl_error() -> None:
    with pytest.raises(TctlError, match="NUL byte"):
        subprocess_runner(["/usr/bin/tc\0tl", "get", "integration/a"], timeout=5)


def test_a_nul_byte_in_an_identity_file_path_is_refused_before_tctl_runs(
    teleport: FakeTeleport,
) -> None:
    tctl = Tctl(Connection(tctl_path=str(teleport.tctl), identity_file="/i\0d"))
    with pytest.raises(InvalidArgumentError, match="identity_file"):
        tctl.get("integration", "aws-prod")
    assert teleport.calls() == []


# -- item 6: identity content where a path belongs ---------------------------------------------


def test_identity_content_in_identityFile_config_is_refused_without_being_shown() -> None:
    with pytest.raises(InvalidArgumentError) as got:
        configured({"teleport-oidc:identityFile": IDENTITY})
    assert got.value.argument == "teleport-oidc:identityFile"
    assert "teleport-oidc:identity" in got.value.fix  # where content belongs
    assert leaks(str(got.value)) == [] and leaks(repr(got.value.value)) == []


def test_identity_content_in_identityFile_config_is_refused_before_anything_is_registered(
    run: Run,
) -> None:
    error = refused_with_nothing_registered(run, {"teleport-oidc:identityFile": IDENTITY})
    assert leaks(str(error)) == []


def test_identity_content_as_an_output_fails_its_registration_without_reaching_state(
    run: Run,
) -> None:
    def program() -> None:
        TeleportIntegration(
            "i",
            TeleportIntegrationArgs(
                integration_name="a",
                role_arn=ROLE,
                identity_file=pulumi.Output.from_input(IDENTITY),
            ),
        )

    fake = FakeAws()
    with pytest.raises(Exception) as got:
        run(program, preview=False, mocks=fake)
    assert "identity_file" in str(got.value)
    assert leaks(str(got.value)) == []
    registered = json.dumps([r.inputs for r in fake.recorded.resources], default=str)
    assert leaks(registered) == []  # what would reach state


def test_the_providers_check_refuses_identity_content_without_showing_it(
    teleport: FakeTeleport, tmp_path: Path
) -> None:
    log = tmp_path / "provider.log"
    config = {"teleport-oidc:tctlPath": str(teleport.tctl)}
    with ProviderServer(log, config=config) as server:
        checked = server.check({}, integration_inputs(identity_file=IDENTITY))
    ((key, reason),) = checked.failures
    assert key == "identity_file" and "identity file" in reason
    assert leaks(reason) == [] and leaks(log.read_text()) == []
    assert leaks(json.dumps(checked.inputs)) == []  # what the engine would store: nothing of it


def test_the_cannot_be_read_error_never_shows_identity_content(teleport: FakeTeleport) -> None:
    tctl = Tctl(Connection(tctl_path=str(teleport.tctl), identity_file=IDENTITY))
    with pytest.raises(InvalidArgumentError) as got:
        tctl.get("integration", "aws-prod")
    assert leaks(str(got.value)) == []
    assert teleport.calls() == []


def test_identity_content_in_the_environment_is_refused_without_being_shown(
    teleport: FakeTeleport, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("TELEPORT_IDENTITY_FILE", IDENTITY)
    provider = configured({"teleport-oidc:tctlPath": str(teleport.tctl)})
    with caplog.at_level(logging.DEBUG), pytest.raises(InvalidArgumentError) as got:
        provider.create(dict(provider.check({}, integration_inputs()).inputs))
    assert got.value.argument == "TELEPORT_IDENTITY_FILE"
    assert leaks(str(got.value)) == [] and leaks(caplog.text) == []
    assert teleport.calls() == []
