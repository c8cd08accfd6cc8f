"""Reading a server's JSON answer as untrusted input: a value, or ``ValueError`` saying why.

``json.loads`` raises ``RecursionError`` (not a ``ValueError``) for an answer nested a few
thousand levels deep, which fits in a few KiB, far under the fetch seam's 1 MiB cap. Every
lookup reads its answers through :func:`load_json`, so one ``except ValueError`` covers every
answer a hostile or broken server can send.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["json_type", "load_json"]


def load_json(body: bytes) -> Any:
    """The JSON value of ``body``; ``ValueError`` for anything that is not readable JSON."""
    try:
        return json.loads(body)
    except RecursionError:
        raise ValueError("the JSON is nested too deeply to read") from None


def json_type(value: object) -> str:
    """The JSON name of a parsed value's type, for messages (``number``, ``array``...)."""
    if value is None:
        return "null"
    names = {bool: "boolean", int: "number", float: "number", str: "string", list: "array"}
    return names.get(type(value), "object")
