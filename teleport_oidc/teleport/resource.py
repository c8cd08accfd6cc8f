"""One tctl-backed dynamic provider for any Teleport kind; a :class:`Kind` holds what differs.

Shape (the interface other kinds build on)::

    Kind                   frozen dataclass: the kind's inputs, checks, defaults, what replaces,
                           the document handed to tctl, how outputs are read back from
                           `tctl get`, and when an existing resource is exactly what we'd create
    TctlResourceProvider   ResourceProvider; a subclass sets KIND (a ClassVar) and nothing else;
                           pickled by reference (``__reduce__``) so ``__provider`` stays ~100
                           bytes, holds no settings or secrets, and survives package upgrades

Shared by every kind (never per kind):

- inputs ``adopt_existing`` (take over an existing resource), ``cluster`` (which Teleport
  cluster holds it), the connection settings ``auth_server``, ``identity_file``,
  ``tctl_path``, and ``owner`` (the Pulumi resource that writes it: :mod:`.ownership`, never a
  change); outputs: the inputs as Teleport stores them, plus ``revision``;
- every document carries the owner labels (``teleport-oidc/stack``, ``teleport-oidc/urn``);
- create = ``tctl create FILE`` (one call; three for kinds whose create upserts,
  ``Kind.create_overwrites``: get first, create, then get again to see whose labels Teleport
  kept). On "already exists" (Teleport's own text for this kind and name): with
  ``adopt_existing``, ``tctl create --force`` then ``tctl get`` (refused for a kind whose
  ``--force`` keeps labels when another owner holds it); without it, ``tctl get``: when the
  existing resource was written by this resource (same owner) and is exactly what it would
  create (a create Teleport committed but tctl did not confirm: timeout, crash) it is taken
  over and logged, otherwise the error names its owner, or the knobs that take it over
  (``Kind.adopt_knobs``: the resource's ``adopt_existing=True`` and the component's) and
  ``tctl rm KIND/NAME``;
- read = ``tctl get KIND/NAME --format=json``: only Teleport's not-found for this kind and name
  means gone, and so (with a warning) does another owner's labels; drift comes back as outputs
  (and inputs, for the next diff);
- update = ``tctl create --force FILE`` (with the owner recorded at create), or no call at all
  when only connection settings changed (the new settings are recorded so refresh and destroy
  use them);
- delete = ``tctl get`` then ``tctl rm KIND/NAME``; Teleport's not-found for either is
  success, and what another owner's labels name is left in Teleport (with a warning).

Connection settings follow the program. The engine hands ``update`` the new inputs but
``read`` and ``delete`` only the last recorded outputs, so a change to ``auth_server``,
``identity_file`` or ``tctl_path`` is a diff that updates the recorded settings without a
tctl call; refresh and destroy then use them. Each call resolves: recorded/new inputs, then
stack config (``configure``), then the environment (``tctl.resolve_connection``). ``pulumi
destroy`` does not run the program, so it uses the settings of the last ``pulumi up``, then
config and environment.

Which cluster: ``cluster`` (any stable name for the Teleport cluster, conventionally
``tctl status``'s cluster name) identifies it when given; without it, the ``auth_server``
input does. A change of that identity from one value to another is a replace, deleting first
(safe whether or not it really is another cluster); declaring or dropping ``cluster`` is not.
Config and environment never identify the cluster: they differ from machine to machine.

For a new kind (as ``discovery_config`` and ``token`` were added): define a ``Kind`` (checks
raise InvalidArgumentError naming the argument; ``document`` must put
:func:`~teleport_oidc.teleport.document.managed_labels` in ``metadata.labels``), add its texts
to ``texts.ALREADY_EXISTS`` (and ``NOT_FOUND_BY_KIND`` if Teleport words it differently), and
decide ``replace_keys`` from what ``tctl create --force`` does for that kind in
``tool/tctl/common/resource_command.go``: for ``integration`` it copies only the spec (labels
need delete-then-create); for ``discovery_config`` it upserts the whole resource (labels
update in place); for ``token`` plain ``tctl create`` already upserts (``createToken`` calls
``UpsertToken``, never "already exists"): set ``create_overwrites=True``. Token not-found may
print a masked name (``provisioning token(...) not found``, ``lib/services/local/provisioning.go``
in some versions): check what real tctl prints before adding it to ``texts.NOT_FOUND_BY_KIND``.
Where its Args nest objects shaped otherwise than the provider's inputs (``AwsMatcher``'s
``ssm_document_name`` is the provider's ``ssm.document_name``), ``Kind.wire`` holds both
conversions and the error paths, so the plugin spells them as the schema does (the schema is
generated from the Args: add the nested classes to ``plugin.schema``'s object types and the
resource to its resources). Its Args subclasses :class:`TctlArgs` (the shared inputs); its
resource class
(``pulumi.dynamic.Resource`` subclass, like ``discovery.py``) checks plain inputs eagerly
(:func:`check_known`, :func:`shared_props`), calls :func:`check_stack_config` before
registering, and passes every shared key; its ``adopt_knobs`` names, as a user writes them,
the resource's ``adopt_existing=True`` and the component's knob (and stack config) for the kind.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN

from .. import log
from ..errors import InvalidArgumentError, TctlError
from ..registration import Wire
from . import engine_errors
from .aws_checks import is_known
from .document import holder, with_owner
from .ownership import (
    OWNER_KEY,
    held_elsewhere,
    left_to_its_owner,
    lost_the_race,
    not_ours,
    owner_of,
    same_owner,
)
from .shared_inputs import (
    CONFIG_NAMESPACE,
    CONNECTION_KEYS,
    TctlArgs,
    check_config,
    check_connection,
    check_stack_config,
    checked_identity_file,
)
from .tctl import (
    AlreadyExistsError,
    Runner,
    Tctl,
    address_identity,
    check_setting,
    parse_timeout,
    resolve_connection,
)

__all__ = [
    "CONFIG_KEYS",
    "CONFIG_NAMESPACE",
    "CONNECTION_KEYS",
    "SHARED_KEYS",
    "Kind",
    "TctlArgs",
    "TctlResourceProvider",
    "check_cluster",
    "check_config",
    "check_connection",
    "check_known",
    "check_stack_config",
    "checked_identity_file",
    "document_matches",
    "is_blank_default",
    "mapping",
    "shared_props",
    "without_blank_defaults",
]

CONFIG_KEYS = ("authServer", "identityFile", "identity", "tctlPath", "tctlTimeout")
SHARED_KEYS = ("adopt_existing", "cluster", *CONNECTION_KEYS, OWNER_KEY)
#: How long a token's create waits for ``tctl get`` to show it (the auth server's cache).
READ_BACK_SECONDS = 10.0
_SHARED_DEFAULTS: dict[str, Any] = {"adopt_existing": False}
# Keys Teleport adds to what it stores, never part of "is this what we would create".
_IGNORED = {"": {"status"}, "metadata": {"revision", "namespace", "id"}}


def _unknown(value: Any) -> bool:
    return isinstance(value, Unknown) or (isinstance(value, str) and value == UNKNOWN)


def mapping(value: Any, where: str) -> Mapping[str, Any]:
    """``value`` if it is a mapping (or missing: empty), else a TctlError naming ``where``."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TctlError(
            f"tctl get printed a resource whose {where} is a {type(value).__name__}, not an "
            f"object: {value!r:.200}"
        )
    return value


