"""Where a deployed stack lives, read from its export: the mock engine's :class:`AwsWorld`.

``plan --state`` runs the program under the mock engine, which answers ``getCallerIdentity``,
``getPartition`` and ``getOrganization`` itself. Against a placeholder account every ARN built
from those answers (the trust policy's provider, the integration's ``role_arn``, the token's
account, the member roles' principal) would differ from the stack's, so each AWS provider's
account and partition are read from the ARNs AWS returned for the resources it created (their
``arn`` outputs), and the organization from the IDs the stored documents name. What the program
itself declares (``allowed_account_ids``, ``region``) still wins, so a real change shows.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from .export import StoredState
from .mockrun import PLACEHOLDER_ACCOUNT, PLACEHOLDER_ORGANIZATION, AwsWorld

__all__ = ["deployed_world", "provider_name"]

_ARN = re.compile(r"^arn:(aws(?:-[a-z-]+)?):[a-z0-9-]+:[a-z0-9-]*:([0-9]{12}):")
_ORGANIZATION = re.compile(r"\Ao-[a-z0-9]{10,32}\Z")
_AWS_PROVIDER = "pulumi:providers:aws"


def provider_name(reference: str) -> str:
    """The provider's resource name in a reference ``<provider URN>::<ID>`` ('' for none);
    the engine's default providers are all called ``default``."""
    urn = reference.rsplit("::", 1)[0] if reference.count("::") > 1 else ""
    name = urn.rsplit("::", 1)[-1] if urn else ""
    return "" if name == "default" or name.startswith("default_") else name


def _strings(value: Any) -> Iterator[str]:
    """Every string in ``value``, JSON documents stored as strings (policies) opened too."""
    if isinstance(value, str):
        yield value
        if value[:1] in "{[":
            try:
                yield from _strings(json.loads(value))
            except ValueError:
                pass
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _most_common(counter: Counter[Any]) -> Any:
    # Ties go to the smallest value, so a reading never depends on the export's order.
    return min(counter, key=lambda value: (-counter[value], value))


def deployed_world(state: StoredState) -> AwsWorld:
    """The accounts, partitions and organization the export's resources were created in.

    Per AWS provider (``''``: the default one), the account and partition of the ARNs of the
    resources it created; the default provider, when it created nothing with an ARN, takes the
    one account the export's ARNs name (if they name exactly one), else the placeholder. The
    organization is the ID the stored inputs and outputs name most (``o-...``), else the
    placeholder.
    """
    per_provider: dict[str, Counter[tuple[str, str]]] = {}
    everywhere: Counter[tuple[str, str]] = Counter()
    organizations: Counter[str] = Counter()
    for resource in state.resources.values():
        match = _ARN.match(str(resource.outputs.get("arn") or ""))
        if match and f"::{_AWS_PROVIDER}::" in resource.provider:
            where = (match.group(1), match.group(2))
            per_provider.setdefault(provider_name(resource.provider), Counter())[where] += 1
            everywhere[where] += 1
        for text in _strings([resource.inputs, resource.outputs]):
            if _ORGANIZATION.match(text) and text != PLACEHOLDER_ORGANIZATION:
                organizations[text] += 1
    found = {name: _most_common(counter) for name, counter in per_provider.items()}
    default = found.pop("", None)
    if default is None and len(everywhere) == 1:
        default = next(iter(everywhere))
    partition, account = default or (None, PLACEHOLDER_ACCOUNT)
    return AwsWorld(
        account=account,
        partition=partition,
        providers=found,
        organization=_most_common(organizations) if organizations else PLACEHOLDER_ORGANIZATION,
    )
