"""What the lookups and tctl say when something fails (issue 19 item 8): what failed, in words,
never the class names and reprs of the HTTP libraries underneath."""

from __future__ import annotations

import datetime as dt
import re
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from teleport_oidc import ThumbprintError, lookup_thumbprints
from teleport_oidc.cli import doctor
from teleport_oidc.cli.doctor import run_checks
from teleport_oidc.errors import ClusterLookupError, TctlError
from teleport_oidc.lookups import cluster as _cluster
from teleport_oidc.lookups.cluster import lookup_cluster
from teleport_oidc.lookups.thumbprint import EXPIRY_WARNING_DAYS, LEAF_EXPIRY_WARNING_DAYS
from teleport_oidc.teleport.tctl import Connection, Tctl

from .tls_server import Pki, closed_port

#: What requests and urllib3 put in their messages: our classes' names, reprs, retry talk.
INTERNALS = re.compile(
    r"_ChainRecording|Max retries|Caused by|object at 0x|HTTPSConnection|host='|"
    r"NewConnectionError|NameResolutionError|SSLError\(|ProtocolError|IncompleteRead\(|_ssl\.c"
)


@pytest.fixture
def real_fetch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_cluster, "FETCH", None)


@pytest.fixture
def unknown_host(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """``nowhere.example.com`` does not resolve (answered here: no query leaves the machine)."""
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "nowhere.example.com":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield "https://nowhere.example.com"


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port that accepts connections and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def truncated(wfile: Any) -> None:
    wfile.write(b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"issuer": ')
    wfile.flush()


def broken_chunks(wfile: Any) -> None:
    wfile.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")
    wfile.flush()


def both_lookups(url: str, **kwargs: Any) -> list[str]:
    """The cluster lookup's and the thumbprint lookup's message for one proxy."""
    messages = []
    with pytest.raises(ClusterLookupError) as cluster:
        lookup_cluster(url, **kwargs)
    messages.append(str(cluster.value))
    with pytest.raises(ThumbprintError) as thumbprint:
        lookup_thumbprints(url, **kwargs)
    messages.append(str(thumbprint.value))
    return messages


def assert_in_words(messages: list[str], *words: str) -> None:
    for message in messages:
        assert not INTERNALS.search(message), message
        for word in words:
            assert word in message, message


@pytest.mark.usefixtures("real_fetch")
def test_a_refused_connection_is_said_in_words() -> None:
    with closed_port() as port:
        messages = both_lookups(f"https://localhost:{port}", timeout=2)
    assert_in_words(messages, "connection refused", "nothing accepts connections at localhost:")


@pytest.mark.usefixtures("real_fetch")
def test_an_unknown_host_is_said_in_words(unknown_host: str) -> None:
    messages = both_lookups(unknown_host, timeout=2)
    assert_in_words(
        messages, "unknown host", "DNS lookup of nowhere.example.com failed", "spelling"
    )


@pytest.mark.usefixtures("real_fetch")
def test_an_untrusted_chain_is_said_in_words(pki: Pki) -> None:
    with pki.serve() as server:
        messages = both_lookups(server.url, timeout=5)
    assert_in_words(
        messages, "the certificate could not be verified: unable to get local issuer", "ca_bundle"
    )


@pytest.mark.usefixtures("real_fetch")
def test_a_certificate_for_another_name_is_said_in_words(pki: Pki) -> None:
    with pki.serve(hosts=("other.example.com",)) as server:
        messages = both_lookups(server.url, timeout=5, ca_bundle=str(pki.ca_bundle))
    assert_in_words(messages, "Hostname mismatch", "not valid for localhost")


@pytest.mark.usefixtures("real_fetch")
def test_an_expired_certificate_is_said_in_words(pki: Pki) -> None:
    expired = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)
    with pki.serve(not_after=expired) as server:
        messages = both_lookups(server.url, timeout=5, ca_bundle=str(pki.ca_bundle))
    assert_in_words(messages, "certificate has expired", "renew it")


@pytest.mark.usefixtures("real_fetch")
def test_a_reset_during_the_handshake_is_said_in_words(pki: Pki) -> None:
    with pki.serve() as server:
        server.behaviour.reset_handshake = True
        messages = both_lookups(server.url, timeout=5, ca_bundle=str(pki.ca_bundle))
    assert_in_words(messages, "connection reset by the server")


@pytest.mark.usefixtures("real_fetch")
def test_a_timeout_is_said_in_words(silent_port: int) -> None:
    started = time.monotonic()
    messages = both_lookups(f"https://localhost:{silent_port}", timeout=0.5)
    assert time.monotonic() - started < 5
    assert_in_words(messages, "within 0.5 s", "raise timeout")


@pytest.mark.parametrize(
    ("writer", "words"),
    [
        (truncated, "the connection closed after 11 bytes of the body, 89 more expected"),
        (broken_chunks, "a chunk of the body has an invalid length (broken chunked encoding)"),
    ],
    ids=["truncated", "chunked"],
)
def test_a_cut_off_answer_is_said_in_words(
    pki: Pki, writer: Callable[[Any], None], words: str
) -> None:
    with pki.serve() as server:
        server.behaviour.discovery_writer = writer
        with pytest.raises(ThumbprintError) as got:
            lookup_thumbprints(server.url, ca_bundle=str(pki.ca_bundle), timeout=5)
    assert_in_words([str(got.value)], words, "cut off or malformed")


# --- other messages ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("jwks_uri", "kind"),
    [(5, "number"), (["https://x"], "array"), ({}, "object"), (True, "boolean")],
)
def test_a_jwks_uri_that_is_not_a_string_is_said_to_be_one(
    pki: Pki, jwks_uri: Any, kind: str
) -> None:
    import json

    with pki.serve() as server:
        server.behaviour.discovery_body = json.dumps(
            {"issuer": server.url, "jwks_uri": jwks_uri}
        ).encode()
        with pytest.raises(ThumbprintError) as got:
            lookup_thumbprints(server.url, ca_bundle=str(pki.ca_bundle))
    assert f"jwks_uri is a JSON {kind}, not a string" in str(got.value)
    assert "no jwks_uri" not in str(got.value)


