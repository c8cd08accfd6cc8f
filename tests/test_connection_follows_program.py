"""Issue #13 item 1: connection settings follow the program. Refresh, update and destroy use
the current settings; another cluster is a replace; another way to the same cluster is not a
change to Teleport. Driven through the SDK's provider server in engine order."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pulumi.runtime.proto import provider_pb2

from .conftest import PROXY, THUMB, Run
from .fake_teleport import FakeTeleport
from .provider_server import ProviderServer
from .provider_server import integration_inputs as inputs

SOME = provider_pb2.DiffResponse.DIFF_SOME
INTEGRATION = "pulumi-python:dynamic/teleport-oidc:TeleportIntegration"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ProviderServer]:
    with ProviderServer(tmp_path / "provider.log") as s:
        yield s


def two_clusters(tmp_path: Path) -> tuple[FakeTeleport, FakeTeleport]:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    return FakeTeleport.create(tmp_path / "a"), FakeTeleport.create(tmp_path / "b")


def test_another_cluster_is_a_replace_that_deletes_on_the_old_and_creates_on_the_new(
    server: ProviderServer, tmp_path: Path
) -> None:
    old, new = two_clusters(tmp_path)
    id_, outs = server.up_create(inputs(cluster="old", tctl_path=str(old.tctl)))
    news = server.check(outs, inputs(cluster="new", tctl_path=str(new.tctl))).inputs
    diff = server.diff(id_, outs, news)
    assert (diff.changes, list(diff.replaces), diff.deleteBeforeReplace) == (
        SOME,
        ["cluster"],
        True,
    )
    # The engine, deleting first: Delete gets the old outputs, Create the new inputs.
    server.delete(id_, outs)
    server.create(news)
    assert list(old.integrations()) == []
    assert list(new.integrations()) == ["aws-prod"]


def test_without_cluster_another_auth_server_input_is_another_cluster(
    server: ProviderServer, tmp_path: Path
) -> None:
    old, _ = two_clusters(tmp_path)
    tctl = str(old.tctl)
    id_, outs = server.up_create(inputs(auth_server="a.example.com:443", tctl_path=tctl))
    news = server.check(outs, inputs(auth_server="b.example.com:443", tctl_path=tctl)).inputs
    diff = server.diff(id_, outs, news)
    assert (list(diff.replaces), diff.deleteBeforeReplace) == (["auth_server"], True)


def test_a_new_way_to_the_same_cluster_is_recorded_and_used_by_refresh_and_destroy(
    server: ProviderServer, tmp_path: Path
) -> None:
    teleport, _ = two_clusters(tmp_path)
    tctl = str(teleport.tctl)
    id_, outs = server.up_create(
        inputs(cluster="prod", auth_server="old.example.com:443", tctl_path=tctl)
    )
    news = server.check(
        outs, inputs(cluster="prod", auth_server="new.example.com:443", tctl_path=tctl)
    ).inputs
    diff = server.diff(id_, outs, news)
    assert (diff.changes, list(diff.replaces)) == (SOME, [])
    outs = server.update(id_, outs, news)
    assert len(teleport.calls()) == 1  # the create: recording the new address calls nothing
    # refresh and destroy (a read, then rm) get only the recorded outputs: they now say the
    # new address
    server.read(id_, outs, news)
    server.delete(id_, outs)
    assert [c["auth_server"] for c in teleport.calls()] == [
        "old.example.com:443",
        "new.example.com:443",
        "new.example.com:443",
        "new.example.com:443",
    ]
    assert teleport.integrations() == {}


def test_a_new_tctl_path_for_the_same_cluster_is_used_by_destroy(
    server: ProviderServer, tmp_path: Path
) -> None:
    teleport, _ = two_clusters(tmp_path)
    moved = tmp_path / "tctl-moved"
    moved.write_bytes(teleport.tctl.read_bytes())
    moved.chmod(0o755)
    id_, outs = server.up_create(inputs(tctl_path=str(teleport.tctl)))
    news = server.check(outs, inputs(tctl_path=str(moved))).inputs
    diff = server.diff(id_, outs, news)
    assert (diff.changes, list(diff.replaces)) == (SOME, [])  # else the engine never records it
    outs = server.update(id_, outs, news)
    assert len(teleport.calls()) == 1
    teleport.tctl.unlink()  # the old path is gone: only the recorded new one can work
    server.delete(id_, outs)
    assert teleport.integrations() == {}


def test_declaring_the_cluster_later_is_not_a_move(server: ProviderServer, tmp_path: Path) -> None:
    teleport, _ = two_clusters(tmp_path)
    tctl = str(teleport.tctl)
    id_, outs = server.up_create(inputs(auth_server="a.example.com:443", tctl_path=tctl))
    news = server.check(
        outs, inputs(cluster="prod", auth_server="a.example.com:443", tctl_path=tctl)
    ).inputs
    assert list(server.diff(id_, outs, news).replaces) == []


def test_destroy_without_connection_inputs_uses_the_current_stack_config(
    tmp_path: Path,
) -> None:
    teleport, _ = two_clusters(tmp_path)
    config = {"teleport-oidc:tctlPath": str(teleport.tctl)}
    with ProviderServer(
        tmp_path / "a.log", config={**config, "teleport-oidc:authServer": "old:443"}
    ) as first:
        id_, outs = first.up_create(inputs())
    with ProviderServer(
        tmp_path / "b.log", config={**config, "teleport-oidc:authServer": "new:443"}
    ) as second:
        second.delete(id_, outs)
    assert [c["auth_server"] for c in teleport.calls()] == ["old:443", "new:443", "new:443"]


def test_the_component_names_the_cluster_when_cluster_name_is_plain(run: Run) -> None:
    from teleport_oidc import AwsOidcIntegration, AwsOidcIntegrationArgs

    def program(**extra: Any) -> Callable[[], Any]:
        return lambda: AwsOidcIntegration(
            "c",
            AwsOidcIntegrationArgs(
                proxy_url=PROXY, integration_name="aws-prod", thumbprints=[THUMB], **extra
            ),
        )

    (named,) = run(program(cluster_name="prod")).of_type(INTEGRATION)
    assert named.inputs["cluster"] == "prod"
    (unnamed,) = run(program()).of_type(INTEGRATION)
    assert unnamed.inputs.get("cluster") is None
