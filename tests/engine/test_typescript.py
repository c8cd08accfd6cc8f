"""A TypeScript program through the real engine, with the SDK `pulumi package add` would
generate: ``examples/typescript-basic`` run as an Automation API inline program
(``tests/engine/node/langhost.js``), the component constructed by the ``teleport-oidc`` plugin,
with no ``PULUMI_PYTHON_CMD`` (a TypeScript user has none). Preview against a golden, up, a
clean second preview, refresh after a change made with tctl, one real change, destroy; and a bad
``proxyUrl`` failing preview with our message, creating nothing."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.fake_teleport import FakeTeleport

from . import sdks
from .harness import REPO, Harness, aws_leftovers
from .test_examples import check_golden, normalise, ok, sibling_order, steps

pytestmark = pytest.mark.engine

PLUGIN = REPO / "provider"
LAUNCHER = PLUGIN / "pulumi-resource-teleport-oidc"
IDENTITY = "-----BEGIN IDENTITY typescript-tier-sentinel-51c2-----"
ELSEWHERE = "arn:aws:iam::123456789012:role/changed-with-tctl"
EMPTY: dict[str, list[str]] = {"roles": [], "oidc_providers": [], "documents": []}


@pytest.fixture
def typescript(
    engine: Harness,
    teleport: FakeTeleport,
    sdkgen_tool: Path,
    node_modules: Path,
    tmp_path: Path,
) -> Path:
    """examples/typescript-basic ready to run, with stack ``test`` and the identity secret."""
    if not LAUNCHER.is_file():
        pytest.skip(f"the teleport-oidc plugin is not in this tree yet: no {LAUNCHER}")
    engine.dynamic_python = False
    engine.install_plugin()
    program = tmp_path / "program"
    sdks.copy_example(REPO / "examples" / "typescript-basic", program)
    sdks.prepare_typescript(program, sdkgen_tool, node_modules)
    ok(engine.pulumi(program, "stack", "init", "test"))
    ok(
        engine.pulumi(
            program, "config", "set", "--secret", "teleport-oidc:identity", stdin=IDENTITY
        )
    )
    teleport.require_identity(IDENTITY)
    return program


def tctl_set_role(teleport: FakeTeleport, tmp_path: Path, name: str, role_arn: str) -> None:
    """``tctl create --force`` of the integration with another role, as an operator would."""
    identity = tmp_path / "identity"
    identity.write_text(IDENTITY)
    document = tmp_path / "integration.yaml"
    document.write_text(
        "kind: integration\nsub_kind: aws-oidc\nversion: v1\n"
        f"metadata:\n  name: {name}\nspec:\n  aws_oidc:\n    role_arn: {role_arn}\n"
    )
    argv = [str(teleport.tctl), "-i", str(identity), "create", "--force", str(document)]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    identity.unlink()


def test_typescript_program_through_the_real_engine(
    engine: Harness, teleport: FakeTeleport, typescript: Path, tmp_path: Path
) -> None:
    program = typescript
    preview = ok(engine.pulumi(program, "preview", "--diff"))
    check_golden("typescript-basic", sibling_order(normalise(preview)))
    assert teleport.integrations() == {}

    ok(engine.pulumi(program, "up", "--yes"))
    state = json.loads(ok(engine.pulumi(program, "stack", "export")))["deployment"]
    types = {resource["type"] for resource in state["resources"]}
    assert "teleport-oidc:index:TeleportIntegration" in types
    assert not [t for t in types if "pulumi-python" in t], types  # no dynamic child
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


def test_typescript_bad_proxy_url_fails_preview_with_our_message_and_creates_nothing(
    engine: Harness, teleport: FakeTeleport, typescript: Path
) -> None:
    bad = "https://teleport.example.com:3080"
    ok(engine.pulumi(typescript, "config", "set", "proxyUrl", bad))
    done = engine.pulumi(typescript, "preview", "--diff")
    output = done.stdout + done.stderr
    assert done.returncode != 0
    # Named as a TypeScript program writes it.
    assert (
        f"proxyUrl must not contain a port (IAM rejects OIDC provider URLs with one), got {bad!r}"
        in output
    ), output
    assert "proxy_url must" not in output and "Unexpected <class" not in output, output
    # No Python traceback. (The Node.js SDK does print its own "Unhandled exception: ... resource
    # monitor shut down" with a JavaScript stack after our message: its way of reporting any
    # failed registration, outside the plugin.)
    assert "Traceback" not in output and 'File "' not in output, output
    assert teleport.integrations() == {}
    assert aws_leftovers(engine) == EMPTY
