"""The one network seam of the thumbprint lookup: a verified HTTPS GET that also returns the
certificate chain the server presented on that connection.

Taking the chain from the very connection that fetched the document means one TLS handshake per
host, the same trust settings for both, and proxies from the standard environment variables
honoured for both (``requests`` tunnels with CONNECT, and the chain is still the origin's).

Python exposes the presented chain publicly only from 3.13 (``get_unverified_chain``); on
3.10-3.12 the same method exists on the private ``_sslobj``. Both are used behind one guarded
function, so the behaviour is identical across versions. ``get_verified_chain`` is never used:
it ends with the local trust-store root, which is not what the server sent.

Every GET has a hard deadline of ``timeout`` seconds in all, its one retry included: a watchdog
shuts the connection's socket down when the time is up, so a server that trickles its answer one
byte at a time cannot hold a lookup (and so ``pulumi preview``) forever. A lookup makes at most
two GETs (discovery, then ``jwks_uri`` when it is on another host), so it ends within
``2 * timeout`` seconds plus the system's DNS resolution. Answers over 1 MiB are refused.

Low-level exceptions (``requests``, ``urllib3``, ``ssl``, ``OSError``) are mapped to
:class:`ThumbprintError` here, and only here.
"""

from __future__ import annotations

import _ssl
import http.client
import os
import re
import socket
import ssl
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
import requests.adapters
import urllib3.connection
import urllib3.connectionpool
import urllib3.exceptions

from ..errors import InvalidArgumentError, ThumbprintError

__all__ = ["MAX_BODY_BYTES", "FetchResult", "check_ca_bundle", "https_get", "presented_chain"]

_RETRY_BACKOFF_SECONDS = 0.5
#: The largest answer read; a discovery document or JWKS is a few KiB.
MAX_BODY_BYTES = 1024 * 1024
_READ_CHUNK = 16 * 1024


@dataclass(frozen=True)
class FetchResult:
    """What one GET returned: the status, the body and the presented chain (DER, leaf first)."""

    url: str
    status: int
    body: bytes
    chain: tuple[bytes, ...]


def presented_chain(sock: Any) -> tuple[bytes, ...]:
    """The DER certificates the peer sent in the handshake, in the order it sent them."""
    ssl_obj = getattr(sock, "sslobj", sock)  # urllib3's SSLTransport (TLS-in-TLS) wraps one
    public = getattr(ssl_obj, "get_unverified_chain", None)
    if public is not None:  # Python >= 3.13
        return tuple(bytes(cert) for cert in (public() or []))
    private = getattr(getattr(ssl_obj, "_sslobj", None), "get_unverified_chain", None)
    if private is None:
        raise RuntimeError(
            "this Python does not expose the TLS chain a server presents; use CPython >= 3.10"
        )
    return tuple(cert.public_bytes(_ssl.ENCODING_DER) for cert in (private() or []))


def check_ca_bundle(path: object, argument: str = "ca_bundle") -> str:
    """Check that ``path`` is a readable PEM file with at least one CA certificate.

    Raises :class:`InvalidArgumentError` naming ``argument`` (missing, not a file, unreadable,
    not PEM), so a wrong path is reported before anything is created, not blamed on the proxy.
    """
    fix = "give the path of the PEM file of the CA that signed the proxy's certificate"
    if not isinstance(path, str) or not path:
        raise InvalidArgumentError(
            argument, path, "must be the path of a PEM file of CA certificates", fix
        )
    if not os.path.exists(path):
        raise InvalidArgumentError(argument, path, "does not exist", fix)
    if not os.path.isfile(path):
        raise InvalidArgumentError(argument, path, "is not a file", fix)
    try:
        with open(path, "rb"):
            pass
        ssl.create_default_context(cafile=path)
    except PermissionError:
        raise InvalidArgumentError(
            argument, path, "cannot be read (permission denied)", "make it readable by this user"
        ) from None
    except (ssl.SSLError, ValueError, OSError):
        raise InvalidArgumentError(
            argument,
            path,
            "is not a PEM file of CA certificates (no '-----BEGIN CERTIFICATE-----' block "
            "could be loaded)",
            f"{fix}; convert a DER file with `openssl x509 -inform der -in ca.der -out ca.pem`",
        ) from None
    return path


