"""A ``pulumi-language-python`` for the commands that run no program, such as ``pulumi import``.

The real Python language host is a Go module the Go module proxy here does not serve
(``langhost.py``). ``pulumi import`` runs no program, but the engine still asks the project's
language host which packages the program needs before it reads anything. This executable serves
the SDK's own ``LanguageServer`` (Automation API's; it answers that there are none, as the real
host does for a program that names none, and can run nothing) and prints its port, as a plugin
must. Put on ``PATH`` as ``pulumi-language-python`` by :func:`install`.
"""

from __future__ import annotations

import sys
import threading
from concurrent import futures
from pathlib import Path

import grpc
from pulumi.automation._server import LanguageServer
from pulumi.runtime.proto import language_pb2_grpc


def _nothing() -> None:
    raise RuntimeError("this stand-in language host serves commands that run no program")


def install(folder: Path) -> Path:
    """Write the ``pulumi-language-python`` launcher into ``folder`` (on the harness's PATH)."""
    repo = Path(__file__).resolve().parents[2]
    launcher = folder / "pulumi-language-python"
    launcher.write_text(
        f'#!/bin/sh\ncd "{repo}" && exec "{sys.executable}" -m tests.engine.import_langhost "$@"\n'
    )
    launcher.chmod(0o755)
    return launcher


def main() -> None:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    language_pb2_grpc.add_LanguageRuntimeServicer_to_server(LanguageServer(_nothing), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    threading.Event().wait()  # until the engine stops the plugin


if __name__ == "__main__":
    main()
