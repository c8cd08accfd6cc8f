"""What every apply-time lookup shares: a per-process memo, and running at apply time.

A lookup (thumbprint, cluster) is a blocking function of plain values. :func:`at_apply_time`
runs it in an executor once its inputs are known; during a preview a failure becomes a warning
and an unknown value (a preview is never made to fail by the network), during ``pulumi up`` it
stops the deployment. :class:`Memo` makes one computation per key per process, even when many
resources ask at once, and lets entries expire so a long-lived process sees a rotated chain.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

import pulumi

from ..log import warn

__all__ = ["Memo", "at_apply_time", "unknown"]


class Memo:
    """Thread-safe memo of results and of ``errors``; one computation per key even under races.

    Successes expire after ``SUCCESS_TTL`` seconds, failures after ``FAILURE_TTL``: within one
    deployment that is still one lookup per key, and a passing failure is retried soon.
    """

    SUCCESS_TTL = 900.0
    FAILURE_TTL = 30.0

    def __init__(self, errors: type[Exception] | tuple[type[Exception], ...]) -> None:
        self._errors = errors
        self._lock = threading.Lock()
        self._locks: dict[tuple[Any, ...], threading.Lock] = {}
        self._values: dict[tuple[Any, ...], tuple[bool, Any, float]] = {}

    def get(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        with self._lock:
            key_lock = self._locks.setdefault(key, threading.Lock())
        with key_lock:
            entry = self._values.get(key)
            if entry is None or entry[2] <= time.monotonic():
                try:
                    entry = (True, compute(), time.monotonic() + self.SUCCESS_TTL)
                except self._errors as exc:
                    entry = (False, exc, time.monotonic() + self.FAILURE_TTL)
                self._values[key] = entry
        ok, value, _ = entry
        if not ok:
            raise value
        return value

    def clear(self) -> None:
        with self._lock:
            self._locks.clear()
            self._values.clear()


def unknown() -> pulumi.Output[Any]:
    """A value known only after the lookup: what a preview shows as unknown."""
    loop = asyncio.get_event_loop()
    value: asyncio.Future[Any] = loop.create_future()
    value.set_result(None)
    known: asyncio.Future[bool] = loop.create_future()
    known.set_result(False)
    return pulumi.Output(set(), value, known)


def at_apply_time(
    inputs: list[pulumi.Input[Any]],
    lookup: Callable[..., Any],
    errors: type[Exception],
    *,
    shown_as: str,
    on_preview_failure: Callable[[], Any],
) -> pulumi.Output[Any]:
    """``lookup(*inputs)`` once the inputs are known, in an executor (it blocks on I/O).

    A failure of type ``errors`` in a preview warns ("The preview shows ``shown_as`` as
    unknown") and yields ``on_preview_failure()``; in ``pulumi up`` it is raised.
    """

    async def run(values: list[Any]) -> Any:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(None, lambda: lookup(*values))
        except errors as exc:
            if not pulumi.runtime.is_dry_run():
                raise
            warn(f"{exc}. The preview shows {shown_as} as unknown; `pulumi up` will retry.")
            return on_preview_failure()

    return pulumi.Output.all(*inputs).apply(run)