class _Watchdog:
    """Shuts down every socket of one GET when its deadline passes (see the module docstring)."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self.expired = False
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            sock.close()

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def watch(self, sock: socket.socket) -> None:
        # A duplicate of the descriptor: wrapping in TLS detaches the original socket object,
        # but shutting down any descriptor of the connection ends it for all of them.
        duplicate = socket.socket(fileno=os.dup(sock.fileno()))
        with self._lock:
            self._sockets.append(duplicate)
            expired = self.expired
        if expired:
            _shutdown(duplicate)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


_current_watchdog: ContextVar[_Watchdog | None] = ContextVar("_current_watchdog", default=None)


def https_get(url: str, *, timeout: float, ca_bundle: str | None, step: str) -> FetchResult:
    """GET ``url`` with TLS verification (``ca_bundle`` or requests' default CA bundle).

    The whole GET, its one retry included, ends within ``timeout`` seconds. It retries once,
    after a short back-off, on connection errors only (not on TLS failures or timeouts).
    """
    host = urlsplit(url).netloc
    with _Watchdog(timeout) as watchdog:
        token = _current_watchdog.set(watchdog)
        try:
            return _get_with_retry(url, host, timeout, ca_bundle, step, watchdog)
        finally:
            _current_watchdog.reset(token)


def _get_with_retry(
    url: str, host: str, timeout: float, ca_bundle: str | None, step: str, watchdog: _Watchdog
) -> FetchResult:
    for attempt in (1, 2):
        try:
            return _get_once(url, timeout=timeout, ca_bundle=ca_bundle, step=step, host=host)
        except ThumbprintError:
            raise
        except Exception as exc:
            if watchdog.expired:
                raise _deadline_error(step, host, timeout) from exc
            if (
                attempt == 1
                and isinstance(exc, requests.exceptions.ConnectionError)
                and not isinstance(exc, (requests.exceptions.SSLError, requests.exceptions.Timeout))
                and watchdog.remaining() > _RETRY_BACKOFF_SECONDS
            ):
                time.sleep(_RETRY_BACKOFF_SECONDS)
                continue
            raise _mapped(exc, step, host, timeout, ca_bundle) from exc
    raise AssertionError("unreachable")  # pragma: no cover


def _deadline_error(step: str, host: str, timeout: float) -> ThumbprintError:
    return ThumbprintError(
        step,
        host,
        f"no complete answer within {timeout:g} s (the limit for the whole request); the "
        "server is too slow or sends its answer in a trickle: check the proxy and the network "
        "path to it, or raise timeout",
    )


def _mapped(
    exc: Exception, step: str, host: str, timeout: float, ca_bundle: str | None
) -> ThumbprintError:
    """The one place low-level exceptions become :class:`ThumbprintError`."""
    if isinstance(exc, requests.exceptions.SSLError):
        return _tls_error(step, host, exc)
    if isinstance(exc, (requests.exceptions.Timeout, urllib3.exceptions.TimeoutError)):
        return ThumbprintError(
            step,
            host,
            f"no answer within {timeout:g} s; check that the proxy is reachable "
            "from here (AWS must reach it from the internet too) or raise timeout",
        )
    if isinstance(exc, requests.exceptions.ConnectionError):
        return _connection_error(step, host, exc)
    if isinstance(exc, requests.exceptions.RequestException):
        return ThumbprintError(step, host, f"the request failed ({in_words(exc)})")
    if isinstance(exc, OSError) and ca_bundle and ca_bundle in str(exc):
        return ThumbprintError(
            step,
            host,
            f"the CA bundle could not be used ({_short(str(exc))}); pass ca_bundle= the path of "
            "a readable PEM file of the CA that signed the proxy's certificate",
        )
    return ThumbprintError(step, host, f"the request failed ({in_words(exc)})")


class _ChainRecordingConnection(urllib3.connection.HTTPSConnection):
    """An HTTPS connection that keeps the chain the server presented during its handshake.

    Recorded at connect time: the socket itself may be closed as soon as the headers are read
    (HTTP/1.0 answers), while the connection object stays reachable from the response.
    """

    peer_chain: tuple[bytes, ...] = ()

    def _new_conn(self) -> socket.socket:
        sock: socket.socket = super()._new_conn()
        watchdog = _current_watchdog.get()
        if watchdog is not None:
            watchdog.watch(sock)
        return sock

    def connect(self) -> None:
        super().connect()
        self.peer_chain = presented_chain(self.sock)


class _ChainRecordingPool(urllib3.connectionpool.HTTPSConnectionPool):
    ConnectionCls = _ChainRecordingConnection


class _ChainRecordingAdapter(requests.adapters.HTTPAdapter):
    """requests' adapter, with HTTPS pools (direct or through a proxy) that record chains."""

    _pools = {"http": urllib3.connectionpool.HTTPConnectionPool, "https": _ChainRecordingPool}

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pools

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = self._pools
        return manager


def _get_once(
    url: str, *, timeout: float, ca_bundle: str | None, step: str, host: str
) -> FetchResult:
    verify: bool | str = ca_bundle if ca_bundle else True
    with requests.Session() as session:
        session.mount("https://", _ChainRecordingAdapter())
        response = session.get(
            url,
            timeout=timeout,
            verify=verify,
            stream=True,
            allow_redirects=False,
            headers={"Accept": "application/json"},
        )
        with response:
            connection = getattr(response.raw, "connection", None)
            chain = getattr(connection, "peer_chain", ())
            body = _read_body(response.raw, step, host, timeout)
            return FetchResult(url=url, status=response.status_code, body=body, chain=chain)


def _read_body(raw: Any, step: str, host: str, timeout: float) -> bytes:
    """Read the answer in chunks, at most :data:`MAX_BODY_BYTES`, mapping read failures."""
    parts: list[bytes] = []
    size = 0
    watchdog = _current_watchdog.get()
    while True:
        try:
            chunk = raw.read1(_READ_CHUNK, decode_content=True)
        except urllib3.exceptions.ReadTimeoutError as exc:
            if watchdog is not None and watchdog.expired:
                raise _deadline_error(step, host, timeout) from exc
            raise ThumbprintError(
                step,
                host,
                f"the server sent its headers, then nothing for {timeout:g} s; check the "
                "proxy (and any load balancer in front of it) or raise timeout",
            ) from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            if watchdog is not None and watchdog.expired:
                raise _deadline_error(step, host, timeout) from exc
            raise ThumbprintError(
                step,
                host,
                "the answer was cut off or malformed (connection closed early, a truncated "
                f"body or broken chunked encoding: {in_words(exc)}); check the proxy and "
                "any load balancer or firewall in front of it",
            ) from exc
        if not chunk:
            if watchdog is not None and watchdog.expired:
                raise _deadline_error(step, host, timeout)
            return b"".join(parts)
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise ThumbprintError(
                step,
                host,
                f"the answer is larger than {MAX_BODY_BYTES // 1024} KiB; a discovery document "
                "or key set is a few KiB: check that the URL reaches the Teleport proxy",
            )
        parts.append(chunk)


def _tls_error(step: str, host: str, exc: BaseException) -> ThumbprintError:
    verify = _find(exc, ssl.SSLCertVerificationError)
    text = str(verify.verify_message) if verify is not None else ""
    if "certificate has expired" in text:
        advice = "the server's certificate has expired: renew it on the proxy"
    elif "Hostname mismatch" in text or "doesn't match" in text or "not valid for" in text:
        advice = (
            f"the server's certificate is not valid for {host.split(':')[0]}: serve a "
            "certificate whose names include the proxy's public address"
        )
    elif verify is not None:
        advice = (
            "the certificate chain does not lead to a trusted CA: if the proxy uses a "
            "private CA, pass ca_bundle='<path to the CA's PEM file>'"
        )
    else:
        advice = "the TLS handshake failed; check the proxy's TLS settings"
    return ThumbprintError(step, host, f"TLS verification failed ({in_words(exc)}); {advice}")


def _connection_error(step: str, host: str, exc: BaseException) -> ThumbprintError:
    name = host.split(":")[0]
    unresolved = _find(exc, socket.gaierror)
    if unresolved is not None:
        advice = (
            f"unknown host: the DNS lookup of {name} failed "
            f"({_strerror(unresolved) or 'no such name'}); check the proxy URL's spelling"
        )
    elif _find(exc, ConnectionRefusedError) is not None:
        advice = (
            f"connection refused: nothing accepts connections at {host}; check the proxy URL "
            "and that the proxy listens on it"
        )
    elif _find(exc, http.client.RemoteDisconnected) is not None:
        advice = (
            "the server closed the connection without answering; check the proxy and any load "
            "balancer or firewall in front of it"
        )
    elif _find(exc, http.client.HTTPException) is not None:
        advice = (
            f"the server's answer is not HTTP as expected ({in_words(exc)}); check that the URL "
            "reaches the Teleport proxy's HTTPS port and not another service"
        )
    elif _find(exc, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError)):
        advice = (
            "the connection was closed during the exchange (connection reset by the server); "
            "check the proxy and any firewall"
        )
    else:
        advice = (
            f"could not connect ({in_words(exc)}); check the proxy URL and the network path to it"
        )
    return ThumbprintError(step, host, advice)


