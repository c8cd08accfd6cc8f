#!/usr/bin/env python3
"""Build real ``teleport`` and ``tctl`` once per machine from the wrapper module in tests/teleport.

Cached by commit in ``${XDG_CACHE_HOME:-~/.cache}/teleport-oidc/teleport-<commit>/bin``; a no-op
when built. ``TELEPORT_OIDC_TELEPORT_BIN_DIR`` points the tier at binaries of your own instead.
Both come from ONE ``go build`` with the same (default) tags, so the tree compiles once. ``tctl``
is Teleport's own; ``teleport`` is Teleport's own CLI started with the web UI off
(tests/teleport/cmd/teleport: the proxy refuses to start without embedded web assets, and
``go build -overlay`` may not replace files in the module cache). Nothing of Teleport is copied.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

WRAPPER = Path(__file__).resolve().parent / "teleport"
MODULE = "github.com/gravitational/teleport"
# ./cmd/teleport is Teleport's own CLI with the web UI off (see its comment); tctl is as is.
TOOLS = ("./cmd/teleport", f"{MODULE}/tool/tctl")
BIN_DIR_ENV = "TELEPORT_OIDC_TELEPORT_BIN_DIR"


class BuildError(Exception):
    """Teleport could not be built here; the message says why."""


def pinned_version() -> str:
    """The Teleport pseudo-version the wrapper go.mod requires."""
    text = (WRAPPER / "go.mod").read_text()
    match = re.search(rf"^(?:require)?\s*{re.escape(MODULE)} (v\S+)", text, re.MULTILINE)
    if not match:
        raise BuildError(f"{WRAPPER / 'go.mod'} requires no {MODULE}; run gen_gomod.py")
    return match.group(1)


def cache_dir() -> Path:
    commit = pinned_version().rsplit("-", 1)[-1]
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "teleport-oidc" / f"teleport-{commit}"


def bin_dir() -> Path:
    """Where the tier takes ``teleport`` and ``tctl`` from (env override, else the cache)."""
    override = os.environ.get(BIN_DIR_ENV)
    return Path(override) if override else cache_dir() / "bin"


def missing_binaries(where: Path) -> list[str]:
    return [name for name in ("teleport", "tctl") if not os.access(where / name, os.X_OK)]


def _go_env() -> dict[str, str]:
    # GONOSUMDB: see gen_gomod.go_env (go.sum, committed, pins Teleport's own hashes).
    return {
        **os.environ,
        "GOTOOLCHAIN": "local",
        "GOFLAGS": "-mod=mod",
        "GONOSUMDB": ",".join(filter(None, [os.environ.get("GONOSUMDB"), MODULE])),
    }


def _go(*args: str) -> str:
    proc = subprocess.run(
        ["go", *args], cwd=WRAPPER, env=_go_env(), capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise BuildError(f"go {' '.join(args)} failed:\n{proc.stderr.strip()}")
    return proc.stdout


def build(log: bool = True) -> Path:
    """Build into the cache (no-op when there); returns the bin directory."""
    say = print if log else (lambda *_a, **_k: None)
    if os.environ.get(BIN_DIR_ENV):
        where = bin_dir()
        if missing_binaries(where):
            raise BuildError(f"{BIN_DIR_ENV}={where} lacks {', '.join(missing_binaries(where))}")
        say(f"using teleport and tctl from {BIN_DIR_ENV}={where}")
        return where
    out = cache_dir()
    if not missing_binaries(out / "bin"):
        say(f"already built: {out / 'bin'}")
        return out / "bin"
    version = pinned_version()
    started = time.monotonic()
    say(f"[1/3] downloading {MODULE}@{version} and its dependencies (module cache) ...")
    _go("mod", "download")
    tmp = out / "bin.partial"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    say("[2/3] go build -p 2 teleport tctl (cold: tens of minutes on 2 cores) ...", flush=True)
    # -checklinkname=0: Teleport 13's parquet-go links to runtime.aeskeysched, which Go 1.23+
    # refuses to link by default ("invalid reference to runtime.aeskeysched").
    argv = ["go", "build", "-p", "2", "-v", "-ldflags=-checklinkname=0"]
    argv += ["-o", f"{tmp}/", *TOOLS]
    proc = subprocess.Popen(
        argv, cwd=WRAPPER, env=_go_env(), stderr=subprocess.PIPE, text=True, bufsize=1
    )
    assert proc.stderr is not None
    tail: list[str] = []
    count = 0
    for line in proc.stderr:
        count += 1
        tail = [*tail[-30:], line.rstrip()]
        if count % 200 == 0:
            say(f"      {count} packages, {time.monotonic() - started:.0f} s", flush=True)
    if proc.wait() != 0:
        raise BuildError("go build failed:\n" + "\n".join(tail))
    shutil.rmtree(out / "bin", ignore_errors=True)
    tmp.rename(out / "bin")
    seconds = time.monotonic() - started
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    stats = {"version": version, "seconds": round(seconds), "peak_child_rss_mib": round(peak_mib)}
    (out / "build.json").write_text(json.dumps(stats) + "\n")
    say(f"[3/3] built {out / 'bin'} in {seconds:.0f} s (peak process RSS {peak_mib:.0f} MiB)")
    return out / "bin"


def main() -> int:
    try:
        build()
    except BuildError as exc:
        print(f"teleport build: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
