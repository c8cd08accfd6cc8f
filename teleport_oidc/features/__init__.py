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
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ..errors import InvalidArgumentError
from ._base import PolicyContext

if TYPE_CHECKING:
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
    MODULES: dict[str, ModuleType]
    FEATURES: dict[str, tuple[type, str | None]]

__all__ = [
    "FEATURES",
    "KEYS",
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
    "feature_module",
    "feature_notices",
    "feature_policy",
    "normalize_features",
    "policy_name",
    "ssm_document_content",
    "task_role_policy",
    "task_role_trust_policy",
]

#: The feature keys, sorted; each is also the name of its module here. A feature's module is
#: imported when a program first uses the feature (or one of its names): a program pays only
#: for the features it enables.
KEYS = (
    "access_graph",
    "aws_console_access",
    "ec2_instance_connect",
    "ec2_ssm_discovery",
    "ecs_deploy_service",
    "eks",
    "external_audit_storage",
    "identity_center",
    "rds",
)

#: Names of the feature modules offered here, imported on first use: name -> feature key.
_LAZY = {
    "AccessGraphOptions": "access_graph",
    "AwsConsoleAccessOptions": "aws_console_access",
    "Ec2InstanceConnectOptions": "ec2_instance_connect",
    "Ec2SsmDiscoveryOptions": "ec2_ssm_discovery",
    "ssm_document_content": "ec2_ssm_discovery",
    "EcsDeployServiceOptions": "ecs_deploy_service",
    "TASK_ROLE_DESCRIPTION": "ecs_deploy_service",
    "task_role_policy": "ecs_deploy_service",
    "task_role_trust_policy": "ecs_deploy_service",
    "EksOptions": "eks",
    "ExternalAuditStorageOptions": "external_audit_storage",
    "IdentityCenterOptions": "identity_center",
    "RdsOptions": "rds",
}


def feature_module(key: str) -> ModuleType:
    """Feature ``key``'s module (``KEY``, ``POLICY_NAME``, ``OPTIONS``, ``validate``,
    ``policy``), imported on first use; ``KeyError`` for an unknown key."""
    if key not in KEYS:
        raise KeyError(key)
    return import_module(f".{key}", __name__)


def __getattr__(name: str) -> Any:
    """``MODULES``, ``FEATURES``, ``FeatureOptions`` and the feature modules' names, built or
    imported when first asked for (PEP 562)."""
    value: Any
    if name == "MODULES":
        #: Feature key -> its module.
        value = {key: feature_module(key) for key in KEYS}
    elif name == "FEATURES":
        #: Feature key -> (options type, Teleport's inline policy name; ``None``: from the
        #: options).
        value = {key: (m.OPTIONS, m.POLICY_NAME) for key, m in __getattr__("MODULES").items()}
    elif name == "FeatureOptions":
        options = [feature_module(key).OPTIONS for key in KEYS]
        value = options[0]
        for option in options[1:]:
            value = value | option
    elif name in _LAZY:
        value = getattr(feature_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


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
        if key not in KEYS:
            raise InvalidArgumentError(
                f"features[{key!r}]",
                key,
                "is not a known feature",
                f"use one of: {', '.join(KEYS)}",
            )
        if value is None or value is False:
            continue
        value = _options(key, value)
        feature_module(key).validate(value)
        result[key] = value
    return result


def _options(key: str, value: object) -> Any:
    options_type = feature_module(key).OPTIONS
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
    name: str | None = feature_module(key).POLICY_NAME
    return name if name is not None else str(opts.policy_name)


def feature_notices(key: str, opts: Any, ctx: PolicyContext) -> list[str]:
    """What the user should be told about feature ``key``'s options in this account."""
    notices = getattr(feature_module(key), "notices", None)
    return list(notices(ctx, opts)) if notices is not None else []


def feature_policy(
    key: str, opts: Any, ctx: PolicyContext, *, task_role_arn: str | None = None
) -> dict[str, Any]:
    """The inline policy document of feature ``key`` (options already normalised).

    ``task_role_arn`` is the ECS task role's ARN, needed by ``ecs_deploy_service`` only.
    """
    module = feature_module(key)
    document: dict[str, Any] = module.policy(ctx, opts, task_role_arn=task_role_arn)
    return document
