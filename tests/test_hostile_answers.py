"""Hostile or broken answers from a proxy (issue 19 item 7): every answer the lookups read is a
lookup error with the way out, or a clean value, never a raw exception."""

from __future__ import annotations

import gc
import json
from typing import Any

import pulumi
import pytest

from teleport_oidc import AwsOidcIntegration, AwsOidcIntegrationArgs, lookup_thumbprints
from teleport_oidc.errors import ClusterLookupError, ThumbprintError
from teleport_oidc.features.ec2_instance_connect import deprecation_warning
from teleport_oidc.lookups import cluster as _cluster
from teleport_oidc.lookups.cluster import lookup_cluster, lookup_cluster_output, parse_find
from teleport_oidc.lookups.fetch import FetchResult

from .conftest import PROXY, THUMB, Run
from .tls_server import Pki

#: Nested far past Python's recursion limit, yet 20 KB: far under the 1 MiB cap.
DEEP = b"[" * 20_000 + b"]" * 20_000
DEEP_OBJECT = b'{"a":' * 10_000 + b"1" + b"}" * 10_000


def find_body(**fields: Any) -> bytes:
    return json.dumps({"cluster_name": "prod", **fields}).encode()


HOSTILE_FIND_ANSWERS = [
    ("nested arrays", DEEP),
    ("nested objects", DEEP_OBJECT),
    ("nested inside the version", b'{"cluster_name": "prod", "server_version": ' + DEEP + b"}"),
    ("a superscript digit as version", find_body(server_version="²")),
    ("Arabic-Indic digits as version", find_body(server_version="\u0661\u0668.0.0")),
    ("5000 digits as version", find_body(server_version="1" * 5000)),
    ("5000 digits as the major", find_body(server_version="1" * 5000 + ".0.0")),
    ("a number as version", find_body(server_version=18)),
    ("a list as version", find_body(server_version=["18.2.1"])),
    ("a version with a newline", find_body(server_version="18.2.1\n")),
    ("a 5000-digit number", b'{"cluster_name": "prod", "n": ' + b"1" * 5000 + b"}"),
    ("bytes that are not UTF-8", b'{"cluster_name": "\xff"}'),
]


@pytest.mark.parametrize(
    "body", [b for _, b in HOSTILE_FIND_ANSWERS], ids=[n for n, _ in HOSTILE_FIND_ANSWERS]
)
def test_every_hostile_find_answer_is_a_cluster_lookup_error_with_the_way_out(body: bytes) -> None:
    with pytest.raises(ClusterLookupError) as got:
        parse_find("teleport.example.com", 200, body)
    assert "cluster_name" in got.value.detail  # the way around the lookup
    assert len(str(got.value)) < 600  # the value is shown trimmed, not 5000 digits


@pytest.mark.parametrize("version", ["18.2.1", "19.0.0-beta.1", "18.2.1-dev.3+abc", "v17.4.0"])
def test_teleport_versions_are_read_as_they_are(version: str) -> None:
    assert parse_find("t", 200, find_body(server_version=version)).server_version == version


def test_a_proxy_that_reports_no_version_gives_an_empty_one() -> None:
    assert parse_find("t", 200, find_body()).server_version == ""
    assert parse_find("t", 200, find_body(server_version=None)).server_version == ""


@pytest.mark.usefixtures("real_fetch")
def test_a_deeply_nested_answer_fails_the_lookup_once_and_is_remembered(pki: Pki) -> None:
    with pki.serve() as server:
        server.behaviour.find_body = DEEP
        for _ in range(3):
            with pytest.raises(ClusterLookupError, match="nested too deeply"):
                lookup_cluster(server.url, ca_bundle=str(pki.ca_bundle))
    assert server.counters.find == 1  # memoised as a failure, not re-fetched


