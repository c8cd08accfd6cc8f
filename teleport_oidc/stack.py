"""The root stack: a deployable, config-driven program (``Pulumi.yaml`` at the repository root).

Config (namespace ``teleport-oidc``; see the README for every key)::

    pulumi config set teleport-oidc:proxyUrl https://teleport.example.com
    pulumi config set teleport-oidc:integrationName aws-prod
    pulumi config set --path 'teleport-oidc:features.rds' true
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from dataclasses import fields
from typing import Any

import pulumi

from .component import AwsOidcIntegration, AwsOidcIntegrationArgs
from .constants import DEFAULT_ROLE_DESCRIPTION
from .discovery_options import DiscoveryOptions, OrganizationDiscovery
from .errors import InvalidArgumentError
from .features import FEATURES

__all__ = ["config_key", "for_config", "program"]

NAMESPACE = "teleport-oidc"


def _key(name: str) -> str:
    return f"{NAMESPACE}:{name}"


def _thumbprints(config: pulumi.Config) -> Any:
    """``auto`` (default), ``none`` (IAM decides) or a JSON list of thumbprints."""
    raw = config.get("thumbprints")
    if raw is None or raw == "auto":
        return "auto"
    if raw in ("none", "null"):
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise InvalidArgumentError(
            _key("thumbprints"),
            raw,
            "must be 'auto', 'none' or a JSON list",
            "pulumi config set --path 'teleport-oidc:thumbprints[0]' <40 hex characters>",
        ) from None


def _required(config: pulumi.Config, name: str, example: str) -> str:
    value = config.get(name)
    if value is None:
        raise InvalidArgumentError(
            _key(name), None, "is required", f"pulumi config set {_key(name)} {example}"
        )
    return value


def _bool(config: pulumi.Config, name: str, default: bool) -> bool:
    raw = config.get(name)
    if raw is None:
        return default
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    raise InvalidArgumentError(
        _key(name),
        raw,
        "must be true or false",
        f"pulumi config set {_key(name)} {'false' if default else 'true'}",
    )


def _int(config: pulumi.Config, name: str, default: int, example: str) -> int:
    raw = config.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise InvalidArgumentError(
            _key(name), raw, "must be a whole number", f"pulumi config set {_key(name)} {example}"
        ) from None


def _float(config: pulumi.Config, name: str, default: float, example: str) -> float:
    raw = config.get(name)
    if raw is None:
        return default
    try:
        return float(raw)
    except ValueError:
        raise InvalidArgumentError(
            _key(name), raw, "must be a number", f"pulumi config set {_key(name)} {example}"
        ) from None


def _object(config: pulumi.Config, name: str, example: tuple[str, str]) -> Any:
    raw = config.get(name)
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        value = raw
    if not isinstance(value, dict):
        raise InvalidArgumentError(
            _key(name),
            raw,
            "must be an object (a YAML mapping in the stack file, JSON on the command line)",
            f"pulumi config set --path '{_key(name)}.{example[0]}' {example[1]}",
        )
    return value


def _snake(name: str) -> str:
    """``includeOus`` -> ``include_ous``; a snake_case name is left as it is."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def _option_names(value: Any, known: Collection[str], where: str, renames: dict[str, str]) -> Any:
    """The options object at ``where`` with option names as the Python API spells them.

    Top-level keys are camelCase (``proxyUrl``), so an option inside an object may be written
    either way: ``includeOus`` or ``include_ous``. Only names of options are converted (a key
    that is no option is left for the component to name); what the user wrote is recorded in
    ``renames`` so errors name the key as written.
    """
    if not isinstance(value, dict):
        return value
    result: dict[str, Any] = {}
    for key, item in value.items():
        name = _snake(key) if isinstance(key, str) and _snake(key) in known else key
        if name in result:
            first = renames.get(f"{where}.{name}", f"{where}.{name}").rsplit(".", 1)[1]
            raise InvalidArgumentError(
                _key(f"{where}.{key}"),
                key,
                f"sets the option {name} a second time (first as {first!r}; camelCase and "
                "snake_case are two spellings of one option)",
                f"keep one of the two: pulumi config rm --path '{_key(f'{where}.{key}')}'",
            )
        if name != key:
            renames[f"{where}.{name}"] = f"{where}.{key}"
        result[name] = item
    return result


def _discovery(config: pulumi.Config, renames: dict[str, str]) -> Any:
    raw = _object(config, "discovery", ("discovery_group", "cloud-discovery-group"))
    value = _option_names(raw, DiscoveryOptions.__dataclass_fields__, "discovery", renames)
    if isinstance(value, dict) and "organization" in value:
        value["organization"] = _option_names(
            value["organization"],
            OrganizationDiscovery.__dataclass_fields__,
            "discovery.organization",
            renames,
        )
    return value


def _features(config: pulumi.Config, renames: dict[str, str]) -> Any:
    value = _object(config, "features", ("rds", "true"))
    if isinstance(value, dict):
        for key, options in value.items():
            if key in FEATURES:
                known = {f.name for f in fields(FEATURES[key][0])}
                value[key] = _option_names(options, known, f"features.{key}", renames)
    return value


