"""Secrets audit: identity content reaches tctl and nothing else — not the serialized provider,
an output, an error, the provider's log, a command line, or a file left behind."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import grpc
import pytest
from pulumi.runtime.proto import provider_pb2

from .fake_teleport import FakeTeleport
from .provider_server import ProviderServer, provider_blob, to_struct
from .provider_server import integration_inputs as inputs

ROLE = "arn:aws:iam::123456789012:role/teleport-aws-prod"
ROLE2 = "arn:aws:iam::123456789012:role/teleport-aws-prod-2"
SECRET = "-----BEGIN TELEPORT IDENTITY-----\nc2VjcmV0LWtleS1tYXRlcmlhbC0xMjM0NQ==\n-----END-----\n"
SECRET_SIG = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}


def exercise(server: ProviderServer, teleport: FakeTeleport) -> list[str]:
    """create, update, read, delete, and two failures; return every text that came back."""
    seen: list[str] = []
    id_, outs = server.up_create(inputs())
    seen.append(json.dumps(outs))
    outs = server.up_update(id_, outs, inputs(role_arn=ROLE2)) or {}
    seen.append(json.dumps(outs))
    read = server.read(id_, outs, inputs(role_arn=ROLE2))
    seen.append(json.dumps(read[1:]))
    for failing in (
        lambda: server.up_create(inputs()),  # already exists
        lambda: server.check({}, inputs(role_arn="bad")),
    ):
        try:
            seen.append(repr(failing()))
        except grpc.RpcError as exc:
            seen.append(exc.details() or "")
    teleport.mark_in_use("aws-prod")
    with pytest.raises(grpc.RpcError) as info:
        server.delete(id_, outs)
    seen.append(info.value.details() or "")
    (teleport.state / "in_use" / "aws-prod").unlink()
    server.delete(id_, outs)
    assert teleport.integrations() == {}
    return seen


def audit(
    texts: list[str], server: ProviderServer, teleport: FakeTeleport, tmp: Path, secret: str
) -> None:
    needles = {secret, secret.strip(), secret.splitlines()[1]}
    haystacks = {
        "serialized __provider": base64.b64decode(provider_blob()).decode("latin-1"),
        "outputs and errors": "\n".join(texts),
        "provider log": server.log.read_text(errors="replace"),
        "tctl argv": json.dumps([c["argv"] for c in teleport.calls()]),
    }
    for where, text in haystacks.items():
        for needle in needles:
            assert needle not in text, f"secret found in {where}"
    leftovers = [p for p in tmp.rglob("teleport-oidc-*")]
    assert leftovers == [], leftovers


def test_identity_content_from_secret_config_stays_secret(
    teleport: FakeTeleport, tmp_path: Path
) -> None:
    teleport.require_identity(SECRET)
    temp = tmp_path / "tmp"
    temp.mkdir()
    config = {"teleport-oidc:tctlPath": str(teleport.tctl), "teleport-oidc:identity": SECRET}
    server = ProviderServer(tmp_path / "provider.log", config=config, env={"TMPDIR": str(temp)})
    try:
        # The engine sends secret config wrapped as a secret value in `args`.
        args = to_struct({"teleport-oidc:tctlPath": str(teleport.tctl)})
        args.update({"teleport-oidc:identity": {**SECRET_SIG, "value": SECRET}})
        server.stub.Configure(
            provider_pb2.ConfigureRequest(
                variables={"teleport-oidc:tctlPath": str(teleport.tctl)}, args=args
            )
        )
        texts = exercise(server, teleport)
    finally:
        server.close()
    # Every call authenticated with exactly the secret (the stand-in checks -i's content) ...
    assert len(teleport.calls()) >= 6
    assert all(call["identity"] for call in teleport.calls())
    # ... and it is nowhere else.
    audit(texts, server, teleport, temp, SECRET)


def test_identity_file_content_stays_secret(teleport: FakeTeleport, tmp_path: Path) -> None:
    teleport.require_identity(SECRET)
    identity = tmp_path / "bot" / "identity"
    identity.parent.mkdir()
    identity.write_text(SECRET)
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {"TMPDIR": str(temp), "TELEPORT_IDENTITY_FILE": str(identity)}
    with ProviderServer(
        tmp_path / "provider.log", config={"teleport-oidc:tctlPath": str(teleport.tctl)}, env=env
    ) as server:
        texts = exercise(server, teleport)
    assert {call["identity"] for call in teleport.calls()} == {str(identity)}
    audit(texts, server, teleport, temp, SECRET)
