"""The documents handed to ``tctl create``: Teleport's label rules and YAML that reads back exactly.

- Every Teleport resource this package manages carries ``teleport.dev/iac-tool: pulumi``, as
  Teleport's Terraform modules label theirs ``teleport.dev/iac-tool: terraform``. User labels may
  not set that key (refused, never silently overridden).
- Every Teleport resource this package creates names its owner: ``teleport-oidc/stack``
  (``<organization>/<project>/<stack>``) and ``teleport-oidc/urn`` (the Pulumi resource's URN).
  Teleport keeps labels of every kind (v13 dropped unknown *fields*, never labels) and does not
  restrict label values, so the URN is written as it is. User labels may not set these keys.
- Label keys follow Teleport's rule, ``types.IsValidLabelKey``: one or more ASCII letters, digits
  and ``/ . _ : * -`` (``api/types/common/common.go`` ``IsValidLabelKey`` today; the regexp
  ``LabelPattern = `^[a-zA-Z/.0-9_:*-]+$``` in ``api/types`` before).
- tctl reads files with a YAML 1.1 reader, which turns plain ``y``, ``n``, ``on``, ``1e3``,
  ``0o17``, ``null``, ``~`` ... into booleans, numbers or null. :func:`to_yaml` double-quotes
  every string value, and every key but plain lower-case words that no YAML version reads as
  anything but a string (a label key ``on`` would otherwise become ``true``), so each string
  reads back as exactly the string written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..errors import InvalidArgumentError

__all__ = [
    "IAC_LABEL",
    "IAC_LABEL_KEY",
    "OWNER_LABEL_KEYS",
    "OWNER_STACK_KEY",
    "OWNER_URN_KEY",
    "carries_iac_label",
    "check_description",
    "check_labels",
    "holder",
    "managed_labels",
    "managed_metadata",
    "metadata_inputs",
    "metadata_read_back",
    "to_yaml",
    "user_labels",
    "with_owner",
]

IAC_LABEL_KEY = "teleport.dev/iac-tool"
IAC_LABEL = {IAC_LABEL_KEY: "pulumi"}
OWNER_STACK_KEY = "teleport-oidc/stack"
OWNER_URN_KEY = "teleport-oidc/urn"
OWNER_LABEL_KEYS = (OWNER_STACK_KEY, OWNER_URN_KEY)

# api/types/common/common.go IsValidLabelKey (earlier: api/types LabelPattern, the same set)
_LABEL_KEY = re.compile(r"^[a-zA-Z/.0-9_:*-]+\Z")


def check_labels(value: object, argument: str = "labels") -> dict[str, str]:
    """User labels, sorted; refuses keys Teleport refuses and the package's own label."""
    if not isinstance(value, Mapping):
        raise InvalidArgumentError(
            argument, value, "must map label names to strings", "pass e.g. {'env': 'prod'}"
        )
    for key, val in value.items():
        if not isinstance(key, str) or not key or not isinstance(val, str):
            raise InvalidArgumentError(
                argument,
                value,
                "must map non-empty label names to strings",
                "pass e.g. {'env': 'prod'}",
            )
        if not _LABEL_KEY.match(key):
            raise InvalidArgumentError(
                f"{argument}[{key!r}]",
                key,
                "is not a label key Teleport accepts (letters, digits and / . _ : * - only, "
                "Teleport's IsValidLabelKey)",
                "rename the label, e.g. 'team-name' instead of 'team name'",
            )
        if key == IAC_LABEL_KEY:
            raise InvalidArgumentError(
                f"{argument}[{key!r}]",
                val,
                f"is set by teleport-oidc on every resource it manages ({IAC_LABEL_KEY}: "
                "pulumi) and cannot be set or overridden",
                "remove this label",
            )
        if key in OWNER_LABEL_KEYS:
            raise InvalidArgumentError(
                f"{argument}[{key!r}]",
                val,
                "is set by teleport-oidc on every resource it creates (the stack and URN of the "
                "Pulumi resource that owns it) and cannot be set or overridden",
                "remove this label",
            )
    return dict(sorted(value.items()))


def managed_labels(user_labels: Mapping[str, str] | None) -> dict[str, str]:
    """The labels written to Teleport: the user's (already checked) plus the iac-tool label."""
    return dict(sorted({**(user_labels or {}), **IAC_LABEL}.items()))


def user_labels(labels: Mapping[str, Any]) -> dict[str, Any]:
    """Teleport's labels as the user wrote them: the iac-tool label dropped when it is ours (a
    missing or changed one stays visible, so the next diff shows it), the owner labels always
    (ownership is compared on its own: :func:`holder`)."""
    return dict(
        sorted(
            (key, value)
            for key, value in labels.items()
            if not (key == IAC_LABEL_KEY and value == IAC_LABEL[IAC_LABEL_KEY])
            and key not in OWNER_LABEL_KEYS
        )
    )


