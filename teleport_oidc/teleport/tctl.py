"""Talking to Teleport through ``tctl`` (spec section 7).

:func:`subprocess_runner` is the seam: it runs an argv list (no shell) with a bounded timeout and
captures the output; it holds no logic. :class:`Tctl` builds the calls and reads the answers.

Secrets: identity file *content* (from secret stack config) is written to a 0600 temporary file
for the duration of one call and removed after; only that file's path reaches the command line.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..errors import TctlError

__all__ = [
    "DEFAULT_TIMEOUT",
    "AlreadyExistsError",
    "Connection",
    "InUseError",
    "RunResult",
    "Runner",
    "Tctl",
    "integration_resource",
    "integration_yaml",
    "resolve_connection",
    "subprocess_runner",
]

DEFAULT_TIMEOUT = 60.0

# Not-found texts vary by Teleport version and cache: match the family, not one sentence.
_NOT_FOUND = re.compile(r"does not exist|doesn't exist|not found|no value for key", re.IGNORECASE)
_ALREADY_EXISTS = re.compile(r"already exists", re.IGNORECASE)
_IN_USE = re.compile(r"currently referenced|referenced by|in use", re.IGNORECASE)


class AlreadyExistsError(TctlError):
    """``tctl create`` refused: an integration of that name exists."""


class InUseError(TctlError):
    """``tctl rm`` refused: External Audit Storage or an Identity Center plugin uses it."""


@dataclass(frozen=True)
class RunResult:
    returncode: int
    stdout: str
    stderr: str


class Runner(Protocol):
    def __call__(self, argv: Sequence[str], *, timeout: float) -> RunResult: ...


def subprocess_runner(argv: Sequence[str], *, timeout: float) -> RunResult:
    """Run ``argv`` without a shell; kill it after ``timeout`` seconds."""
    try:
        proc = subprocess.run(
            list(argv),
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except FileNotFoundError as exc:
        raise TctlError(
            f"tctl was not found at {argv[0]!r}; install Teleport's tctl, or point tctl_path "
            "(or the TELEPORT_TCTL environment variable) at it",
            argv=argv,
        ) from exc
    except PermissionError as exc:
        raise TctlError(f"{argv[0]!r} is not executable; check tctl_path", argv=argv) from exc
    except subprocess.TimeoutExpired as exc:
        raise TctlError(
            f"tctl did not finish within {timeout:g} s and was stopped; check that the auth "
            "server is reachable, or raise the timeout (teleport-oidc:tctlTimeout)",
            argv=argv,
        ) from exc
    return RunResult(proc.returncode, proc.stdout, proc.stderr)


@dataclass(frozen=True)
class Connection:
    """How to reach Teleport. ``identity`` is identity file content: secret, never printed."""

    tctl_path: str = "tctl"
    auth_server: str | None = None
    identity_file: str | None = None
    identity: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT


def resolve_connection(
    inputs: Mapping[str, Any], config: Mapping[str, Any], environ: Mapping[str, str]
) -> Connection:
    """Resolve connection settings: resource inputs, then stack config, then environment.

    Config keys (namespace ``teleport-oidc``): ``authServer``, ``identityFile``, ``identity``
    (secret: identity file content), ``tctlPath``, ``tctlTimeout``. Environment:
    ``TELEPORT_AUTH_SERVER``, ``TELEPORT_IDENTITY_FILE``, ``TELEPORT_TCTL``. Without any, tctl
    from ``PATH`` with its own defaults (local auth config or the current tsh profile).
    """

    def pick(input_key: str, config_key: str | None, env_key: str | None) -> str | None:
        for value in (
            inputs.get(input_key),
            config.get(config_key) if config_key else None,
            environ.get(env_key) if env_key else None,
        ):
            if isinstance(value, str) and value:
                return value
        return None

    identity_file = pick("identity_file", "identityFile", None)
    identity = None
    if identity_file is None:
        content = config.get("identity")
        if isinstance(content, str) and content:
            identity = content
        else:
            identity_file = environ.get("TELEPORT_IDENTITY_FILE") or None
    timeout = config.get("tctlTimeout")
    try:
        timeout_value = float(timeout) if timeout not in (None, "") else DEFAULT_TIMEOUT
    except (TypeError, ValueError):
        timeout_value = DEFAULT_TIMEOUT
    return Connection(
        tctl_path=pick("tctl_path", "tctlPath", "TELEPORT_TCTL") or "tctl",
        auth_server=pick("auth_server", "authServer", "TELEPORT_AUTH_SERVER"),
        identity_file=identity_file,
        identity=identity,
        timeout=timeout_value if timeout_value > 0 else DEFAULT_TIMEOUT,
    )


def integration_resource(
    name: str, role_arn: str, audience: str = "", labels: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The ``integration`` resource as ``tctl create`` takes it (no deprecated fields)."""
    metadata: dict[str, Any] = {"name": name}
    if labels:
        metadata["labels"] = dict(sorted(labels.items()))
    aws_oidc: dict[str, Any] = {"role_arn": role_arn}
    if audience:
        aws_oidc["audience"] = audience
    return {
        "kind": "integration",
        "sub_kind": "aws-oidc",
        "version": "v1",
        "metadata": metadata,
        "spec": {"aws_oidc": aws_oidc},
    }


