"""Drive the SDK's dynamic provider server (``python -m pulumi.dynamic``) over gRPC the way the
engine does: Configure first, then Check/Diff/Create/Read/Update/Delete in engine order."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import json_format, struct_pb2
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime._serialization import _serialize
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc
from pulumi.runtime.rpc import UNKNOWN

from teleport_oidc import TeleportIntegrationProvider

URN = "urn:pulumi:dev::teleport-oidc::pulumi-python:dynamic/teleport-oidc:TeleportIntegration::it"


ROLE_ARN = "arn:aws:iam::123456789012:role/teleport-aws-prod"


def integration_inputs(**overrides: Any) -> dict[str, Any]:
    """A TeleportIntegration's inputs as the program sends them, with ``overrides``."""
    values: dict[str, Any] = {
        "integration_name": "aws-prod",
        "role_arn": ROLE_ARN,
        "audience": "",
        "labels": {},
        "adopt_existing": False,
    }
    values.update(overrides)
    return values


def provider_blob(provider: object | None = None) -> str:
    blob, _ = _serialize(True, serialize_provider, provider or TeleportIntegrationProvider())
    return blob


def provider_blob_after_edit(
    tmp: Path, provider_class: type | None = None, env: Mapping[str, str] | None = None
) -> str:
    """The serialized ``provider_class()``, from a copy of the package in which every module that
    defines the class or one of its bases was edited: a line inserted at the top (every line
    after it moves) and a method added to each class. A provider pickled by value (its code in
    the blob) would serialize differently; one pickled by reference does not."""
    import inspect
    import shutil

    import teleport_oidc

    cls = provider_class or TeleportIntegrationProvider
    package = Path(teleport_oidc.__file__).parent
    copy = tmp / "teleport_oidc"
    shutil.copytree(package, copy)
    owners = [c for c in cls.__mro__ if c.__module__.startswith("teleport_oidc.")]
    edited: list[str] = []
    for owner in owners:
        source = Path(inspect.getfile(owner)).resolve()
        target = copy / source.relative_to(package)
        assert target.is_file(), f"{owner.__qualname__} is defined in {source}, not copied"
        text = target.read_text()
        if owner.__module__ not in edited:
            text = "# an edit made later, above everything\n" + text
            edited.append(owner.__module__)
        text += f"\n\n{owner.__name__}.an_edit_made_later = lambda self: 42\n"
        target.write_text(text)
    # The edited copy must win over an editable install's import hook, if there is one; the
    # child checks that the class it serializes is the edited one.
    code = (
        "import importlib, sys; sys.meta_path[:] = [f for f in sys.meta_path if not "
        "getattr(f, '__module__', '').startswith('__editable__')]; "
        "from tests.provider_server import provider_blob; import teleport_oidc; "
        "assert teleport_oidc.__file__.startswith(sys.argv[1]), teleport_oidc.__file__; "
        "cls = getattr(importlib.import_module(sys.argv[2]), sys.argv[3]); "
        "assert all(c.an_edit_made_later(None) == 42 for c in cls.__mro__ "
        "if c.__module__.startswith('teleport_oidc.')), 'the edit is not in effect'; "
        "print(provider_blob(cls()))"
    )
    tests_root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp), cls.__module__, cls.__qualname__],
        cwd=tmp,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {}), "PYTHONPATH": f"{tmp}{os.pathsep}{tests_root}"},
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    return done.stdout.strip()


def to_struct(values: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update({k: v for k, v in values.items() if v is not None})
    return struct


def from_struct(struct: struct_pb2.Struct) -> dict[str, Any]:
    return json_format.MessageToDict(struct)


@dataclass
class Checked:
    inputs: dict[str, Any]
    failures: list[tuple[str, str]]


class ProviderServer:
    """One provider process; ``log`` holds everything it printed."""

    def __init__(
        self,
        log: Path,
        config: Mapping[str, str] | None = None,
        env: Mapping[str, str] | None = None,
        provider: object | None = None,
    ) -> None:
        self.blob = provider_blob(provider)
        self.log = log
        self._stderr = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-u", "-m", "pulumi.dynamic"],
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env={**os.environ, "PULUMI_PROJECT": "teleport-oidc", **(env or {})},
        )
        assert self.process.stdout is not None
        port = int(self.process.stdout.readline().strip())
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)
        self.stub.Configure(
            provider_pb2.ConfigureRequest(
                variables=dict(config or {}), args=to_struct(config or {}), acceptSecrets=False
            )
        )

    def close(self) -> None:
        self.channel.close()
        self.process.kill()
        self.process.wait()
        self._stderr.close()

    def __enter__(self) -> ProviderServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _props(self, values: Mapping[str, Any]) -> struct_pb2.Struct:
        return to_struct({**values, "__provider": self.blob})

    # -- the RPCs, as the engine makes them ----------------------------------------------------

    def check(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Checked:
        response = self.stub.Check(
            provider_pb2.CheckRequest(
                urn=URN, olds=self._props(olds) if olds else to_struct({}), news=self._props(news)
            )
        )
        inputs = from_struct(response.inputs)
        inputs.pop("__provider", None)
        return Checked(inputs, [(f.property, f.reason) for f in response.failures])

    def diff(
        self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> provider_pb2.DiffResponse:
        return self.stub.Diff(
            provider_pb2.DiffRequest(
                id=id_, urn=URN, olds=self._props(olds), news=self._props(news)
            )
        )

    def create(self, props: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        response = self.stub.Create(
            provider_pb2.CreateRequest(urn=URN, properties=self._props(props))
        )
        return response.id, from_struct(response.properties)

    def read(
        self, id_: str, outs: Mapping[str, Any], inputs: Mapping[str, Any]
    ) -> tuple[str, dict[str, Any], dict[str, Any]]:
        response = self.stub.Read(
            provider_pb2.ReadRequest(
                id=id_, urn=URN, properties=self._props(outs), inputs=self._props(inputs)
            )
        )
        return response.id, from_struct(response.properties), from_struct(response.inputs)

    def update(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        response = self.stub.Update(
            provider_pb2.UpdateRequest(
                id=id_, urn=URN, olds=self._props(olds), news=self._props(news)
            )
        )
        return from_struct(response.properties)

    def delete(self, id_: str, outs: Mapping[str, Any]) -> None:
        self.stub.Delete(provider_pb2.DeleteRequest(id=id_, urn=URN, properties=self._props(outs)))

    # -- engine sequences ----------------------------------------------------------------------

    def up_create(self, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        checked = self.check({}, inputs)
        assert not checked.failures, checked.failures
        return self.create(checked.inputs)

    def up_update(
        self, id_: str, outs: Mapping[str, Any], inputs: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        """Check -> Diff -> Update when the diff says so (replacement is the caller's job)."""
        checked = self.check(outs, inputs)
        assert not checked.failures, checked.failures
        diff = self.diff(id_, outs, checked.inputs)
        if diff.changes != provider_pb2.DiffResponse.DIFF_SOME or diff.replaces:
            return None
        return self.update(id_, outs, checked.inputs)


def without_provider(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k != "__provider"}


UNKNOWN_VALUE = UNKNOWN
