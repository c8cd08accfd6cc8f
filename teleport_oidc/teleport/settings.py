"""The connection settings (``auth_server``, ``identity_file``, ``tctl_path``, ``cluster``) and
``teleport-oidc:tctlTimeout``: where each comes from and what a valid one is. Checked when a
resource or the component is built, and again by the provider; the tctl layer that uses them is
:mod:`.tctl`."""

from __future__ import annotations

import contextlib
import math
import re

from ..errors import InvalidArgumentError

__all__ = [
    "DEFAULT_TIMEOUT",
    "IDENTITY_NOT_SHOWN",
    "MAX_TIMEOUT",
    "SETTING_SOURCES",
    "TIMEOUT_CONFIG_KEY",
    "address_identity",
    "check_setting",
    "looks_like_identity",
    "parse_timeout",
]

DEFAULT_TIMEOUT = 60.0
MAX_TIMEOUT = 3600.0
TIMEOUT_CONFIG_KEY = "teleport-oidc:tctlTimeout"

#: Where each connection setting comes from, as a user writes it: the resource's input, the
#: stack config key, the environment variable (first match wins: ``tctl.resolve_connection``).
SETTING_SOURCES: dict[str, tuple[str, str, str]] = {
    "auth_server": ("auth_server", "teleport-oidc:authServer", "TELEPORT_AUTH_SERVER"),
    "identity_file": ("identity_file", "teleport-oidc:identityFile", "TELEPORT_IDENTITY_FILE"),
    "tctl_path": ("tctl_path", "teleport-oidc:tctlPath", "TELEPORT_TCTL"),
}
_EXAMPLES = {
    "auth_server": "teleport.example.com:443",
    "identity_file": "/var/lib/teleport/identity",
    "tctl_path": "/usr/local/bin/tctl",
    "cluster": "teleport.example.com",
}
#: What an error shows instead of a value that holds identity file content.
IDENTITY_NOT_SHOWN = "<identity file content: not shown>"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# What identity files (`tctl auth sign`, tbot) hold: PEM blocks and an SSH certificate.
_IDENTITY_MARKS = ("-----BEGIN ", "PRIVATE KEY", "-cert-v01@openssh.com")


def looks_like_identity(value: str) -> bool:
    """Whether ``value`` is identity file *content* (several lines, a PEM block or an SSH
    certificate) rather than a path or an address: a secret, never to be echoed."""
    return "\n" in value.strip() or any(mark in value for mark in _IDENTITY_MARKS)


def check_setting(key: str, value: object, where: str | None = None) -> str:
    """A connection setting (``auth_server``, ``identity_file``, ``tctl_path``) or ``cluster``:
    a non-empty string with no surrounding whitespace and no control characters (a NUL byte
    would otherwise escape as ``ValueError: embedded null byte``). Identity file content is
    refused without being shown. ``where``: how the user wrote it (default: ``key``)."""
    where = where or key
    if isinstance(value, str) and looks_like_identity(value):
        raise InvalidArgumentError(
            where,
            IDENTITY_NOT_SHOWN,
            "holds what looks like the content of an identity file (several lines, a PEM "
            "block or an SSH certificate), not a path or an address; the value is secret and "
            "is not repeated here",
            "pass the identity file's path, or put its content in the secret stack config: "
            '`pulumi config set --secret teleport-oidc:identity "$(cat identity)"`',
        )
    if not isinstance(value, str) or not value or value != value.strip() or _CONTROL.search(value):
        raise InvalidArgumentError(
            where,
            value,
            "must be a non-empty string with no leading or trailing whitespace and no control "
            "characters (such as a NUL byte)",
            f"pass e.g. {_EXAMPLES[key]!r}, or leave it out",
        )
    return value


def address_identity(address: str) -> str:
    """What an ``auth_server`` address reaches, for comparing two of them: lower-cased, without
    a scheme or trailing slash, with the port (443, the proxy's, when none is written), so that
    ``teleport.example.com`` and ``https://Teleport.example.com:443/`` are the same address."""
    text = address.strip().lower()
    for scheme in ("https://", "tcp://"):
        if text.startswith(scheme):
            text = text[len(scheme) :]
    text = text.rstrip("/")
    host, colon, port = text.rpartition(":")
    if not colon or "]" in port or (host and not host.endswith("]") and ":" in host):
        return f"{text}:443"  # no port (IPv6 literals keep their brackets)
    return text


def parse_timeout(value: object) -> float:
    """``teleport-oidc:tctlTimeout``: plain seconds, > 0 and at most :data:`MAX_TIMEOUT`.

    Go-style durations (``30s``) are refused rather than guessed at: one format, the one the
    README documents. Unset (or empty) means :data:`DEFAULT_TIMEOUT`.
    """
    if value is None or value == "":
        return DEFAULT_TIMEOUT
    seconds = math.nan
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str):
        with contextlib.suppress(ValueError):
            seconds = float(value.strip())
    if not (math.isfinite(seconds) and 0 < seconds <= MAX_TIMEOUT):
        raise InvalidArgumentError(
            TIMEOUT_CONFIG_KEY,
            value,
            f"must be a number of seconds greater than 0 and at most {MAX_TIMEOUT:g}, written "
            "as plain seconds (not a duration like '30s')",
            f"set e.g. `pulumi config set {TIMEOUT_CONFIG_KEY} 60`, or remove it for the "
            f"default of {DEFAULT_TIMEOUT:g} s",
        )
    return seconds
