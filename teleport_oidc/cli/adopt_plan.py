"""What ``teleport-oidc adopt`` decides from what exists: pure, no AWS or tctl call.

Given what the account and Teleport hold (a :class:`Found`), :func:`plan_adoption` refuses a
setup the component cannot take over (with the finding and the fix), recognises each inline
policy as a feature, picks the program arguments that match what exists, builds the file for
``pulumi import --file`` and lists what the first ``pulumi up`` will still change.

Why ``pulumi import --file`` (see the README, "Already set up in the web UI?"): the ``import``
resource option fails unless the program's inputs equal what exists, which a setup made by
Teleport never meets (this package's ``teleport.dev/iac-tool`` tag, older policy documents);
``pulumi import --file`` reads each resource into the stack as it is, at the URNs the program
uses (its parent is the component, created empty with ``"component": true``), and the first
``up`` then shows every difference as an in-place update. The Teleport ``integration`` is a
dynamic resource, which ``pulumi import`` cannot read (pulumi/pulumi#16175): the program takes
it over with ``adopt_existing_integration=True`` instead.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..component import COMPONENT_TYPE
from ..constants import (
    AUDIENCE,
    DEFAULT_MAX_SESSION_DURATION,
    DEFAULT_ROLE_DESCRIPTION,
    IDENTITY_CENTER_AUDIENCE,
    ORIGIN,
    TAG_CLUSTER,
    TAG_IAC_TOOL,
    TAG_INTEGRATION,
    TAG_ORIGIN,
)
from ..errors import TeleportOidcError
from ..features import MODULES, EcsDeployServiceOptions, PolicyContext, feature_policy
from ..teleport.document import user_labels
from ..trust import trust_policy
from .doctor import trusts_provider

__all__ = [
    "Adoption",
    "AdoptionRefused",
    "Found",
    "PolicyFinding",
    "equivalent_policies",
    "passrole_role_name",
    "plan_adoption",
    "recognise_policy",
]

OIDC_TYPE = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
ROLE_TYPE = "aws:iam/role:Role"
ROLE_POLICY_TYPE = "aws:iam/rolePolicy:RolePolicy"

#: Policy names older Teleport versions wrote for a feature (``idp_iam_config.go`` named the
#: Identity Center preset's policy ``TeleportAWSIdentityCenter`` before it became
#: ``TeleportAWSIdentityCenterIntegration``).
LEGACY_POLICY_NAMES = {"TeleportAWSIdentityCenter": "identity_center"}
#: Statement ids that mark an External Audit Storage policy, whose name the user chose.
_EXTERNAL_AUDIT_SIDS = {"ReadWriteSessionsAndEvents", "AllowAthenaQuery", "FullAccessOnGlueTable"}


class AdoptionRefused(TeleportOidcError):
    """What exists cannot be taken over as it is. Nothing was changed.

    Attributes:
        finding: what was found.
        fix: what to do about it, before running ``adopt`` again.
    """

    def __init__(self, finding: str, fix: str) -> None:
        self.finding = finding
        self.fix = fix
        super().__init__(f"{finding}; nothing was changed. Fix: {fix}")


@dataclass(frozen=True)
class Found:
    """What the account and Teleport hold, as read (see :mod:`teleport_oidc.cli.adopt`)."""

    issuer_url: str
    """``https://<proxy host>``, normalised as the component normalises ``proxy_url``."""
    account_id: str
    """The account the credentials reach (STS ``GetCallerIdentity``)."""
    partition: str
    """``aws``, ``aws-cn`` or ``aws-us-gov``, from the caller's ARN."""
    provider: Mapping[str, Any] | None
    """``arn``, ``client_ids``, ``thumbprints``, ``tags`` of the provider for the issuer."""
    role: Mapping[str, Any]
    """``name``, ``arn``, ``path``, ``description``, ``max_session_duration``,
    ``permissions_boundary``, ``trust_policy`` (a dict), ``tags``."""
    policies: Mapping[str, Any]
    """Inline policy name -> document (a dict)."""
    other_trusting_roles: Sequence[str] = ()
    """Names of other roles whose trust policy trusts the provider."""
    integration: Mapping[str, Any] | None = None
    """``tctl get integration/<name>``'s object, or ``None`` when Teleport has none."""
    integration_read: bool = True
    """``False``: Teleport was not read (``--no-teleport``)."""
    task_roles: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """ECS task roles a ``DeployService`` policy passes: role name -> its inline policy names."""


