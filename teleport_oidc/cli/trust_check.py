"""Whether a role's trust policy lets Teleport's web-identity tokens in, evaluated as IAM does.

The request is ``sts:AssumeRoleWithWebIdentity`` by the federated principal ``provider_arn``
with the condition keys ``<host>:aud`` = ``discover.teleport`` and ``<host>:sub`` = each subject
Teleport uses (``system:proxy``, ``system:auth``: both must get in). IAM's rules, as its policy
evaluation logic documents them:

- an explicit ``Deny`` that matches wins over any ``Allow``; without a matching ``Allow`` the
  request is refused;
- a statement matches when its ``Action`` (or ``NotAction``) and ``Principal`` (or
  ``NotPrincipal``) do and every condition does: operators are ANDed, keys within an operator
  ANDed, the values of one key ORed (a negated operator: none of them matches);
- ``Action`` and ``StringLike`` patterns take ``*`` and ``?``; condition keys and actions are
  case-insensitive, values are not (except the ``IgnoreCase`` operators);
- ``ForAnyValue:`` / ``ForAllValues:`` and ``...IfExists`` change nothing for a key the request
  has with one value, which is what ``aud`` and ``sub`` are here.

Any other condition key (``aws:SourceIp``, ...) depends on the request, which doctor cannot
know: it is assumed to let the statement apply for an ``Allow`` and not for a ``Deny``, and is
named in the verdict so doctor can say the answer depends on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..constants import AUDIENCE, SUBJECTS

__all__ = ["TrustVerdict", "evaluate_trust", "trusts_provider"]

ACTION = "sts:AssumeRoleWithWebIdentity"
_POSITIVE = {
    "StringEquals": lambda got, want: got == want,
    "StringEqualsIgnoreCase": lambda got, want: got.lower() == want.lower(),
    "StringLike": lambda got, want: _like(got, want),
}
_NEGATED = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
}


@dataclass(frozen=True)
class TrustVerdict:
    """What IAM would answer to Teleport's tokens."""

    trusted: bool
    detail: str
    """Why not (``""`` when trusted)."""
    unknown_keys: tuple[str, ...] = ()
    """Condition keys of matching statements that depend on the request (not ``aud``/``sub``)."""


def trusts_provider(document: Any, provider_arn: str, host: str) -> bool:
    """Whether IAM lets ``provider_arn``'s tokens for ``discover.teleport`` assume the role."""
    return evaluate_trust(document, provider_arn, host).trusted


def evaluate_trust(document: Any, provider_arn: str, host: str) -> TrustVerdict:
    """IAM's answer to Teleport's tokens, for every subject Teleport uses, and why."""
    if not isinstance(document, dict) or "Statement" not in document:
        return TrustVerdict(False, "the trust policy is not a JSON object with a Statement")
    statements = list(_statements(document["Statement"]))
    unknown: set[str] = set()
    for subject in sorted(SUBJECTS):
        context = {f"{host}:aud".lower(): AUDIENCE, f"{host}:sub".lower(): subject}
        allowed = False
        for number, statement in statements:
            if not _applies(statement, provider_arn):
                continue
            effect = statement.get("Effect")
            if effect == "Deny" and _conditions_hold(statement, context, False, unknown):
                return TrustVerdict(
                    False,
                    f"statement {_name(statement, number)} denies {ACTION} to the provider "
                    f"(for aud {AUDIENCE!r}, sub {subject!r}); an explicit Deny wins over any "
                    "Allow",
                )
            if effect == "Allow" and _conditions_hold(statement, context, True, unknown):
                allowed = True
        if not allowed:
            return TrustVerdict(
                False,
                f"no Allow statement lets the provider's tokens in (aud {AUDIENCE!r}, sub "
                f"{subject!r}): it needs {ACTION} for the federated principal with a "
                f"{host}:aud condition that {AUDIENCE!r} passes",
            )
    return TrustVerdict(True, "", tuple(sorted(unknown)))


