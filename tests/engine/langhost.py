"""Run a Pulumi CLI command on a Python program through the SDK's own language server.

The Python language host (``pulumi-language-python``) is a Go module the Go module proxy here
does not serve, so programs reach the real CLI the way Automation API inline programs do: this
process serves ``pulumi.automation``'s ``LanguageServer`` for the program and passes its address
to the CLI with ``--client``. Usage::

    python -m tests.engine.langhost PULUMI_CLI PROGRAM_DIR -- ARGS...

Commands that run no program (``stack``, ``config``, ...) are passed through unchanged. A
Node.js program (``runtime: nodejs``) goes to ``tests/engine/node/langhost.js``, which does the
same with ``@pulumi/pulumi``'s language server; a YAML program goes straight to the CLI, which
starts ``pulumi-language-yaml`` from PATH.
"""

from __future__ import annotations

import os
import runpy
import shutil
import subprocess
import sys
from concurrent import futures
from pathlib import Path

import grpc
import yaml
from pulumi.automation._server import LanguageServer
from pulumi.runtime.proto import language_pb2_grpc

#: Subcommands that run the program (and so take ``--client``).
RUNS_PROGRAM = {"preview", "pre", "up", "update", "refresh", "destroy", "down"}


#: The Node.js twin of this module.
NODE_LANGHOST = Path(__file__).with_name("node") / "langhost.js"


def _manifest(program_dir: Path) -> dict[str, object]:
    return yaml.safe_load((program_dir / "Pulumi.yaml").read_text()) or {}


def runtime(program_dir: Path) -> str:
    """The program's runtime name (``python``, ``nodejs``, ``yaml``, ...)."""
    value = _manifest(program_dir).get("runtime")
    name = value.get("name") if isinstance(value, dict) else value
    return str(name or "")


def entry_point(program_dir: Path) -> Path:
    main = program_dir / str(_manifest(program_dir).get("main") or ".")
    return main / "__main__.py" if main.is_dir() else main


def serve(program_dir: Path) -> tuple[grpc.Server, int]:
    entry = entry_point(program_dir)

    def program() -> None:
        os.chdir(program_dir)
        if str(program_dir) not in sys.path:
            sys.path.insert(0, str(program_dir))
        runpy.run_path(str(entry), run_name="__main__")

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    language_pb2_grpc.add_LanguageRuntimeServicer_to_server(LanguageServer(program), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, port


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[2] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    cli, program_dir, args = argv[0], Path(argv[1]).resolve(), argv[3:]
    if not args or args[0] not in RUNS_PROGRAM or runtime(program_dir) == "yaml":
        return subprocess.run([cli, *args], check=False).returncode
    if runtime(program_dir) == "nodejs":
        node = [shutil.which("node") or "node", str(NODE_LANGHOST), cli, str(program_dir), "--"]
        return subprocess.run([*node, *args], check=False).returncode
    server, port = serve(program_dir)
    try:
        return subprocess.run(
            [cli, *args, f"--client=127.0.0.1:{port}"], cwd=program_dir, check=False
        ).returncode
    finally:
        server.stop(grace=None)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
