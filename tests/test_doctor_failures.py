"""`teleport-oidc doctor` when things go wrong (issue 13 items 12 and 13): AWS errors are FAILs
with their cause and keep what was already checked, fixes fit the failure, every valid trust
policy shape is read, and exit codes tell "a check failed" (1) from "could not run" (2)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from teleport_oidc.cli import main as _main
from teleport_oidc.cli.doctor import run_checks, trusts_provider
from teleport_oidc.cli.main import main
from teleport_oidc.trust import trust_policy

from .tls_server import OidcServer, Pki, closed_port, expired_cross_sign, sha1_of_pem

NOW = dt.datetime.now(dt.timezone.utc)
ARN = "arn:aws:iam::123456789012:oidc-provider/teleport.example.com"
HOST = "teleport.example.com"


def failed(checks: list[Any]) -> list[str]:
    return [c.name for c in checks if not c.ok]


# --- AWS errors --------------------------------------------------------------------------------


def stubbed_iam(*errors: tuple[str, str]) -> Any:
    """A real botocore IAM client whose answers come from botocore's own Stubber."""
    import boto3
    from botocore.stub import Stubber

    client = boto3.client(
        "iam", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    stubber = Stubber(client)
    for method, code in errors:
        if code:
            stubber.add_client_error(method, code, f"{code} for the test", 403)
        elif method == "list_open_id_connect_providers":
            stubber.add_response(
                method, {"OpenIDConnectProviderList": [{"Arn": ARN.replace(HOST, "localhost")}]}
            )
        else:
            stubber.add_response(
                method,
                {"ClientIDList": ["discover.teleport"], "ThumbprintList": [], "Url": "localhost"},
            )
    stubber.activate()
    return client


def test_access_denied_is_a_fail_with_the_cause_after_the_proxy_checks(
    on_443: OidcServer, pki: Pki
) -> None:
    iam = stubbed_iam(("list_open_id_connect_providers", "AccessDenied"))
    checks = run_checks(on_443.url, ca_bundle=str(pki.ca_bundle), iam=iam)
    assert failed(checks) == ["AWS account checks could run"]
    assert len(checks) == 8  # the seven proxy checks were kept
    assert "AccessDenied" in checks[-1].detail
    assert "iam:ListOpenIDConnectProviders" in checks[-1].fix and "--no-aws" in checks[-1].fix


def test_an_aws_error_midway_keeps_the_account_checks_already_made(
    on_443: OidcServer, pki: Pki
) -> None:
    iam = stubbed_iam(
        ("list_open_id_connect_providers", ""),
        ("get_open_id_connect_provider", ""),
        ("get_role", "AccessDenied"),
    )
    checks = run_checks(on_443.url, ca_bundle=str(pki.ca_bundle), iam=iam, role_name="r")
    names = [c.name for c in checks]
    assert "IAM OIDC provider has the 'discover.teleport' audience" in names
    assert failed(checks) == ["AWS account checks could run"]
    assert "IAM role r exists" not in names  # access denied is not "the role is missing"


def test_no_network_to_aws_is_a_fail_without_a_traceback(
    on_443: OidcServer, pki: Pki, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    import boto3
    from botocore.config import Config

    with closed_port() as port:
        iam = boto3.client(
            "iam",
            region_name="us-east-1",
            aws_access_key_id="x",
            aws_secret_access_key="x",
            endpoint_url=f"https://127.0.0.1:{port}",
            config=Config(retries={"max_attempts": 1}, connect_timeout=2),
        )
        monkeypatch.setattr(_main, "_iam_client", lambda: iam)
        code = main(["doctor", on_443.url, "--ca-bundle", str(pki.ca_bundle)])
    captured = capsys.readouterr()
    assert code == 1
    assert "FAIL  AWS account checks could run: EndpointConnectionError" in captured.out
    assert "check the network path to AWS IAM" in captured.out
    assert captured.out.count("PASS") == 7
    assert "Traceback" not in captured.out + captured.err


# --- fixes that fit ----------------------------------------------------------------------------


def test_a_private_ca_failure_suggests_ca_bundle_not_public_addr(pki: Pki) -> None:
    with pki.serve() as server:
        checks = run_checks(server.url)
    problem = checks[-1]
    assert not problem.ok
    assert "--ca-bundle" in problem.fix and "thumbprints" in problem.fix
    assert "public_addr" not in problem.fix


def test_an_issuer_mismatch_suggests_public_addr(pki: Pki) -> None:
    with pki.serve() as server:
        server.behaviour.issuer = "https://elsewhere.example.com"
        checks = run_checks(server.url, ca_bundle=str(pki.ca_bundle))
    assert "public_addr" in checks[-1].fix


# --- trust policies as IAM reads them ----------------------------------------------------------


STATEMENT = trust_policy(ARN, HOST)["Statement"][0]


@pytest.mark.parametrize(
    "document",
    [
        {"Version": "2012-10-17", "Statement": STATEMENT},  # one object, not a list
        {"Statement": [{**STATEMENT, "Principal": "*"}]},
        {"Statement": [{**STATEMENT, "Principal": {"Federated": [ARN, "arn:x"]}}]},
        {
            "Statement": [
                {**STATEMENT, "Condition": {"StringEquals": {f"{HOST}:aud": ["discover.teleport"]}}}
            ]
        },
        {
            "Statement": [
                {
                    **STATEMENT,
                    "Condition": {"StringLike": {f"{HOST.upper()}:AUD": "discover.teleport"}},
                }
            ]
        },
        {
            "Statement": [
                {**STATEMENT, "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]}
            ]
        },
    ],
    ids=["single statement", "principal star", "federated list", "aud list", "key case", "actions"],
)
def test_valid_trust_policy_shapes_are_read_as_trusting(document: Any) -> None:
    assert trusts_provider(document, ARN, HOST)


@pytest.mark.parametrize(
    "document",
    [
        {"Statement": [{**STATEMENT, "Effect": "Deny"}]},
        {"Statement": [{**STATEMENT, "Principal": {"Federated": "arn:other"}}]},
        {"Statement": [{**STATEMENT, "Condition": {"StringEquals": {f"{HOST}:aud": "sts"}}}]},
        {"Statement": [{**STATEMENT, "Action": "sts:AssumeRole"}]},
        {"Statement": "nonsense"},
        [],
    ],
    ids=["deny", "other provider", "other audience", "other action", "garbage", "not an object"],
)
def test_policies_that_do_not_trust_the_provider_are_read_as_such(document: Any) -> None:
    assert not trusts_provider(document, ARN, HOST)


def test_a_single_statement_role_in_moto_passes_the_trust_check(
    on_443: OidcServer, pki: Pki, iam: Any
) -> None:
    arn = iam.create_open_id_connect_provider(
        Url="https://localhost", ClientIDList=["discover.teleport"]
    )["OpenIDConnectProviderArn"]
    statement = {**trust_policy(arn, "localhost")["Statement"][0], "Principal": "*"}
    statement["Condition"]["StringEquals"]["localhost:aud"] = ["discover.teleport"]
    iam.create_role(
        RoleName="r",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statement}),
    )
    checks = run_checks(on_443.url, ca_bundle=str(pki.ca_bundle), iam=iam, role_name="r")
    trust = next(c for c in checks if "trusts the provider" in c.name)
    assert trust.ok


# --- exit codes --------------------------------------------------------------------------------


def test_doctor_that_cannot_run_exits_2_and_says_why(tmp_path: Path, capsys: Any) -> None:
    code = main(["doctor", "https://teleport.example.com", "--ca-bundle", str(tmp_path / "x")])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.startswith("error: ca_bundle does not exist") and captured.out == ""


def test_a_failed_check_exits_1(pki: Pki, capsys: Any) -> None:
    with pki.serve() as server:
        assert main(["doctor", server.url, "--no-aws"]) == 1
    assert "FAIL" in capsys.readouterr().out


def test_the_exit_codes_are_in_help_and_readme(capsys: Any) -> None:
    with pytest.raises(SystemExit):
        main(["doctor", "--help"])
    assert "1 a check failed" in capsys.readouterr().out.replace("\n", " ")
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert "exit 1 when a check failed, 2 when doctor could not run" in readme


# --- expiry: warn on what will break, refuse only what STS would refuse ------------------------


def test_a_leaf_expiring_in_three_days_fails_doctor_and_warns_the_lookup(pki: Pki) -> None:
    from teleport_oidc import TeleportOidcWarning, lookup_thumbprints

    with pki.serve(not_after=NOW + dt.timedelta(days=3)) as server:
        checks = run_checks(server.url, ca_bundle=str(pki.ca_bundle))
        with pytest.warns(TeleportOidcWarning, match="proxy's certificate .* expires"):
            lookup_thumbprints(server.url, ca_bundle=str(pki.ca_bundle))
    assert "proxy certificate valid for 14+ days" in failed(checks)
    assert "pinned certificate valid for 30+ days" not in failed(checks)  # intermediate is fine


def test_an_expired_cross_sign_sent_last_warns_but_does_not_block(pki: Pki, capsys: Any) -> None:
    from teleport_oidc import TeleportOidcWarning, lookup_thumbprints

    extra = expired_cross_sign(pki)
    with pki.serve(extra_pem=extra) as server:
        with pytest.warns(TeleportOidcWarning, match="verified without it"):
            (thumb,) = lookup_thumbprints(server.url, ca_bundle=str(pki.ca_bundle))
        checks = run_checks(server.url, ca_bundle=str(pki.ca_bundle))
        code = main(["doctor", server.url, "--ca-bundle", str(pki.ca_bundle), "--no-aws"])
    assert thumb == sha1_of_pem(extra)  # Teleport's rule: the last certificate presented
    pinned = next(c for c in checks if c.name == "pinned certificate valid for 30+ days")
    assert pinned.ok and "remove it from the proxy's certificate chain" in pinned.warning
    out = capsys.readouterr().out
    assert code == 1  # only the port check fails (the server is not on 443)
    assert "WARN  pinned certificate valid for 30+ days" in out


def test_the_account_checks_still_run_when_the_proxy_does_not_answer(iam: Any) -> None:
    with closed_port() as port:
        checks = run_checks(f"https://localhost:{port}", iam=iam, timeout=2)
    names = [c.name for c in checks]
    assert "discovery document answers and its issuer matches" in failed(checks)
    assert "IAM OIDC provider exists" in names  # reported, not lost with the proxy's failure


def test_an_expired_cross_sign_sent_last_does_not_block_up(pki: Pki) -> None:
    """The lookup as `pulumi up` runs it (not a preview): a warning, the thumbprint, no error."""
    from teleport_oidc import lookup_thumbprints_output
    from teleport_oidc.cli.mockrun import MockRun, run_program

    extra = expired_cross_sign(pki)
    seen: list[Any] = []
    with pki.serve(extra_pem=extra) as server:
        recorded = run_program(
            lambda: lookup_thumbprints_output(server.url, ca_bundle=str(pki.ca_bundle)).apply(
                seen.append
            ),
            MockRun(preview=False),
        )
    assert seen == [[sha1_of_pem(extra)]]
    assert any("verified without it" in warning for warning in recorded.warnings)


def test_the_thumbprint_command_prints_each_warning_once_as_a_line(
    pki: Pki, capsys: pytest.CaptureFixture[str]
) -> None:
    with pki.serve(extra_pem=expired_cross_sign(pki)) as server:
        assert main(["thumbprint", server.url, "--ca-bundle", str(pki.ca_bundle)]) == 0
    err = capsys.readouterr().err
    assert err.count("verified without it") == 1
    assert err.startswith("warning: the last certificate") and ".py:" not in err
