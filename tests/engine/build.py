"""Build the engine tier's tools once per machine into cache folders keyed by what made them.

``python -m tests.engine.build [TOOL...]`` (or ``tests/engine/build``) builds, under
``~/.cache/teleport-oidc/`` (each a no-op when its cache folder is there):

- ``pulumi``: the CLI, from the Go module proxy through the wrapper module in
  ``tests/engine/gomod``, with the dynamic provider's launcher script beside it
  (``TELEPORT_OIDC_PULUMI=/path/to/pulumi`` uses a CLI you already have instead);
- ``yaml``: ``pulumi-language-yaml``, through its own wrapper module ``tests/engine/gomod-yaml``
  (pulumi-yaml requires an older ``pkg/v3`` than the CLI's);
- ``sdkgen``: ``tests/engine/gomod/sdkgen``, which writes the SDKs ``pulumi package add`` would
  generate, with Pulumi's code generators (keyed by its source); and ``sdkgen-dotnet``, the C#
  one, from ``tests/engine/gomod-yaml`` (the C# generator left ``pkg/v3`` after the v3.206.0
  that module holds);
- ``node``: ``npm ci`` of ``tests/engine/node`` (TypeScript and ``@pulumi/pulumi``, pinned);
- ``gomods``: downloads the modules ``examples/go-basic/go.sum`` lists into the Go module cache,
  so the Go SDK check builds offline (keyed by that go.sum).

With no TOOL it builds them all.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

GOMOD = Path(__file__).with_name("gomod")
GOMOD_YAML = Path(__file__).with_name("gomod-yaml")
NODE = Path(__file__).with_name("node")
SDKGEN = GOMOD / "sdkgen"
SDKGEN_DOTNET = GOMOD_YAML / "sdkgen-dotnet"
GO_EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "go-basic"
YAML_MODULE = "github.com/pulumi/pulumi-yaml"
YAML_PACKAGE = f"{YAML_MODULE}/cmd/pulumi-language-yaml"
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


def _cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "teleport-oidc"


def cache_dir() -> Path:
    return _cache_root() / f"pulumi-{version()}"


def yaml_version() -> str:
    """The pulumi-yaml release pinned in its wrapper's go.mod."""
    gomod = GOMOD_YAML / "go.mod"
    found = re.search(rf"{re.escape(YAML_MODULE)} (v\S+)", gomod.read_text())
    if not found:
        raise EngineUnavailable(f"{gomod} does not require {YAML_MODULE} at a version")
    return found.group(1)


def yaml_cache_dir() -> Path:
    return _cache_root() / f"pulumi-language-yaml-{yaml_version()}"


def _digest(*paths: Path) -> str:
    sha = hashlib.sha256()
    for path in paths:
        sha.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()[:12]


def sdkgen_cache_dir() -> Path:
    """Keyed by the Pulumi release and the tool's source, so an edit rebuilds it."""
    return _cache_root() / f"sdkgen-{version()}-{_digest(*sorted(SDKGEN.glob('*.go')))}"


def sdkgen_dotnet_cache_dir() -> Path:
    gomod = (GOMOD_YAML / "go.mod").read_text()
    found = re.search(r"github\.com/pulumi/pulumi/pkg/v3 (v\S+)", gomod)
    if not found:
        raise EngineUnavailable(f"{GOMOD_YAML / 'go.mod'} does not require pkg/v3 at a version")
    digest = _digest(*sorted(SDKGEN_DOTNET.glob("*.go")))
    return _cache_root() / f"sdkgen-dotnet-{found.group(1)}-{digest}"


def node_cache_dir() -> Path:
    return _cache_root() / f"node-{_digest(NODE / 'package.json', NODE / 'package-lock.json')}"


def gomods_stamp() -> Path:
    return _cache_root() / f"gomods-{_digest(GO_EXAMPLE / 'go.sum')}" / "downloaded"


def _say(message: str) -> None:
    print(f"[engine build] {message}", file=sys.stderr, flush=True)


def _go_env() -> dict[str, str]:
    return {**os.environ, "GOTOOLCHAIN": "local", "GOFLAGS": "-mod=readonly"}


def _go(*args: str, cwd: Path = GOMOD) -> str:
    go = shutil.which("go")
    if go is None:
        raise EngineUnavailable(
            "the Go toolchain (`go`) is not on PATH; install Go >= 1.26 to build the Pulumi CLI, "
            f"or set {ENV_CLI}=/path/to/pulumi"
        )
    done = subprocess.run(
        [go, *args], cwd=cwd, env=_go_env(), capture_output=True, text=True, check=False
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

    def fill(work: Path) -> None:
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

    return _into_cache(target, "the pulumi CLI", fill) / "pulumi"


def _cached(target: Path, name: str, what: str, command: str) -> Path:
    path = target / name
    if not path.exists():
        raise EngineUnavailable(f"no {what} at {path}; run `{command}`")
    return path


def yaml_language_host() -> Path:
    """The cached ``pulumi-language-yaml``."""
    return _cached(
        yaml_cache_dir(), "pulumi-language-yaml", "YAML language host", "tests/engine/build yaml"
    )


def sdkgen() -> Path:
    """The cached SDK generator (``sdkgen SCHEMA OUT LANGUAGE...``)."""
    return _cached(sdkgen_cache_dir(), "sdkgen", "SDK generator", "tests/engine/build sdkgen")


def sdkgen_dotnet() -> Path:
    """The cached C# SDK generator (``sdkgen-dotnet SCHEMA OUT``)."""
    return _cached(
        sdkgen_dotnet_cache_dir(),
        "sdkgen-dotnet",
        "C# SDK generator",
        "tests/engine/build sdkgen-dotnet",
    )


def node_modules() -> Path:
    """The cached ``node_modules`` holding ``typescript`` and ``@pulumi/pulumi``."""
    return _cached(node_cache_dir(), "node_modules", "npm install", "tests/engine/build node")


def _into_cache(
    target: Path, what: str, fill: Callable[[Path], None], say: Callable[[str], None] = _say
) -> Path:
    """Fill a fresh folder beside ``target`` and move it into place only when complete."""
    started = time.monotonic()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".build-") as tmp:
        work = Path(tmp)
        fill(work)
        if target.exists():
            shutil.rmtree(target)
        work.chmod(0o755)
        work.rename(target)
        work.mkdir()  # for TemporaryDirectory's clean-up
    say(f"{what} built in {time.monotonic() - started:.0f}s: {target}")
    return target


