"""`teleport-oidc doctor` and `thumbprint` against the loopback TLS server (and moto's IAM)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from teleport_oidc.cli.doctor import run_checks
from teleport_oidc.cli.main import main
from teleport_oidc.trust import trust_policy

from .tls_server import OidcServer, Pki, sha1_of_pem


def failed(checks: list[Any]) -> list[str]:
    return [c.name for c in checks if not c.ok]


def test_a_healthy_proxy_passes_every_check(
    on_443: OidcServer, pki: Pki, capsys: pytest.CaptureFixture[str]
) -> None:
    checks = run_checks(on_443.url, ca_bundle=str(pki.ca_bundle))
    assert failed(checks) == []
    assert [c.name for c in checks] == [
        "proxy URL is an IAM provider URL",
        "discovery document answers and its issuer matches",
        "jwks_uri answers with signing keys",
        "TLS chain verifies",
        "proxy certificate valid for 14+ days",
        "pinned certificate valid for 30+ days",
        "proxy names its cluster and version (/webapi/find)",
    ]
    assert main(["doctor", on_443.url, "--ca-bundle", str(pki.ca_bundle), "--no-aws"]) == 0
    out = capsys.readouterr().out
    assert out.count("PASS") == 7 and "FAIL" not in out
    assert "cluster 'teleport.example.com', Teleport 18.2.1" in out
    assert sha1_of_pem(pki.intermediate.cert_pem.bytes()) in out


def test_a_port_fails_the_iam_check_with_the_fix(
    pki: Pki, capsys: pytest.CaptureFixture[str]
) -> None:
    with pki.serve() as server:
        assert main(["doctor", server.url, "--ca-bundle", str(pki.ca_bundle), "--no-aws"]) == 1
    out = capsys.readouterr().out
    assert "FAIL  proxy URL is an IAM provider URL" in out
    assert "fix: put the proxy's public address on port 443" in out


def test_an_issuer_mismatch_fails(pki: Pki) -> None:
    with pki.serve() as server:
        server.behaviour.issuer = "https://elsewhere.example.com"
        checks = run_checks(server.url, ca_bundle=str(pki.ca_bundle))
    assert "discovery document answers and its issuer matches" in failed(checks)
    assert "STS would refuse" in checks[-1].detail


def test_a_missing_discovery_document_fails(pki: Pki) -> None:
    with pki.serve() as server:
        server.behaviour.discovery_status = 404
        checks = run_checks(server.url, ca_bundle=str(pki.ca_bundle))
    assert "HTTP 404" in checks[-1].detail and not checks[-1].ok


def test_a_jwks_without_keys_fails(pki: Pki) -> None:
    with pki.serve() as server:
        server.behaviour.jwks_keys = False
        checks = run_checks(server.url, ca_bundle=str(pki.ca_bundle))
    assert "jwks_uri answers with signing keys" in failed(checks)


def test_an_untrusted_chain_fails_and_suggests_ca_bundle(pki: Pki) -> None:
    with pki.serve() as server:
        checks = run_checks(server.url)
    assert "ca_bundle" in checks[-1].detail and not checks[-1].ok


def test_a_certificate_expiring_soon_fails(pki: Pki) -> None:
    soon = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=5)
    with pki.serve(leaf_only=True, not_after=soon) as server:
        checks = run_checks(server.url, ca_bundle=str(pki.ca_bundle))
    assert failed(checks) == [
        "proxy URL is an IAM provider URL",
        "proxy certificate valid for 14+ days",
    ]


# --- the AWS account ---------------------------------------------------------------------------


def deploy(iam: Any, host: str, client_ids: list[str], tags: dict[str, str]) -> str:
    arn = iam.create_open_id_connect_provider(Url=f"https://{host}", ClientIDList=client_ids)[
        "OpenIDConnectProviderArn"
    ]
    iam.create_role(
        RoleName="teleport-aws-prod",
        AssumeRolePolicyDocument=json.dumps(trust_policy(arn, host)),
        Tags=[{"Key": k, "Value": v} for k, v in tags.items()],
    )
    return arn


def test_the_account_checks_pass_for_what_the_component_creates(
    on_443: OidcServer, pki: Pki, iam: Any
) -> None:
    deploy(
        iam,
        "localhost",
        ["discover.teleport"],
        {"teleport.dev/origin": "integration_awsoidc", "teleport.dev/integration": "aws-prod"},
    )
    checks = run_checks(
        on_443.url, ca_bundle=str(pki.ca_bundle), iam=iam, integration_name="aws-prod"
    )
    assert failed(checks) == []
    assert len(checks) == 10  # 7 about the proxy, 3 about the account


def test_a_provider_without_the_audience_fails_with_the_command_to_fix_it(
    on_443: OidcServer, pki: Pki, iam: Any
) -> None:
    arn = deploy(iam, "localhost", ["sts.amazonaws.com"], {})
    checks = run_checks(
        on_443.url, ca_bundle=str(pki.ca_bundle), iam=iam, integration_name="aws-prod"
    )
    audience = next(c for c in checks if "audience" in c.name)
    assert not audience.ok and f"--open-id-connect-provider-arn {arn}" in audience.fix
    assert "role teleport-aws-prod carries Teleport's tags" in failed(checks)


def test_a_missing_provider_or_role_fails(on_443: OidcServer, pki: Pki, iam: Any) -> None:
    checks = run_checks(on_443.url, ca_bundle=str(pki.ca_bundle), iam=iam)
    assert failed(checks) == ["IAM OIDC provider exists"]
    iam.create_open_id_connect_provider(Url="https://localhost", ClientIDList=["discover.teleport"])
    checks = run_checks(on_443.url, ca_bundle=str(pki.ca_bundle), iam=iam, role_name="nope")
    assert failed(checks) == ["IAM role nope exists"]


# --- the thumbprint command --------------------------------------------------------------------


def test_the_thumbprint_command_prints_host_subject_and_expiry(
    pki: Pki, capsys: pytest.CaptureFixture[str]
) -> None:
    with pki.serve() as server:
        assert main(["thumbprint", server.url, "--ca-bundle", str(pki.ca_bundle)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(sha1_of_pem(pki.intermediate.cert_pem.bytes()))
    assert f"host=localhost:{server.port}" in out and "expires=" in out and "last of 2" in out


def test_the_thumbprint_command_reports_errors_without_a_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["thumbprint", "http://t.example.com"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: issuer_url must be an https:// URL")
    assert "Traceback" not in err


def test_a_proxy_that_cannot_name_its_cluster_fails_that_check_with_the_way_out(
    on_443: OidcServer, pki: Pki
) -> None:
    on_443.behaviour.find_status = 404
    checks = run_checks(on_443.url, ca_bundle=str(pki.ca_bundle))
    (check,) = [c for c in checks if not c.ok]
    assert check.name == "proxy names its cluster and version (/webapi/find)"
    assert "HTTP 404" in check.detail and "cluster_name" in check.fix
