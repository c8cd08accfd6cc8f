"""A review as GitHub/GitLab-flavoured Markdown, for a pull-request comment: what matters
first (widened trust, counts), then AWS access per account and role, Teleport, replacements,
warnings and a Mermaid diagram."""

from __future__ import annotations

import json
from collections.abc import Iterable

from .review import Grant, Review, RoleReview, TeleportChange
from .review_diagram import mermaid

__all__ = ["render_markdown"]

_MARK = {
    "create": "🟢 new",
    "update": "🟡 changed",
    "replace": "🔴 replaced",
    "delete": "🔴 deleted",
    "same": "unchanged",
}
ADDED, REMOVED = "\N{HEAVY PLUS SIGN} added", "\N{HEAVY MINUS SIGN} removed"
WILDCARD = "⚠️ wildcard"


def _code(text: str) -> str:
    """``text`` as inline code that survives a table cell (pipes escaped)."""
    text = text.replace("|", "\\|")
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _codes(items: Iterable[str]) -> str:
    return ", ".join(_code(item) for item in items) or "—"


def _counts(review: Review) -> str:
    counts = review.counts
    parts = [
        f"{counts[mark]} to {mark}"
        for mark in ("create", "update", "replace", "delete")
        if counts.get(mark)
    ]
    if not parts:
        return "**no changes**"
    unchanged = f" ({counts['same']} unchanged)" if counts.get("same") else ""
    return "**" + ", ".join(parts) + "**" + unchanged


def _condition(condition: str) -> str:
    """A statement's condition as lines a reviewer reads (``StringEquals key = a, b``), not
    JSON; anything else as it is."""
    if not condition:
        return "—"
    try:
        tests = json.loads(condition)
        lines = [
            f"{operator} {key} = "
            + ", ".join(str(v) for v in (values if isinstance(values, list) else [values]))
            for operator, block in tests.items()
            for key, values in block.items()
        ]
    except (ValueError, AttributeError):
        return _code(condition)
    return "<br>".join(_code(line) for line in lines)


def _grant_row(sign: str, grant: Grant) -> str:
    service = grant.service
    actions = [a.split(":", 1)[1] if a.startswith(f"{service}:") else a for a in grant.actions]
    wild = f" {WILDCARD}" if grant.wildcards else ""
    effect = "" if grant.effect == "Allow" else f"**{grant.effect}** "
    return (
        f"| {sign} | {_code(grant.feature)} | {effect}{_code(service)} | {_codes(actions)} | "
        f"{_codes(grant.resources)}{wild} | {_condition(grant.condition)} |"
    )


def _role(role: RoleReview, accounts: list[str]) -> list[str]:
    where = (
        f"Account {_code(accounts[0])}" if len(accounts) == 1 else "Accounts " + _codes(accounts)
    )
    lines = [f"#### {where} · role {_code(role.role)} · {_MARK[role.change]}", ""]
    if len(accounts) > 1:
        lines += [f"The same change in each of these {len(accounts)} accounts.", ""]
    if role.added or role.removed:
        lines += [
            "| | Feature | Service | Actions | Resource | Condition |",
            "|---|---|---|---|---|---|",
        ]
        lines += [_grant_row(ADDED, g) for g in role.added]
        lines += [_grant_row(REMOVED, g) for g in role.removed]
        lines.append("")
    else:
        lines += ["No IAM permission changes.", ""]
    if role.trust_added or role.trust_removed:
        heading = "Trust policy (⚠️ widened):" if role.widened else "Trust policy:"
        lines += [heading, "", "| | Aspect | Entry |", "|---|---|---|"]
        lines += [f"| {ADDED} | {i.aspect} | {_code(i.text)} |" for i in role.trust_added]
        lines += [f"| {REMOVED} | {i.aspect} | {_code(i.text)} |" for i in role.trust_removed]
        lines.append("")
    return lines


def _grouped(roles: list[RoleReview]) -> list[tuple[RoleReview, list[str]]]:
    """Roles that change alike in several accounts (an organization's member roles) once, with
    their accounts; the roles Teleport assumes directly (trusting an OIDC provider) first."""
    groups: dict[str, tuple[RoleReview, list[str]]] = {}
    for role in roles:
        shape = json.dumps(
            [
                role.role,
                role.change,
                [g.__dict__ for g in role.added + role.removed],
                [i.__dict__ for i in role.trust_added + role.trust_removed],
                role.widened,
            ],
            sort_keys=True,
        )
        groups.setdefault(shape, (role, []))[1].append(role.account)

    def first(item: tuple[RoleReview, list[str]]) -> tuple[bool, str, str]:
        role, accounts = item
        direct = any(t.startswith("Federated ") for t in role.trusts)
        return (not direct, accounts[0], role.role)

    return sorted(groups.values(), key=first)


def _teleport_cell(change: TeleportChange) -> str:
    parts = []
    for field, diff in change.fields.items():
        items = [f"{ADDED.split()[0]} {_code(line)}" for line in diff["added"]]
        items += [f"{REMOVED.split()[0]} {_code(line)}" for line in diff["removed"]]
        parts.append(f"**{field}**: " + "<br>".join(items))
    return "<br>".join(parts) or "—"


def render_markdown(review: Review) -> str:
    against = "the deployed stack" if review.against_state else "nothing (no `--state`: all new)"
    lines = [
        f"## Access review: {_code(review.project)} · stack {_code(review.stack)}",
        "",
        f"Compared with {against}: {_counts(review)}.",
        "",
    ]
    for role in review.widened:
        lines += [
            f"> ⚠️ **Trust widened** on role {_code(role.role)} (account {_code(role.account)}):"
            f" {'; '.join(role.widened)}",
            "",
        ]
    changed = [r for r in review.roles if r.change != "same" or r.added or r.removed]
    unchanged = [r for r in review.roles if r not in changed]
    lines += ["### AWS access", ""]
    for role, accounts in _grouped(changed):
        lines += _role(role, accounts)
    if unchanged:
        names = ", ".join(f"{_code(r.role)} ({_code(r.account)})" for r in unchanged)
        lines += [f"Unchanged roles: {names}.", ""]
    if not review.roles:
        lines += ["No IAM roles in this stack.", ""]
    lines += ["### Teleport", ""]
    moving = [c for c in review.teleport if c.change != "same"]
    if moving:
        lines += ["| Change | Kind | Name | What changes |", "|---|---|---|---|"]
        lines += [
            f"| {_MARK[c.change]} | {c.kind} | {_code(c.name)} | {_teleport_cell(c)} |"
            for c in moving
        ]
        lines.append("")
    else:
        lines += ["No Teleport changes.", ""]
    if review.replacements:
        lines += [
            "### Replaced or deleted",
            "",
            "| Resource | Type | Change | Forced by |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {_code(r.resource)} | {_code(r.type.rsplit(':', 1)[-1])} | {_MARK[r.change]} | "
            f"{_codes(r.forced_by) if r.change == 'replace' else 'no longer in the program'} |"
            for r in review.replacements
        ]
        lines.append("")
    if review.warnings:
        lines += ["### Warnings", ""]
        lines += [f"- {w}" for w in review.warnings]
        lines.append("")
    lines += [
        "### Diagram",
        "",
        "```mermaid",
        mermaid(review).rstrip("\n"),
        "```",
        "",
        f"<sub>{WILDCARD}: any action or any resource. Made by `teleport-oidc plan --format "
        "markdown` (mock engine, no credentials).</sub>",
    ]
    return "\n".join(lines) + "\n"
