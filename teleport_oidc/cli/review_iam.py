"""IAM documents as a reviewer reads them: a policy's statements as grants (one per service,
resources and condition), a trust policy as the items it admits, what was added and removed, and
why a new trust admits more than the old one (widened)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .review_values import as_list, as_text

__all__ = ["Grant", "TrustItem", "grant_diff", "grants", "trust_items", "widening"]


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


def grants(document: Mapping[str, Any], feature: str) -> list[Grant]:
    """The policy's statements as grants: one per service, resources and condition."""
    found: list[Grant] = []
    for statement in as_list(document.get("Statement")):
        if not isinstance(statement, Mapping):
            continue
        actions = [as_text(a) for a in as_list(statement.get("Action"))]
        resources = tuple(sorted(as_text(r) for r in as_list(statement.get("Resource"))))
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
                    as_text(condition) if condition else "",
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


def grant_diff(new: list[Grant], old: list[Grant]) -> tuple[list[Grant], list[Grant]]:
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
    for statement in as_list(document.get("Statement")):
        if not isinstance(statement, Mapping):
            continue
        effect = str(statement.get("Effect", "Allow"))
        prefix = "" if effect == "Allow" else f"{effect}: "
        principal = statement.get("Principal")
        if isinstance(principal, Mapping):
            for kind, values in sorted(principal.items()):
                aspect = "provider" if kind == "Federated" else "principal"
                for value in as_list(values):
                    items.add(TrustItem(aspect, f"{prefix}{kind} {as_text(value)}"))
        elif principal is not None:
            items.add(TrustItem("principal", f"{prefix}{as_text(principal)}"))
        for action in as_list(statement.get("Action")):
            items.add(TrustItem("action", f"{prefix}{as_text(action)}"))
        condition = statement.get("Condition")
        if isinstance(condition, Mapping):
            for operator, tests in sorted(condition.items()):
                if not isinstance(tests, Mapping):
                    continue
                for key, values in sorted(tests.items()):
                    for value in as_list(values):
                        items.add(
                            TrustItem(
                                _condition_aspect(str(key)),
                                f"{prefix}{operator} {key} = {as_text(value)}",
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


def widening(new: set[TrustItem], old: set[TrustItem]) -> list[str]:
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
