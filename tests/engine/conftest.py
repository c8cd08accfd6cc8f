"""Fixtures of the engine tier: the real CLI, a moto server, the stand-in Teleport proxy and tctl.

When the engine cannot be built or run here the tier is skipped with the reason, unless
``TELEPORT_OIDC_REQUIRE_ENGINE=1`` (``make test-engine``), which turns that into a failure.
"""

from __future__ import annotations

import os
import shutil
import urllib.request
from collections.abc import Callable, Iterator
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


def built_tool(find: Callable[[], Path], what: str) -> Path:
    """A tool ``tests/engine/build`` makes: skipped with the reason when absent, or failed
    under ``TELEPORT_OIDC_REQUIRE_ENGINE=1``."""
    try:
        return find()
    except build.EngineUnavailable as exc:
        if REQUIRE:
            pytest.fail(f"{what} cannot run: {exc}", pytrace=False)
        pytest.skip(f"{what} cannot run: {exc}")


@pytest.fixture(scope="session")
def sdkgen_tool() -> Path:
    return built_tool(build.sdkgen, "the SDK checks")


@pytest.fixture(scope="session")
def sdkgen_dotnet_tool() -> Path:
    return built_tool(build.sdkgen_dotnet, "the C# SDK check")


@pytest.fixture(scope="session")
def node_modules() -> Path:
    if shutil.which("node") is None:
        return built_tool(
            _no("node is not on PATH; install Node.js >= 20"), "the TypeScript checks"
        )
    return built_tool(build.node_modules, "the TypeScript checks")


@pytest.fixture(scope="session")
def go_modules() -> Path:
    """The Go example's modules are in the module cache (so ``go build`` runs offline)."""
    if shutil.which("go") is None:
        return built_tool(_no("the Go toolchain (`go`) is not on PATH"), "the Go SDK check")
    return built_tool(build.gomods, "the Go SDK check")


def _no(reason: str) -> Callable[[], Path]:
    def find() -> Path:
        raise build.EngineUnavailable(reason)

    return find


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
