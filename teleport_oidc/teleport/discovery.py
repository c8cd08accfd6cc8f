"""``TeleportDiscoveryConfig``: Teleport's ``discovery_config`` (``version: v1``) as a Pulumi
resource: which AWS resources the Discovery Services of a discovery group enroll, and the
Access Graph AWS Sync settings, managed through ``tctl``.

On change: a new ``name`` replaces the resource (create the new one, then delete the old one).
Everything else updates in place: ``tctl create --force`` runs Teleport's
``UpsertDiscoveryConfig`` with the whole resource (``tool/tctl/common/resource_command.go``),
so labels, description and spec are all written, unlike ``integration`` (spec only).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic
from pulumi.dynamic import CheckFailure, CheckResult

from ..errors import InvalidArgumentError
from ..registration import Registered, Wire, registered_type
from .aws_checks import check_resource_name, contains_unknown, is_known, unless_unknown
from .discovery_rules import (
    KIND,
    check_discovery_group,
    discovery_config_document,
    normalize_access_graph,
    normalize_matchers,
    read_back_spec,
)
from .document import carries_iac_label, check_description, check_labels, metadata_inputs
from .matchers import (
    WIRE_PATHS,
    AccessGraphAwsSync,
    AwsAssumeRole,
    AwsMatcher,
    AwsOrganizationMatcher,
    Ec2InstallParams,
    OrganizationalUnits,
    access_graph_as_api,
    access_graph_as_provider,
    access_graph_input,
    matcher_input,
    matchers_as_api,
    matchers_as_provider,
)
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

__all__ = [
    "DISCOVERY_CONFIG",
    "DISCOVERY_CONFIG_TYPE",
    "AccessGraphAwsSync",
    "AwsAssumeRole",
    "AwsMatcher",
    "AwsOrganizationMatcher",
    "Ec2InstallParams",
    "OrganizationalUnits",
    "TeleportDiscoveryConfig",
    "TeleportDiscoveryConfigArgs",
    "TeleportDiscoveryConfigProvider",
]

#: The resource's type token: part of users' state, never to change.
DISCOVERY_CONFIG_TYPE = "pulumi-python:dynamic/teleport-oidc:TeleportDiscoveryConfig"


def _whole(props: Mapping[str, Any]) -> None:
    if not props.get("aws") and not props.get("access_graph"):
        raise InvalidArgumentError(
            "aws",
            props.get("aws"),
            "must hold at least one matcher, unless access_graph is set (an empty "
            "discovery_config does nothing)",
            "pass aws=[AwsMatcher(types=['ec2'])]",
        )


def _document(props: Mapping[str, Any]) -> dict[str, Any]:
    return discovery_config_document(
        props["name"],
        props["discovery_group"],
        normalize_matchers(props.get("aws")),
        normalize_access_graph(props.get("access_graph")),
        props.get("labels") or {},
        props.get("description") or None,
    )


#: The kind's inputs, in order, each with its check (validate and normalise; see Kind.checks).
_CHECKS: dict[str, Callable[[Any], Any]] = {
    "name": lambda v: check_resource_name(v, "name", KIND),
    "discovery_group": check_discovery_group,
    "aws": unless_unknown(normalize_matchers),
    "access_graph": unless_unknown(normalize_access_graph),
    "labels": check_labels,
    "description": check_description,
}


def _inputs_view(props: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs as read_back_spec shows them, for comparing with what Teleport holds."""
    return {
        **metadata_inputs(props),
        "discovery_group": props["discovery_group"],
        "aws": normalize_matchers(props.get("aws")),
        "access_graph": normalize_access_graph(props.get("access_graph")),
    }


