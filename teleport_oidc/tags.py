"""The tags Teleport puts on the provider and role (spec section 6), merged with the user's."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from .constants import ORIGIN, TAG_CLUSTER, TAG_IAC_TOOL, TAG_INTEGRATION, TAG_ORIGIN
from .errors import InvalidArgumentError

__all__ = [
    "MAX_TAGS",
    "merge_tags",
    "required_tags",
    "validate_tag_value",
    "validate_tags",
]

MAX_TAGS = 50
_TAG_PUNCTUATION = frozenset("_.:/=+-@")
#: IAM's tag pattern (:func:`_is_tag_text`) for ASCII text, whose only letters, separators
#: and numbers are ``A-Za-z``, the space and ``0-9``: one match in C instead of a category
#: lookup per character (every component checks its tags).
_ASCII_TAG_TEXT = re.compile(r"[A-Za-z0-9 _.:/=+@-]*")


def _is_tag_text(text: str) -> bool:
    """IAM's tag pattern ``[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]``: letters, separators (spaces),
    numbers of any script and ``_.:/=+-@``. Tabs and newlines are control characters, not
    separators, so IAM refuses them."""
    if text.isascii():
        return _ASCII_TAG_TEXT.fullmatch(text) is not None
    return all(ch in _TAG_PUNCTUATION or unicodedata.category(ch)[0] in "LZN" for ch in text)


def required_tags(cluster_name: str, integration_name: str) -> dict[str, str]:
    """The ``teleport.dev/*`` tags Teleport expects, plus the IaC marker."""
    return {
        TAG_CLUSTER: cluster_name,
        TAG_ORIGIN: ORIGIN,
        TAG_INTEGRATION: integration_name,
        TAG_IAC_TOOL: "pulumi",
    }


def validate_tags(tags: object, argument: str = "tags") -> dict[str, str]:
    """Check IAM's rules for each user tag (key 1-128, value 0-256, no ``aws:`` prefix)."""
    if tags is None:
        return {}
    if not isinstance(tags, Mapping):
        raise InvalidArgumentError(
            argument, tags, "must be a mapping of tag keys to values", "pass e.g. {'team': 'infra'}"
        )
    for key, value in tags.items():
        where = f"{argument}[{key!r}]"
        if not isinstance(key, str) or not 1 <= len(key) <= 128 or not _is_tag_text(key):
            raise InvalidArgumentError(
                where,
                key,
                "must be a tag key of 1-128 letters, digits, spaces or _.:/=+-@ (no tabs or "
                "newlines)",
                "shorten or rename the key",
            )
        if key.lower().startswith("aws:"):
            raise InvalidArgumentError(
                where, key, "must not start with 'aws:' (reserved by AWS)", "rename the key"
            )
        validate_tag_value(value, where)
    seen: dict[str, str] = {}
    for key in tags:
        other = seen.setdefault(key.lower(), key)
        if other != key:
            raise InvalidArgumentError(
                f"{argument}[{key!r}]",
                key,
                f"differs from the tag key {other!r} only in case; IAM tag keys on roles are "
                "case-insensitive, so one would silently replace the other",
                "keep one of the two keys",
            )
    return dict(tags)


def validate_tag_value(value: object, argument: str, tag: str | None = None) -> str:
    """Check IAM's rule for one tag value; ``tag``: the tag an argument becomes, named in the
    rule (``cluster_name`` is the value of ``teleport.dev/cluster``)."""
    if not isinstance(value, str) or len(value) > 256 or not _is_tag_text(value):
        becomes = f" (it becomes the value of the role's {tag!r} tag)" if tag else ""
        raise InvalidArgumentError(
            argument,
            value,
            "must be a string of at most 256 letters, digits, spaces or _.:/=+-@ (no tabs "
            f"or newlines){becomes}",
            "shorten the value or pass it as a string",
        )
    return value


def merge_tags(
    user_tags: Mapping[str, str], required: Mapping[str, str], argument: str = "tags"
) -> dict[str, str]:
    """User tags first, then the required ones, which always win; at most 50 in all.

    A user key that differs from a required key only in case is refused: IAM would treat the
    two as one key and keep whichever it applied last.
    """
    lowered = {key.lower(): key for key in required}
    for key in user_tags:
        clash = lowered.get(key.lower())
        if clash is not None and clash != key:
            raise InvalidArgumentError(
                f"{argument}[{key!r}]",
                key,
                f"differs from the required tag {clash!r} only in case (IAM tag keys on roles "
                "are case-insensitive, so it would replace the value Teleport needs)",
                f"remove it; teleport-oidc sets {clash!r} itself",
            )
    merged = {**user_tags, **required}
    if len(merged) > MAX_TAGS:
        raise InvalidArgumentError(
            argument,
            f"{len(user_tags)} tags",
            f"leaves {len(merged)} tags with the {len(required)} required ones, over IAM's "
            f"limit of {MAX_TAGS}",
            f"pass at most {MAX_TAGS - len(required)} extra tags",
        )
    return merged