def _empty(value: Any) -> bool:
    return value in (None, "", {}, [], False)


def is_blank_default(kind: Kind, key: str, value: Any) -> bool:
    """Whether ``value`` is the kind's (or the shared) default for ``key`` and that default is
    empty (``""``, ``{}``, ``[]``, ``False``): an input that says nothing, left out of what is
    registered and checked so that a preview does not show it. Missing and this value mean
    the same everywhere (``_declared``)."""
    default = kind.defaults.get(key, _SHARED_DEFAULTS.get(key))
    return default is not None and _empty(default) and value == default


def without_blank_defaults(kind: Kind, props: Mapping[str, Any]) -> dict[str, Any]:
    """``props`` as a resource class registers them: blank defaults become ``None`` (declared
    as outputs, sent as no input)."""
    return {
        key: None if is_blank_default(kind, key, value) else value for key, value in props.items()
    }


def document_matches(existing: Any, document: Any, where: str = "") -> bool:
    """Whether Teleport's ``existing`` resource is exactly ``document``: every field written
    is there with the same value, and everything else it holds is empty or Teleport's own
    bookkeeping (``metadata.revision``, ``status``, ...)."""
    if isinstance(document, Mapping):
        if not isinstance(existing, Mapping):
            return False
        for key, value in document.items():
            path = f"{where}.{key}" if where else key
            if not document_matches(existing.get(key), value, path):
                return False
        ignored = _IGNORED.get(where, set())
        return all(
            _empty(value)
            for key, value in existing.items()
            if key not in document and key not in ignored
        )
    return bool(existing == document)