def _read_back(_props: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    return read_back_spec(current)


def _matches(existing: Mapping[str, Any], props: Mapping[str, Any]) -> bool:
    # Teleport fills install/ssm defaults into every matcher, so compare in the read-back shape
    # (which drops them for non-EC2 matchers), and require the package's label.
    return carries_iac_label(existing) and read_back_spec(existing) == _inputs_view(props)


#: ``discovery_config``: everything but the name updates in place (``--force`` upserts it whole).
DISCOVERY_CONFIG = Kind(
    kind=KIND,
    input_keys=tuple(_CHECKS),  # every input is checked
    required=("name", "discovery_group"),
    checks=_CHECKS,
    defaults={"aws": [], "labels": {}, "description": ""},
    replace_keys=("name",),
    delete_before_replace_keys=(),
    document=_document,
    read_back=_read_back,
    name_key="name",
    adopt_knobs=(
        "adopt_existing=True (TeleportDiscoveryConfig) or DiscoveryOptions(adopt_existing=True) "
        "(AwsOidcIntegration; root stack config teleport-oidc:discovery.adopt_existing)"
    ),
    matches=_matches,
    wire=Wire(
        moves={
            "aws": (matchers_as_api, matchers_as_provider),
            "access_graph": (access_graph_as_api, access_graph_as_provider),
        },
        paths=WIRE_PATHS,
    ),
)


class TeleportDiscoveryConfigProvider(TctlResourceProvider):
    """Create, read, update and delete a Teleport ``discovery_config``."""

    KIND = DISCOVERY_CONFIG

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        result = super().check(olds, news)
        inputs = result.inputs or {}
        if not result.failures and not contains_unknown(
            [inputs.get("aws"), inputs.get("access_graph")]
        ):
            try:
                _whole(inputs)
            except InvalidArgumentError as exc:
                result.failures = [CheckFailure("aws", str(self.KIND.wire.api_error(exc)))]
        return result


@dataclass
class TeleportDiscoveryConfigArgs(TctlArgs):
    """Inputs of :class:`TeleportDiscoveryConfig`. Shared, keyword-only and documented on
    :class:`~teleport_oidc.teleport.resource.TctlArgs`: ``adopt_existing``, ``cluster``,
    ``auth_server``, ``identity_file``, ``tctl_path``."""

    name: pulumi.Input[str]
    """The discovery_config's name (``tctl get discovery_config/<name>``). Changing it replaces
    the resource."""

    discovery_group: pulumi.Input[str]
    """The discovery group whose Discovery Services load this config: the ``discovery_group``
    in their ``teleport.yaml``. Teleport Cloud's is ``cloud-discovery-group``. Updates in
    place."""

    aws: Sequence[AwsMatcher] = ()
    """Default: none (then ``access_graph`` must be set). What to enroll. Updates in place."""

    access_graph: Sequence[AccessGraphAwsSync] | None = None
    """Default: no Access Graph AWS Sync. Turns it on for these integrations. Updates in place."""

    labels: Mapping[str, str] | None = None
    """Default: none. Teleport labels; ``teleport.dev/iac-tool: pulumi`` is always added (and
    may not be set here). Updates in place."""

    description: str = ""
    """Default: no description. Updates in place."""


def discovery_config_props(args: TeleportDiscoveryConfigArgs) -> dict[str, Any]:
    """The provider's inputs, checked now wherever every value is already known; errors name
    arguments as the Python API does (``aws[0].ssm_document_name``, ``access_graph[0]``)."""
    try:
        return _discovery_config_props(args)
    except InvalidArgumentError as error:
        raise DISCOVERY_CONFIG.wire.api_error(error) from error.__cause__


def _discovery_config_props(args: TeleportDiscoveryConfigArgs) -> dict[str, Any]:
    if not isinstance(args, TeleportDiscoveryConfigArgs):
        raise InvalidArgumentError(
            "args",
            args,
            "must be a TeleportDiscoveryConfigArgs",
            "pass TeleportDiscoveryConfigArgs(...)",
        )
    if isinstance(args.aws, (str, Mapping)) or not isinstance(args.aws, Sequence):
        raise InvalidArgumentError(
            "aws", args.aws, "must be a list of AwsMatcher", "pass aws=[AwsMatcher(types=['ec2'])]"
        )
    props: dict[str, Any] = {
        "name": args.name,
        "discovery_group": args.discovery_group,
        "aws": [matcher_input(m) for m in args.aws],
        "access_graph": access_graph_input(args.access_graph),
        "labels": dict(args.labels) if isinstance(args.labels, Mapping) else (args.labels or {}),
        "description": args.description,
    }
    check_known(DISCOVERY_CONFIG, props)
    if all(is_known(props[k]) for k in ("aws", "access_graph")):
        _whole(props)
    return {**props, **shared_props(args)}


class TeleportDiscoveryConfig(Registered, module="teleport-oidc", name="TeleportDiscoveryConfig"):
    """A Teleport ``discovery_config``, managed through ``tctl``.

    Inspect it with ``tctl get discovery_config/<name>``. The package must be installed in the
    program's virtualenv: the engine runs this resource's provider there.
    """

    name: pulumi.Output[str]
    """The discovery_config's name in Teleport."""
    discovery_group: pulumi.Output[str]
    """The discovery group it applies to."""
    aws: pulumi.Output[list[dict[str, Any]]]
    """The AWS matchers as Teleport holds them (defaults written out; read back on refresh)."""
    access_graph: pulumi.Output[dict[str, Any] | None]
    """The Access Graph AWS Sync settings, or ``None``."""
    labels: pulumi.Output[dict[str, str]]
    """The user's labels (``teleport.dev/iac-tool: pulumi`` is added in Teleport)."""
    revision: pulumi.Output[str | None]
    """Teleport's ``metadata.revision``: set by ``pulumi refresh``."""

    def __init__(
        self,
        resource_name: str,
        args: TeleportDiscoveryConfigArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = without_blank_defaults(DISCOVERY_CONFIG, discovery_config_props(args))
        check_stack_config()
        props = declared(
            DISCOVERY_CONFIG.kind,
            DISCOVERY_CONFIG.name_key,
            registered_type(DISCOVERY_CONFIG_TYPE),
            resource_name,
            props,
            opts,
        )
        self._register(
            TeleportDiscoveryConfigProvider(), resource_name, props, opts, DISCOVERY_CONFIG.wire
        )
