"""A small Mermaid flowchart of a review: the Teleport cluster and its resources, each AWS
account with its OIDC provider and roles, who trusts whom, what changed highlighted (by colour
and by a word in the label, so it reads without colour too). GitHub and GitLab render it in
comments."""

from __future__ import annotations

from dataclasses import dataclass, field

from .review import Review

__all__ = ["mermaid"]

_WORD = {"create": "new", "update": "changed", "replace": "replaced", "delete": "deleted"}
_STYLE = {
    "create": "fill:#dafbe1,stroke:#1a7f37,color:#0d3117",
    "update": "fill:#fff8c5,stroke:#9a6700,color:#3b2300",
    "replace": "fill:#ffebe9,stroke:#cf222e,color:#4c0b0a",
    "delete": "fill:#ffebe9,stroke:#cf222e,color:#4c0b0a,stroke-dasharray:5 3",
    "widened": "fill:#ffebe9,stroke:#cf222e,color:#4c0b0a,stroke-width:3px",
}


def _label(*lines: str) -> str:
    # Mermaid's entity codes keep quotes and angle brackets from ending the label.
    escaped = [
        line.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
        for line in lines
        if line
    ]
    return '"' + "<br/>".join(escaped) + '"'


@dataclass
class _Chart:
    lines: list[str] = field(default_factory=list)
    classes: dict[str, list[str]] = field(default_factory=dict)
    links: list[str] = field(default_factory=list)
    red_links: list[int] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)

    def node(self, key: str, shape: str, change: str, *lines: str, style: str = "") -> str:
        node_id = self.ids.setdefault(key, f"n{len(self.ids)}")
        word = _WORD.get(change)
        text = _label(*lines, f"({word})" if word else "")
        opening, closing = shape[: len(shape) // 2], shape[len(shape) // 2 :]
        self.lines.append(f"    {node_id}{opening}{text}{closing}")
        style = style or change
        if style in _STYLE:
            self.classes.setdefault(style, []).append(node_id)
        return node_id

    def link(self, source: str, target: str, label: str, *, red: bool = False) -> None:
        if red:
            self.red_links.append(len(self.links))
        self.links.append(f"  {source} -->|{label}| {target}")


def mermaid(review: Review) -> str:
    """The flowchart's source (without the fences)."""
    chart = _Chart()
    out = ["flowchart LR"]
    out.append(f"  subgraph teleport[{_label(f'Teleport cluster {review.cluster}'.strip())}]")
    chart.lines = out
    teleport_ids: dict[tuple[str, str], str] = {}
    for change in review.teleport:
        teleport_ids[(change.kind, change.name)] = chart.node(
            f"teleport:{change.kind}:{change.name}:{change.resource}",
            "[]",
            change.change,
            f"{change.kind} {change.name}",
        )
    out.append("  end")
    accounts: dict[str, list[int]] = {}
    for index, role in enumerate(review.roles):
        accounts.setdefault(role.account, []).append(index)
    role_ids: dict[str, str] = {}
    provider_ids: dict[str, str] = {}
    for account, indexes in sorted(accounts.items()):
        box = "account_" + "".join(c for c in account if c.isalnum())
        out.append(f"  subgraph {box}[{_label('AWS account ' + account)}]")
        for index in indexes:
            role = review.roles[index]
            for principal in role.trusts:
                kind, _, arn = principal.partition(" ")
                if kind == "Federated" and arn not in provider_ids:
                    host = arn.split("oidc-provider/", 1)[-1]
                    managed = review.oidc_providers.get(arn)
                    provider_ids[arn] = chart.node(
                        f"provider:{arn}",
                        "{{}}",
                        managed or "",
                        "OIDC provider",
                        host,
                        "" if managed else "(not managed here)",
                    )
            role_ids[role.role + "@" + account] = chart.node(
                f"role:{account}:{role.resource}",
                "[]",
                role.change,
                f"role {role.role}",
                "⚠ trust widened" if role.widened else "",
                style="widened" if role.widened else role.change,
            )
        out.append("  end")
    for role in review.roles:
        node = role_ids[role.role + "@" + role.account]
        for principal in role.trusts:
            kind, _, arn = principal.partition(" ")
            if kind == "Federated" and arn in provider_ids:
                chart.link(provider_ids[arn], node, "trusted by", red=bool(role.widened))
            elif kind == "AWS":
                source = next(
                    (
                        role_ids[f"{other.role}@{other.account}"]
                        for other in review.roles
                        if arn.endswith(f":role/{other.role}") and f":{other.account}:" in arn
                    ),
                    None,
                )
                if source is not None:
                    chart.link(source, node, "assumes", red=bool(role.widened))
    for change in review.teleport:
        node = teleport_ids[(change.kind, change.name)]
        if change.kind == "integration":
            for arn in change.now.get("role_arn", []):
                target = next(
                    (
                        role_ids[f"{r.role}@{r.account}"]
                        for r in review.roles
                        if arn.endswith(f":role/{r.role}") and f":{r.account}:" in arn
                    ),
                    None,
                )
                if target is not None:
                    chart.link(node, target, "assumes")
        elif change.kind == "discovery_config":
            for token in change.now.get("join token", []):
                target = teleport_ids.get(("token", token))
                if target is not None:
                    chart.link(node, target, "joins with")
            for name in change.now.get("integration", []):
                target = teleport_ids.get(("integration", name))
                if target is not None:
                    chart.link(node, target, "uses")
    out += chart.links
    for mark, ids in chart.classes.items():
        out.append(f"  classDef {mark} {_STYLE[mark]}")
        out.append(f"  class {','.join(ids)} {mark}")
    for index in chart.red_links:
        out.append(f"  linkStyle {index} stroke:#cf222e,stroke-width:3px")
    return "\n".join(out) + "\n"