@pytest.mark.usefixtures("real_fetch")
def test_a_preview_against_a_deeply_nested_answer_warns_instead_of_failing(
    pki: Pki, run: Run, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[Any] = []
    with pki.serve() as server:
        server.behaviour.find_body = DEEP
        run(
            lambda: lookup_cluster_output(server.url, ca_bundle=str(pki.ca_bundle)).apply(
                seen.append
            ),
            preview=True,
        )
    assert seen == [None]
    assert "nested too deeply" in caplog.text
    assert "preview shows the cluster name as unknown" in caplog.text


@pytest.fixture
def real_fetch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_cluster, "FETCH", None)


def answering(monkeypatch: pytest.MonkeyPatch, body: bytes) -> None:
    def fetch(url: str, **_: Any) -> FetchResult:
        return FetchResult(url=url, status=200, body=body, chain=())

    monkeypatch.setattr(_cluster, "FETCH", fetch)


@pytest.mark.parametrize("version", ["²", "1" * 5000])
def test_up_with_ec2_instance_connect_and_an_unreadable_version_fails_with_a_lookup_error(
    run: Run, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, version: str
) -> None:
    answering(monkeypatch, find_body(server_version=version))

    def program() -> None:
        AwsOidcIntegration(
            "prod",
            AwsOidcIntegrationArgs(
                proxy_url=PROXY,
                integration_name="aws-prod",
                thumbprints=[THUMB],
                features={"ec2_instance_connect": True},
            ),
        )

    with caplog.at_level("ERROR", logger="asyncio"):
        with pytest.raises(ClusterLookupError, match="not a Teleport version"):
            run(program)
        # Reported once, by the run: not again by each future the SDK left holding the error
        # (the resources fed by the lookup fail every output), when they are freed.
        gc.collect()
    assert "never retrieved" not in caplog.text


def test_a_preview_with_an_unreadable_version_warns_and_shows_it_unknown(
    run: Run, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    answering(monkeypatch, find_body(server_version="²"))

    def program() -> None:
        component = AwsOidcIntegration(
            "prod",
            AwsOidcIntegrationArgs(
                proxy_url=PROXY,
                integration_name="aws-prod",
                thumbprints=[THUMB],
                features={"ec2_instance_connect": True},
            ),
        )
        pulumi.export("version", component.teleport_version)

    run(program, preview=True)
    assert "not a Teleport version" in caplog.text
    assert "not known here" in caplog.text  # the deprecation warning, without a verdict


@pytest.mark.parametrize("version", ["²", "1" * 5000, "\u0661\u0669.0.0", "19x", "", None])
def test_the_ec2_instance_connect_warning_reads_no_verdict_from_a_version_it_cannot_read(
    version: str | None,
) -> None:
    assert deprecation_warning(version).endswith("(the cluster's version is not known here)")


def test_the_ec2_instance_connect_warning_reads_the_major_of_a_teleport_version() -> None:
    assert "no longer uses it" in deprecation_warning("19.0.1")
    assert "still supports it" in deprecation_warning("v18.2.1")


# --- the discovery document and the key set, read by the thumbprint lookup ---------------------


@pytest.mark.parametrize(
    ("body", "pattern"),
    [
        (DEEP, "nested too deeply"),
        (DEEP_OBJECT, "nested too deeply"),
        (b"\xff\xfe", "did not return JSON"),
    ],
    ids=["nested arrays", "nested objects", "not UTF-8"],
)
def test_a_hostile_discovery_document_is_a_thumbprint_error(
    pki: Pki, body: bytes, pattern: str
) -> None:
    with pki.serve() as server:
        server.behaviour.discovery_body = body
        with pytest.raises(ThumbprintError, match=pattern):
            lookup_thumbprints(server.url, ca_bundle=str(pki.ca_bundle))


def test_a_jwks_uri_that_is_not_a_url_is_a_thumbprint_error(pki: Pki) -> None:
    with pki.serve() as server:
        server.behaviour.jwks_uri = "https://[::1"  # urlsplit raises ValueError on it
        with pytest.raises(ThumbprintError, match="jwks_uri 'https://\\[::1' is not"):
            lookup_thumbprints(server.url, ca_bundle=str(pki.ca_bundle))
