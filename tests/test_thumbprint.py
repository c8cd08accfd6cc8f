"""The thumbprint lookup against a loopback HTTPS server with real chains (no internet)."""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import threading
from pathlib import Path
from typing import Any

import pulumi
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from teleport_oidc import (
    InvalidArgumentError,
    TeleportOidcWarning,
    ThumbprintError,
    lookup_thumbprints,
    lookup_thumbprints_output,
)
from teleport_oidc.lookups import fetch as _fetch
from teleport_oidc.lookups import thumbprint as _thumbprint
from teleport_oidc.lookups.thumbprint import lookup_certificates

from .conftest import Run
from .tls_server import OidcServer, Pki, closed_port, sha1_of_pem

NOW = dt.datetime.now(dt.timezone.utc)


def self_signed(tmp: Path) -> tuple[bytes, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - dt.timedelta(days=1))
        .not_valid_after(NOW + dt.timedelta(days=90))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return cert_pem, key_pem


# --- which certificate -------------------------------------------------------------------------


def test_leaf_and_intermediate_gives_the_intermediate(pki: Pki) -> None:
    with pki.serve() as server:
        result = lookup_thumbprints(server.url, ca_bundle=str(pki.ca_bundle))
    assert result == [sha1_of_pem(pki.intermediate.cert_pem.bytes())]
    assert result[0] != sha1_of_pem(pki.root.cert_pem.bytes())


def test_a_chain_ending_with_the_root_gives_the_root(pki: Pki) -> None:
    with pki.serve(include_root=True) as server:
        result = lookup_thumbprints(server.url, ca_bundle=str(pki.ca_bundle))
    assert result == [sha1_of_pem(pki.root.cert_pem.bytes())]


def test_a_self_signed_leaf_gives_its_own_thumbprint(tmp_path: Path) -> None:
    cert_pem, key_pem = self_signed(tmp_path)
    bundle = tmp_path / "self.pem"
    bundle.write_bytes(cert_pem)
    with OidcServer(cert_pem, key_pem, tmp=tmp_path) as server:
        assert lookup_thumbprints(server.url, ca_bundle=str(bundle)) == [sha1_of_pem(cert_pem)]


def test_thumbprints_are_forty_lowercase_hex(pki: Pki) -> None:
    with pki.serve() as server:
        (thumb,) = lookup_thumbprints(server.url, ca_bundle=str(pki.ca_bundle))
    assert len(thumb) == 40
    assert thumb == thumb.lower()
    int(thumb, 16)


def test_a_jwks_uri_on_another_host_adds_its_thumbprint_after_the_issuers(pki: Pki) -> None:
    (pki.tmp / "other").mkdir()
    other = Pki(pki.tmp / "other")
    bundle = pki.tmp / "both.pem"
    bundle.write_bytes(pki.root.cert_pem.bytes() + other.root.cert_pem.bytes())
    with pki.serve() as issuer, other.serve(host="127.0.0.1") as jwks:
        issuer.behaviour.jwks_uri = f"{jwks.url}/.well-known/jwks-oidc"
        result = lookup_thumbprints(issuer.url, ca_bundle=str(bundle))
        assert jwks.counters.jwks == 1
    assert result == [
        sha1_of_pem(pki.intermediate.cert_pem.bytes()),
        sha1_of_pem(other.intermediate.cert_pem.bytes()),
    ]


def test_certificate_details_name_the_host_and_subject(pki: Pki) -> None:
    with pki.serve() as server:
        (info,) = lookup_certificates(server.url, ca_bundle=str(pki.ca_bundle))
    assert info.host == f"localhost:{server.port}"
    assert info.chain_length == 2
    assert info.not_after > NOW
    assert "O=trustme" in info.subject


# --- caching -----------------------------------------------------------------------------------


def test_one_hundred_lookups_make_one_discovery_request_and_one_handshake(pki: Pki) -> None:
    with pki.serve() as server:
        results = [lookup_thumbprints(server.url, ca_bundle=str(pki.ca_bundle)) for _ in range(100)]
        assert (server.counters.discovery, server.counters.handshakes) == (1, 1)
    assert len({tuple(r) for r in results}) == 1


