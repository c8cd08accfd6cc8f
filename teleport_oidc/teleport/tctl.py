"""Talking to Teleport through ``tctl``: the process seam, the connection, and exact answers.

::

    subprocess_runner   the seam: runs argv (no shell) in its own process group, bounded by a
                        timeout that stops the whole group; maps launch and decoding failures
                        to TctlError. No other logic.
    Connection          how to reach Teleport (binary, auth server, identity, timeout)
    Tctl                create(document, force) / get(kind, name) / remove(kind, name), for any
                        kind; "not found" and "already exists" only when tctl printed Teleport's
                        own text for *that* kind and name (``texts.py``), anything else a
                        TctlError saying what tctl printed.

Secrets: identity file *content* (secret stack config) goes to a 0600 temporary file for the
duration of one call; only its path reaches the command line. Temporary files and running tctl
process groups are registered with a small reaper process (``reaper_main.py``, one per provider
process, in its own session): when the provider dies mid-call — SIGTERM or SIGKILL — the reaper
stops tctl and removes the files. What can still be left behind: if the reaper itself is killed
together with the provider (e.g. ``kill -9`` of both, a container or cgroup killed at once),
files named ``teleport-oidc-identity-*`` (identity content, 0600) and ``teleport-oidc-<kind>-*``
(the resource document) in the temporary directory (``$TMPDIR``, else ``/tmp``).
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from ..errors import TctlError
from . import texts
from .document import to_yaml
from .settings import (
    DEFAULT_TIMEOUT,
    IDENTITY_NOT_SHOWN,
    MAX_TIMEOUT,
    SETTING_SOURCES,
    TIMEOUT_CONFIG_KEY,
    address_identity,
    check_setting,
    looks_like_identity,
    parse_timeout,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "IDENTITY_NOT_SHOWN",
    "MAX_TIMEOUT",
    "SETTING_SOURCES",
    "TEMP_PREFIX",
    "TIMEOUT_CONFIG_KEY",
    "AlreadyExistsError",
    "Connection",
    "InUseError",
    "RunResult",
    "Runner",
    "Tctl",
    "address_identity",
    "check_setting",
    "looks_like_identity",
    "parse_timeout",
    "resolve_connection",
    "subprocess_runner",
]

TEMP_PREFIX = "teleport-oidc-"
_TCTL_PATH_FIX = (
    "install Teleport's tctl, or set `pulumi config set teleport-oidc:tctlPath /path/to/tctl` "
    "(or the tctl_path argument, or the TELEPORT_TCTL environment variable)"
)


class AlreadyExistsError(TctlError):
    """``tctl create`` refused: a resource of that kind and name exists."""


class InUseError(TctlError):
    """``tctl rm`` refused: External Audit Storage or an Identity Center plugin uses it."""


@dataclass(frozen=True)
class RunResult:
    returncode: int
    stdout: str
    stderr: str


class Runner(Protocol):
    def __call__(self, argv: Sequence[str], *, timeout: float) -> RunResult: ...


class _Reaper:
    """The provider's side of ``reaper_main.py``: started on first use, one per process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._pid = -1

    def _stdin(self) -> IO[bytes] | None:
        if self._proc is None or self._pid != os.getpid():
            script = Path(__file__).with_name("reaper_main.py")
            try:
                self._proc = subprocess.Popen(
                    [sys.executable, "-I", str(script)],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
            except OSError:
                return None
            self._pid = os.getpid()
            atexit.register(self._close)
        return self._proc.stdin

    def tell(self, line: str) -> None:
        with self._lock:
            stdin = self._stdin()
            if stdin is not None:
                with contextlib.suppress(OSError, ValueError):
                    stdin.write(f"{line}\n".encode())
                    stdin.flush()

    def _close(self) -> None:
        proc = self._proc
        if proc is not None and proc.stdin is not None and self._pid == os.getpid():
            with contextlib.suppress(OSError):
                proc.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)


_REAPER = _Reaper()


