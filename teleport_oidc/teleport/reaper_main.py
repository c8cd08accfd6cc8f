"""Cleans up after a provider process that died mid-call: run as a script, stdlib only.

The provider starts one of these per process (in its own session, so a signal to the provider's
process group does not reach it) and tells it, one line at a time on stdin, what it is holding:
``+pgid N`` / ``-pgid N`` for a running tctl's process group, ``+file PATH`` / ``-file PATH``
for a temporary file. When stdin reaches end of file (the provider exited or was killed, by
SIGTERM or SIGKILL alike) it stops every process group still registered and removes every file.
"""

import os
import signal
import sys
import time


def main() -> None:
    groups: set[int] = set()
    files: set[str] = set()
    for line in sys.stdin:
        op, _, arg = line.rstrip("\n").partition(" ")
        if op == "+pgid":
            groups.add(int(arg))
        elif op == "-pgid":
            groups.discard(int(arg))
        elif op == "+file":
            files.add(arg)
        elif op == "-file":
            files.discard(arg)
    for pgid in groups:
        try:
            os.killpg(pgid, signal.SIGTERM)
        except OSError:
            pass
    if groups:
        time.sleep(0.2)
    for pgid in groups:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except OSError:
            pass
    for path in files:
        try:
            os.unlink(path)
        except OSError:
            pass


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    main()
