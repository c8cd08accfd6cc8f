"""What a change grants, for the people who approve it: a structured review of a plan against
the deployed stack (``plan --state ... --format markdown|json``).

Pure functions over what the mock engine registered, the export's resources and the marks of
:mod:`.statediff`: per AWS account and role, the IAM actions added and removed (with resource,
condition, wildcard and the feature whose policy holds them); trust changes on their own, a
widened trust marked; the Teleport resources and what changes in them (an integration's role,
a discovery config's matchers, a token's allow rules); what is replaced or deleted and the
input that forces it; the plan's warnings. Renderers live in :mod:`.review_markdown` and
:func:`review_json`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from pulumi.output import Unknown

from ..teleport.discovery import DISCOVERY_CONFIG_TYPE
from ..teleport.integration import INTEGRATION_TYPE
from ..teleport.token import PROVISION_TOKEN_TYPE
from .deployed import provider_name
from .export import StoredState, urn_key
from .mockrun import RecordedResource
from .statediff import Change, as_stored

__all__ = [
    "Grant",
    "Replacement",
    "Review",
    "RoleReview",
    "TeleportChange",
    "TrustItem",
    "build_review",
    "review_json",
]

ROLE_TYPE = "aws:iam/role:Role"
POLICY_TYPE = "aws:iam/rolePolicy:RolePolicy"
OIDC_PROVIDER_TYPE = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
#: Teleport's kind per resource type, in the order the review lists them.
TELEPORT_KINDS = {
    INTEGRATION_TYPE: "integration",
    DISCOVERY_CONFIG_TYPE: "discovery_config",
    PROVISION_TOKEN_TYPE: "token",
}
UNKNOWN = "(known after lookup)"


@dataclass(frozen=True, order=True)
class Grant:
    """IAM actions of one service on the same resources, under the same condition, from the
    same feature: one row of the review."""

    service: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    condition: str = ""
    """The statement's ``Condition`` as compact JSON ('' for none)."""
    effect: str = "Allow"
    feature: str = ""
    """The feature (or policy) whose document holds the statement."""

    @property
    def wildcards(self) -> tuple[str, ...]:
        """The actions and resources with a ``*``: what a reviewer should look at twice."""
        return tuple(v for v in (*self.actions, *self.resources) if "*" in v)


@dataclass(frozen=True, order=True)
class TrustItem:
    """One thing a trust policy admits: a principal, an action, or one condition value."""

    aspect: str
    """provider, principal, action, audience, subject, organization or condition."""
    text: str
    key: str = ""
    """For a condition: ``<operator> <key>``; widening is judged per key."""


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


def _document(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _mapping(value: Any) -> dict[str, Any]:
    return {str(k): v for k, v in value.items()} if isinstance(value, Mapping) else {}


def _text(value: Any) -> str:
    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, separators=(",", ":"))
    return str(value)


def _feature(policy: _Side, sides: Mapping[str, _Side]) -> str:
    """The feature a policy comes from: its child name without its parent's (child names come
    from the stable feature keys: ``teleport-rds`` under ``teleport`` is ``rds``)."""
    parent = sides.get(policy.parent)
    if parent is not None and policy.name.startswith(f"{parent.name}-"):
        return policy.name[len(parent.name) + 1 :]
    return policy.name


# --- IAM access --------------------------------------------------------------------------------


def grants(document: Mapping[str, Any], feature: str) -> list[Grant]:
    """The policy's statements as grants: one per service, resources and condition."""
    found: list[Grant] = []
    for statement in _list(document.get("Statement")):
        if not isinstance(statement, Mapping):
            continue
        actions = [_text(a) for a in _list(statement.get("Action"))]
        resources = tuple(sorted(_text(r) for r in _list(statement.get("Resource"))))
        condition = statement.get("Condition")
        by_service: dict[str, list[str]] = {}
        for action in actions:
            by_service.setdefault(action.split(":", 1)[0], []).append(action)
        for service, listed in by_service.items():
            found.append(
                Grant(
                    service,
                    tuple(sorted(set(listed))),
                    resources,
                    _text(condition) if condition else "",
                    str(statement.get("Effect", "Allow")),
                    feature,
                )
            )
    return found


def _atoms(items: Iterable[Grant]) -> set[tuple[str, str, tuple[str, ...], str, str, str]]:
    return {
        (g.effect, g.service, g.resources, g.condition, action, g.feature)
        for g in items
        for action in g.actions
    }


