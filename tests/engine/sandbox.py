"""Try a program against the real Pulumi engine with no cloud account: the sandbox.

    tests/engine/sandbox PROGRAM_DIR -- COMMAND...    run COMMAND in PROGRAM_DIR
    tests/engine/sandbox --stop PROGRAM_DIR           stop and forget that program's sandbox

COMMAND sees the real ``pulumi`` on PATH, an isolated PULUMI_HOME and local backend, a
passphrase, the stack ``sandbox`` (config ``Pulumi.sandbox.yaml``, first copied from the program's
``Pulumi.example.yaml``), the stand-in aws plugin over a moto server and the stand-in tctl. The
moto server and the stand-in Teleport proxy start on first use and keep running for that
PROGRAM_DIR, so AWS, Teleport and Pulumi state stay in step between calls. Loopback only.

A TypeScript program (``runtime: nodejs``) is made runnable first: the SDK ``pulumi package add``
would generate is written to its ``sdks/teleport-oidc`` (when not there), ``node_modules`` is
linked to the cached install and the program compiled; the plugin (``provider/``'s launcher) is
installed into the sandbox's PULUMI_HOME, as ``pulumi package add`` installs it. A YAML program
names the plugin under ``packages:`` itself. For both, as for their users, ``PULUMI_PYTHON_CMD``
is unset.
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
            "moto_url": f"http://127.0.0.1:{port}",
            "https_proxy": proxy,
            "ca_bundle": str(ca_bundle),
        }
        (state / "services.json.tmp").write_text(json.dumps(services))
        (state / "services.json.tmp").rename(state / "services.json")
        stop.wait()
    moto.stop()


def _running(state: Path) -> dict[str, Any] | None:
    path = state / "services.json"
    if not path.is_file():
        return None
    services: dict[str, Any] = json.loads(path.read_text())
    try:
        os.kill(int(services["pid"]), 0)
    except OSError:
        path.unlink()
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


def run(program: Path, command: list[str]) -> int:
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
    return subprocess.run(command, cwd=program, env=harness.env(), check=False).returncode


def _other_language(program: Path, harness: Harness) -> None:
    """A TypeScript or YAML program runs as its users' would: no Python for dynamic resources;
    a TypeScript one compiled against the generated SDK."""
    kind = runtime(program)
    if kind not in ("nodejs", "yaml"):
        return
    harness.dynamic_python = False
    if kind == "yaml":
        build.build_yaml()
        return
    _say("compiling the program against the generated SDK")
    try:
        sdks.prepare_typescript(program, build.build_sdkgen(), build.build_node())
    except sdks.SdkError as exc:
        raise build.EngineUnavailable(str(exc)) from exc


def stop(program: Path) -> int:
    state = state_dir(program)
    services = _running(state)
    if services:
        os.kill(int(services["pid"]), signal.SIGTERM)
        for _ in range(100):
            if _running(state) is None and not _alive(int(services["pid"])):
                break
            time.sleep(0.1)
    shutil.rmtree(state, ignore_errors=True)
    (program / f"Pulumi.{STACK}.yaml").unlink(missing_ok=True)
    _say(f"stopped; removed {state} and Pulumi.{STACK}.yaml")
    return 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


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