def _check_bool(argument: str) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        if not isinstance(value, bool):
            raise InvalidArgumentError(argument, value, "must be True or False", "pass a bool")
        return value

    return check


def _check_setting(key: str) -> Callable[[Any], str]:
    return lambda value: check_setting(key, value)


def check_cluster(value: Any, argument: str = "cluster") -> str:
    """``cluster``: a non-empty string, no surrounding whitespace or control characters."""
    return check_setting("cluster", value, argument)


_SHARED_CHECKS: dict[str, Callable[[Any], Any]] = {
    "adopt_existing": _check_bool("adopt_existing"),
    "cluster": check_cluster,
    **{key: _check_setting(key) for key in CONNECTION_KEYS},
}


def moved_cluster(olds: Mapping[str, Any], news: Mapping[str, Any]) -> str | None:
    """The input whose change means another Teleport cluster, if one changed: ``cluster``, else
    ``auth_server``, from one value to another (declaring or dropping one is not a move)."""
    for key in ("cluster", "auth_server"):
        old, new = olds.get(key), news.get(key)
        if old and new:
            if _unknown(new):
                return key
            same = address_identity if key == "auth_server" else str.lower
            return None if same(str(old)) == same(str(new)) else key
        if old or new:
            return None
    return None


@dataclass(frozen=True)
class Kind:
    """What differs between Teleport kinds: everything else is shared."""

    kind: str
    """Teleport's kind: ``integration``, ``discovery_config``, ``token``."""
    input_keys: tuple[str, ...]
    """The resource's own inputs (not the shared ones: see ``SHARED_KEYS``)."""
    required: tuple[str, ...]
    checks: Mapping[str, Callable[[Any], Any]]
    """Per input: validate and normalise (raise InvalidArgumentError naming the argument)."""
    defaults: Mapping[str, Any]
    replace_keys: tuple[str, ...]
    """A change of these replaces the resource (its name, and what --force does not apply)."""
    delete_before_replace_keys: tuple[str, ...]
    """Of those, the ones whose replacement has the same name in Teleport: delete first."""
    document: Callable[[Mapping[str, Any]], dict[str, Any]]
    """The resource handed to ``tctl create`` for these (checked) inputs."""
    read_back: Callable[[Mapping[str, Any], Mapping[str, Any]], dict[str, Any]]
    """Outputs for the kind's input keys, from the inputs and ``tctl get``'s JSON object."""
    name_key: str
    """The input that is ``metadata.name`` (and the resource id)."""
    adopt_knobs: str
    """How the "already exists" error names the ways to take one over, as a user writes them:
    the resource's ``adopt_existing=True`` and the component's knob with its stack config."""
    matches: Callable[[Mapping[str, Any], Mapping[str, Any]], bool] | None = field(default=None)
    """Whether the existing resource (``tctl get`` JSON) is exactly what these inputs create.
    Default: :func:`document_matches` against ``document(inputs)``."""
    force_keeps: tuple[str, ...] = ()
    """Inputs that ``tctl create --force`` leaves as Teleport had them (``integration``: only
    the spec is copied, so ``labels`` stay). Adopting records those from Teleport, the rest
    from the inputs."""
    create_overwrites: bool = False
    """``tctl create`` of this kind overwrites an existing one instead of refusing (``token``:
    ``createToken`` upserts). Then create looks first with ``tctl get`` (two calls)."""
    wire: Wire = field(default_factory=Wire)
    """How the plugin spells the kind's properties (:class:`~teleport_oidc.registration.Wire`):
    camelCase throughout by default; the moves where the Python API's classes are shaped
    otherwise than the provider's inputs."""

    def is_exactly(
        self, existing: Mapping[str, Any], props: Mapping[str, Any], document: Mapping[str, Any]
    ) -> bool:
        """``document``: what create writes (the owner labels included)."""
        if self.matches is not None:
            return self.matches(existing, props)
        return document_matches(existing, document)