@dataclass(frozen=True)
class PolicyFinding:
    """One inline policy on the role, as adopt reads it."""

    name: str
    """The policy's name on the role."""
    feature: str | None
    """The feature key it corresponds to, or ``None`` when not recognised."""
    options: Any = None
    """The feature's value for ``features`` (``True`` or an options object)."""
    note: str = ""
    changes: tuple[str, ...] = ()
    """What the first ``up`` changes in it (empty: nothing)."""
    imported: bool = False
    """Whether the import file takes it over (at ``<component>-<feature>``)."""


@dataclass
class Adoption:
    """The plan: program arguments, the import file, and the first ``up``'s diff."""

    resource_name: str
    args: dict[str, Any]
    """Keyword arguments of ``AwsOidcIntegrationArgs`` that match what exists."""
    imports: list[dict[str, Any]]
    """The ``resources`` of the file for ``pulumi import --file``."""
    policies: list[PolicyFinding]
    diff: list[str] = field(default_factory=list)
    """What the first ``pulumi up`` changes, one line per change, as ``<resource>: <change>``."""
    notes: list[str] = field(default_factory=list)

    def import_file(self) -> dict[str, Any]:
        return {"resources": self.imports}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _statement_key(statement: Mapping[str, Any]) -> str:
    """A statement in a form IAM treats alike: one-element lists as strings, lists as sets."""
    normal: dict[str, Any] = {}
    for key, value in statement.items():
        if key in ("Action", "NotAction", "Resource", "NotResource"):
            normal[key] = sorted({str(v) for v in _as_list(value)})
        elif key == "Condition" and isinstance(value, Mapping):
            normal[key] = {
                op: {k: sorted(str(v) for v in _as_list(vals)) for k, vals in block.items()}
                for op, block in value.items()
                if isinstance(block, Mapping)
            }
        else:
            normal[key] = value
    return json.dumps(normal, sort_keys=True)


def _statements(document: Any) -> list[Mapping[str, Any]]:
    if not isinstance(document, Mapping):
        return []
    return [s for s in _as_list(document.get("Statement", [])) if isinstance(s, Mapping)]


def equivalent_policies(a: Any, b: Any) -> bool:
    """Whether two policy documents grant the same (as IAM and pulumi-aws compare them)."""
    if not isinstance(a, Mapping) or not isinstance(b, Mapping):
        return False
    return sorted(map(_statement_key, _statements(a))) == sorted(
        map(_statement_key, _statements(b))
    ) and str(a.get("Version", "")) == str(b.get("Version", ""))


def _actions(document: Any) -> set[str]:
    return {str(a) for s in _statements(document) for a in _as_list(s.get("Action", []))}


def _policy_changes(existing: Any, wanted: Any) -> tuple[str, ...]:
    if equivalent_policies(existing, wanted):
        return ()
    have, want = _actions(existing), _actions(wanted)
    parts = [f"+{a}" for a in sorted(want - have)] + [f"-{a}" for a in sorted(have - want)]
    if not parts:
        parts = ["resources or conditions differ"]
    return (f"policy updated in place ({', '.join(parts)})",)


