"""Who owns a Teleport resource: the Pulumi resource that created it, named in its labels.

Every resource this package creates carries ``teleport-oidc/stack`` and ``teleport-oidc/urn``
(:func:`~teleport_oidc.teleport.document.with_owner`): the organization/project/stack and the
URN of the Pulumi resource that wrote it. The program computes that owner when it declares the
resource (:func:`owner_input`: the input ``owner``); the provider records the owner it wrote
(the output ``owner``) and compares it with what Teleport holds:

- create takes over silently only what this resource itself wrote (same owner, and exactly
  what it would create: a create Teleport committed but tctl did not confirm); anything held by
  another owner, or by none, needs ``adopt_existing=True``, and an ``integration`` held by
  another owner cannot be taken over in place at all (``tctl create --force`` keeps its labels);
- a token's create reads the token back: ``tctl create`` upserts tokens, so of two creates of
  one name at once the one whose labels Teleport holds wins and the other fails;
- read and delete: a resource whose labels name another owner is no longer this stack's:
  refresh removes it from state, destroy leaves it in Teleport (both say so);
- ``owner`` never causes a change: state written before ownership labels previews no change,
  and a resource renamed with ``aliases`` keeps the owner it was created with.

Within one program, :func:`declare` refuses a second declaration of one kind and name on one
cluster, naming both (the realistic case: one component per account with the same
``DiscoveryOptions(token_name=...)``).
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import Any

import pulumi
from pulumi.runtime import settings as _settings

from ..errors import InvalidArgumentError
from .document import OWNER_STACK_KEY, OWNER_URN_KEY
from .settings import address_identity

__all__ = [
    "OWNER_KEY",
    "declare",
    "declared",
    "held_elsewhere",
    "left_to_its_owner",
    "lost_the_race",
    "not_ours",
    "owner_from_urn",
    "owner_input",
    "owner_of",
    "same_owner",
]

OWNER_KEY = "owner"


def owner_input(
    resource_name: str, type_: str, opts: pulumi.ResourceOptions | None
) -> dict[str, Any]:
    """The ``owner`` input of a resource being declared: ``{"stack": "<org>/<project>/<stack>",
    "urn": <its URN>}`` (the URN is computed as the engine does, from the parent's)."""
    parent = opts.parent if opts is not None else None
    org = pulumi.get_organization()
    project, stack = pulumi.get_project(), pulumi.get_stack()
    # The engine never puts the root stack's type in a URN's type chain; the SDK's mocks do.
    urn = pulumi.create_urn(resource_name, type_, parent=parent).apply(
        lambda u: u.replace("::pulumi:pulumi:Stack$", "::")
    )
    return {
        "stack": f"{org}/{project}/{stack}" if org else f"{project}/{stack}",
        # Without the parent as a dependency: depending on a component means depending on
        # every child of it, this resource included (a cycle). The URN is known in previews.
        "urn": pulumi.Output(set(), urn.future(), urn.is_known(), urn.is_secret()),
    }


def owner_from_urn(urn: str) -> dict[str, str] | None:
    """The ``owner`` of a resource known by its URN alone (a custom resource of the plugin that a
    program declares itself, so no Python class computed it): ``<project>/<stack>`` (a URN does
    not name the organization) and the URN; ``None`` for anything that is not a URN."""
    parts = urn.split("::")
    if len(parts) < 4 or not parts[0].startswith("urn:pulumi:"):
        return None
    stack, project = parts[0].removeprefix("urn:pulumi:"), parts[1]
    if not stack or not project:
        return None
    return {"stack": f"{project}/{stack}", "urn": urn}


def owner_of(props: Mapping[str, Any]) -> dict[str, str] | None:
    """The owner recorded in (or declared by) ``props``, or ``None`` (state written before
    ownership labels, or a caller that declares none)."""
    value = props.get(OWNER_KEY)
    if (
        isinstance(value, Mapping)
        and isinstance(value.get("stack"), str)
        and isinstance(value.get("urn"), str)
        and value["urn"]
    ):
        return {"stack": value["stack"], "urn": value["urn"]}
    return None


def same_owner(held: Mapping[str, str] | None, owner: Mapping[str, str] | None) -> bool:
    """Whether Teleport's labels (``held``) name ``owner``; no labels match no owner only."""
    if held is None or owner is None:
        return held is None and owner is None
    return held.get("urn") == owner.get("urn") and held.get("stack") == owner.get("stack")


def _named(owner: Mapping[str, str]) -> str:
    return f"{owner.get('urn')!r} of stack {owner.get('stack')!r}"


def held_elsewhere(
    kind: str,
    name: str,
    held: Mapping[str, str],
    owner: Mapping[str, str] | None,
    adopt_knobs: str | None,
) -> str:
    """Why a create refuses what another Pulumi resource holds, and the ways out.
    ``adopt_knobs``: how to take it over, or ``None`` when it cannot be taken over in place."""
    this = f" (this one is {owner.get('urn')!r})" if owner else ""
    take = (
        f"; or set {adopt_knobs} to take it over (its labels then name this resource, so "
        "the other one's destroy leaves it)"
        if adopt_knobs
        else f"; it cannot be taken over in place: `tctl create --force` keeps a {kind}'s "
        f"labels, so the other resource's destroy would still delete it. Remove it from the "
        f"other stack first (`pulumi state delete` there), then `tctl rm {kind}/{name}` and "
        "run again"
    )
    return (
        f"the Teleport {kind} {name!r} already exists and belongs to another Pulumi resource: "
        f"{_named(held)} (labels {OWNER_URN_KEY}, {OWNER_STACK_KEY}){this}. If you renamed "
        "this resource or moved it to another parent, add `aliases` naming the old one, so "
        "Pulumi knows they are the same; if another stack (or another resource of this "
        "program) declares it, give one of them another name" + take
    )


def not_ours(kind: str, name: str, adopt_knobs: str) -> str:
    """Why a create refuses one that names no owner."""
    return (
        f"the Teleport {kind} {name!r} already exists and was not created by this resource "
        f"(it has no {OWNER_URN_KEY} label: made by hand, by other tooling, or by a version of "
        f"teleport-oidc before ownership labels). Either set {adopt_knobs} to take it over, "
        f"or remove it with `tctl rm {kind}/{name}` and run again"
    )


def lost_the_race(kind: str, name: str, held: Mapping[str, str] | None) -> str:
    """Why a token create that another create overwrote fails."""
    who = _named(held) if held else "a writer that names no owner"
    return (
        f"the Teleport {kind} {name!r} was created by another writer at the same time: "
        f"`tctl create` overwrites a {kind}, and Teleport now holds the one of {who}. That "
        "one won and was left as it is; this resource was not created. Give one of the two "
        "another name (for discovery: DiscoveryOptions(token_name=...)), then run again"
    )


def left_to_its_owner(kind: str, name: str, held: Mapping[str, str], what: str) -> str:
    """What read and delete say about one another owner now holds."""
    return (
        f"the Teleport {kind} {name!r} now belongs to another Pulumi resource, "
        f"{_named(held)}: {what}"
    )


# -- one program declares each Teleport resource once ------------------------------------------

#: Per running program (its root resource): (kind, name, cluster) -> the first declaration
#: (how the user finds it, and which resource it is: its name and parent).
_DECLARED: weakref.WeakKeyDictionary[Any, dict[tuple[str, str, str], tuple[str, Any]]] = (
    weakref.WeakKeyDictionary()
)


def _cluster_identity(cluster: Any, auth_server: Any) -> str | None:
    """Which cluster, as far as the program says: ``cluster``, else the ``auth_server`` address
    (``""``: neither, so stack config or the environment decide, the same for both);
    ``None`` when it is not known yet (an Output)."""
    if cluster is not None:
        return f"cluster:{cluster.lower()}" if isinstance(cluster, str) else None
    if auth_server is not None:
        return f"addr:{address_identity(auth_server)}" if isinstance(auth_server, str) else None
    return ""


def declare(
    kind: str,
    name: Any,
    props: Mapping[str, Any],
    declaration: str,
    parent: Any = None,
    argument: str | None = None,
) -> None:
    """Refuse a second declaration of the Teleport ``kind`` named ``name`` on the same cluster
    in this program. ``declaration``: the resource's name (how the user finds it); ``parent``:
    its parent resource; ``argument``: how the user wrote the name (default: the resource's
    own argument). A component declares its children first, so that a clash is refused before
    it registers anything; the child's own declaration is then the same one."""
    cluster = _cluster_identity(props.get("cluster"), props.get("auth_server"))
    root = _settings.get_root_resource()
    if not isinstance(name, str) or cluster is None or root is None:
        return  # not known until deployment: the create's ownership check decides then
    declared = _DECLARED.setdefault(root, {})
    key = (kind, name, cluster)
    this = (declaration, id(parent) if parent is not None else None)
    first = declared.setdefault(key, this)
    if first == this:
        return
    raise InvalidArgumentError(
        argument or ("integration_name" if kind == "integration" else "name"),
        name,
        f"is the name of the Teleport {kind} that {first[0]!r} already declares in this "
        f"program, on the same cluster, and {declaration!r} declares it again: the two would "
        "overwrite each other in Teleport (`tctl create` upserts a token) and destroying either "
        "would remove it for both",
        "give each its own name (for discovery: DiscoveryOptions(token_name=..., "
        "config_name=...)), or declare it once",
    )


def declared(
    kind: str,
    name_key: str,
    type_: str,
    resource_name: str,
    props: Mapping[str, Any],
    opts: pulumi.ResourceOptions | None,
) -> dict[str, Any]:
    """``props`` as a resource class registers them: declared once in this program
    (:func:`declare`), with their ``owner`` (:func:`owner_input`)."""
    declare(kind, props.get(name_key), props, resource_name, opts.parent if opts else None)
    return {**props, OWNER_KEY: owner_input(resource_name, type_, opts)}
