"""``teleport-oidc plan --state FILE``: mark each planned resource against a `pulumi stack export`.

Each resource is ``create``, ``update``, ``replace``, ``delete`` or ``same``, by the rules the
real preview follows: pulumi-aws 7's replace-on-change properties, each Teleport kind's own
rules (its ``Kind``: what it compares, what replaces), and the defaults the providers fill in.
Offline, a looked-up value (thumbprint, cluster name) is assumed unchanged: it is looked up
again on every deployment.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pulumi.output import Unknown

from ..teleport.discovery import DISCOVERY_CONFIG, DISCOVERY_CONFIG_TYPE
from ..teleport.integration import INTEGRATION_TYPE
from ..teleport.provider import INTEGRATION
from ..teleport.resource import CONNECTION_KEYS, Kind, TctlResourceProvider, moved_cluster
from ..teleport.token import PROVISION_TOKEN_TYPE, TOKEN
from .export import StateError, StoredState, load_state, urn_key
from .mockrun import RecordedResource

__all__ = ["Change", "StateError", "as_stored", "compare", "load_state", "render_changes"]

#: Per type: inputs whose change replaces the resource, and defaults providers fill in.
_REPLACES: dict[str, tuple[str, ...]] = {
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": ("url",),
    "aws:iam/role:Role": ("name", "namePrefix", "path"),
    "aws:iam/rolePolicy:RolePolicy": ("role", "name", "namePrefix"),
    "aws:ssm/document:Document": ("name", "documentType"),
}
#: The Teleport kinds: their providers compare their own inputs and how to reach Teleport
#: (an update that records it); ``adopt_existing`` never causes a change, nor does a key only
#: an older version recorded (``adopt_hint``).
_KINDS: dict[str, Kind] = {
    INTEGRATION_TYPE: INTEGRATION,
    DISCOVERY_CONFIG_TYPE: DISCOVERY_CONFIG,
    PROVISION_TOKEN_TYPE: TOKEN,
}
_REACH = ("cluster", *CONNECTION_KEYS)
_DEFAULTS: dict[str, Any] = {
    "path": "/",
    "maxSessionDuration": 3600,
    "forceDetachPolicies": False,
    "documentFormat": "JSON",
    "tags": {},
}
_JSON_INPUTS = {"assumeRolePolicy", "policy", "content"}
_IGNORED = {"__provider", "__defaults"}


@dataclass(frozen=True)
class Change:
    name: str
    type: str
    mark: str
    """create, update, replace, delete or same."""
    keys: tuple[str, ...] = ()
    """The inputs that differ."""
    urn: str = ""
    """The planned resource's URN (for a ``delete``, the stored one's)."""
    replaced_by: tuple[str, ...] = ()
    """For a ``replace``: the changed inputs that force it."""


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _same(planned: Any, stored: Any) -> bool:
    """Equal, an unknown (looked up again at deployment) matching anything stored."""
    if isinstance(planned, Unknown):
        return True
    if isinstance(planned, Mapping) and isinstance(stored, Mapping):
        return set(planned) == set(stored) and all(_same(v, stored[k]) for k, v in planned.items())
    if isinstance(planned, list) and isinstance(stored, list):
        return len(planned) == len(stored) and all(map(_same, planned, stored))
    return bool(planned == stored)


def _differs(key: str, planned: Any, stored: Any) -> bool:
    if isinstance(stored, Mapping) and "ciphertext" in stored:
        return False  # a secret: not readable offline
    if key in _JSON_INPUTS and isinstance(planned, str) and isinstance(stored, str):
        try:
            return bool(json.loads(planned) != json.loads(stored))
        except ValueError:
            pass
    planned, stored = _plain(planned), _plain(stored)
    if planned is None and stored == _DEFAULTS.get(key, None):
        return False
    if stored is None and planned == _DEFAULTS.get(key, None):
        return False
    return not _same(planned, stored)


def _with_defaults(kind: Kind, inputs: Mapping[str, Any]) -> dict[str, Any]:
    return {
        **kind.defaults,
        **{key: value for key, value in inputs.items() if value is not None},
    }


def _checked(kind: Kind, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs as the kind's provider's ``check`` stores them (normalised, defaults written
    out, e.g. a discovery matcher's install parameters); an input its checks refuse stays as
    planned (the program's own checks would have refused it)."""
    provider = type("PlannedCheck", (TctlResourceProvider,), {"KIND": kind})()
    return {**inputs, **provider.check({}, dict(inputs)).inputs}


def as_stored(resource_type: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """A Teleport resource's planned inputs as its provider's ``check`` would store them (the
    export holds those); any other resource's as they are."""
    kind = _KINDS.get(resource_type)
    return dict(inputs) if kind is None else _checked(kind, inputs)


def _change(resource: RecordedResource, stored: dict[str, Any] | None) -> Change:
    if stored is None:
        return Change(resource.name, resource.type, "create", urn=resource.urn)
    planned = resource.inputs
    keys = set(planned) | set(stored)
    kind = _KINDS.get(resource.type)
    replaces = _REPLACES.get(resource.type, ())
    if kind is not None:
        keys &= {*kind.input_keys, *_REACH}
        replaces = kind.replace_keys
        moved = moved_cluster(stored, planned)
        if moved:
            replaces = (*replaces, moved)
        # A missing input is the kind's default, as its provider reads it (older versions
        # recorded the blank defaults, ``audience: ""``, ``labels: {}``; newer ones leave them out).
        planned = _with_defaults(kind, _checked(kind, planned))
        stored = _with_defaults(kind, stored)
    changed = tuple(
        sorted(key for key in keys - _IGNORED if _differs(key, planned.get(key), stored.get(key)))
    )
    forcing = tuple(key for key in changed if key in replaces)
    mark = "replace" if forcing else "update" if changed else "same"
    return Change(resource.name, resource.type, mark, changed, resource.urn, forcing)


def compare(resources: list[RecordedResource], state: StoredState) -> list[Change]:
    """A change per planned resource, then a ``delete`` per stored one the plan lacks.

    A planned resource is matched with the stored one of the same URN, the stack and project
    names aside (:func:`urn_key`): the parents' types are part of it, so two children of one
    name under different parents are two resources, as they are to the engine.
    """
    changes = []
    planned = set()
    for resource in resources:
        if resource.type.startswith("pulumi:"):
            continue
        key = urn_key(resource.urn)
        planned.add(key)
        stored = state.resources.get(key)
        changes.append(_change(resource, None if stored is None else stored.inputs))
    changes += [
        Change(stored.name, stored.type, "delete", urn=stored.urn)
        for key, stored in sorted(state.resources.items())
        if key not in planned
    ]
    return changes


_SIGN = {"create": "+", "update": "~", "replace": "+-", "delete": "-", "same": " "}


def render_changes(changes: list[Change], as_json: bool = False) -> str:
    if as_json:
        return json.dumps(
            [
                {
                    "name": c.name,
                    "type": c.type,
                    "change": c.mark,
                    "keys": list(c.keys),
                    "urn": c.urn,
                }
                for c in changes
            ],
            indent=2,
        )
    counts = {mark: sum(c.mark == mark for c in changes) for mark in _SIGN}
    lines = ["Against the state file (as `pulumi preview` would mark them):"]
    for change in changes:
        keys = f"  [{', '.join(change.keys)}]" if change.keys else ""
        lines.append(f"{_SIGN[change.mark]:>2} {change.mark:<7} {change.type}  {change.name}{keys}")
    lines.append(
        ", ".join(f"{n} to {m}" for m, n in counts.items() if n and m != "same") or "no changes"
    )
    return "\n".join(lines) + "\n"