def test_tctls_error_output_that_is_not_utf8_is_named_in_good_grammar(tmp_path: Path) -> None:
    script = tmp_path / "tctl"
    script.write_text("#!/bin/sh\nprintf '\\377 caf\\351' >&2\nexit 1\n")
    script.chmod(0o755)
    with pytest.raises(TctlError) as got:
        Tctl(Connection(tctl_path=str(script))).get("integration", "x")
    assert str(got.value).startswith("tctl's error output (stderr) is not UTF-8 text (byte 0)")


def test_tctls_output_that_is_not_utf8_is_named_in_good_grammar(tmp_path: Path) -> None:
    script = tmp_path / "tctl"
    script.write_text("#!/bin/sh\nprintf 'caf\\351'\nexit 0\n")
    script.chmod(0o755)
    with pytest.raises(TctlError) as got:
        Tctl(Connection(tctl_path=str(script))).get("integration", "x")
    assert str(got.value).startswith("tctl's output (stdout) is not UTF-8 text (byte 3)")


def test_doctors_docstring_says_what_fails_and_what_warns_as_doctor_does(pki: Pki) -> None:
    soon = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3)
    with pki.serve(not_after=soon) as server:
        checks = run_checks(server.url, ca_bundle=str(pki.ca_bundle))
    leaf = next(c for c in checks if c.name.startswith("proxy certificate valid for"))
    assert not leaf.ok  # a FAIL, not a WARN
    text = " ".join((doctor.__doc__ or "").split())
    leaf_rule = f"own certificate expiring within {LEAF_EXPIRY_WARNING_DAYS} days is a FAIL"
    pinned_rule = f"the thumbprint's) expiring within {EXPIRY_WARNING_DAYS} days"
    assert leaf_rule in text and pinned_rule in text
    assert "(a certificate expiring) is a WARN" not in text


# --- answers that are not HTTP, or not as their headers say -----------------------------------

NOT_HTTP = {
    "101 headers": (
        b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-%d: a\r\n" % i for i in range(101)) + b"\r\n",
        "not a valid HTTP answer: got more than 100 headers",
    ),
    "a header line over 64 KiB": (
        b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n",
        "not a valid HTTP answer: got more than 65536 bytes when reading header line",
    ),
    "another protocol": (
        b"SSH-2.0-OpenSSH_9.6\r\n",
        "not an HTTP answer: its first line is 'SSH-2.0-OpenSSH_9.6'",
    ),
    "a status that is not a number": (
        b"HTTP/1.1 abc OK\r\n\r\n",
        "not an HTTP answer: its first line is 'HTTP/1.1 abc OK'",
    ),
    "nothing at all": (b"", "the server closed the connection without answering"),
    "a body that is not the gzip it claims": (
        b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 10\r\n\r\nnot gzip!!",
        "the body could not be decoded as its Content-Encoding header says",
    ),
}


@pytest.mark.parametrize(("raw", "words"), NOT_HTTP.values(), ids=NOT_HTTP.keys())
def test_an_answer_that_is_not_http_is_said_in_words(pki: Pki, raw: bytes, words: str) -> None:
    def writer(wfile: Any) -> None:
        wfile.write(raw)
        wfile.flush()

    with pki.serve() as server:
        server.behaviour.discovery_writer = writer
        with pytest.raises(ThumbprintError) as got:
            lookup_thumbprints(server.url, ca_bundle=str(pki.ca_bundle), timeout=5)
    assert_in_words([str(got.value)], words)
    assert "could not connect" not in str(got.value)  # it connected; the answer was wrong
