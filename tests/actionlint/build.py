"""Build actionlint, the GitHub Actions workflow linter, once per machine.

``python -m tests.actionlint.build`` (or ``tests/actionlint/build``) builds it from the Go module
proxy through the wrapper module in ``tests/actionlint/gomod`` (the version pinned there) into
``~/.cache/teleport-oidc/actionlint-<version>/``, printing each step; a no-op when it is there.
``TELEPORT_OIDC_ACTIONLINT=/path/to/actionlint`` uses one you already have.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

from tests.engine import build as engine_build

GOMOD = Path(__file__).with_name("gomod")
ENV = "TELEPORT_OIDC_ACTIONLINT"
PACKAGE = "github.com/rhysd/actionlint/cmd/actionlint"


class ActionlintUnavailable(RuntimeError):
    """actionlint cannot be built or found here; the message says why and what to do."""


def version() -> str:
    """The actionlint release pinned in the wrapper's go.mod (``v1.X.Y``)."""
    found = re.search(r"github\.com/rhysd/actionlint (v\S+)", (GOMOD / "go.mod").read_text())
    if not found:
        raise ActionlintUnavailable(f"{GOMOD / 'go.mod'} does not require actionlint")
    return found.group(1)


def cache_dir() -> Path:
    return engine_build._cache_root() / f"actionlint-{version()}"


def _say(message: str) -> None:
    print(f"[actionlint build] {message}", file=sys.stderr, flush=True)


def _go(*args: str) -> None:
    """``go ARGS`` in the wrapper module, as the engine build runs it."""
    if shutil.which("go") is None:
        raise ActionlintUnavailable(
            f"the Go toolchain (`go`) is not on PATH; install Go >= 1.26, or set {ENV}=/path/to/"
            "actionlint"
        )
    try:
        engine_build._go(*args, cwd=GOMOD)
    except engine_build.EngineUnavailable as exc:
        raise ActionlintUnavailable(str(exc)) from exc


def binary() -> Path:
    """The actionlint to use: the user's (``TELEPORT_OIDC_ACTIONLINT``) or the cached build."""
    given = os.environ.get(ENV)
    path = Path(given) if given else cache_dir() / "actionlint"
    if not (path.is_file() and os.access(path, os.X_OK)):
        where = f"{ENV}={given!r}" if given else str(path)
        raise ActionlintUnavailable(f"no actionlint at {where}; run `tests/actionlint/build`")
    return path


def build() -> Path:
    """Build into the cache unless it is there; return the path of ``actionlint``."""
    if os.environ.get(ENV):
        path = binary()
        _say(f"using {path} ({ENV})")
        return path
    target = cache_dir()
    if (target / "actionlint").is_file():
        _say(f"up to date: {target}")
        return target / "actionlint"
    _say(f"building actionlint {version()} from the Go module proxy into {target} (cold: ~1 min)")

    def fill(work: Path) -> None:
        _say("downloading modules")
        _go("mod", "download")
        _say("compiling actionlint")
        _go("build", "-trimpath", "-o", str(work / "actionlint"), PACKAGE)

    engine_build._into_cache(target, "actionlint", fill, say=_say)
    return target / "actionlint"


def main() -> int:
    try:
        path = build()
    except ActionlintUnavailable as exc:
        _say(str(exc))
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
