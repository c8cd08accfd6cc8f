"""The tags Teleport puts on the provider and role (spec section 6), merged with the user's."""

from __future__ import annotations

import re
from collections.abc import Mapping

from .constants import ORIGIN, TAG_CLUSTER, TAG_IAC_TOOL, TAG_INTEGRATION, TAG_ORIGIN
from .errors import InvalidArgumentError

__all__ = ["MAX_TAGS", "merge_tags", "required_tags", "validate_tags"]

MAX_TAGS = 50
# IAM's tag character set: letters, digits, spaces and _ . : / = + - @ (any script).
_TAG_TEXT = re.compile(r"^[\w\s.:/=+\-@]*$")


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
        if not isinstance(key, str) or not 1 <= len(key) <= 128 or not _TAG_TEXT.match(key):
            raise InvalidArgumentError(
                where,
                key,
                "must be a tag key of 1-128 letters, digits, spaces or _.:/=+-@",
                "shorten or rename the key",
            )
        if key.lower().startswith("aws:"):
            raise InvalidArgumentError(
                where, key, "must not start with 'aws:' (reserved by AWS)", "rename the key"
            )
        if not isinstance(value, str) or len(value) > 256 or not _TAG_TEXT.match(value):
            raise InvalidArgumentError(
                where,
                value,
                "must be a string of at most 256 letters, digits, spaces or _.:/=+-@",
                "shorten the value or pass it as a string",
            )
    return dict(tags)


def merge_tags(
    user_tags: Mapping[str, str], required: Mapping[str, str], argument: str = "tags"
) -> dict[str, str]:
    """User tags first, then the required ones, which always win; at most 50 in all."""
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
