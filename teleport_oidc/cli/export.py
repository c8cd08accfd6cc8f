"""Read a ``pulumi stack export`` file: its live resources, each keyed by URN.

Every shape this reader cannot use is refused with a :class:`StateError` that says what is wrong
where, and how to write a good file; nothing else escapes. Deleted resources (``delete: true``,
pending deletion from a replace) and the engine's own (``pulumi:*``) are left out, except the AWS
providers, which say where the stack is deployed (:mod:`.deployed`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import TeleportOidcError

__all__ = ["StateError", "StoredResource", "StoredState", "load_state", "urn_key"]

_FIX = "write one with `pulumi stack export --file state.json`"


class StateError(TeleportOidcError):
    """The --state file is not a `pulumi stack export` this command can read."""


@dataclass(frozen=True)
class StoredResource:
    """One resource of the export, as the engine recorded it after the last update."""

    urn: str
    type: str
    inputs: dict[str, Any]
    outputs: dict[str, Any] = field(default_factory=dict)
    parent: str = ""
    provider: str = ""
    """The provider reference, ``<provider URN>::<ID>`` ('' when none is recorded)."""

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]

    @property
    def key(self) -> str:
        return urn_key(self.urn)


@dataclass(frozen=True)
class StoredState:
    resources: dict[str, StoredResource]
    """By :func:`urn_key`: the package's resources and the components (not ``pulumi:*``)."""
    providers: dict[str, StoredResource]
    """The ``pulumi:providers:*`` resources, by URN."""


def urn_key(urn: str) -> str:
    """What identifies a resource whatever its stack and project are called: the URN's type
    chain (the parents' types included) and name, ``urn:pulumi:<stack>::<project>::`` dropped.

    Two children of one name under parents of different types differ; the engine refuses two
    resources with one URN, so this never merges two resources of one stack.
    """
    return urn.split("::", 2)[-1]


def _error(path: Path, what: str) -> StateError:
    return StateError(f"--state {str(path)!r} {what}; {_FIX}")


def _read(path: Path) -> Any:
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise _error(path, "does not exist") from None
    except IsADirectoryError:
        raise _error(path, "is a folder, not a file") from None
    except OSError as exc:
        raise _error(path, f"cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise _error(path, f"is not UTF-8 text (byte {exc.start})") from None
    if not text.strip():
        raise _error(path, "is empty")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise _error(path, f"is not JSON ({exc.msg} at {where})") from None
    except RecursionError:
        raise _error(path, "is JSON nested too deeply to be a stack export") from None


def _kind(value: Any) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        type(None): "null",
    }.get(type(value), "a number")


def _deployment_resources(path: Path, data: Any) -> list[Any]:
    if not isinstance(data, Mapping):
        raise _error(path, f"holds {_kind(data)}, not a stack export (a JSON object)")
    if "deployment" not in data:
        hint = (
            " (it looks like the output of `pulumi preview --json`)"
            if "steps" in data
            else " (it looks like the `deployment` part alone)"
            if "resources" in data
            else ""
        )
        raise _error(path, f"has no `deployment` key{hint}")
    deployment = data["deployment"]
    if not isinstance(deployment, Mapping):
        raise _error(path, f"has a `deployment` that is {_kind(deployment)}, not an object")
    resources = deployment.get("resources")
    if resources is None:
        return []  # a stack that was never deployed, or is destroyed
    if not isinstance(resources, list):
        raise _error(path, f"has `deployment.resources` that is {_kind(resources)}, not a list")
    return resources


def _string(path: Path, where: str, value: Any, key: str, *, required: bool) -> str:
    found = value.get(key)
    if found is None and not required:
        return ""
    if not isinstance(found, str) or (required and not found):
        what = "has none" if found is None else f"is {_kind(found)}"
        raise _error(path, f"{where}: `{key}` must be a non-empty string, but {what}")
    return found


def _mapping(path: Path, where: str, value: Any, key: str) -> dict[str, Any]:
    found = value.get(key)
    if found is None:
        return {}
    if not isinstance(found, Mapping):
        raise _error(path, f"{where}: `{key}` must be an object, but is {_kind(found)}")
    return dict(found)


def _resource(path: Path, index: int, item: Any) -> StoredResource | None:
    where = f"has `deployment.resources[{index}]`"
    if not isinstance(item, Mapping):
        raise _error(path, f"{where} that is {_kind(item)}, not an object")
    urn = _string(path, where, item, "urn", required=True)
    parts = urn.split("::")
    if not urn.startswith("urn:pulumi:") or len(parts) < 4 or not parts[-1]:
        raise _error(
            path,
            f"{where}: `urn` {urn!r} is not a Pulumi URN (urn:pulumi:STACK::PROJECT::TYPE::NAME)",
        )
    where = f"has resource {urn!r}"
    type_ = _string(path, where, item, "type", required=True)
    if item.get("delete"):
        return None  # pending deletion: the engine deletes it on the next update
    return StoredResource(
        urn=urn,
        type=type_,
        inputs=_mapping(path, where, item, "inputs"),
        outputs=_mapping(path, where, item, "outputs"),
        parent=_string(path, where, item, "parent", required=False),
        provider=_string(path, where, item, "provider", required=False),
    )


def load_state(path: Path) -> StoredState:
    """The live resources of a ``pulumi stack export`` file; :class:`StateError` when it is not
    one (each shape its own message, naming the file and the place)."""
    resources: dict[str, StoredResource] = {}
    providers: dict[str, StoredResource] = {}
    for index, item in enumerate(_deployment_resources(path, _read(path))):
        resource = _resource(path, index, item)
        if resource is None:
            continue
        if resource.type.startswith("pulumi:providers:"):
            providers[resource.urn] = resource
            continue
        if resource.type.startswith("pulumi:"):
            continue
        if resource.key in resources:
            raise _error(
                path,
                f"holds two live resources with the URN {resource.urn!r}, which the engine "
                "never writes (an edited export?)",
            )
        resources[resource.key] = resource
    return StoredState(resources, providers)
