"""Issue #13 items 2 and 6: tctl's answers read exactly, and launch or output failures become
a TctlError that says what happened. Each case runs a tiny stand-in binary through the real
subprocess runner."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from teleport_oidc import TctlError, TeleportIntegrationProvider
from teleport_oidc.teleport.tctl import Connection, Tctl

from .provider_server import integration_inputs


def scripted(tmp_path: Path, *, stdout: str = "", stderr: str = "", code: int = 0) -> Tctl:
    """A tctl that prints exactly this and exits with ``code``, whatever it is asked."""
    (tmp_path / "out").write_text(stdout)
    (tmp_path / "err").write_text(stderr)
    script = tmp_path / "tctl"
    script.write_text(
        f"#!/bin/sh\ncat '{tmp_path / 'out'}'\ncat '{tmp_path / 'err'}' >&2\nexit {code}\n"
    )
    script.chmod(0o755)
    return Tctl(Connection(tctl_path=str(script)))


def provider_on(tctl: Tctl) -> TeleportIntegrationProvider:
    provider = TeleportIntegrationProvider()
    provider._config = {"tctlPath": tctl.connection.tctl_path}
    return provider


REAL_NOT_FOUND = [
    'ERROR: integration "aws-prod" doesn\'t exist\n',
    'ERROR: "integration" "aws-prod" does not exist\n',
    "ERROR: no value for key /integrations/aws-prod\n",
]


@pytest.mark.parametrize("stderr", REAL_NOT_FOUND)
def test_teleports_own_not_found_for_this_integration_means_gone(
    tmp_path: Path, stderr: str
) -> None:
    tctl = scripted(tmp_path, stderr=stderr, code=1)
    assert tctl.get("integration", "aws-prod") is None
    assert tctl.remove("integration", "aws-prod") is False


OTHER_FAILURES = [
    "ERROR: role bot-deployer is not found\n",  # RBAC
    'ERROR: integration "aws-prod-2" doesn\'t exist\n',  # another name
    'ERROR: discovery_config "aws-prod" doesn\'t exist\n',  # another kind
    'ERROR: connection error: desc = "transport: Error while dialing: dial tcp: not found"\n',
    'ERROR: access denied to perform action "read" on "integration"\n',
]


@pytest.mark.parametrize("stderr", OTHER_FAILURES)
def test_any_other_failure_is_an_error_that_quotes_tctl_on_get_and_rm(
    tmp_path: Path, stderr: str
) -> None:
    tctl = scripted(tmp_path, stderr=stderr, code=1)
    with pytest.raises(TctlError) as got:
        tctl.get("integration", "aws-prod")
    assert stderr.strip() in str(got.value)
    with pytest.raises(TctlError) as removed:
        tctl.remove("integration", "aws-prod")
    assert stderr.strip() in str(removed.value)


def test_destroy_fails_when_rm_fails_for_another_reason(tmp_path: Path) -> None:
    provider = provider_on(scripted(tmp_path, stderr=OTHER_FAILURES[0], code=1))
    with pytest.raises(TctlError, match="role bot-deployer is not found"):
        provider.delete("aws-prod", integration_inputs())


def test_refresh_keeps_the_resource_when_get_fails_for_another_reason(tmp_path: Path) -> None:
    provider = provider_on(scripted(tmp_path, stderr=OTHER_FAILURES[0], code=1))
    with pytest.raises(TctlError, match="role bot-deployer is not found"):
        provider.read("aws-prod", integration_inputs())


def item(name: str = "aws-prod", **extra: Any) -> dict[str, Any]:
    return {
        "kind": "integration",
        "metadata": {"name": name},
        "spec": {"aws_oidc": {"role_arn": "arn:aws:iam::123456789012:role/r"}},
        **extra,
    }


ODD_SUCCESSES = [
    ("", "not JSON"),
    ("{}", "a JSON dict instead of a list"),
    ("[]", "0 item(s)"),
    (json.dumps([item("other")]), "1 item(s), 0 of them"),
    (json.dumps([item(), item()]), "2 item(s), 2 of them"),
    (json.dumps([{"kind": "discovery_config", "metadata": {"name": "aws-prod"}}]), "0 of them"),
    ('"integration"', "a JSON str"),
    ("[1, 2]", "0 of them"),
    (json.dumps([{"kind": "integration", "metadata": []}]), "0 of them"),
    ("null", "a JSON NoneType"),
]


@pytest.mark.parametrize(("stdout", "says"), ODD_SUCCESSES)
def test_an_odd_successful_get_is_an_error_never_gone(
    tmp_path: Path, stdout: str, says: str
) -> None:
    tctl = scripted(tmp_path, stdout=stdout)
    with pytest.raises(TctlError, match="exited 0 but printed") as got:
        tctl.get("integration", "aws-prod")
    assert says in str(got.value)
    with pytest.raises(TctlError):
        provider_on(tctl).read("aws-prod", integration_inputs())


@pytest.mark.parametrize(
    "spec",
    [[], "x", {"aws_oidc": []}, {"aws_oidc": {"role_arn": 5}}],
    ids=["list", "string", "aws_oidc list", "role_arn number"],
)
def test_odd_shapes_inside_the_resource_are_a_tctl_error_not_an_attribute_error(
    tmp_path: Path, spec: Any
) -> None:
    tctl = scripted(tmp_path, stdout=json.dumps([item(spec=spec)]))
    with pytest.raises(TctlError, match="tctl get printed"):
        provider_on(tctl).read("aws-prod", integration_inputs())


def test_odd_labels_are_a_tctl_error(tmp_path: Path) -> None:
    body = item()
    body["metadata"]["labels"] = ["a"]
    tctl = scripted(tmp_path, stdout=json.dumps([body]))
    with pytest.raises(TctlError, match=r"metadata\.labels is a list"):
        provider_on(tctl).read("aws-prod", integration_inputs())


# -- item 6: launching tctl and reading what it prints --------------------------------------


def test_a_binary_for_another_architecture_is_a_clear_error(tmp_path: Path) -> None:
    binary = tmp_path / "tctl"
    binary.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(200))  # an ELF header nothing can run
    binary.chmod(0o755)
    with pytest.raises(TctlError, match="exec format error.*teleport-oidc:tctlPath"):
        Tctl(Connection(tctl_path=str(binary))).get("integration", "x")


def test_a_shim_whose_interpreter_is_missing_says_so_not_that_tctl_is_missing(
    tmp_path: Path,
) -> None:
    shim = tmp_path / "tctl"
    shim.write_text("#!/nonexistent/bin/python3\nprint('hi')\n")
    shim.chmod(0o755)
    with pytest.raises(TctlError) as got:
        Tctl(Connection(tctl_path=str(shim))).get("integration", "x")
    message = str(got.value)
    assert "interpreter '/nonexistent/bin/python3' is missing" in message
    assert "was not found" not in message


@pytest.mark.parametrize("stream", ["stdout", "stderr"])
def test_output_that_is_not_utf8_is_a_clear_error(tmp_path: Path, stream: str) -> None:
    script = tmp_path / "tctl"
    redirect = "" if stream == "stdout" else " >&2"
    script.write_text(f"#!/bin/sh\nprintf '\\377\\376 caf\\351'{redirect}\nexit 1\n")
    script.chmod(0o755)
    with pytest.raises(TctlError, match="not UTF-8 text") as got:
        Tctl(Connection(tctl_path=str(script))).get("integration", "x")
    assert got.value.returncode == 1
    assert "\\xff\\xfe caf\\xe9" in str(got.value)  # what it printed, escaped


def test_a_missing_tctl_names_the_config_key(tmp_path: Path) -> None:
    with pytest.raises(TctlError, match="tctl was not found.*teleport-oidc:tctlPath"):
        Tctl(Connection(tctl_path=str(tmp_path / "nope"))).get("integration", "x")
