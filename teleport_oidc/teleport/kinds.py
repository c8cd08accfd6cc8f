"""One dynamic provider for a Teleport kind described by a :class:`KindSpec`.

PROVISIONAL: this is the shape agreed for ``teleport/resource.py`` (the shared tctl-backed
layer built on another branch). ``discovery_config`` and ``token`` are built on it so that
porting them is a change of import: their :class:`KindSpec` carries everything kind-specific
(inputs, checks, defaults, what replaces, the document, the read-back), and nothing here knows
a kind by name.

Per call: preview (check, diff) makes no tctl call; create makes one (``tctl create``), or two
for kinds whose plain create silently overwrites (``get`` first, to refuse taking over what
exists unless ``adopt_existing``); read, update and delete make one each.
"""

from __future__ import annotations

import json
import os
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

from ..errors import InvalidArgumentError, TctlError
from .tctl import (
    _ALREADY_EXISTS,
    _NOT_FOUND,
    Runner,
    Tctl,
    _private_file,
    integration_yaml,
    resolve_connection,
)

__all__ = ["CONNECTION_KEYS", "KindProvider", "KindSpec", "contains_unknown", "resource_yaml"]

CONFIG_NAMESPACE = "teleport-oidc"
CONFIG_KEYS = ("authServer", "identityFile", "identity", "tctlPath", "tctlTimeout")
CONNECTION_KEYS = ("auth_server", "identity_file", "tctl_path")


def contains_unknown(value: Any) -> bool:
    """True when a value, or anything inside it, is not known yet (a preview)."""
    if isinstance(value, Unknown) or (isinstance(value, str) and value == UNKNOWN):
        return True
    if isinstance(value, Mapping):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(contains_unknown(v) for v in value)
    return False


def resource_yaml(document: Mapping[str, Any]) -> str:
    """The file handed to ``tctl create``, exactly."""
    return integration_yaml(document)


@dataclass(frozen=True)
class KindSpec:
    """What differs between Teleport kinds."""

    kind: str
    label: str
    """How messages name it: ``discovery config``, ``token``."""
    input_keys: tuple[str, ...]
    required: tuple[str, ...]
    checks: Mapping[str, Callable[[Any], Any]]
    defaults: Mapping[str, Any]
    replace_keys: tuple[str, ...]
    document: Callable[[Mapping[str, Any]], dict[str, Any]]
    read_back: Callable[[Mapping[str, Any]], dict[str, Any]]
    name_key: str = "name"
    create_overwrites: bool = False
    """``tctl create`` without ``--force`` upserts this kind (tokens): check existence first."""
    whole_check: Callable[[Mapping[str, Any]], None] | None = None
    """A check across inputs, run when every input is known."""
    state_keys: tuple[str, ...] = field(default=())
    """Inputs that are how to manage it, not what Teleport holds (never cause a change)."""


