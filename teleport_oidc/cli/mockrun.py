"""Run a Pulumi program in-process under the SDK's mock engine and record what it registers.

Used by ``teleport-oidc plan``, by the tests and by the benchmarks. :class:`FakeAws` answers the
way AWS would for the resources and calls this package uses (ARNs built from the account and
partition, IAM's computed fields), without credentials or network. The SDK's global state is
saved before a run and restored after it, so runs do not leak into one another.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import inspect
import json
import logging
import re
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi._utils import ContextProperty
from pulumi.runtime import mocks as _mocks
from pulumi.runtime import settings as _settings
from pulumi.runtime.config import CONFIG, set_all_config
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

__all__ = [
    "PLACEHOLDER_ORGANIZATION",
    "AwsWorld",
    "FakeAws",
    "MockRun",
    "Recorded",
    "RecordedResource",
    "run_program",
]

PLACEHOLDER_ACCOUNT = "123456789012"
_OIDC_GET = "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider"
_ORGANIZATION_GET = "aws:organizations/getOrganization:getOrganization"
#: The organization every mock run's accounts belong to, unless told another.
PLACEHOLDER_ORGANIZATION = "o-exampleorg1"


@dataclass(frozen=True)
class AwsWorld:
    """Where the mock engine deploys: the account and partition behind each AWS provider, and
    the organization ``getOrganization`` answers with.

    What the program itself declares wins (a provider's ``allowed_account_ids`` names its
    account, its ``region`` or the ``aws:region`` config its partition); this world fills in
    what only AWS would know. By default it is the placeholder world; ``plan --state`` reads
    the deployed stack's world from its export (:mod:`teleport_oidc.cli.deployed`).
    """

    account: str = PLACEHOLDER_ACCOUNT
    """The default provider's account, and any provider's the world does not know."""
    partition: str | None = None
    """The default provider's partition; ``None``: from the region (``aws`` without one)."""
    providers: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """Explicit AWS provider name -> (partition, account)."""
    organization: str = PLACEHOLDER_ORGANIZATION
    """The caller's organization's ID."""

    def where(self, provider: str, region: str | None) -> tuple[str, str]:
        """(partition, account) of the provider named ``provider`` (``""``: the default)."""
        partition, account = self.providers.get(provider, (self.partition, self.account))
        return (
            partition if partition and not region else _partition_for_region(region),
            account,
        )


@dataclass
class RecordedResource:
    """One registration the program made."""

    type: str
    name: str
    inputs: dict[str, Any]
    parent: str = ""
    """The parent's URN ('' for the stack)."""
    provider: str = ""
    """The explicit provider reference, if any (``urn::id``)."""
    urn: str = ""
    outputs: dict[str, Any] = field(default_factory=dict)
    dependencies: list[str] = field(default_factory=list)
    """URNs this registration waits for (``depends_on`` and inputs from other resources)."""


@dataclass
class Recorded:
    resources: list[RecordedResource] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any], str]] = field(default_factory=list)
    exports: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    """What the program logged as warnings (``pulumi.log.warn``), in order."""

    def of_type(self, type_: str) -> list[RecordedResource]:
        return [r for r in self.resources if r.type == type_]

    def named(self, name: str) -> RecordedResource:
        for resource in self.resources:
            if resource.name == name:
                return resource
        raise KeyError(name)


def _partition_for_region(region: str | None) -> str:
    if region and region.startswith("cn-"):
        return "aws-cn"
    if region and region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


