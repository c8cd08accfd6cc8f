"""The thumbprint AWS expects for an OIDC issuer (spec sections 2 and 3).

Steps: GET ``<issuer>/.well-known/openid-configuration``; check its ``issuer``; for each distinct
host among the issuer's and ``jwks_uri``'s (issuer first) take the **last certificate the server
presents** and return the SHA-1 of its DER as 40 lowercase hex characters.

Results (and failures) are cached per process, keyed by issuer, host and options, so a program
with many integrations on one Teleport makes one discovery request and one handshake per host.
All I/O goes through :func:`teleport_oidc.lookups.fetch.https_get`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import urlsplit

import pulumi

from ..errors import InvalidArgumentError, ThumbprintError
from ..log import warn
from ..rules import parse_https_url
from .answer import json_type, load_json
from .deferred import Memo, at_apply_time, unknown

__all__ = [
    "LEAF_EXPIRY_WARNING_DAYS",
    "CertificateInfo",
    "ExpiryFinding",
    "certificate_info",
    "check_options",
    "clear_cache",
    "discover",
    "expiry_findings",
    "lookup_certificates",
    "lookup_thumbprints",
    "lookup_thumbprints_output",
    "normalise_issuer",
]

#: A warning when the pinned (last presented) certificate expires within this many days.
EXPIRY_WARNING_DAYS = 30
#: A warning when the proxy's own (leaf) certificate expires within this many days.
LEAF_EXPIRY_WARNING_DAYS = 14

#: When true, :func:`lookup_thumbprints_output` makes no network call and yields an unknown
#: value ("known after lookup"). Set by ``teleport-oidc plan --offline``.
OFFLINE = False
DISCOVERY_PATH = "/.well-known/openid-configuration"

if TYPE_CHECKING:
    from .fetch import FetchResult

# requests/urllib3 and cryptography load on the first lookup, not on `import teleport_oidc`:
# a program that pins thumbprints, and the dynamic provider process, never pay for them.
Fetch = Callable[..., "FetchResult"]


@dataclass(frozen=True)
class CertificateInfo:
    """The certificate a thumbprint was taken from."""

    host: str
    """The host (``host`` or ``host:port``) that presented it."""
    thumbprint: str
    """SHA-1 of the certificate's DER, 40 lowercase hex characters."""
    subject: str
    """The certificate's subject, RFC 4514."""
    not_after: dt.datetime
    """When it expires (UTC)."""
    chain_length: int
    """How many certificates the server presented; the thumbprint is of the last one."""
    leaf_not_after: dt.datetime | None = None
    """When the proxy's own certificate (the first presented) expires (UTC)."""


_discovery_cache = Memo(ThumbprintError)
_chain_cache = Memo(ThumbprintError)


def clear_cache() -> None:
    """Forget every cached discovery document, chain and failure (tests, long-lived processes)."""
    _discovery_cache.clear()
    _chain_cache.clear()


def normalise_issuer(issuer_url: object) -> tuple[str, str]:
    host, port = parse_https_url(issuer_url, "issuer_url", allow_port=True)
    netloc = host if port is None else f"{host}:{port}"
    return f"https://{netloc}", netloc


def check_options(timeout: object, ca_bundle: object) -> None:
    """Check the lookup's options (a ``ca_bundle`` must be a readable PEM file)."""
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise InvalidArgumentError(
            "timeout", timeout, "must be a positive number of seconds", "leave it at 10.0"
        )
    if ca_bundle is not None:
        if not isinstance(ca_bundle, str) or not ca_bundle:
            raise InvalidArgumentError(
                "ca_bundle",
                ca_bundle,
                "must be the path of a PEM file of CA certificates",
                "pass e.g. '/etc/teleport/ca.pem', or None to use the public CAs",
            )
        from .fetch import check_ca_bundle  # see the note at Fetch

        check_ca_bundle(ca_bundle)


