"""A YAML program through the real engine: ``examples/yaml-basic``, the component constructed by
the ``teleport-oidc`` plugin (named under ``packages:``), with no ``PULUMI_PYTHON_CMD`` (a YAML
user has no Python). Preview against a golden, up, a clean second preview, refresh after a
change made with tctl, one real change, destroy; a bad ``proxyUrl`` failing preview with our
message, creating nothing; and no child of the plugin's component is a dynamic resource."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from tests.fake_teleport import FakeTeleport

from . import build
from .conftest import built_tool
from .harness import REPO, Harness, aws_leftovers
from .plugin_lifecycle import (
    ELSEWHERE,
    EMPTY,
    IDENTITY,
    bad_proxy_url_fails_preview,
    dynamic_children,
    init_stack,
    lifecycle,
    name_the_plugin,
    resource_types,
    tctl_set_role,
)
from .test_examples import check_golden, normalise, ok, sibling_order

pytestmark = pytest.mark.engine


def yaml_program(engine: Harness, source: Path, target: Path) -> Path:
    """A copy of a YAML program whose ``packages:`` names a folder holding only this tree's
    plugin launcher, with stack ``test`` and the identity."""
    built_tool(build.yaml_language_host, "the YAML tier")  # skipped, or failed when required
    engine.dynamic_python = False
    program = name_the_plugin(shutil.copytree(source, target))
    return init_stack(engine, program)


@pytest.fixture
def program(engine: Harness, teleport: FakeTeleport, tmp_path: Path) -> Path:
    teleport.require_identity(IDENTITY)
    return yaml_program(engine, REPO / "examples" / "yaml-basic", tmp_path / "program")


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
    types = resource_types(engine, program)
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