def _args(config: pulumi.Config, renames: dict[str, str] | None = None) -> AwsOidcIntegrationArgs:
    renames = {} if renames is None else renames
    return AwsOidcIntegrationArgs(
        proxy_url=_required(config, "proxyUrl", "https://teleport.example.com"),
        integration_name=_required(config, "integrationName", "aws-prod"),
        cluster_name=config.get("clusterName"),
        enable_cluster_lookup=_bool(config, "enableClusterLookup", True),
        thumbprints=_thumbprints(config),
        ca_bundle=config.get("caBundle"),
        thumbprint_timeout=_float(config, "thumbprintTimeout", 10.0, "10"),
        create_oidc_provider=_bool(config, "createOidcProvider", True),
        existing_provider_arn=config.get("existingProviderArn"),
        role_name=config.get("roleName"),
        role_path=config.get("rolePath") or "/",
        role_description=config.get("roleDescription") or DEFAULT_ROLE_DESCRIPTION,
        permissions_boundary_arn=config.get("permissionsBoundaryArn"),
        max_session_duration=_int(config, "maxSessionDuration", 3600, "3600"),
        restrict_subjects=_bool(config, "restrictSubjects", False),
        tags=_object(config, "tags", ("team", "infra")),
        features=_features(config, renames),
        create_teleport_integration=_bool(config, "createTeleportIntegration", True),
        integration_labels=_object(config, "integrationLabels", ("env", "prod")),
        adopt_existing_integration=_bool(config, "adoptExistingIntegration", False),
        discovery=_discovery(config, renames),
    )


def program() -> None:
    """Read the stack's config, build one :class:`AwsOidcIntegration`, export its outputs."""
    config = pulumi.Config(NAMESPACE)
    renames: dict[str, str] = {}
    try:
        integration = AwsOidcIntegration(
            config.get("resourceName") or "teleport", _args(config, renames)
        )
    except InvalidArgumentError as exc:
        # Name the config key, not the Python argument, and give a fix in config terms.
        raise for_config(exc, renames) from None

    pulumi.export("issuerUrl", integration.issuer_url)
    pulumi.export("providerArn", integration.provider_arn)
    pulumi.export("roleArn", integration.role_arn)
    pulumi.export("integrationName", integration.integration_name)
    pulumi.export("featurePolicies", integration.feature_policies)
    pulumi.export("clusterName", integration.cluster_name)
    pulumi.export("teleportVersion", integration.teleport_version)
    if integration.discovery is not None:
        pulumi.export("discoveryConfigName", integration.discovery_config_name)
        pulumi.export("discoveryTokenName", integration.discovery_token_name)
    pulumi.export(
        "tctlGetCommand",
        integration.integration_name.apply(lambda name: f"tctl get integration/{name}"),
    )


_PYTHONISMS = re.compile(r"\bpass\b|\bNone\b|\bTrue\b|\bFalse\b|\w+Options\b|\(\.\.\.\)|\{'|\['")
_CONFIG_FIXES = {
    "thumbprints": "pulumi config set teleport-oidc:thumbprints auto (or none, or a JSON list "
    "of the 40-hex thumbprints `teleport-oidc thumbprint <proxy_url>` prints)",
    "tags": "pulumi config set --path 'teleport-oidc:tags.team' infra",
    "integrationLabels": "pulumi config set --path 'teleport-oidc:integrationLabels.env' prod",
    "features": "pulumi config set --path 'teleport-oidc:features.rds' true",
}


def for_config(
    exc: InvalidArgumentError, renames: Mapping[str, str] | None = None
) -> InvalidArgumentError:
    """The same error for someone who wrote stack config: the config key (an option as the user
    spelled it, see ``renames`` of :func:`_option_names`), a config fix."""
    if exc.argument.startswith(f"{NAMESPACE}:"):
        return exc  # already phrased for config
    key = _as_written(config_key(exc.argument), renames or {})
    top = re.split(r"[.\[]", key, maxsplit=1)[0]
    rule = exc.rule
    missing = re.search(
        r"missing [0-9]+ required (?:positional |keyword-only )?arguments?: (.*)\)", rule
    )
    required: list[str] = re.findall(r"(\w+)=\.\.\.", exc.fix)
    if missing:
        required = re.findall(r"'(\w+)'", missing.group(1))
        rule = f"is missing the required options {', '.join(required)}"
    rule = re.sub(r"\b(True|False|None)\b", lambda m: m.group(1).lower(), rule)
    rule = re.sub(r"\b\w+Options\b", "an object of its options", rule)
    fix = exc.fix
    if required:
        fix = "; ".join(
            f"pulumi config set --path '{NAMESPACE}:{key}.{name}' <value>" for name in required
        )
    elif _PYTHONISMS.search(fix):
        fix = _CONFIG_FIXES.get(
            top,
            f"pulumi config set --path '{NAMESPACE}:{key}' <value> (the README's root stack "
            "configuration lists each key's form)",
        )
    value = exc.value
    if isinstance(value, bool):  # config spells booleans in lower case
        value = str(value).lower()
    return InvalidArgumentError(f"{NAMESPACE}:{key}", value, rule, fix)


def _as_written(key: str, renames: Mapping[str, str]) -> str:
    """``discovery.organization.include_ous[0]`` -> ``discovery.organization.includeOus[0]``
    when the user wrote ``includeOus``."""
    for converted, written in sorted(renames.items(), key=lambda item: -len(item[0])):
        if key == converted or key.startswith((f"{converted}[", f"{converted}.")):
            return written + key[len(converted) :]
    return key


def config_key(argument: str) -> str:
    """``features['access_graph'].cloudtrail_kms_key_arns[0]`` ->
    ``features.access_graph.cloudtrailKmsKeyArns[0]``: the path `pulumi config set --path`
    takes. Top-level arguments become camelCase keys; option names keep their spelling."""
    if argument.startswith("discovery"):
        return argument  # an object whose keys are DiscoveryOptions' field names
    head, sep, rest = argument.partition("[")
    head, dot, after = head.partition(".")
    words = head.split("_")
    camel = words[0] + "".join(w.title() for w in words[1:])
    path = camel + (dot + after if dot else "")
    if sep:
        path += re.sub(r"\['([A-Za-z_][\w-]*)'\]", r".\1", sep + rest)
    return path
