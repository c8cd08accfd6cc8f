"""The sandbox runs a YAML, a TypeScript or a Python SDK program folder as it runs a Python one:
YAML through ``pulumi-language-yaml``, TypeScript compiled against the generated SDK and run
through the Node.js language server, Python importing the generated Python SDK; none with
``PULUMI_PYTHON_CMD``, as their users have none."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .harness import REPO

pytestmark = pytest.mark.engine

SANDBOX = [sys.executable, "-m", "tests.engine.sandbox"]


def sandbox(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PULUMI_PYTHON_CMD": sys.executable}
    return subprocess.run(
        [*SANDBOX, *args], cwd=REPO, env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture
def program(tmp_path: Path) -> Iterator[Path]:
    # Under a folder named like the SDKs' (a checkout in .../sdks/ once hid a program's own
    # modules from the Node.js language host's reload between passes).
    folder = tmp_path / "sdks" / "program"
    folder.mkdir(parents=True)
    yield folder
    sandbox("--stop", str(folder))


def test_sandbox_runs_a_yaml_program_without_pulumi_python_cmd(
    engine_cli: Path, program: Path
) -> None:
    (program / "Pulumi.yaml").write_text(
        "name: sandbox-yaml\nruntime: yaml\noutputs:\n  greeting: hello from yaml\n"
    )
    up = sandbox(str(program), "--", "pulumi", "up", "--yes", "--non-interactive")
    assert up.returncode == 0, up.stdout + up.stderr
    assert 'greeting: "hello from yaml"' in up.stdout
    probe = sandbox(str(program), "--", "sh", "-c", 'echo "${PULUMI_PYTHON_CMD-unset}"')
    assert probe.stdout.strip() == "unset", probe


def test_sandbox_compiles_and_runs_a_typescript_program_with_the_generated_sdk(
    engine_cli: Path, sdkgen_tool: Path, node_modules: Path, program: Path
) -> None:
    (program / "Pulumi.yaml").write_text("name: sandbox-ts\nruntime: nodejs\n")
    (program / "package.json").write_text('{"name": "sandbox-ts", "main": "bin/index.js"}\n')
    (program / "tsconfig.json").write_text(
        '{"compilerOptions": {"outDir": "bin", "module": "commonjs", "strict": true,'
        ' "types": ["node"]}, "files": ["index.ts"]}\n'
    )
    (program / "index.ts").write_text(
        'import * as pulumi from "@pulumi/pulumi";\n'
        'import * as teleportOidc from "@pulumi/teleport-oidc";\n'
        "export const greeting = `hello from ${pulumi.getStack()}`;\n"
        "export const component = teleportOidc.AwsOidcIntegration.name;\n"
        'new pulumi.ComponentResource("sandbox:index:Marker", "marker");\n'
    )
    up = sandbox(str(program), "--", "pulumi", "up", "--yes", "--non-interactive")
    assert up.returncode == 0, up.stdout + up.stderr
    assert re.search(r'greeting\s*: "hello from sandbox"', up.stdout), up.stdout
    assert re.search(r'component\s*: "AwsOidcIntegration"', up.stdout), up.stdout
    # Registered again in up's update pass, not only in its preview.
    assert "+ 2 created" in up.stdout, up.stdout
    assert (program / "sdks" / "teleport-oidc" / "bin" / "index.js").is_file()


def test_sandbox_runs_a_python_program_with_the_generated_python_sdk(
    engine_cli: Path, sdkgen_tool: Path, program: Path
) -> None:
    (program / "Pulumi.yaml").write_text(
        "name: sandbox-python-sdk\nruntime: python\n"
        f"packages:\n  teleport-oidc: {REPO / 'provider'}\n"
    )
    (program / "__main__.py").write_text(
        "import os\n"
        "import pulumi\n"
        "import pulumi_teleport_oidc as teleport_oidc\n"
        "integration = teleport_oidc.AwsOidcIntegration(\n"
        '    "teleport", proxy_url="https://teleport.example.com", integration_name="aws-sandbox"\n'
        ")\n"
        'pulumi.export("roleArn", integration.role_arn)\n'
        'pulumi.export("pythonCmd", os.environ.get("PULUMI_PYTHON_CMD", "unset"))\n'
    )
    up = sandbox(str(program), "--", "pulumi", "up", "--yes", "--non-interactive")
    assert up.returncode == 0, up.stdout + up.stderr
    assert re.search(r'pythonCmd\s*: "unset"', up.stdout), up.stdout
    assert "+ 5 created" in up.stdout, up.stdout  # stack, component, provider, role, integration
    assert (program / "sdks" / "teleport-oidc" / "pulumi_teleport_oidc" / "__init__.py").is_file()
    got = sandbox(str(program), "--", "tctl", "get", "integration/aws-sandbox")
    assert "role_arn: arn:aws:iam::123456789012:role/teleport-aws-sandbox" in got.stdout, got
