"""``RandomId``: a random UUID drawn once, when the resource is created, and kept in state.

Teleport names the file its SSM installer document downloads ``/tmp/installTeleport-<uuid>.sh``
with a fresh random UUID (a guessable name allows script injection). A value drawn in the program
would change on every deployment; this tiny dynamic resource draws it in ``create`` only, so the
document changes only when it is replaced.
"""

from __future__ import annotations

import uuid
from typing import Any

import pulumi
import pulumi.dynamic
from pulumi.dynamic import CreateResult, DiffResult, ResourceProvider

from .registration import Registered

__all__ = ["RANDOM_ID_TYPE", "RandomId", "RandomIdProvider"]

#: The dynamic resource's type token: part of users' state, never to change.
RANDOM_ID_TYPE = "pulumi-python:dynamic/teleport-oidc:RandomId"


class RandomIdProvider(ResourceProvider):
    """Draws a UUID at create; never updates it (only a replacement draws a new one)."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        value = str(uuid.uuid4())
        return CreateResult(id_=value, outs={"value": value})

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return DiffResult(changes=False)


class RandomId(Registered, module="teleport-oidc", name="RandomId"):
    """A random UUID (``value``), stable for the life of the resource."""

    value: pulumi.Output[str]
    """The UUID, lowercase, e.g. ``1b4e28ba-2fa1-11d2-883f-0016d3cca427``."""

    def __init__(self, resource_name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        self._register(RandomIdProvider(), resource_name, {"value": None}, opts)
