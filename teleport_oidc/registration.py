"""How the Teleport resources register: the one place that decides, for every resource class.

Two registrations of one implementation (the provider classes are the same in both):

- **dynamic** (the default, a Python program): a ``pulumi.dynamic.Resource`` with today's type
  token ``pulumi-python:dynamic/teleport-oidc:<Name>``; the engine runs the provider in the
  program's Python (``python -m pulumi.dynamic``). Property names are the provider's own
  (``integration_name``), as every existing stack's state holds them.
- **plugin** (the component constructed by the ``teleport-oidc`` provider plugin, for programs
  in any language): a custom resource ``teleport-oidc:index:<Name>`` of the plugin, at the
  plugin's version, served by the same process (:mod:`teleport_oidc.plugin`); property names
  are camelCase at the top level, as the schema spells them.

The plugin turns the switch once, when it starts (:func:`serve_as_plugin`); nothing else does.
A resource class subclasses :class:`Registered` and calls :meth:`Registered._register` instead
of ``pulumi.dynamic.Resource.__init__``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi.dynamic

__all__ = [
    "PLUGIN_PACKAGE",
    "Registered",
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
    ) -> None:
        if _plugin is None:
            pulumi.dynamic.Resource.__init__(self, provider, resource_name, dict(props), opts)
            return
        # Only the top-level names are respelled, here and by the plugin: values (labels,
        # tags, matchers) are data. (The SDK's translate_input_property would respell the keys
        # inside values too.) The Python attributes keep their names: each is the Output the
        # SDK made for the camelCase property.
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(version=_plugin))
        token = plugin_type(self._resource_type_name.rsplit(":", 1)[1])
        pulumi.CustomResource.__init__(
            self, token, resource_name, {camel(k): v for k, v in props.items()}, opts
        )
        for key in props:
            if camel(key) != key:
                setattr(self, key, getattr(self, camel(key)))
