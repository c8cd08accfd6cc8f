"""A network namespace with only loopback, and pytest re-runs inside one, for real-Teleport tiers.

``teleport start`` probes cloud metadata addresses; this project may send traffic to loopback
only. So a tier that talks to real Teleport keeps its steps in a file pytest does not collect by
itself (not ``test_*.py``) and one outer test that calls :func:`rerun` with that file: the steps
run in a fresh pytest session under ``unshare -n`` (a new namespace whose only interface is
``lo``, brought up here, marked by ``$MARK``). The outer test passes only when every step that
ran inside passed; the terminal summary says how many ran there (:func:`terminal_summary`, from
``tests/conftest.py``). When no namespace can be made, the outer test is ONE skip with the
reason, or a failure when the tier is required (:func:`blocked`).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import pytest

MARK = "TELEPORT_OIDC_IN_NETNS"
INSIDE = os.environ.get(MARK) == "1"
REPO = Path(__file__).resolve().parent.parent


def interfaces() -> list[str]:
    """The names of the interfaces of the namespace this process is in."""
    return [name for _, name in socket.if_nameindex()]


def inside_loopback_only() -> bool:
    return interfaces() == ["lo"]


def unavailable_reason() -> str | None:
    """Why a loopback-only namespace cannot be made here, or ``None`` when it can."""
    if os.geteuid() != 0:
        return "making a network namespace needs root (unshare -n)"
    for tool in ("unshare", "ip"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (util-linux / iproute2)"
    return None


def wrap(argv: Sequence[str]) -> list[str]:
    """``argv`` run in a new network namespace with ``lo`` up, marked by ``$MARK``."""
    script = f'ip link set lo up && {MARK}=1 exec "$@"'
    return ["unshare", "--net", "--", "sh", "-c", script, "sh", *argv]


def blocked(reason: str, required_by: Iterable[str] = ()) -> NoReturn:
    """Skip with ``reason``; fail instead when any of the ``required_by`` variables is ``1``."""
    __tracebackhide__ = True  # the report names the test, not this helper
    demanding = [name for name in required_by if os.environ.get(name) == "1"]
    if demanding:
        pytest.fail(f"{reason} ({', '.join(f'{n}=1' for n in demanding)})", pytrace=False)
    pytest.skip(reason)


@dataclass(frozen=True)
class InnerRun:
    """What a pytest session inside a namespace did, test by test (from its JUnit XML)."""

    target: str
    returncode: int
    seconds: float
    passed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    output: str = ""

    @property
    def ok(self) -> bool:
        """Every test that ran passed, at least one did, and pytest agreed (exit code 0)."""
        return self.returncode == 0 and not self.failed and bool(self.passed)

    def summary(self) -> str:
        counts = [f"{len(self.passed)} passed"]
        if self.failed:
            counts.append(f"{len(self.failed)} failed")
        if self.skipped:
            reasons = "; ".join(sorted({reason for _, reason in self.skipped}))
            counts.append(f"{len(self.skipped)} skipped ({reasons})")
        return (
            f"{self.target}: {', '.join(counts)} "
            f"({self.seconds:.0f} s, pytest exit code {self.returncode})"
        )


def _outcomes(junit: Path) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    passed: list[str] = []
    failed: list[str] = []
    skipped: list[tuple[str, str]] = []
    if not junit.exists():
        return passed, failed, skipped
    for case in ET.parse(junit).getroot().iter("testcase"):
        name = case.get("name", "?")
        if case.find("failure") is not None or case.find("error") is not None:
            failed.append(name)
        elif (skip := case.find("skipped")) is not None:
            skipped.append((name, skip.get("message", "").removeprefix("Skipped: ")))
        else:
            passed.append(name)
    return passed, failed, skipped


def run_inside(
    args: Sequence[str], env: Mapping[str, str] | None = None, timeout: float = 1800
) -> InnerRun:
    """``pytest ARGS`` in a fresh loopback-only namespace (from the repository's root)."""
    with tempfile.TemporaryDirectory(prefix="netns-junit-") as tmp:
        junit = Path(tmp) / "junit.xml"
        argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        argv += [f"--junitxml={junit}", *args]
        start = time.monotonic()
        done = subprocess.run(
            wrap(argv),
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, **(env or {})},
            cwd=REPO,
            timeout=timeout,
        )
        passed, failed, skipped = _outcomes(junit)
    target = " ".join(a for a in args if not a.startswith("-")) or "pytest"
    return InnerRun(
        target=target,
        returncode=done.returncode,
        seconds=time.monotonic() - start,
        passed=passed,
        failed=failed,
        skipped=skipped,
        output=done.stdout[-20000:] + done.stderr[-4000:],
    )


_SUMMARIES = pytest.StashKey[list[str]]()


def rerun(
    config: pytest.Config,
    args: Sequence[str],
    *,
    required_by: Iterable[str] = (),
    env: Mapping[str, str] | None = None,
    timeout: float = 1800,
) -> InnerRun:
    """The body of a tier's outer test: run ``pytest ARGS`` in a fresh namespace, put one line
    in the terminal summary saying how many passed there, and fail with the inner output
    unless all of them passed. Skips (or fails, when required) when no namespace can be made,
    or when every test inside skipped."""
    __tracebackhide__ = True
    if INSIDE:
        pytest.fail("already inside a namespace: run the steps file itself", pytrace=False)
    reason = unavailable_reason()
    if reason:
        blocked(reason, required_by)
    done = run_inside(args, env, timeout)
    config.stash.setdefault(_SUMMARIES, []).append(done.summary())
    if done.returncode == 0 and not done.passed and done.skipped and not done.failed:
        blocked(f"every test skipped inside the namespace: {done.summary()}", required_by)
    assert done.ok, f"{done.summary()}\nfailed: {done.failed}\n{done.output}"
    return done


def terminal_summary(reporter: pytest.TerminalReporter) -> None:
    """A ``pytest_terminal_summary`` body: one line per namespace re-run of this session."""
    lines = reporter.config.stash.get(_SUMMARIES, [])
    if lines:
        reporter.write_sep("=", "tests run in a loopback-only network namespace")
        for line in lines:
            reporter.write_line(line)


def main(argv: Sequence[str]) -> int:
    """``python -m tests.netns CMD...``: run CMD in a fresh loopback-only namespace."""
    reason = unavailable_reason()
    if reason:
        print(f"cannot make a network namespace: {reason}", file=sys.stderr)
        return 1
    os.execvp("unshare", wrap(argv))
    return 1  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
