"""``TeleportProvisionToken``: a Teleport join ``token`` (``version: v2``) for the ``iam``
join method, managed through ``tctl``: which AWS accounts, identities or organization units
may join the cluster, and as which system roles.

An IAM token's name is not a secret (a joining node proves its AWS identity by a signed STS
request), so it is safe in Pulumi state; secret join methods are refused.

On change: a new ``name`` replaces the token. Everything else updates in place: ``tctl
create`` runs Teleport's ``UpsertToken`` with the whole resource, with or without ``--force``
(``tool/tctl/common/resource_command.go``). Because a plain create would silently overwrite a
token that already exists, create first asks ``tctl get token/<name>`` and refuses to take one
over unless ``adopt_existing=True`` (two tctl calls).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi.dynamic

from ..errors import InvalidArgumentError
from ..registration import Registered, registered_type
from ..rules import validate_integration_name
from .aws_checks import WILDCARD, check_resource_name, unless_unknown
from .document import carries_iac_label, check_description, check_labels, metadata_inputs
from .matchers import OrganizationalUnits
from .ownership import declared
from .resource import (
    Kind,
    TctlArgs,
    TctlResourceProvider,
    check_known,
    check_stack_config,
    shared_props,
    without_blank_defaults,
)
from .token_rules import (
    DEFAULT_ROLES,
    KIND,
    check_expires,
    check_join_method,
    normalize_allow,
    normalize_roles,
    read_back_spec,
    token_document,
)

__all__ = [
    "PROVISION_TOKEN_TYPE",
    "TOKEN",
    "IamAllowRule",
    "TeleportProvisionToken",
    "TeleportProvisionTokenArgs",
    "TeleportProvisionTokenProvider",
]

#: The resource's type token: part of users' state, never to change.
PROVISION_TOKEN_TYPE = "pulumi-python:dynamic/teleport-oidc:TeleportProvisionToken"  # noqa: S105


@dataclass(frozen=True)
class IamAllowRule:
    """Who may join: set ``aws_account``, ``aws_arn`` or ``aws_organization_id`` (all that are
    set must match)."""

    aws_account: pulumi.Input[str] | None = None
    """Default: any account. The 12-digit account the joining identity belongs to."""
    aws_arn: str | None = None
    """Default: any identity. The joining identity's ARN; ``*`` and ``?`` match anything,
    e.g. ``arn:aws:sts::123456789012:assumed-role/node-role/i-*``."""
    aws_organization_id: pulumi.Input[str] | None = None
    """Default: none. Any account of this organization (``o-...``); the Auth Service checks it
    with ``organizations:DescribeAccount``, through the token's ``integration`` if set. Needs
    Teleport 18.7.0 or newer."""
    aws_organizational_units: OrganizationalUnits | None = None
    """Default: the whole organization. Only accounts in these units (needs
    ``aws_organization_id``, and Teleport 18.8.0 or newer: an older one drops the units and
    admits the whole organization)."""


def rule_input(rule: IamAllowRule) -> Any:
    if not isinstance(rule, IamAllowRule):
        return rule
    value: dict[str, Any] = {
        key: getattr(rule, key)
        for key in ("aws_account", "aws_arn", "aws_organization_id")
        if getattr(rule, key) is not None
    }
    units = rule.aws_organizational_units
    if units is not None:
        value["aws_organizational_units"] = {
            "include": list(units.include) or [WILDCARD],
            "exclude": list(units.exclude),
        }
    return value


def _integration(value: object) -> str:
    return validate_integration_name(value, "integration")


def _document(props: Mapping[str, Any]) -> dict[str, Any]:
    return token_document(
        props["name"],
        normalize_roles(props.get("roles") or list(DEFAULT_ROLES)),
        normalize_allow(props["allow"]),
        props.get("integration") or None,
        props.get("expires") or None,
        props.get("labels") or {},
        props.get("description") or None,
    )


#: The kind's inputs, in order, each with its check (validate and normalise; see Kind.checks).
_CHECKS: dict[str, Callable[[Any], Any]] = {
    "name": lambda v: check_resource_name(v, "name", KIND),
    "roles": normalize_roles,
    "join_method": check_join_method,
    "allow": unless_unknown(normalize_allow),
    "integration": _integration,
    "expires": check_expires,
    "labels": check_labels,
    "description": check_description,
}


def _inputs_view(props: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs as read_back_spec shows them, for comparing with what Teleport holds."""
    return {
        **metadata_inputs(props),
        "expires": check_expires(props["expires"]) if props.get("expires") else None,
        "roles": normalize_roles(props.get("roles") or list(DEFAULT_ROLES)),
        "join_method": "iam",
        "allow": normalize_allow(props["allow"]),
        "integration": props.get("integration") or None,
    }