class FakeAws(pulumi.runtime.Mocks):
    """AWS as the program sees it: explicit AWS providers pick the account and partition.

    An AWS provider's account is its first ``allowed_account_ids`` entry, else the world's
    (:class:`AwsWorld`: by default the placeholder ``123456789012``); its partition follows its
    ``region``, else the world's. ``existing_providers`` maps
    ``(account, host)`` to the client IDs of an IAM OIDC provider that already exists; without it
    (``plan``), any provider looked up exists with the ``discover.teleport`` audience.
    """

    def __init__(
        self,
        existing_providers: Mapping[tuple[str, str], list[str]] | None = None,
        default_region: str | None = None,
        world: AwsWorld | None = None,
    ) -> None:
        self.recorded = Recorded()
        self.existing = None if existing_providers is None else dict(existing_providers)
        self.default_region = default_region
        self.world = world or AwsWorld()
        self._accounts: dict[str, tuple[str, str]] = {}

    def _where(self, provider_ref: str | None) -> tuple[str, str]:
        # A provider reference is "<urn>::<id>"; the URN ends with the provider's name.
        parts = (provider_ref or "").split("::")
        name = parts[-2] if len(parts) > 2 else ""
        return self._accounts.get(name) or self.world.where("", self.default_region)

    def new_resource(self, args: _mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        inputs = dict(args.inputs)
        outputs = dict(inputs)
        name = args.name
        if args.typ == "pulumi:providers:aws":
            accounts = inputs.get("allowedAccountIds") or []
            if isinstance(accounts, str):  # provider inputs reach mocks JSON-encoded
                accounts = json.loads(accounts) or []
            partition, account = self.world.where(name, inputs.get("region"))
            self._accounts[name] = (partition, str(accounts[0]) if accounts else account)
            return f"{name}-id", outputs
        partition, account = self._where(args.provider)
        if args.typ == "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
            host = str(inputs.get("url", "")).removeprefix("https://")
            outputs["arn"] = f"arn:{partition}:iam::{account}:oidc-provider/{host}"
            outputs.setdefault("thumbprintLists", inputs.get("thumbprintLists") or [])
            return outputs["arn"], outputs
        if args.typ == "aws:iam/role:Role":
            role = inputs.get("name") or f"{name}-0000000"
            path = inputs.get("path") or "/"
            outputs.update(
                name=role,
                arn=f"arn:{partition}:iam::{account}:role{path}{role}",
                uniqueId="AROA" + re.sub(r"\W", "", role).upper()[:17],
            )
            return role, outputs
        if args.typ == "aws:iam/rolePolicy:RolePolicy":
            return f"{inputs.get('role')}:{inputs.get('name')}", outputs
        if args.typ == "aws:ssm/document:Document":
            outputs["arn"] = (
                f"arn:{partition}:ssm:us-east-1:{account}:document/{inputs.get('name')}"
            )
            return str(inputs.get("name")), outputs
        if args.typ in (
            "pulumi-python:dynamic/teleport-oidc:RandomId",
            "teleport-oidc:index:RandomId",  # as the plugin registers it
        ):
            # A stable stand-in for the UUID the real provider draws at create.
            outputs["value"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"teleport-oidc:{name}"))
            return outputs["value"], outputs
        return f"{name}-id", outputs

    def call(self, args: _mocks.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        # An empty failure list, not None: the SDK's mock Invoke iterates it.
        self.recorded.calls.append((args.token, dict(args.args), args.provider or ""))
        partition, account = self._where(args.provider)
        if args.token == _OIDC_GET:
            arn = args.args.get("arn")
            host = (
                str(arn).split("oidc-provider/", 1)[-1]
                if arn
                else str(args.args.get("url", "")).removeprefix("https://")
            )
            if arn:
                account = str(arn).split(":")[4]
            client_ids = (
                ["discover.teleport"]
                if self.existing is None
                else self.existing.get((account, host))
            )
            if client_ids is None:
                raise LookupError(f"no OIDC provider for {host} in account {account}")
            return {
                "arn": arn or f"arn:{partition}:iam::{account}:oidc-provider/{host}",
                "url": host,
                "clientIdLists": client_ids,
                "thumbprintLists": [],
                "tags": {},
            }, []
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":  # noqa: S105
            return {
                "accountId": account,
                "arn": f"arn:{partition}:iam::{account}:user/plan",
                "userId": "AIDAPLAN",
                "id": account,
            }, []
        if args.token == "aws:index/getPartition:getPartition":  # noqa: S105
            return {"partition": partition, "dnsSuffix": "amazonaws.com", "id": partition}, []
        if args.token == _ORGANIZATION_GET:
            # The caller's organization, with the caller as its management account.
            organization = self.world.organization
            return {
                "id": organization,
                "arn": f"arn:{partition}:organizations::{account}:organization/{organization}",
                "masterAccountId": account,
                "masterAccountArn": f"arn:{partition}:organizations::{account}:account/"
                f"{organization}/{account}",
                "featureSet": "ALL",
                "roots": [{"id": "r-exmp", "name": "Root", "arn": "", "policyTypes": []}],
            }, []
        return {}, []


def _with_own_loop(call: Callable[[], Any]) -> Any:
    """Run a monitor call with an event loop that is closed afterwards.

    The SDK runs invokes on executor threads, and its mock monitor gives such a thread an
    event loop (``_ensure_event_loop``) that nothing ever closes. At interpreter exit the
    garbage collector may close the loop's self-pipe socket before the loop itself, whose
    ``__del__`` then prints "Exception ignored ... Invalid file descriptor: -1" (seen on
    ``plan examples/reuse-provider``, and after ``make plan`` in CI from RegisterResource). Here
    the thread gets a loop of ours, closed when the call returns.
    """
    if threading.current_thread() is threading.main_thread():
        return call()
    try:
        asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        pass
    else:
        return call()  # the thread already has a loop: not ours to close
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        return call()
    finally:
        asyncio.set_event_loop(None)
        loop.close()


class _RecordingMonitor(_mocks.MockMonitor):
    """The SDK's mock monitor, also keeping each registration's parent and outputs."""

    def __init__(self, mocks: FakeAws) -> None:
        super().__init__(mocks)
        self.fake = mocks

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """The URN the engine gives: the parent's whole type chain before the type, and none
        for the stack's children (the SDK's mock keeps the last parent type only, the stack's
        included), so ``plan --state`` can match the URNs of a stack export."""
        if parent:
            chain = parent.split("::")[2]
            if chain != "pulumi:pulumi:Stack":
                type_ = f"{chain}${type_}"
        return "urn:pulumi:" + "::".join(
            [_settings.get_stack(), _settings.get_project(), type_, name]
        )

    def Invoke(self, request: Any) -> Any:
        return _with_own_loop(lambda: super(_RecordingMonitor, self).Invoke(request))

    def ReadResource(self, request: Any) -> Any:
        return _with_own_loop(lambda: super(_RecordingMonitor, self).ReadResource(request))

    def RegisterResource(self, request: Any) -> Any:
        response = _with_own_loop(lambda: super(_RecordingMonitor, self).RegisterResource(request))
        if request.type != "pulumi:pulumi:Stack":
            registration = self.resources.get(response.urn)
            inputs = pulumi.runtime.rpc.deserialize_properties(request.object)
            self.fake.recorded.resources.append(
                RecordedResource(
                    type=request.type,
                    name=request.name,
                    inputs=dict(inputs),
                    parent=request.parent,
                    provider=request.provider,
                    urn=response.urn,
                    outputs=dict(registration.state) if registration else {},
                    dependencies=list(request.dependencies),
                )
            )
        return response


def _settings_fields() -> list[str]:
    # The SDK's Settings keeps its fields in ContextProperty descriptors, not in __dict__.
    return [
        name
        for name, value in vars(_settings.Settings).items()
        if isinstance(value, ContextProperty)
    ]


@contextlib.contextmanager
def _isolated() -> Iterator[None]:
    """Save the SDK's ambient state (settings, root stack, config) and restore it after."""
    names = _settings_fields()
    saved = {name: getattr(_settings.SETTINGS, name) for name in names}
    saved_root = _settings.ROOT.get()
    saved_config = CONFIG.get()
    try:
        _settings.ROOT.set(None)
        yield
    finally:
        for name, value in saved.items():
            setattr(_settings.SETTINGS, name, value)
        _settings.ROOT.set(saved_root)
        CONFIG.set(saved_config)


class _ListHandler(logging.Handler):
    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(record.getMessage())


def _warning_recorder(sink: list[str], *, propagate: bool) -> logging.Logger:
    """A logger of its own that keeps warnings in ``sink``; with ``propagate`` they also go on
    to the ``teleport_oidc`` logger (and so to stderr, or to a test's log capture)."""
    logger = logging.Logger("teleport_oidc.mockrun")
    logger.addHandler(_ListHandler(sink))
    if propagate:
        logger.parent = logging.getLogger("teleport_oidc")
    return logger


@dataclass
class MockRun:
    """Options of one mock run."""

    project: str = "teleport-oidc"
    stack: str = "dev"
    config: Mapping[str, str] = field(default_factory=dict)
    secret_keys: list[str] = field(default_factory=list)
    preview: bool = True
    echo_warnings: bool = True
    """Also log warnings (to stderr); ``plan`` turns it off: they are part of its output."""
    world: AwsWorld | None = None
    """Where the program deploys; default: the placeholder account and organization."""


def run_program(
    program: Callable[[], Any], options: MockRun | None = None, mocks: FakeAws | None = None
) -> Recorded:
    """Run ``program`` under mocks and return what it registered, called and exported."""
    options = options or MockRun()
    fake = mocks or FakeAws(default_region=options.config.get("aws:region"), world=options.world)
    with _isolated():
        monitor = _RecordingMonitor(fake)
        _mocks.set_mocks(
            fake,
            project=options.project,
            stack=options.stack,
            preview=options.preview,
            logger=_warning_recorder(fake.recorded.warnings, propagate=options.echo_warnings),
            monitor=monitor,
        )
        set_all_config(dict(options.config), list(options.secret_keys))
        _settings.SETTINGS.rpc_manager.clear()
        _settings.SETTINGS.outputs.clear()

        async def body() -> None:
            program()
            root = _settings.get_root_resource()
            outputs = getattr(root, "outputs", {}) or {}
            resolved = await pulumi.Output.from_input(dict(outputs)).future(with_unknowns=True)
            fake.recorded.exports.update(resolved or {})

        try:
            _sync_await(run_pulumi_func(body))
        except BaseException:
            _retrieve_failures()
            raise
        finally:
            _cancel_leftovers()
    return fake.recorded


def _cancel_leftovers() -> None:
    """A failed program leaves Outputs pending on the SDK's event loop; left there they would
    run in the next program of this process (a test suite's, the plugin's), against its mocks.
    Cancel them, as the end of a program's process does."""
    loop = asyncio.get_event_loop()
    if loop.is_running():
        return
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        _close_unstarted(task.get_coro())
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    _settings.SETTINGS.outputs.clear()  # which keeps cancelled Outputs


def _retrieve_failures() -> None:
    """Mark as seen the errors a failed program left in the SDK's futures: they are copies of
    the error the run raises (an Output whose value failed, and every Output derived from it,
    holds it in futures no one awaits), so each would print "Future exception was never
    retrieved" with its traceback when freed. Only after a failure, and only this loop's."""
    loop = asyncio.get_event_loop()
    for candidate in gc.get_objects():
        if (
            isinstance(candidate, asyncio.Future)
            and candidate.get_loop() is loop
            and candidate.done()
            and not candidate.cancelled()
        ):
            candidate.exception()


def _close_unstarted(coroutine: Any) -> None:
    """Close the coroutines a task holds but has not awaited yet (an Output's task holds the
    SDK's ``is_known``/``is_secret`` coroutines until it reaches them): cancelled, the task never
    will, and each would warn "never awaited" whenever it is freed."""
    while coroutine is not None:
        frame = getattr(coroutine, "cr_frame", None)
        for value in frame.f_locals.values() if frame is not None else ():
            if inspect.iscoroutine(value) and (
                inspect.getcoroutinestate(value) == inspect.CORO_CREATED
            ):
                value.close()
        coroutine = getattr(coroutine, "cr_await", None)