def check_known(kind: Kind, props: Mapping[str, Any]) -> dict[str, Any]:
    """The kind's inputs in ``props`` whose values are already known, checked now, before
    anything is registered (the provider's ``check()`` sees the rest): input -> checked value."""
    return {
        key: check(props[key])
        for key, check in kind.checks.items()
        if props[key] is not None and is_known(props[key])
    }


def shared_props(args: Any) -> dict[str, Any]:
    """The shared inputs an Args holds (``adopt_existing`` must be a bool: checked now) and the
    ``revision`` output, as the resource class registers them."""
    if not isinstance(args.adopt_existing, bool):
        raise InvalidArgumentError(
            "adopt_existing", args.adopt_existing, "must be True or False", "pass True or False"
        )
    props = {key: getattr(args, key) for key in ("adopt_existing", *CONNECTION_KEYS, "cluster")}
    check_connection(props)
    props["identity_file"] = checked_identity_file(props["identity_file"])
    props["revision"] = None
    return props


class TctlResourceProvider(ResourceProvider):
    """create/read/update/delete of one Teleport resource of ``KIND`` through tctl.

    One instance serves up to four calls at once: nothing mutates shared state after
    :meth:`configure`, and every tctl call uses its own temporary files.
    """

    KIND: ClassVar[Kind]

    def __init__(self, runner: Runner | None = None) -> None:
        super().__init__()
        self._runner = runner
        self._config: dict[str, Any] = {}

    def __reduce__(self) -> tuple[type, tuple[()]]:
        # By reference, with no state: nothing configured or injected ever reaches Pulumi state.
        return (type(self), ())

    def configure(self, req: ConfigureRequest) -> None:
        engine_errors.install()  # our errors reach `pulumi up` as messages, not tracebacks
        config = {key: req.config.get(f"{CONFIG_NAMESPACE}:{key}") for key in CONFIG_KEYS}
        parse_timeout(config.get("tctlTimeout"))  # a bad value stops the preview, not the up
        check_config(config.get)
        self._config = config

    def _tctl(self, props: Mapping[str, Any]) -> Tctl:
        return Tctl(resolve_connection(props, self._config, os.environ), self._runner)

    def _declared(self, props: Mapping[str, Any], key: str) -> Any:
        value = props.get(key)
        if value is None:
            return self.KIND.defaults.get(key, _SHARED_DEFAULTS.get(key))
        return value

    def _all_keys(self) -> tuple[str, ...]:
        return (*self.KIND.input_keys, *SHARED_KEYS)

    # -- preview: no outside calls -------------------------------------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        checks = {**_SHARED_CHECKS, **self.KIND.checks}
        inputs: dict[str, Any] = {}
        failures: list[CheckFailure] = []
        for key in self._all_keys():
            value = self._declared(news, key)
            if value is None:
                if key in self.KIND.required:
                    failures.append(CheckFailure(key, f"{key} is required"))
                continue
            if not _unknown(value) and key in checks:
                try:
                    value = checks[key](value)
                except InvalidArgumentError as exc:
                    failures.append(CheckFailure(key, str(self.KIND.wire.api_error(exc))))
                    continue  # a refused value is not handed back (it may be a secret)
            if not is_blank_default(self.KIND, key, value):
                inputs[key] = value
        return CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        # ``olds`` are the old *outputs*. ``adopt_existing`` never causes a change, nor does a
        # key only an older version recorded (``adopt_hint``): only the kind's inputs are
        # compared. Connection settings do change it, without replacing, so they are recorded.
        kind = self.KIND
        changed = [
            key
            for key in kind.input_keys
            if _unknown(news.get(key)) or self._declared(olds, key) != self._declared(news, key)
        ]
        replaces = [key for key in changed if key in kind.replace_keys]
        delete_first = any(key in kind.delete_before_replace_keys for key in replaces)
        moved = moved_cluster(olds, news)
        if moved:
            replaces.append(moved)
            delete_first = True
        reach = [
            key
            for key in ("cluster", *CONNECTION_KEYS)
            if _unknown(news.get(key)) or olds.get(key) != news.get(key)
        ]
        changed += [key for key in reach if key not in changed]
        return DiffResult(
            changes=bool(changed),
            replaces=replaces,
            stables=[key for key in self._all_keys() if key not in changed],
            delete_before_replace=delete_first,
        )

    # -- deployment ----------------------------------------------------------------------------

    def create(self, props: dict[str, Any]) -> CreateResult:
        kind = self.KIND
        tctl = self._tctl(props)
        name = str(props[kind.name_key])
        owner = owner_of(props)
        document = with_owner(kind.document(props), owner)
        if kind.create_overwrites:
            # tctl create never refuses this kind: look first, and read back what Teleport
            # kept (another create of the name at the same time: the labels decide who won).
            current = tctl.get(kind.kind, name)
            if current is not None:
                return self._existing(tctl, props, name, document, current, None)
            tctl.create(document, force=False)
            self._read_back_owner(tctl, name, owner)
            return CreateResult(name, self._outputs(props))
        try:
            tctl.create(document, force=False)
        except AlreadyExistsError as exc:
            return self._existing(tctl, props, name, document, None, exc)
        return CreateResult(name, self._outputs(props))

    def _existing(
        self,
        tctl: Tctl,
        props: Mapping[str, Any],
        name: str,
        document: Mapping[str, Any],
        current: Mapping[str, Any] | None,
        refused: AlreadyExistsError | None,
    ) -> CreateResult:
        """It exists: adopt it when asked, take it when it is exactly ours, else refuse."""
        kind = self.KIND
        owner = owner_of(props)

        def refuse(message: str) -> AlreadyExistsError:
            if refused is None:
                return AlreadyExistsError(message)
            return AlreadyExistsError(
                message, argv=refused.argv, returncode=refused.returncode, stderr=refused.stderr
            )

        if props.get("adopt_existing"):
            # --force may apply only part of the file. What it applies is known (the inputs);
            # what it keeps is read *before* writing: Teleport answers reads from a cache that
            # follows writes about a second late, so a read right after --force can show the
            # old spec (seen on real Teleport).
            kept = None
            if kind.force_keeps:
                kept = current if current is not None else self._get(tctl, name)
                held = holder(kept)
                if held is not None and not same_owner(held, owner):
                    # --force keeps the labels: the other owner's destroy would delete it.
                    raise refuse(held_elsewhere(kind.kind, name, held, owner, None)) from refused
            tctl.create(document, force=True)
            outs = self._outputs(props)
            if kept is not None:
                read = self._outputs(props, kept)
                outs.update({key: read[key] for key in (*kind.force_keeps, "revision")})
            return CreateResult(name, outs)
        if current is None:
            current = tctl.get(kind.kind, name)
        held = holder(current) if current is not None else None
        if current is not None and not same_owner(held, owner):
            message = (
                held_elsewhere(kind.kind, name, held, owner, kind.adopt_knobs)
                if held is not None
                else not_ours(kind.kind, name, kind.adopt_knobs)
            )
            raise refuse(message) from refused
        if current is None or not kind.is_exactly(current, props, document):
            raise refuse(
                f"the Teleport {kind.kind} {name!r} already exists and is not exactly what "
                f"this resource would create. Either set {kind.adopt_knobs} to take it over, "
                f"or remove it with `tctl rm {kind.kind}/{name}` and run again"
            ) from refused
        log.info(
            f"the Teleport {kind.kind} {name!r} already existed exactly as this resource would "
            "create it (an earlier create was probably committed by Teleport but not confirmed "
            "by tctl): taken over"
        )
        return CreateResult(name, self._outputs(props, current))

    def _read_back_owner(self, tctl: Tctl, name: str, owner: Mapping[str, str] | None) -> None:
        """After a create that overwrites: the one whose labels Teleport holds won. Reads wait
        for the auth server's cache, which follows writes about a second late."""
        if owner is None:
            return
        deadline = time.monotonic() + READ_BACK_SECONDS
        current = tctl.get(self.KIND.kind, name)
        while current is None and time.monotonic() < deadline:
            time.sleep(0.5)
            current = tctl.get(self.KIND.kind, name)
        if current is None:
            raise TctlError(
                f"tctl created the Teleport {self.KIND.kind} {name!r} but `tctl get` did not "
                f"show it within {READ_BACK_SECONDS:g} s; something else deleted it, or the "
                "cluster is slow: run again (a create that did land is taken over)"
            )
        held = holder(current)
        if not same_owner(held, owner):
            raise AlreadyExistsError(lost_the_race(self.KIND.kind, name, held))

    def _get(self, tctl: Tctl, name: str) -> Mapping[str, Any]:
        current = tctl.get(self.KIND.kind, name)
        if current is None:
            raise TctlError(
                f"the Teleport {self.KIND.kind} {name!r} was reported to exist but is gone; "
                "something else is deleting it: run again"
            )
        return current

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        current = self._tctl(props).get(self.KIND.kind, id_)
        if current is None:
            return ReadResult(None, {})
        if self._held_elsewhere(
            id_,
            current,
            props,
            "this stack no longer holds it, so refresh removes it from this stack's state "
            "(Teleport keeps it)",
        ):
            return ReadResult(None, {})
        outs = self._outputs(props, current)
        inputs = {
            key: outs[key]
            for key in self._all_keys()
            if key in outs and not is_blank_default(self.KIND, key, outs[key])
        }
        return ReadResult(id_, outs, inputs)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        # The owner written at create stays (a rename with `aliases` is the same resource).
        owner = owner_of(olds) or owner_of(news)
        if all(
            self._declared(olds, key) == self._declared(news, key) for key in self.KIND.input_keys
        ):
            # Only how to reach Teleport changed: record it, no call.
            outs = self._outputs(news)
            outs["revision"] = olds.get("revision")
        else:
            document = with_owner(self.KIND.document(news), owner)
            self._tctl(news).create(document, force=True)
            outs = self._outputs(news)
        outs.pop(OWNER_KEY, None)
        if owner is not None:
            outs[OWNER_KEY] = owner
        return UpdateResult(outs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        # Read first: what another owner holds now (taken over after a rename without an
        # alias, or by another stack) stays in Teleport.
        tctl = self._tctl(props)
        current = tctl.get(self.KIND.kind, id_)
        if current is None:
            return  # already gone is success
        if self._held_elsewhere(
            id_, current, props, "left in Teleport; removed from this stack's state only"
        ):
            return
        tctl.remove(self.KIND.kind, id_)  # gone meanwhile is success too

    # -- helpers -------------------------------------------------------------------------------

    def _held_elsewhere(
        self, id_: str, current: dict[str, Any], props: dict[str, Any], outcome: str
    ) -> bool:
        """Whether Teleport's copy names another owner than ``props`` does; if so, say so
        with ``outcome`` (what this stack does about it)."""
        held = holder(current)
        if held is None or same_owner(held, owner_of(props)):
            return False
        log.warn(left_to_its_owner(self.KIND.kind, id_, held, outcome))
        return True

    def _outputs(
        self, props: Mapping[str, Any], current: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        outs = {
            key: self._declared(props, key)
            for key in self._all_keys()
            if self._declared(props, key) is not None
        }
        outs["revision"] = None
        if current is not None:
            outs.update(self.KIND.read_back(props, current))
            outs["revision"] = mapping(current.get("metadata"), "metadata").get("revision")
        return outs
