"""The Teleport cluster a proxy serves: its name and version, from ``GET /webapi/find``.

Teleport's proxy answers ``/webapi/find`` without authentication with a ``PingResponse``
(``api/client/webclient/webclient.go``) whose ``cluster_name`` and ``server_version`` are read
here, as Teleport's own Terraform module reads them. The answer (or failure) is cached per
process, keyed by proxy and options, so a program with many integrations on one proxy makes one
request. All I/O goes through :func:`teleport_oidc.lookups.fetch.https_get` (``FETCH`` replaces
it in tests).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pulumi

from ..errors import ClusterLookupError, InvalidArgumentError, ThumbprintError
from ..rules import parse_https_url
from .answer import load_json
from .deferred import Memo, at_apply_time, unknown

if TYPE_CHECKING:
    from .fetch import FetchResult

__all__ = [
    "FIND_PATH",
    "ClusterInfo",
    "clear_cache",
    "lookup_cluster",
    "lookup_cluster_output",
    "parse_find",
    "unknown",
]

FIND_PATH = "/webapi/find"
#: A Teleport version as ``/webapi/find`` reports it: semver (``18.2.1``, ``19.0.0-beta.1``,
#: ``18.2.1-dev+abc``), ASCII digits only, each number at most 9 of them.
_VERSION = re.compile(
    r"v?[0-9]{1,9}\.[0-9]{1,9}\.[0-9]{1,9}(?:[-+][0-9A-Za-z.+-]{1,100})?", re.ASCII
)
#: When true, :func:`lookup_cluster_output` makes no network call and yields unknown values
#: ("known after lookup"). Set by ``teleport-oidc plan --offline``.
OFFLINE = False
#: The fetch seam: ``None`` uses :func:`teleport_oidc.lookups.fetch.https_get`.
FETCH: Callable[..., FetchResult] | None = None


@dataclass(frozen=True)
class ClusterInfo:
    """What the proxy says about its cluster."""

    cluster_name: str
    """The cluster's name, as ``tctl status`` shows it."""
    server_version: str
    """The Teleport version the proxy runs, e.g. ``18.2.1`` (semver, ASCII digits); ``""`` when
    the proxy does not report one. Any other value fails the lookup."""


_memo = Memo(ClusterLookupError)


def clear_cache() -> None:
    """Forget every cached answer and failure (tests, long-lived processes)."""
    _memo.clear()


def parse_find(host: str, status: int, body: bytes) -> ClusterInfo:
    """Check one ``/webapi/find`` answer and take the cluster's name and version from it."""
    url = f"https://{host}{FIND_PATH}"
    if status != 200:
        raise ClusterLookupError(
            host,
            f"GET {url} returned HTTP {status}; check that the URL is the Teleport proxy's "
            "public address, or pass cluster_name to skip the lookup",
        )
    try:
        answer = load_json(body)
    except ValueError as exc:
        raise ClusterLookupError(
            host,
            f"GET {url} did not return JSON that can be read ({_short(str(exc))}); check that "
            "the URL reaches the Teleport proxy, or pass cluster_name to skip the lookup",
        ) from exc
    name = answer.get("cluster_name") if isinstance(answer, dict) else None
    version = answer.get("server_version") if isinstance(answer, dict) else None
    if not isinstance(name, str) or not name:
        raise ClusterLookupError(
            host,
            f"GET {url} has no cluster_name; is this a Teleport proxy? "
            "Pass cluster_name to skip the lookup",
        )
    return ClusterInfo(name, _clean_version(host, url, version))


def _clean_version(host: str, url: str, version: object) -> str:
    """The reported version, ``""`` when none is reported; anything else is refused."""
    if version is None or version == "":
        return ""
    if isinstance(version, str) and _VERSION.fullmatch(version):
        return version
    shown = repr(version)
    if len(shown) > 40:
        shown = f"{shown[:40]}… ({len(shown)} characters)"
    raise ClusterLookupError(
        host,
        f"GET {url} reports server_version {shown}, which is not a Teleport version such as "
        "18.2.1; check that the URL reaches the Teleport proxy, or pass cluster_name (and "
        "enable_cluster_lookup=False) to skip the lookup",
    )


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _check_options(timeout: object, ca_bundle: object) -> None:
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise InvalidArgumentError(
            "timeout", timeout, "must be a positive number of seconds", "leave it at 10.0"
        )
    if ca_bundle is not None and (not isinstance(ca_bundle, str) or not ca_bundle):
        raise InvalidArgumentError(
            "ca_bundle",
            ca_bundle,
            "must be the path of a PEM file of CA certificates",
            "pass e.g. '/etc/teleport/ca.pem', or None to use the public CAs",
        )


def lookup_cluster(
    proxy_url: str, *, timeout: float = 10.0, ca_bundle: str | None = None
) -> ClusterInfo:
    """Ask the proxy at ``proxy_url`` (``https://host[:port]``) for its cluster name and version.

    Raises:
        ClusterLookupError: the proxy could not be reached or did not answer as Teleport does.
        InvalidArgumentError: ``proxy_url``, ``timeout`` or ``ca_bundle`` is malformed.
    """
    _check_options(timeout, ca_bundle)
    host, port = parse_https_url(proxy_url, "proxy_url", allow_port=True)
    netloc = host if port is None else f"{host}:{port}"
    fetch = FETCH
    if fetch is None:
        from .fetch import https_get  # requests loads on the first lookup only

        fetch = https_get
    key = (netloc, float(timeout), ca_bundle, id(fetch))
    found: ClusterInfo = _memo.get(key, lambda: _fetch_once(fetch, netloc, timeout, ca_bundle))
    return found


def _fetch_once(
    fetch: Callable[..., FetchResult], netloc: str, timeout: float, ca_bundle: str | None
) -> ClusterInfo:
    try:
        result = fetch(
            f"https://{netloc}{FIND_PATH}", timeout=float(timeout), ca_bundle=ca_bundle, step="find"
        )
    except ThumbprintError as exc:  # the fetch seam's one error type
        raise ClusterLookupError(
            netloc,
            f"{exc.detail}; or give cluster_name (or enable_cluster_lookup=False) to deploy "
            "without the lookup",
        ) from exc
    return parse_find(netloc, result.status, result.body)


def lookup_cluster_output(
    proxy_url: pulumi.Input[str],
    *,
    timeout: float = 10.0,
    ca_bundle: pulumi.Input[str] | None = None,
) -> pulumi.Output[ClusterInfo | None]:
    """:func:`lookup_cluster` at apply time, like the thumbprint lookup.

    Resolves to the :class:`ClusterInfo`, or to ``None`` when it cannot be known yet: offline
    (``plan --offline``, no network call) or a preview whose lookup failed (with a warning).
    With an unknown URL (a preview) it makes no network call and stays unknown. During
    ``pulumi up`` a failed lookup stops the deployment.
    """
    _check_options(timeout, None)
    if OFFLINE:
        return pulumi.Output.from_input(proxy_url).apply(lambda _: None)

    return at_apply_time(
        [proxy_url, ca_bundle],
        lambda url, bundle: lookup_cluster(url, timeout=timeout, ca_bundle=bundle),
        ClusterLookupError,
        shown_as="the cluster name",
        on_preview_failure=lambda: None,
    )
