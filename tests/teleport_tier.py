"""What every real-Teleport tier shares: the skip-or-fail rule, the netns re-run, the node.

A tier module has one outer test that calls :func:`rerun_in_netns` with the file holding its
steps; that file runs in a fresh loopback-only namespace (``tests/netns.py``) and takes its
node from :func:`node_in_netns`. ``TELEPORT_OIDC_REQUIRE_TELEPORT=1`` turns every "cannot run
here" into a failure instead of a skip.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import NoReturn

import pytest

from . import netns
from .real_teleport import TeleportNode, running_node
from .teleport_build import BIN_DIR_ENV, bin_dir, missing_binaries

REQUIRED = os.environ.get("TELEPORT_OIDC_REQUIRE_TELEPORT") == "1"
INSIDE = os.environ.get(netns.MARK) == "1"
REPO = Path(__file__).resolve().parent.parent


def blocked(reason: str) -> NoReturn:
    """Skip with ``reason``, or fail with it when the tier is required."""
    if REQUIRED:
        pytest.fail(f"{reason} (TELEPORT_OIDC_REQUIRE_TELEPORT=1)", pytrace=False)
    pytest.skip(reason)


def binaries() -> Path:
    """The folder holding ``teleport`` and ``tctl`` (skips or fails when they are missing)."""
    where = bin_dir()
    missing = missing_binaries(where)
    if missing:
        blocked(
            f"real Teleport is not built: {', '.join(missing)} missing in {where}; run "
            f"tests/teleport/build or set {BIN_DIR_ENV}"
        )
    return where


def rerun_in_netns(
    steps: Sequence[str], env: Mapping[str, str] | None = None, timeout: float = 1800
) -> str:
    """Run ``pytest STEPS`` in a fresh loopback-only namespace; fail with its output unless it
    passed. Returns its output (the per-step lines, for the outer test's log)."""
    where = binaries()
    reason = netns.unavailable_reason()
    if reason:
        blocked(reason)
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *steps]
    done = subprocess.run(
        netns.wrap(argv),
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {}), BIN_DIR_ENV: str(where)},
        cwd=REPO,
        timeout=timeout,
    )
    output = done.stdout[-20000:] + done.stderr[-4000:]
    assert done.returncode == 0, output
    return output


@contextlib.contextmanager
def node_in_netns(work: Path) -> Iterator[TeleportNode]:
    """One running node; only inside the tier's own loopback-only namespace."""
    if not INSIDE:
        pytest.fail(
            "real Teleport runs only inside a loopback-only namespace: run this through "
            "the tier's outer test (tests.teleport_tier.rerun_in_netns)",
            pytrace=False,
        )
    assert netns.inside_loopback_only(), netns.interfaces()
    with contextlib.ExitStack() as stack:
        try:
            running = stack.enter_context(running_node(binaries(), work))
        except RuntimeError as exc:
            pytest.fail(f"real Teleport did not start: {exc}", pytrace=False)
        yield running