def _regroup(atoms: Iterable[tuple[str, str, tuple[str, ...], str, str, str]]) -> list[Grant]:
    groups: dict[tuple[str, str, tuple[str, ...], str, str], set[str]] = {}
    for effect, service, resources, condition, action, feature in atoms:
        groups.setdefault((effect, service, resources, condition, feature), set()).add(action)
    return sorted(
        Grant(service, tuple(sorted(actions)), resources, condition, effect, feature)
        for (effect, service, resources, condition, feature), actions in groups.items()
    )


def _grant_diff(new: list[Grant], old: list[Grant]) -> tuple[list[Grant], list[Grant]]:
    """Added and removed, judged without the feature (an action moved between two policies of
    one role is neither); each side keeps its own feature."""
    new_atoms, old_atoms = _atoms(new), _atoms(old)
    new_keys = {atom[:5] for atom in new_atoms}
    old_keys = {atom[:5] for atom in old_atoms}
    return (
        _regroup(a for a in new_atoms if a[:5] not in old_keys),
        _regroup(a for a in old_atoms if a[:5] not in new_keys),
    )


def trust_items(document: Mapping[str, Any]) -> set[TrustItem]:
    """What the trust policy admits, item by item."""
    items: set[TrustItem] = set()
    for statement in _list(document.get("Statement")):
        if not isinstance(statement, Mapping):
            continue
        effect = str(statement.get("Effect", "Allow"))
        prefix = "" if effect == "Allow" else f"{effect}: "
        principal = statement.get("Principal")
        if isinstance(principal, Mapping):
            for kind, values in sorted(principal.items()):
                aspect = "provider" if kind == "Federated" else "principal"
                for value in _list(values):
                    items.add(TrustItem(aspect, f"{prefix}{kind} {_text(value)}"))
        elif principal is not None:
            items.add(TrustItem("principal", f"{prefix}{_text(principal)}"))
        for action in _list(statement.get("Action")):
            items.add(TrustItem("action", f"{prefix}{_text(action)}"))
        condition = statement.get("Condition")
        if isinstance(condition, Mapping):
            for operator, tests in sorted(condition.items()):
                if not isinstance(tests, Mapping):
                    continue
                for key, values in sorted(tests.items()):
                    for value in _list(values):
                        items.add(
                            TrustItem(
                                _condition_aspect(str(key)),
                                f"{prefix}{operator} {key} = {_text(value)}",
                                f"{operator} {key}",
                            )
                        )
    return items


def _condition_aspect(key: str) -> str:
    if key.endswith(":aud"):
        return "audience"
    if key.endswith(":sub"):
        return "subject"
    if key.lower() in ("aws:principalorgid", "aws:principalorgpaths"):
        return "organization"
    return "condition"


_DROPPED = {
    "audience": "audience condition removed",
    "subject": "subject restriction removed",
    "organization": "organization condition removed",
    "condition": "a condition removed",
}


def _widening(new: set[TrustItem], old: set[TrustItem]) -> list[str]:
    """Why the new trust admits more than the old: a condition key dropped, a value added to a
    condition key that was there, or a principal or action added."""
    if not old or not new:
        return []
    old_keys = {i.key for i in old if i.key}
    new_keys = {i.key for i in new if i.key}
    reasons: list[str] = []
    for key in sorted(old_keys - new_keys):
        dropped = sorted(i for i in old if i.key == key)
        values = ", ".join(i.text.rsplit(" = ", 1)[-1] for i in dropped)
        reasons.append(f"{_DROPPED[dropped[0].aspect]} ({key} was {values})")
    for item in sorted(new - old):
        if item.key and item.key in old_keys:
            reasons.append(f"{item.aspect} condition admits more ({item.text})")
        elif not item.key:
            reasons.append(f"{item.aspect} added ({item.text})")
    return reasons


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
        added, removed = _grant_diff(new_grants, old_grants)
        new_trust = trust_items(_document(new.inputs.get("assumeRolePolicy"))) if new else set()
        old_trust = trust_items(_document(old.inputs.get("assumeRolePolicy"))) if old else set()
        t_added, t_removed = new_trust - old_trust, old_trust - new_trust
        arn = _text((new or old).outputs.get("arn") or "")  # type: ignore[union-attr]
        account = arn.split(":")[4] if arn.count(":") >= 5 else "(unknown account)"
        role = _text(side.inputs.get("name") or side.outputs.get("name") or side.name)
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
                widened=_widening(new_trust, old_trust),
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
        found += grants(_document(side.inputs.get("policy")), label)
    return found


