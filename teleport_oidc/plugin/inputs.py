"""A program's inputs (camelCase, as the schema spells them) as the Python Args, and our errors
spelled back the way that program writes its arguments (``proxyUrl``, not ``proxy_url``).

Conversions where the schema and Python differ (see :mod:`.schema`):

- ``thumbprints``: absent -> ``"auto"``; ``[]`` -> ``None`` (IAM verifies with its trusted CAs);
- ``features``: ``{"accessGraph": {...}, "rds": true}`` -> ``{"access_graph": {...}, "rds": True}``
  with each options object's names in Python spelling (``normalize_features`` takes dicts);
- ``discovery``: the object's names in Python spelling (``check_discovery`` takes a mapping);
- whole numbers arrive as floats (the wire has only doubles): an integer field gets an int;
- a whole number where the schema states a string becomes that string
  (:func:`stated_strings`): pulumi-language-yaml 1.25 hands a config value that looks like a
  number (an account ID) to the plugin as a number, even with ``type: string``.

A value the Python API takes plain (not ``pulumi.Input``) must be known when the program runs:
an Output there is refused naming the argument.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Mapping
from typing import Any, TypeVar

import pulumi

from ..args import AwsOidcIntegrationArgs
from ..discovery_options import DiscoveryOptions, OrganizationDiscovery
from ..errors import InvalidArgumentError
from ..features import FEATURES
from ..member_role import DiscoveryMemberRoleArgs
from ..registration import camel, snake
from ..teleport.discovery import TeleportDiscoveryConfigArgs
from ..teleport.integration import TeleportIntegrationArgs
from ..teleport.matchers import (
    AccessGraphAwsSync,
    AwsAssumeRole,
    AwsMatcher,
    AwsOrganizationMatcher,
    Ec2InstallParams,
    OrganizationalUnits,
)
from ..teleport.token import IamAllowRule, TeleportProvisionTokenArgs

__all__ = [
    "component_args",
    "member_role_args",
    "program_argument",
    "respell_first_line",
    "respelled",
    "stated_strings",
]

T = TypeVar("T")

_TOKEN = re.compile(r"\[[^\]]*\]|[A-Za-z_][A-Za-z0-9_]*|.", re.DOTALL)


def program_argument(argument: str) -> str:
    """A Python argument path as a program in another language writes it:
    ``features['access_graph'].cloudtrail_sqs_queue_url`` ->
    ``features.accessGraph.cloudtrailSqsQueueUrl``; keys of user data (``tags['aws:x']``) and
    list indexes stay as they are."""
    out: list[str] = []
    previous = ""
    for token in _TOKEN.findall(argument):
        if token.startswith("[") and previous == "features":
            key = token[1:-1].strip("'\"")
            out.append(f".{camel(key)}")
            previous = key
            continue
        if token[:1].isalpha() or token[:1] == "_":
            out.append(camel(token))
        else:
            out.append(token)
        previous = token
    return "".join(out)


def respelled(error: InvalidArgumentError) -> InvalidArgumentError:
    """The same error, naming the argument as a non-Python program writes it."""
    argument = program_argument(error.argument)
    if argument == error.argument:
        return error
    again = InvalidArgumentError(argument, error.value, error.rule, error.fix)
    again.__cause__ = error.__cause__
    return again


_SNAKE_WORD = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def _python_input_names() -> set[str]:
    names = {f.name for cls in _ARGS_TYPES for f in dataclasses.fields(cls)}
    for key, (options, _policy) in FEATURES.items():
        names.add(key)
        names.update(f.name for f in dataclasses.fields(options))
    return {name for name in names if "_" in name}


def respell_first_line(message: str) -> str:
    """Our sentence (a message's first line) with every input named as a non-Python program
    writes it: "set adopt_existing_integration=True" -> "set adoptExistingIntegration=True".
    Later lines (tctl's command and stderr) are quoted as they are."""
    first, newline, rest = message.partition("\n")
    names = _python_input_names()
    first = _SNAKE_WORD.sub(
        lambda m: camel(m.group(0)) if m.group(0) in names else m.group(0), first
    )
    return first + newline + rest


def _plain_fields(cls: type) -> set[str]:
    return {f.name for f in dataclasses.fields(cls) if "pulumi.Input" not in str(f.type)}


def _int_fields(cls: type) -> set[str]:
    return {f.name for f in dataclasses.fields(cls) if str(f.type) == "int"}


def _python_names(cls: type, values: Mapping[str, Any], where: str) -> dict[str, Any]:
    """``values`` (camelCase keys) as ``cls``'s field names; unknown names are refused, absent
    and null values left to the defaults."""
    names = {camel(f.name): f.name for f in dataclasses.fields(cls)}
    plain, ints = _plain_fields(cls), _int_fields(cls)
    result: dict[str, Any] = {}
    for key, value in values.items():
        if key not in names:
            raise InvalidArgumentError(
                f"{where}{key}",
                key,
                "is not an input of this resource",
                f"use some of: {', '.join(sorted(names))}",
            )
        if value is None:
            continue
        name = names[key]
        if name in plain and isinstance(value, pulumi.Output):
            raise InvalidArgumentError(
                f"{where}{key}",
                "<an output of another resource>",
                "must be known when the program runs (a plain value, not another resource's "
                "output)",
                "write the value itself",
            )
        if name in ints and isinstance(value, float) and value.is_integer():
            value = int(value)
        result[name] = value
    return result


def _features(value: Any) -> Any:
    if not isinstance(value, Mapping):
        return value  # normalize_features names the rule
    features: dict[str, Any] = {}
    for key, options in value.items():
        name = snake(key)
        if name in FEATURES and isinstance(options, Mapping):
            options = _python_names(FEATURES[name][0], options, f"features.{key}.")
        features[name] = options
    return features


def _discovery(value: Any) -> Any:
    if not isinstance(value, Mapping):
        return value  # check_discovery names the rule
    options = _python_names(DiscoveryOptions, value, "discovery.")
    organization = options.get("organization")
    if isinstance(organization, Mapping):
        options["organization"] = OrganizationDiscovery(
            **_python_names(OrganizationDiscovery, organization, "discovery.organization.")
        )
    return options


_ARGS_TYPES: tuple[type, ...] = (
    AwsOidcIntegrationArgs,
    DiscoveryMemberRoleArgs,
    DiscoveryOptions,
    OrganizationDiscovery,
    TeleportIntegrationArgs,
    TeleportDiscoveryConfigArgs,
    TeleportProvisionTokenArgs,
    AwsMatcher,
    AwsAssumeRole,
    AwsOrganizationMatcher,
    OrganizationalUnits,
    Ec2InstallParams,
    AccessGraphAwsSync,
    IamAllowRule,
)


def component_args(inputs: Mapping[str, Any]) -> AwsOidcIntegrationArgs:
    """The component's Args from a Construct request's inputs."""
    given = _python_names(AwsOidcIntegrationArgs, inputs, "")
    thumbprints = given.get("thumbprints", "auto")
    if isinstance(thumbprints, (list, tuple)):
        if not thumbprints:
            thumbprints = None
        elif list(thumbprints) == ["auto"]:
            thumbprints = "auto"
    given["thumbprints"] = thumbprints
    if "features" in given:
        given["features"] = _features(given["features"])
    if "discovery" in given:
        given["discovery"] = _discovery(given["discovery"])
    return _build(AwsOidcIntegrationArgs, given)


def member_role_args(inputs: Mapping[str, Any]) -> DiscoveryMemberRoleArgs:
    """DiscoveryMemberRole's Args from a Construct request's inputs."""
    return _build(DiscoveryMemberRoleArgs, _python_names(DiscoveryMemberRoleArgs, inputs, ""))


def _build(cls: type[T], given: dict[str, Any]) -> T:
    missing = [
        f.name
        for f in dataclasses.fields(cls)  # type: ignore[arg-type]
        if f.name not in given
        and f.default is dataclasses.MISSING
        and f.default_factory is dataclasses.MISSING
    ]
    if missing:
        raise InvalidArgumentError(
            missing[0], None, "is required", f"set {camel(missing[0])} in the program"
        )
    return cls(**given)


@functools.cache
def _schema() -> dict[str, Any]:
    from .schema import schema  # the schema is built from the classes: once, when first needed

    return schema()


def stated_strings(token: str, props: Mapping[str, Any]) -> dict[str, Any]:
    """A custom resource's inputs (schema spelling) with each whole number where the schema
    states a string written as that string (``123456789012.0`` -> ``"123456789012"``): a YAML
    program's config value that looks like a number reaches the plugin as one. Anything else is
    left to the provider's checks."""
    spec = _schema()["resources"].get(token)
    if spec is None:
        return dict(props)
    inputs = spec.get("inputProperties", {})
    return {key: _as_stated(value, inputs.get(key)) for key, value in props.items()}


def _as_stated(value: Any, spec: Mapping[str, Any] | None) -> Any:
    if spec is None:
        return value
    if "$ref" in spec:
        spec = _schema()["types"].get(spec["$ref"].removeprefix("#/types/"), {})
    kind = spec.get("type")
    if kind == "string":
        whole = isinstance(value, (int, float)) and not isinstance(value, bool)
        return str(int(value)) if whole and float(value).is_integer() else value
    if kind == "array" and isinstance(value, list):
        return [_as_stated(item, spec.get("items")) for item in value]
    if kind == "object" and isinstance(value, Mapping):
        if "properties" in spec:
            return {k: _as_stated(v, spec["properties"].get(k)) for k, v in value.items()}
        return {k: _as_stated(v, spec.get("additionalProperties")) for k, v in value.items()}
    return value
