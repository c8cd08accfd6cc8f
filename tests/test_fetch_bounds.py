"""The fetch seam's bounds and failure mapping (issue 13 items 10 and 11): every GET ends within
its deadline whatever the server does, and every way a body or a CA bundle can fail becomes a
ThumbprintError or InvalidArgumentError with the fix, never a raw urllib3/OSError."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from teleport_oidc import InvalidArgumentError, ThumbprintError, lookup_thumbprints
from teleport_oidc.cli.main import main
from teleport_oidc.lookups import fetch as _fetch

from .tls_server import Pki

HEADERS = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"


def trickle_body(wfile: Any) -> None:
    """Headers promising 1000 bytes, then one byte every 0.4 s (400 s in all)."""
    wfile.write(HEADERS + b"Content-Length: 1000\r\n\r\n")
    wfile.flush()
    for _ in range(1000):
        time.sleep(0.4)
        wfile.write(b" ")
        wfile.flush()


def trickle_headers(wfile: Any) -> None:
    """The status line, then one header byte every 0.4 s."""
    wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
    wfile.flush()
    for _ in range(1000):
        time.sleep(0.4)
        wfile.write(b"a")
        wfile.flush()


def stall_after_headers(wfile: Any) -> None:
    wfile.write(HEADERS + b"Content-Length: 100\r\n\r\n")
    wfile.flush()
    time.sleep(30)


def truncated_body(wfile: Any) -> None:
    wfile.write(HEADERS + b'Content-Length: 100\r\n\r\n{"issuer": ')
    wfile.flush()


def broken_chunks(wfile: Any) -> None:
    wfile.write(HEADERS + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")
    wfile.flush()


def huge_body(wfile: Any) -> None:
    size = _fetch.MAX_BODY_BYTES + 10
    wfile.write(HEADERS + f"Content-Length: {size}\r\n\r\n".encode())
    wfile.write(b" " * size)
    wfile.flush()


def lookup_error(pki: Pki, writer: Any, timeout: float) -> tuple[ThumbprintError, float]:
    with pki.serve() as server:
        server.behaviour.discovery_writer = writer
        started = time.monotonic()
        with pytest.raises(ThumbprintError) as info:
            lookup_thumbprints(server.url, ca_bundle=str(pki.ca_bundle), timeout=timeout)
        elapsed = time.monotonic() - started
    assert info.value.step == "discovery"
    return info.value, elapsed


@pytest.mark.parametrize("writer", [trickle_body, trickle_headers], ids=["body", "headers"])
def test_a_trickling_server_cannot_hold_a_lookup_past_its_deadline(pki: Pki, writer: Any) -> None:
    error, elapsed = lookup_error(pki, writer, timeout=1)
    assert "no complete answer within 1 s" in str(error)
    # Without the deadline this took 400 s; the bound is 2 * timeout (two GETs at most).
    assert elapsed < 2 * 1 + 1


def test_a_stall_after_the_headers_is_a_thumbprint_error_with_the_fix(pki: Pki) -> None:
    error, _ = lookup_error(pki, stall_after_headers, timeout=1)
    assert "raise timeout" in str(error)
    assert "headers, then nothing for 1 s" in str(error) or "no complete answer" in str(error)


@pytest.mark.parametrize("writer", [truncated_body, broken_chunks], ids=["truncated", "chunked"])
def test_a_cut_off_or_malformed_body_is_a_thumbprint_error_with_the_fix(
    pki: Pki, writer: Any
) -> None:
    error, _ = lookup_error(pki, writer, timeout=5)
    assert "cut off or malformed" in str(error)
    assert "load balancer" in str(error)


def test_an_answer_over_one_mebibyte_is_refused(pki: Pki) -> None:
    error, _ = lookup_error(pki, huge_body, timeout=5)
    assert "larger than 1024 KiB" in str(error)


# --- ca_bundle ---------------------------------------------------------------------------------


def test_a_missing_ca_bundle_is_an_invalid_argument_naming_it(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.pem")
    with pytest.raises(InvalidArgumentError, match="ca_bundle does not exist") as info:
        lookup_thumbprints("https://teleport.example.com", ca_bundle=missing)
    assert info.value.argument == "ca_bundle" and info.value.value == missing


def test_a_folder_as_ca_bundle_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgumentError, match="is not a file"):
        lookup_thumbprints("https://teleport.example.com", ca_bundle=str(tmp_path))


def test_a_non_pem_ca_bundle_is_reported_as_such_not_blamed_on_the_proxy(tmp_path: Path) -> None:
    bundle = tmp_path / "ca.der"
    bundle.write_bytes(b"\x30\x82\x01\x0a garbage, not PEM")
    with pytest.raises(InvalidArgumentError, match="is not a PEM file") as info:
        lookup_thumbprints("https://teleport.example.com", ca_bundle=str(bundle))
    assert "openssl x509 -inform der" in info.value.fix


def test_an_unreadable_ca_bundle_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("x")

    def denied(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(_fetch, "open", denied, raising=False)  # root reads any file
    with pytest.raises(InvalidArgumentError, match="permission denied"):
        _fetch.check_ca_bundle(str(bundle))


def test_a_ca_bundle_gone_by_the_time_of_the_request_is_a_thumbprint_error(
    pki: Pki, tmp_path: Path
) -> None:
    with pki.serve() as server, pytest.raises(ThumbprintError, match="pass ca_bundle="):
        _fetch.https_get(
            server.url + "/.well-known/openid-configuration",
            timeout=5,
            ca_bundle=str(tmp_path / "gone.pem"),
            step="discovery",
        )


def test_the_thumbprint_command_reports_a_missing_bundle_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["thumbprint", "https://teleport.example.com", "--ca-bundle", str(tmp_path / "x.pem")]
    )
    captured = capsys.readouterr()
    assert code == 2
    assert "ca_bundle does not exist" in captured.err and "Traceback" not in captured.err
