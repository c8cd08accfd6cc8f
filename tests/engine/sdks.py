"""The SDKs `pulumi package add` would generate for the plugin's schema, and TypeScript and Python
programs made ready to run: the SDK written under ``sdks/``; for TypeScript ``node_modules``
linked and everything compiled, for Python the SDK installed in development mode.

The schema is the plugin's ``provider/schema.json`` (``pulumi package get-schema`` prints it).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from .harness import REPO

SCHEMA = REPO / "provider" / "schema.json"
#: Where `pulumi package add` writes the SDK in a program folder.
SDK_FOLDER = Path("sdks") / "teleport-oidc"


class SdkError(RuntimeError):
    """Generating or compiling an SDK or a program failed; the message holds the tool's output."""


def copy_example(source: Path, target: Path) -> Path:
    """A copy of an example program without what running it left there (the sandbox generates
    ``sdks/``, links ``node_modules`` and compiles to ``bin/`` in the folder itself)."""
    return Path(shutil.copytree(source, target, ignore=shutil.ignore_patterns(*_LEFT_BEHIND)))


_LEFT_BEHIND = ("sdks", "node_modules", "bin", "Pulumi.sandbox.yaml")


def _run(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SdkError(
            f"`{' '.join(argv)}` in {cwd} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
        )
    return done.stdout + done.stderr


def generate(sdkgen: Path, out: Path, language: str, schema_path: Path | None = None) -> Path:
    """Write the ``language`` SDK to ``out`` (replacing it); return ``out``."""
    work = out.parent / f".{out.name}-gen"
    shutil.rmtree(work, ignore_errors=True)
    _run([str(sdkgen), str(schema_path or SCHEMA), str(work), language], cwd=out.parent)
    shutil.rmtree(out, ignore_errors=True)
    (work / language).rename(out)
    shutil.rmtree(work)
    return out


def link_node_modules(folder: Path, node_modules: Path, sdk: Path | None = None) -> None:
    """``folder/node_modules``: links to the cached install, plus ``@pulumi/teleport-oidc`` ->
    ``sdk`` as ``npm install`` of a ``file:`` dependency makes it."""
    target = folder / "node_modules"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    for entry in node_modules.iterdir():
        if entry.name != "@pulumi":
            (target / entry.name).symlink_to(entry)
    scope = target / "@pulumi"
    scope.mkdir()
    for entry in (node_modules / "@pulumi").iterdir():
        (scope / entry.name).symlink_to(entry)
    if sdk is not None:
        (scope / "teleport-oidc").symlink_to(sdk.resolve())


def tsc(folder: Path, node_modules: Path) -> str:
    """Type-check and compile the TypeScript project in ``folder`` (its tsconfig.json)."""
    compiler = node_modules / "typescript" / "bin" / "tsc"
    return _run([shutil.which("node") or "node", str(compiler), "-p", str(folder)], cwd=folder)


def compile_node_sdk(sdk: Path, node_modules: Path) -> None:
    """What the generated SDK's postinstall script does: compile, then copy package.json to
    ``bin/`` (its ``getVersion()`` reads the version from there)."""
    link_node_modules(sdk, node_modules)
    tsc(sdk, node_modules)
    shutil.copyfile(sdk / "package.json", sdk / "bin" / "package.json")


def prepare_typescript(program: Path, sdkgen: Path, node_modules: Path) -> None:
    """Make a TypeScript program folder runnable: the SDK generated into ``sdks/teleport-oidc``
    (when not there), compiled, linked into ``node_modules``, and the program compiled."""
    sdk = program / SDK_FOLDER
    if not (sdk / "package.json").is_file():
        sdk.parent.mkdir(exist_ok=True)
        generate(sdkgen, sdk, "nodejs")
    compile_node_sdk(sdk, node_modules)
    link_node_modules(program, node_modules, sdk)
    tsc(program, node_modules)


def develop_python_sdk(sdk: Path) -> Path:
    """A generated Python SDK installed in development mode, as ``pulumi package add`` installs
    it: its distribution metadata written beside the source (``setup.py egg_info``, offline),
    which its import reads its own version from. Returns ``sdk``, the folder to put on
    ``sys.path``."""
    _run([sys.executable, "setup.py", "--quiet", "egg_info"], cwd=sdk)
    return sdk


def prepare_python(program: Path, sdkgen: Path) -> Path:
    """Make a Python program folder's SDK importable: generated into ``sdks/teleport-oidc``
    (when not there) and installed in development mode. Returns the folder the program's
    ``sys.path`` needs (not installed into any virtualenv)."""
    sdk = program / SDK_FOLDER
    if not (sdk / "setup.py").is_file():
        sdk.parent.mkdir(exist_ok=True)
        generate(sdkgen, sdk, "python")
    return develop_python_sdk(sdk)
