"""The checks every program using the ``teleport-oidc`` plugin goes through, whatever its
language (YAML, TypeScript, Python with the generated SDK): its stack set up, the lifecycle from
preview to destroy, and a bad ``proxyUrl`` refused at preview."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

import yaml

from tests.fake_teleport import FakeTeleport

from .harness import REPO, Harness, aws_leftovers
from .test_examples import ok, steps

PLUGIN = REPO / "provider"
LAUNCHER = PLUGIN / "pulumi-resource-teleport-oidc"
IDENTITY = "-----BEGIN IDENTITY typescript-tier-sentinel-51c2-----"
ELSEWHERE = "arn:aws:iam::123456789012:role/changed-with-tctl"
EMPTY: dict[str, list[str]] = {"roles": [], "oidc_providers": [], "documents": []}


def name_the_plugin(program: Path) -> Path:
    """Point the program's ``packages: teleport-oidc`` at a folder beside it holding only a
    copy of this tree's plugin launcher (with no Python language host here, ``provider/``
    itself, run through its PulumiPlugin.yaml, cannot start). Returns ``program``."""
    folder = program.parent / "plugin-bin"
    folder.mkdir(exist_ok=True)
    shutil.copy2(LAUNCHER, folder / LAUNCHER.name)
    manifest = yaml.safe_load((program / "Pulumi.yaml").read_text())
    manifest["packages"] = {**(manifest.get("packages") or {}), "teleport-oidc": str(folder)}
    (program / "Pulumi.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False))
    return program


def init_stack(engine: Harness, program: Path) -> Path:
    """Stack ``test`` of ``program``, with the identity the stand-in Teleport expects as the
    secret ``teleport-oidc:identity``."""
    ok(engine.pulumi(program, "stack", "init", "test"))
    ok(
        engine.pulumi(
            program, "config", "set", "--secret", "teleport-oidc:identity", stdin=IDENTITY
        )
    )
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


def dynamic_children(engine: Harness, program: Path) -> list[str]:
    """URNs of the stack's dynamic resources (and their provider), from its state."""
    state = json.loads(ok(engine.pulumi(program, "stack", "export")))
    return [
        resource["urn"]
        for resource in state["deployment"].get("resources", [])
        if "pulumi-python" in resource["type"]
    ]


def resource_types(engine: Harness, program: Path) -> set[str]:
    state = json.loads(ok(engine.pulumi(program, "stack", "export")))
    return {resource["type"] for resource in state["deployment"].get("resources", [])}


def lifecycle(
    engine: Harness,
    teleport: FakeTeleport,
    program: Path,
    tmp_path: Path,
    *,
    policies: Iterable[str] = (),
) -> str:
    """Up, a clean second preview, refresh after a change made with tctl, one real change and
    destroy, leaving moto and the stand-in Teleport empty; returns the first preview.

    The program has config ``integrationName`` (default ``aws-example``) and ``proxyUrl``;
    ``policies`` names the role's feature policy children (``teleport-<feature>``), replaced with
    the role when the integration is renamed."""
    preview = ok(engine.pulumi(program, "preview", "--diff"))
    assert teleport.integrations() == {}

    ok(engine.pulumi(program, "up", "--yes"))
    assert "teleport-oidc:index:TeleportIntegration" in resource_types(engine, program)
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
        **{f"teleport-{policy}": "replace" for policy in policies},
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
    and creates nothing, with no traceback from the plugin. The program's own SDK may report
    its pending registration failing after our message ("resource monitor shut down"): Python's
    with a traceback (then every frame is the SDK's or Python's), Node.js's with a JavaScript
    stack (no Python frame)."""
    bad = "https://teleport.example.com:3080"
    ok(engine.pulumi(program, "config", "set", "proxyUrl", bad))
    done = engine.pulumi(program, "preview", "--diff")
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert (
        f"proxyUrl must not contain a port (IAM rejects OIDC provider URLs with one), got {bad!r}"
        in output
    ), output
    # The Python spelling nowhere but in the test's own folder (named after the test), which a
    # Node.js stack shows.
    ours = output.replace(str(program.parent), "<tmp>")
    assert "proxy_url" not in ours and "Unexpected <class" not in ours, output
    assert "teleport_oidc" not in ours, output
    if python_program:
        frames = re.findall(r'File "([^"]+)"', output)
        assert frames and all("/site-packages/" in f or "/python3." in f for f in frames), frames
        assert "resource monitor shut down" in output, output
    else:
        assert "Traceback" not in output and 'File "' not in output, output
    assert teleport.integrations() == {}
    assert aws_leftovers(engine) == EMPTY
