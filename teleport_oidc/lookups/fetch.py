"""The one network seam of the thumbprint lookup: a verified HTTPS GET that also returns the
certificate chain the server presented on that connection.

Taking the chain from the very connection that fetched the document means one TLS handshake per
host, the same trust settings for both, and proxies from the standard environment variables
honoured for both (``requests`` tunnels with CONNECT, and the chain is still the origin's).

Python exposes the presented chain publicly only from 3.13 (``get_unverified_chain``); on
3.10-3.12 the same method exists on the private ``_sslobj``. Both are used behind one guarded
function, so the behaviour is identical across versions. ``get_verified_chain`` is never used:
it ends with the local trust-store root, which is not what the server sent.

Low-level exceptions are mapped to :class:`ThumbprintError` here, and only here.
"""

from __future__ import annotations

import _ssl
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
import requests.adapters
import urllib3.connection
import urllib3.connectionpool

from ..errors import ThumbprintError

__all__ = ["FetchResult", "https_get", "presented_chain"]

_RETRY_BACKOFF_SECONDS = 0.5
_MAX_BODY_BYTES = 1024 * 1024


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


def https_get(url: str, *, timeout: float, ca_bundle: str | None, step: str) -> FetchResult:
    """GET ``url`` with TLS verification (``ca_bundle`` or requests' default CA bundle).

    Retries once, after a short back-off, on connection errors only (not on TLS failures or
    timeouts, so the time spent stays bounded by about ``3 * timeout``).
    """
    host = urlsplit(url).netloc
    for attempt in (1, 2):
        try:
            return _get_once(url, timeout=timeout, ca_bundle=ca_bundle)
        except requests.exceptions.SSLError as exc:
            raise _tls_error(step, host, exc) from exc
        except requests.exceptions.Timeout as exc:
            raise ThumbprintError(
                step,
                host,
                f"no answer within {timeout:g} s; check that the proxy is reachable "
                "from here (AWS must reach it from the internet too) or raise timeout",
            ) from exc
        except requests.exceptions.ConnectionError as exc:
            if attempt == 1:
                time.sleep(_RETRY_BACKOFF_SECONDS)
                continue
            raise _connection_error(step, host, exc) from exc
        except requests.exceptions.RequestException as exc:
            raise ThumbprintError(step, host, f"the request failed: {_short(str(exc))}") from exc
    raise AssertionError("unreachable")  # pragma: no cover


class _ChainRecordingConnection(urllib3.connection.HTTPSConnection):
    """An HTTPS connection that keeps the chain the server presented during its handshake.

    Recorded at connect time: the socket itself may be closed as soon as the headers are read
    (HTTP/1.0 answers), while the connection object stays reachable from the response.
    """

    peer_chain: tuple[bytes, ...] = ()

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


def _get_once(url: str, *, timeout: float, ca_bundle: str | None) -> FetchResult:
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
            body = response.raw.read(_MAX_BODY_BYTES, decode_content=True)
            return FetchResult(url=url, status=response.status_code, body=body, chain=chain)


def _tls_error(step: str, host: str, exc: BaseException) -> ThumbprintError:
    text = str(exc)
    if "certificate has expired" in text:
        advice = "the server's certificate has expired: renew it on the proxy"
    elif "Hostname mismatch" in text or "doesn't match" in text or "not valid for" in text:
        advice = (
            f"the server's certificate is not valid for {host.split(':')[0]}: serve a "
            "certificate whose names include the proxy's public address"
        )
    elif "self-signed" in text or "unable to get local issuer" in text or "VERIFY_FAILED" in text:
        advice = (
            "the certificate chain does not lead to a trusted CA: if the proxy uses a "
            "private CA, pass ca_bundle='<path to the CA's PEM file>'"
        )
    else:
        advice = "the TLS handshake failed; check the proxy's TLS settings"
    return ThumbprintError(step, host, f"TLS verification failed ({_short(text)}); {advice}")


def _connection_error(step: str, host: str, exc: BaseException) -> ThumbprintError:
    text = str(exc)
    lowered = text.lower()
    if (
        "name or service not known" in lowered
        or "nodename nor servname" in lowered
        or "failed to resolve" in lowered
        or "name resolution" in lowered
        or "getaddrinfo" in lowered
    ):
        advice = f"DNS lookup of {host.split(':')[0]} failed: check the proxy URL's spelling"
    elif "refused" in lowered:
        advice = "connection refused: check the proxy URL and that the proxy listens on it"
    elif "reset" in lowered or "aborted" in lowered or "eof" in lowered:
        advice = "the connection was closed during the exchange: check the proxy and any firewall"
    else:
        advice = "could not connect: check the proxy URL and the network path to it"
    return ThumbprintError(step, host, f"{advice} ({_short(text)})")


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"
