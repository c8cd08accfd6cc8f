"""What a user installing the package expects: a license that matches the metadata, a version
the command reports, and one version number everywhere."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path

import pytest

import teleport_oidc
from teleport_oidc.cli.main import main

# tomllib is standard from Python 3.11; the package supports 3.10, where this file is skipped.
tomllib = pytest.importorskip("tomllib", reason="tomllib needs Python 3.11 or newer")

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_the_license_file_is_the_full_apache_2_text_the_metadata_names() -> None:
    text = (ROOT / "LICENSE").read_text()
    assert PYPROJECT["license"] == "Apache-2.0"  # an SPDX expression, not a deprecated table
    assert PYPROJECT["license-files"] == ["LICENSE"]
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text  # all nine sections, not a stub
    assert len(text.splitlines()) > 150


def test_one_version_number_in_pyproject_the_package_and_the_installed_metadata() -> None:
    assert PYPROJECT["version"] == teleport_oidc.__version__
    assert importlib.metadata.version("teleport-oidc") == teleport_oidc.__version__


def test_version_flag_prints_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"teleport-oidc {teleport_oidc.__version__}"


def test_version_flag_works_through_python_dash_m() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "teleport_oidc", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"teleport-oidc {teleport_oidc.__version__}"


README = (ROOT / "README.md").read_text()


def test_readme_runs_the_command_from_the_venv_it_makes() -> None:
    assert ".venv/bin/teleport-oidc" in README and ". .venv/bin/activate" in README


def test_readme_says_how_other_languages_use_it_and_how_to_pin_a_version_without_an_index() -> None:
    assert "## Use it from TypeScript, Go, C#, Java or YAML" in README
    assert "pulumi package add" in README
    assert "not published to PyPI" in README
    assert "git+https://" in README and "@v0.1.0" in README
    # an install from an index where the package is not published would fail for everyone
    assert "'teleport-oidc[aws]'" not in README and "pip install teleport-oidc" not in README


def test_readme_documents_trust_policys_keyword_only_argument_as_it_is() -> None:
    import inspect

    parameter = inspect.signature(teleport_oidc.trust_policy).parameters["restrict_subjects"]
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY
    assert "trust_policy(provider_arn, issuer_host, *, restrict_subjects=False)" in README
