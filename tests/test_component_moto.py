"""AWS acceptance: the inputs the component produces, fed to moto's IAM, are accepted and read
back as intended (URL, audience, thumbprints, trust policy, tags)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from teleport_oidc import AwsOidcIntegration, AwsOidcIntegrationArgs

from .conftest import PROXY, THUMB, Run


def _tags(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def _apply(iam: Any, rec: Any, name: str) -> tuple[str, str]:
    """Create what the mocks recorded, the way the AWS provider would."""
    provider = rec.named(f"{name}-provider").inputs
    created = iam.create_open_id_connect_provider(
        Url=provider["url"],
        ClientIDList=provider["clientIdLists"],
        ThumbprintList=provider.get("thumbprintLists", []),
        Tags=_tags(provider["tags"]),
    )
    role = rec.named(f"{name}-role").inputs
    # The trust policy names the provider the mocks made up; IAM's ARN must be the same.
    assert (
        json.loads(role["assumeRolePolicy"])["Statement"][0]["Principal"]["Federated"]
        == (created["OpenIDConnectProviderArn"])
    )
    iam.create_role(
        RoleName=role["name"],
        Path=role["path"],
        AssumeRolePolicyDocument=role["assumeRolePolicy"],
        Description=role["description"],
        MaxSessionDuration=int(role["maxSessionDuration"]),
        Tags=_tags(role["tags"]),
    )
    return created["OpenIDConnectProviderArn"], role["name"]


def test_iam_accepts_the_provider_and_stores_what_we_intended(iam: Any, run: Run) -> None:
    rec = run(
        lambda: AwsOidcIntegration(
            "prod",
            AwsOidcIntegrationArgs(
                proxy_url=PROXY,
                integration_name="aws-prod",
                thumbprints=[THUMB.upper()],
                tags={"team": "platform"},
            ),
        )
    )
    arn, _ = _apply(iam, rec, "prod")
    stored = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert stored["Url"] == "teleport.example.com"
    assert stored["ClientIDList"] == ["discover.teleport"]
    assert stored["ThumbprintList"] == [THUMB]
    assert {t["Key"]: t["Value"] for t in stored["Tags"]} == rec.named("prod-provider").inputs[
        "tags"
    ]


def test_iam_accepts_the_role_and_reads_back_the_trust_policy_and_tags(iam: Any, run: Run) -> None:
    rec = run(
        lambda: AwsOidcIntegration(
            "prod",
            AwsOidcIntegrationArgs(
                proxy_url=PROXY,
                integration_name="aws-prod",
                thumbprints=[THUMB],
                restrict_subjects=True,
                role_path="/teleport/",
                max_session_duration=7200,
            ),
        )
    )
    _, role_name = _apply(iam, rec, "prod")
    role = iam.get_role(RoleName=role_name)["Role"]
    intended = rec.named("prod-role").inputs
    assert role["AssumeRolePolicyDocument"] == json.loads(intended["assumeRolePolicy"])
    assert role["Path"] == "/teleport/"
    assert role["MaxSessionDuration"] == 7200
    assert role["Description"] == "Used by Teleport to provide access to AWS resources."
    assert {t["Key"]: t["Value"] for t in role["Tags"]} == intended["tags"]


def test_a_second_provider_for_the_same_url_is_refused_by_iam(iam: Any, run: Run) -> None:
    """Why reuse exists: one provider per URL per account."""
    rec = run(
        lambda: AwsOidcIntegration(
            "prod",
            AwsOidcIntegrationArgs(
                proxy_url=PROXY, integration_name="aws-prod", thumbprints=[THUMB]
            ),
        )
    )
    _apply(iam, rec, "prod")
    provider = rec.named("prod-provider").inputs
    with pytest.raises(iam.exceptions.EntityAlreadyExistsException):
        iam.create_open_id_connect_provider(
            Url=provider["url"], ClientIDList=["x"], ThumbprintList=[THUMB]
        )
