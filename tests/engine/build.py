"""Build the real Pulumi CLI once per machine into a cache folder keyed by its version.

``python -m tests.engine.build`` (or ``tests/engine/build``) builds ``pulumi`` from the Go module
proxy through the wrapper module in ``tests/engine/gomod`` and copies the dynamic provider's
launcher script beside it. A no-op when the cache holds them. ``TELEPORT_OIDC_PULUMI=/path/to/
pulumi`` uses a CLI you already have instead (the launcher script must sit beside it or on PATH).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOMOD = Path(__file__).with_name("gomod")
ENV_CLI = "TELEPORT_OIDC_PULUMI"
SDK_MODULE = "github.com/pulumi/pulumi/sdk/v3"
CLI_PACKAGE = "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
#: Run-time scripts the binaries need, from the sdk/v3 module download: (source, name).
SCRIPTS = (
    ("python/dist/pulumi-resource-pulumi-python", "pulumi-resource-pulumi-python"),
    ("python/cmd/pulumi-language-python-exec", "pulumi-language-python-exec"),
)


class EngineUnavailable(RuntimeError):
    """The engine cannot be built or found here; the message says why and what to do."""


def version() -> str:
    """The Pulumi release pinned in the wrapper's go.mod (``v3.X.Y``)."""
    found = re.search(r"github\.com/pulumi/pulumi/pkg/v3 (v\S+)", (GOMOD / "go.mod").read_text())
    if not found:
        raise EngineUnavailable(f"{GOMOD / 'go.mod'} does not require pkg/v3 at a version")
    return found.group(1)


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "teleport-oidc" / f"pulumi-{version()}"


def _say(message: str) -> None:
    print(f"[engine build] {message}", file=sys.stderr, flush=True)


def _go_env() -> dict[str, str]:
    return {**os.environ, "GOTOOLCHAIN": "local", "GOFLAGS": "-mod=readonly"}


def _go(*args: str) -> str:
    go = shutil.which("go")
    if go is None:
        raise EngineUnavailable(
            "the Go toolchain (`go`) is not on PATH; install Go >= 1.26 to build the Pulumi CLI, "
            f"or set {ENV_CLI}=/path/to/pulumi"
        )
    done = subprocess.run(
        [go, *args], cwd=GOMOD, env=_go_env(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise EngineUnavailable(f"`go {' '.join(args)}` failed:\n{done.stderr.strip()}")
    return done.stdout.strip()


def cli() -> Path:
    """The ``pulumi`` to use: the user's (``TELEPORT_OIDC_PULUMI``) or the cached build."""
    given = os.environ.get(ENV_CLI)
    if given:
        path = Path(given)
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise EngineUnavailable(f"{ENV_CLI}={given!r} is not an executable file")
        return path
    path = cache_dir() / "pulumi"
    if not path.is_file():
        raise EngineUnavailable(f"no Pulumi CLI at {path}; run `python -m tests.engine.build`")
    return path


def build() -> Path:
    """Build into the cache unless it is there; return the ``pulumi`` path."""
    if os.environ.get(ENV_CLI):
        path = cli()
        _say(f"using {path} ({ENV_CLI})")
        return path
    target = cache_dir()
    if all((target / name).is_file() for name in ("pulumi", *(n for _, n in SCRIPTS))):
        _say(f"up to date: {target}")
        return target / "pulumi"
    ver = version()
    _say(f"building Pulumi {ver} from the Go module proxy into {target} (cold: ~10-20 min)")
    started = time.monotonic()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".build-") as tmp:
        work = Path(tmp)
        _say("downloading modules")
        _go("mod", "download")
        _say("compiling the pulumi CLI")
        _go(
            "build",
            "-trimpath",
            "-tags",
            "osusergo,grpcnotrace",
            "-ldflags",
            f"-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version={ver}",
            "-o",
            str(work / "pulumi"),
            CLI_PACKAGE,
        )
        sdk_dir = Path(_go("list", "-m", "-f", "{{.Dir}}", SDK_MODULE))
        for source, name in SCRIPTS:
            # Module-cache files are read-only and not executable.
            shutil.copyfile(sdk_dir / source, work / name)
            (work / name).chmod(0o755)
        if target.exists():
            shutil.rmtree(target)
        work.chmod(0o755)
        work.rename(target)
        work.mkdir()  # for TemporaryDirectory's clean-up
    _say(f"built in {time.monotonic() - started:.0f}s: {target}")
    return target / "pulumi"


def main() -> int:
    try:
        path = build()
    except EngineUnavailable as exc:
        _say(str(exc))
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
