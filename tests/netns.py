"""A network namespace with only loopback, for everything that talks to real Teleport.

``teleport start`` probes cloud metadata addresses; this project may send traffic to loopback
only. So the real-Teleport tier runs its whole pytest session under ``unshare -n`` (a new
namespace whose only interface is ``lo``, brought up here) and checks that it is inside one.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
from collections.abc import Sequence

MARK = "TELEPORT_OIDC_IN_NETNS"


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
