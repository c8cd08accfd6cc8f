"""Many components in one program: the account/partition invokes, the thumbprint lookup and
the cluster lookup are made once per AWS provider or per host, not once per component."""

from __future__ import annotations

import json
import ssl
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from teleport_oidc import AwsOidcIntegration, AwsOidcIntegrationArgs
from teleport_oidc.lookups import fetch as _fetch

from .conftest import PROXY, THUMB, Run

IDENTITY = "aws:index/getCallerIdentity:getCallerIdentity"
PARTITION = "aws:index/getPartition:getPartition"


def integrations(count: int, opts: pulumi.ResourceOptions | None = None, **args: Any) -> None:
    for i in range(count):
        AwsOidcIntegration(
            f"t{i}-{id(opts) if opts else 'default'}",
            AwsOidcIntegrationArgs(
                proxy_url=PROXY,
                integration_name=f"aws-{i}",
                create_teleport_integration=False,
                **args,
            ),
            opts=opts,
        )


def counts(recorded: Any, token: str) -> int:
    return [call[0] for call in recorded.calls].count(token)


def test_components_sharing_the_default_provider_read_account_and_partition_once(
    run: Run,
) -> None:
    recorded = run(lambda: integrations(20, thumbprints=[THUMB]))
    assert counts(recorded, IDENTITY) == 1
    assert counts(recorded, PARTITION) == 1


def test_each_explicit_provider_reads_its_own_account_and_partition(run: Run) -> None:
    def program() -> None:
        for account in ("111111111111", "222222222222"):
            provider = aws.Provider(
                f"aws-{account}", region="eu-west-1", allowed_account_ids=[account]
            )
            integrations(5, pulumi.ResourceOptions(providers=[provider]), thumbprints=[THUMB])

    recorded = run(program)
    assert counts(recorded, IDENTITY) == 2
    assert counts(recorded, PARTITION) == 2
    accounts = {
        r.inputs["assumeRolePolicy"].split("::")[1].split(":")[0]
        for r in recorded.of_type("aws:iam/role:Role")
    }
    assert accounts == {"111111111111", "222222222222"}


def test_a_new_program_run_reads_account_and_partition_again(run: Run) -> None:
    first = run(lambda: integrations(3, thumbprints=[THUMB]))
    second = run(lambda: integrations(3, thumbprints=[THUMB]))
    assert counts(first, IDENTITY) == counts(second, IDENTITY) == 1


def test_two_hundred_integrations_of_one_proxy_look_its_thumbprint_and_cluster_up_once(
    run: Run, monkeypatch: pytest.MonkeyPatch, cluster_find: list[str], pki: Any
) -> None:
    leaf = pki.root.issue_cert("teleport.example.com")
    chain = tuple(ssl.PEM_cert_to_DER_cert(pem.bytes().decode()) for pem in leaf.cert_chain_pems)
    fetched: list[str] = []

    def fake_get(url: str, **_: Any) -> _fetch.FetchResult:
        fetched.append(url)
        body = json.dumps({"issuer": PROXY, "jwks_uri": f"{PROXY}/.well-known/jwks-oidc"})
        return _fetch.FetchResult(url, 200, body.encode(), chain)

    monkeypatch.setattr(_fetch, "https_get", fake_get)
    recorded = run(lambda: integrations(200, thumbprints="auto"))
    assert len(recorded.of_type("aws:iam/role:Role")) == 200
    assert len(fetched) == 1  # the discovery document, whose chain gives the thumbprint
    assert len(cluster_find) == 1
    assert counts(recorded, IDENTITY) == 1
