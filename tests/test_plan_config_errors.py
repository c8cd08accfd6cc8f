"""`teleport-oidc plan` with the mistakes people make in stack config (issue 13 item 14): a
clear error naming the config key as written, phrased for config (no Python), no traceback;
the right stack; warnings in the text that gets pasted into a PR; a clean stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from teleport_oidc.cli.main import main
from teleport_oidc.stack import config_key

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "Pulumi.example.yaml")
EAS_MISSING = '{"external_audit_storage": {"region": "us-east-1"}}'


def plan(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["plan", str(ROOT), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(
    ("setting", "key", "says"),
    [
        ("maxSessionDuration=abc", "teleport-oidc:maxSessionDuration", "must be a whole number"),
        ("restrictSubjects=yes", "teleport-oidc:restrictSubjects", "must be true or false"),
        ("tags=notjson", "teleport-oidc:tags", "must be an object"),
        ("thumbprintTimeout=soon", "teleport-oidc:thumbprintTimeout", "must be a number"),
        ("thumbprints=zzz", "teleport-oidc:thumbprints", "must be 'auto', 'none'"),
        ("thumbprints=[]", "teleport-oidc:thumbprints", "must not be an empty list"),
        ('features={"rds": "yes"}', "teleport-oidc:features.rds", "an object of its options"),
        (
            f"features={EAS_MISSING}",
            "teleport-oidc:features.external_audit_storage",
            "is missing the required options events_s3_uri",
        ),
        ('features={"eks": {"x": 1}}', "teleport-oidc:features.eks.x", "not an option"),
        ("maxSessionDuration=60", "teleport-oidc:maxSessionDuration", "3600 to 43200"),
    ],
)
def test_a_config_mistake_names_the_key_as_written_without_python_or_traceback(
    capsys: pytest.CaptureFixture[str], setting: str, key: str, says: str
) -> None:
    code, out, err = plan(capsys, "--stack-config", EXAMPLE, "--config", f"teleport-oidc:{setting}")
    assert code == 2 and out == ""
    assert err.startswith(f"error: {key} ") and says in err
    assert any(fix in err for fix in ("pulumi config set", "use one of", "leave it unset"))
    for python in ("Traceback", "could not run", "pass ", "None", "Options", "positional"):
        assert python not in err, python
    assert "teleport-oidc:teleport-oidc:" not in err


def test_a_missing_proxy_url_is_named(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    stack = tmp_path / "Pulumi.dev.yaml"
    stack.write_text("config:\n  teleport-oidc:integrationName: aws-dev\n")
    code, _, err = plan(capsys, "--stack-config", str(stack))
    assert code == 2
    assert err.startswith("error: teleport-oidc:proxyUrl is required")
    assert "pulumi config set teleport-oidc:proxyUrl https://" in err


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "does not exist"),
        ("config:\n  a: [\n", "is not valid YAML at line 3"),
        ("just a string\n", "must be a YAML mapping"),
        ("config: [1, 2]\n", "must be a YAML mapping"),
    ],
    ids=["missing", "bad YAML", "not a mapping", "config not a mapping"],
)
def test_a_bad_stack_file_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str | None, says: str
) -> None:
    stack = tmp_path / "Pulumi.dev.yaml"
    if content is not None:
        stack.write_text(content)
    code, _, err = plan(capsys, "--stack-config", str(stack))
    assert code == 2
    assert err.startswith(f"error: stack config {stack} ") and says in err
    assert "Traceback" not in err and "could not run" not in err


def test_an_unknown_stack_is_an_error_listing_the_stacks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = plan(capsys, "--stack", "typo")
    assert code == 2 and out == ""
    assert "no Pulumi.typo.yaml" in err and "stacks here: example" in err


def test_the_stack_is_named_from_the_stack_config_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    prod = tmp_path / "Pulumi.prod.yaml"
    prod.write_text(Path(EXAMPLE).read_text())
    code, out, _ = plan(capsys, "--stack-config", str(prod))
    assert code == 0
    assert out.startswith("Plan for project 'teleport-oidc', stack 'prod'")


def test_warnings_are_part_of_the_plan_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    override = 'teleport-oidc:tags={"teleport.dev/origin": "mine"}'
    code, out, err = plan(capsys, "--stack-config", EXAMPLE, "--config", override)
    assert code == 0 and err == ""
    assert "1 warning(s):\n  warning: tags ['teleport.dev/origin'] are set by teleport-oidc" in out
    code, out, _ = plan(capsys, "--stack-config", EXAMPLE, "--config", override, "--format", "json")
    assert json.loads(out)["warnings"][0].startswith("tags ['teleport.dev/origin']")


def test_a_plan_without_warnings_says_nothing_about_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = plan(capsys, "--stack-config", EXAMPLE)
    assert code == 0 and "warning" not in out


def test_planning_an_invoking_program_leaves_stderr_clean() -> None:
    """The SDK gave executor threads event loops nobody closed; at exit they printed
    "Exception ignored ... Invalid file descriptor: -1" (3 runs of 3 before the fix)."""
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-m", "teleport_oidc", "plan", str(ROOT / "examples/reuse-provider")],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""


@pytest.mark.parametrize(
    ("argument", "key"),
    [
        ("max_session_duration", "maxSessionDuration"),
        ("features['rds']['x']", "features.rds.x"),
        (
            "features['access_graph'].cloudtrail_kms_key_arns[0]",
            "features.access_graph.cloudtrail_kms_key_arns[0]",
        ),
        ("tags['teleport.dev/x']", "tags['teleport.dev/x']"),
        ("thumbprints[1]", "thumbprints[1]"),
    ],
)
def test_python_arguments_map_to_config_paths(argument: str, key: str) -> None:
    assert config_key(argument) == key
