"""The loopback-only network namespace real-Teleport tiers run in, and its re-run helper."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest

from . import netns

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(netns.unavailable_reason() is not None, reason=str(netns.unavailable_reason()))
def test_the_namespace_has_only_loopback_and_it_is_up() -> None:
    code = (
        "import os, socket, fcntl, struct; from tests import netns; "
        "s = socket.socket(); req = struct.pack('16sH', b'lo', 0); "
        "flags = struct.unpack('16sH', fcntl.ioctl(s.fileno(), 0x8913, req))[1]; "
        "print(netns.interfaces(), bool(flags & 1), os.environ.get(netns.MARK))"
    )
    done = subprocess.run(
        [sys.executable, "-m", "tests.netns", sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["['lo']", "True", "1"]


def test_the_wrapper_brings_lo_up_and_marks_the_session() -> None:
    argv = netns.wrap(["pytest", "-q"])
    assert argv[:3] == ["unshare", "--net", "--"]
    assert "ip link set lo up" in argv[5] and f"{netns.MARK}=1" in argv[5]
    assert argv[-2:] == ["pytest", "-q"]


# -- the re-run helper every real-Teleport tier uses (netns.rerun) ------------------------------

INNER = """
import os
import socket

import pytest


def test_inside_a_loopback_only_namespace():
    assert os.environ["TELEPORT_OIDC_IN_NETNS"] == "1"
    assert [name for _, name in socket.if_nameindex()] == ["lo"]


def test_another():
    assert 1 + 1 == 2


def test_not_here():
    pytest.skip("not in this one")
"""


def _config() -> pytest.Config:
    """Just enough of a pytest config for netns.rerun: its stash."""
    return cast(pytest.Config, SimpleNamespace(stash=pytest.Stash()))


class _Reporter:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.lines: list[str] = []

    def write_sep(self, sep: str, title: str) -> None:
        self.lines.append(f"{sep} {title}")

    def write_line(self, line: str) -> None:
        self.lines.append(line)


@pytest.mark.skipif(netns.unavailable_reason() is not None, reason=str(netns.unavailable_reason()))
def test_a_rerun_counts_what_ran_inside_and_says_so_in_the_summary(tmp_path: Path) -> None:
    steps = tmp_path / "inner_steps.py"
    steps.write_text(INNER)
    config = _config()
    done = netns.rerun(config, [str(steps)])
    assert done.passed == ["test_inside_a_loopback_only_namespace", "test_another"]
    assert done.skipped == [("test_not_here", "not in this one")]
    assert (done.failed, done.returncode, done.ok) == ([], 0, True)
    reporter = _Reporter(config)
    netns.terminal_summary(cast(pytest.TerminalReporter, reporter))
    assert reporter.lines[0] == "= tests run in a loopback-only network namespace"
    assert reporter.lines[1].startswith(f"{steps}: 2 passed, 1 skipped (not in this one) (")


@pytest.mark.skipif(netns.unavailable_reason() is not None, reason=str(netns.unavailable_reason()))
def test_a_rerun_fails_with_what_failed_inside(tmp_path: Path) -> None:
    steps = tmp_path / "inner_steps.py"
    steps.write_text(INNER + "\n\ndef test_broken():\n    assert 'inside' == 'outside'\n")
    with pytest.raises(AssertionError) as info:
        netns.rerun(_config(), [str(steps)])
    message = str(info.value)
    assert "2 passed, 1 failed, 1 skipped" in message
    assert "failed: ['test_broken']" in message
    assert "'inside' == 'outside'" in message  # the inner output, for the reader


def test_no_namespace_is_one_skip_or_a_failure_when_required(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(netns, "unavailable_reason", lambda: "no unshare here")
    monkeypatch.delenv("SOME_TIER_REQUIRED", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no unshare here"):
        netns.rerun(_config(), ["steps.py"], required_by=["SOME_TIER_REQUIRED"])
    monkeypatch.setenv("SOME_TIER_REQUIRED", "1")
    with pytest.raises(pytest.fail.Exception, match=r"no unshare here \(SOME_TIER_REQUIRED=1\)"):
        netns.rerun(_config(), ["steps.py"], required_by=["SOME_TIER_REQUIRED"])


def test_every_test_skipped_inside_is_a_skip_not_a_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    skipped = netns.InnerRun("steps.py", 0, 1.0, skipped=[("test_a", "no binaries")])
    monkeypatch.setattr(netns, "unavailable_reason", lambda: None)
    monkeypatch.setattr(netns, "run_inside", lambda *_, **__: skipped)
    with pytest.raises(pytest.skip.Exception, match="0 passed, 1 skipped \\(no binaries\\)"):
        netns.rerun(_config(), ["steps.py"])
    assert not skipped.ok