def recognise_policy(name: str, document: Any) -> tuple[str | None, Any, str]:
    """The feature key a policy on the role corresponds to, its ``features`` value, and a note.

    By Teleport's policy name (every feature but External Audit Storage, whose name the user
    chose and which is recognised by its statement ids).
    """
    by_name = {m.POLICY_NAME: key for key, m in MODULES.items() if m.POLICY_NAME is not None}
    key = by_name.get(name) or LEGACY_POLICY_NAMES.get(name)
    if key is None:
        sids = {str(s.get("Sid", "")) for s in _statements(document)}
        if sids & _EXTERNAL_AUDIT_SIDS:
            return (
                "external_audit_storage",
                None,
                "its options are not read from the policy: enable it in the program with "
                f"ExternalAuditStorageOptions(policy_name={name!r}, events_s3_uri=..., ...)",
            )
        return None, None, ""
    note = ""
    if key == "identity_center" and name != MODULES[key].POLICY_NAME:
        note = (
            f"older Teleport's name; the program names it {MODULES[key].POLICY_NAME!r}, so the "
            "first up creates that one and then deletes this one (replace)"
        )
    if key == "ecs_deploy_service":
        task_role = passrole_role_name(document)
        if task_role is not None and task_role != EcsDeployServiceOptions().role_name():
            return key, EcsDeployServiceOptions(task_role_name=task_role), note
    if key == "access_graph" and len(_statements(document)) > 1:
        note = (
            "CloudTrail, KMS or EKS audit log statements are not read into options: give "
            "AccessGraphOptions(...) to keep them, or the first up removes them"
        )
    return key, True, note


def passrole_role_name(document: Any) -> str | None:
    for statement in _statements(document):
        if "iam:PassRole" in _as_list(statement.get("Action", [])):
            resource = _as_list(statement.get("Resource", []))[0]
            return str(resource).rsplit("/", 1)[-1]
    return None


def _tag_changes(have: Mapping[str, str], want: Mapping[str, str]) -> list[str]:
    added = [f"+{k}={v}" for k, v in sorted(want.items()) if k not in have]
    changed = [f"~{k}={want[k]}" for k in sorted(want) if k in have and have[k] != want[k]]
    removed = [f"-{k}" for k in sorted(have) if k not in want]
    return added + changed + removed


def _check_refusals(found: Found, host: str, integration_name: str) -> None:
    """Refuse what the component cannot take over, with the finding and the fix."""
    provider = found.provider
    if provider is None:
        raise AdoptionRefused(
            f"no IAM OIDC provider for {found.issuer_url} in account {found.account_id}",
            "check the proxy URL and the AWS account (credentials, profile); if there is truly "
            "none, deploy the component without adopting (it creates the provider and a role)",
        )
    if AUDIENCE not in provider["client_ids"]:
        raise AdoptionRefused(
            f"the IAM OIDC provider {provider['arn']} lacks the {AUDIENCE!r} audience (client "
            f"IDs: {sorted(provider['client_ids'])}), so STS refuses Teleport's tokens",
            "aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn "
            f"{provider['arn']} --client-id {AUDIENCE}",
        )
    role = found.role
    if not trusts_provider(role["trust_policy"], provider["arn"], host):
        raise AdoptionRefused(
            f"the role {role['name']} does not trust {provider['arn']} with the condition "
            f"{host}:aud = {AUDIENCE} (its trust policy: {json.dumps(role['trust_policy'])})",
            f"pass the --role-name Teleport uses for {found.issuer_url} (the integration's "
            "role_arn: `tctl get integration/<name>`), or run `teleport integration configure "
            "awsoidc-idp` for this proxy first",
        )
    integration = found.integration
    if integration is not None:
        spec = (integration.get("spec") or {}).get("aws_oidc") or {}
        if spec.get("role_arn") != role["arn"]:
            raise AdoptionRefused(
                f"the Teleport integration {integration_name!r} points at "
                f"{spec.get('role_arn')!r}, not at the role {role['arn']}",
                f"pass --role-name {str(spec.get('role_arn', '')).rsplit('/', 1)[-1]} (the role "
                f"it uses), or point it at this role first with `tctl edit "
                f"integration/{integration_name}`",
            )