def _launch_error(argv: Sequence[str], exc: OSError) -> TctlError:
    program = argv[0]
    where = program if os.sep in program else shutil.which(program)
    if isinstance(exc, FileNotFoundError):
        if where and os.path.exists(where):
            first = ""
            with contextlib.suppress(OSError), open(where, "rb") as handle:
                first = handle.readline(200).decode("utf-8", "replace").strip()
            interpreter = first[2:].strip().split(" ")[0] if first.startswith("#!") else "?"
            return TctlError(
                f"tctl at {where!r} exists but could not be started: it is a script whose "
                f"interpreter {interpreter!r} is missing; reinstall tctl, or point "
                "teleport-oidc:tctlPath at the real tctl binary",
                argv=argv,
            )
        return TctlError(f"tctl was not found at {program!r}; {_TCTL_PATH_FIX}", argv=argv)
    if isinstance(exc, PermissionError):
        return TctlError(
            f"{program!r} is not executable; check teleport-oidc:tctlPath (or tctl_path) and "
            "the file's permissions",
            argv=argv,
        )
    if exc.errno == errno.ENOEXEC:
        return TctlError(
            f"{program!r} is not a program this machine can run (exec format error: built for "
            "another architecture, or not a binary); install the tctl built for this machine "
            "(see `uname -m`) and point teleport-oidc:tctlPath at it",
            argv=argv,
        )
    return TctlError(f"tctl at {program!r} could not be started: {exc.strerror}", argv=argv)


