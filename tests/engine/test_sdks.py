"""The SDKs `pulumi package add` would generate from the plugin's schema compile, and the example
programs in TypeScript and Go compile against them: TypeScript with ``tsc``, Go with ``go
build`` (offline, against the pinned ``github.com/pulumi/pulumi/sdk/v3``), Python imported and
byte-compiled in the test venv. C#: generated, and the example's names checked against it; not
compiled (see ``test_csharp_example_uses_the_names_the_generated_csharp_sdk_has``)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from . import sdks
from .harness import REPO

pytestmark = pytest.mark.engine

EXAMPLES = REPO / "examples"
COMPONENT = "teleport-oidc:index:AwsOidcIntegration"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory, sdkgen_tool: Path) -> Path:
    out = tmp_path_factory.mktemp("sdks")
    for language in ("nodejs", "go", "python"):
        sdks.generate(sdkgen_tool, out / language, language)
    return out


def test_typescript_sdk_compiles_with_tsc_and_constructs_the_remote_component(
    generated: Path, node_modules: Path, tmp_path: Path
) -> None:
    sdk = shutil.copytree(generated / "nodejs", tmp_path / "sdk")
    sdks.compile_node_sdk(sdk, node_modules)
    source = (sdk / "awsOidcIntegration.ts").read_text()
    assert f"'{COMPONENT}'" in source
    assert "true /*remote*/" in source  # served by the plugin, not built in the program
    assert (sdk / "bin" / "index.d.ts").is_file()


def test_typescript_example_compiles_against_the_generated_sdk(
    sdkgen_tool: Path, node_modules: Path, tmp_path: Path
) -> None:
    program = sdks.copy_example(EXAMPLES / "typescript-basic", tmp_path / "program")
    sdks.prepare_typescript(program, sdkgen_tool, node_modules)
    compiled = (program / "bin" / "index.js").read_text()
    assert 'require("@pulumi/teleport-oidc")' in compiled


def test_go_example_builds_against_the_generated_sdk(
    generated: Path, go_modules: Path, tmp_path: Path
) -> None:
    program = sdks.copy_example(EXAMPLES / "go-basic", tmp_path / "program")
    shutil.copytree(generated / "go", program / sdks.SDK_FOLDER)
    env = {**os.environ, "GOTOOLCHAIN": "local", "GOFLAGS": "-mod=readonly", "GOPROXY": "off"}
    done = subprocess.run(
        ["go", "build", "-o", str(tmp_path / "go-basic"), "."],
        cwd=program,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "go-basic").is_file()


def test_python_sdk_installs_byte_compiles_and_its_args_build(
    generated: Path, tmp_path: Path
) -> None:
    sdk = shutil.copytree(generated / "python", tmp_path / "python")
    sdks.develop_python_sdk(sdk)
    check = (
        "import compileall, sys\n"
        "assert compileall.compile_dir(sys.argv[1], quiet=1, force=True)\n"
        "import pulumi_teleport_oidc as t\n"
        "args = t.AwsOidcIntegrationArgs(proxy_url='https://teleport.example.com',"
        " integration_name='aws-example')\n"
        "print(t.AwsOidcIntegration.__name__, args.proxy_url, args.integration_name)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", check, str(sdk / "pulumi_teleport_oidc")],
        env={**os.environ, "PYTHONPATH": str(sdk)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "AwsOidcIntegration",
        "https://teleport.example.com",
        "aws-example",
    ]


def _csharp_members(source: str, cls: str) -> set[str]:
    """Public property names of class ``cls`` in generated C# source."""
    body = source[source.index(f" class {cls} ") :]
    end = re.search(r"\n    }\n", body)
    body = body[: end.start() if end else len(body)]
    return set(re.findall(r"public [^\n(]*?(\w+) \{ get;", body)) | set(
        re.findall(r"public [^\n(]*?(\w+)\n\s*\{\n\s*get", body)
    )


def test_csharp_example_uses_the_names_the_generated_csharp_sdk_has(
    sdkgen_dotnet_tool: Path, tmp_path: Path
) -> None:
    """A names check, not a compile: no .NET SDK can be installed here (Debian bookworm has only
    Mono 6.8) and NuGet, home of the Pulumi .NET SDK the generated code needs, is not
    reachable. The C# generator is pkg v3.206.0's (it left pkg/v3 for pulumi-dotnet, which the
    Go module proxy refuses)."""
    out = tmp_path / "csharp"
    done = subprocess.run(
        [str(sdkgen_dotnet_tool), str(sdks.SCHEMA), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    example = EXAMPLES / "csharp-basic"
    program = (example / "Program.cs").read_text()
    generated = (out / "AwsOidcIntegration.cs").read_text()

    namespaces = set(re.findall(r"^using ([\w.]+);", program, re.M)) - {"Pulumi"}
    namespaces = {n for n in namespaces if not n.startswith("System")}
    assert namespaces == set(re.findall(r"^namespace ([\w.]+)", generated, re.M))
    project = re.search(
        r'ProjectReference Include="sdks/teleport-oidc/([^"]+)"',
        (example / "csharp-basic.csproj").read_text(),
    )
    assert project and (out / project.group(1)).is_file()

    args = program[program.index("new AwsOidcIntegrationArgs") :]
    used_args = set(re.findall(r"^\s*(\w+) = ", args[: args.index("}")], re.M))
    assert used_args and used_args <= _csharp_members(generated, "AwsOidcIntegrationArgs")
    used_outputs = set(re.findall(r"integration\.(\w+)", program))
    assert used_outputs and used_outputs <= _csharp_members(generated, "AwsOidcIntegration")