def _read_back(_props: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    return read_back_spec(current)


def _matches(existing: Mapping[str, Any], props: Mapping[str, Any]) -> bool:
    return carries_iac_label(existing) and read_back_spec(existing) == _inputs_view(props)


#: ``token`` (IAM joining): everything but the name updates in place (any create upserts it).
TOKEN = Kind(
    kind=KIND,
    input_keys=tuple(_CHECKS),  # every input is checked
    required=("name", "allow"),
    checks=_CHECKS,
    defaults={
        "roles": list(DEFAULT_ROLES),
        "join_method": "iam",
        "labels": {},
        "description": "",
    },
    replace_keys=("name",),
    delete_before_replace_keys=(),
    document=_document,
    read_back=_read_back,
    name_key="name",
    adopt_knobs=(
        "adopt_existing=True (TeleportProvisionToken) or DiscoveryOptions(adopt_existing=True) "
        "(AwsOidcIntegration; root stack config teleport-oidc:discovery.adopt_existing)"
    ),
    matches=_matches,
    create_overwrites=True,
)


class TeleportProvisionTokenProvider(TctlResourceProvider):
    """Create, read, update and delete a Teleport IAM-join ``token``.

    ``tctl create`` upserts tokens (it never answers "already exists"), so create asks
    ``tctl get`` first and refuses to overwrite a token it did not make, as the shared layer
    does for the other kinds: unless it is exactly this token, or ``adopt_existing`` is set.
    """

    KIND = TOKEN


@dataclass
class TeleportProvisionTokenArgs(TctlArgs):
    """Inputs of :class:`TeleportProvisionToken`. Shared, keyword-only and documented on
    :class:`~teleport_oidc.teleport.resource.TctlArgs`: ``adopt_existing``, ``cluster``,
    ``auth_server``, ``identity_file``, ``tctl_path``."""

    name: pulumi.Input[str]
    """The token's name (``tctl get token/<name>``): what joining nodes and a
    ``discovery_config``'s ``install.join_token`` refer to. Not a secret for the IAM method.
    Changing it replaces the token."""

    allow: Sequence[IamAllowRule]
    """Who may join: at least one rule (Teleport requires one). Updates in place."""

    roles: Sequence[str] = field(default_factory=lambda: list(DEFAULT_ROLES))
    """Default: ``["Node"]`` (SSH nodes, what EC2 discovery enrolls). Teleport system roles:
    App, Auth, Db, Discovery, Kube, Node, Proxy, WindowsDesktop. Updates in place."""

    join_method: str = "iam"
    """Default and only value: ``iam``. Secret methods (``token``, ``bound_keypair``) are
    refused: their secret would land in Pulumi state."""

    integration: pulumi.Input[str] | None = None
    """Default: none (the Auth Service's own AWS credentials). The AWS OIDC integration whose
    role checks an organization rule (``organizations:DescribeAccount``). Updates in place."""

    expires: str | _dt.datetime | None = None
    """Default: never expires. An RFC 3339 time with a zone (``2030-01-01T00:00:00Z``) or an
    aware datetime; Teleport deletes the token then, and the next refresh sees it gone.
    Updates in place."""

    labels: Mapping[str, str] | None = None
    """Default: none. Teleport labels; ``teleport.dev/iac-tool: pulumi`` is always added (and
    may not be set here). Updates in place."""

    description: str = ""
    """Default: no description. Updates in place."""


def provision_token_props(args: TeleportProvisionTokenArgs) -> dict[str, Any]:
    """The provider's inputs, checked now wherever every value is already known."""
    if not isinstance(args, TeleportProvisionTokenArgs):
        raise InvalidArgumentError(
            "args",
            args,
            "must be a TeleportProvisionTokenArgs",
            "pass TeleportProvisionTokenArgs(...)",
        )
    allow = args.allow
    props: dict[str, Any] = {
        "name": args.name,
        "roles": list(args.roles) if not isinstance(args.roles, str) else args.roles,
        "join_method": args.join_method,
        "allow": [rule_input(r) for r in allow] if isinstance(allow, (list, tuple)) else allow,
        "integration": args.integration,
        "expires": args.expires,
        "labels": dict(args.labels) if isinstance(args.labels, Mapping) else (args.labels or {}),
        "description": args.description,
    }
    checked = check_known(TOKEN, props)
    if "expires" in checked:  # a datetime becomes the string Teleport stores
        props["expires"] = checked["expires"]
    return {**props, **shared_props(args)}


class TeleportProvisionToken(Registered, module="teleport-oidc", name="TeleportProvisionToken"):
    """A Teleport join ``token`` for the ``iam`` method, managed through ``tctl``.

    Inspect it with ``tctl get token/<name>`` (or ``tctl tokens ls``). The package must be
    installed in the program's virtualenv: the engine runs this resource's provider there.
    """

    name: pulumi.Output[str]
    """The token's name: safe to show, it is not a secret for the IAM method."""
    roles: pulumi.Output[list[str]]
    """The system roles a joining node gets."""
    allow: pulumi.Output[list[dict[str, Any]]]
    """The allow rules as Teleport holds them (read back on refresh)."""
    expires: pulumi.Output[str | None]
    """When Teleport deletes the token (UTC), or ``None``."""
    revision: pulumi.Output[str | None]
    """Teleport's ``metadata.revision``: set by ``pulumi refresh``."""

    def __init__(
        self,
        resource_name: str,
        args: TeleportProvisionTokenArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = without_blank_defaults(TOKEN, provision_token_props(args))
        check_stack_config()
        props = declared(
            TOKEN.kind,
            TOKEN.name_key,
            registered_type(PROVISION_TOKEN_TYPE),
            resource_name,
            props,
            opts,
        )
        self._register(TeleportProvisionTokenProvider(), resource_name, props, opts, TOKEN.wire)
