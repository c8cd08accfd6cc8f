"""How the Teleport resources register: the one place that decides, for every resource class.

Two registrations of one implementation (the provider classes are the same in both):

- **dynamic** (the default, a Python program): a ``pulumi.dynamic.Resource`` with today's type
  token ``pulumi-python:dynamic/teleport-oidc:<Name>``; the engine runs the provider in the
  program's Python (``python -m pulumi.dynamic``). Property names are the provider's own
  (``integration_name``), as every existing stack's state holds them.
- **plugin** (the component constructed by the ``teleport-oidc`` provider plugin, for programs
  in any language): a custom resource ``teleport-oidc:index:<Name>`` of the plugin, at the
  plugin's version, served by the same process (:mod:`teleport_oidc.plugin`); property names
  are the schema's (:class:`Wire`): camelCase at every level but inside user data (labels,
  tags), nested objects shaped as the Python API's classes (``AwsMatcher``, ``IamAllowRule``).

The plugin turns the switch once, when it starts (:func:`serve_as_plugin`); nothing else does.
A resource class subclasses :class:`Registered` and calls :meth:`Registered._register` instead
of ``pulumi.dynamic.Resource.__init__``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi.dynamic

from .errors import InvalidArgumentError

__all__ = [
    "PLUGIN_PACKAGE",
    "Registered",
    "Wire",
    "camel",
    "plugin_type",
    "plugin_version",
    "registered_type",
    "serve_as_plugin",
    "snake",
]

#: The plugin's package name: its type tokens' first part and its config namespace.
PLUGIN_PACKAGE = "teleport-oidc"


#: The plugin's version when this process is the plugin (set once, at its start), else ``None``.
_plugin: str | None = None


def serve_as_plugin(version: str) -> None:
    """From now on, in this process, the Teleport resources register as the plugin's custom
    resources at ``version``. Called once by the plugin's entry point, never by a program."""
    global _plugin
    _plugin = version


def plugin_version() -> str | None:
    """The plugin's version when this process is the plugin, else ``None``."""
    return _plugin


def plugin_type(name: str) -> str:
    """The plugin's type token for resource ``name``: ``teleport-oidc:index:<name>``."""
    return f"{PLUGIN_PACKAGE}:index:{name}"


def registered_type(dynamic_type: str) -> str:
    """The type token a resource class whose dynamic token is ``dynamic_type`` registers with in
    this process (what its URN holds): the dynamic one, or the plugin's."""
    if _plugin is None:
        return dynamic_type
    return plugin_type(dynamic_type.rsplit(":", 1)[1])


def camel(name: str) -> str:
    """``integration_name`` -> ``integrationName`` (the schema's spelling)."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


_UPPER = re.compile(r"(?<=[a-z0-9])([A-Z])")


def snake(name: str) -> str:
    """``integrationName`` -> ``integration_name`` (the provider's spelling)."""
    return _UPPER.sub(r"_\1", name).lower()


#: Inputs whose values are user data: their keys keep the user's spelling (``team_name``).
DATA_KEYS = frozenset({"labels", "tags", "eks_audit_log_tags"})


def _deep(value: Any, change: Callable[[Any], Any]) -> Any:
    """``change(value)``, inside the Output when ``value`` is one (resolved later)."""
    if isinstance(value, pulumi.Output):
        return value.apply(change)
    return change(value)


def _respelled(value: Any, spell: Callable[[str], str]) -> Any:
    """``value`` with every object key spelled by ``spell``, except inside user data."""

    def change(item: Any) -> Any:
        if isinstance(item, Mapping):
            return {
                spell(key): inner if snake(key) in DATA_KEYS else _respelled(inner, spell)
                for key, inner in item.items()
            }
        if isinstance(item, (list, tuple)):
            return [_respelled(inner, spell) for inner in item]
        return item

    return _deep(value, change)


@dataclass(frozen=True)
class Wire:
    """How the plugin spells a resource's properties (its schema): the provider's own names in
    camelCase at every level (user data keeps its keys), and, for an input whose Python API
    class is shaped otherwise than the provider's input, the two conversions between them.

    ``moves`` maps an input to ``(to_api, to_provider)``: pure functions over snake_case values
    (``AwsMatcher``'s ``ssm_document_name`` is the provider's ``ssm.document_name``) that leave
    anything that is not theirs (an unknown, a mistake for the provider's check) as it is.
    ``paths`` rewrites the provider's argument paths in errors into the API's (regex,
    replacement), before camelCase.
    """

    moves: Mapping[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = field(
        default_factory=dict
    )
    paths: tuple[tuple[str, str], ...] = ()

    def out(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """The provider's properties as the plugin's wire (and schema) spells them."""
        result: dict[str, Any] = {}
        for key, value in props.items():
            if key in self.moves:
                value = _deep(value, self.moves[key][0])
            result[camel(key)] = value if key in DATA_KEYS else _respelled(value, camel)
        return result

    def into(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """The wire's properties as the provider's own."""
        result: dict[str, Any] = {}
        for wire_key, value in props.items():
            key = snake(wire_key)
            value = value if key in DATA_KEYS else _respelled(value, snake)
            if key in self.moves:
                value = _deep(value, self.moves[key][1])
            result[key] = value
        return result

    def api_argument(self, argument: str) -> str:
        """A provider's argument path (``aws[0].ssm.document_name``) as the API's
        (``aws[0].ssm_document_name``), still in Python spelling."""
        for pattern, replacement in self.paths:
            argument, count = re.subn(pattern, replacement, argument, count=1)
            if count:
                break
        return argument

    def api_error(self, error: InvalidArgumentError) -> InvalidArgumentError:
        """``error`` naming its argument as the Python API does (:meth:`api_argument`): what a
        Python program wrote, where the provider's check named its own path."""
        argument = self.api_argument(error.argument)
        if argument == error.argument:
            return error
        again = InvalidArgumentError(argument, error.value, error.rule, error.fix)
        again.__cause__ = error.__cause__
        return again


class Registered(pulumi.dynamic.Resource):
    """A Teleport resource class: registers as a dynamic resource or as the plugin's custom
    resource, whichever this process is set up for. Subclasses pass ``module="teleport-oidc"``
    and ``name="<Name>"`` as every dynamic resource does; ``<Name>`` names both type tokens."""

    def _register(
        self,
        provider: pulumi.dynamic.ResourceProvider,
        resource_name: str,
        props: Mapping[str, Any],
        opts: pulumi.ResourceOptions | None,
        wire: Wire | None = None,
    ) -> None:
        if _plugin is None:
            pulumi.dynamic.Resource.__init__(self, provider, resource_name, dict(props), opts)
            return
        # Respelled by ``wire`` (the kind's), here and back by the plugin: user data (labels,
        # tags) keeps its keys. (The SDK's translate_input_property would respell those too.)
        # The Python attributes keep their names: each is the Output the SDK made for the
        # camelCase property.
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(version=_plugin))
        token = plugin_type(self._resource_type_name.rsplit(":", 1)[1])
        pulumi.CustomResource.__init__(
            self, token, resource_name, (wire or Wire()).out(props), opts
        )
        for key in props:
            if camel(key) != key:
                setattr(self, key, getattr(self, camel(key)))
