"""A review as GitHub/GitLab-flavoured Markdown, for a pull-request comment: what matters
first (widened trust, counts), then AWS access per account and role, Teleport, replacements,
warnings and a Mermaid diagram."""

from __future__ import annotations

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


def _grant_row(sign: str, grant: Grant) -> str:
    service = grant.service
    actions = [a.split(":", 1)[1] if a.startswith(f"{service}:") else a for a in grant.actions]
    wild = f" {WILDCARD}" if grant.wildcards else ""
    effect = "" if grant.effect == "Allow" else f"**{grant.effect}** "
    return (
        f"| {sign} | {effect}{_code(service)} | {_codes(actions)} | {_codes(grant.resources)}{wild}"
        f" | {_code(grant.condition) if grant.condition else '—'} | {_code(grant.feature)} |"
    )


def _role(role: RoleReview) -> list[str]:
    lines = [
        f"#### Account {_code(role.account)} · role {_code(role.role)} · {_MARK[role.change]}",
        "",
    ]
    if role.added or role.removed:
        lines += [
            "| | Service | Actions | Resource | Condition | Feature |",
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
    for role in changed:
        lines += _role(role)
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
