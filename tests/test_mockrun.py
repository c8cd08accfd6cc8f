"""The in-process mock engine used by tests, plan and benchmarks."""

from __future__ import annotations

import asyncio
import threading
from typing import Any, cast

import pulumi
import pytest
from pulumi.runtime.settings import SETTINGS, get_engine, get_root_resource

from teleport_oidc import AwsOidcIntegration, AwsOidcIntegrationArgs

from .conftest import Run


def test_a_mock_run_leaves_no_ambient_state_behind(run: Run) -> None:
    before = (get_engine(), SETTINGS.monitor, SETTINGS.dry_run, get_root_resource())
    run(lambda: pulumi.export("x", 1), preview=True)
    assert (get_engine(), SETTINGS.monitor, SETTINGS.dry_run, get_root_resource()) == before


def test_exports_and_config_reach_the_program(run: Run) -> None:
    rec = run(
        lambda: pulumi.export("got", pulumi.Config("teleport-oidc").get("proxyUrl")),
        config={"teleport-oidc:proxyUrl": "https://t.example.com"},
    )
    assert rec.exports == {"got": "https://t.example.com"}


def test_every_event_loop_a_mock_run_makes_off_the_main_thread_is_closed(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The SDK's mock monitor gives each executor thread an event loop it never closes (for
    # Invoke, ReadResource and RegisterResource); at interpreter exit such a loop's __del__ can
    # print "Exception ignored ... Invalid file descriptor: -1" after `make plan` (seen in CI).
    made: list[tuple[str, asyncio.AbstractEventLoop]] = []
    new_event_loop = asyncio.new_event_loop

    def recording() -> asyncio.AbstractEventLoop:
        loop = new_event_loop()
        made.append((threading.current_thread().name, loop))
        return loop

    monkeypatch.setattr(asyncio, "new_event_loop", recording)

    def program() -> None:
        integration = AwsOidcIntegration(
            "teleport",
            AwsOidcIntegrationArgs(
                proxy_url="https://teleport.example.com",
                integration_name="aws-prod",
                thumbprints=["a" * 40],
                cluster_name="teleport.example.com",
                features={"rds": True},
            ),
        )
        pulumi.export("role", integration.role_arn)

    rec = run(program, preview=True)
    assert rec.resources
    off_main = [(name, loop) for name, loop in made if name != "MainThread"]
    assert off_main, "the run registered nothing off the main thread: the test proves nothing"
    assert [name for name, loop in off_main if not loop.is_closed()] == []


def test_what_a_failed_program_left_pending_does_not_run_in_the_next_one(run: Run) -> None:
    ran: list[str] = []
    gate: list[asyncio.Future[int]] = []

    def failing() -> None:
        gate.append(asyncio.get_event_loop().create_future())
        waited: pulumi.Output[int] = pulumi.Output.from_input(cast(Any, gate[0]))
        waited.apply(lambda v: ran.append(f"left over ({v})"))
        pulumi.Output.from_input(0).apply(lambda v: 1 / v)  # fails the program at once

    with pytest.raises(ZeroDivisionError):
        run(failing)
    if not gate[0].done():  # what the failed run waited for arrives after it
        gate[0].set_result(1)
    run(lambda: pulumi.export("x", 1))
    assert ran == []
