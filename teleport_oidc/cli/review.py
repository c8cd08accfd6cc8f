"""What a change grants, for the people who approve it: a structured review of a plan against
the deployed stack (``plan --state ... --format markdown|json``).

Pure functions over what the mock engine registered, the export's resources and the marks of
:mod:`.statediff`: per AWS account and role, the IAM actions added and removed (with resource,
condition, wildcard and the feature whose policy holds them); trust changes on their own, a
widened trust marked; the Teleport resources and what changes in them (an integration's role,
a discovery config's matchers, a token's allow rules); what is replaced or deleted and the
input that forces it; the plan's warnings. How IAM documents and Teleport resources are read:
:mod:`.review_iam`, :mod:`.review_teleport`; renderers: :mod:`.review_markdown`,
:mod:`.review_diagram` and :func:`review_json`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ..teleport.integration import INTEGRATION_TYPE
from .deployed import provider_name
from .export import StoredState, urn_key
from .mockrun import RecordedResource
from .review_iam import Grant, TrustItem, grant_diff, grants, trust_items, widening
from .review_teleport import TELEPORT_KINDS, teleport_summary
from .review_values import as_document, as_text
from .statediff import Change, as_stored

__all__ = [
    "POLICY_TYPE",
    "ROLE_TYPE",
    "TELEPORT_KINDS",
    "Grant",
    "Replacement",
    "Review",
    "RoleReview",
    "TeleportChange",
    "TrustItem",
    "build_review",
    "grants",
    "review_json",
    "teleport_summary",
    "trust_items",
]

ROLE_TYPE = "aws:iam/role:Role"
POLICY_TYPE = "aws:iam/rolePolicy:RolePolicy"
OIDC_PROVIDER_TYPE = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"


@dataclass
class RoleReview:
    account: str
    role: str
    """The IAM role's name."""
    resource: str
    """The role's Pulumi resource name."""
    change: str
    added: list[Grant] = field(default_factory=list)
    removed: list[Grant] = field(default_factory=list)
    trust_added: list[TrustItem] = field(default_factory=list)
    trust_removed: list[TrustItem] = field(default_factory=list)
    widened: list[str] = field(default_factory=list)
    """Why the trust admits more than it did ('' reasons: it does not)."""
    trusts: list[str] = field(default_factory=list)
    """The principals the role trusts now (provider ARNs, role ARNs)."""


@dataclass
class TeleportChange:
    kind: str
    name: str
    """The Teleport resource's name."""
    resource: str
    change: str
    fields: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    """Per summarised field (``matchers``, ``allow``, ``role_arn``...): ``added``/``removed``."""
    now: dict[str, list[str]] = field(default_factory=dict)
    """The summarised fields as planned (empty for a delete)."""


@dataclass(frozen=True)
class Replacement:
    resource: str
    type: str
    change: str
    """replace or delete."""
    forced_by: tuple[str, ...] = ()


@dataclass
class Review:
    project: str
    stack: str
    against_state: bool
    """False: no export was given, so everything is added."""
    roles: list[RoleReview]
    teleport: list[TeleportChange]
    replacements: list[Replacement]
    warnings: list[str]
    counts: dict[str, int]
    """Resources per mark (create, update, replace, delete, same)."""
    cluster: str = ""
    """The Teleport cluster (its proxy host) the integration trusts."""
    oidc_providers: dict[str, str] = field(default_factory=dict)
    """The IAM OIDC providers this stack manages: ARN -> mark."""

    @property
    def widened(self) -> list[RoleReview]:
        return [role for role in self.roles if role.widened]


# --- reading resources -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Side:
    """A resource on one side of the change: planned or stored."""

    key: str
    type: str
    name: str
    inputs: Mapping[str, Any]
    outputs: Mapping[str, Any]
    provider: str
    """The AWS provider's name ('' for the default one)."""
    parent: str
    """The parent's key ('' for the stack)."""


def _planned(resources: Iterable[RecordedResource]) -> dict[str, _Side]:
    return {
        urn_key(r.urn): _Side(
            urn_key(r.urn),
            r.type,
            r.name,
            as_stored(r.type, r.inputs),
            r.outputs,
            provider_name(r.provider),
            urn_key(r.parent) if r.parent and "pulumi:pulumi:Stack" not in r.parent else "",
        )
        for r in resources
        if not r.type.startswith("pulumi:")
    }


def _stored(state: StoredState | None) -> dict[str, _Side]:
    if state is None:
        return {}
    return {
        key: _Side(
            key,
            r.type,
            r.name,
            r.inputs,
            r.outputs,
            provider_name(r.provider),
            urn_key(r.parent) if r.parent and "pulumi:pulumi:Stack" not in r.parent else "",
        )
        for key, r in state.resources.items()
    }


def _feature(policy: _Side, sides: Mapping[str, _Side]) -> str:
    """The feature a policy comes from: its child name without its parent's (child names come
    from the stable feature keys: ``teleport-rds`` under ``teleport`` is ``rds``)."""
    parent = sides.get(policy.parent)
    if parent is not None and policy.name.startswith(f"{parent.name}-"):
        return policy.name[len(parent.name) + 1 :]
    return policy.name


# --- IAM access --------------------------------------------------------------------------------