def with_owner(document: Mapping[str, Any], owner: Mapping[str, str] | None) -> dict[str, Any]:
    """``document`` with the owner labels of ``owner`` (``{"stack": ..., "urn": ...}``) in
    ``metadata.labels``; unchanged without an owner."""
    if not owner:
        return dict(document)
    metadata = dict(document.get("metadata") or {})
    labels = {
        **(metadata.get("labels") or {}),
        OWNER_STACK_KEY: owner["stack"],
        OWNER_URN_KEY: owner["urn"],
    }
    metadata["labels"] = dict(sorted(labels.items()))
    return {**document, "metadata": metadata}


def holder(resource: Mapping[str, Any]) -> dict[str, str] | None:
    """The owner a ``tctl get`` JSON object names in its labels (``{"stack", "urn"}``), or
    ``None`` when it names none (made by hand, by other tooling, or by an older version)."""
    metadata = resource.get("metadata")
    labels = metadata.get("labels") if isinstance(metadata, Mapping) else None
    if not isinstance(labels, Mapping) or not any(key in labels for key in OWNER_LABEL_KEYS):
        return None
    return {
        "stack": str(labels.get(OWNER_STACK_KEY, "")),
        "urn": str(labels.get(OWNER_URN_KEY, "")),
    }


def carries_iac_label(resource: Mapping[str, Any]) -> bool:
    """Whether a ``tctl get`` JSON object carries ``teleport.dev/iac-tool: pulumi``."""
    labels = (resource.get("metadata") or {}).get("labels") or {}
    return bool(labels.get(IAC_LABEL_KEY) == IAC_LABEL[IAC_LABEL_KEY])


def check_description(value: object, argument: str = "description") -> str:
    """A resource's ``metadata.description``: a string of at most 1024 characters."""
    if not isinstance(value, str) or len(value) > 1024:
        raise InvalidArgumentError(
            argument, value, "must be a string of at most 1024 characters", "shorten it"
        )
    return value


def managed_metadata(
    name: str, labels: Mapping[str, str] | None, description: str | None
) -> dict[str, Any]:
    """``metadata`` of a managed resource: its name, the description if any, and the user's
    labels (checked) plus the iac-tool label."""
    metadata: dict[str, Any] = {"name": name}
    if description:
        metadata["description"] = description
    metadata["labels"] = managed_labels(check_labels(labels or {}))
    return metadata


def metadata_inputs(props: Mapping[str, Any]) -> dict[str, Any]:
    """``name``, ``description`` and ``labels`` of a kind's inputs as
    :func:`metadata_read_back` shows them."""
    return {
        "name": props["name"],
        "description": props.get("description") or "",
        "labels": check_labels(props.get("labels") or {}),
    }


def metadata_read_back(resource: Mapping[str, Any]) -> dict[str, Any]:
    """``name``, ``description`` and the user's ``labels`` of a ``tctl get`` JSON object, in
    the shape of the inputs."""
    metadata = resource.get("metadata") or {}
    return {
        "name": metadata.get("name", ""),
        "description": metadata.get("description") or "",
        "labels": user_labels(metadata.get("labels") or {}),
    }


_PLAIN_KEY = re.compile(r"^[a-z_][a-z0-9_]*\Z")
# Words YAML 1.1 (or 1.2) resolves to a boolean or null even when written in lower case.
_SPECIAL_WORDS = {"y", "n", "yes", "no", "true", "false", "on", "off", "null"}


class _PlainKey(str):
    """A mapping key that reads back as itself when written plain."""


def _keys(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {
            (
                _PlainKey(key)
                if isinstance(key, str) and _PLAIN_KEY.match(key) and key not in _SPECIAL_WORDS
                else key
            ): _keys(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_keys(item) for item in value]
    return value


def to_yaml(document: Mapping[str, Any]) -> str:
    """The file handed to ``tctl create``: block YAML, every string value double-quoted."""
    import yaml  # lazily: only tctl calls and plan need it

    class _Dumper(yaml.SafeDumper):
        pass

    def quoted(dumper: Any, data: str) -> Any:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"')

    def plain(dumper: Any, data: str) -> Any:
        return dumper.represent_scalar("tag:yaml.org,2002:str", str(data))

    _Dumper.add_representer(str, quoted)
    _Dumper.add_representer(_PlainKey, plain)
    return yaml.dump(_keys(document), Dumper=_Dumper, sort_keys=False, allow_unicode=True)
