"""examples/ci/review-comment.sh, the script the CI recipes run, against the sandbox (the real
Pulumi CLI over moto and a stand-in Teleport): one comment with the review and the preview."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .harness import REPO

pytestmark = pytest.mark.engine

SCRIPT = REPO / "examples" / "ci" / "review-comment.sh"
SANDBOX = REPO / "tests" / "engine" / "sandbox"


def test_the_ci_script_writes_one_comment_with_the_review_and_the_preview(
    engine_cli: Path, tmp_path: Path
) -> None:
    program = shutil.copytree(REPO / "examples" / "basic", tmp_path / "basic")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    # The CLI the engine tier built (not a build of its own); the script's temporary folder in
    # ``scratch``, to see it is gone afterwards.
    env = {**os.environ, "TELEPORT_OIDC_PULUMI": str(engine_cli), "TMPDIR": str(scratch)}

    def sandbox(*command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(SANDBOX), str(program), "--", *command],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    try:
        assert sandbox("pulumi", "up", "--yes").returncode == 0
        assert (
            sandbox("pulumi", "config", "set", "integrationName", "aws-example-two").returncode == 0
        )
        done = sandbox("sh", str(SCRIPT), "sandbox", ".")
        assert done.returncode == 0, done.stderr
    finally:
        subprocess.run([str(SANDBOX), "--stop", str(program)], env=env, check=False, timeout=120)
    comment = done.stdout
    # One document: the review first, the preview folded under it.
    assert comment.startswith("## Access review: `teleport-oidc-basic` · stack `sandbox`\n")
    assert comment.count("## Access review") == 1
    assert "Compared with the deployed stack: **1 to update, 2 to replace**" in comment
    assert "| `teleport-integration` | `TeleportIntegration` | 🔴 replaced |" in comment
    review, _, preview = comment.partition("<details><summary>pulumi preview --diff (exit 0)")
    assert "```mermaid" in review and preview.rstrip().endswith("</details>")
    assert "teleport-role" in preview and "replace" in preview
    # The export it read is gone; the identity (a secret) is nowhere in the comment.
    assert list(scratch.rglob("state.json")) == [] and list(scratch.rglob("review.md")) == []
    assert "sandbox identity" not in comment