# --- Teleport ----------------------------------------------------------------------------------


def _organizational_units(value: Any) -> str:
    units = value if isinstance(value, Mapping) else {}
    include = ", ".join(_text(u) for u in _list(units.get("include"))) or "(none)"
    exclude = ", ".join(_text(u) for u in _list(units.get("exclude")))
    return f"OUs {include}" + (f" except {exclude}" if exclude else "")


def _matcher(matcher: Mapping[str, Any]) -> str:
    types = ", ".join(_text(t) for t in _list(matcher.get("types")))
    regions = ", ".join(_text(r) for r in _list(matcher.get("regions")))
    parts = [f"{types} in regions {regions}"]
    organization = matcher.get("organization")
    found = matcher.get("assume_role")
    assume: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    if isinstance(organization, Mapping):
        parts.append(
            f"organization {_text(organization.get('organization_id'))} "
            f"({_organizational_units(organization.get('organizational_units'))})"
        )
        if assume.get("role_name"):
            parts.append(f"as role {_text(assume['role_name'])} in each account")
    elif assume.get("role_arn"):
        arn = _text(assume["role_arn"])
        account = arn.split(":")[4] if arn.count(":") >= 5 else arn
        parts.append(f"account {account} as {arn}")
    else:
        parts.append("the integration's account")
    tags = matcher.get("tags")
    if isinstance(tags, Mapping) and tags:
        parts.append(
            "tags "
            + ", ".join(
                f"{k}={'/'.join(_text(v) for v in _list(vs))}" for k, vs in sorted(tags.items())
            )
        )
    return "; ".join(parts)


def _allow(rule: Mapping[str, Any]) -> str:
    parts = []
    if rule.get("aws_account"):
        parts.append(f"account {_text(rule['aws_account'])}")
    if rule.get("aws_organization_id"):
        parts.append(f"organization {_text(rule['aws_organization_id'])}")
        parts.append(_organizational_units(rule.get("aws_organizational_units")))
    if rule.get("aws_arn"):
        parts.append(f"ARN {_text(rule['aws_arn'])}")
    if rule.get("aws_role"):
        parts.append(f"role {_text(rule['aws_role'])}")
    rest = {k: v for k, v in rule.items() if not str(k).startswith("aws_") and v}
    parts += [f"{k} {_text(v)}" for k, v in sorted(rest.items())]
    return ", ".join(parts) or _text(rule)


def teleport_summary(type_: str, inputs: Mapping[str, Any]) -> dict[str, list[str]]:
    """The fields of a Teleport resource a reviewer reads, each as display lines."""
    kind = TELEPORT_KINDS[type_]
    if kind == "integration":
        fields = {
            "role_arn": [_text(inputs.get("role_arn"))],
            "audience": [_text(inputs.get("audience"))] if inputs.get("audience") else [],
            "labels": [
                f"{k}={_text(v)}" for k, v in sorted(_mapping(inputs.get("labels")).items())
            ],
        }
    elif kind == "discovery_config":
        matchers = inputs.get("aws")
        fields = {
            "discovery_group": [_text(inputs.get("discovery_group"))],
            "matchers": [
                _matcher(m) if isinstance(m, Mapping) else _text(m) for m in _list(matchers)
            ]
            if not isinstance(matchers, Unknown)
            else [UNKNOWN],
            "integration": sorted(
                {
                    _text(m.get("integration"))
                    for m in _list(matchers)
                    if isinstance(m, Mapping) and m.get("integration")
                }
            ),
            "join token": sorted(
                {
                    _text(m["install"].get("join_token"))
                    for m in _list(matchers)
                    if isinstance(m, Mapping) and isinstance(m.get("install"), Mapping)
                }
            ),
        }
    else:
        allow = inputs.get("allow")
        fields = {
            "join_method": [_text(inputs.get("join_method") or "iam")],
            "roles": [", ".join(_text(r) for r in _list(inputs.get("roles")))],
            "may join": [_allow(r) if isinstance(r, Mapping) else _text(r) for r in _list(allow)]
            if not isinstance(allow, Unknown)
            else [UNKNOWN],
        }
    return {key: lines for key, lines in fields.items() if lines}


def _teleport_name(type_: str, inputs: Mapping[str, Any]) -> str:
    key = "integration_name" if type_ == INTEGRATION_TYPE else "name"
    return _text(inputs.get(key, ""))


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
            return _text(side.inputs.get("url", "")).removeprefix("https://")
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
            _text(side.outputs.get("arn")): marks.get(key, "same")
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
