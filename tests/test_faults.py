"""Fault injection on every tctl call through the provider server: a clear error, state that
matches reality afterwards, and a re-run that converges."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest

from teleport_oidc import lookup_thumbprints
from teleport_oidc.lookups import thumbprint as _thumbprint

from .fake_teleport import FakeTeleport
from .provider_server import ProviderServer, without_provider
from .provider_server import integration_inputs as inputs
from .tls_server import Pki

ROLE = "arn:aws:iam::123456789012:role/teleport-aws-prod"


@pytest.fixture
def server(teleport: FakeTeleport, tmp_path: Path) -> Iterator[ProviderServer]:
    config = {"teleport-oidc:tctlPath": str(teleport.tctl), "teleport-oidc:tctlTimeout": "2"}
    with ProviderServer(tmp_path / "provider.log", config=config) as s:
        yield s


def fails(call: Any, pattern: str) -> str:
    with pytest.raises(grpc.RpcError) as info:
        call()
    details = info.value.details() or ""
    assert pattern in details, details
    return details


def test_a_missing_binary_then_the_right_path(teleport: FakeTeleport, tmp_path: Path) -> None:
    config = {"teleport-oidc:tctlPath": str(tmp_path / "no-tctl")}
    with ProviderServer(tmp_path / "a.log", config=config) as server:
        fails(lambda: server.up_create(inputs()), "tctl was not found")
    assert teleport.integrations() == {}  # nothing in Teleport, nothing in state
    with ProviderServer(
        tmp_path / "b.log", config={"teleport-oidc:tctlPath": str(teleport.tctl)}
    ) as server:
        assert server.up_create(inputs())[0] == "aws-prod"
    assert list(teleport.integrations()) == ["aws-prod"]


def test_garbage_output_with_a_failing_exit(server: ProviderServer, teleport: FakeTeleport) -> None:
    teleport.faults(garbage=True)
    fails(lambda: server.up_create(inputs()), "exit code: 3")
    assert teleport.integrations() == {}
    teleport.faults()
    assert server.up_create(inputs())[0] == "aws-prod"


def test_a_hang_past_the_timeout(server: ProviderServer, teleport: FakeTeleport) -> None:
    teleport.faults(hang=30)
    fails(lambda: server.up_create(inputs()), "did not finish within 2 s")
    assert teleport.integrations() == {}
    teleport.faults()
    assert server.up_create(inputs())[0] == "aws-prod"


def test_a_crash_after_creating_is_reported_then_a_rerun_converges(
    server: ProviderServer, teleport: FakeTeleport
) -> None:
    teleport.faults(crash_after_create=True)
    fails(lambda: server.up_create(inputs()), "panic: runtime error")
    # Reality: Teleport has it; the engine recorded nothing (Create failed).
    assert list(teleport.integrations()) == ["aws-prod"]
    teleport.faults()
    # The re-run finds exactly what it would create and takes it: no duplicate, no error.
    id_, outs = server.up_create(inputs())
    assert (id_, outs["role_arn"]) == ("aws-prod", ROLE)
    assert outs["revision"]  # read back from Teleport
    assert list(teleport.integrations()) == ["aws-prod"]
    assert "taken over" in server.log.read_text()


def test_after_an_unconfirmed_create_other_inputs_still_say_already_exists(
    server: ProviderServer, teleport: FakeTeleport
) -> None:
    teleport.faults(crash_after_create=True)
    fails(lambda: server.up_create(inputs()), "panic: runtime error")
    teleport.faults()
    other = "arn:aws:iam::123456789012:role/another"
    fails(lambda: server.up_create(inputs(role_arn=other)), "adopt_existing=True")
    assert teleport.integrations()["aws-prod"]["spec"]["aws_oidc"]["role_arn"] == ROLE


def test_already_exists_leaves_theirs_untouched(
    server: ProviderServer, teleport: FakeTeleport
) -> None:
    teleport.seed("aws-prod", "arn:aws:iam::123456789012:role/theirs")
    fails(lambda: server.up_create(inputs()), "tctl rm integration/aws-prod")
    assert teleport.integrations()["aws-prod"]["spec"]["aws_oidc"]["role_arn"].endswith("theirs")


def test_not_found_on_delete_is_success(server: ProviderServer, teleport: FakeTeleport) -> None:
    id_, outs = server.up_create(inputs())
    teleport.remove("aws-prod")
    server.delete(id_, outs)
    assert teleport.integrations() == {}


def test_an_in_use_refusal_keeps_it_and_a_rerun_converges(
    server: ProviderServer, teleport: FakeTeleport
) -> None:
    id_, outs = server.up_create(inputs())
    teleport.mark_in_use("aws-prod")
    fails(lambda: server.delete(id_, outs), "External Audit Storage")
    # Delete failed, so the engine keeps the resource: and Teleport still has it.
    assert list(teleport.integrations()) == ["aws-prod"]
    assert server.read(id_, outs, inputs())[0] == "aws-prod"
    (teleport.state / "in_use" / "aws-prod").unlink()
    server.delete(id_, outs)
    assert teleport.integrations() == {}


def test_an_unreadable_identity_file_stops_before_tctl(
    teleport: FakeTeleport, tmp_path: Path
) -> None:
    # Not written yet (tbot has not run) or expired and removed. A mode-0 file would not do:
    # these tests run as root, who can read anything.
    identity = tmp_path / "identity"
    config = {
        "teleport-oidc:tctlPath": str(teleport.tctl),
        "teleport-oidc:identityFile": str(identity),
    }
    with ProviderServer(tmp_path / "p.log", config=config) as server:
        fails(lambda: server.up_create(inputs()), "cannot be read")
    assert teleport.calls() == []


def test_a_refresh_error_leaves_state_alone(server: ProviderServer, teleport: FakeTeleport) -> None:
    id_, outs = server.up_create(inputs())
    teleport.faults(fail="connection to auth server refused")
    fails(lambda: server.read(id_, outs, inputs()), "connection to auth server refused")
    teleport.faults()
    read_id, read_outs, _ = server.read(id_, outs, inputs())
    assert (read_id, without_provider(read_outs)["role_arn"]) == ("aws-prod", ROLE)


# --- discovery/TLS: a failure, then the fix, then a re-run that converges ------------------------


def test_a_failed_lookup_recovers_once_its_cache_entry_expires(
    pki: Pki, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_thumbprint._chain_cache, "FAILURE_TTL", 0.0)
    monkeypatch.setattr(_thumbprint._discovery_cache, "FAILURE_TTL", 0.0)
    with pki.serve() as server:
        server.behaviour.discovery_status = 500
        with pytest.raises(_thumbprint.ThumbprintError, match="HTTP 500"):
            lookup_thumbprints(server.url, ca_bundle=str(pki.ca_bundle))
        server.behaviour.discovery_status = 200
        assert len(lookup_thumbprints(server.url, ca_bundle=str(pki.ca_bundle))) == 1


def test_a_failure_is_not_retried_within_one_deployment(pki: Pki) -> None:
    with pki.serve() as server:
        server.behaviour.discovery_status = 500
        for _ in range(3):
            with pytest.raises(_thumbprint.ThumbprintError):
                lookup_thumbprints(server.url, ca_bundle=str(pki.ca_bundle))
        assert server.counters.discovery == 1
