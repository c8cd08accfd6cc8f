from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from teleport_oidc.cli.mockrun import FakeAws, MockRun, Recorded, run_program
from teleport_oidc.lookups import cluster as _cluster
from teleport_oidc.lookups import thumbprint as _thumbprint
from teleport_oidc.lookups.fetch import FetchResult

from . import netns

PROXY = "https://teleport.example.com"
THUMB = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """How many tests each namespace re-run (tests/netns.py ``rerun``) ran, and their outcome."""
    netns.terminal_summary(terminalreporter)


@pytest.fixture(autouse=True)
def _fresh_thumbprint_cache() -> Iterator[None]:
    _thumbprint.clear_cache()
    yield
    _thumbprint.clear_cache()


#: What the stand-in proxy's /webapi/find reports, unless a test says otherwise.
FIND_VERSION = "18.0.0"


@pytest.fixture(autouse=True)
def cluster_find(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """No test reaches a real proxy for the cluster lookup: /webapi/find answers here with the
    host as the cluster name (what the tag was before the lookup existed). Yields the URLs asked.
    """
    asked: list[str] = []

    def fake_fetch(url: str, **_: Any) -> FetchResult:
        asked.append(url)
        host = url.removeprefix("https://").split("/", 1)[0].split(":", 1)[0]
        body = json.dumps({"cluster_name": host, "server_version": FIND_VERSION}).encode()
        return FetchResult(url=url, status=200, body=body, chain=())

    _cluster.clear_cache()
    monkeypatch.setattr(_cluster, "FETCH", fake_fetch)
    yield asked
    _cluster.clear_cache()


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """'auto' thumbprints become unknown instead of touching the network."""
    monkeypatch.setattr(_thumbprint, "OFFLINE", True)
    monkeypatch.setattr(_cluster, "OFFLINE", True)


Run = Callable[..., Recorded]


@pytest.fixture
def run() -> Run:
    """Run a program under the SDK's mocks; global runtime state is restored afterwards."""

    def _run(
        program: Callable[[], Any],
        *,
        preview: bool = False,
        mocks: FakeAws | None = None,
        **options: Any,
    ) -> Recorded:
        return run_program(program, MockRun(preview=preview, **options), mocks)

    return _run


@pytest.fixture
def teleport(tmp_path: Any) -> Any:
    """A stand-in Teleport reached through a stand-in tctl (see tests/fake_tctl.py)."""
    from .fake_teleport import FakeTeleport

    return FakeTeleport.create(tmp_path)


@pytest.fixture
def iam(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """moto's IAM, with fake credentials that cannot reach AWS."""
    import boto3
    from moto import mock_aws

    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(key, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        yield boto3.client("iam", region_name="us-east-1")


@pytest.fixture
def pki(tmp_path: Path) -> Any:
    """A real certificate chain (trustme root, intermediate, leaf) for loopback TLS servers."""
    from .tls_server import Pki

    return Pki(tmp_path)


@pytest.fixture
def on_443(pki: Any) -> Iterator[Any]:
    """The proxy on port 443, as IAM requires (binding it needs root, which CI has)."""
    try:
        server = pki.serve(port=443)
    except OSError as exc:
        pytest.skip(f"cannot bind 127.0.0.1:443 for an IAM-valid proxy URL: {exc}")
    with server:
        yield server