def _stop_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(OSError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(OSError, ValueError, subprocess.TimeoutExpired):
        proc.communicate(timeout=5)


def _decode(data: bytes, what: str, argv: Sequence[str], returncode: int) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TctlError(
            f"tctl's {what} is not UTF-8 text (byte {exc.start}); check that "
            "teleport-oidc:tctlPath is Teleport's tctl",
            argv=argv,
            returncode=returncode,
            stderr=data.decode("utf-8", "backslashreplace"),
        ) from exc


def subprocess_runner(argv: Sequence[str], *, timeout: float) -> RunResult:
    """Run ``argv`` without a shell in a new process group; stop the group after ``timeout``."""
    try:
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        raise _launch_error(argv, exc) from exc
    except ValueError as exc:  # a NUL byte in argv: checked earlier, mapped here all the same
        raise TctlError(
            "tctl could not be started: its command line holds a NUL byte; check "
            "teleport-oidc:tctlPath (or tctl_path) and identityFile (or identity_file)",
            argv=[a.replace("\0", "\\0") for a in argv],
        ) from exc
    _REAPER.tell(f"+pgid {proc.pid}")
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        _stop_group(proc)
        raise TctlError(
            f"tctl did not finish within {timeout:g} s and was stopped (with every process it "
            "started); check that the auth server is reachable, or raise "
            f"{TIMEOUT_CONFIG_KEY}",
            argv=argv,
        ) from exc
    except BaseException:
        _stop_group(proc)
        raise
    finally:
        _REAPER.tell(f"-pgid {proc.pid}")
    code = proc.returncode
    return RunResult(
        code,
        _decode(out, "output (stdout)", argv, code),
        _decode(err, "error output (stderr)", argv, code),
    )


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

    def pick(key: str, *, environment: bool = True) -> str | None:
        input_key, config_key, env_key = SETTING_SOURCES[key]
        for value, where in (
            (inputs.get(input_key), input_key),
            (config.get(config_key.split(":", 1)[1]), config_key),
            (environ.get(env_key) if environment else None, env_key),
        ):
            if isinstance(value, str) and value:
                return check_setting(key, value, where)
        return None

    identity_file = pick("identity_file", environment=False)
    identity = None
    if identity_file is None:
        content = config.get("identity")
        if isinstance(content, str) and content:
            identity = content
        else:
            identity_file = pick("identity_file")
    return Connection(
        tctl_path=pick("tctl_path") or "tctl",
        auth_server=pick("auth_server"),
        identity_file=identity_file,
        identity=identity,
        timeout=parse_timeout(config.get("tctlTimeout")),
    )


@contextlib.contextmanager
def _private_file(kind: str, content: str) -> Iterator[str]:
    """A 0600 temporary file holding ``content``, removed on exit (or by the reaper)."""
    fd, path = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{kind}-")
    _REAPER.tell(f"+file {path}")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
        yield path
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        _REAPER.tell(f"-file {path}")


#: Terminal escape sequences (colours) as tctl prints them.
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _found(output: str, templates: Sequence[str], kind: str, name: str) -> bool:
    return any(text in output for text in texts.render(templates, kind, name))


class Tctl:
    """The tctl calls the providers need. Exactly one process per method call."""

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
            with _private_file("identity", conn.identity) as path:
                yield [*argv, "-i", path, *args]
            return
        if conn.identity_file:
            path = check_setting("identity_file", conn.identity_file)
            if not os.access(path, os.R_OK):
                raise TctlError(
                    f"the identity file {path!r} cannot be read; check the path "
                    "and its permissions, or renew it with `tctl auth sign` / tbot"
                )
            argv += ["-i", conn.identity_file]
        yield [*argv, *args]

    def _call(self, *args: str) -> tuple[list[str], RunResult]:
        with self._argv(*args) as argv:
            result = self._runner(argv, timeout=self.connection.timeout)
        # Real tctl colours "ERROR:" even when not writing to a terminal: keep escapes out of
        # matching and out of the messages users read.
        return argv, RunResult(
            result.returncode, _ANSI.sub("", result.stdout), _ANSI.sub("", result.stderr)
        )

    @staticmethod
    def _failure(what: str, argv: list[str], result: RunResult, kind: str = "") -> TctlError:
        output = result.stderr + result.stdout
        if kind and _found(output, texts.UNKNOWN_KIND, kind, ""):
            since = texts.UNKNOWN_KIND_SINCE.get(kind)
            added = f" (Teleport added it in v{since})" if since else ""
            return TctlError(
                f"tctl {what} failed: the Teleport cluster (or the tctl) does not know the "
                f"{kind} kind{added}; upgrade Teleport and tctl"
                + (f" to v{since} or newer" if since else "")
                + f", or leave the {kind} out of the program",
                argv=argv,
                returncode=result.returncode,
                stderr=result.stderr or result.stdout,
            )
        return TctlError(
            f"tctl {what} failed",
            argv=argv,
            returncode=result.returncode,
            stderr=result.stderr or result.stdout,
        )

    def create(self, document: Mapping[str, Any], *, force: bool) -> None:
        """``tctl create [--force] FILE``; :class:`AlreadyExistsError` when it exists.

        In real tctl ``-f`` is short for ``--force``, so the plain create passes no flag.
        """
        kind = str(document["kind"])
        name = str(document["metadata"]["name"])
        with _private_file(kind, to_yaml(document)) as path:
            argv, result = self._call("create", *(["--force"] if force else []), path)
        if result.returncode == 0:
            return
        output = result.stderr + result.stdout
        exists = texts.ALREADY_EXISTS.get(kind, ())
        if not force and _found(output, exists, kind, name):
            raise AlreadyExistsError(
                f"the Teleport {kind} {name!r} already exists",
                argv=argv,
                returncode=result.returncode,
                stderr=result.stderr,
            )
        raise self._failure(f"create {kind}/{name}", argv, result, kind)

    def _not_found(self, output: str, kind: str, name: str) -> bool:
        templates = [
            *texts.NOT_FOUND.values(),
            *texts.NOT_FOUND_BY_KIND.get(kind, {}).values(),
        ]
        return _found(output, templates, kind, name)

    def get(self, kind: str, name: str) -> dict[str, Any] | None:
        """The resource as tctl prints it in JSON, or ``None`` when Teleport says it is gone."""
        ref = f"{kind}/{name}"
        argv, result = self._call("get", ref, "--format=json")
        if result.returncode != 0:
            if self._not_found(result.stderr + result.stdout, kind, name):
                return None
            raise self._failure(f"get {ref}", argv, result, kind)

        def odd(what: str) -> TctlError:
            return TctlError(
                f"tctl get {ref} exited 0 but printed {what}, not the one {kind} named "
                f"{name!r}; this is not Teleport's answer for a missing {kind} either, so "
                "nothing was assumed; check that teleport-oidc:tctlPath is Teleport's tctl",
                argv=argv,
                returncode=result.returncode,
                stderr=result.stdout or result.stderr or "(nothing)",
            )

        try:
            items = json.loads(result.stdout)
        except ValueError as exc:
            raise odd("something that is not JSON") from exc
        if not isinstance(items, list):
            raise odd(f"a JSON {type(items).__name__} instead of a list")
        matching = [
            item
            for item in items
            if isinstance(item, dict)
            and item.get("kind") == kind
            and isinstance(item.get("metadata"), dict)
            and item["metadata"].get("name") == name
        ]
        if len(matching) != 1 or len(items) != 1:
            raise odd(f"{len(items)} item(s), {len(matching)} of them the {kind} {name!r}")
        return matching[0]

    def remove(self, kind: str, name: str) -> bool:
        """``tctl rm KIND/NAME``; ``False`` when Teleport says it was already gone."""
        ref = f"{kind}/{name}"
        argv, result = self._call("rm", ref)
        if result.returncode == 0:
            return True
        output = result.stderr + result.stdout
        if self._not_found(output, kind, name):
            return False
        if any(t in output for t in texts.render(texts.IN_USE, kind, name)):
            raise InUseError(
                f"Teleport refused to delete the {kind} {name!r} because External Audit "
                "Storage or an AWS Identity Center plugin uses it; remove that first "
                "(Teleport web UI or `tctl`), then run again",
                argv=argv,
                returncode=result.returncode,
                stderr=result.stderr,
            )
        raise self._failure(f"rm {ref}", argv, result, kind)