def discover(
    issuer: str, netloc: str, timeout: float, ca_bundle: str | None, fetch: Fetch
) -> tuple[str, FetchResult]:
    """Fetch and check the discovery document; return ``jwks_uri`` and the fetch result."""
    result = fetch(issuer + DISCOVERY_PATH, timeout=timeout, ca_bundle=ca_bundle, step="discovery")
    if result.status != 200:
        raise ThumbprintError(
            "discovery",
            netloc,
            f"GET {issuer}{DISCOVERY_PATH} returned HTTP {result.status}; check that the URL is "
            "the Teleport proxy's public address (Teleport serves this document without login)",
        )
    try:
        document = load_json(result.body)
    except ValueError as exc:
        raise ThumbprintError(
            "discovery",
            netloc,
            f"GET {issuer}{DISCOVERY_PATH} did not return JSON that can be read "
            f"({str(exc)[:120]}); check that the URL reaches the Teleport proxy and not another "
            "web server",
        ) from exc
    if not isinstance(document, dict):
        raise ThumbprintError("discovery", netloc, "the discovery document is not a JSON object")
    if document.get("issuer") != issuer:
        raise ThumbprintError(
            "discovery",
            netloc,
            f"the discovery document's issuer is {document.get('issuer')!r} but the URL "
            f"configured is {issuer!r}; STS would refuse Teleport's tokens. Use the issuer the "
            "proxy reports (its public_addr) as the proxy URL",
        )
    jwks_uri = document.get("jwks_uri")
    if jwks_uri is not None and not isinstance(jwks_uri, str):
        raise ThumbprintError(
            "discovery",
            netloc,
            f"the discovery document's jwks_uri is a JSON {json_type(jwks_uri)}, not a "
            "string (an https:// URL); check that the URL reaches the Teleport proxy and not "
            "another web server",
        )
    if not jwks_uri:
        raise ThumbprintError(
            "discovery",
            netloc,
            "the discovery document has no jwks_uri; is this a Teleport "
            "proxy with the OIDC identity provider enabled (Teleport >= 13)?",
        )
    if not _is_https_url(jwks_uri):
        raise ThumbprintError(
            "discovery",
            netloc,
            f"jwks_uri {jwks_uri!r} is not an https:// URL; AWS will not fetch keys from it",
        )
    return jwks_uri, result


def _is_https_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
        return parts.scheme == "https" and bool(parts.hostname)
    except ValueError:  # "https://[::1": an unbalanced bracket
        return False


# A NamedTuple: immutable like a frozen dataclass, and far cheaper to define at import.
class ExpiryFinding(NamedTuple):
    """One expiry problem of a presented chain and whether it stops a deployment."""

    fatal: bool
    """True only where STS itself would fail: the certificate the proxy serves has expired."""
    about: str
    """``leaf`` (the proxy's own certificate) or ``pinned`` (the last one, the thumbprint's)."""
    message: str


def expiry_findings(info: CertificateInfo, now: dt.datetime | None = None) -> list[ExpiryFinding]:
    """What will break, and when (the rule of issue 13, item 12).

    - The leaf (the proxy's own certificate) expired: fatal. STS's TLS connection to the proxy
      fails, so tokens are refused. (A verifying fetch already refuses it; this covers chains
      handed in by other means.)
    - The leaf expires within :data:`LEAF_EXPIRY_WARNING_DAYS`: a warning. Automated CAs renew
      with a third of the lifetime left (30 days of 90, 16 of 47), so a leaf this close to its
      end means the renewal is not happening, and STS will fail when it expires.
    - The last certificate presented (the one the thumbprint pins) expired while the chain
      still verified: a warning, not a refusal. It is outside the verified path (an old
      cross-signed root, typically), so TLS clients, STS among them, ignore it; AWS checks
      public CAs against its own library. With a private CA the thumbprint is the only check
      and it pins that certificate, so the fix is to stop sending it.
    - The pinned certificate expires within :data:`EXPIRY_WARNING_DAYS`: a warning; the
      thumbprint changes at its renewal and the next ``pulumi up`` updates it.
    """
    now = now or dt.datetime.now(dt.timezone.utc)
    findings: list[ExpiryFinding] = []
    leaf_end = info.leaf_not_after or info.not_after
    if leaf_end <= now:
        return [
            ExpiryFinding(
                True,
                "leaf",
                f"the proxy's certificate expired at {leaf_end.isoformat()}; STS cannot "
                "connect to the proxy, so Teleport's tokens would be refused. Renew the "
                "proxy's certificate",
            )
        ]
    if leaf_end - now < dt.timedelta(days=LEAF_EXPIRY_WARNING_DAYS):
        findings.append(
            ExpiryFinding(
                False,
                "leaf",
                f"the proxy's certificate presented by {info.host} expires at "
                f"{leaf_end.isoformat()} (in under {LEAF_EXPIRY_WARNING_DAYS} days); STS will "
                "refuse Teleport's tokens once it expires: renew it and check that its "
                "automatic renewal works",
            )
        )
    if info.chain_length > 1 and info.not_after <= now:
        findings.append(
            ExpiryFinding(
                False,
                "pinned",
                f"the last certificate {info.host} presents, {info.subject}, expired at "
                f"{info.not_after.isoformat()}; the chain verified without it (an old "
                "cross-signed certificate?), so a public CA keeps working (AWS checks those "
                "itself), but the thumbprint pins this certificate, which matters with a "
                "private CA: remove it from the proxy's certificate chain, then run "
                "`pulumi up`",
            )
        )
    elif info.not_after - now < dt.timedelta(days=EXPIRY_WARNING_DAYS) and not findings:
        findings.append(
            ExpiryFinding(
                False,
                "pinned",
                f"the certificate {info.subject} presented by {info.host} expires at "
                f"{info.not_after.isoformat()} (in under {EXPIRY_WARNING_DAYS} days); the "
                "thumbprint will change when it is renewed, and the next `pulumi up` will "
                "update it",
            )
        )
    return findings


