"""The tctl client against the stand-in tctl, through the real subprocess runner."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from teleport_oidc import TctlError
from teleport_oidc.teleport.provider import integration_resource
from teleport_oidc.teleport.tctl import (
    AlreadyExistsError,
    Connection,
    InUseError,
    Tctl,
    resolve_connection,
    subprocess_runner,
)

from .fake_teleport import FakeTeleport

ROLE = "arn:aws:iam::123456789012:role/teleport-aws-prod"


def client(teleport: FakeTeleport, **kwargs: object) -> Tctl:
    return Tctl(Connection(tctl_path=str(teleport.tctl), **kwargs))  # type: ignore[arg-type]


def test_the_resource_has_no_deprecated_fields_and_sorted_labels() -> None:
    assert integration_resource("aws-prod", ROLE, "", {"b": "2", "a": "1"}) == {
        "kind": "integration",
        "sub_kind": "aws-oidc",
        "version": "v1",
        "metadata": {
            "name": "aws-prod",
            "labels": {"a": "1", "b": "2", "teleport.dev/iac-tool": "pulumi"},
        },
        "spec": {"aws_oidc": {"role_arn": ROLE}},
    }
    assert (
        integration_resource("x", ROLE, "aws-identity-center")["spec"]["aws_oidc"]["audience"]
        == "aws-identity-center"
    )


def test_create_get_remove_round_trip(teleport: FakeTeleport) -> None:
    tctl = client(teleport)
    tctl.create(integration_resource("aws-prod", ROLE, labels={"env": "prod"}), force=False)
    got = tctl.get("integration", "aws-prod")
    assert got is not None
    assert got["spec"]["aws_oidc"]["role_arn"] == ROLE
    assert got["metadata"]["labels"] == {"env": "prod", "teleport.dev/iac-tool": "pulumi"}
    assert got["spec"]["azure_oidc"] == {}  # sibling sub-specs are tolerated
    assert tctl.remove("integration", "aws-prod") is True
    assert tctl.get("integration", "aws-prod") is None
    assert tctl.remove("integration", "aws-prod") is False


def test_plain_create_never_passes_force(teleport: FakeTeleport) -> None:
    client(teleport).create(integration_resource("aws-prod", ROLE), force=False)
    (call,) = teleport.calls()
    assert "-f" not in call["argv"] and "--force" not in call["argv"]


def test_create_of_an_existing_one_is_an_already_exists_error(teleport: FakeTeleport) -> None:
    teleport.seed("aws-prod", ROLE)
    with pytest.raises(AlreadyExistsError, match="the Teleport integration 'aws-prod' already"):
        client(teleport).create(integration_resource("aws-prod", ROLE), force=False)


def test_force_copies_only_the_spec(teleport: FakeTeleport) -> None:
    teleport.seed("aws-prod", "arn:aws:iam::123456789012:role/old", labels={"keep": "me"})
    client(teleport).create(integration_resource("aws-prod", ROLE, labels={"new": "x"}), force=True)
    item = teleport.integrations()["aws-prod"]
    assert item["spec"]["aws_oidc"]["role_arn"] == ROLE
    assert item["metadata"]["labels"] == {"keep": "me"}


def test_not_found_is_detected_whatever_the_wording(teleport: FakeTeleport) -> None:
    tctl = client(teleport)
    # The stand-in rotates through the three known texts.
    assert [tctl.get("integration", "gone") for _ in range(3)] == [None, None, None]
    assert [tctl.remove("integration", "gone") for _ in range(3)] == [False, False, False]


def test_removal_refused_while_in_use_says_why(teleport: FakeTeleport) -> None:
    teleport.seed("aws-prod", ROLE)
    teleport.mark_in_use("aws-prod")
    with pytest.raises(InUseError, match="External Audit Storage"):
        client(teleport).remove("integration", "aws-prod")
    assert "aws-prod" in teleport.integrations()


def test_a_missing_binary_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(TctlError, match="tctl was not found"):
        Tctl(Connection(tctl_path=str(tmp_path / "nope"))).get("integration", "x")


def test_a_non_executable_binary_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "tctl"
    path.write_text("#!/bin/sh\n")
    with pytest.raises(TctlError, match="not executable"):
        Tctl(Connection(tctl_path=str(path))).get("integration", "x")


def test_a_hanging_tctl_is_killed_at_the_timeout(teleport: FakeTeleport) -> None:
    teleport.faults(hang=30)
    with pytest.raises(TctlError, match="did not finish within 0.5 s"):
        client(teleport, timeout=0.5).get("integration", "x")


def test_garbage_output_with_an_error_exit_is_reported(teleport: FakeTeleport) -> None:
    teleport.faults(garbage=True)
    with pytest.raises(TctlError, match="exit code: 3") as info:
        client(teleport).get("integration", "x")
    assert info.value.returncode == 3


def test_non_json_output_from_get_is_reported(tmp_path: Path) -> None:
    script = tmp_path / "tctl"
    script.write_text("#!/bin/sh\necho 'not json'\n")
    script.chmod(0o755)
    with pytest.raises(TctlError, match="printed something that is not JSON"):
        Tctl(Connection(tctl_path=str(script))).get("integration", "x")


def test_identity_content_goes_through_a_0600_file_that_is_removed(
    teleport: FakeTeleport, tmp_path: Path
) -> None:
    secret = "-----BEGIN SSH KEY----- very secret identity -----END-----"
    teleport.require_identity(secret)
    seen: list[tuple[str, int]] = []

    def runner(argv: list[str], *, timeout: float) -> object:
        path = argv[argv.index("-i") + 1]
        seen.append((path, stat.S_IMODE(os.stat(path).st_mode)))
        return subprocess_runner(argv, timeout=timeout)

    tctl = Tctl(Connection(tctl_path=str(teleport.tctl), identity=secret), runner)  # type: ignore[arg-type]
    tctl.create(integration_resource("aws-prod", ROLE), force=False)
    ((path, mode),) = seen
    assert mode == 0o600
    assert not os.path.exists(path)
    assert secret not in repr(tctl.connection)
    assert all(secret not in " ".join(c["argv"]) for c in teleport.calls())


def test_an_unreadable_identity_file_is_reported_without_running_tctl(
    teleport: FakeTeleport, tmp_path: Path
) -> None:
    with pytest.raises(TctlError, match="cannot be read"):
        client(teleport, identity_file=str(tmp_path / "missing")).get("integration", "x")
    assert teleport.calls() == []


def test_auth_server_and_identity_file_reach_tctl(teleport: FakeTeleport, tmp_path: Path) -> None:
    identity = tmp_path / "identity"
    identity.write_text("id")
    client(teleport, auth_server="teleport.example.com:443", identity_file=str(identity)).get(
        "integration", "x"
    )
    (call,) = teleport.calls()
    assert call["auth_server"] == "teleport.example.com:443"
    assert call["identity"] == str(identity)


def test_connection_resolution_order() -> None:
    env = {
        "TELEPORT_AUTH_SERVER": "env:443",
        "TELEPORT_IDENTITY_FILE": "/env/id",
        "TELEPORT_TCTL": "/env/tctl",
    }
    config = {"authServer": "config:443", "identityFile": "/config/id", "tctlPath": "/cfg/tctl"}
    inputs = {"auth_server": "input:443", "identity_file": "/input/id", "tctl_path": "/in/tctl"}
    assert resolve_connection(inputs, config, env) == Connection(
        "/in/tctl", "input:443", "/input/id"
    )
    assert resolve_connection({}, config, env) == Connection(
        "/cfg/tctl", "config:443", "/config/id"
    )
    assert resolve_connection({}, {}, env) == Connection("/env/tctl", "env:443", "/env/id")
    assert resolve_connection({}, {}, {}) == Connection("tctl", None, None)


def test_secret_identity_content_from_config_beats_the_environment_file() -> None:
    conn = resolve_connection({}, {"identity": "SECRET"}, {"TELEPORT_IDENTITY_FILE": "/env/id"})
    assert (conn.identity, conn.identity_file) == ("SECRET", None)
    assert "SECRET" not in repr(conn)


def test_the_stand_in_rejects_unknown_fields_and_bad_names(
    teleport: FakeTeleport, tmp_path: Path
) -> None:
    """The stand-in behaves like Teleport where this package relies on it."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "kind: integration\nsub_kind: aws-oidc\nversion: v1\nmetadata: {name: ok}\n"
        f"spec: {{aws_oidc: {{role_arn: {ROLE}, issuer_s3_urix: x}}}}\n"
    )
    out = subprocess.run([str(teleport.tctl), "create", str(bad)], capture_output=True, text=True)
    assert out.returncode == 1 and "unknown field" in out.stderr
    bad.write_text(
        f"kind: integration\nsub_kind: aws-oidc\nversion: v1\nmetadata: {{name: A.b}}\n"
        f"spec: {{aws_oidc: {{role_arn: {ROLE}}}}}\n"
    )
    out = subprocess.run([str(teleport.tctl), "create", str(bad)], capture_output=True, text=True)
    assert "must be a lower case valid DNS subdomain" in out.stderr
