"""The cluster lookup (GET /webapi/find) against a loopback HTTPS server with real chains, and
what the component does with its answer."""

from __future__ import annotations

import json
import threading
from typing import Any

import pulumi
import pytest
from pulumi.output import Unknown

from teleport_oidc import AwsOidcIntegration, AwsOidcIntegrationArgs, InvalidArgumentError
from teleport_oidc.errors import ClusterLookupError, ThumbprintError
from teleport_oidc.lookups import cluster as _cluster
from teleport_oidc.lookups.cluster import ClusterInfo, lookup_cluster, lookup_cluster_output

from .conftest import FIND_VERSION, PROXY, THUMB, Run
from .tls_server import Pki, closed_port


@pytest.fixture
def real_fetch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Use the real fetch seam (loopback servers only) instead of the in-process answer."""
    monkeypatch.setattr(_cluster, "FETCH", None)


# --- the lookup --------------------------------------------------------------------------------


@pytest.mark.usefixtures("real_fetch")
def test_the_proxy_reports_its_cluster_name_and_version(pki: Pki) -> None:
    with pki.serve() as server:
        server.behaviour.cluster_name = "prod.example.com"
        server.behaviour.server_version = "19.0.1"
        info = lookup_cluster(server.url, ca_bundle=str(pki.ca_bundle))
    assert info == ClusterInfo("prod.example.com", "19.0.1")


@pytest.mark.usefixtures("real_fetch")
def test_many_lookups_of_one_proxy_make_one_request(pki: Pki) -> None:
    with pki.serve() as server:
        threads = [
            threading.Thread(
                target=lookup_cluster, args=(server.url,), kwargs={"ca_bundle": str(pki.ca_bundle)}
            )
            for _ in range(20)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for _ in range(30):
            lookup_cluster(server.url, ca_bundle=str(pki.ca_bundle))
    assert server.counters.find == 1


@pytest.mark.usefixtures("real_fetch")
@pytest.mark.parametrize(
    ("status", "body", "pattern"),
    [
        (404, None, "HTTP 404"),
        (200, b"<html>", "did not return JSON"),
        (200, b'{"server_version": "18.0.0"}', "no cluster_name"),
        (200, b"[]", "no cluster_name"),
    ],
)
def test_answers_that_are_not_teleports_are_reported(
    pki: Pki, status: int, body: bytes | None, pattern: str
) -> None:
    with pki.serve() as server:
        server.behaviour.find_status, server.behaviour.find_body = status, body
        with pytest.raises(ClusterLookupError, match=pattern) as info:
            lookup_cluster(server.url, ca_bundle=str(pki.ca_bundle))
    assert info.value.host == server.url.removeprefix("https://")
    assert "cluster_name" in str(info.value)  # the way out: give it, or fix the URL


@pytest.mark.usefixtures("real_fetch")
def test_a_refused_connection_is_reported_with_the_way_around_it() -> None:
    with closed_port() as port, pytest.raises(ClusterLookupError, match="connection refused") as e:
        lookup_cluster(f"https://localhost:{port}", timeout=1)
    assert "enable_cluster_lookup=False" in str(e.value)


@pytest.mark.usefixtures("real_fetch")
def test_an_untrusted_chain_suggests_ca_bundle(pki: Pki) -> None:
    with pki.serve() as server, pytest.raises(ClusterLookupError, match="ca_bundle"):
        lookup_cluster(server.url)


@pytest.mark.usefixtures("real_fetch")
def test_a_failure_is_cached_briefly_then_retried(
    pki: Pki, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pki.serve() as server:
        server.behaviour.find_status = 503
        for _ in range(3):
            with pytest.raises(ClusterLookupError):
                lookup_cluster(server.url, ca_bundle=str(pki.ca_bundle))
        assert server.counters.find == 1
        monkeypatch.setattr(_cluster._memo, "FAILURE_TTL", 0.0)
        _cluster.clear_cache()
        server.behaviour.find_status = 200
        assert lookup_cluster(server.url, ca_bundle=str(pki.ca_bundle)).cluster_name
        assert server.counters.find == 2


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [({"timeout": 0}, "timeout"), ({"ca_bundle": ""}, "ca_bundle")],
)
def test_bad_lookup_options_are_rejected(kwargs: dict[str, Any], argument: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        lookup_cluster(PROXY, **kwargs)
    assert info.value.argument == argument


# --- at apply time -----------------------------------------------------------------------------


@pytest.mark.usefixtures("real_fetch")
def test_the_output_helper_resolves_when_the_url_is_known(pki: Pki, run: Run) -> None:
    seen: list[Any] = []
    with pki.serve() as server:
        run(
            lambda: lookup_cluster_output(
                pulumi.Output.from_input(server.url), ca_bundle=str(pki.ca_bundle)
            ).apply(seen.append)
        )
    assert seen == [ClusterInfo("teleport.example.com", "18.2.1")]


@pytest.mark.usefixtures("real_fetch")
def test_a_failed_lookup_in_preview_warns_instead_of_failing(
    run: Run, caplog: pytest.LogCaptureFixture
) -> None:
    with closed_port() as port:
        run(lambda: lookup_cluster_output(f"https://localhost:{port}", timeout=1), preview=True)
    assert "preview shows the cluster name as unknown" in caplog.text


@pytest.mark.usefixtures("real_fetch")
def test_a_failed_lookup_during_up_fails_the_deployment(run: Run) -> None:
    with closed_port() as port, pytest.raises(ClusterLookupError, match="connection refused"):
        run(lambda: lookup_cluster_output(f"https://localhost:{port}", timeout=1))


# --- the component -----------------------------------------------------------------------------


def build(run: Run, preview: bool = False, **kwargs: Any) -> Any:
    def program() -> None:
        component = AwsOidcIntegration(
            "prod",
            AwsOidcIntegrationArgs(
                proxy_url=PROXY, integration_name="aws-prod", thumbprints=[THUMB], **kwargs
            ),
        )
        pulumi.export("cluster", component.cluster_name)
        pulumi.export("version", component.teleport_version)

    return run(program, preview=preview)


def answer(monkeypatch: pytest.MonkeyPatch, name: str, version: str) -> list[str]:
    asked: list[str] = []

    def fetch(url: str, **_: Any) -> Any:
        from teleport_oidc.lookups.fetch import FetchResult

        asked.append(url)
        body = json.dumps({"cluster_name": name, "server_version": version}).encode()
        return FetchResult(url=url, status=200, body=body, chain=())

    monkeypatch.setattr(_cluster, "FETCH", fetch)
    return asked


def test_the_cluster_tag_defaults_to_what_the_proxy_reports(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = answer(monkeypatch, "prod-cluster", "18.3.0")
    rec = build(run)
    assert rec.named("prod-role").inputs["tags"]["teleport.dev/cluster"] == "prod-cluster"
    assert rec.named("prod-provider").inputs["tags"]["teleport.dev/cluster"] == "prod-cluster"
    assert rec.exports == {"cluster": "prod-cluster", "version": "18.3.0"}
    assert asked == ["https://teleport.example.com/webapi/find"]


def test_a_given_cluster_name_needs_no_lookup(run: Run, cluster_find: list[str]) -> None:
    rec = build(run, cluster_name="given")
    assert rec.named("prod-role").inputs["tags"]["teleport.dev/cluster"] == "given"
    assert cluster_find == []
    assert rec.exports == {"cluster": "given", "version": ""}


def test_opting_out_of_the_lookup_falls_back_to_the_issuer_host(
    run: Run, cluster_find: list[str]
) -> None:
    rec = build(run, enable_cluster_lookup=False)
    assert rec.named("prod-role").inputs["tags"]["teleport.dev/cluster"] == "teleport.example.com"
    assert cluster_find == []


def test_many_integrations_on_one_proxy_make_one_lookup(run: Run, cluster_find: list[str]) -> None:
    def program() -> None:
        for index in range(5):
            AwsOidcIntegration(
                f"i{index}",
                AwsOidcIntegrationArgs(
                    proxy_url=PROXY, integration_name=f"aws-{index}", thumbprints=[THUMB]
                ),
            )

    run(program)
    assert cluster_find == ["https://teleport.example.com/webapi/find"]


def test_offline_only_the_cluster_tag_is_unknown(
    run: Run, offline: None, cluster_find: list[str]
) -> None:
    rec = build(run, preview=True)
    tags = rec.named("prod-role").inputs["tags"]
    assert isinstance(tags.pop("teleport.dev/cluster"), Unknown)
    assert tags == {
        "teleport.dev/iac-tool": "pulumi",
        "teleport.dev/integration": "aws-prod",
        "teleport.dev/origin": "integration_awsoidc",
    }
    assert cluster_find == []


@pytest.mark.parametrize(
    ("version", "verdict"),
    [("18.7.0", "which still supports it"), ("19.1.2", "which no longer uses it")],
)
def test_ec2_instance_connect_warns_with_the_clusters_verdict(
    run: Run,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    version: str,
    verdict: str,
) -> None:
    asked = answer(monkeypatch, "prod", version)
    build(run, cluster_name="given", features={"ec2_instance_connect": True})
    assert asked  # looked up for the version even though the name was given
    assert "'ec2_ssm_discovery'" in caplog.text and verdict in caplog.text


def test_ec2_instance_connect_warns_without_a_version_when_not_looked_up(
    run: Run, caplog: pytest.LogCaptureFixture, cluster_find: list[str]
) -> None:
    build(run, enable_cluster_lookup=False, features={"ec2_instance_connect": True})
    assert cluster_find == []
    assert "deprecated" in caplog.text and "not known here" in caplog.text


def test_a_bad_switch_is_refused_before_anything_exists() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        AwsOidcIntegration(
            "prod",
            AwsOidcIntegrationArgs(
                proxy_url=PROXY,
                integration_name="aws-prod",
                thumbprints=[THUMB],
                enable_cluster_lookup="no",  # type: ignore[arg-type]
            ),
        )
    assert info.value.argument == "enable_cluster_lookup"


def test_the_default_version_answer_is_the_fixtures(run: Run) -> None:
    assert build(run).exports["version"] == FIND_VERSION


def test_a_preview_whose_lookup_fails_still_warns_about_ec2_instance_connect(
    run: Run, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def refused(url: str, **_: Any) -> Any:
        raise ThumbprintError("find", "teleport.example.com", "connection refused")

    monkeypatch.setattr(_cluster, "FETCH", refused)
    rec = build(run, preview=True, features={"ec2_instance_connect": True})
    assert isinstance(rec.named("prod-role").inputs["tags"]["teleport.dev/cluster"], Unknown)
    assert "preview shows the cluster name as unknown" in caplog.text
    assert "'ec2_instance_connect' is deprecated" in caplog.text and "not known here" in caplog.text


def test_up_fails_when_the_lookup_fails(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(url: str, **_: Any) -> Any:
        raise ThumbprintError("find", "teleport.example.com", "connection refused")

    monkeypatch.setattr(_cluster, "FETCH", refused)
    with pytest.raises(ClusterLookupError, match="connection refused"):
        build(run)
