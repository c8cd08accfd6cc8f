"""The Teleport ``integration`` kind (sub_kind ``aws-oidc``) and its dynamic provider.

It runs inside ``python -m pulumi.dynamic``, which the engine starts in the program's virtualenv;
the package must be installed there. Everything but the kind's own rules is shared
(:mod:`teleport_oidc.teleport.resource`).

What changes how, for this kind (``tctl create --force`` of an integration copies only the
spec onto the existing one: ``tool/tctl/common/resource_command.go``, ``createIntegration``):

- ``role_arn``, ``audience``: update in place (``tctl create --force``);
- ``integration_name``: replace (another name: create the new one, then delete the old);
- ``labels``: replace, deleting first (same name; ``--force`` would not apply them);
- ``cluster`` / ``auth_server`` naming another cluster: replace, deleting first (shared rule);
- ``identity_file``, ``tctl_path``, ``auth_server`` for the same cluster: recorded, no tctl call;
- ``adopt_existing``: nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import TctlError
from ..rules import validate_audience, validate_integration_name, validate_role_arn
from .document import check_labels, managed_labels, to_yaml, user_labels
from .resource import (
    CONFIG_NAMESPACE,
    SHARED_KEYS,
    Kind,
    TctlResourceProvider,
    mapping,
)

__all__ = [
    "CONFIG_NAMESPACE",
    "INPUT_KEYS",
    "INTEGRATION",
    "TeleportIntegrationProvider",
    "check_labels",
    "integration_resource",
    "integration_yaml",
]


def check_role_arn(value: object) -> str:
    validate_role_arn(value)
    return str(value)


def integration_resource(
    name: str, role_arn: str, audience: str = "", labels: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The ``integration`` resource as ``tctl create`` takes it (no deprecated fields), with
    the user's labels and ``teleport.dev/iac-tool: pulumi``."""
    aws_oidc: dict[str, Any] = {"role_arn": role_arn}
    if audience:
        aws_oidc["audience"] = audience
    return {
        "kind": "integration",
        "sub_kind": "aws-oidc",
        "version": "v1",
        "metadata": {"name": name, "labels": managed_labels(labels)},
        "spec": {"aws_oidc": aws_oidc},
    }


def integration_yaml(resource: Mapping[str, Any]) -> str:
    """The file handed to ``tctl create``, exactly."""
    return to_yaml(resource)


def _document(props: Mapping[str, Any]) -> dict[str, Any]:
    return integration_resource(
        props["integration_name"],
        props["role_arn"],
        props.get("audience") or "",
        props.get("labels") or {},
    )


def _read_back(props: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    metadata = mapping(current.get("metadata"), "metadata")
    spec = mapping(current.get("spec"), "spec")
    aws_oidc = mapping(spec.get("aws_oidc"), "spec.aws_oidc")
    role_arn = aws_oidc.get("role_arn", "")
    audience = aws_oidc.get("audience") or ""
    if not isinstance(role_arn, str) or not isinstance(audience, str):
        raise TctlError(f"tctl get printed an integration with an odd spec: {aws_oidc!r:.200}")
    return {
        "integration_name": metadata.get("name", props.get("integration_name")),
        "role_arn": role_arn,
        "audience": audience,
        "labels": user_labels(mapping(metadata.get("labels"), "metadata.labels")),
    }


INTEGRATION = Kind(
    kind="integration",
    input_keys=("integration_name", "role_arn", "audience", "labels"),
    required=("integration_name", "role_arn"),
    checks={
        "integration_name": validate_integration_name,
        "role_arn": check_role_arn,
        "audience": validate_audience,
        "labels": check_labels,
    },
    defaults={"audience": "", "labels": {}},
    replace_keys=("integration_name", "labels"),
    delete_before_replace_keys=("labels",),
    force_keeps=("labels",),
    document=_document,
    read_back=_read_back,
    name_key="integration_name",
    adopt_knobs=(
        "adopt_existing=True (TeleportIntegration) or adopt_existing_integration=True "
        "(AwsOidcIntegration; root stack config teleport-oidc:adoptExistingIntegration)"
    ),
)

#: Every input of the integration resource (its own, then the shared ones).
INPUT_KEYS = (*INTEGRATION.input_keys, *SHARED_KEYS)


class TeleportIntegrationProvider(TctlResourceProvider):
    """Create, read, update and delete a Teleport ``integration`` (sub_kind ``aws-oidc``)."""

    KIND = INTEGRATION