def plan_adoption(
    found: Found,
    *,
    integration_name: str | None,
    resource_name: str = "teleport",
    features: Sequence[str] | None = None,
    aws_version: str | None = None,
) -> Adoption:
    """Decide how to take over what ``found`` holds.

    ``integration_name``: default the role's ``teleport.dev/integration`` tag. ``features``:
    the feature keys the program enables (default: every feature whose policy is on the role).
    ``aws_version``: the pulumi-aws plugin version the program's default provider uses.
    """
    host = found.issuer_url.removeprefix("https://")
    name = integration_name or found.role["tags"].get(TAG_INTEGRATION)
    if not name:
        raise AdoptionRefused(
            f"the role {found.role['name']} has no {TAG_INTEGRATION!r} tag naming its integration",
            "pass --integration-name <the name `tctl get integrations` shows>",
        )
    _check_refusals(found, host, name)
    notes: list[str] = []
    args = _role_arguments(found, name)
    shared = _reuse_shared_provider(found, name, args, notes)
    role_diff = _trust_diff(found, host, args, resource_name)
    wanted_tags = _wanted_tags(found, host, args, notes)
    changes = _tag_changes(found.role["tags"], wanted_tags)
    if changes:
        role_diff.append(f"{resource_name}-role: tags {' '.join(changes)}")
    context = PolicyContext(partition=found.partition, account_id=found.account_id)
    findings = _policies(found, args, context, features)
    policy_diff = _feature_arguments(args, findings, features, resource_name)

    adoption = Adoption(resource_name, args, [], findings, [], notes)
    aws = {"version": aws_version} if aws_version else {}
    adoption.imports.append({"type": COMPONENT_TYPE, "name": resource_name, "component": True})
    if not shared:
        adoption.diff += _import_provider(found, wanted_tags, adoption, aws)
    adoption.diff += role_diff + policy_diff
    _import(adoption, ROLE_TYPE, "role", found.role["name"], aws)
    for finding in findings:
        if finding.imported:
            policy_id = f"{found.role['name']}:{finding.name}"
            _import(adoption, ROLE_POLICY_TYPE, str(finding.feature), policy_id, aws)
    adoption.diff += _import_task_role(found, adoption, aws)
    adoption.diff += _integration_plan(found, name, args, resource_name, notes)
    return adoption


def _import(adoption: Adoption, type_: str, suffix: str, id_: str, aws: Mapping[str, str]) -> None:
    """One entry of the import file: ``<component>-<suffix>``, a child of the component."""
    name = adoption.resource_name
    adoption.imports.append(
        {"type": type_, "name": f"{name}-{suffix}", "id": id_, "parent": name, **aws}
    )


def _role_arguments(found: Found, name: str) -> dict[str, Any]:
    """The arguments that keep the role (and the tags' cluster) as they are."""
    role = found.role
    args: dict[str, Any] = {
        "proxy_url": found.issuer_url,
        "integration_name": name,
        "role_name": role["name"],
    }
    provider_tags = dict((found.provider or {}).get("tags") or {})
    cluster = role["tags"].get(TAG_CLUSTER) or provider_tags.get(TAG_CLUSTER)
    if cluster:
        args["cluster_name"] = cluster
    if role["path"] != "/":
        args["role_path"] = role["path"]
    if role["description"] != DEFAULT_ROLE_DESCRIPTION:
        args["role_description"] = role["description"]
    if role["max_session_duration"] != DEFAULT_MAX_SESSION_DURATION:
        args["max_session_duration"] = role["max_session_duration"]
    if role["permissions_boundary"]:
        args["permissions_boundary_arn"] = role["permissions_boundary"]
    user_tags = {k: v for k, v in role["tags"].items() if not k.startswith("teleport.dev/")}
    if user_tags:
        args["tags"] = user_tags
    return args


def _reuse_shared_provider(found: Found, name: str, args: dict[str, Any], notes: list[str]) -> bool:
    """A provider another integration uses is reused by ARN, never taken over."""
    provider = found.provider
    assert provider is not None  # refused before
    owner = dict(provider["tags"]).get(TAG_INTEGRATION)
    why = [f"its {TAG_INTEGRATION} tag names {owner!r}"] if owner and owner != name else []
    if found.other_trusting_roles:
        why.append(f"the roles {sorted(found.other_trusting_roles)} trust it too")
    if not why:
        return False
    args["existing_provider_arn"] = provider["arn"]
    notes.append(
        f"the provider {provider['arn']} is shared ({'; '.join(why)}): reused by ARN, not "
        "taken over, so this stack never changes or deletes it"
    )
    return True


