"""Teleport features as least-privilege inline policies: the registry of feature keys.

One module per feature; this module maps the stable keys to them and is the single public entry
point. A feature module's docstring names the Teleport function and file it follows, and it has:

- ``KEY``: the stable feature key (also in child resource names; never renamed);
- ``POLICY_NAME``: Teleport's inline policy name, or ``None`` when the options give it;
- ``OPTIONS``: its frozen options dataclass (every field documented with its default);
- ``validate(opts)``: raises ``InvalidArgumentError`` naming ``features['<key>'].<option>``;
- ``policy(ctx, opts, **extra)``: the policy document, a dict, from a :class:`PolicyContext`;
- optionally ``notices(ctx, opts)``: warnings about these options where the role lives.

Its golden documents are ``tests/golden/features/<key>*.json``, one per option set. Resource
ARNs take the partition and account from the integration role's ARN.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, fields
from types import ModuleType
from typing import Any

from ..errors import InvalidArgumentError
from . import (
    access_graph,
    aws_console_access,
    ec2_instance_connect,
    ec2_ssm_discovery,
    ecs_deploy_service,
    eks,
    external_audit_storage,
    identity_center,
    rds,
)
from ._base import PolicyContext
from .access_graph import AccessGraphOptions
from .aws_console_access import AwsConsoleAccessOptions
from .ec2_instance_connect import Ec2InstanceConnectOptions
from .ec2_ssm_discovery import Ec2SsmDiscoveryOptions, ssm_document_content
from .ecs_deploy_service import (
    TASK_ROLE_DESCRIPTION,
    EcsDeployServiceOptions,
    task_role_policy,
    task_role_trust_policy,
)
from .eks import EksOptions
from .external_audit_storage import ExternalAuditStorageOptions
from .identity_center import IdentityCenterOptions
from .rds import RdsOptions

__all__ = [
    "FEATURES",
    "MODULES",
    "TASK_ROLE_DESCRIPTION",
    "AccessGraphOptions",
    "AwsConsoleAccessOptions",
    "Ec2InstanceConnectOptions",
    "Ec2SsmDiscoveryOptions",
    "EcsDeployServiceOptions",
    "EksOptions",
    "ExternalAuditStorageOptions",
    "FeatureOptions",
    "IdentityCenterOptions",
    "PolicyContext",
    "RdsOptions",
    "feature_notices",
    "feature_policy",
    "normalize_features",
    "policy_name",
    "ssm_document_content",
    "task_role_policy",
    "task_role_trust_policy",
]

FeatureOptions = (
    AccessGraphOptions
    | AwsConsoleAccessOptions
    | Ec2InstanceConnectOptions
    | Ec2SsmDiscoveryOptions
    | EcsDeployServiceOptions
    | EksOptions
    | ExternalAuditStorageOptions
    | IdentityCenterOptions
    | RdsOptions
)

#: Feature key -> its module (``KEY``, ``POLICY_NAME``, ``validate``, ``policy``, options type).
MODULES: dict[str, ModuleType] = {
    module.KEY: module
    for module in (
        access_graph,
        aws_console_access,
        ec2_instance_connect,
        ec2_ssm_discovery,
        ecs_deploy_service,
        eks,
        external_audit_storage,
        identity_center,
        rds,
    )
}


#: Feature key -> (options type, Teleport's inline policy name; ``None``: from the options).
FEATURES: dict[str, tuple[type, str | None]] = {
    key: (MODULES[key].OPTIONS, MODULES[key].POLICY_NAME) for key in sorted(MODULES)
}


def normalize_features(features: object) -> dict[str, Any]:
    """Check a ``features`` mapping and return ``{key: options}`` sorted by key.

    Values: ``True`` (defaults), ``False``/``None`` (off), the feature's options object, or a
    dict of its options (as stack config gives them).
    """
    if features is None:
        return {}
    if not isinstance(features, Mapping):
        raise InvalidArgumentError(
            "features",
            features,
            "must be a mapping of feature keys to True or options",
            "pass e.g. {'rds': True, 'eks': True}",
        )
    result: dict[str, Any] = {}
    for key in sorted(features, key=str):
        value = features[key]
        if key not in FEATURES:
            raise InvalidArgumentError(
                f"features[{key!r}]",
                key,
                "is not a known feature",
                f"use one of: {', '.join(sorted(FEATURES))}",
            )
        if value is None or value is False:
            continue
        value = _options(key, value)
        MODULES[key].validate(value)
        result[key] = value
    return result


def _options(key: str, value: object) -> Any:
    options_type = FEATURES[key][0]
    if value is True:
        try:
            return options_type()
        except TypeError:
            required = [
                f.name
                for f in fields(options_type)
                if f.default is MISSING and f.default_factory is MISSING
            ]
            raise InvalidArgumentError(
                f"features[{key!r}]",
                True,
                "needs options",
                f"pass {options_type.__name__}({', '.join(f'{n}=...' for n in required)})",
            ) from None
    if isinstance(value, Mapping):
        known = {f.name for f in fields(options_type)}
        unknown = sorted(set(value) - known)
        if unknown:
            raise InvalidArgumentError(
                f"features[{key!r}][{unknown[0]!r}]",
                unknown[0],
                "is not an option of this feature",
                f"use one of: {', '.join(sorted(known)) or '(none)'}",
            )
        try:
            return options_type(**value)
        except TypeError as exc:
            raise InvalidArgumentError(
                f"features[{key!r}]",
                dict(value),
                f"is missing options ({exc})",
                f"see {options_type.__name__} for the required options",
            ) from None
    if not isinstance(value, options_type):
        raise InvalidArgumentError(
            f"features[{key!r}]",
            value,
            f"must be True, False or {options_type.__name__}",
            f"pass True or {options_type.__name__}(...)",
        )
    return value


def policy_name(key: str, opts: Any) -> str:
    """The inline policy's name on the integration role."""
    name = FEATURES[key][1]
    return name if name is not None else str(opts.policy_name)


def feature_notices(key: str, opts: Any, ctx: PolicyContext) -> list[str]:
    """What the user should be told about feature ``key``'s options in this account."""
    notices = getattr(MODULES[key], "notices", None)
    return list(notices(ctx, opts)) if notices is not None else []


def feature_policy(
    key: str, opts: Any, ctx: PolicyContext, *, task_role_arn: str | None = None
) -> dict[str, Any]:
    """The inline policy document of feature ``key`` (options already normalised).

    ``task_role_arn`` is the ECS task role's ARN, needed by ``ecs_deploy_service`` only.
    """
    module = MODULES.get(key)
    if module is None:
        raise KeyError(key)
    document: dict[str, Any] = module.policy(ctx, opts, task_role_arn=task_role_arn)
    return document
