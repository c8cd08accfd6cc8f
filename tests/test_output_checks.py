"""Output inputs are checked before anything is created (issue 13 item 9): a bad
``permissions_boundary_arn`` that is an Output stops the deployment before the OIDC provider,
the role or any other child is registered."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from teleport_oidc import AwsOidcIntegration, AwsOidcIntegrationArgs
from teleport_oidc.cli.mockrun import FakeAws

from .conftest import PROXY, THUMB, Run


def later(value: str) -> pulumi.Output[str]:
    """An Output known only after a step, like another resource's attribute."""
    return pulumi.Output.from_input(value).apply(lambda v: v)


def build(**overrides: Any) -> None:
    values: dict[str, Any] = {
        "proxy_url": PROXY,
        "integration_name": "aws-prod",
        "thumbprints": [THUMB],
        "features": {"rds": True, "ecs_deploy_service": True},
    }
    values.update(overrides)
    AwsOidcIntegration("prod", AwsOidcIntegrationArgs(**values))


def test_a_bad_output_boundary_registers_no_aws_resource(run: Run) -> None:
    fake = FakeAws()
    with pytest.raises(ValueError, match="permissions_boundary_arn must be an ARN of the .iam."):
        run(lambda: build(permissions_boundary_arn=later("arn:aws:s3:::bucket")), mocks=fake)
    registered = [r.type for r in fake.recorded.resources]
    assert registered == ["teleport-oidc:index:AwsOidcIntegration"]  # the component alone


def test_a_good_output_boundary_reaches_the_role_and_everything_is_created(run: Run) -> None:
    boundary = "arn:aws:iam::123456789012:policy/boundary"
    recorded = run(lambda: build(permissions_boundary_arn=later(boundary)))
    assert recorded.named("prod-role").inputs["permissionsBoundary"] == boundary
    assert recorded.named("prod-provider").inputs["tags"]["teleport.dev/origin"]
    assert len(recorded.of_type("aws:iam/rolePolicy:RolePolicy")) == 3
