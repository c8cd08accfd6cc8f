"""Which process a recorded PID is: signal a process only while it is still the one recorded.

A PID alone names whatever process has it now: after the recorded one ended (a crash, a
reboot) the kernel reuses it. :func:`identity` is what tells two holders of one PID apart: the
boot, the start time (in clock ticks since boot) and the command line, from ``/proc`` (or from
``ps`` where there is no ``/proc``). :func:`signal_if_same` checks it and signals through a
pidfd where Linux has them, so the PID cannot change hands between the check and the signal.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import subprocess
from pathlib import Path

__all__ = ["command_line", "identity", "signal_if_same"]


def identity(pid: int) -> str | None:
    """Who holds ``pid`` now (boot, start time, command line); None when nothing runs there."""
    proc = Path("/proc") / str(pid)
    if Path("/proc/self/stat").is_file():
        try:
            stat = (proc / "stat").read_text()
            cmdline = (proc / "cmdline").read_bytes()
            boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        except OSError:
            return None
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] in ("Z", "X"):  # a zombie or dead: it has ended
            return None
        started = fields[19]  # field 22 of proc(5): starttime
        return f"{boot}:{started}:{hashlib.sha256(cmdline).hexdigest()[:16]}"
    try:
        done = subprocess.run(
            ["ps", "-o", "lstart=", "-o", "command=", "-p", str(pid)],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    return (done.stdout.strip() or None) if done.returncode == 0 else None


def command_line(pid: int) -> list[str] | None:
    """The arguments ``pid`` runs with (``/proc`` only); None when unknown or gone."""
    try:
        raw = (Path("/proc") / str(pid) / "cmdline").read_bytes()
    except OSError:
        return None
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part] or None


def signal_if_same(pid: int, recorded: str, sig: signal.Signals) -> bool:
    """Send ``sig`` to ``pid`` if it is still the process ``recorded`` names; whether it was."""
    pidfd_open = getattr(os, "pidfd_open", None)
    send = getattr(signal, "pidfd_send_signal", None)
    if pidfd_open is not None and send is not None:
        try:
            fd = pidfd_open(pid)
        except ProcessLookupError:
            return False
        except OSError:
            fd = None  # no pidfds in this kernel: check, then signal by PID
        if fd is not None:
            try:
                if identity(pid) != recorded:
                    return False
                send(fd, sig)
                return True
            except ProcessLookupError:
                return False
            finally:
                os.close(fd)
    if identity(pid) != recorded:
        return False
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)
        return True
    return False
