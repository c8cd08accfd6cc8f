"""The teleport-oidc plugin: its cold start, and a YAML program's `pulumi preview` against the
same integration from a Python program, in one run.

``.venv/bin/python benchmarks/plugin.py`` (needs the engine and pulumi-language-yaml:
``tests/engine/build``). Printed, never asserted.

- **cold start**: from starting ``provider/pulumi-resource-teleport-oidc`` to the port it
  prints (imports of the package, pulumi and pulumi-aws, and the schema built), against
  ``import pulumi.provider.server`` as the floor any Python plugin pays;
- **preview**: ``examples/yaml-basic`` (the component constructed by the plugin, the Teleport
  integration served by it) against ``examples/basic`` (Python, the dynamic resource in the
  program's Python), both with a pinned thumbprint and a given cluster name so nothing but the
  engine and the plugins is measured; runs interleaved, median of 5 after one warm-up.
"""

from __future__ import annotations

import logging
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.engine import build  # noqa: E402
from tests.engine.harness import Harness, free_port  # noqa: E402
from tests.fake_teleport import FakeTeleport  # noqa: E402

LAUNCHER = REPO / "provider" / "pulumi-resource-teleport-oidc"
THUMB = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"
RUNS = 5
#: What any Python plugin pays before it can print its port.
FLOOR = "import pulumi.provider.server; print(1, flush=True)"


def cold_start(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, env=env)
    assert process.stdout is not None
    line = process.stdout.readline()
    elapsed = time.perf_counter() - started
    process.terminate()
    process.wait(timeout=10)
    assert line.strip().isdigit(), line
    return elapsed


def yaml_program(root: Path) -> Path:
    folder = shutil.copytree(REPO / "examples" / "yaml-basic", root / "yaml")
    plugin = root / "plugin-bin"
    plugin.mkdir()
    shutil.copy2(LAUNCHER, plugin / LAUNCHER.name)
    manifest = yaml.safe_load((folder / "Pulumi.yaml").read_text())
    manifest["packages"] = {"teleport-oidc": str(plugin)}
    props = manifest["resources"]["teleport"]["properties"]
    props.update(thumbprints=[THUMB], clusterName="teleport.example.com")
    (folder / "Pulumi.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False))
    return folder


def python_program(root: Path) -> Path:
    folder = shutil.copytree(REPO / "examples" / "basic", root / "python")
    main = folder / "__main__.py"
    main.write_text(
        main.read_text().replace(
            'integration_name=config.get("integrationName") or "aws-example",',
            'integration_name=config.get("integrationName") or "aws-example",\n'
            f'        thumbprints=["{THUMB}"],\n        cluster_name="teleport.example.com",',
        )
    )
    assert THUMB in main.read_text()
    return folder


def main() -> None:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request log

    cli = build.cli()
    build.yaml_language_host()
    port = free_port()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    moto.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            teleport = FakeTeleport.create(root)
            engine = Harness(root / "engine", cli, f"http://127.0.0.1:{port}", teleport.tctl)
            engine.setup()
            env = engine.env()

            plugin = [cold_start([str(LAUNCHER), "127.0.0.1:1"], env) for _ in range(RUNS)]
            floor = [cold_start([sys.executable, "-c", FLOOR], env) for _ in range(RUNS)]
            print(f"plugin cold start, median of {RUNS}")
            print(
                f"  plugin {statistics.median(plugin):5.2f} s   SDK import floor "
                f"{statistics.median(floor):5.2f} s   ratio "
                f"{statistics.median(plugin) / statistics.median(floor):.2f}"
            )

            folders = {"yaml": yaml_program(root), "python": python_program(root)}
            for folder in folders.values():
                assert engine.pulumi(folder, "stack", "init", "bench").returncode == 0
            times: dict[str, list[float]] = {kind: [] for kind in folders}
            for run in range(RUNS + 1):
                for kind, folder in folders.items():
                    engine.dynamic_python = kind == "python"
                    started = time.perf_counter()
                    done = engine.pulumi(folder, "preview")
                    if run:  # the first round warms caches
                        times[kind].append(time.perf_counter() - started)
                    assert done.returncode == 0, done
            yaml_s, python_s = (statistics.median(times[k]) for k in ("yaml", "python"))
            print(f"pulumi preview of one integration, real engine {cli.parent.name}, median")
            print(
                f"  YAML via plugin {yaml_s:5.2f} s   Python {python_s:5.2f} s   "
                f"ratio {yaml_s / python_s:.2f}"
            )
    finally:
        moto.stop()


if __name__ == "__main__":
    main()
