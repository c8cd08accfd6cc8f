"""A loopback HTTPS server that plays a Teleport proxy's OIDC endpoints and ``/webapi/find``
with real certificate chains (made per test run with trustme), counting what it serves, with
injectable faults."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import trustme


def sha1_of_pem(pem: bytes) -> str:
    return hashlib.sha1(ssl.PEM_cert_to_DER_cert(pem.decode())).hexdigest()


@dataclass
class Behaviour:
    """What the server does; tests change it while it runs."""

    issuer: str | None = None  # None: the server's own URL
    jwks_uri: str | None = None  # None: <own URL>/.well-known/jwks-oidc
    discovery_status: int = 200
    discovery_body: bytes | None = None  # raw body instead of the document
    delay: float = 0.0  # seconds before answering (slow server)
    reset_handshake: bool = False  # close with RST before the TLS handshake
    jwks_keys: bool = True  # False: the JWKS answers with no keys
    jwks_body: bytes | None = None  # raw body instead of the key set
    cluster_name: str = "teleport.example.com"  # what /webapi/find reports
    server_version: str = "18.2.1"
    find_status: int = 200
    find_body: bytes | None = None  # raw body instead of the PingResponse
    # Writes the raw HTTP answer to the discovery request itself (status line, headers, body):
    # trickles, stalls, truncated or malformed bodies.
    discovery_writer: Callable[[Any], None] | None = None
    issuer_from_host: bool = False  # True: issuer https://<Host header>, as a proxy of that name


@dataclass
class Counters:
    handshakes: int = 0
    discovery: int = 0
    jwks: int = 0
    find: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str) -> None:
        with self.lock:
            setattr(self, name, getattr(self, name) + 1)


class OidcServer:
    def __init__(
        self,
        chain_pem: bytes,
        key_pem: bytes,
        host: str = "localhost",
        tmp: Path | None = None,
        port: int = 0,
    ) -> None:
        self.behaviour = Behaviour()
        self.counters = Counters()
        self.host = host
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        assert tmp is not None
        cert_file = tmp / f"server-{id(self)}.pem"
        cert_file.write_bytes(key_pem + chain_pem)
        context.load_cert_chain(str(cert_file))
        self.context = context
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                b = outer.behaviour
                if b.delay:
                    time.sleep(b.delay)
                if self.path == "/.well-known/openid-configuration":
                    outer.counters.add("discovery")
                    if b.discovery_writer is not None:
                        with contextlib.suppress(OSError):
                            b.discovery_writer(self.wfile)
                        self.close_connection = True
                        return
                    own = outer.url
                    if b.issuer_from_host:
                        own = "https://" + str(self.headers.get("Host", "")).removesuffix(":443")
                    body = (
                        b.discovery_body
                        if b.discovery_body is not None
                        else json.dumps(
                            {
                                "issuer": b.issuer or own,
                                "jwks_uri": b.jwks_uri or f"{own}/.well-known/jwks-oidc",
                                "claims": ["iss", "sub", "obo", "aud", "jti", "iat", "exp", "nbf"],
                                "id_token_signing_alg_values_supported": ["RS256"],
                                "response_types_supported": ["id_token"],
                                "scopes_supported": ["openid"],
                                "subject_types_supported": ["public", "pair-wise"],
                            }
                        ).encode()
                    )
                    self._send(b.discovery_status, body)
                elif self.path == "/.well-known/jwks-oidc":
                    outer.counters.add("jwks")
                    key = {"kty": "RSA", "use": "sig", "alg": "RS256", "n": "AQAB", "e": "AQAB"}
                    keys = [key] if outer.behaviour.jwks_keys else []
                    jwks = outer.behaviour.jwks_body
                    self._send(
                        200, jwks if jwks is not None else json.dumps({"keys": keys}).encode()
                    )
                elif self.path == "/webapi/find":
                    outer.counters.add("find")
                    # The fields of Teleport's webclient.PingResponse (api/client/webclient).
                    ping = {
                        "auth": {"type": "local", "second_factor": "on"},
                        "proxy": {"kube": {}, "ssh": {}, "db": {}, "tls_routing_enabled": True},
                        "server_version": b.server_version,
                        "min_client_version": "17.0.0",
                        "cluster_name": b.cluster_name,
                        "automatic_upgrades": False,
                        "edition": "oss",
                        "fips": False,
                    }
                    body = b.find_body if b.find_body is not None else json.dumps(ping).encode()
                    self._send(b.find_status, body)
                else:
                    self._send(404, b"not found")

            def _send(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def get_request(self) -> tuple[socket.socket, Any]:
                sock, addr = super().get_request()
                if outer.behaviour.reset_handshake:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    sock.close()
                    raise OSError("reset on purpose")
                sock.settimeout(5)
                try:
                    tls = outer.context.wrap_socket(sock, server_side=True)
                except (ssl.SSLError, OSError):
                    sock.close()
                    raise
                outer.counters.add("handshakes")
                return tls, addr

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass

        self.server = Server(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.url = f"https://{host}" if self.port == 443 else f"https://{host}:{self.port}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> OidcServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Pki:
    """A root CA, an intermediate and helpers to issue leaves; files under ``tmp``."""

    tmp: Path
    root: trustme.CA = field(default_factory=trustme.CA)

    def __post_init__(self) -> None:
        self.intermediate = self.root.create_child_ca()
        self.ca_bundle = self.tmp / "root.pem"
        self.root.cert_pem.write_to_path(str(self.ca_bundle))

    def serve(
        self,
        *,
        include_root: bool = False,
        leaf_only: bool = False,
        not_after: dt.datetime | None = None,
        hosts: tuple[str, ...] = ("localhost", "127.0.0.1"),
        host: str = "localhost",
        port: int = 0,
        extra_pem: bytes = b"",
    ) -> OidcServer:
        issuer = self.root if leaf_only else self.intermediate
        leaf = issuer.issue_cert(*hosts, not_after=not_after)
        chain = b"".join(blob.bytes() for blob in leaf.cert_chain_pems)
        if include_root:
            chain += self.root.cert_pem.bytes()
        chain += extra_pem  # sent last, e.g. an expired cross-signed root
        return OidcServer(chain, leaf.private_key_pem.bytes(), host=host, tmp=self.tmp, port=port)


def expired_cross_sign(pki: Pki) -> bytes:
    """The root's name and key, signed by an older CA and expired: what servers kept sending
    after Let's Encrypt's DST Root CA X3 cross-sign expired. Not needed to verify the chain."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    old_key = ec.generate_private_key(ec.SECP256R1())
    root: x509.Certificate = pki.root._certificate
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(root.subject)
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Old Root X3")]))
        .public_key(root.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=800))
        .not_valid_after(now - dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(old_key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


@contextlib.contextmanager
def closed_port() -> Iterator[int]:
    """A loopback port with nothing listening (connection refused)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    yield port


class ConnectProxy:
    """A loopback HTTP CONNECT proxy (what HTTPS_PROXY points at) that counts its tunnels.

    It only ever connects to loopback: a ``localhost:PORT`` target goes to ``127.0.0.1:PORT``,
    and with ``upstream_port`` every ``host:443`` goes to ``127.0.0.1:upstream_port`` (so a
    program's real host names reach a loopback stand-in). Anything else is refused (403).
    """

    def __init__(self, upstream_port: int | None = None) -> None:
        self.upstream_port = upstream_port
        self.tunnels: list[str] = []
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(32)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        self.listener.settimeout(0.05)
        while not self._stop.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                continue
            threading.Thread(target=self._tunnel, args=(client,), daemon=True).start()

    def _route(self, target: str) -> int | None:
        """The loopback port for ``target`` (``host:port``), or None to refuse it."""
        host, _, port = target.rpartition(":")
        if self.upstream_port is not None:
            return self.upstream_port if port == "443" else None
        return int(port) if host in ("localhost", "127.0.0.1") and port.isdigit() else None

    def _tunnel(self, client: socket.socket) -> None:
        with client, contextlib.suppress(OSError):
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = client.recv(4096)
                if not chunk:
                    return
                request += chunk
            target = request.split(b" ", 2)[1].decode()
            self.tunnels.append(target)
            port = self._route(target)
            if port is None:
                client.sendall(b"HTTP/1.1 403 Forbidden\r\n\r\n")
                return
            with socket.create_connection(("127.0.0.1", port), timeout=5) as upstream:
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                pipes = [
                    threading.Thread(target=self._pipe, args=(a, b), daemon=True)
                    for a, b in ((client, upstream), (upstream, client))
                ]
                for pipe in pipes:
                    pipe.start()
                for pipe in pipes:
                    pipe.join(30)

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
            sink.shutdown(socket.SHUT_WR)

    def __enter__(self) -> ConnectProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.thread.join()
        self.listener.close()
