"""The in-process mock engine used by tests, plan and benchmarks."""

from __future__ import annotations

import pulumi
from pulumi.runtime.settings import SETTINGS, get_engine, get_root_resource

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
