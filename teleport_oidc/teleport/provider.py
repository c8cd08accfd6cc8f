"""The dynamic provider behind :class:`teleport_oidc.TeleportIntegration`.

It runs inside ``python -m pulumi.dynamic``, which the engine starts in the program's virtualenv;
the package must be installed there. The instance is pickled *by reference* (see
:meth:`TeleportIntegrationProvider.__reduce__`): the ``__provider`` state is ~100 bytes, holds no
settings or secrets, and does not change when this file does. Settings are read at call time:
resource inputs, then stack config (:meth:`configure`), then the environment.

One instance serves up to four calls at once: nothing here mutates shared state after
:meth:`configure`, and every tctl call uses its own temporary files.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

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

from ..errors import InvalidArgumentError
from ..rules import validate_audience, validate_integration_name, validate_role_arn
from .tctl import AlreadyExistsError, Runner, Tctl, integration_resource, resolve_connection

__all__ = ["CONFIG_NAMESPACE", "INPUT_KEYS", "TeleportIntegrationProvider"]

CONFIG_NAMESPACE = "teleport-oidc"
CONFIG_KEYS = ("authServer", "identityFile", "identity", "tctlPath", "tctlTimeout")
CONNECTION_KEYS = ("auth_server", "identity_file", "tctl_path")
INPUT_KEYS = (
    "integration_name",
    "role_arn",
    "audience",
    "labels",
    "adopt_existing",
    *CONNECTION_KEYS,
)
_DEFAULTS: dict[str, Any] = {"audience": "", "labels": {}, "adopt_existing": False}


def _unknown(value: Any) -> bool:
    return isinstance(value, Unknown) or (isinstance(value, str) and value == UNKNOWN)


def _declared(props: Mapping[str, Any], key: str) -> Any:
    value = props.get(key)
    return _DEFAULTS.get(key) if value is None else value


def check_role_arn(value: object) -> str:
    validate_role_arn(value)
    return str(value)


def check_labels(value: object) -> dict[str, str]:
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and k and isinstance(v, str) for k, v in value.items()
    ):
        raise InvalidArgumentError(
            "labels",
            value,
            "must map non-empty label names to strings",
            "pass e.g. {'env': 'prod'}",
        )
    return dict(sorted(value.items()))


_CHECKS: dict[str, Callable[[Any], Any]] = {
    "integration_name": validate_integration_name,
    "role_arn": check_role_arn,
    "audience": validate_audience,
    "labels": check_labels,
}


class TeleportIntegrationProvider(ResourceProvider):
    """Create, read, update and delete a Teleport ``integration`` (sub_kind ``aws-oidc``)."""

    def __init__(self, runner: Runner | None = None) -> None:
        super().__init__()
        self._runner = runner
        self._config: dict[str, Any] = {}

    def __reduce__(self) -> tuple[type, tuple[()]]:
        # By reference, with no state: nothing configured or injected ever reaches Pulumi state.
        return (TeleportIntegrationProvider, ())

    def configure(self, req: ConfigureRequest) -> None:
        self._config = {key: req.config.get(f"{CONFIG_NAMESPACE}:{key}") for key in CONFIG_KEYS}

    def _tctl(self, props: Mapping[str, Any]) -> Tctl:
        return Tctl(resolve_connection(props, self._config, os.environ), self._runner)

    # -- preview: no outside calls -------------------------------------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs: dict[str, Any] = {}
        failures: list[CheckFailure] = []
        for key in INPUT_KEYS:
            value = _declared(news, key)
            if value is not None and not _unknown(value) and key in _CHECKS:
                try:
                    value = _CHECKS[key](value)
                except InvalidArgumentError as exc:
                    failures.append(CheckFailure(key, str(exc)))
            elif key == "adopt_existing" and not _unknown(value) and not isinstance(value, bool):
                failures.append(
                    CheckFailure(key, f"adopt_existing must be True or False, got {value!r}")
                )
            if key in ("integration_name", "role_arn") and value is None:
                failures.append(CheckFailure(key, f"{key} is required"))
            if value is not None:
                inputs[key] = value
        return CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        # ``olds`` are the old *outputs*. Connection settings and adopt_existing never cause a
        # change: they say how to reach Teleport, not what Teleport should hold.
        changed = [
            key
            for key in ("integration_name", "role_arn", "audience", "labels")
            if _unknown(news.get(key)) or _declared(olds, key) != _declared(news, key)
        ]
        replaces = [key for key in changed if key in ("integration_name", "labels")]
        return DiffResult(
            changes=bool(changed),
            replaces=replaces,
            stables=[key for key in INPUT_KEYS if key not in changed],
            # `tctl create --force` applies only the spec: a label change means delete, then
            # create under the same name.
            delete_before_replace="labels" in replaces,
        )

    # -- deployment: exactly one tctl call per operation ---------------------------------------

    def create(self, props: dict[str, Any]) -> CreateResult:
        tctl = self._tctl(props)
        name = props["integration_name"]
        resource = self._resource(props)
        try:
            tctl.create(resource, force=False)
        except AlreadyExistsError:
            if not props.get("adopt_existing"):
                raise
            # Take it over. --force copies only the spec, so read back what Teleport now holds.
            tctl.create(resource, force=True)
            current = tctl.get(name)
            if current is not None:
                return CreateResult(name, self._outputs(props, current))
        return CreateResult(name, self._outputs(props))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        current = self._tctl(props).get(id_)
        if current is None:
            return ReadResult(None, {})
        outs = self._outputs(props, current)
        return ReadResult(id_, outs, {key: outs[key] for key in INPUT_KEYS if key in outs})

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        self._tctl(news).create(self._resource(news), force=True)
        return UpdateResult(self._outputs(news))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        self._tctl(props).remove(id_)  # already gone is success

    # -- helpers -------------------------------------------------------------------------------

    @staticmethod
    def _resource(props: Mapping[str, Any]) -> dict[str, Any]:
        return integration_resource(
            props["integration_name"],
            props["role_arn"],
            _declared(props, "audience"),
            _declared(props, "labels"),
        )

    @staticmethod
    def _outputs(
        props: Mapping[str, Any], current: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        outs = {
            key: _declared(props, key) for key in INPUT_KEYS if _declared(props, key) is not None
        }
        outs["revision"] = None
        if current is not None:
            metadata = current.get("metadata") or {}
            aws_oidc = (current.get("spec") or {}).get("aws_oidc") or {}
            outs.update(
                integration_name=metadata.get("name", outs.get("integration_name")),
                role_arn=aws_oidc.get("role_arn", ""),
                audience=aws_oidc.get("audience") or "",
                labels=dict(sorted((metadata.get("labels") or {}).items())),
                revision=metadata.get("revision"),
            )
        return outs