def integration_yaml(resource: Mapping[str, Any]) -> str:
    """The file handed to ``tctl create``, exactly."""
    import yaml  # lazily: only tctl calls and plan need it

    return yaml.safe_dump(dict(resource), sort_keys=False)


@contextlib.contextmanager
def _private_file(prefix: str, content: str) -> Iterator[str]:
    """A 0600 temporary file holding ``content``, removed on exit whatever happens."""
    fd, path = tempfile.mkstemp(prefix=prefix)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
        yield path
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


class Tctl:
    """The tctl calls the provider needs. Exactly one process per method call."""

    def __init__(self, connection: Connection, runner: Runner | None = None) -> None:
        self.connection = connection
        self._runner: Runner = runner or subprocess_runner

    @contextlib.contextmanager
    def _argv(self, *args: str) -> Iterator[list[str]]:
        conn = self.connection
        argv = [conn.tctl_path]
        if conn.auth_server:
            argv.append(f"--auth-server={conn.auth_server}")
        if conn.identity is not None:
            with _private_file("teleport-oidc-identity-", conn.identity) as path:
                yield [*argv, "-i", path, *args]
            return
        if conn.identity_file:
            if not os.access(conn.identity_file, os.R_OK):
                raise TctlError(
                    f"the identity file {conn.identity_file!r} cannot be read; check the path "
                    "and its permissions, or renew it with `tctl auth sign` / tbot"
                )
            argv += ["-i", conn.identity_file]
        yield [*argv, *args]

    def _call(self, *args: str) -> tuple[list[str], RunResult]:
        with self._argv(*args) as argv:
            return argv, self._runner(argv, timeout=self.connection.timeout)

    @staticmethod
    def _failure(what: str, argv: list[str], result: RunResult) -> TctlError:
        return TctlError(
            f"tctl {what} failed",
            argv=argv,
            returncode=result.returncode,
            stderr=result.stderr or result.stdout,
        )

    def create(self, resource: Mapping[str, Any], *, force: bool) -> None:
        """``tctl create [--force] FILE``; raises :class:`AlreadyExistsError` when it exists.

        In real tctl ``-f`` is short for ``--force``, so the plain create passes no flag.
        """
        name = resource["metadata"]["name"]
        text = integration_yaml(resource)
        with _private_file("teleport-oidc-integration-", text) as path:
            argv, result = self._call("create", *(["--force"] if force else []), path)
        if result.returncode == 0:
            return
        if _ALREADY_EXISTS.search(result.stderr):
            raise AlreadyExistsError(
                f"the Teleport integration {name!r} already exists. Either set "
                "adopt_existing=True to take it over, or remove it with "
                f"`tctl rm integration/{name}` and run again",
                argv=argv,
                returncode=result.returncode,
                stderr=result.stderr,
            )
        raise self._failure("create", argv, result)

    def get(self, name: str) -> dict[str, Any] | None:
        """The integration as JSON, or ``None`` when it does not exist."""
        argv, result = self._call("get", f"integration/{name}", "--format=json")
        if result.returncode != 0:
            if _NOT_FOUND.search(result.stderr + result.stdout):
                return None
            raise self._failure(f"get integration/{name}", argv, result)
        try:
            items = json.loads(result.stdout or "[]")
        except ValueError as exc:
            raise TctlError(
                f"tctl get integration/{name} printed something that is not JSON",
                argv=argv,
                stderr=result.stdout,
            ) from exc
        if isinstance(items, dict):
            items = [items]
        if not isinstance(items, list):
            raise TctlError(
                f"tctl get integration/{name} printed an unexpected JSON value", argv=argv
            )
        for item in items:
            if isinstance(item, dict) and item.get("metadata", {}).get("name") == name:
                return item
        return None

    def remove(self, name: str) -> bool:
        """``tctl rm integration/NAME``; ``False`` when it was already gone."""
        argv, result = self._call("rm", f"integration/{name}")
        if result.returncode == 0:
            return True
        text = result.stderr + result.stdout
        if _IN_USE.search(text):
            raise InUseError(
                f"Teleport refused to delete the integration {name!r} because External Audit "
                "Storage or an AWS Identity Center plugin uses it; remove that first "
                "(Teleport web UI or `tctl`), then run again",
                argv=argv,
                returncode=result.returncode,
                stderr=result.stderr,
            )
        if _NOT_FOUND.search(text):
            return False
        raise self._failure(f"rm integration/{name}", argv, result)