def test_concurrent_lookups_share_one_request(pki: Pki) -> None:
    with pki.serve() as server:
        server.behaviour.delay = 0.2
        threads = [
            threading.Thread(
                target=lookup_thumbprints,
                args=(server.url,),
                kwargs={"ca_bundle": str(pki.ca_bundle)},
            )
            for _ in range(8)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert server.counters.discovery == 1


def test_different_options_are_cached_apart(pki: Pki) -> None:
    with pki.serve() as server:
        lookup_thumbprints(server.url, ca_bundle=str(pki.ca_bundle))
        lookup_thumbprints(server.url, ca_bundle=str(pki.ca_bundle), timeout=5)
        assert server.counters.discovery == 2


# --- errors ------------------------------------------------------------------------------------


def expect(step: str, pattern: str, url: str, **kwargs: Any) -> ThumbprintError:
    with pytest.raises(ThumbprintError, match=pattern) as info:
        lookup_thumbprints(url, **kwargs)
    assert info.value.step == step
    assert "Traceback" not in str(info.value)
    return info.value


def test_dns_failure_names_the_host() -> None:
    error = expect(
        "discovery",
        "DNS lookup of no-such-host.invalid failed",
        "https://no-such-host.invalid",
        timeout=5,
    )
    assert error.host == "no-such-host.invalid"


def test_connection_refused_is_retried_once_then_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    sleeps: list[float] = []
    monkeypatch.setattr(_fetch.time, "sleep", sleeps.append)
    with closed_port() as port:
        expect("discovery", "connection refused", f"https://localhost:{port}", timeout=5)
    assert sleeps == [0.5]


def test_a_reset_during_the_handshake_is_reported(pki: Pki) -> None:
    with pki.serve() as server:
        server.behaviour.reset_handshake = True
        expect(
            "discovery",
            "closed during the exchange|connection",
            server.url,
            ca_bundle=str(pki.ca_bundle),
            timeout=5,
        )


def test_a_slow_server_times_out_within_the_timeout(pki: Pki) -> None:
    with pki.serve() as server:
        server.behaviour.delay = 2.0
        expect(
            "discovery",
            r"no (complete )?answer within 0.5 s",
            server.url,
            ca_bundle=str(pki.ca_bundle),
            timeout=0.5,
        )


def test_an_untrusted_chain_suggests_ca_bundle(pki: Pki) -> None:
    with pki.serve() as server:
        expect("discovery", "pass ca_bundle=", server.url)


def test_a_self_signed_server_without_ca_bundle_suggests_it(tmp_path: Path) -> None:
    cert_pem, key_pem = self_signed(tmp_path)
    with OidcServer(cert_pem, key_pem, tmp=tmp_path) as server:
        expect("discovery", "pass ca_bundle=", server.url)


def test_a_certificate_for_another_host_is_refused(pki: Pki) -> None:
    with pki.serve(hosts=("other.example.com",)) as server:
        expect("discovery", "not valid for localhost", server.url, ca_bundle=str(pki.ca_bundle))


def test_an_expired_certificate_is_refused(pki: Pki) -> None:
    with pki.serve(leaf_only=True, not_after=NOW - dt.timedelta(days=1)) as server:
        expect("discovery", "expired", server.url, ca_bundle=str(pki.ca_bundle))


@pytest.mark.parametrize(("status", "pattern"), [(404, "HTTP 404"), (500, "HTTP 500")])
def test_a_failing_discovery_endpoint_is_reported(pki: Pki, status: int, pattern: str) -> None:
    with pki.serve() as server:
        server.behaviour.discovery_status = status
        expect("discovery", pattern, server.url, ca_bundle=str(pki.ca_bundle))


def test_invalid_json_is_reported(pki: Pki) -> None:
    with pki.serve() as server:
        server.behaviour.discovery_body = b"<html>login</html>"
        expect("discovery", "did not return JSON", server.url, ca_bundle=str(pki.ca_bundle))


def test_a_missing_jwks_uri_is_reported(pki: Pki) -> None:
    with pki.serve() as server:
        server.behaviour.discovery_body = f'{{"issuer": "{server.url}"}}'.encode()
        expect("discovery", "no jwks_uri", server.url, ca_bundle=str(pki.ca_bundle))


def test_an_issuer_mismatch_names_both_values(pki: Pki) -> None:
    with pki.serve() as server:
        server.behaviour.issuer = "https://Teleport.Example.com"
        error = expect("discovery", "STS would refuse", server.url, ca_bundle=str(pki.ca_bundle))
    assert "'https://Teleport.Example.com'" in str(error)
    assert repr(server.url) in str(error)


def test_an_empty_chain_is_reported() -> None:
    def fetch(url: str, **_: Any) -> _fetch.FetchResult:
        body = b'{"issuer": "https://t.example.com", "jwks_uri": "https://t.example.com/k"}'
        return _fetch.FetchResult(url, 200, body, ())

    with pytest.raises(ThumbprintError, match="no certificate chain"):
        lookup_certificates("https://t.example.com", fetch=fetch)


def test_an_expired_last_certificate_is_refused_even_if_the_handshake_passed(pki: Pki) -> None:
    expired = pki.root.issue_cert("localhost", not_after=NOW - dt.timedelta(days=1))
    der = __import__("ssl").PEM_cert_to_DER_cert(expired.cert_chain_pems[0].bytes().decode())

    def fetch(url: str, **_: Any) -> _fetch.FetchResult:
        body = b'{"issuer": "https://t.example.com", "jwks_uri": "https://t.example.com/k"}'
        return _fetch.FetchResult(url, 200, body, (der,))

    with pytest.raises(ThumbprintError, match="expired at"):
        lookup_certificates("https://t.example.com", fetch=fetch)


def test_a_certificate_expiring_within_30_days_warns(pki: Pki) -> None:
    with pki.serve(leaf_only=True, not_after=NOW + dt.timedelta(days=10)) as server:
        with pytest.warns(TeleportOidcWarning, match="expires at"):
            (thumb,) = lookup_thumbprints(server.url, ca_bundle=str(pki.ca_bundle))
    assert len(thumb) == 40


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [({"timeout": 0}, "timeout"), ({"timeout": -1}, "timeout"), ({"ca_bundle": ""}, "ca_bundle")],
)
def test_bad_options_are_rejected(kwargs: dict[str, Any], argument: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        lookup_thumbprints("https://t.example.com", **kwargs)
    assert info.value.argument == argument


@pytest.mark.parametrize("url", ["http://t.example.com", "https://t.example.com/path", ""])
def test_bad_issuer_urls_are_rejected(url: str) -> None:
    with pytest.raises(InvalidArgumentError, match="issuer_url"):
        lookup_thumbprints(url)


# --- the Output helper -------------------------------------------------------------------------


def test_the_output_helper_resolves_when_the_url_is_known(pki: Pki, run: Run) -> None:
    seen: list[Any] = []
    with pki.serve() as server:
        run(
            lambda: lookup_thumbprints_output(
                pulumi.Output.from_input(server.url), ca_bundle=str(pki.ca_bundle)
            ).apply(seen.append)
        )
    assert seen == [[sha1_of_pem(pki.intermediate.cert_pem.bytes())]]


def test_a_preview_with_an_unknown_url_makes_no_network_call(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(_thumbprint, "lookup_thumbprints", lambda url, **_: calls.append(url))

    def program() -> None:
        import asyncio

        loop = asyncio.get_event_loop()
        value, known = loop.create_future(), loop.create_future()
        value.set_result(None)
        known.set_result(False)
        lookup_thumbprints_output(pulumi.Output(set(), value, known))

    run(program, preview=True)
    assert calls == []


def test_a_failed_lookup_in_preview_warns_instead_of_failing(run: Run) -> None:
    with closed_port() as port:
        rec = run(
            lambda: lookup_thumbprints_output(f"https://localhost:{port}", timeout=1), preview=True
        )
    assert "preview shows the thumbprints as unknown" in rec.warnings[0]


def test_a_failed_lookup_during_up_fails_the_deployment(run: Run) -> None:
    with closed_port() as port, pytest.raises(ThumbprintError, match="connection refused"):
        run(lambda: lookup_thumbprints_output(f"https://localhost:{port}", timeout=1))


def test_sha1_is_of_the_der_bytes(pki: Pki) -> None:
    pem = pki.intermediate.cert_pem.bytes()
    der = __import__("ssl").PEM_cert_to_DER_cert(pem.decode())
    assert sha1_of_pem(pem) == hashlib.sha1(der).hexdigest()


def test_the_standard_proxy_variables_are_honoured_and_the_chain_is_the_origins(
    pki: Pki, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .tls_server import ConnectProxy

    with pki.serve() as server, ConnectProxy() as proxy:
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        result = lookup_thumbprints(server.url, ca_bundle=str(pki.ca_bundle))
    assert proxy.tunnels == [f"localhost:{server.port}"]
    assert result == [sha1_of_pem(pki.intermediate.cert_pem.bytes())]


def test_the_test_proxy_never_leaves_loopback() -> None:
    import socket

    from .tls_server import ConnectProxy

    with ConnectProxy() as proxy:
        port = int(proxy.url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
            client.sendall(b"CONNECT teleport.example.com:443 HTTP/1.1\r\n\r\n")
            answer = client.recv(1024)
    assert answer.startswith(b"HTTP/1.1 403")
    assert proxy.tunnels == ["teleport.example.com:443"]
