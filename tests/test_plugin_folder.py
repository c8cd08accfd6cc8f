"""The plugin folder a user names in `pulumi package add` and YAML `packages:`."""

from __future__ import annotations

import os
import re
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
