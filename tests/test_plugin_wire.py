"""The Teleport resources on the plugin's wire: spelled as the schema spells them (camelCase at
every level, nested objects shaped as the Python API's classes), converted to the providers' own
inputs by the plugin alone, and errors naming nested arguments as the program writes them."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from google.protobuf import struct_pb2
from pulumi.runtime import proto

from teleport_oidc import (
    AwsOidcIntegration,
    AwsOidcIntegrationArgs,
    DiscoveryOptions,
    registration,
)
from teleport_oidc.plugin.schema import schema
from teleport_oidc.plugin.server import PluginServicer, TeleportOidcProvider, wire_of
from teleport_oidc.teleport.discovery import (
    TeleportDiscoveryConfigArgs,
    TeleportDiscoveryConfigProvider,
    discovery_config_props,
)
from teleport_oidc.teleport.matchers import (
    AccessGraphAwsSync,
    AwsAssumeRole,
    AwsMatcher,
    AwsOrganizationMatcher,
    Ec2InstallParams,
    OrganizationalUnits,
)
from teleport_oidc.teleport.token import (
    IamAllowRule,
    TeleportProvisionTokenArgs,
    TeleportProvisionTokenProvider,
    provision_token_props,
)

from .conftest import PROXY, THUMB, Run

PLUGIN = "teleport-oidc:index:"
CONFIG = PLUGIN + "TeleportDiscoveryConfig"
TOKEN = PLUGIN + "TeleportProvisionToken"
ROLE = "arn:aws:iam::123456789012:role/discovery"

#: A discovery_config with every nested object, as a YAML program writes it.
WIRE_CONFIG: dict[str, Any] = {
    "name": "discovery-aws-prod",
    "discoveryGroup": "cloud-discovery-group",
    "aws": [
        {
            "types": ["ec2"],
            "regions": ["us-east-1"],
            "tags": {"team_name": ["platform"]},
            "integration": "aws-prod",
            "assumeRole": {"roleName": "child-role"},
            "organization": {
                "organizationId": "o-abcdefghij",
                "organizationalUnits": {"include": ["r-abcd"], "exclude": ["ou-abcd-11111111"]},
            },
            "install": {"joinToken": "discovery-aws-prod", "suffix": "blue"},
            "ssmDocumentName": "TeleportDiscoveryInstaller",
        },
        {"types": ["rds"], "regions": ["eu-west-1"], "assumeRole": {"roleArn": ROLE}},
    ],
    "accessGraph": [
        {
            "integration": "aws-prod",
            "regions": ["us-east-1"],
            "cloudtrailSqsQueue": "teleport-cloudtrail",
            "cloudtrailRegion": "us-east-1",
            "eksAuditLogTags": {"audit_me": ["yes"]},
        }
    ],
    "labels": {"team_name": "platform"},
}

#: The same discovery_config through the Python API.
PYTHON_CONFIG = TeleportDiscoveryConfigArgs(
    name="discovery-aws-prod",
    discovery_group="cloud-discovery-group",
    aws=[
        AwsMatcher(
            types=["ec2"],
            regions=["us-east-1"],
            tags={"team_name": ["platform"]},
            integration="aws-prod",
            assume_role=AwsAssumeRole(role_name="child-role"),
            organization=AwsOrganizationMatcher(
                organization_id="o-abcdefghij",
                organizational_units=OrganizationalUnits(
                    include=["r-abcd"], exclude=["ou-abcd-11111111"]
                ),
            ),
            install=Ec2InstallParams(join_token="discovery-aws-prod", suffix="blue"),
            ssm_document_name="TeleportDiscoveryInstaller",
        ),
        AwsMatcher(types=["rds"], regions=["eu-west-1"], assume_role=AwsAssumeRole(role_arn=ROLE)),
    ],
    access_graph=[
        AccessGraphAwsSync(
            integration="aws-prod",
            regions=["us-east-1"],
            cloudtrail_sqs_queue="teleport-cloudtrail",
            cloudtrail_region="us-east-1",
            eks_audit_log_tags={"audit_me": ["yes"]},
        )
    ],
    labels={"team_name": "platform"},
)

WIRE_TOKEN: dict[str, Any] = {
    "name": "discovery-aws-prod",
    "roles": ["Node"],
    "allow": [
        {"awsAccount": "123456789012"},
        {
            "awsOrganizationId": "o-abcdefghij",
            "awsOrganizationalUnits": {"include": ["ou-abcd-11111111"]},
        },
    ],
    "expires": "2030-01-01T00:00:00Z",
}

PYTHON_TOKEN = TeleportProvisionTokenArgs(
    name="discovery-aws-prod",
    roles=["Node"],
    allow=[
        IamAllowRule(aws_account="123456789012"),
        IamAllowRule(
            aws_organization_id="o-abcdefghij",
            aws_organizational_units=OrganizationalUnits(include=["ou-abcd-11111111"]),
        ),
    ],
    expires="2030-01-01T00:00:00Z",
)


def undeclared(value: Any, spec: dict[str, Any], where: str = "") -> list[str]:
    """Paths in ``value`` that the schema type ``spec`` does not declare."""
    types = schema()["types"]
    if "$ref" in spec:
        spec = types[spec["$ref"].removeprefix("#/types/")]
    found: list[str] = []
    if isinstance(value, list) and spec.get("type") == "array":
        for index, item in enumerate(value):
            found += undeclared(item, spec["items"], f"{where}[{index}]")
    elif isinstance(value, dict) and "properties" in spec:
        for key, item in value.items():
            if key not in spec["properties"]:
                found.append(f"{where}.{key}")
            else:
                found += undeclared(item, spec["properties"][key], f"{where}.{key}")
    return found


def check(urn: str, news: dict[str, Any]) -> Any:
    servicer = PluginServicer(TeleportOidcProvider(), [], "127.0.0.1:0")
    request = proto.CheckRequest(urn=urn, olds=struct_pb2.Struct(), news=struct_pb2.Struct())
    request.news.update(news)
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(servicer.Check(request, None))
    finally:
        loop.close()


def urn(token: str) -> str:
    return f"urn:pulumi:prod::platform::{token}::direct"


def test_the_schema_declares_every_property_a_program_writes() -> None:
    for token, wire in ((CONFIG, WIRE_CONFIG), (TOKEN, WIRE_TOKEN)):
        inputs = schema()["resources"][token]["inputProperties"]
        for key, value in wire.items():
            assert key in inputs, (token, key)
            assert undeclared(value, inputs[key], key) == [], token


def test_a_programs_discovery_config_reaches_the_provider_as_the_python_api_sends_it() -> None:
    provider = TeleportDiscoveryConfigProvider()
    through_plugin = provider.check({}, wire_of(CONFIG).into(WIRE_CONFIG))
    through_python = provider.check({}, discovery_config_props(PYTHON_CONFIG))
    assert through_plugin.failures == [] and through_python.failures == []
    assert through_plugin.inputs == {**through_python.inputs}
    assert through_plugin.inputs["aws"][0]["ssm"] == {"document_name": "TeleportDiscoveryInstaller"}
    assert through_plugin.inputs["access_graph"]["aws"][0]["cloud_trail_logs"] == {
        "region": "us-east-1",
        "sqs_queue": "teleport-cloudtrail",
    }


def test_a_programs_token_reaches_the_provider_as_the_python_api_sends_it() -> None:
    provider = TeleportProvisionTokenProvider()
    through_plugin = provider.check({}, wire_of(TOKEN).into(WIRE_TOKEN))
    through_python = provider.check({}, provision_token_props(PYTHON_TOKEN))
    assert through_plugin.failures == [] and through_python.failures == []
    assert through_plugin.inputs == through_python.inputs


def test_checked_inputs_go_out_in_the_schemas_shape_and_come_back_unchanged() -> None:
    for token, provider, wire in (
        (CONFIG, TeleportDiscoveryConfigProvider(), WIRE_CONFIG),
        (TOKEN, TeleportProvisionTokenProvider(), WIRE_TOKEN),
    ):
        checked = provider.check({}, wire_of(token).into(wire)).inputs
        out = wire_of(token).out(checked)
        # Teleport's fixed install fields are written out (enrollMode...): outputs show them.
        fixed = {"enrollMode", "installTeleport", "joinMethod"}
        found = undeclared(out, {"properties": schema()["resources"][token]["inputProperties"]})
        assert {path.rsplit(".", 1)[1] for path in found} <= fixed | {"owner"}, found
        assert wire_of(token).into(out) == checked


def test_user_data_keys_keep_their_spelling_on_the_wire() -> None:
    out = wire_of(CONFIG).out(wire_of(CONFIG).into(WIRE_CONFIG))
    assert out["labels"] == {"team_name": "platform"}
    assert out["aws"][0]["tags"] == {"team_name": ["platform"]}
    assert out["accessGraph"][0]["eksAuditLogTags"] == {"audit_me": ["yes"]}


@pytest.mark.parametrize(
    ("token", "change", "argument"),
    [
        (CONFIG, ("aws", 1, "assumeRole", {"roleArn": "not-an-arn"}), "aws[1].assumeRole.roleArn"),
        (CONFIG, ("aws", 0, "ssmDocumentName", "x"), "aws[0].ssmDocumentName"),
        (CONFIG, ("aws", 0, "install", {"scriptName": "Bad Name"}), "aws[0].install.scriptName"),
        (
            CONFIG,
            ("accessGraph", 0, "cloudtrailSqsQueue", "not a queue"),
            "accessGraph[0].cloudtrailSqsQueue",
        ),
        (CONFIG, ("accessGraph", 0, "regions", ["*"]), "accessGraph[0].regions"),
        (TOKEN, ("allow", 0, "awsAccount", "12345"), "allow[0].awsAccount"),
    ],
)
def test_a_bad_nested_input_is_refused_naming_it_as_the_program_writes_it(
    token: str, change: tuple[str, int, str, Any], argument: str
) -> None:
    key, index, field, value = change
    wire = {**(WIRE_CONFIG if token == CONFIG else WIRE_TOKEN)}
    items = [dict(item) for item in wire[key]]
    items[index][field] = value
    wire[key] = items
    response = check(urn(token), wire)
    reasons = [failure.reason for failure in response.failures]
    assert len(reasons) == 1 and reasons[0].startswith(f"{argument} "), reasons
    assert "_" not in reasons[0].split(",")[0], reasons


def discovery_program() -> None:
    AwsOidcIntegration(
        "prod",
        AwsOidcIntegrationArgs(
            proxy_url=PROXY,
            integration_name="aws-prod",
            thumbprints=[THUMB],
            discovery=DiscoveryOptions(discovery_group="cloud-discovery-group"),
        ),
    )


@pytest.fixture
def as_plugin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registration, "_plugin", None)  # restored after the test
    registration.serve_as_plugin("9.8.7")


def test_the_component_in_the_plugin_registers_its_teleport_children_in_the_schemas_shape(
    run: Run, as_plugin: None
) -> None:
    rec = run(discovery_program)
    for token in (CONFIG, TOKEN):
        inputs = rec.of_type(token)[0].inputs
        declared = schema()["resources"][token]["inputProperties"]
        found = undeclared(inputs, {"properties": declared})
        assert found == [".owner"], (token, found)
    matcher = rec.of_type(CONFIG)[0].inputs["aws"][0]
    assert matcher["ssmDocumentName"] == "AWS-RunShellScript"
    assert matcher["install"]["joinToken"] == "discovery-aws-prod"
    assert rec.of_type(TOKEN)[0].inputs["allow"] == [{"awsAccount": "123456789012"}]


def test_a_whole_number_where_the_schema_states_a_string_is_that_string() -> None:
    # pulumi-language-yaml hands a config value that looks like a number to the plugin as one.
    response = check(urn(TOKEN), {**WIRE_TOKEN, "allow": [{"awsAccount": 123456789012.0}]})
    assert list(response.failures) == []
    assert dict(response.inputs["allow"][0]) == {"awsAccount": "123456789012"}
    refused = check(urn(TOKEN), {**WIRE_TOKEN, "allow": [{"awsAccount": 12345.5}]})
    assert [f.reason.split(" ")[0] for f in refused.failures] == ["allow[0].awsAccount"]