def _roles(
    planned: Mapping[str, _Side], stored: Mapping[str, _Side], marks: Mapping[str, str]
) -> list[RoleReview]:
    reviews: list[RoleReview] = []
    for key in sorted(set(planned) | set(stored)):
        new, old = planned.get(key), stored.get(key)
        side = new or old
        assert side is not None
        if side.type != ROLE_TYPE:
            continue
        new_grants = _role_grants(new, planned)
        old_grants = _role_grants(old, stored)
        added, removed = grant_diff(new_grants, old_grants)
        new_trust = trust_items(as_document(new.inputs.get("assumeRolePolicy"))) if new else set()
        old_trust = trust_items(as_document(old.inputs.get("assumeRolePolicy"))) if old else set()
        t_added, t_removed = new_trust - old_trust, old_trust - new_trust
        arn = as_text((new or old).outputs.get("arn") or "")  # type: ignore[union-attr]
        account = arn.split(":")[4] if arn.count(":") >= 5 else "(unknown account)"
        role = as_text(side.inputs.get("name") or side.outputs.get("name") or side.name)
        reviews.append(
            RoleReview(
                account=account,
                role=role,
                resource=side.name,
                change=marks.get(key, "same"),
                added=added,
                removed=removed,
                trust_added=sorted(t_added),
                trust_removed=sorted(t_removed),
                widened=widening(new_trust, old_trust),
                trusts=sorted(i.text for i in new_trust if i.aspect in ("provider", "principal")),
            )
        )
    return sorted(reviews, key=lambda r: (r.account, r.role, r.resource))


def _role_grants(role: _Side | None, sides: Mapping[str, _Side]) -> list[Grant]:
    """The grants of every inline policy of ``role`` (same provider, same role name)."""
    if role is None:
        return []
    name = role.inputs.get("name") or role.outputs.get("name")
    found: list[Grant] = []
    for side in sides.values():
        if side.type != POLICY_TYPE or side.provider != role.provider:
            continue
        if side.inputs.get("role") != name:
            continue
        label = _feature(side, sides)
        found += grants(as_document(side.inputs.get("policy")), label)
    return found


def _teleport_name(type_: str, inputs: Mapping[str, Any]) -> str:
    key = "integration_name" if type_ == INTEGRATION_TYPE else "name"
    return as_text(inputs.get(key, ""))


def _teleport(
    planned: Mapping[str, _Side], stored: Mapping[str, _Side], marks: Mapping[str, str]
) -> list[TeleportChange]:
    changes: list[TeleportChange] = []
    for key in sorted(set(planned) | set(stored)):
        new, old = planned.get(key), stored.get(key)
        side = new or old
        assert side is not None
        if side.type not in TELEPORT_KINDS:
            continue
        now = teleport_summary(side.type, new.inputs) if new else {}
        was = teleport_summary(side.type, old.inputs) if old else {}
        fields: dict[str, dict[str, list[str]]] = {}
        for name in dict.fromkeys([*now, *was]):
            added = [line for line in now.get(name, []) if line not in was.get(name, [])]
            removed = [line for line in was.get(name, []) if line not in now.get(name, [])]
            if added or removed:
                fields[name] = {"added": added, "removed": removed}
        changes.append(
            TeleportChange(
                kind=TELEPORT_KINDS[side.type],
                name=_teleport_name(side.type, side.inputs),
                resource=side.name,
                change=marks.get(key, "same"),
                fields=fields,
                now=now,
            )
        )
    order = list(TELEPORT_KINDS.values())
    return sorted(changes, key=lambda c: (order.index(c.kind), c.name, c.resource))


# --- the review --------------------------------------------------------------------------------


def _cluster(planned: Mapping[str, _Side]) -> str:
    for side in planned.values():
        if side.type == INTEGRATION_TYPE and isinstance(side.inputs.get("cluster"), str):
            return str(side.inputs["cluster"])
    for side in planned.values():
        if side.type == OIDC_PROVIDER_TYPE:
            return as_text(side.inputs.get("url", "")).removeprefix("https://")
    return ""


def build_review(
    project: str,
    stack: str,
    resources: Sequence[RecordedResource],
    changes: Sequence[Change],
    state: StoredState | None,
    warnings: Sequence[str] = (),
) -> Review:
    """The review of ``changes`` (from :func:`.statediff.compare`; against an empty state when
    no export was given, so everything is ``create``)."""
    planned, stored = _planned(resources), _stored(state)
    marks = {urn_key(c.urn): c.mark for c in changes}
    counts = {mark: 0 for mark in ("create", "update", "replace", "delete", "same")}
    for change in changes:
        counts[change.mark] += 1
    replacements = [
        Replacement(c.name, c.type, c.mark, c.replaced_by)
        for c in changes
        if c.mark in ("replace", "delete")
    ]
    return Review(
        project=project,
        stack=stack,
        against_state=state is not None,
        roles=_roles(planned, stored, marks),
        teleport=_teleport(planned, stored, marks),
        replacements=replacements,
        warnings=list(warnings),
        counts=counts,
        cluster=_cluster(planned) or _cluster(stored),
        oidc_providers={
            as_text(side.outputs.get("arn")): marks.get(key, "same")
            for sides in (stored, planned)
            for key, side in sides.items()
            if side.type == OIDC_PROVIDER_TYPE and side.outputs.get("arn")
        },
    )


def review_json(review: Review, mermaid: str = "") -> dict[str, Any]:
    """The review as JSON-able data (the markdown's content, for tools)."""
    data = asdict(review)
    for role, source in zip(data["roles"], review.roles, strict=True):
        for side in ("added", "removed"):
            for grant, item in zip(role[side], getattr(source, side), strict=True):
                grant["wildcards"] = list(item.wildcards)
    data["widened_trust"] = [r.resource for r in review.widened]
    if mermaid:
        data["mermaid"] = mermaid
    return data
