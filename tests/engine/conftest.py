"""Fixtures of the engine tier: the real CLI, a moto server, the stand-in Teleport proxy and tctl.

When the engine cannot be built or run here the tier is skipped with the reason, unless
``TELEPORT_OIDC_REQUIRE_ENGINE=1`` (``make test-engine``), which turns that into a failure.
"""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fake_teleport import FakeTeleport

from . import build
from .harness import Harness, free_port, teleport_proxy

REQUIRE = os.environ.get("TELEPORT_OIDC_REQUIRE_ENGINE") == "1"


@pytest.fixture(scope="session")
def engine_cli() -> Path:
    try:
        return build.cli()
    except build.EngineUnavailable as exc:
        if REQUIRE:
            pytest.fail(f"the engine tier cannot run: {exc}", pytrace=False)
        pytest.skip(f"the engine tier cannot run: {exc}")


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="session")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    with teleport_proxy(tmp_path_factory.mktemp("pki")) as found:
        yield found


@pytest.fixture
def engine(
    engine_cli: Path,
    moto_url: str,
    proxy: tuple[str, Path],
    tmp_path: Path,
    teleport: FakeTeleport,
) -> Harness:
    request = urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST")
    urllib.request.urlopen(request, timeout=10).close()
    harness = Harness(
        root=tmp_path / "engine",
        cli=engine_cli,
        moto_url=moto_url,
        tctl=teleport.tctl,
        https_proxy=proxy[0],
        ca_bundle=proxy[1],
    )
    harness.setup()
    return harness
