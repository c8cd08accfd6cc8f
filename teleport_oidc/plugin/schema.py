"""The plugin's Pulumi package schema, generated from the Python classes and their docstrings.

Every input comes from a dataclass field (its annotation gives the type, its docstring the
description, its default whether it is required); every output from the component's
``pulumi.Output[...]`` annotations. Names are camelCase. ``provider/schema.json`` is this
function's output, committed; ``tests/test_plugin_schema.py`` fails when it is stale.

Types a program in any language can write:

- ``features``: the ``Features`` object type, one property per feature key: ``boolean`` for a
  feature without options, the feature's options object type otherwise (``{}`` turns it on with
  its defaults);
- ``discovery``: the ``DiscoveryOptions`` and ``OrganizationDiscovery`` object types;
- ``thumbprints``: a list of strings (absent: ``"auto"``; ``[]``: IAM verifies the certificate
  with its trusted CAs, Python's ``None``);
- the Teleport resources (custom resources of the plugin): their Args' fields, nested objects as
  the Python API's classes (``AwsMatcher``, ``AccessGraphAwsSync``, ``IamAllowRule``...), every
  property an input (a custom resource's inputs may be other resources' outputs). The plugin
  converts them to the providers' own (``registration.Wire``).

An annotation this module cannot state as a schema type fails generation (``SchemaError``):
add it to the table rather than letting ``Any`` through.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import json
import re
import textwrap
import types
import typing
from typing import Any

import pulumi

from .. import __version__
from ..args import AwsOidcIntegrationArgs
from ..component import COMPONENT_TYPE, AwsOidcIntegration
from ..discovery_options import DiscoveryOptions, OrganizationDiscovery
from ..features import FEATURES
from ..member_role import MEMBER_ROLE_TYPE, DiscoveryMemberRole, DiscoveryMemberRoleArgs
from ..random_id import RandomId
from ..registration import PLUGIN_PACKAGE, camel, plugin_type
from ..teleport.discovery import TeleportDiscoveryConfig, TeleportDiscoveryConfigArgs
from ..teleport.integration import TeleportIntegration, TeleportIntegrationArgs
from ..teleport.matchers import (
    AccessGraphAwsSync,
    AwsAssumeRole,
    AwsMatcher,
    AwsOrganizationMatcher,
    Ec2InstallParams,
    OrganizationalUnits,
)
from ..teleport.resource import TctlArgs
from ..teleport.token import IamAllowRule, TeleportProvisionToken, TeleportProvisionTokenArgs

__all__ = ["SchemaError", "schema", "schema_json"]

_TYPE_PREFIX = f"{PLUGIN_PACKAGE}:index:"


class SchemaError(Exception):
    """A Python annotation has no schema type in this module's table."""


_SCALARS = {"str": "string", "bool": "boolean", "int": "integer", "float": "number"}
_SEQ = re.compile(r"\A(?:Sequence|list|tuple)\[(.+?)(?:, \.\.\.)?\]\Z")
_MAP = re.compile(r"\A(?:Mapping|dict)\[str, (.+)\]\Z")
_WRAP = re.compile(r"\Apulumi\.(?:Input|Output)\[(.+)\]\Z")
_TAGS = {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/types/{PLUGIN_PACKAGE}:index:{name}"}


def _list_of(name: str) -> dict[str, Any]:
    return {"type": "array", "items": _ref(name)}


#: (class, field) -> the schema type, where the Python annotation is a union no other language
#: has. Each says how the plugin reads it (plugin.inputs).
_OVERRIDES: dict[tuple[str, str], dict[str, Any]] = {
    ("AwsOidcIntegrationArgs", "thumbprints"): {"type": "array", "items": {"type": "string"}},
    ("AwsOidcIntegrationArgs", "features"): {"$ref": f"#/types/{_TYPE_PREFIX}Features"},
    ("DiscoveryOptions", "tags"): _TAGS,
    ("AwsMatcher", "tags"): _TAGS,
    ("AccessGraphAwsSync", "eks_audit_log_tags"): _TAGS,
    ("TeleportProvisionTokenArgs", "expires"): {"type": "string"},
    # Outputs the Python class annotates loosely (dicts as Teleport holds them): on the wire
    # they are the same objects as the inputs.
    ("TeleportDiscoveryConfig", "aws"): _list_of("AwsMatcher"),
    ("TeleportDiscoveryConfig", "access_graph"): _list_of("AccessGraphAwsSync"),
    ("TeleportProvisionToken", "allow"): _list_of("IamAllowRule"),
}

#: Descriptions the schema adds to a Python docstring, where another language reads it
#: differently.
_NOTES: dict[tuple[str, str], str] = {
    ("AwsOidcIntegrationArgs", "thumbprints"): (
        '\n\nIn the schema: leave it out for `"auto"`; an empty list `[]` means what Python\'s '
        "`None` does (IAM verifies the certificate against its trusted CAs)."
    ),
    ("AwsOidcIntegrationArgs", "features"): (
        "\n\nIn the schema: one property per feature; `true` for a feature without options, the "
        "feature's options object for one with options (`{}` turns it on with its defaults)."
    ),
    ("DiscoveryOptions", "tags"): "\n\nIn the schema: each tag key maps to a list of values.",
    ("AwsMatcher", "tags"): "\n\nIn the schema: each tag key maps to a list of values.",
    ("AccessGraphAwsSync", "eks_audit_log_tags"): (
        "\n\nIn the schema: each tag key maps to a list of values."
    ),
    ("TeleportProvisionTokenArgs", "expires"): "\n\nIn the schema: the RFC 3339 string.",
}


def _docstrings(cls: type) -> dict[str, str]:
    """Attribute docstrings (the string right after an annotated assignment), by name."""
    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if klass.__module__.startswith(("builtins", "pulumi")):
            continue
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(klass)))
        except (OSError, TypeError):
            continue
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
        for node, after in zip(body, [*body[1:], None], strict=True):
            if (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            ):
                docs[node.target.id] = inspect.cleandoc(after.value.value)
    return docs


