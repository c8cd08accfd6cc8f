"""Issue #13 items 4, 5 and 6 (timeout values): tctl runs in its own process group, stopped
whole at the timeout; a provider stopped mid-call leaves no identity file and no tctl."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import grpc
import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from teleport_oidc import InvalidArgumentError, TctlError, TeleportIntegrationProvider
from teleport_oidc.teleport.tctl import (
    DEFAULT_TIMEOUT,
    TEMP_PREFIX,
    Connection,
    Tctl,
    parse_timeout,
)

from .fake_teleport import FakeTeleport
from .provider_server import ProviderServer
from .provider_server import integration_inputs as inputs


def wait_for(condition: object, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead for our purpose
    with open(f"/proc/{pid}/stat") as handle:
        return handle.read().split(") ", 1)[1][0] != "Z"


def test_the_timeout_stops_every_process_tctl_started(tmp_path: Path) -> None:
    mark = tmp_path / "finished-after-the-timeout"
    wrapper = tmp_path / "tctl"
    # A shim that runs the real work in a child, as version managers and wrappers do.
    wrapper.write_text(f"#!/bin/sh\nsh -c 'sleep 1.5; touch \"{mark}\"'\n")
    wrapper.chmod(0o755)
    started = time.monotonic()
    with pytest.raises(TctlError, match="did not finish within 0.3 s and was stopped"):
        Tctl(Connection(tctl_path=str(wrapper), timeout=0.3)).get("integration", "x")
    assert time.monotonic() - started < 1.4  # did not wait for the child
    time.sleep(2.0)
    assert not mark.exists()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_provider_stopped_mid_call_leaves_no_identity_file_and_no_tctl(
    teleport: FakeTeleport, tmp_path: Path, sig: signal.Signals
) -> None:
    secret = "-----BEGIN identity----- secret -----END-----"
    teleport.require_identity(secret)
    teleport.faults(hang=30)
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    config = {"teleport-oidc:tctlPath": str(teleport.tctl), "teleport-oidc:identity": secret}
    server = ProviderServer(tmp_path / "provider.log", config=config, env={"TMPDIR": str(tmpdir)})
    errors: list[Exception] = []

    def create() -> None:
        try:
            server.up_create(inputs())
        except grpc.RpcError as exc:
            errors.append(exc)

    caller = threading.Thread(target=create)
    caller.start()
    try:
        assert wait_for(lambda: teleport.calls()), "tctl never started"
        tctl_pid = teleport.calls()[0]["pid"]
        leftovers = sorted(p.name for p in tmpdir.iterdir())
        assert any(n.startswith(f"{TEMP_PREFIX}identity-") for n in leftovers), leftovers
        server.process.send_signal(sig)
        server.process.wait(timeout=10)
        assert wait_for(lambda: not alive(tctl_pid)), "tctl still runs"
        assert wait_for(lambda: not list(tmpdir.iterdir())), list(tmpdir.iterdir())
    finally:
        server.close()
        caller.join(timeout=10)
    assert errors  # the engine saw the call fail


# -- teleport-oidc:tctlTimeout -------------------------------------------------------------


@pytest.mark.parametrize("value", ["30s", "0", "-5", "abc", "inf", "nan", "1e9", True, ""])
def test_a_bad_tctl_timeout_is_refused_with_the_rule(value: object) -> None:
    if value == "":
        assert parse_timeout(value) == DEFAULT_TIMEOUT  # unset
        return
    with pytest.raises(InvalidArgumentError) as got:
        parse_timeout(value)
    message = str(got.value)
    assert message.startswith("teleport-oidc:tctlTimeout must be a number of seconds")
    assert "not a duration like '30s'" in message
    assert repr(value) in message


@pytest.mark.parametrize(("value", "seconds"), [("30", 30.0), ("2.5", 2.5), (None, 60.0)])
def test_plain_seconds_are_accepted(value: object, seconds: float) -> None:
    assert parse_timeout(value) == seconds


def test_a_bad_tctl_timeout_stops_the_provider_before_any_call() -> None:
    provider = TeleportIntegrationProvider()
    with pytest.raises(InvalidArgumentError, match="teleport-oidc:tctlTimeout"):
        provider.configure(
            ConfigureRequest(Config({"teleport-oidc:tctlTimeout": "30s"}, "project"))
        )


def test_a_bad_tctl_timeout_reaches_the_engine_at_preview(
    teleport: FakeTeleport, tmp_path: Path
) -> None:
    config = {"teleport-oidc:tctlPath": str(teleport.tctl), "teleport-oidc:tctlTimeout": "inf"}
    with ProviderServer(tmp_path / "p.log", config=config) as server:
        with pytest.raises(grpc.RpcError) as got:
            server.check({}, inputs())
    assert "teleport-oidc:tctlTimeout must be a number of seconds" in str(got.value.details())
    assert teleport.calls() == []
