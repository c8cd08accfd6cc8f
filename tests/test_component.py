"""The component under pulumi.runtime mocks: what it registers, and what it refuses."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from teleport_oidc import (
    AwsOidcIntegration,
    AwsOidcIntegrationArgs,
    InvalidArgumentError,
)
from teleport_oidc.cli.mockrun import FakeAws
from teleport_oidc.lookups import thumbprint as _thumbprint

from .conftest import PROXY, THUMB, Run

OIDC = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
ROLE = "aws:iam/role:Role"
INTEGRATION = "pulumi-python:dynamic/teleport-oidc:TeleportIntegration"

OIDC_GET = "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider"


def args(**overrides: Any) -> AwsOidcIntegrationArgs:
    values: dict[str, Any] = {
        "proxy_url": PROXY,
        "integration_name": "aws-prod",
        "thumbprints": [THUMB],
    }
    values.update(overrides)
    return AwsOidcIntegrationArgs(**values)


def test_provider_gets_exactly_teleports_inputs(run: Run) -> None:
    rec = run(lambda: AwsOidcIntegration("prod", args()))
    (provider,) = rec.of_type(OIDC)
    assert provider.name == "prod-provider"
    assert provider.inputs == {
        "url": "https://teleport.example.com",
        "clientIdLists": ["discover.teleport"],
        "thumbprintLists": [THUMB],
        "tags": {
            "teleport.dev/cluster": "teleport.example.com",
            "teleport.dev/origin": "integration_awsoidc",
            "teleport.dev/integration": "aws-prod",
            "teleport.dev/iac-tool": "pulumi",
        },
    }


def test_role_gets_the_trust_policy_description_and_tags(run: Run) -> None:
    rec = run(lambda: AwsOidcIntegration("prod", args(cluster_name="main", tags={"team": "i"})))
    role = rec.named("prod-role")
    assert role.type == ROLE
    assert json.loads(role.inputs.pop("assumeRolePolicy")) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Principal": {
                    "Federated": "arn:aws:iam::123456789012:oidc-provider/teleport.example.com"
                },
                "Condition": {"StringEquals": {"teleport.example.com:aud": "discover.teleport"}},
            }
        ],
    }
    assert role.inputs == {
        "name": "teleport-aws-prod",
        "path": "/",
        "description": "Used by Teleport to provide access to AWS resources.",
        "maxSessionDuration": 3600,
        "tags": {
            "team": "i",
            "teleport.dev/cluster": "main",
            "teleport.dev/origin": "integration_awsoidc",
            "teleport.dev/integration": "aws-prod",
            "teleport.dev/iac-tool": "pulumi",
        },
    }


def test_role_options_pass_through(run: Run) -> None:
    boundary = "arn:aws:iam::123456789012:policy/boundary"
    rec = run(
        lambda: AwsOidcIntegration(
            "prod",
            args(
                role_name="custom",
                role_path="/teleport/",
                permissions_boundary_arn=boundary,
                max_session_duration=7200,
                role_description="ours",
                restrict_subjects=True,
            ),
        )
    )
    role = rec.named("prod-role")
    assert (
        role.inputs["name"],
        role.inputs["path"],
        role.inputs["permissionsBoundary"],
        role.inputs["maxSessionDuration"],
        role.inputs["description"],
    ) == ("custom", "/teleport/", boundary, 7200, "ours")
    condition = json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]["Condition"]
    assert condition["StringEquals"]["teleport.example.com:sub"] == ["system:auth", "system:proxy"]


def test_children_are_parented_to_the_component(run: Run) -> None:
    rec = run(lambda: AwsOidcIntegration("prod", args()))
    component = rec.named("prod")
    assert component.type == "teleport-oidc:index:AwsOidcIntegration"
    children = [r for r in rec.resources if r is not component]
    assert {r.name for r in children} == {"prod-provider", "prod-role", "prod-integration"}
    assert all(r.parent == component.urn for r in children)


def test_integration_points_at_the_role(run: Run) -> None:
    rec = run(lambda: AwsOidcIntegration("prod", args(integration_labels={"env": "prod"})))
    (integration,) = rec.of_type(INTEGRATION)
    assert integration.inputs["role_arn"] == "arn:aws:iam::123456789012:role/teleport-aws-prod"
    assert integration.inputs["integration_name"] == "aws-prod"
    assert integration.inputs["labels"] == {"env": "prod"}
    assert "audience" not in integration.inputs  # "": a blank default, not shown in a preview


def test_integration_can_be_left_to_someone_else(run: Run) -> None:
    rec = run(lambda: AwsOidcIntegration("prod", args(create_teleport_integration=False)))
    assert rec.of_type(INTEGRATION) == []


def test_auto_thumbprints_come_from_the_lookup_on_the_issuer(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def fake_lookup(url: str, **_: Any) -> list[str]:
        asked.append(url)
        return [THUMB]

    monkeypatch.setattr(_thumbprint, "lookup_thumbprints", fake_lookup)
    rec = run(
        lambda: AwsOidcIntegration(
            "prod", args(proxy_url="https://TELEPORT.example.com:443/", thumbprints="auto")
        )
    )
    assert asked == ["https://teleport.example.com"]
    assert rec.named("prod-provider").inputs["thumbprintLists"] == [THUMB]


def test_no_thumbprints_lets_iam_decide(run: Run) -> None:
    rec = run(lambda: AwsOidcIntegration("prod", args(thumbprints=None)))
    assert "thumbprintLists" not in rec.named("prod-provider").inputs


def test_reusing_a_provider_by_arn_registers_none_and_trusts_it(run: Run) -> None:
    arn = "arn:aws:iam::123456789012:oidc-provider/teleport.example.com"
    fake = FakeAws({("123456789012", "teleport.example.com"): ["discover.teleport", "sts"]})
    rec = run(
        lambda: AwsOidcIntegration("prod", args(existing_provider_arn=arn, thumbprints="auto")),
        mocks=fake,
    )
    assert rec.of_type(OIDC) == []
    principal = json.loads(rec.named("prod-role").inputs["assumeRolePolicy"])
    assert principal["Statement"][0]["Principal"]["Federated"] == arn
    assert [c[1] for c in rec.calls if c[0] == OIDC_GET] == [{"arn": arn}]


def test_reusing_by_url_looks_the_provider_up(run: Run) -> None:
    fake = FakeAws({("123456789012", "teleport.example.com"): ["discover.teleport"]})
    rec = run(
        lambda: AwsOidcIntegration("prod", args(create_oidc_provider=False, thumbprints="auto")),
        mocks=fake,
    )
    assert rec.of_type(OIDC) == []
    assert [c[1] for c in rec.calls if c[0] == OIDC_GET] == [
        {"url": "https://teleport.example.com"}
    ]


def test_reusing_a_provider_without_the_audience_fails(run: Run) -> None:
    fake = FakeAws({("123456789012", "teleport.example.com"): ["sts.amazonaws.com"]})
    # Pulumi re-raises errors from inside apply() as ValueError, with our message kept.
    with pytest.raises(ValueError, match="lacks the 'discover.teleport' audience"):
        run(
            lambda: AwsOidcIntegration(
                "prod", args(create_oidc_provider=False, thumbprints="auto")
            ),
            mocks=fake,
        )


def test_reusing_a_provider_of_another_host_fails_before_registering(run: Run) -> None:
    arn = "arn:aws:iam::123456789012:oidc-provider/other.example.com"
    with pytest.raises(InvalidArgumentError, match="not for the issuer") as info:
        AwsOidcIntegration("prod", args(existing_provider_arn=arn, thumbprints="auto"))
    assert info.value.argument == "existing_provider_arn"


def test_pinned_thumbprints_with_a_reused_provider_are_refused() -> None:
    arn = "arn:aws:iam::123456789012:oidc-provider/teleport.example.com"
    with pytest.raises(InvalidArgumentError, match="cannot be set when an existing provider"):
        AwsOidcIntegration("prod", args(existing_provider_arn=arn))


def test_two_accounts_through_two_providers_get_their_own_children(run: Run) -> None:
    def program() -> None:
        for account in ("111111111111", "222222222222"):
            provider = aws.Provider(
                f"aws-{account}", region="us-east-1", allowed_account_ids=[account]
            )
            AwsOidcIntegration(
                f"acct-{account}",
                args(integration_name=f"aws-{account[:3]}"),
                opts=pulumi.ResourceOptions(providers=[provider]),
            )

    rec = run(program)
    arns = sorted(r.outputs["arn"] for r in rec.of_type(OIDC))
    assert arns == [
        "arn:aws:iam::111111111111:oidc-provider/teleport.example.com",
        "arn:aws:iam::222222222222:oidc-provider/teleport.example.com",
    ]
    for account in ("111111111111", "222222222222"):
        role = rec.named(f"acct-{account}-role")
        assert f"pulumi:providers:aws::aws-{account}::" in role.provider
        trust = json.loads(role.inputs["assumeRolePolicy"])
        assert account in trust["Statement"][0]["Principal"]["Federated"]


def test_govcloud_provider_gives_govcloud_arns(run: Run) -> None:
    def program() -> None:
        provider = aws.Provider("gov", region="us-gov-west-1")
        AwsOidcIntegration(
            "gov", args(features={"rds": True}), opts=pulumi.ResourceOptions(provider=provider)
        )

    rec = run(program)
    trust = json.loads(rec.named("gov-role").inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"]["Federated"].startswith("arn:aws-us-gov:iam::")


def test_preview_with_an_unknown_proxy_url_does_not_crash(run: Run, offline: None) -> None:
    def program() -> None:
        loop = __import__("asyncio").get_event_loop()
        value, known = loop.create_future(), loop.create_future()
        value.set_result(None)
        known.set_result(False)
        unknown = pulumi.Output(set(), value, known)
        AwsOidcIntegration("prod", args(proxy_url=unknown, thumbprints="auto"))

    rec = run(program, preview=True)
    assert {r.name for r in rec.resources} >= {"prod", "prod-provider", "prod-role"}


def test_overriding_a_teleport_tag_warns(run: Run) -> None:
    rec = run(lambda: AwsOidcIntegration("prod", args(tags={"teleport.dev/cluster": "mine"})))
    assert "['teleport.dev/cluster'] are set by teleport-oidc" in rec.warnings[0]
    assert rec.named("prod-role").inputs["tags"]["teleport.dev/cluster"] == "teleport.example.com"


@pytest.mark.parametrize(
    ("overrides", "argument"),
    [
        ({"proxy_url": "https://teleport.example.com:3080"}, "proxy_url"),
        ({"integration_name": "Aws.Prod"}, "integration_name"),
        ({"role_name": "r" * 65}, "role_name"),
        ({"role_path": "nope"}, "role_path"),
        ({"max_session_duration": 100}, "max_session_duration"),
        ({"thumbprints": ["abc"]}, "thumbprints[0]"),
        ({"tags": {"aws:x": "y"}}, "tags['aws:x']"),
        ({"features": {"lambda": True}}, "features['lambda']"),
        (
            {"permissions_boundary_arn": "arn:aws:iam::123456789012:role/x"},
            "permissions_boundary_arn",
        ),
        ({"cluster_name": "bad*name"}, "cluster_name"),
    ],
)
def test_bad_input_registers_nothing(run: Run, overrides: dict[str, Any], argument: str) -> None:
    errors: list[InvalidArgumentError] = []

    def program() -> None:
        try:
            AwsOidcIntegration("prod", args(**overrides))
        except InvalidArgumentError as exc:
            errors.append(exc)

    rec = run(program)
    assert rec.resources == []
    assert [e.argument for e in errors] == [argument]


def test_an_output_boundary_is_checked_when_it_becomes_known(run: Run) -> None:
    def program() -> None:
        AwsOidcIntegration(
            "prod",
            args(
                permissions_boundary_arn=pulumi.Output.from_input(
                    "arn:aws:iam::123456789012:role/not-a-policy"
                )
            ),
        )

    with pytest.raises(ValueError, match="permissions_boundary_arn must be an IAM managed policy"):
        run(program)