def _describe(text: str) -> str:
    """A docstring as schema Markdown: reST ``code`` becomes `code`, :class:`X` becomes `X`."""
    return re.sub(r":(?:class|func|meth|mod):`~?(?:[\w.]+\.)?(\w+)`", r"`\1`", text).replace(
        "``", "`"
    )


def _strip_optional(annotation: str) -> tuple[str, bool]:
    parts = [p.strip() for p in _split_union(annotation)]
    optional = "None" in parts
    return " | ".join(p for p in parts if p != "None"), optional


def _split_union(annotation: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for index, char in enumerate(annotation):
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(annotation[start:index])
            start = index + 1
    parts.append(annotation[start:])
    return parts


class _Builder:
    def __init__(self) -> None:
        self.types: dict[str, Any] = {}

    def type_of(self, annotation: str, where: str) -> tuple[dict[str, Any], bool]:
        """The schema type of a Python annotation, and whether it is a plain value."""
        annotation, _ = _strip_optional(annotation)
        plain = True
        wrapped = _WRAP.match(annotation)
        if wrapped:
            annotation, plain = wrapped.group(1), False
            annotation, _ = _strip_optional(annotation)
        if annotation in _SCALARS:
            return {"type": _SCALARS[annotation]}, plain
        seq = _SEQ.match(annotation)
        if seq:
            return {"type": "array", "items": self.type_of(seq.group(1), where)[0]}, plain
        mapping = _MAP.match(annotation)
        if mapping:
            return {
                "type": "object",
                "additionalProperties": self.type_of(mapping.group(1), where)[0],
            }, plain
        known = _OBJECT_TYPES.get(annotation)
        if known is not None:
            return {"$ref": f"#/types/{self.object_type(known)}"}, plain
        raise SchemaError(f"{where}: no schema type for {annotation!r}; add it to plugin.schema")

    def properties(self, cls: type) -> tuple[dict[str, Any], list[str]]:
        """Schema properties of a dataclass's fields, and the required ones."""
        docs = _docstrings(cls)
        props: dict[str, Any] = {}
        required: list[str] = []
        for field in dataclasses.fields(cls):
            where = f"{cls.__name__}.{field.name}"
            override = _OVERRIDES.get((cls.__name__, field.name))
            if override is not None:
                spec, plain = dict(override), True
                if "$ref" in spec and spec["$ref"].endswith("Features"):
                    self.features_type()
            else:
                spec, plain = self.type_of(str(field.type), where)
            if field.name not in docs:
                raise SchemaError(f"{where} has no docstring")
            description = docs[field.name] + _NOTES.get((cls.__name__, field.name), "")
            spec["description"] = _describe(description)
            if plain and cls not in _RESOURCE_OBJECT_TYPES:
                spec["plain"] = True
            name = camel(field.name)
            props[name] = spec
            if field.default is dataclasses.MISSING and (
                field.default_factory is dataclasses.MISSING
            ):
                required.append(name)
        return props, required

    def object_type(self, cls: type) -> str:
        token = f"{_TYPE_PREFIX}{cls.__name__}"
        if token not in self.types:
            self.types[token] = {}  # placeholder: recursion-safe
            props, required = self.properties(cls)
            spec: dict[str, Any] = {
                "type": "object",
                "description": _describe(inspect.cleandoc(cls.__doc__ or cls.__name__)),
                "properties": props,
            }
            if required:
                spec["required"] = required
            self.types[token] = spec
        return token

    def features_type(self) -> str:
        token = f"{_TYPE_PREFIX}Features"
        if token in self.types:
            return token
        props: dict[str, Any] = {}
        for key, (options, _policy) in FEATURES.items():
            doc = _describe(inspect.cleandoc(options.__doc__ or key))
            if dataclasses.fields(options):
                spec: dict[str, Any] = {"$ref": f"#/types/{self.object_type(options)}"}
                doc += " Give the options (`{}` for the defaults) to turn it on."
            else:
                spec = {"type": "boolean"}
                doc += " `true` turns it on."
            spec["description"] = f"The `{key}` feature. {doc}"
            props[camel(key)] = spec
        self.types[token] = {
            "type": "object",
            "description": "Teleport features to grant the integration role, one property per "
            "feature (left out or `false`: off).",
            "properties": props,
        }
        return token

    def outputs(self, cls: type, keys: list[str]) -> tuple[dict[str, Any], list[str]]:
        docs = _docstrings(cls)
        hints = {
            name: value
            for klass in reversed(cls.__mro__)
            for name, value in vars(klass).get("__annotations__", {}).items()
        }
        props: dict[str, Any] = {}
        required: list[str] = []
        for key in keys:
            annotation = _annotation_text(hints[key])
            inner = _WRAP.match(annotation)
            if inner is None:
                raise SchemaError(f"{cls.__name__}.{key} is not a pulumi.Output")
            override = _OVERRIDES.get((cls.__name__, key))
            if override is not None:
                for ref in re.findall(r"#/types/([^\"']+)", json.dumps(override)):
                    self.object_type(_OBJECT_TYPES[ref.rsplit(":", 1)[1]])
                spec = json.loads(json.dumps(override))
            else:
                spec, _ = self.type_of(inner.group(1), f"{cls.__name__}.{key}")
            spec["description"] = _describe(docs[key])
            props[camel(key)] = spec
            if not _strip_optional(inner.group(1))[1]:
                required.append(camel(key))
        return props, required


#: The object types of the Teleport resources' inputs: every property may be an Output.
_RESOURCE_OBJECT_TYPES: tuple[type, ...] = (
    AccessGraphAwsSync,
    AwsAssumeRole,
    AwsMatcher,
    AwsOrganizationMatcher,
    Ec2InstallParams,
    IamAllowRule,
    OrganizationalUnits,
)
_OBJECT_TYPES: dict[str, type] = {
    "DiscoveryOptions": DiscoveryOptions,
    "OrganizationDiscovery": OrganizationDiscovery,
    **{cls.__name__: cls for cls in _RESOURCE_OBJECT_TYPES},
}

#: The component's outputs, in the order it registers them (its ``register_outputs``).
COMPONENT_OUTPUTS = [
    "issuer_url",
    "issuer_host",
    "provider_arn",
    "role_arn",
    "cluster_name",
    "teleport_version",
    "role_name",
    "thumbprints",
    "trust_policy",
    "tags",
    "integration_name",
    "feature_policies",
    "discovery_config_name",
    "discovery_token_name",
    "organization_id",
]
MEMBER_ROLE_OUTPUTS = ["role_arn", "role_name"]
INTEGRATION_OUTPUTS = ["integration_name", "role_arn", "audience", "labels", "revision"]
DISCOVERY_CONFIG_OUTPUTS = ["name", "discovery_group", "aws", "access_graph", "labels", "revision"]
PROVISION_TOKEN_OUTPUTS = ["name", "roles", "allow", "expires", "revision"]


def _config_variables() -> dict[str, Any]:
    docs = _docstrings(TctlArgs)
    return {
        "authServer": {"type": "string", "description": _describe(docs["auth_server"])},
        "identityFile": {"type": "string", "description": _describe(docs["identity_file"])},
        "identity": {
            "type": "string",
            "secret": True,
            "description": "The content of an identity file (`tctl auth sign`), as a secret: "
            "written to a 0600 temporary file for each tctl call, never stored.",
        },
        "tctlPath": {"type": "string", "description": _describe(docs["tctl_path"])},
        "tctlTimeout": {
            "type": "string",
            "description": "Default: 60. Seconds one tctl call may take before it is "
            'stopped (at most 3600; plain seconds, e.g. `"120"`).',
        },
    }


def _custom_resource(builder: _Builder, cls: type, args: type, keys: list[str]) -> dict[str, Any]:
    """A Teleport resource as the plugin's custom resource: its Args' fields as inputs (each may
    be another resource's output), ``keys`` as outputs."""
    inputs, required = builder.properties(args)
    for spec in inputs.values():
        spec.pop("plain", None)
    outputs, out_required = builder.outputs(cls, keys)
    return {
        "description": _describe(inspect.cleandoc(cls.__doc__ or "")),
        "inputProperties": inputs,
        "requiredInputs": required,
        "properties": outputs,
        "required": [key for key in out_required if key != "revision"],
    }


def schema() -> dict[str, Any]:
    """The package schema, as ``pulumi package get-schema`` prints it."""
    builder = _Builder()
    inputs, required = builder.properties(AwsOidcIntegrationArgs)
    outputs, out_required = builder.outputs(AwsOidcIntegration, COMPONENT_OUTPUTS)
    m_inputs, m_required = builder.properties(DiscoveryMemberRoleArgs)
    m_outputs, m_out_required = builder.outputs(DiscoveryMemberRole, MEMBER_ROLE_OUTPUTS)
    config = _config_variables()
    resources = {
        COMPONENT_TYPE: {
            "isComponent": True,
            "description": _describe(inspect.cleandoc(AwsOidcIntegration.__doc__ or "")),
            "inputProperties": inputs,
            "requiredInputs": required,
            "properties": outputs,
            "required": out_required,
        },
        MEMBER_ROLE_TYPE: {
            "isComponent": True,
            "description": _describe(inspect.cleandoc(DiscoveryMemberRole.__doc__ or "")),
            "inputProperties": m_inputs,
            "requiredInputs": m_required,
            "properties": m_outputs,
            "required": m_out_required,
        },
        plugin_type("TeleportIntegration"): _custom_resource(
            builder, TeleportIntegration, TeleportIntegrationArgs, INTEGRATION_OUTPUTS
        ),
        plugin_type("TeleportDiscoveryConfig"): _custom_resource(
            builder,
            TeleportDiscoveryConfig,
            TeleportDiscoveryConfigArgs,
            DISCOVERY_CONFIG_OUTPUTS,
        ),
        plugin_type("TeleportProvisionToken"): _custom_resource(
            builder, TeleportProvisionToken, TeleportProvisionTokenArgs, PROVISION_TOKEN_OUTPUTS
        ),
        plugin_type("RandomId"): {
            "description": _describe(inspect.cleandoc(RandomId.__doc__ or "")),
            "properties": _Builder().outputs(RandomId, ["value"])[0],
            "required": ["value"],
        },
    }
    return {
        "name": PLUGIN_PACKAGE,
        "displayName": "Teleport AWS OIDC",
        "version": __version__,
        "description": "Teleport's AWS OIDC integration as Pulumi code: IAM OIDC provider, "
        "role, feature policies and the Teleport integration (through tctl).",
        "keywords": ["teleport", "aws", "oidc", "kind/component", "category/cloud"],
        "license": "Apache-2.0",
        "config": {"variables": config},
        "provider": {
            "description": "The teleport-oidc provider: its configuration is the stack config "
            "`teleport-oidc:*`.",
            "inputProperties": config,
        },
        "types": dict(sorted(builder.types.items())),
        "resources": resources,
        "language": {
            "nodejs": {"packageName": "@pulumi/teleport-oidc"},
            "python": {"packageName": "pulumi_teleport_oidc"},
            "go": {"importBasePath": "github.com/example/teleport-oidc/sdk/go/teleportoidc"},
        },
    }


def schema_json() -> str:
    """The schema as committed in ``provider/schema.json``."""
    return json.dumps(schema(), indent=2, sort_keys=False) + "\n"


def input_names() -> dict[str, str]:
    """camelCase -> Python name of every input the schema declares (component and types)."""
    names: dict[str, str] = {}
    for cls in (AwsOidcIntegrationArgs, DiscoveryMemberRoleArgs, *_OBJECT_TYPES.values()):
        for field in dataclasses.fields(cls):
            names[camel(field.name)] = field.name
    for key, (options, _policy) in FEATURES.items():
        names[camel(key)] = key
        for field in dataclasses.fields(options):
            names[camel(field.name)] = field.name
    return names


def _annotation_text(value: Any) -> str:
    """An annotation as source text (``pulumi.Output[str | None]``), whether the class keeps it
    as a string (``from __future__ import annotations``) or as the type itself."""
    if isinstance(value, str):
        return value
    if isinstance(value, typing.ForwardRef):
        return value.__forward_arg__
    if value is type(None):
        return "None"
    origin, args = typing.get_origin(value), typing.get_args(value)
    if origin in (typing.Union, types.UnionType):
        return " | ".join(_annotation_text(arg) for arg in args)
    if origin is not None:
        head = (
            "pulumi.Output" if origin is pulumi.Output else getattr(origin, "__name__", str(origin))
        )
        return f"{head}[{', '.join(_annotation_text(arg) for arg in args)}]"
    return getattr(value, "__name__", str(value))
