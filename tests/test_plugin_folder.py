"""The plugin folder a user names in `pulumi package add` and YAML `packages:`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import yaml

import teleport_oidc

PROVIDER = Path(__file__).resolve().parents[1] / "provider"


def test_the_plugin_pins_this_package_version_and_pulumi_exactly() -> None:
    pyproject = (PROVIDER.parent / "pyproject.toml").read_text()
    found = re.search(r'^version = "([^"]+)"$', pyproject, re.MULTILINE)
    assert found is not None
    version = found.group(1)
    lines = [
        line.strip()
        for line in (PROVIDER / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines == [f"teleport-oidc=={version}", "pulumi==3.260.0"]
    assert teleport_oidc.__version__ == version


def test_the_launcher_is_executable_and_the_folder_is_a_python_plugin() -> None:
    launcher = PROVIDER / "pulumi-resource-teleport-oidc"
    assert os.access(launcher, os.X_OK)
    assert "TELEPORT_OIDC_PLUGIN_PYTHON" in launcher.read_text()
    manifest = yaml.safe_load((PROVIDER / "PulumiPlugin.yaml").read_text())
    assert manifest["runtime"] == {"name": "python", "options": {"virtualenv": "venv"}}
    assert (PROVIDER / "__main__.py").is_file()


FAKE_PYTHON = """#!/bin/sh
# Stands in for an interpreter: logs its arguments; `-m venv DIR` makes DIR/bin/python (this
# script again); `-m teleport_oidc.plugin` prints a port as the plugin would.
echo "$0 $*" >> "$LOG"
if [ "$1 $2" = "-m teleport_oidc.plugin" ]; then echo 4242; exit 0; fi
echo "what venv and pip print"
if [ "$1 $2" = "-m venv" ]; then mkdir -p "$3/bin"; cp "$0" "$3/bin/python"; fi
exit 0
"""


def launch(folder: Path, tmp_path: Path) -> tuple[str, Path, Path]:
    """Run ``folder``'s launcher once with a fake bootstrap python that logs each command it is
    asked to run; its stdout, the log and the fake python."""
    bootstrap = tmp_path / "python3"
    if not bootstrap.exists():
        bootstrap.write_text(FAKE_PYTHON)
        bootstrap.chmod(0o755)
    log = tmp_path / "log"
    env = {
        "PATH": os.environ["PATH"],
        "LOG": str(log),
        "TELEPORT_OIDC_BOOTSTRAP_PYTHON": str(bootstrap),
    }
    done = subprocess.run(
        [str(folder / "pulumi-resource-teleport-oidc"), "127.0.0.1:1"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout, log, bootstrap


def test_the_launcher_makes_its_venv_once_and_keeps_stdout_for_the_port(tmp_path: Path) -> None:
    folder = tmp_path / "provider"
    folder.mkdir()
    shutil.copy2(PROVIDER / "pulumi-resource-teleport-oidc", folder)
    shutil.copy2(PROVIDER / "requirements.txt", folder)
    for _ in range(2):
        stdout, log, bootstrap = launch(folder, tmp_path)
        assert stdout == "4242\n"
    venv_python = folder / "venv" / "bin" / "python"
    assert log.read_text().splitlines() == [
        f"{bootstrap} -m venv {folder}/venv",
        f"{venv_python} -m pip install --quiet --disable-pip-version-check -r "
        f"{folder}/requirements.txt",
        f"{venv_python} -m teleport_oidc.plugin 127.0.0.1:1",
        f"{venv_python} -m teleport_oidc.plugin 127.0.0.1:1",
    ]


def test_in_a_checkout_the_launcher_installs_the_package_from_it(tmp_path: Path) -> None:
    # teleport-oidc is on no package index: the plugin's venv gets it from the repository the
    # plugin folder is in, and pulumi as requirements.txt pins it.
    folder = tmp_path / "repo" / "provider"
    folder.mkdir(parents=True)
    shutil.copy2(PROVIDER.parent / "pyproject.toml", folder.parent)
    shutil.copy2(PROVIDER / "pulumi-resource-teleport-oidc", folder)
    shutil.copy2(PROVIDER / "requirements.txt", folder)
    stdout, log, _ = launch(folder, tmp_path)
    assert stdout == "4242\n"
    venv_python = folder / "venv" / "bin" / "python"
    assert log.read_text().splitlines()[1] == (
        f"{venv_python} -m pip install --quiet --disable-pip-version-check "
        f"{folder}/.. pulumi==3.260.0"
    )


def test_the_launcher_runs_the_python_it_is_given(tmp_path: Path) -> None:
    python = tmp_path / "python"
    python.write_text(FAKE_PYTHON)
    python.chmod(0o755)
    log = tmp_path / "log"
    done = subprocess.run(
        [str(PROVIDER / "pulumi-resource-teleport-oidc"), "127.0.0.1:1"],
        env={
            "PATH": os.environ["PATH"],
            "LOG": str(log),
            "TELEPORT_OIDC_PLUGIN_PYTHON": str(python),
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout == "4242\n"
    assert log.read_text() == f"{python} -m teleport_oidc.plugin 127.0.0.1:1\n"
    assert not (PROVIDER / "venv").exists()