class KindProvider(ResourceProvider):
    """create/read/update/delete of one Teleport resource of ``SPEC.kind`` through tctl."""

    SPEC: ClassVar[KindSpec]

    def __init__(self, runner: Runner | None = None) -> None:
        super().__init__()
        self._runner = runner
        self._config: dict[str, Any] = {}

    def __reduce__(self) -> tuple[type, tuple[()]]:
        # By reference, with no state: nothing configured or injected reaches Pulumi state.
        return (type(self), ())

    def configure(self, req: ConfigureRequest) -> None:
        self._config = {key: req.config.get(f"{CONFIG_NAMESPACE}:{key}") for key in CONFIG_KEYS}

    def _tctl(self, props: Mapping[str, Any]) -> Tctl:
        return Tctl(resolve_connection(props, self._config, os.environ), self._runner)

    def _declared(self, props: Mapping[str, Any], key: str) -> Any:
        value = props.get(key)
        return self.SPEC.defaults.get(key) if value is None else value

    # -- preview: no outside calls -------------------------------------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        spec = self.SPEC
        inputs: dict[str, Any] = {}
        failures: list[CheckFailure] = []
        for key in (*spec.input_keys, "adopt_existing", *CONNECTION_KEYS):
            value = self._declared(news, key)
            if value is None:
                if key in spec.required:
                    failures.append(CheckFailure(key, f"{key} is required"))
                continue
            if key in spec.checks and not contains_unknown(value):
                try:
                    value = spec.checks[key](value)
                except InvalidArgumentError as exc:
                    failures.append(CheckFailure(key, str(exc)))
            elif key == "adopt_existing" and not isinstance(value, bool):
                failures.append(
                    CheckFailure(key, f"adopt_existing must be True or False, got {value!r}")
                )
            inputs[key] = value
        if not failures and spec.whole_check and not contains_unknown(inputs):
            try:
                spec.whole_check(inputs)
            except InvalidArgumentError as exc:
                failures.append(CheckFailure(exc.argument.split(".")[0].split("[")[0], str(exc)))
        return CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        # ``olds`` are the old outputs. Connection settings and adopt_existing say how to reach
        # and manage Teleport, not what it holds: they never cause a change.
        spec = self.SPEC
        changed = [
            key
            for key in spec.input_keys
            if contains_unknown(news.get(key))
            or _canonical(self._declared(olds, key)) != _canonical(self._declared(news, key))
        ]
        replaces = [key for key in changed if key in spec.replace_keys]
        return DiffResult(
            changes=bool(changed),
            replaces=replaces,
            stables=[key for key in spec.input_keys if key not in changed],
            delete_before_replace=False,
        )

    # -- deployment ----------------------------------------------------------------------------

    def create(self, props: dict[str, Any]) -> CreateResult:
        spec = self.SPEC
        tctl = self._tctl(props)
        name = props[spec.name_key]
        adopt = bool(props.get("adopt_existing"))
        if spec.create_overwrites:
            existing = _get(tctl, spec.kind, name)
            if existing is not None and not adopt:
                raise self._exists(name)
            _create(tctl, spec.document(props), force=False, spec=spec)
            return CreateResult(name, self._outputs(props))
        try:
            _create(tctl, spec.document(props), force=False, spec=spec)
        except _Exists:
            if not adopt:
                raise self._exists(name) from None
            _create(tctl, spec.document(props), force=True, spec=spec)
        return CreateResult(name, self._outputs(props))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        current = _get(self._tctl(props), self.SPEC.kind, id_)
        if current is None:
            return ReadResult(None, {})
        outs = self._outputs(props, current)
        inputs = {
            key: outs[key]
            for key in (*self.SPEC.input_keys, "adopt_existing", *CONNECTION_KEYS)
            if key in outs
        }
        return ReadResult(id_, outs, inputs)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        _create(self._tctl(news), self.SPEC.document(news), force=True, spec=self.SPEC)
        return UpdateResult(self._outputs(news))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        _remove(self._tctl(props), self.SPEC.kind, id_)  # already gone is success

    # -- helpers -------------------------------------------------------------------------------

    def _exists(self, name: str) -> TctlError:
        spec = self.SPEC
        return TctlError(
            f"the Teleport {spec.label} {name!r} already exists. Either set adopt_existing=True "
            f"to take it over, or remove it with `tctl rm {spec.kind}/{name}` and run again"
        )

    def _outputs(
        self, props: Mapping[str, Any], current: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        keys = (*self.SPEC.input_keys, "adopt_existing", *CONNECTION_KEYS)
        outs = {
            key: self._declared(props, key)
            for key in keys
            if self._declared(props, key) is not None
        }
        outs["revision"] = None
        if current is not None:
            outs.update(
                {
                    k: v
                    for k, v in self.SPEC.read_back(current).items()
                    if v is not None or k in outs
                }
            )
            outs["revision"] = (current.get("metadata") or {}).get("revision")
        return outs


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


class _Exists(Exception):
    pass


def _create(tctl: Tctl, document: Mapping[str, Any], *, force: bool, spec: KindSpec) -> None:
    text = resource_yaml(document)
    with _private_file(f"teleport-oidc-{spec.kind}-", text) as path:
        argv, result = tctl._call("create", *(["--force"] if force else []), path)
    if result.returncode == 0:
        return
    if _ALREADY_EXISTS.search(result.stderr):
        raise _Exists()
    raise Tctl._failure("create", argv, result)


def _get(tctl: Tctl, kind: str, name: str) -> dict[str, Any] | None:
    ref = f"{kind}/{name}"
    argv, result = tctl._call("get", ref, "--format=json")
    if result.returncode != 0:
        if _NOT_FOUND.search(result.stderr + result.stdout):
            return None
        raise Tctl._failure(f"get {ref}", argv, result)
    try:
        items = json.loads(result.stdout or "[]")
    except ValueError as exc:
        raise TctlError(
            f"tctl get {ref} printed something that is not JSON", argv=argv, stderr=result.stdout
        ) from exc
    for item in items if isinstance(items, list) else [items]:
        if isinstance(item, dict) and (item.get("metadata") or {}).get("name") == name:
            return item
    return None


def _remove(tctl: Tctl, kind: str, name: str) -> bool:
    ref = f"{kind}/{name}"
    argv, result = tctl._call("rm", ref)
    if result.returncode == 0:
        return True
    if _NOT_FOUND.search(result.stderr + result.stdout):
        return False
    raise Tctl._failure(f"rm {ref}", argv, result)