def _statements(value: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, statement in enumerate(value if isinstance(value, list) else [value], 1):
        if isinstance(statement, dict):
            yield number, statement


def _name(statement: dict[str, Any], number: int) -> str:
    sid = statement.get("Sid")
    return f"{sid!r}" if isinstance(sid, str) and sid else f"#{number}"


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _like(got: str, pattern: str) -> bool:
    """IAM's ``*`` (any run of characters) and ``?`` (one character)."""
    regex = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    return re.fullmatch(regex, got, re.DOTALL) is not None


def _applies(statement: dict[str, Any], provider_arn: str) -> bool:
    """The statement's action and principal cover Teleport's request."""
    if "Action" in statement:
        covered = any(
            _like(ACTION.lower(), _text(a).lower()) for a in _as_list(statement["Action"])
        )
    elif "NotAction" in statement:
        covered = not any(
            _like(ACTION.lower(), _text(a).lower()) for a in _as_list(statement["NotAction"])
        )
    else:
        return False
    if not covered:
        return False
    if "Principal" in statement:
        return _names_provider(statement["Principal"], provider_arn)
    if "NotPrincipal" in statement:
        return not _names_provider(statement["NotPrincipal"], provider_arn)
    return False


def _covers(actions: Any) -> bool:
    return any(_like(ACTION.lower(), _text(a).lower()) for a in _as_list(actions))


def _names_provider(principal: Any, provider_arn: str) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    federated = [_text(p) for p in _as_list(principal.get("Federated", []))]
    return provider_arn in federated or "*" in _as_list(principal.get("AWS", []))


def _conditions_hold(
    statement: dict[str, Any], context: dict[str, str], assume: bool, unknown: set[str]
) -> bool:
    """Every condition of the statement holds for ``context``; a key outside it counts as
    ``assume`` and is recorded in ``unknown``."""
    conditions = statement.get("Condition", {})
    if not isinstance(conditions, dict):
        return False
    for operator, block in conditions.items():
        if not isinstance(block, dict):
            return False
        for key, values in block.items():
            lowered = str(key).lower()
            if lowered not in context and _another_providers_key(lowered, context):
                # Teleport's token carries its own provider's keys only: this one is absent.
                if not _holds_when_absent(str(operator), [_text(v) for v in _as_list(values)]):
                    return False
                continue
            if lowered not in context:
                unknown.add(str(key))
                if not assume:
                    return False
                continue
            if not _holds(str(operator), context[lowered], [_text(v) for v in _as_list(values)]):
                return False
    return True


def _another_providers_key(key: str, context: dict[str, str]) -> bool:
    """A web-identity key (``<issuer host>:aud``, ``:sub``, ...) of a provider other than the
    one in ``context``: IAM sets such keys only for the provider that issued the token."""
    namespace, _, _ = key.partition(":")
    ours = {k.partition(":")[0] for k in context}
    return "." in namespace and namespace not in ours


def _holds_when_absent(operator: str, wanted: list[str]) -> bool:
    """IAM on a key the request lacks: a match fails, a "must not match" holds, ``...IfExists``
    and ``ForAllValues:`` hold, ``Null`` holds when it asks for absence."""
    if operator.startswith("ForAllValues:"):
        return True
    if operator.startswith("ForAnyValue:"):
        return False
    if operator.endswith("IfExists"):
        return True
    if operator == "Null":
        return any(w.lower() == "true" for w in wanted)
    return operator in _NEGATED


def _holds(operator: str, got: str, wanted: list[str]) -> bool:
    """One operator on a key the request has, with one value (``aud``, ``sub``)."""
    base = (
        operator.split(":", 1)[1]
        if operator.startswith(("ForAnyValue:", "ForAllValues:"))
        else operator
    )
    base = base.removesuffix("IfExists")
    if base == "Null":  # "true": the key is absent; aud and sub are always present
        return any(w.lower() == "false" for w in wanted)
    if base in _POSITIVE:
        return any(_POSITIVE[base](got, w) for w in wanted)
    if base in _NEGATED:
        return not any(_POSITIVE[_NEGATED[base]](got, w) for w in wanted)
    return False  # a non-string operator on a string key: IAM finds no match