def in_words(exc: BaseException) -> str:
    """What went wrong, in words: never the class names or ``repr``s that ``requests`` and
    ``urllib3`` put in their messages (``_ChainRecordingPool(host=...): Max retries ...``)."""
    verify = _find(exc, ssl.SSLCertVerificationError)
    if verify is not None:
        return f"the certificate could not be verified: {verify.verify_message or verify.reason}"
    tls = _find(exc, ssl.SSLError)
    if tls is not None:
        reason = str(tls.reason or "").replace("_", " ").lower()
        return f"TLS error: {reason or 'the handshake failed'}"
    unresolved = _find(exc, socket.gaierror)
    if unresolved is not None:
        return f"unknown host: {_strerror(unresolved) or 'the name could not be resolved'}"
    if _find(exc, ConnectionRefusedError) is not None:
        return "connection refused"
    if _find(exc, http.client.RemoteDisconnected) is not None:
        return "the server closed the connection without answering"
    if _find(exc, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError)) is not None:
        return "connection reset by the server"
    cut = _find(exc, http.client.IncompleteRead)
    if _find(exc, urllib3.exceptions.InvalidChunkLength) is not None or (
        cut is not None and isinstance(cut.__context__, ValueError)
    ):
        return "a chunk of the body has an invalid length (broken chunked encoding)"
    short = _find(exc, urllib3.exceptions.IncompleteRead)
    if short is not None:
        return (
            f"the connection closed after {short.partial} bytes of the body, "
            f"{short.expected} more expected"
        )
    if cut is not None:
        return f"the connection closed after {len(cut.partial)} bytes of the body"
    status = _find(exc, http.client.BadStatusLine)
    if status is not None:
        line = status.args[0] if status.args else ""
        return f"not an HTTP answer: its first line is {_short(str(line), 60)!r}"
    protocol = _find(exc, http.client.HTTPException)
    if protocol is not None:
        return f"not a valid HTTP answer: {_short(str(protocol), 120)}"
    if _find(exc, urllib3.exceptions.DecodeError) is not None:
        return "the body could not be decoded as its Content-Encoding header says"
    if _find(exc, (TimeoutError, urllib3.exceptions.TimeoutError)) is not None:
        return "timed out"
    failed = _find(exc, OSError)
    if failed is not None and _strerror(failed):
        return _strerror(failed)
    text = _short(str(exc), 200)
    return "no further detail" if not text or _LIBRARY_TALK.search(text) else text


def _strerror(exc: OSError) -> str:
    text = exc.strerror if isinstance(exc.strerror, str) else ""
    return text[:1].lower() + text[1:]


_E = TypeVar("_E", bound=BaseException)
#: What requests and urllib3 put in messages that means nothing to a user.
_LIBRARY_TALK = re.compile(
    r"Pool\(|Connection\(|object at 0x|Caused by|Max retries|\w+(?:Error|Exception)\("
)


def _find(exc: BaseException, kind: type[_E] | tuple[type[_E], ...]) -> _E | None:
    """The innermost exception of type ``kind`` in ``exc``'s chain, through ``requests``' and
    ``urllib3``'s wrappers (``__cause__``, ``__context__``, ``MaxRetryError.reason``, an
    exception given as first argument)."""
    found: _E | None = None
    seen: set[int] = set()
    pending: list[BaseException] = [exc]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, kind):
            found = current
        first = current.args[0] if current.args else None
        reason = getattr(current, "reason", None)
        for inner in (first, current.__context__, current.__cause__, reason):
            if isinstance(inner, BaseException):
                pending.append(inner)
    return found


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"