def _trust_diff(found: Found, host: str, args: dict[str, Any], resource_name: str) -> list[str]:
    """``restrict_subjects`` when the role has the subject condition; else what changes."""
    provider_arn = str((found.provider or {})["arn"])
    trust = found.role["trust_policy"]
    restricted = trust_policy(provider_arn, host, restrict_subjects=True)
    if equivalent_policies(trust, restricted):
        args["restrict_subjects"] = True
        return []
    if equivalent_policies(trust, trust_policy(provider_arn, host)):
        return []
    extra = len(_statements(trust)) - 1
    return [
        f"{resource_name}-role: trust policy replaced by Teleport's single statement"
        + (f" (drops {extra} other statement(s))" if extra > 0 else "")
    ]


def _wanted_tags(
    found: Found, host: str, args: Mapping[str, Any], notes: list[str]
) -> dict[str, str]:
    """The tags the component writes on the provider and the role with these arguments."""
    cluster = args.get("cluster_name")
    if not cluster:
        notes.append(
            f"no {TAG_CLUSTER} tag: cluster_name defaults to what the proxy reports "
            "(GET /webapi/find); the diff assumes the proxy host"
        )
    return {
        **dict(args.get("tags") or {}),
        TAG_CLUSTER: cluster or host,
        TAG_ORIGIN: ORIGIN,
        TAG_INTEGRATION: str(args["integration_name"]),
        TAG_IAC_TOOL: "pulumi",
    }


def _feature_arguments(
    args: dict[str, Any],
    findings: Sequence[PolicyFinding],
    features: Sequence[str] | None,
    resource_name: str,
) -> list[str]:
    """``features`` for the arguments; the policies' changes in the first up."""
    enabled = {f.feature: f.options for f in findings if f.imported and f.feature is not None}
    for key in features or ():
        enabled.setdefault(key, True)
    feature_args = {k: enabled[k] for k in sorted(enabled) if enabled[k] is not None}
    if feature_args:
        args["features"] = feature_args
    diff = [
        f"{resource_name}-{key}: created (no {key} policy on the role yet)"
        for key in sorted(set(features or ()) - {f.feature for f in findings if f.imported})
    ]
    for finding in findings:
        diff += [f"{resource_name}-{finding.feature}: {c}" for c in finding.changes]
    return diff


def _import_provider(
    found: Found, wanted_tags: Mapping[str, str], adoption: Adoption, aws: Mapping[str, str]
) -> list[str]:
    provider = found.provider
    assert provider is not None  # refused before
    _import(adoption, OIDC_TYPE, "provider", provider["arn"], aws)
    name = adoption.resource_name
    diff = []
    changes = _tag_changes(dict(provider["tags"]), wanted_tags)
    if changes:
        diff.append(f"{name}-provider: tags {' '.join(changes)}")
    extra_ids = sorted(set(provider["client_ids"]) - {AUDIENCE})
    if extra_ids:
        diff.append(f"{name}-provider: client IDs -{' -'.join(extra_ids)}")
    adoption.notes.append(
        f"the provider's thumbprints {list(provider['thumbprints'])} stay unless the proxy's "
        "chain changed since: the component looks them up at every deployment"
    )
    return diff


def _import_task_role(found: Found, adoption: Adoption, aws: Mapping[str, str]) -> list[str]:
    """With ``ecs_deploy_service``: the task role it passes, and the policy named after it."""
    ecs = next(
        (f for f in adoption.policies if f.imported and f.feature == "ecs_deploy_service"), None
    )
    if ecs is None:
        return []
    opts = ecs.options if isinstance(ecs.options, EcsDeployServiceOptions) else None
    task = (opts or EcsDeployServiceOptions()).role_name()
    prefix = f"{adoption.resource_name}-ecs_deploy_service"
    if task not in found.task_roles:
        return [f"{prefix}-task-role: created (no role {task!r} yet)"]
    _import(adoption, ROLE_TYPE, "ecs_deploy_service-task-role", task, aws)
    diff = [
        f"{prefix}-task-role: tags +{TAG_IAC_TOOL}=pulumi (its path, boundary and description "
        "follow the component's)"
    ]
    if task in found.task_roles[task]:
        _import(adoption, ROLE_POLICY_TYPE, "ecs_deploy_service-task-policy", f"{task}:{task}", aws)
    else:
        diff.append(f"{prefix}-task-policy: created")
    return diff


