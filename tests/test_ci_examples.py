"""examples/ci: the GitHub Actions workflow passes actionlint (built from the Go module proxy by
tests/actionlint/build); the GitLab CI job is valid YAML of a job's shape. The script both run is
tested against the sandbox in tests/engine/test_ci_review.py."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.actionlint import build

CI = Path(__file__).resolve().parents[1] / "examples" / "ci"
WORKFLOW = CI / "github" / "teleport-oidc-review.yml"
GITLAB = CI / "gitlab" / "teleport-oidc-review.gitlab-ci.yml"
SCRIPT = CI / "review-comment.sh"
#: `make test` builds actionlint when Go is here and sets this: then a missing one fails.
REQUIRE = os.environ.get("TELEPORT_OIDC_REQUIRE_ACTIONLINT") == "1"
#: The keywords of a GitLab CI job (docs.gitlab.com/ci/yaml), those a job here may use.
GITLAB_JOB_KEYS = {
    "after_script", "allow_failure", "artifacts", "before_script", "cache", "coverage",
    "dependencies", "environment", "except", "extends", "id_tokens", "image", "interruptible",
    "needs", "only", "parallel", "release", "resource_group", "retry", "rules", "script",
    "secrets", "services", "stage", "tags", "timeout", "trigger", "variables", "when",
}  # fmt: skip
GITLAB_RULE_KEYS = {"if", "changes", "exists", "when", "allow_failure", "variables", "needs"}


@pytest.fixture(scope="module")
def actionlint() -> Path:
    try:
        return build.binary()
    except build.ActionlintUnavailable as exc:
        if REQUIRE:
            pytest.fail(f"actionlint is required here: {exc}", pytrace=False)
        pytest.skip(f"actionlint is not built here: {exc}")


def lint(actionlint: Path, workflow: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(actionlint), "-no-color", "-oneline", str(workflow)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_github_workflow_passes_actionlint(actionlint: Path) -> None:
    done = lint(actionlint, WORKFLOW)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_here_fails_a_broken_workflow(actionlint: Path, tmp_path: Path) -> None:
    # A check that it can fail: an unknown context and an unknown job key.
    broken = tmp_path / "broken.yml"
    broken.write_text(
        WORKFLOW.read_text()
        .replace("github.event.pull_request.number", "github.event.pull_request.numbr")
        .replace("    runs-on: ubuntu-latest", "    runs_on: ubuntu-latest")
    )
    done = lint(actionlint, broken)
    assert done.returncode == 1 and "runs_on" in done.stdout


def test_the_workflow_runs_the_script_of_the_repository() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    runs = [step.get("run", "") for step in workflow["jobs"]["review"]["steps"]]
    assert any(run.startswith("examples/ci/review-comment.sh ") for run in runs)
    uses = [step.get("uses", "") for step in workflow["jobs"]["review"]["steps"]]
    assert any(u.startswith("pulumi/actions@") for u in uses)  # Pulumi's own action
    assert os.access(SCRIPT, os.X_OK)


def test_the_gitlab_job_is_yaml_of_a_job_s_shape() -> None:
    document = yaml.safe_load(GITLAB.read_text())
    assert isinstance(document, dict) and list(document) == ["teleport-oidc-review"]
    job = document["teleport-oidc-review"]
    assert set(job) <= GITLAB_JOB_KEYS, set(job) - GITLAB_JOB_KEYS
    assert isinstance(job["script"], list) and all(isinstance(s, str) for s in job["script"])
    assert all(isinstance(s, str) for s in job["before_script"])
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in job["variables"].items())
    for rule in job["rules"]:
        assert set(rule) <= GITLAB_RULE_KEYS and isinstance(rule["if"], str)
    assert any('"merge_request_event"' in rule["if"] for rule in job["rules"])
    assert job["script"][0].startswith("examples/ci/review-comment.sh ")
    # One note per pipeline, posted through the merge request notes API.
    assert sum("/merge_requests/$CI_MERGE_REQUEST_IID/notes" in s for s in job["script"]) == 1


def test_the_script_is_valid_posix_sh() -> None:
    done = subprocess.run(["sh", "-n", str(SCRIPT)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
