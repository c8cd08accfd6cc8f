"""The package's exceptions, in one place.

::

    TeleportOidcError                 base of everything this package raises
    ├── InvalidArgumentError          bad input (also a ValueError), raised before anything exists
    ├── ThumbprintError               OIDC discovery or the TLS chain lookup failed
    ├── ClusterLookupError            the proxy's /webapi/find did not give the cluster
    └── TctlError                     a tctl call failed (argv without secrets, exit code, stderr)

Low-level exceptions (``requests``, ``ssl``, ``socket``, ``subprocess``) are mapped to these at
one boundary each and chained with ``raise ... from exc``.
"""

from __future__ import annotations

from collections.abc import Sequence

from pulumi.errors import RunError

__all__ = [
    "ClusterLookupError",
    "InvalidArgumentError",
    "TctlError",
    "TeleportOidcError",
    "ThumbprintError",
]

_STDERR_LIMIT = 2000


class TeleportOidcError(RunError):
    """Base class of every error raised by teleport-oidc.

    A ``pulumi.RunError``: the Python language host reports it as its message alone, without a
    traceback (any other exception from a program is printed with its stack).
    """


class InvalidArgumentError(TeleportOidcError, ValueError):
    """An argument breaks a rule. The message names the argument, the value, the rule and the fix.

    Attributes:
        argument: the argument as the user wrote it, e.g. ``proxy_url`` or ``tags['aws:x']``.
        value: the offending value.
    """

    def __init__(self, argument: str, value: object, rule: str, fix: str) -> None:
        self.argument = argument
        self.value = value
        self.rule = rule
        self.fix = fix
        super().__init__(f"{argument} {rule}, got {value!r}; {fix}")


class ThumbprintError(TeleportOidcError):
    """The thumbprint lookup failed.

    Attributes:
        step: which step failed (``discovery``, ``jwks``, ``tls``, ...).
        host: the host the step was talking to.
    """

    def __init__(self, step: str, host: str, message: str) -> None:
        self.step = step
        self.host = host
        self.detail = message
        super().__init__(f"thumbprint lookup failed at {step} for {host}: {message}")


class ClusterLookupError(TeleportOidcError):
    """The cluster lookup (``GET https://<proxy>/webapi/find``) failed.

    Attributes:
        host: the proxy (``host`` or ``host:port``).
        detail: what went wrong and the fix.
    """

    def __init__(self, host: str, message: str) -> None:
        self.host = host
        self.detail = message
        super().__init__(f"cluster lookup failed for {host}: {message}")


class TctlError(TeleportOidcError):
    """A ``tctl`` call failed.

    Attributes:
        argv: the command line, which never holds a secret (identity content goes through a
            0600 temporary file whose path is all that appears here).
        returncode: the exit code, or ``None`` when tctl did not run or was killed.
        stderr: what tctl printed on stderr, trimmed.
    """

    def __init__(
        self,
        message: str,
        *,
        argv: Sequence[str] = (),
        returncode: int | None = None,
        stderr: str = "",
    ) -> None:
        self.argv = list(argv)
        self.returncode = returncode
        self.stderr = _trim(stderr)
        parts = [message]
        if self.argv:
            parts.append(f"command: {' '.join(self.argv)}")
        if returncode is not None:
            parts.append(f"exit code: {returncode}")
        if self.stderr:
            parts.append(f"stderr: {self.stderr}")
        super().__init__("\n".join(parts))


def _trim(text: str) -> str:
    text = text.strip()
    if len(text) > _STDERR_LIMIT:
        return text[:_STDERR_LIMIT] + " …(trimmed)"
    return text