def certificate_info(
    host: str, chain: tuple[bytes, ...], *, check_expiry: bool = True
) -> CertificateInfo:
    """The certificate AWS pins (the last one presented), with the leaf's expiry.

    With ``check_expiry``, :func:`expiry_findings` are applied: a fatal one raises
    :class:`ThumbprintError`, the others become warnings.
    """
    if not chain:
        raise ThumbprintError(
            "tls", host, "the server presented no certificate chain; check the proxy's TLS setup"
        )
    der = chain[-1]
    from cryptography import x509  # see the note at Fetch

    cert = x509.load_der_x509_certificate(der)
    leaf = cert if len(chain) == 1 else x509.load_der_x509_certificate(chain[0])
    info = CertificateInfo(
        host=host,
        thumbprint=hashlib.sha1(der, usedforsecurity=False).hexdigest(),
        subject=cert.subject.rfc4514_string(),
        not_after=cert.not_valid_after_utc,
        chain_length=len(chain),
        leaf_not_after=leaf.not_valid_after_utc,
    )
    if check_expiry:
        for finding in expiry_findings(info):
            if finding.fatal:
                raise ThumbprintError("tls", host, finding.message)
            warn(finding.message)
    return info


def lookup_certificates(
    issuer_url: str,
    *,
    timeout: float = 10.0,
    ca_bundle: str | None = None,
    fetch: Fetch | None = None,
) -> list[CertificateInfo]:
    """Like :func:`lookup_thumbprints`, with the certificate each thumbprint came from."""
    check_options(timeout, ca_bundle)
    issuer, netloc = normalise_issuer(issuer_url)
    options = (float(timeout), ca_bundle, id(fetch) if fetch else None)
    if fetch is None:
        from .fetch import https_get  # see the note at Fetch

        fetch = https_get
    get = fetch

    def fetch_discovery() -> tuple[str, FetchResult]:
        return discover(issuer, netloc, float(timeout), ca_bundle, get)

    jwks_uri, discovery = _discovery_cache.get((issuer, *options), fetch_discovery)
    infos = [
        _chain_cache.get((netloc, *options), lambda: certificate_info(netloc, discovery.chain))
    ]
    jwks_netloc = urlsplit(jwks_uri).netloc.lower().removesuffix(":443")
    if jwks_netloc != netloc:

        def jwks_chain() -> CertificateInfo:
            result = get(jwks_uri, timeout=float(timeout), ca_bundle=ca_bundle, step="jwks")
            if result.status != 200:
                raise ThumbprintError(
                    "jwks",
                    jwks_netloc,
                    f"GET {jwks_uri} returned HTTP {result.status}; AWS "
                    "could not fetch Teleport's signing keys either",
                )
            return certificate_info(jwks_netloc, result.chain)

        infos.append(_chain_cache.get((jwks_netloc, *options), jwks_chain))
    unique: dict[str, CertificateInfo] = {}
    for info in infos:
        unique.setdefault(info.thumbprint, info)
    return list(unique.values())[:5]


def lookup_thumbprints(
    issuer_url: str, *, timeout: float = 10.0, ca_bundle: str | None = None
) -> list[str]:
    """Look up the thumbprints AWS expects for ``issuer_url`` (``https://<proxy host>``).

    Args:
        issuer_url: the issuer, e.g. ``https://teleport.example.com``.
        timeout: seconds allowed for each request in all (connect, TLS, answer, one retry);
            a lookup makes at most two requests, so it ends within ``2 * timeout`` seconds
            (plus DNS resolution).
        ca_bundle: a PEM file of CAs to verify the proxy with (private CAs). Default: the public
            CAs that ``requests`` trusts.

    Returns:
        The distinct thumbprints, issuer host first: SHA-1 of the last certificate each host
        presents, 40 lowercase hex characters.

    Raises:
        ThumbprintError: a step failed; the message says which, for which host, and the fix.
        InvalidArgumentError: ``issuer_url``, ``timeout`` or ``ca_bundle`` is malformed.
    """
    infos = lookup_certificates(issuer_url, timeout=timeout, ca_bundle=ca_bundle)
    return [info.thumbprint for info in infos]


def lookup_thumbprints_output(
    issuer_url: pulumi.Input[str],
    *,
    timeout: float = 10.0,
    ca_bundle: pulumi.Input[str] | None = None,
) -> pulumi.Output[list[str]]:
    """:func:`lookup_thumbprints` at apply time: runs once ``issuer_url`` is known.

    With an unknown URL (a preview) it makes no network call. During a preview a failed lookup
    is reported as a warning and the thumbprints show as unknown, so a preview is never made
    to fail by the network; during ``pulumi up`` the error stops the deployment.
    """
    check_options(timeout, None)
    if OFFLINE:
        return pulumi.Output.from_input(issuer_url).apply(lambda _: unknown())

    return at_apply_time(
        [issuer_url, ca_bundle],
        lambda url, bundle: lookup_thumbprints(url, timeout=timeout, ca_bundle=bundle),
        ThumbprintError,
        shown_as="the thumbprints",
        on_preview_failure=unknown,
    )
