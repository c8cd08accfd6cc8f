"""What both real-Teleport tiers share: the "required" switch, the binaries and the node.

Each tier keeps its steps in a file pytest does not collect by itself and re-runs it in a fresh
loopback-only namespace with :func:`tests.netns.rerun`; inside, :func:`started_node` gives it a
node. ``TELEPORT_OIDC_REQUIRE_TELEPORT=1`` turns every "cannot run here" into a failure.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from . import netns
from .real_teleport import TeleportNode, running_node
from .tctl_conformance import major
from .teleport_build import BIN_DIR_ENV, bin_dir, missing_binaries

REQUIRE = "TELEPORT_OIDC_REQUIRE_TELEPORT"


def binaries() -> Path:
    """The folder holding ``teleport`` and ``tctl``; skips (or fails) when they are missing."""
    __tracebackhide__ = True  # a skip names the test that needed them
    where = bin_dir()
    missing = missing_binaries(where)
    if missing:
        netns.blocked(
            f"real Teleport is not built: {', '.join(missing)} missing in {where}; run "
            f"tests/teleport/build or set {BIN_DIR_ENV}",
            [REQUIRE],
        )
    return where


def too_old_for(kind: str, since: int, version_text: str) -> str | None:
    """Why a step for ``kind``, new in Teleport v``since``, cannot run on a node whose ``tctl
    version`` printed ``version_text`` (a by-design skip, even when the tier is required), or
    ``None`` when it can."""
    if major(version_text) >= since:
        return None
    found = " ".join(version_text.split()[:2])
    return (
        f"{kind} arrived in Teleport v{since} and this node runs {found}; run it against your "
        f"own v{since}+ binaries with {BIN_DIR_ENV}=/path/to/bin make test-teleport"
    )


def inside_only(outer: str) -> None:
    """Skip (or fail) outside a loopback-only namespace; ``outer`` is the test that makes one."""
    __tracebackhide__ = True
    if not netns.INSIDE:
        netns.blocked(f"runs only inside a loopback-only network namespace: run {outer}", [REQUIRE])


@contextlib.contextmanager
def started_node(work: Path, outer: str) -> Iterator[TeleportNode]:
    """One running node in ``work``, only inside a loopback-only namespace."""
    inside_only(outer)
    assert netns.inside_loopback_only(), netns.interfaces()
    where = binaries()
    with contextlib.ExitStack() as stack:
        try:
            running = stack.enter_context(running_node(where, work))
        except RuntimeError as exc:
            pytest.fail(f"real Teleport did not start: {exc}", pytrace=False)
        yield running
