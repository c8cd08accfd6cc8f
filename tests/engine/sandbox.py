"""Try a program against the real Pulumi engine with no cloud account: the sandbox.

    tests/engine/sandbox PROGRAM_DIR -- COMMAND...    run COMMAND in PROGRAM_DIR
    tests/engine/sandbox --stop PROGRAM_DIR           stop and forget that program's sandbox

COMMAND sees the real ``pulumi`` and the stand-in ``tctl`` on PATH (``tctl`` already logged in,
through ``TELEPORT_IDENTITY_FILE``, so the stack output ``tctlGetCommand`` runs as printed), an
isolated PULUMI_HOME and local backend, a passphrase, the stack ``sandbox`` (config
``Pulumi.sandbox.yaml``, first copied from the program's ``Pulumi.example.yaml``) and the
stand-in aws plugin over a moto server. The moto server and the stand-in Teleport proxy start on
first use and keep running for that PROGRAM_DIR, so AWS, Teleport and Pulumi state stay in step
between calls. Loopback only. A COMMAND that is not found is one line and exit code 127.

``--stop`` signals the recorded services process only when it is still the one the sandbox
started (its PID, start time and command line as recorded at launch); a record of a process
that is gone, or whose PID now belongs to another process, counts as stopped.

A TypeScript program (``runtime: nodejs``) is made runnable first: the SDK ``pulumi package add``
would generate is written to its ``sdks/teleport-oidc`` (when not there), ``node_modules`` is
linked to the cached install and the program compiled; the plugin (``provider/``'s launcher) is
installed into the sandbox's PULUMI_HOME, as ``pulumi package add`` installs it. A YAML program
names the plugin under ``packages:`` itself. A Python program that names the plugin under
``packages:`` (as ``pulumi package add`` records it) gets the generated Python SDK in its
``sdks/teleport-oidc`` (when not there), importable through its ``PYTHONPATH`` only. For all
three, as for their users, ``PULUMI_PYTHON_CMD`` is unset.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import yaml

from tests.fake_teleport import FakeTeleport

from . import build, sdks
from .harness import Harness, free_port, make_organization, teleport_proxy
from .langhost import runtime
from .process import command_line, identity, signal_if_same

STACK = "sandbox"
#: Connection keys of an example config that point at a real cluster; the sandbox's tctl needs
#: none of them (it gets a dummy identity as a secret instead).
_DROP = ("teleport-oidc:identityFile", "teleport-oidc:authServer", "teleport-oidc:tctlPath")
_IDENTITY = "sandbox identity (the stand-in tctl accepts it)"


def state_dir(program: Path) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    key = hashlib.sha256(str(program).encode()).hexdigest()[:12]
    return Path(base) / "teleport-oidc" / "sandbox" / f"{program.name}-{key}"


def _say(message: str) -> None:
    print(f"[sandbox] {message}", file=sys.stderr, flush=True)


def serve(state: Path) -> None:
    """The long-running half: a moto server and the stand-in Teleport proxy, until SIGTERM."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    moto.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with teleport_proxy(state) as (proxy, ca_bundle):
        services = {
            "pid": os.getpid(),
            "identity": identity(os.getpid()),
            "moto_url": f"http://127.0.0.1:{port}",
            "https_proxy": proxy,
            "ca_bundle": str(ca_bundle),
        }
        (state / "services.json.tmp").write_text(json.dumps(services))
        (state / "services.json.tmp").rename(state / "services.json")
        stop.wait()
    moto.stop()


def _record(state: Path) -> dict[str, Any] | None:
    path = state / "services.json"
    if not path.is_file():
        return None
    try:
        services: dict[str, Any] = json.loads(path.read_text())
        int(services["pid"])
    except (ValueError, KeyError, TypeError):
        return None  # unreadable: not a record of a process we could signal
    return services


