"""The root stack: a deployable, config-driven program (``Pulumi.yaml`` at the repository root).

Config (namespace ``teleport-oidc``; see the README for every key)::

    pulumi config set teleport-oidc:proxyUrl https://teleport.example.com
    pulumi config set teleport-oidc:integrationName aws-prod
    pulumi config set --path 'teleport-oidc:features.rds' true
"""

from __future__ import annotations

import json
from typing import Any

import pulumi

from .component import AwsOidcIntegration, AwsOidcIntegrationArgs
from .errors import InvalidArgumentError

__all__ = ["program"]

NAMESPACE = "teleport-oidc"


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
            f"{NAMESPACE}:thumbprints",
            raw,
            "must be 'auto', 'none' or a JSON list",
            "pulumi config set --path 'teleport-oidc:thumbprints[0]' <40 hex characters>",
        ) from None


def _bool(config: pulumi.Config, key: str, default: bool) -> bool:
    value = config.get_bool(key)
    return default if value is None else value


def program() -> None:
    """Read the stack's config, build one :class:`AwsOidcIntegration`, export its outputs."""
    config = pulumi.Config(NAMESPACE)
    duration = config.get_int("maxSessionDuration")
    timeout = config.get_float("thumbprintTimeout")
    try:
        args = AwsOidcIntegrationArgs(
            proxy_url=config.require("proxyUrl"),
            integration_name=config.require("integrationName"),
            cluster_name=config.get("clusterName"),
            enable_cluster_lookup=_bool(config, "enableClusterLookup", True),
            thumbprints=_thumbprints(config),
            ca_bundle=config.get("caBundle"),
            thumbprint_timeout=timeout if timeout is not None else 10.0,
            create_oidc_provider=_bool(config, "createOidcProvider", True),
            existing_provider_arn=config.get("existingProviderArn"),
            role_name=config.get("roleName"),
            role_path=config.get("rolePath") or "/",
            permissions_boundary_arn=config.get("permissionsBoundaryArn"),
            max_session_duration=duration if duration is not None else 3600,
            restrict_subjects=_bool(config, "restrictSubjects", False),
            tags=config.get_object("tags"),
            features=config.get_object("features"),
            create_teleport_integration=_bool(config, "createTeleportIntegration", True),
            integration_labels=config.get_object("integrationLabels"),
            adopt_existing_integration=_bool(config, "adoptExistingIntegration", False),
        )
        integration = AwsOidcIntegration(config.get("resourceName") or "teleport", args)
    except InvalidArgumentError as exc:
        # Name the config key, not the Python argument, so the fix is one `pulumi config set`.
        raise InvalidArgumentError(
            f"{NAMESPACE}:{_config_key(exc.argument)}", exc.value, exc.rule, exc.fix
        ) from None

    pulumi.export("issuerUrl", integration.issuer_url)
    pulumi.export("providerArn", integration.provider_arn)
    pulumi.export("roleArn", integration.role_arn)
    pulumi.export("integrationName", integration.integration_name)
    pulumi.export("featurePolicies", integration.feature_policies)
    pulumi.export("clusterName", integration.cluster_name)
    pulumi.export("teleportVersion", integration.teleport_version)
    pulumi.export(
        "tctlGetCommand",
        integration.integration_name.apply(lambda name: f"tctl get integration/{name}"),
    )


def _config_key(argument: str) -> str:
    head, sep, rest = argument.partition("[")
    words = head.split("_")
    camel = words[0] + "".join(w.title() for w in words[1:])
    return camel + (sep + rest if sep else "")
