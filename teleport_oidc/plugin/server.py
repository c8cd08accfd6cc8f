"""The ``teleport-oidc`` provider plugin: one gRPC server for every Pulumi language.

It serves ``Construct`` of :class:`~teleport_oidc.AwsOidcIntegration` and
:class:`~teleport_oidc.DiscoveryMemberRole` and the CRUD of the Teleport resources they create,
which in this process register as the plugin's custom resources
(:func:`teleport_oidc.registration.serve_as_plugin`): a program in TypeScript, Go, C#, Java or
YAML then needs no Python of its own (a dynamic resource would: pulumi #5455).

The CRUD calls mirror ``pulumi/dynamic/__main__.py`` and call the unchanged provider classes
(``TctlResourceProvider`` kinds, ``RandomIdProvider``); properties are spelled on the wire as the
schema spells them and converted to the providers' own by each kind's
:class:`~teleport_oidc.registration.Wire` (camelCase throughout, user data kept; nested objects
shaped as the Python API's classes). Our errors reach the user as their message
(arguments spelled as the program writes them), not as ``Unexpected <class 'Exception'>`` and a
traceback; anything else keeps its traceback (a bug worth reporting).

Uses ``pulumi.provider.server.ProviderServicer`` (internal): pulumi is pinned exactly in
``provider/requirements.txt``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import grpc
import pulumi
import pulumi.provider as pprovider
from google.protobuf import empty_pb2
from pulumi.dynamic import ConfigureRequest, ResourceProvider
from pulumi.dynamic.config import Config
from pulumi.provider.server import ProviderServicer
from pulumi.runtime import proto, rpc
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime.proto import provider_pb2_grpc

from .. import __version__
from ..component import COMPONENT_TYPE, AwsOidcIntegration
from ..errors import InvalidArgumentError, TeleportOidcError
from ..member_role import MEMBER_ROLE_TYPE, DiscoveryMemberRole
from ..random_id import RandomIdProvider
from ..registration import PLUGIN_PACKAGE, Wire, camel, plugin_type, serve_as_plugin
from ..teleport.discovery import TeleportDiscoveryConfigProvider
from ..teleport.ownership import OWNER_KEY, owner_from_urn
from ..teleport.provider import TeleportIntegrationProvider
from ..teleport.token import TeleportProvisionTokenProvider
from .inputs import (
    component_args,
    member_role_args,
    program_argument,
    respell_first_line,
    respelled,
    stated_strings,
)
from .schema import COMPONENT_OUTPUTS, MEMBER_ROLE_OUTPUTS, schema_json

__all__ = [
    "PROVIDERS",
    "PluginServicer",
    "TeleportOidcProvider",
    "failure_reason",
    "main",
    "user_message",
    "wire_of",
]

T = TypeVar("T")

#: The plugin's custom resources: type token -> the provider class every registration shares.
PROVIDERS: dict[str, type[ResourceProvider]] = {
    plugin_type("TeleportIntegration"): TeleportIntegrationProvider,
    plugin_type("TeleportDiscoveryConfig"): TeleportDiscoveryConfigProvider,
    plugin_type("TeleportProvisionToken"): TeleportProvisionTokenProvider,
    plugin_type("RandomId"): RandomIdProvider,
}

#: The Teleport kinds among them: each carries its owner in Teleport's labels.
OWNED = frozenset(PROVIDERS) - {plugin_type("RandomId")}


def user_message(error: TeleportOidcError) -> str:
    """What the user reads: our message, arguments spelled as their program writes them."""
    if isinstance(error, InvalidArgumentError):
        error = respelled(error)
    return respell_first_line(f"{type(error).__name__}: {error}")


class TeleportOidcProvider(pprovider.Provider):
    """Construct for the two components; the schema for ``pulumi package get-schema``."""

    def __init__(self) -> None:
        super().__init__(__version__, schema_json())

    def construct(
        self,
        name: str,
        resource_type: str,
        inputs: pulumi.Inputs,
        options: pulumi.ResourceOptions | None = None,
    ) -> pprovider.ConstructResult:
        component: pulumi.ComponentResource
        if resource_type == COMPONENT_TYPE:
            component = AwsOidcIntegration(name, component_args(inputs), options)
            keys = COMPONENT_OUTPUTS
        elif resource_type == MEMBER_ROLE_TYPE:
            component = DiscoveryMemberRole(name, member_role_args(inputs), options)
            keys = MEMBER_ROLE_OUTPUTS
        else:
            raise TeleportOidcError(f"the teleport-oidc plugin has no component {resource_type}")
        state = {camel(key): getattr(component, key) for key in keys}
        return pprovider.ConstructResult(urn=component.urn, state=state)


def _type_of(urn: str) -> str:
    # urn:pulumi:<stack>::<project>::<parent types $ ...>$<type>::<name>
    return urn.split("::")[2].split("$")[-1]


def _plain(value: Any) -> Any:
    """A deserialised value with secrets unwrapped (no secret reaches these resources: the
    identity's content stays in config, only its path is an input)."""
    value = rpc.unwrap_rpc_secret(value)
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def wire_of(token: str) -> Wire:
    """How the plugin spells resource ``token``'s properties (its kind's; camelCase else)."""
    kind = getattr(PROVIDERS.get(token), "KIND", None)
    return kind.wire if kind is not None else Wire()


def failure_reason(token: str, reason: str) -> str:
    """A check failure's reason (``aws[0].ssm.document_name must ...``) naming the argument as
    the program writes it (``aws[0].ssmDocumentName must ...``)."""
    argument, space, rest = reason.partition(" ")
    argument = program_argument(wire_of(token).api_argument(argument))
    return respell_first_line(argument + space + rest)


def _props(urn: str, struct: Any, keep_unknowns: bool = False) -> dict[str, Any]:
    props = _plain(rpc.deserialize_properties(struct, keep_unknowns) or {})
    return wire_of(_type_of(urn)).into(stated_strings(_type_of(urn), props))


async def _struct(urn: str, props: Mapping[str, Any]) -> Any:
    return await rpc.serialize_properties(wire_of(_type_of(urn)).out(props), {})


class PluginServicer(ProviderServicer):
    """``ProviderServicer`` (Construct, GetSchema) plus Configure and the custom resources'
    Check, Diff, Create, Read, Update and Delete."""

    def __init__(self, provider: TeleportOidcProvider, args: list[str], engine_address: str):
        super().__init__(provider, args, engine_address)
        self._providers: dict[str, ResourceProvider] = {}

    # -- errors ---------------------------------------------------------------------------------

    async def _answer(self, context: Any, call: Callable[[], T]) -> T:
        try:
            return await asyncio.to_thread(call)
        except TeleportOidcError as exc:
            await context.abort(grpc.StatusCode.UNKNOWN, user_message(exc))
            raise  # abort raises; this is for type checkers

    async def Construct(self, request: Any, context: Any) -> Any:
        try:
            return await self._construct(request, context)
        except TeleportOidcError as exc:
            await context.abort(grpc.StatusCode.UNKNOWN, user_message(exc))
            raise

    # -- configuration --------------------------------------------------------------------------

    async def Configure(self, request: Any, context: Any) -> Any:
        # ``args`` holds the provider's configuration by key (``identity``), secrets wrapped;
        # the providers read it as stack config (``teleport-oidc:identity``).
        args = _plain(rpc.deserialize_properties(request.args) or {})
        raw = {f"{PLUGIN_PACKAGE}:{key}": value for key, value in args.items() if key != "version"}
        config = Config(raw, PLUGIN_PACKAGE)
        providers: dict[str, ResourceProvider] = {}
        for token, cls in PROVIDERS.items():
            provider = cls()
            try:
                provider.configure(ConfigureRequest(config))
            except TeleportOidcError as exc:
                await context.abort(grpc.StatusCode.INVALID_ARGUMENT, user_message(exc))
            providers[token] = provider
        self._providers = providers
        return proto.ConfigureResponse(
            acceptSecrets=True, acceptResources=True, acceptOutputs=False
        )

    def _provider(self, urn: str) -> ResourceProvider:
        token = _type_of(urn)
        provider = self._providers.get(token)
        if provider is None:
            cls = PROVIDERS.get(token)
            if cls is None:
                raise TeleportOidcError(f"the teleport-oidc plugin has no resource {token}")
            provider = self._providers[token] = cls()
        return provider

    # -- custom resources -----------------------------------------------------------------------

    async def Check(self, request: Any, context: Any) -> Any:
        provider = self._provider(request.urn)
        olds = _props(request.urn, request.olds, True)
        news = _props(request.urn, request.news, True)
        if OWNER_KEY not in news and _type_of(request.urn) in OWNED:
            # Declared by the program itself (not by one of our components): its URN is known
            # here, so it gets an owner as every resource our classes declare does.
            owner = owner_from_urn(request.urn)
            if owner is not None:
                news[OWNER_KEY] = owner
        result = await self._answer(context, lambda: provider.check(olds, news))
        failures = [
            proto.CheckFailure(
                property=camel(f.property), reason=failure_reason(_type_of(request.urn), f.reason)
            )
            for f in result.failures or []
        ]
        inputs = await _struct(request.urn, result.inputs or {})
        return proto.CheckResponse(inputs=inputs, failures=failures)

    async def Diff(self, request: Any, context: Any) -> Any:
        provider = self._provider(request.urn)
        olds = _props(request.urn, request.olds, True)
        news = _props(request.urn, request.news, True)
        result = await self._answer(context, lambda: provider.diff(request.id, olds, news))
        fields: dict[str, Any] = {
            "changes": proto.DiffResponse.DIFF_UNKNOWN
            if result.changes is None
            else proto.DiffResponse.DIFF_SOME
            if result.changes
            else proto.DiffResponse.DIFF_NONE
        }
        if result.replaces:
            fields["replaces"] = [camel(key) for key in result.replaces]
        if result.stables:
            fields["stables"] = [camel(key) for key in result.stables]
        if result.delete_before_replace is not None:
            fields["deleteBeforeReplace"] = result.delete_before_replace
        return proto.DiffResponse(**fields)

    async def Create(self, request: Any, context: Any) -> Any:
        provider = self._provider(request.urn)
        props = _props(request.urn, request.properties)
        result = await self._answer(context, lambda: provider.create(props))
        outs = await _struct(request.urn, result.outs or {})
        return proto.CreateResponse(id=result.id, properties=outs)

    async def Read(self, request: Any, context: Any) -> Any:
        provider = self._provider(request.urn)
        props = _props(request.urn, request.properties)
        result = await self._answer(context, lambda: provider.read(request.id, props))
        fields: dict[str, Any] = {
            "id": result.id or "",
            "properties": await _struct(request.urn, result.outs or {}),
        }
        if result.inputs is not None:
            fields["inputs"] = await _struct(request.urn, result.inputs)
        return proto.ReadResponse(**fields)

    async def Update(self, request: Any, context: Any) -> Any:
        provider = self._provider(request.urn)
        olds = _props(request.urn, request.olds)
        news = _props(request.urn, request.news)
        result = await self._answer(context, lambda: provider.update(request.id, olds, news))
        return proto.UpdateResponse(properties=await _struct(request.urn, result.outs or {}))

    async def Delete(self, request: Any, context: Any) -> Any:
        provider = self._provider(request.urn)
        props = _props(request.urn, request.properties)
        await self._answer(context, lambda: provider.delete(request.id, props))
        return empty_pb2.Empty()


def main(argv: list[str] | None = None) -> None:
    """Serve the plugin: print the port on stdout, as the engine expects, until stopped."""
    args = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(description="the teleport-oidc Pulumi provider plugin")
    parser.add_argument("engine", help="the Pulumi engine's address")
    known, _ = parser.parse_known_args(args)
    serve_as_plugin(__version__)
    os.environ.setdefault("PULUMI_PROJECT", "teleport-oidc")

    async def serve() -> None:
        server = grpc.aio.server(options=_GRPC_CHANNEL_OPTIONS)
        servicer = PluginServicer(TeleportOidcProvider(), args, engine_address=known.engine)
        provider_pb2_grpc.add_ResourceProviderServicer_to_server(servicer, server)
        port = server.add_insecure_port(address="127.0.0.1:0")
        await server.start()
        # The engine ends plugins with a signal: stop the server inside the loop, so nothing
        # is left for grpc to clean up after the loop closed ("Event loop is closed" noise the
        # engine would print as a crash).
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(number, lambda: asyncio.ensure_future(server.stop(0)))
        sys.stdout.buffer.write(f"{port}\n".encode())
        sys.stdout.buffer.flush()
        await server.wait_for_termination()

    asyncio.run(serve())
