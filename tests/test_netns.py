"""The loopback-only network namespace the real-Teleport tier runs in (fast tier)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
