"""GovCloud and China: IAM is built right, and the user is told Teleport does not work there yet."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pytest

from teleport_oidc import AwsOidcIntegration, AwsOidcIntegrationArgs

from .conftest import PROXY, THUMB, Run


def program(region: str) -> None:
    provider = aws.Provider("where", region=region)
    AwsOidcIntegration(
        "prod",
        AwsOidcIntegrationArgs(proxy_url=PROXY, integration_name="aws-prod", thumbprints=[THUMB]),
        opts=pulumi.ResourceOptions(provider=provider),
    )


@pytest.mark.parametrize(
    ("region", "partition"), [("us-gov-west-1", "aws-us-gov"), ("cn-north-1", "aws-cn")]
)
def test_a_role_in_govcloud_or_china_warns_that_teleport_does_not_work_there(
    run: Run, caplog: pytest.LogCaptureFixture, region: str, partition: str
) -> None:
    rec = run(lambda: program(region))
    assert rec.named("prod-role").outputs["arn"].startswith(f"arn:{partition}:iam::")
    assert f"{partition!r} partition" in caplog.text and "#52383" in caplog.text


def test_a_role_in_the_aws_partition_does_not_warn(
    run: Run, caplog: pytest.LogCaptureFixture
) -> None:
    run(lambda: program("us-east-1"))
    assert "#52383" not in caplog.text
