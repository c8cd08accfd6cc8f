"""The bad-input catalogue: every entry is rejected before anything is registered, with an
error that names the argument, the value, the rule and the fix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from teleport_oidc import (
    AwsOidcIntegration,
    AwsOidcIntegrationArgs,
    InvalidArgumentError,
    TeleportIntegration,
    TeleportIntegrationArgs,
    lookup_thumbprints,
    lookup_thumbprints_output,
)

from .conftest import PROXY, THUMB, Run

ROLE = "arn:aws:iam::123456789012:role/teleport-aws-prod"
HERE = str(Path(__file__).parent)
EAS = {
    "events_s3_uri": "s3://audit/events",
    "recordings_s3_uri": "s3://audit/sessions",
    "results_s3_uri": "s3://audit/results",
    "athena_workgroup": "wg",
    "glue_database": "db",
    "glue_table": "events",
    "region": "us-east-1",
}


def component(**overrides: Any) -> Callable[[], Any]:
    values: dict[str, Any] = {
        "proxy_url": PROXY,
        "integration_name": "aws-prod",
        "thumbprints": [THUMB],
    }
    values.update(overrides)
    return lambda: AwsOidcIntegration("c", AwsOidcIntegrationArgs(**values))


def integration(**overrides: Any) -> Callable[[], Any]:
    values: dict[str, Any] = {"integration_name": "aws-prod", "role_arn": ROLE}
    values.update(overrides)
    return lambda: TeleportIntegration("i", TeleportIntegrationArgs(**values))


CATALOGUE: list[tuple[str, Callable[[], Any], str]] = [
    # proxy URL
    ("port", component(proxy_url="https://teleport.example.com:3080"), "proxy_url"),
    ("path", component(proxy_url="https://teleport.example.com/web"), "proxy_url"),
    ("http", component(proxy_url="http://teleport.example.com"), "proxy_url"),
    ("no scheme", component(proxy_url="teleport.example.com"), "proxy_url"),
    ("userinfo", component(proxy_url="https://u:p@teleport.example.com"), "proxy_url"),
    ("IDN host", component(proxy_url="https://téléport.example.com"), "proxy_url"),
    ("query", component(proxy_url="https://teleport.example.com?a=b"), "proxy_url"),
    ("fragment", component(proxy_url="https://teleport.example.com#x"), "proxy_url"),
    ("empty URL", component(proxy_url=""), "proxy_url"),
    ("whitespace URL", component(proxy_url="https://teleport.example.com "), "proxy_url"),
    ("underscore host", component(proxy_url="https://tele_port.example.com"), "proxy_url"),
    ("not a string URL", component(proxy_url=443), "proxy_url"),
    # names
    ("empty name", component(integration_name=""), "integration_name"),
    ("name with dots", component(integration_name="aws.prod"), "integration_name"),
    ("name with capitals", component(integration_name="AwsProd"), "integration_name"),
    ("name too long", component(integration_name="a" * 64), "integration_name"),
    ("name starts with digit", component(integration_name="1aws"), "integration_name"),
    ("name ends with dash", component(integration_name="aws-"), "integration_name"),
    ("whitespace name", component(integration_name=" aws"), "integration_name"),
    ("role name too long", component(role_name="r" * 65), "role_name"),
    ("role name with slash", component(role_name="a/b"), "role_name"),
    ("role path without slashes", component(role_path="teleport"), "role_path"),
    ("role path with space", component(role_path="/a b/"), "role_path"),
    ("session too short", component(max_session_duration=900), "max_session_duration"),
    ("session too long", component(max_session_duration=86400), "max_session_duration"),
    ("session not int", component(max_session_duration="3600"), "max_session_duration"),
    # thumbprints
    ("thumbprint too short", component(thumbprints=["abc"]), "thumbprints[0]"),
    ("thumbprint not hex", component(thumbprints=["z" * 40]), "thumbprints[0]"),
    ("six thumbprints", component(thumbprints=[f"{i}" * 40 for i in range(6)]), "thumbprints"),
    ("duplicate thumbprints", component(thumbprints=[THUMB, THUMB.upper()]), "thumbprints[1]"),
    ("empty thumbprint list", component(thumbprints=[]), "thumbprints"),
    ("thumbprints as one string", component(thumbprints=THUMB), "thumbprints"),
    # ARNs
    (
        "boundary of wrong service",
        component(permissions_boundary_arn="arn:aws:s3:::bucket"),
        "permissions_boundary_arn",
    ),
    (
        "boundary with bad partition",
        component(permissions_boundary_arn="arn:aws-x:iam::123456789012:policy/b"),
        "permissions_boundary_arn",
    ),
    (
        "boundary with short account",
        component(permissions_boundary_arn="arn:aws:iam::1234:policy/b"),
        "permissions_boundary_arn",
    ),
    (
        "provider ARN of a role",
        component(existing_provider_arn=ROLE, thumbprints="auto"),
        "existing_provider_arn",
    ),
    (
        "provider ARN of another host",
        component(
            existing_provider_arn="arn:aws:iam::123456789012:oidc-provider/x.example.com",
            thumbprints="auto",
        ),
        "existing_provider_arn",
    ),
    # tags
    ("aws: tag key", component(tags={"aws:owner": "me"}), "tags['aws:owner']"),
    ("tag key too long", component(tags={"k" * 129: "v"}), "tags['" + "k" * 129 + "']"),
    ("tag value too long", component(tags={"team": "v" * 257}), "tags['team']"),
    ("too many tags", component(tags={f"k{i}": "v" for i in range(47)}), "tags"),
    ("bad cluster name", component(cluster_name="a*b"), "cluster_name"),
    # issue 13 item 8: what IAM applies more strictly than a `$`-anchored pattern
    ("tag keys differing in case", component(tags={"Team": "a", "team": "b"}), "tags['team']"),
    (
        "case variant of a required tag",
        component(tags={"Teleport.dev/origin": "x"}),
        "tags['Teleport.dev/origin']",
    ),
    ("tab in a tag value", component(tags={"team": "a\tb"}), "tags['team']"),
    ("newline in a tag key", component(tags={"te\nam": "a"}), "tags['te\\nam']"),
    ("trailing newline in a tag value", component(tags={"team": "infra\n"}), "tags['team']"),
    ("non-Latin-1 description", component(role_description="Teleport → AWS"), "role_description"),
    ("emoji description", component(role_description="Teleport 🚀"), "role_description"),
    ("description too long", component(role_description="d" * 1001), "role_description"),
    ("role path //", component(role_path="//"), "role_path"),
    ("role path with newline", component(role_path="/a\n/"), "role_path"),
    (
        "provider URL over 255 characters",
        component(proxy_url="https://" + ".".join(["a" * 63] * 3 + ["b" * 60])),
        "proxy_url",
    ),
    ("newline inside the URL", component(proxy_url="https://tele\nport.example.com"), "proxy_url"),
    ("thumbprint with trailing newline", component(thumbprints=[THUMB + "\n"]), "thumbprints[0]"),
    ("role name with trailing newline", component(role_name="teleport\n"), "role_name"),
    (
        "boundary with non-ASCII digits",
        component(permissions_boundary_arn="arn:aws:iam::١٢٣٤٥٦٧٨٩٠١٢:policy/b"),
        "permissions_boundary_arn",
    ),
    (
        "feature name with trailing newline",
        component(features={"external_audit_storage": {**EAS, "glue_table": "events\n"}}),
        "features['external_audit_storage'].glue_table",
    ),
    (
        "feature region with trailing newline",
        component(features={"external_audit_storage": {**EAS, "region": "us-east-1\n"}}),
        "features['external_audit_storage'].region",
    ),
    (
        "SQS queue URL with trailing newline",
        component(
            features={
                "access_graph": {
                    "cloudtrail_sqs_queue_url": "https://sqs.us-east-1.amazonaws.com/1234567890"
                    "12/q\n",
                    "cloudtrail_s3_bucket_arn": "arn:aws:s3:::b",
                }
            }
        ),
        "features['access_graph'].cloudtrail_sqs_queue_url",
    ),
    (
        "SSM document name with trailing newline",
        component(features={"ec2_ssm_discovery": {"ssm_document_name": "Installer\n"}}),
        "features['ec2_ssm_discovery'].ssm_document_name",
    ),
    (
        "S3 URI with trailing newline",
        component(
            features={"external_audit_storage": {**EAS, "events_s3_uri": "s3://audit/events\n"}}
        ),
        "features['external_audit_storage'].events_s3_uri",
    ),
    # issue 13 item 11: a ca_bundle path checked when the component is built
    (
        "missing ca_bundle",
        component(thumbprints="auto", ca_bundle="/nonexistent/ca.pem"),
        "ca_bundle",
    ),
    ("ca_bundle is a folder", component(thumbprints="auto", ca_bundle=HERE), "ca_bundle"),
    ("ca_bundle not PEM", component(thumbprints="auto", ca_bundle=__file__), "ca_bundle"),
    # features
    ("unknown feature", component(features={"lambda": True}), "features['lambda']"),
    (
        "bad S3 URI",
        component(features={"external_audit_storage": {**EAS, "events_s3_uri": "s3:/x"}}),
        "features['external_audit_storage'].events_s3_uri",
    ),
    (
        "S3 URI with wildcard",
        component(
            features={"external_audit_storage": {**EAS, "recordings_s3_uri": "s3://audit/*"}}
        ),
        "features['external_audit_storage'].recordings_s3_uri",
    ),
    (
        "KMS ARN of wrong service",
        component(
            features={
                "access_graph": {
                    "cloudtrail_sqs_queue_arn": "arn:aws:sqs:us-east-1:123456789012:q",
                    "cloudtrail_s3_bucket_arn": "arn:aws:s3:::b",
                    "cloudtrail_kms_key_arns": ["arn:aws:s3:::b"],
                }
            }
        ),
        "features['access_graph'].cloudtrail_kms_key_arns[0]",
    ),
    (
        "unknown feature option",
        component(features={"eks": {"clusters": ["a"]}}),
        "features['eks']['clusters']",
    ),
    # features: options added for Teleport v18/v19 (issue #11)
    (
        "SQS queue URL not in Teleport's form",
        component(
            features={
                "access_graph": {
                    "cloudtrail_sqs_queue_url": "https://queue.example.com/123456789012/q",
                    "cloudtrail_s3_bucket_arn": "arn:aws:s3:::b",
                }
            }
        ),
        "features['access_graph'].cloudtrail_sqs_queue_url",
    ),
    (
        "SQS queue URL with a region that is not one",
        component(
            features={
                "access_graph": {
                    "cloudtrail_sqs_queue_url": "https://sqs.moon.amazonaws.com/123456789012/q",
                    "cloudtrail_s3_bucket_arn": "arn:aws:s3:::b",
                }
            }
        ),
        "features['access_graph'].cloudtrail_sqs_queue_url",
    ),
    (
        "SQS queue by URL and by ARN",
        component(
            features={
                "access_graph": {
                    "cloudtrail_sqs_queue_url": "https://sqs.us-east-1.amazonaws.com/123456789012/q",
                    "cloudtrail_sqs_queue_arn": "arn:aws:sqs:us-east-1:123456789012:q",
                    "cloudtrail_s3_bucket_arn": "arn:aws:s3:::b",
                }
            }
        ),
        "features['access_graph'].cloudtrail_sqs_queue_url",
    ),
    (
        "SQS queue URL without the bucket",
        component(
            features={
                "access_graph": {
                    "cloudtrail_sqs_queue_url": "https://sqs.us-east-1.amazonaws.com/123456789012/q"
                }
            }
        ),
        "features['access_graph'].cloudtrail_sqs_queue_url",
    ),
    (
        "EKS audit logs switch not a bool",
        component(features={"access_graph": {"enable_eks_audit_logs": 1}}),
        "features['access_graph'].enable_eks_audit_logs",
    ),
    (
        "SSM document switch not a bool",
        component(features={"ec2_ssm_discovery": {"create_ssm_document": "true"}}),
        "features['ec2_ssm_discovery'].create_ssm_document",
    ),
    (
        "SSM document to create with a reserved name",
        component(
            features={
                "ec2_ssm_discovery": {
                    "create_ssm_document": True,
                    "ssm_document_name": "AWS-RunShellScript",
                }
            }
        ),
        "features['ec2_ssm_discovery'].ssm_document_name",
    ),
    (
        "External Audit Storage without a policy name",
        component(features={"external_audit_storage": EAS}),
        "features['external_audit_storage'].policy_name",
    ),
    (
        "External Audit Storage policy name IAM refuses",
        component(features={"external_audit_storage": {**EAS, "policy_name": "a b"}}),
        "features['external_audit_storage'].policy_name",
    ),
    (
        "ECS task role name IAM refuses",
        component(features={"ecs_deploy_service": {"task_role_name": "db access"}}),
        "features['ecs_deploy_service'].task_role_name",
    ),
    (
        "cluster lookup switch not a bool",
        component(enable_cluster_lookup="no"),
        "enable_cluster_lookup",
    ),
    ("bad integration labels", component(integration_labels={"a": 1}), "integration_labels"),
    # the integration resource
    ("integration name with dots", integration(integration_name="a.b"), "integration_name"),
    ("role ARN of a user", integration(role_arn="arn:aws:iam::123456789012:user/u"), "role_arn"),
    (
        "role ARN in unknown partition",
        integration(role_arn="arn:aws-mars:iam::123456789012:role/r"),
        "role_arn",
    ),
    (
        "role ARN with 11-digit account",
        integration(role_arn="arn:aws:iam::12345678901:role/r"),
        "role_arn",
    ),
    ("role ARN of S3", integration(role_arn="arn:aws:s3:::bucket"), "role_arn"),
    ("unknown audience", integration(audience="sts.amazonaws.com"), "audience"),
    ("non-string labels", integration(labels={"a": 1}), "labels"),
    ("label key with a space", integration(labels={"a b": "1"}), "labels['a b']"),
    ("label key with '='", integration(labels={"x=y": "1"}), "labels['x=y']"),
    ("non-ASCII label key", integration(labels={"ключ": "1"}), "labels['ключ']"),
    ("label key ending in a newline", integration(labels={"env\n": "1"}), "labels['env\\n']"),
    (
        "iac-tool label set by the user",
        integration(labels={"teleport.dev/iac-tool": "terraform"}),
        "labels['teleport.dev/iac-tool']",
    ),
    (
        "component's iac-tool label",
        component(integration_labels={"teleport.dev/iac-tool": "pulumi"}),
        "integration_labels['teleport.dev/iac-tool']",
    ),
    (
        "component's bad label key",
        component(integration_labels={"team name": "x"}),
        "integration_labels['team name']",
    ),
    ("cluster with whitespace", integration(cluster=" prod"), "cluster"),
    ("empty cluster", integration(cluster=""), "cluster"),
    # issue 19 item 15: organization discovery's options, named as written
    (
        "organization option in camelCase in Python",
        component(discovery={"discovery_group": "g", "organization": {"includeOus": ["*"]}}),
        "discovery.organization['includeOus']",
    ),
    (
        "organization option mistyped",
        component(discovery={"discovery_group": "g", "organization": {"include_ou": ["*"]}}),
        "discovery.organization['include_ou']",
    ),
    (
        "organization unit that is not an ID",
        component(discovery={"discovery_group": "g", "organization": {"include_ous": ["x"]}}),
        "discovery.organization.include_ous[0]",
    ),
    (
        "organization exclude with '*'",
        component(discovery={"discovery_group": "g", "organization": {"exclude_ous": ["*"]}}),
        "discovery.organization.exclude_ous[0]",
    ),
    (
        "organization include mixing '*' and IDs",
        component(
            discovery={
                "discovery_group": "g",
                "organization": {"include_ous": ["*", "ou-abcd-12345678"]},
            }
        ),
        "discovery.organization.include_ous",
    ),
    # the thumbprint helper
    ("lookup with zero timeout", lambda: lookup_thumbprints_output(PROXY, timeout=0), "timeout"),
    ("lookup of an http URL", lambda: lookup_thumbprints("http://t.example.com"), "issuer_url"),
    ("lookup with empty ca_bundle", lambda: lookup_thumbprints(PROXY, ca_bundle=""), "ca_bundle"),
    # discovery as stack config gives it (dicts): RDS needs region names (Teleport expands '*'
    # for EC2 and EKS only)
    (
        "discovery of RDS in every region",
        component(discovery={"discovery_group": "g", "types": ["rds"]}),
        "discovery.regions",
    ),
]


def test_the_catalogue_has_at_least_forty_distinct_entries() -> None:
    assert len({label for label, _, _ in CATALOGUE}) == len(CATALOGUE) >= 40


@pytest.mark.parametrize(
    ("label", "build", "argument"), CATALOGUE, ids=[label for label, _, _ in CATALOGUE]
)
def test_bad_input_is_rejected_before_anything_is_registered(
    run: Run, label: str, build: Callable[[], Any], argument: str
) -> None:
    errors: list[InvalidArgumentError] = []

    def program() -> None:
        try:
            build()
        except InvalidArgumentError as exc:
            errors.append(exc)

    recorded = run(program)
    assert recorded.resources == []
    assert len(errors) == 1, f"{label}: no InvalidArgumentError"
    error = errors[0]
    assert error.argument == argument
    message = str(error)
    assert message.startswith(argument)  # names the argument
    assert repr(error.value) in message  # the value
    assert error.rule in message and error.fix in message and error.fix  # the rule, the fix


# Stack config the provider reads (teleport-oidc:tctlTimeout): refused when the provider is
# configured, so before any tctl call, naming the key as the user writes it.
CONFIG_CATALOGUE: list[tuple[str, object]] = [
    ("tctlTimeout as a Go duration", "30s"),
    ("tctlTimeout zero", "0"),
    ("tctlTimeout negative", "-5"),
    ("tctlTimeout not a number", "abc"),
    ("tctlTimeout infinite", "inf"),
    ("tctlTimeout not a number (nan)", "nan"),
    ("tctlTimeout over an hour", "86400"),
]


@pytest.mark.parametrize(
    ("label", "value"), CONFIG_CATALOGUE, ids=[label for label, _ in CONFIG_CATALOGUE]
)
def test_bad_stack_config_is_refused_when_the_provider_is_configured(
    label: str, value: object
) -> None:
    from pulumi.dynamic import ConfigureRequest
    from pulumi.dynamic.config import Config

    from teleport_oidc import TeleportIntegrationProvider

    with pytest.raises(InvalidArgumentError) as got:
        TeleportIntegrationProvider().configure(
            ConfigureRequest(Config({"teleport-oidc:tctlTimeout": value}, "p"))
        )
    error = got.value
    message = str(error)
    assert error.argument == "teleport-oidc:tctlTimeout"
    assert message.startswith("teleport-oidc:tctlTimeout")
    assert repr(value) in message and error.rule in message and error.fix in message


@pytest.mark.parametrize(
    ("label", "value"), CONFIG_CATALOGUE, ids=[label for label, _ in CONFIG_CATALOGUE]
)
@pytest.mark.parametrize("build", [component(), integration()], ids=["component", "integration"])
def test_bad_stack_config_is_refused_before_anything_is_registered(
    run: Run, label: str, value: object, build: Callable[[], Any]
) -> None:
    errors: list[InvalidArgumentError] = []

    def program() -> None:
        try:
            build()
        except InvalidArgumentError as exc:
            errors.append(exc)

    recorded = run(program, config={"teleport-oidc:tctlTimeout": str(value)})
    assert recorded.resources == []
    (error,) = errors
    assert error.argument == "teleport-oidc:tctlTimeout"


# `plan --state FILE`: every shape of file the export reader cannot use, each with its own
# message naming the file and the place, and the fix; read before the program runs.
def _export(*resources: object, **deployment: object) -> str:
    import json

    return json.dumps({"version": 3, "deployment": {"resources": list(resources), **deployment}})


_URN = "urn:pulumi:prod::p::aws:iam/role:Role::r"
STATE_CATALOGUE: list[tuple[str, bytes | str | None]] = [
    ("state file missing", None),
    ("state file empty", ""),
    ("state not UTF-8", b"\xff\xfe{}"),
    ("state not JSON", '{"deployment": '),
    ("state nested too deeply", "[" * 100_000),
    ("state a JSON list", "[]"),
    ("state without deployment", "{}"),
    ("state from preview --json", '{"steps": []}'),
    ("state of the deployment part alone", '{"resources": []}'),
    ("state deployment a string", '{"deployment": "x"}'),
    ("state resources an object", '{"deployment": {"resources": {}}}'),
    ("state resource a number", _export(5)),
    ("state resource without urn", _export({"type": "aws:iam/role:Role"})),
    ("state urn a number", _export({"urn": 5, "type": "aws:iam/role:Role"})),
    ("state urn not a URN", _export({"urn": "r", "type": "aws:iam/role:Role"})),
    ("state resource without type", _export({"urn": _URN})),
    ("state inputs a list", _export({"urn": _URN, "type": "t", "inputs": []})),
    ("state outputs a string", _export({"urn": _URN, "type": "t", "outputs": "x"})),
    ("state parent a number", _export({"urn": _URN, "type": "t", "parent": 1})),
    ("state provider a list", _export({"urn": _URN, "type": "t", "provider": []})),
    (
        "state two live resources of one URN",
        _export({"urn": _URN, "type": "t"}, {"urn": _URN, "type": "t"}),
    ),
]


def _state_error(tmp_path: Path, content: bytes | str | None, capsys: Any) -> str:
    from teleport_oidc.cli.main import main

    path = tmp_path / "state.json"
    if isinstance(content, str):
        path.write_text(content)
    elif content is not None:
        path.write_bytes(content)
    capsys.readouterr()
    assert main(["plan", str(Path(HERE).parent / "examples/basic"), "--state", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return str(captured.err.replace(str(path), "STATE"))


@pytest.mark.parametrize(
    ("label", "content"), STATE_CATALOGUE, ids=[label for label, _ in STATE_CATALOGUE]
)
def test_a_state_file_plan_cannot_read_is_refused_with_what_is_wrong_and_the_fix(
    tmp_path: Path, capsys: Any, label: str, content: bytes | str | None
) -> None:
    message = _state_error(tmp_path, content, capsys)
    assert message.startswith("error: --state 'STATE' "), message
    assert "pulumi stack export --file" in message  # the fix
    assert "could not run" not in message and "Traceback" not in message
    assert message.count("\n") == 1


def test_every_state_file_shape_gets_its_own_message(tmp_path: Path, capsys: Any) -> None:
    messages = {_state_error(tmp_path, content, capsys) for _, content in STATE_CATALOGUE}
    assert len(messages) == len(STATE_CATALOGUE)
