"""A YAML program through the real engine: ``examples/yaml-basic``, the component constructed by
the ``teleport-oidc`` plugin (named under ``packages:``), with no ``PULUMI_PYTHON_CMD`` (a YAML
user has no Python). Preview against a golden, up, a clean second preview, refresh after a
change made with tctl, one real change, destroy; a bad ``proxyUrl`` failing preview with our
message, creating nothing; and no child of the plugin's component is a dynamic resource."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from tests.fake_teleport import FakeTeleport

from . import build
from .conftest import built_tool
from .harness import REPO, Harness, aws_leftovers
from .test_examples import check_golden, normalise, ok, sibling_order, steps
from .test_typescript import IDENTITY, tctl_set_role

pytestmark = pytest.mark.engine

PLUGIN = REPO / "provider"
LAUNCHER = PLUGIN / "pulumi-resource-teleport-oidc"
ELSEWHERE = "arn:aws:iam::123456789012:role/changed-with-tctl"
EMPTY: dict[str, list[str]] = {"roles": [], "oidc_providers": [], "documents": []}


def yaml_program(engine: Harness, source: Path, target: Path) -> Path:
    """A copy of a YAML program whose ``packages:`` names a folder holding only this tree's
    plugin launcher (here is no Python language host to run ``provider/`` through its
    PulumiPlugin.yaml), with stack ``test`` and the identity."""
    built_tool(build.yaml_language_host, "the YAML tier")  # skipped, or failed when required
    engine.dynamic_python = False
    program = shutil.copytree(source, target)
    launcher = target.parent / "plugin-bin" / LAUNCHER.name
    launcher.parent.mkdir(exist_ok=True)
    shutil.copy2(LAUNCHER, launcher)
    manifest = yaml.safe_load((program / "Pulumi.yaml").read_text())
    manifest["packages"] = {"teleport-oidc": str(launcher.parent)}
    (program / "Pulumi.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False))
    ok(engine.pulumi(program, "stack", "init", "test"))
    ok(
        engine.pulumi(
            program, "config", "set", "--secret", "teleport-oidc:identity", stdin=IDENTITY
        )
    )
    return program


@pytest.fixture
def program(engine: Harness, teleport: FakeTeleport, tmp_path: Path) -> Path:
    teleport.require_identity(IDENTITY)
    return yaml_program(engine, REPO / "examples" / "yaml-basic", tmp_path / "program")


def dynamic_children(engine: Harness, program: Path) -> list[str]:
    """URNs of the stack's dynamic resources (and their provider), from its state."""
    state = json.loads(ok(engine.pulumi(program, "stack", "export")))
    return [
        resource["urn"]
        for resource in state["deployment"].get("resources", [])
        if "pulumi-python" in resource["type"]
    ]


def lifecycle(engine: Harness, teleport: FakeTeleport, program: Path, tmp_path: Path) -> str:
    """Up, a clean second preview, refresh after a change made with tctl, one real change and
    destroy, leaving moto and the stand-in Teleport empty; returns the first preview."""
    preview = ok(engine.pulumi(program, "preview", "--diff"))
    assert teleport.integrations() == {}

    ok(engine.pulumi(program, "up", "--yes"))
    assert dynamic_children(engine, program) == []
    role = teleport.integrations()["aws-example"]["spec"]["aws_oidc"]["role_arn"]
    ok(engine.pulumi(program, "preview", "--diff", "--expect-no-changes"))

    tctl_set_role(teleport, tmp_path, "aws-example", ELSEWHERE)
    refreshed = ok(engine.pulumi(program, "refresh", "--yes", "--diff"))
    assert ELSEWHERE in refreshed, refreshed
    assert steps(ok(engine.pulumi(program, "preview", "--json"))) == {
        "teleport-integration": "update"
    }
    ok(engine.pulumi(program, "up", "--yes"))
    assert teleport.integrations()["aws-example"]["spec"]["aws_oidc"]["role_arn"] == role
    ok(engine.pulumi(program, "preview", "--expect-no-changes"))

    ok(engine.pulumi(program, "config", "set", "integrationName", "aws-example-two"))
    assert steps(ok(engine.pulumi(program, "preview", "--json"))) == {
        "teleport-provider": "update",
        "teleport-role": "replace",
        "teleport-integration": "replace",
    }
    ok(engine.pulumi(program, "up", "--yes"))
    assert list(teleport.integrations()) == ["aws-example-two"]

    ok(engine.pulumi(program, "destroy", "--yes"))
    assert teleport.integrations() == {}
    assert aws_leftovers(engine) == EMPTY
    return preview


def bad_proxy_url_fails_preview(
    engine: Harness, teleport: FakeTeleport, program: Path, *, python_program: bool = False
) -> None:
    """A bad ``proxyUrl`` fails preview with our message, named as the program writes it,
    and creates nothing. A Python program's own SDK then prints a traceback of its pending
    registration ("resource monitor shut down", pulumi's Python SDK): none from the plugin."""
    bad = "https://teleport.example.com:3080"
    ok(engine.pulumi(program, "config", "set", "proxyUrl", bad))
    done = engine.pulumi(program, "preview", "--diff")
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert (
        f"proxyUrl must not contain a port (IAM rejects OIDC provider URLs with one), got {bad!r}"
        in output
    ), output
    assert "proxy_url" not in output and "Unexpected <class" not in output, output
    assert "teleport_oidc" not in output, output
    if python_program:
        frames = re.findall(r'File "([^"]+)"', output)
        assert frames and all("/site-packages/" in f or "/python3." in f for f in frames), frames
        assert "resource monitor shut down" in output, output
    else:
        assert "Traceback" not in output and 'File "' not in output, output
    assert teleport.integrations() == {}
    assert aws_leftovers(engine) == EMPTY


