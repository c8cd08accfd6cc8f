"""The plugin's schema: generated from the Python classes, committed, typed and documented."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from teleport_oidc.features import FEATURES
from teleport_oidc.plugin import schema as plugin_schema
from teleport_oidc.registration import camel

COMMITTED = Path(__file__).resolve().parents[1] / "provider" / "schema.json"
COMPONENT = "teleport-oidc:index:AwsOidcIntegration"


def test_the_committed_schema_is_the_one_the_code_generates() -> None:
    assert COMMITTED.read_text() == plugin_schema.schema_json(), (
        "provider/schema.json is stale: run "
        "`.venv/bin/python -c 'from teleport_oidc.plugin.schema import schema_json; "
        'print(schema_json(), end="")\' > provider/schema.json`'
    )


def _properties(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for token, resource in schema["resources"].items():
        for key in ("inputProperties", "properties"):
            found += [(f"{token}.{n}", p) for n, p in resource.get(key, {}).items()]
    for token, spec in schema["types"].items():
        found += [(f"{token}.{n}", p) for n, p in spec["properties"].items()]
    return found


def test_every_property_has_a_stated_type_and_a_description() -> None:
    for where, prop in _properties(plugin_schema.schema()):
        assert "type" in prop or "$ref" in prop, where
        assert prop.get("description", "").strip(), where
        assert "pulumi.json#/Any" not in json.dumps(prop), where


def test_every_component_input_is_a_field_of_the_args_in_camel_case() -> None:
    from teleport_oidc import AwsOidcIntegrationArgs

    inputs = plugin_schema.schema()["resources"][COMPONENT]["inputProperties"]
    assert list(inputs) == [camel(f.name) for f in dataclasses.fields(AwsOidcIntegrationArgs)]
    assert "proxyUrl" in inputs and "proxy_url" not in inputs


def test_features_has_one_property_per_feature_a_boolean_or_its_options() -> None:
    features = plugin_schema.schema()["types"]["teleport-oidc:index:Features"]["properties"]
    assert sorted(features) == sorted(camel(key) for key in FEATURES)
    assert features["rds"]["type"] == "boolean"
    assert features["accessGraph"]["$ref"] == "#/types/teleport-oidc:index:AccessGraphOptions"
    external = plugin_schema.schema()["types"]["teleport-oidc:index:ExternalAuditStorageOptions"]
    assert "eventsS3Uri" in external["required"]


def test_thumbprints_and_discovery_are_types_every_language_has() -> None:
    inputs = plugin_schema.schema()["resources"][COMPONENT]["inputProperties"]
    assert inputs["thumbprints"]["type"] == "array"
    assert inputs["thumbprints"]["items"] == {"type": "string"}
    assert inputs["discovery"]["$ref"] == "#/types/teleport-oidc:index:DiscoveryOptions"
    organization = plugin_schema.schema()["types"]["teleport-oidc:index:DiscoveryOptions"][
        "properties"
    ]["organization"]
    assert organization["$ref"] == "#/types/teleport-oidc:index:OrganizationDiscovery"


def test_an_annotation_with_no_schema_type_fails_generation() -> None:
    @dataclasses.dataclass
    class Loose:
        anything: Any = None
        """Something."""

    with pytest.raises(plugin_schema.SchemaError, match="Loose.anything: no schema type"):
        plugin_schema._Builder().properties(Loose)


def test_a_field_with_no_docstring_fails_generation() -> None:
    @dataclasses.dataclass
    class Undocumented:
        name: str = ""

    with pytest.raises(plugin_schema.SchemaError, match="Undocumented.name has no docstring"):
        plugin_schema._Builder().properties(Undocumented)


def test_the_teleport_resources_are_custom_resources_with_typed_nested_objects() -> None:
    generated = plugin_schema.schema()
    resources, types = generated["resources"], generated["types"]
    config = resources["teleport-oidc:index:TeleportDiscoveryConfig"]
    token = resources["teleport-oidc:index:TeleportProvisionToken"]
    assert not config.get("isComponent") and not token.get("isComponent")
    ref = "#/types/teleport-oidc:index:"
    assert config["inputProperties"]["aws"]["items"] == {"$ref": ref + "AwsMatcher"}
    assert config["inputProperties"]["accessGraph"]["items"] == {"$ref": ref + "AccessGraphAwsSync"}
    assert config["properties"]["aws"]["items"] == {"$ref": ref + "AwsMatcher"}
    assert token["inputProperties"]["allow"]["items"] == {"$ref": ref + "IamAllowRule"}
    assert token["inputProperties"]["expires"]["type"] == "string"
    assert config["requiredInputs"] == ["name", "discoveryGroup"]
    assert token["requiredInputs"] == ["name", "allow"]
    matcher = types["teleport-oidc:index:AwsMatcher"]["properties"]
    assert matcher["assumeRole"]["$ref"] == ref + "AwsAssumeRole"
    assert matcher["install"]["$ref"] == ref + "Ec2InstallParams"
    assert "ssmDocumentName" in matcher and "ssm_document_name" not in matcher
    # A custom resource's inputs, nested ones too, may be other resources' outputs.
    for name in ("AwsMatcher", "AwsAssumeRole", "IamAllowRule", "OrganizationalUnits"):
        assert all(
            "plain" not in p for p in types[f"teleport-oidc:index:{name}"]["properties"].values()
        )
    for resource in (config, token):
        assert all("plain" not in p for p in resource["inputProperties"].values())