def build_yaml() -> Path:
    """Build ``pulumi-language-yaml`` into the cache unless it is there; return its path."""
    target = yaml_cache_dir()
    if (target / "pulumi-language-yaml").is_file():
        _say(f"up to date: {target}")
        return target / "pulumi-language-yaml"
    _say(f"building pulumi-language-yaml {yaml_version()} into {target} (cold: ~5 min)")

    def fill(work: Path) -> None:
        _say("downloading modules")
        _go("mod", "download", cwd=GOMOD_YAML)
        _say("compiling pulumi-language-yaml")
        _go(
            "build",
            "-trimpath",
            "-o",
            str(work / "pulumi-language-yaml"),
            YAML_PACKAGE,
            cwd=GOMOD_YAML,
        )

    return _into_cache(target, "pulumi-language-yaml", fill) / "pulumi-language-yaml"


def build_sdkgen() -> Path:
    """Build the SDK generator into the cache unless it is there; return its path."""
    target = sdkgen_cache_dir()
    if (target / "sdkgen").is_file():
        _say(f"up to date: {target}")
        return target / "sdkgen"
    _say(f"building the SDK generator against pkg {version()} into {target} (cold: ~2 min)")

    def fill(work: Path) -> None:
        _go("build", "-trimpath", "-o", str(work / "sdkgen"), "./sdkgen")

    return _into_cache(target, "sdkgen", fill) / "sdkgen"


def build_sdkgen_dotnet() -> Path:
    """Build the C# SDK generator into the cache unless it is there; return its path."""
    target = sdkgen_dotnet_cache_dir()
    if (target / "sdkgen-dotnet").is_file():
        _say(f"up to date: {target}")
        return target / "sdkgen-dotnet"
    _say(f"building the C# SDK generator into {target} (cold: ~1 min)")

    def fill(work: Path) -> None:
        _go(
            "build",
            "-trimpath",
            "-o",
            str(work / "sdkgen-dotnet"),
            "./sdkgen-dotnet",
            cwd=GOMOD_YAML,
        )

    return _into_cache(target, "sdkgen-dotnet", fill) / "sdkgen-dotnet"


def build_node() -> Path:
    """``npm ci`` the pinned TypeScript and ``@pulumi/pulumi`` into the cache unless there."""
    target = node_cache_dir()
    if (target / "node_modules").is_dir():
        _say(f"up to date: {target}")
        return target / "node_modules"
    npm = shutil.which("npm")
    if npm is None:
        raise EngineUnavailable(
            "npm is not on PATH; install Node.js >= 20 with npm for the TypeScript checks"
        )
    _say(f"installing TypeScript and @pulumi/pulumi with npm ci into {target} (cold: ~1 min)")

    def fill(work: Path) -> None:
        for name in ("package.json", "package-lock.json"):
            shutil.copyfile(NODE / name, work / name)
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=work,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise EngineUnavailable(f"`npm ci` in {NODE} failed:\n{done.stderr.strip()}")

    return _into_cache(target, "node_modules", fill) / "node_modules"


def build_gomods() -> Path:
    """Download every module of ``examples/go-basic/go.sum`` unless done; return the stamp."""
    stamp = gomods_stamp()
    if stamp.is_file():
        _say(f"up to date: {stamp.parent}")
        return stamp
    modules = sorted(
        {
            f"{mod}@{ver}"
            for mod, ver, *_ in (
                line.split() for line in (GO_EXAMPLE / "go.sum").read_text().splitlines()
            )
            if not ver.endswith("/go.mod")
        }
    )
    _say(f"downloading the {len(modules)} modules examples/go-basic builds with")

    def fill(work: Path) -> None:
        _go("mod", "download", *modules, cwd=work)  # outside any module: just these
        (work / "downloaded").write_text("\n".join(modules) + "\n")

    return _into_cache(stamp.parent, "the Go example's modules", fill) / "downloaded"


def gomods() -> Path:
    """The stamp saying the Go example's modules are in the module cache."""
    return _cached(
        gomods_stamp().parent, "downloaded", "Go module download", "tests/engine/build gomods"
    )


#: What ``tests/engine/build TOOL...`` builds, in this order when no TOOL is named.
TOOLS: dict[str, Callable[[], Path]] = {
    "pulumi": build,
    "yaml": build_yaml,
    "sdkgen": build_sdkgen,
    "sdkgen-dotnet": build_sdkgen_dotnet,
    "node": build_node,
    "gomods": build_gomods,
}


def main(argv: list[str]) -> int:
    unknown = [name for name in argv if name not in TOOLS]
    if unknown:
        _say(f"unknown tool {unknown[0]!r}; choose from {', '.join(TOOLS)}")
        return 2
    status = 0
    for name in argv or list(TOOLS):
        try:
            print(TOOLS[name]())
        except EngineUnavailable as exc:
            _say(str(exc))
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
