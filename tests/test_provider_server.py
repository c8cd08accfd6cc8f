"""The engine's code path: the SDK's provider server, driven over gRPC in engine order, against
the stand-in tctl."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import grpc
import pytest
from pulumi.runtime.proto import provider_pb2

from teleport_oidc import (
    TeleportDiscoveryConfigProvider,
    TeleportIntegrationProvider,
    TeleportProvisionTokenProvider,
)
from teleport_oidc.random_id import RandomIdProvider

from .fake_teleport import FakeTeleport
from .lifecycle import integration_adoption, integration_lifecycle
from .provider_server import (
    UNKNOWN_VALUE,
    ProviderServer,
    provider_blob,
    provider_blob_after_edit,
    without_provider,
)
from .provider_server import integration_inputs as inputs
from .tctl_backend import Integrations, TctlBackend

ROLE = "arn:aws:iam::123456789012:role/teleport-aws-prod"
ROLE2 = "arn:aws:iam::123456789012:role/teleport-aws-prod-v2"
NONE, SOME = provider_pb2.DiffResponse.DIFF_NONE, provider_pb2.DiffResponse.DIFF_SOME


@pytest.fixture
def server(teleport: FakeTeleport, tmp_path: Path) -> Iterator[ProviderServer]:
    with ProviderServer(
        tmp_path / "provider.log", config={"teleport-oidc:tctlPath": str(teleport.tctl)}
    ) as s:
        yield s


def commands(teleport: FakeTeleport) -> list[str]:
    return [next(a for a in call["argv"] if not a.startswith("-")) for call in teleport.calls()]


def test_the_whole_lifecycle_in_engine_order(
    server: ProviderServer, teleport: FakeTeleport
) -> None:
    # pulumi up: create
    id_, outs = server.up_create(inputs())
    assert id_ == "aws-prod"
    assert teleport.integrations()["aws-prod"]["spec"]["aws_oidc"]["role_arn"] == ROLE
    assert commands(teleport) == ["create"]

    # pulumi preview, nothing changed: Check and Diff only, no tctl call, DIFF_NONE
    checked = server.check(outs, inputs())
    assert server.diff(id_, outs, checked.inputs).changes == NONE
    assert commands(teleport) == ["create"]

    # role change: an in-place update
    checked = server.check(outs, inputs(role_arn=ROLE2))
    diff = server.diff(id_, outs, checked.inputs)
    assert (diff.changes, list(diff.replaces)) == (SOME, [])
    outs = server.update(id_, outs, checked.inputs)
    assert outs["role_arn"] == ROLE2
    assert teleport.integrations()["aws-prod"]["spec"]["aws_oidc"]["role_arn"] == ROLE2

    # rename: a replacement (create the new one, then delete the old one)
    checked = server.check(outs, inputs(role_arn=ROLE2, integration_name="aws-prod-2"))
    diff = server.diff(id_, outs, checked.inputs)
    assert list(diff.replaces) == ["integration_name"] and not diff.deleteBeforeReplace
    new_id, new_outs = server.create(checked.inputs)
    server.delete(id_, outs)
    id_, outs = new_id, new_outs
    assert list(teleport.integrations()) == ["aws-prod-2"]

    # refresh after an out-of-band edit: drift is seen, and the next diff wants an update
    teleport.edit_role("aws-prod-2", ROLE)
    read_id, outs, read_inputs = server.read(id_, outs, checked.inputs)
    assert (read_id, outs["role_arn"], outs["revision"]) == ("aws-prod-2", ROLE, "edited")
    assert read_inputs["role_arn"] == ROLE
    checked = server.check(outs, inputs(role_arn=ROLE2, integration_name="aws-prod-2"))
    assert server.diff(id_, outs, checked.inputs).changes == SOME

    # refresh after an out-of-band `tctl rm`: the resource is reported gone
    teleport.remove("aws-prod-2")
    read_id, read_outs, _ = server.read(id_, outs, checked.inputs)
    assert read_id == ""
    assert without_provider(read_outs) == {}

    # destroy, twice: already gone is success
    server.delete(id_, outs)
    server.delete(id_, outs)
    assert teleport.integrations() == {}


def test_labels_change_replaces_with_delete_first(server: ProviderServer) -> None:
    id_, outs = server.up_create(inputs())
    checked = server.check(outs, inputs(labels={"env": "prod"}))
    diff = server.diff(id_, outs, checked.inputs)
    assert (list(diff.replaces), diff.deleteBeforeReplace) == (["labels"], True)


def test_connection_settings_alone_are_recorded_without_a_tctl_call(
    server: ProviderServer, teleport: FakeTeleport
) -> None:
    id_, outs = server.up_create(inputs())
    news = inputs(auth_server="other.example.com:443", tctl_path=str(teleport.tctl))
    checked = server.check(outs, news)
    diff = server.diff(id_, outs, checked.inputs)
    assert (diff.changes, list(diff.replaces)) == (SOME, [])
    outs = server.update(id_, outs, checked.inputs)
    assert outs["auth_server"] == "other.example.com:443"
    assert commands(teleport) == ["create"]


def test_a_preview_with_unknown_role_makes_no_call(
    server: ProviderServer, teleport: FakeTeleport
) -> None:
    id_, outs = server.up_create(inputs())
    checked = server.check(outs, inputs(role_arn=UNKNOWN_VALUE))
    assert checked.failures == []
    assert server.diff(id_, outs, checked.inputs).changes == SOME
    assert commands(teleport) == ["create"]


def test_check_failures_reach_the_engine_per_property(server: ProviderServer) -> None:
    checked = server.check({}, inputs(integration_name="Bad.Name", role_arn="arn:aws:s3:::b"))
    assert [p for p, _ in checked.failures] == ["integration_name", "role_arn"]


def test_numbers_and_outputs_survive_the_round_trip(server: ProviderServer) -> None:
    _, outs = server.up_create(inputs(labels={"b": "2", "a": "1"}))
    assert without_provider(outs) == {
        "integration_name": "aws-prod",
        "role_arn": ROLE,
        "audience": "",
        "labels": {"a": "1", "b": "2"},
        "adopt_existing": False,
    }


def test_an_existing_integration_fails_with_both_ways_out(
    server: ProviderServer, teleport: FakeTeleport
) -> None:
    teleport.seed("aws-prod", ROLE2)
    with pytest.raises(grpc.RpcError) as info:
        server.up_create(inputs())
    assert info.value.code() == grpc.StatusCode.UNKNOWN
    assert "adopt_existing=True" in info.value.details()
    assert "tctl rm integration/aws-prod" in info.value.details()
    # The SDK's server would print a traceback; our errors reach the user as their message.
    assert "Traceback" not in info.value.details()
    assert info.value.details().startswith("AlreadyExistsError: the Teleport integration")
    assert teleport.integrations()["aws-prod"]["spec"]["aws_oidc"]["role_arn"] == ROLE2


def test_adopting_takes_it_over(server: ProviderServer, teleport: FakeTeleport) -> None:
    teleport.seed("aws-prod", ROLE2)
    id_, outs = server.up_create(inputs(adopt_existing=True))
    assert (id_, outs["role_arn"]) == ("aws-prod", ROLE)
    assert teleport.integrations()["aws-prod"]["spec"]["aws_oidc"]["role_arn"] == ROLE


def test_a_hanging_tctl_is_stopped_at_the_configured_timeout(
    teleport: FakeTeleport, tmp_path: Path
) -> None:
    teleport.faults(hang=30)
    config = {"teleport-oidc:tctlPath": str(teleport.tctl), "teleport-oidc:tctlTimeout": "1"}
    with (
        ProviderServer(tmp_path / "p.log", config=config) as server,
        pytest.raises(grpc.RpcError, match="did not finish within 1 s"),
    ):
        server.up_create(inputs())


def test_fifty_concurrent_creates_lose_and_duplicate_nothing(
    server: ProviderServer, teleport: FakeTeleport
) -> None:
    names = [f"aws-{i:02d}" for i in range(50)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(lambda n: server.up_create(inputs(integration_name=n))[0], names))
    assert sorted(ids) == names
    assert sorted(teleport.integrations()) == names
    assert commands(teleport).count("create") == 50


# --- the serialized provider -------------------------------------------------------------------


def test_the_serialized_provider_is_small_and_names_the_class_only() -> None:
    raw = base64.b64decode(provider_blob())
    assert len(provider_blob()) <= 1024
    assert b"teleport_oidc.teleport.provider" in raw and b"TeleportIntegrationProvider" in raw
    assert len(raw) < 120


@pytest.mark.parametrize(
    "provider_class",
    [
        TeleportIntegrationProvider,
        TeleportProvisionTokenProvider,
        TeleportDiscoveryConfigProvider,
        RandomIdProvider,
    ],
    ids=lambda cls: cls.__name__,
)
def test_the_serialized_provider_survives_an_edit_of_the_provider_code(
    tmp_path: Path, provider_class: type
) -> None:
    edited = provider_blob_after_edit(
        tmp_path,
        provider_class,
        env={"TELEPORT_IDENTITY_FILE": "/secret/path", "TELEPORT_AUTH_SERVER": "s3cr3t:443"},
    )
    assert edited == provider_blob(provider_class())
    assert b"s3cr3t" not in base64.b64decode(edited)


def test_the_shared_lifecycle_with_changes_made_through_tctl(
    server: ProviderServer, teleport: FakeTeleport
) -> None:
    # The same function runs against real Teleport in tests/real_teleport_steps.py.
    cluster = Integrations(TctlBackend(teleport.tctl))
    integration_lifecycle(server, cluster)
    integration_adoption(server, cluster)
