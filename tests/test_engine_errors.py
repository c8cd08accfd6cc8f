"""The provider server's error report: our errors as messages, everything else as before."""

from __future__ import annotations

import traceback
import types

from teleport_oidc import TctlError
from teleport_oidc.teleport import engine_errors


def server_main() -> types.ModuleType:
    """A stand-in for ``pulumi.dynamic.__main__`` as the SDK writes it."""
    main = types.ModuleType("__main__")
    main.traceback = traceback  # type: ignore[attr-defined]

    def _abort_with_traceback(fn: object) -> object:
        return fn

    main._abort_with_traceback = _abort_with_traceback  # type: ignore[attr-defined]
    return main


def test_our_errors_are_reported_as_their_message() -> None:
    main = server_main()
    assert engine_errors.install(main)
    try:
        raise TctlError("tctl create failed", argv=["tctl", "create"], returncode=1)
    except TctlError:
        report = main.traceback.format_exc()
    assert report.startswith("TctlError: tctl create failed")
    assert "Traceback" not in report


def test_other_errors_keep_their_traceback() -> None:
    main = server_main()
    engine_errors.install(main)
    empty: dict[str, int] = {}
    try:
        empty["missing"]  # a bug in the provider, as the SDK would report it
    except KeyError:
        report = main.traceback.format_exc()
    assert report.startswith("Traceback (most recent call last)")
    assert "KeyError: 'missing'" in report


def test_nothing_changes_outside_the_provider_server() -> None:
    plain = types.ModuleType("__main__")
    assert not engine_errors.install(plain)
    assert not hasattr(plain, "traceback")


def test_an_sdk_that_reports_errors_differently_is_left_alone() -> None:
    main = server_main()
    main.traceback = object()  # type: ignore[attr-defined]
    assert not engine_errors.install(main)
