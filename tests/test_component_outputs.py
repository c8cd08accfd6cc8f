"""The component's outputs: each Python attribute is the value it registers, and the ARNs AWS
returns are checked against the ones the previewed trust policy and Teleport's integration were
built from (a mismatch fails the deployment, whichever way the check reads the account)."""

from __future__ import annotations

import inspect
import json
from typing import Any

import pulumi
import pytest

from teleport_oidc import AwsOidcIntegration, AwsOidcIntegrationArgs
from teleport_oidc.cli.mockrun import FakeAws
from teleport_oidc.parts import role as _role
from teleport_oidc.plugin.schema import COMPONENT_OUTPUTS

from .conftest import PROXY, THUMB, Run

OUTPUTS = COMPONENT_OUTPUTS  # the component's 15 outputs, as the plugin's schema lists them


def component(**overrides: Any) -> AwsOidcIntegration:
    values: dict[str, Any] = {
        "proxy_url": PROXY,
        "integration_name": "aws-prod",
        "cluster_name": "teleport.example.com",
        "thumbprints": [THUMB],
        "features": {"rds": True},
        "create_teleport_integration": False,
    }
    values.update(overrides)
    return AwsOidcIntegration("prod", AwsOidcIntegrationArgs(**values))


def exported(run: Run, **overrides: Any) -> dict[str, Any]:
    def program() -> None:
        made = component(**overrides)
        for key in OUTPUTS:
            pulumi.export(key, getattr(made, key))

    return run(program).exports


def test_every_output_attribute_resolves_to_its_value(run: Run) -> None:
    values = exported(run)
    assert values["issuer_url"] == PROXY
    assert values["issuer_host"] == "teleport.example.com"
    assert values["provider_arn"] == (
        "arn:aws:iam::123456789012:oidc-provider/teleport.example.com"
    )
    assert values["role_arn"] == "arn:aws:iam::123456789012:role/teleport-aws-prod"
    assert values["cluster_name"] == "teleport.example.com"
    assert values["teleport_version"] == ""  # no cluster lookup: cluster_name was given
    assert values["role_name"] == "teleport-aws-prod"
    assert values["thumbprints"] == [THUMB]
    trust = json.loads(values["trust_policy"])
    assert trust["Statement"][0]["Principal"]["Federated"] == values["provider_arn"]
    assert values["tags"]["teleport.dev/integration"] == "aws-prod"
    assert values["tags"]["teleport.dev/cluster"] == "teleport.example.com"
    assert values["integration_name"] == "aws-prod"
    assert set(values["feature_policies"]) == {"rds"}
    assert values["discovery_config_name"] is None
    assert values["discovery_token_name"] is None
    assert values["organization_id"] is None


def test_an_output_attribute_is_one_output_however_often_it_is_read(run: Run) -> None:
    seen: list[bool] = []

    def program() -> None:
        made = component()
        seen.extend(getattr(made, key) is getattr(made, key) for key in OUTPUTS)
        assert all(isinstance(getattr(made, key), pulumi.Output) for key in OUTPUTS)

    run(program)
    assert seen == [True] * len(OUTPUTS)


def test_the_class_attributes_describe_the_outputs() -> None:
    hints = {
        name: hint
        for klass in reversed(AwsOidcIntegration.__mro__)
        for name, hint in inspect.get_annotations(klass).items()
    }
    for key in OUTPUTS:
        assert str(hints[key]).startswith("pulumi.output.Output"), key
        assert not isinstance(getattr(AwsOidcIntegration, key), pulumi.Output), key


def test_the_sdk_finds_no_annotations_of_its_own_to_resolve_per_component() -> None:
    # The SDK resolves a component class's own annotations each time an instance's outputs
    # resolve; the component keeps them on a base class, so there are none to resolve.
    from pulumi import _types

    assert _types.resource_types(AwsOidcIntegration) == {}
    assert inspect.get_annotations(AwsOidcIntegration) == {}


class OtherAccount(FakeAws):
    """AWS that returns the ARNs of ``types`` in another account than getCallerIdentity's."""

    def __init__(self, *types: str) -> None:
        super().__init__()
        self.types = types

    def new_resource(self, args: Any) -> tuple[str | None, dict[str, Any]]:
        resource_id, outputs = super().new_resource(args)
        if args.typ in self.types:
            outputs["arn"] = outputs["arn"].replace("123456789012", "999999999999")
        return resource_id, outputs


ROLE = "aws:iam/role:Role"
PROVIDER = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"


@pytest.fixture(params=["memo", "apply"])
def account_read(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The check reads the account from the lookups' memo, or (when it is not known yet) from
    the lookup's Output: both ways must reach the same verdict. Returns what the memo gave."""
    given: list[Any] = []
    memo = _role.known_account_and_partition

    def read(where: Any) -> Any:
        given.append(memo(where) if request.param == "memo" else None)
        return given[-1]

    monkeypatch.setattr(_role, "known_account_and_partition", read)
    return given


@pytest.mark.parametrize(("returned", "what"), [(ROLE, "role"), (PROVIDER, "OIDC provider")])
def test_an_arn_aws_returns_in_another_account_fails_the_deployment(
    run: Run, account_read: list[Any], returned: str, what: str
) -> None:
    with pytest.raises(
        RuntimeError,
        match=rf"the {what} ARN AWS returned, .*999999999999.*"
        r"differs from .*123456789012.*please report",
    ):
        run(lambda: component(), mocks=OtherAccount(returned))


def test_the_arns_aws_returns_pass_the_check_either_way(
    run: Run, account_read: list[Any], request: pytest.FixtureRequest
) -> None:
    values = exported(run)
    # Two checks, provider and role. The role's trust policy is built from the account, so the
    # memo knows it by the time the role has an ARN; the provider may have its ARN first.
    assert len(account_read) == 2, account_read
    assert any(account_read) == (request.node.callspec.params["account_read"] == "memo"), (
        account_read
    )
    assert values["role_arn"] == "arn:aws:iam::123456789012:role/teleport-aws-prod"
    assert values["provider_arn"].endswith(":oidc-provider/teleport.example.com")


def test_the_provider_arn_is_checked_when_the_proxy_url_is_an_output(run: Run) -> None:
    def program() -> None:
        component(proxy_url=pulumi.Output.from_input(PROXY).apply(lambda v: v))

    with pytest.raises(RuntimeError, match="the OIDC provider ARN AWS returned"):
        run(program, mocks=OtherAccount(PROVIDER))


def test_a_reused_provider_is_not_compared_with_a_built_arn(run: Run) -> None:
    # The reused provider's ARN was looked up, in whatever account the user named.
    arn = "arn:aws:iam::999999999999:oidc-provider/teleport.example.com"
    values = exported(run, existing_provider_arn=arn, thumbprints=None)
    assert values["provider_arn"] == arn
    trust = json.loads(values["trust_policy"])
    assert trust["Statement"][0]["Principal"]["Federated"] == arn