def test_yaml_program_through_the_real_engine(
    engine: Harness, teleport: FakeTeleport, program: Path, tmp_path: Path
) -> None:
    preview = lifecycle(engine, teleport, program, tmp_path)
    check_golden("yaml-basic", sibling_order(normalise(preview)))


def test_yaml_bad_proxy_url_fails_preview_with_our_message_and_creates_nothing(
    engine: Harness, teleport: FakeTeleport, program: Path
) -> None:
    bad_proxy_url_fails_preview(engine, teleport, program)


def test_no_child_the_plugin_constructs_is_a_dynamic_resource(
    engine: Harness, teleport: FakeTeleport, tmp_path: Path
) -> None:
    # Every Teleport resource class and RandomId: integration, token, discovery_config, and the
    # SSM document's installer ID.
    teleport.require_identity(IDENTITY)
    program = yaml_program(engine, REPO / "examples" / "yaml-features", tmp_path / "program")
    preview = ok(engine.pulumi(program, "preview", "--diff"))
    check_golden("yaml-features", sibling_order(normalise(preview)))
    assert "pulumi-python" not in preview

    ok(engine.pulumi(program, "up", "--yes"))
    state = json.loads(ok(engine.pulumi(program, "stack", "export")))
    types = {resource["type"] for resource in state["deployment"]["resources"]}
    assert {
        "teleport-oidc:index:TeleportIntegration",
        "teleport-oidc:index:TeleportProvisionToken",
        "teleport-oidc:index:TeleportDiscoveryConfig",
        "teleport-oidc:index:RandomId",
    } <= types, types
    assert dynamic_children(engine, program) == []
    ok(engine.pulumi(program, "preview", "--expect-no-changes"))

    ok(engine.pulumi(program, "destroy", "--yes"))
    assert teleport.integrations() == {}
    assert aws_leftovers(engine) == EMPTY


def test_yaml_a_teleport_refusal_arrives_as_our_message_naming_the_yaml_knob(
    engine: Harness, teleport: FakeTeleport, program: Path, tmp_path: Path
) -> None:
    tctl_set_role(teleport, tmp_path, "aws-example", ELSEWHERE)  # someone else's integration
    done = engine.pulumi(program, "up", "--yes")
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert "AlreadyExistsError: the Teleport integration 'aws-example' already exists" in output
    assert "adoptExistingIntegration=True (AwsOidcIntegration" in output, output
    assert "teleport_oidc" not in output and "Unexpected <class" not in output, output
    # After a failed step the engine reports every Python plugin it stops as having "exited
    # prematurely" and dumps what it printed (the stand-in aws plugin too, served by the SDK's
    # own server): ours stops its server inside the loop and prints nothing there.
    dumps = output.split("pulumi-resource-teleport-oidc exited prematurely.")[1:]
    for dump in dumps:
        assert "Traceback" not in re.split(r"\n\s*\n", dump, maxsplit=1)[0], output

    ok(engine.pulumi(program, "destroy", "--yes"))
    assert aws_leftovers(engine) == EMPTY
    # Not ours: left as it was.
    assert teleport.integrations()["aws-example"]["spec"]["aws_oidc"]["role_arn"] == ELSEWHERE


def test_yaml_bad_provider_config_fails_preview_with_our_message(
    engine: Harness, teleport: FakeTeleport, program: Path
) -> None:
    ok(engine.pulumi(program, "config", "set", "teleport-oidc:tctlTimeout", "30s"))
    done = engine.pulumi(program, "preview")
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert "tctlTimeout" in output and "'30s'" in output, output
    assert "Traceback" not in output and "Unexpected <class" not in output, output
    assert teleport.integrations() == {}
    assert aws_leftovers(engine) == EMPTY


def test_yaml_program_uses_the_teleport_integration_resource_directly(
    engine: Harness, teleport: FakeTeleport, tmp_path: Path
) -> None:
    source = tmp_path / "source"
    source.mkdir()
    (source / "Pulumi.yaml").write_text(
        yaml.safe_dump(
            {
                "name": "teleport-oidc-yaml-integration",
                "runtime": "yaml",
                "resources": {
                    "integration": {
                        "type": "teleport-oidc:index:TeleportIntegration",
                        "properties": {
                            "integrationName": "aws-direct",
                            "roleArn": ELSEWHERE,
                            "labels": {"team_name": "platform"},
                        },
                    }
                },
                "outputs": {"name": "${integration.integrationName}"},
            },
            sort_keys=False,
        )
    )
    teleport.require_identity(IDENTITY)
    program = yaml_program(engine, source, tmp_path / "program")
    ok(engine.pulumi(program, "up", "--yes"))
    stored = teleport.integrations()["aws-direct"]
    assert stored["spec"]["aws_oidc"]["role_arn"] == ELSEWHERE
    assert stored["metadata"]["labels"]["team_name"] == "platform"  # data keeps its spelling
    assert ok(engine.pulumi(program, "stack", "output", "name")).strip() == "aws-direct"
    ok(engine.pulumi(program, "preview", "--expect-no-changes"))
    ok(engine.pulumi(program, "destroy", "--yes"))
    assert teleport.integrations() == {}
