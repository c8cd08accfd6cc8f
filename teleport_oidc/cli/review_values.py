"""Values of stored and planned inputs, read leniently for a review: a JSON document that may
be a string, a list that may be one value, a map that may be something else, any value as text
(an unknown one as ``(known after lookup)``)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pulumi.output import Unknown

__all__ = ["UNKNOWN", "as_document", "as_list", "as_mapping", "as_text"]

UNKNOWN = "(known after lookup)"


def as_document(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def as_mapping(value: Any) -> dict[str, Any]:
    return {str(k): v for k, v in value.items()} if isinstance(value, Mapping) else {}


def as_text(value: Any) -> str:
    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, separators=(",", ":"))
    return str(value)