def _ours(services: dict[str, Any], state: Path) -> bool:
    """The recorded process is alive and still the one the sandbox started."""
    recorded = _recorded_identity(services, state)
    return recorded is not None and identity(int(services["pid"])) == recorded


def _recorded_identity(services: dict[str, Any], state: Path) -> str | None:
    """The identity recorded at launch; for a record written before identities were kept, the
    current one if the PID still runs this state's ``--serve`` (else None: not ours)."""
    if "identity" in services:
        return str(services["identity"])
    pid = int(services["pid"])
    serving = ["-m", "tests.engine.sandbox", "--serve", str(state)]  # as _start launches it
    return identity(pid) if (command_line(pid) or [])[-4:] == serving else None


def _running(state: Path) -> dict[str, Any] | None:
    services = _record(state)
    if services is None:
        return None
    if not _ours(services, state):
        (state / "services.json").unlink()
        return None
    return services


def _start(state: Path) -> dict[str, Any]:
    services = _running(state)
    if services:
        return services
    _say(f"starting moto and the stand-in Teleport proxy (state in {state})")
    log = (state / "services.log").open("ab")
    subprocess.Popen(
        [sys.executable, "-m", "tests.engine.sandbox", "--serve", str(state)],
        stdout=log,
        stderr=log,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        services = _running(state)
        if services:
            return services
        time.sleep(0.1)
    raise build.EngineUnavailable(f"the sandbox services did not start; see {log.name}")


def _teleport(state: Path) -> FakeTeleport:
    if (state / "teleport").is_dir():
        return FakeTeleport(state / "teleport", state / "bin" / "tctl")
    return FakeTeleport.create(state)


def _stack(program: Path, harness: Harness, teleport: FakeTeleport) -> None:
    if harness.pulumi(program, "stack", "select", STACK).returncode == 0:
        return
    config = program / f"Pulumi.{STACK}.yaml"
    example = program / "Pulumi.example.yaml"
    if not config.exists():
        data = yaml.safe_load(example.read_text()) if example.is_file() else {}
        values = {k: v for k, v in (data or {}).get("config", {}).items() if k not in _DROP}
        config.write_text(yaml.safe_dump({"config": values}, sort_keys=False))
    for args, stdin in (
        (("stack", "init", STACK), None),
        (("config", "set", "--secret", "teleport-oidc:identity"), _IDENTITY),
    ):
        done = harness.pulumi(program, *args, stdin=stdin)
        if done.returncode != 0:
            raise build.EngineUnavailable(f"`pulumi {' '.join(args)}` failed: {done.stderr}")
    teleport.require_identity(_IDENTITY)
    if program.name == "private-ca" and harness.ca_bundle:
        harness.pulumi(program, "config", "set", "caBundle", str(harness.ca_bundle))
    if program.name == "discovery-organization":
        make_organization(harness, ("dev", "staging", "prod"))
    _say(f"stack {STACK!r} created with config {config}")


def _not_found(command: list[str], program: Path) -> str | None:
    """Why ``command`` cannot run in the sandbox, or None. ``pulumi`` and ``tctl`` are the
    sandbox's own; anything else is looked up as the shell would, before anything starts."""
    name = command[0]
    if name in ("pulumi", "tctl"):
        return None
    if os.sep in name:
        path = program / name
        if not path.is_file():
            return f"{name}: no such file (relative to {program})"
        if not os.access(path, os.X_OK):
            return f"{name}: not executable"
        return None
    search = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    if shutil.which(name, path=search) is None:
        return f"{name}: command not found (the sandbox runs pulumi, tctl and what is on your PATH)"
    return None


def run(program: Path, command: list[str]) -> int:
    problem = _not_found(command, program)
    if problem:
        _say(problem)
        return 127
    state = state_dir(program)
    state.mkdir(parents=True, exist_ok=True)
    cli = build.build()
    services = _start(state)
    teleport = _teleport(state)
    harness = Harness(
        root=state / "engine",
        cli=cli,
        moto_url=services["moto_url"],
        tctl=teleport.tctl,
        https_proxy=services["https_proxy"],
        ca_bundle=Path(services["ca_bundle"]),
    )
    _other_language(program, harness)
    harness.setup()
    if runtime(program) == "nodejs":
        harness.install_plugin()
    _stack(program, harness, teleport)
    env = harness.env()
    env["PATH"] = os.pathsep.join([str(teleport.tctl.parent), env["PATH"]])
    env["TELEPORT_IDENTITY_FILE"] = str(_identity_file(state))
    try:
        return subprocess.run(command, cwd=program, env=env, check=False).returncode
    except OSError as exc:  # found above, gone or unrunnable since: still one line
        _say(f"{command[0]}: {exc.strerror or exc}")
        return 127 if isinstance(exc, FileNotFoundError) else 126


def _identity_file(state: Path) -> Path:
    """The identity the stand-in tctl accepts, for a COMMAND's own ``tctl`` calls (the program
    gets it as the secret ``teleport-oidc:identity``)."""
    path = state / "tctl-identity"
    if not path.is_file():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(_IDENTITY)
    return path


def uses_the_python_sdk(program: Path) -> bool:
    """A Python program that names the plugin under ``packages:`` (as ``pulumi package add``
    records it) uses the generated SDK, not the ``teleport_oidc`` package."""
    manifest = yaml.safe_load((program / "Pulumi.yaml").read_text()) or {}
    return runtime(program) == "python" and "teleport-oidc" in (manifest.get("packages") or {})


def _other_language(program: Path, harness: Harness) -> None:
    """A TypeScript, YAML or Python SDK program runs as its users' would: no Python for dynamic
    resources; a TypeScript one compiled against the generated SDK, a Python one importing it."""
    kind = runtime(program)
    if kind not in ("nodejs", "yaml") and not uses_the_python_sdk(program):
        return
    harness.dynamic_python = False
    if kind == "yaml":
        build.build_yaml()
        return
    if kind == "python":
        _say("generating the Python SDK into sdks/teleport-oidc")
        try:
            harness.python_path = (sdks.prepare_python(program, build.build_sdkgen()),)
        except sdks.SdkError as exc:
            raise build.EngineUnavailable(str(exc)) from exc
        return
    _say("compiling the program against the generated SDK")
    try:
        sdks.prepare_typescript(program, build.build_sdkgen(), build.build_node())
    except sdks.SdkError as exc:
        raise build.EngineUnavailable(str(exc)) from exc


def stop(program: Path) -> int:
    state = state_dir(program)
    services = _record(state)
    if services is not None:
        pid = int(services["pid"])
        recorded = _recorded_identity(services, state)
        if recorded is not None and signal_if_same(pid, recorded, signal.SIGTERM):
            for _ in range(100):
                if identity(pid) != recorded:
                    break
                time.sleep(0.1)
        else:
            _say(
                f"the recorded services process {pid} is no longer the sandbox's (it ended; the "
                "PID may now belong to another process, which is left alone): nothing to stop"
            )
    shutil.rmtree(state, ignore_errors=True)
    (program / f"Pulumi.{STACK}.yaml").unlink(missing_ok=True)
    _say(f"stopped; removed {state} and Pulumi.{STACK}.yaml")
    return 0


def main(argv: list[str]) -> int:
    try:
        if len(argv) == 2 and argv[0] == "--serve":
            serve(Path(argv[1]))
            return 0
        if len(argv) == 2 and argv[0] == "--stop":
            return stop(Path(argv[1]).resolve())
        if len(argv) >= 3 and argv[1] == "--":
            program = Path(argv[0]).resolve()
            if not (program / "Pulumi.yaml").is_file():
                _say(f"{argv[0]} has no Pulumi.yaml; give the folder of a Pulumi program")
                return 2
            return run(program, argv[2:])
    except build.EngineUnavailable as exc:
        _say(str(exc))
        return 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
