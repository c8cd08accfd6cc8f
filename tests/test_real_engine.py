"""Through the real Pulumi engine, where the CLI is installed (it cannot be downloaded on the CI
machine, so here these tests are skipped with that reason). They use a local file backend and
the stand-in tctl: no cloud account is needed for the integration-only example."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .fake_teleport import FakeTeleport

PULUMI = shutil.which("pulumi")
EXAMPLE = Path(__file__).parent.parent / "examples" / "bring-your-own-role"

pytestmark = pytest.mark.skipif(
    PULUMI is None,
    reason="the Pulumi CLI is not installed (it is downloaded from outside the package "
    "registries, which this machine cannot reach); install it to run these",
)


def pulumi(project: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    assert PULUMI is not None
    return subprocess.run(
        [PULUMI, *args, "--non-interactive"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def project(tmp_path: Path, teleport: FakeTeleport) -> tuple[Path, dict[str, str]]:
    project = tmp_path / "project"
    shutil.copytree(EXAMPLE, project)
    # Run the program in this interpreter's environment, where teleport_oidc is installed.
    manifest = (project / "Pulumi.yaml").read_text().replace("../../.venv", sys.prefix)
    (project / "Pulumi.yaml").write_text(manifest)
    env = {
        **os.environ,
        "PULUMI_BACKEND_URL": f"file://{tmp_path / 'state'}",
        "PULUMI_CONFIG_PASSPHRASE": "not-a-secret",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "TELEPORT_TCTL": str(teleport.tctl),
    }
    (tmp_path / "state").mkdir()
    assert pulumi(project, env, "stack", "init", "test").returncode == 0
    return project, env


def test_preview_up_preview_destroy_through_the_real_engine(
    project: tuple[Path, dict[str, str]], teleport: FakeTeleport
) -> None:
    path, env = project
    preview = pulumi(path, env, "preview", "--diff")
    assert preview.returncode == 0, preview.stderr
    assert "TeleportIntegration" in preview.stdout
    assert teleport.calls() == []  # a preview runs Check and Diff only

    up = pulumi(path, env, "up", "--yes")
    assert up.returncode == 0, up.stderr
    assert list(teleport.integrations()) == ["aws-byo-role"]

    again = pulumi(path, env, "preview", "--diff", "--expect-no-changes")
    assert again.returncode == 0, again.stdout + again.stderr  # no noise, no __provider diff

    down = pulumi(path, env, "destroy", "--yes")
    assert down.returncode == 0, down.stderr
    assert teleport.integrations() == {}