def _policies(
    found: Found,
    args: Mapping[str, Any],
    context: PolicyContext,
    features: Sequence[str] | None,
) -> list[PolicyFinding]:
    """Each inline policy: the feature it is, whether it is imported, what the first up
    changes in it."""
    findings: list[PolicyFinding] = []
    taken: set[str] = set()
    for name in sorted(found.policies):
        document = found.policies[name]
        key, options, note = recognise_policy(name, document)
        if key is None:
            findings.append(
                PolicyFinding(
                    name,
                    None,
                    note="not a Teleport feature's policy: left on the role, not managed; "
                    "`pulumi destroy` deletes it with the role (pulumi-aws deletes an imported "
                    "role's inline policies)",
                )
            )
            continue
        if options is None:
            findings.append(
                PolicyFinding(
                    name,
                    key,
                    None,
                    note=f"left on the role for now: {note}; the "
                    "first up then writes the same policy name in place (PutRolePolicy)",
                )
            )
            continue
        if (features is not None and key not in features) or key in taken:
            why = "the program does not enable it" if key not in taken else "a second one"
            findings.append(
                PolicyFinding(
                    name,
                    key,
                    options,
                    note=f"{why}: left on the role, not managed; `pulumi destroy` deletes it "
                    "with the role",
                )
            )
            continue
        taken.add(key)
        changes: tuple[str, ...] = ()
        if key == "identity_center" and name != MODULES[key].POLICY_NAME:
            changes = (f"replaced by {MODULES[key].POLICY_NAME!r} (the name changes)",)
        elif options is not None:
            task_role_arn = None
            if isinstance(options, EcsDeployServiceOptions) or key == "ecs_deploy_service":
                opts = options if isinstance(options, EcsDeployServiceOptions) else None
                task = (opts or EcsDeployServiceOptions()).role_name()
                path = args.get("role_path", "/")
                task_role_arn = (
                    f"arn:{context.partition}:iam::{context.account_id}:role{path}{task}"
                )
            wanted = feature_policy(
                key,
                MODULES[key].OPTIONS() if options is True else options,
                context,
                task_role_arn=task_role_arn,
            )
            changes = _policy_changes(document, wanted)
        findings.append(PolicyFinding(name, key, options, note, changes, imported=True))
    return findings


def _integration_plan(
    found: Found, name: str, args: dict[str, Any], resource_name: str, notes: list[str]
) -> list[str]:
    if not found.integration_read:
        args["adopt_existing_integration"] = True
        notes.append(
            "Teleport was not read (--no-teleport): adopt_existing_integration=True takes an "
            f"existing integration {name!r} over whatever it holds; check its role_arn first"
        )
        return [f"{resource_name}-integration: created, or taken over if it exists (not read)"]
    integration = found.integration
    wanted_audience = (
        IDENTITY_CENTER_AUDIENCE if "identity_center" in args.get("features", {}) else ""
    )
    if integration is None:
        return [f"{resource_name}-integration: created in Teleport (none named {name!r} yet)"]
    args["adopt_existing_integration"] = True
    metadata = integration.get("metadata") or {}
    labels = user_labels(metadata.get("labels") or {})
    if labels:
        args["integration_labels"] = dict(sorted(labels.items()))
    notes.append(
        f"the Teleport integration {name!r} is taken over by the first up (`tctl create "
        "--force` with the spec it already holds: Teleport keeps using it throughout); "
        "`tctl create --force` does not apply labels, so it carries no teleport.dev/iac-tool "
        "label until it is re-created"
    )
    diff = [f"{resource_name}-integration: taken over (tctl create --force, same role_arn)"]
    spec = (integration.get("spec") or {}).get("aws_oidc") or {}
    if (spec.get("audience") or "") != wanted_audience:
        diff.append(
            f"{resource_name}-integration: audience {spec.get('audience') or ''!r} -> "
            f"{wanted_audience!r}"
        )
    return diff
