"""Measured figures for teleport-oidc, as a table. Run: `.venv/bin/python benchmarks/run.py`.

Every comparison is measured side by side in the same run (interleaved repetitions, medians).
Goals are printed next to the figures; nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import base64
import functools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pulumi  # noqa: E402
import pulumi_aws as aws  # noqa: E402

from benchmarks.record import Figure, bytecode_cached_env, report, spread, under_load  # noqa: E402
from teleport_oidc import AwsOidcIntegration, AwsOidcIntegrationArgs, trust_policy  # noqa: E402
from teleport_oidc.cli.mockrun import MockRun, run_program  # noqa: E402
from teleport_oidc.lookups.thumbprint import clear_cache, lookup_thumbprints  # noqa: E402
from teleport_oidc.tags import merge_tags, required_tags  # noqa: E402

THUMB = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"
ROWS: list[tuple[str, str, str]] = []
FIGURES: dict[str, Figure] = {}


def figure(name: str, samples: list[float], unit: str) -> float:
    """The median of ``samples``, kept for results.json with its spread as the noise."""
    value = statistics.median(samples)
    FIGURES[name] = Figure(round(value, 4), unit, round(spread(samples), 3), True, under_load())
    return value


def row(name: str, figure: str, goal: str = "") -> None:
    ROWS.append((name, figure, goal))
    print(f"  {name:<58} {figure:<34} {goal}", flush=True)


def elapsed(fn: Callable[[], Any]) -> float:
    """CPU seconds of this process (every thread) spent in ``fn``: on a machine shared with
    other work, CPU time moves far less than wall time."""
    start = time.process_time()
    fn()
    return time.process_time() - start


# --- program overhead --------------------------------------------------------------------------


def component_program(n: int) -> Callable[[], None]:
    def program() -> None:
        for i in range(n):
            AwsOidcIntegration(
                f"c{i}",
                AwsOidcIntegrationArgs(
                    proxy_url="https://teleport.example.com",
                    integration_name=f"aws-{i}",
                    cluster_name="teleport.example.com",  # like the raw pair: no lookup
                    thumbprints=[THUMB],
                    create_teleport_integration=False,
                ),
            )

    return program


def raw_pair(i: int, opts: pulumi.ResourceOptions | None = None) -> tuple[Any, Any]:
    """The provider and role of integration ``i``, written by hand with pulumi_aws."""
    tags = merge_tags({}, required_tags("teleport.example.com", f"aws-{i}"))
    provider = aws.iam.OpenIdConnectProvider(
        f"c{i}-provider",
        url="https://teleport.example.com",
        client_id_lists=["discover.teleport"],
        thumbprint_lists=[THUMB],
        tags=tags,
        opts=opts,
    )
    role = aws.iam.Role(
        f"c{i}-role",
        name=f"teleport-aws-{i}",
        path="/",
        description="Used by Teleport to provide access to AWS resources.",
        assume_role_policy=provider.arn.apply(
            lambda arn: json.dumps(trust_policy(arn, "teleport.example.com"))
        ),
        max_session_duration=3600,
        tags=tags,
        opts=opts,
    )
    return provider, role


def raw_program(n: int) -> Callable[[], None]:
    """The same provider and role as the component's, without the component."""

    def program() -> None:
        for i in range(n):
            raw_pair(i)

    return program


class Floor(pulumi.ComponentResource):
    """An empty component class, as any component is written (the SDK records a stack trace for
    an instance of a component class, none for a bare ``ComponentResource``)."""

    def __init__(self, name: str) -> None:
        super().__init__("bench:index:Floor", name)


def floor_program(n: int) -> Callable[[], None]:
    """The raw resources parented under an empty component: the least any component can cost."""

    def program() -> None:
        for i in range(n):
            component = Floor(f"c{i}")
            provider, role = raw_pair(i, pulumi.ResourceOptions(parent=component))
            component.register_outputs({"provider_arn": provider.arn, "role_arn": role.arn})

    return program


def outputs_made(program: Callable[[], None]) -> int:
    """How many Outputs a run of ``program`` makes (the SDK tracks each until it resolves and,
    under the real engine, walks every one still pending on each completion at the end of the
    program: benchmarks/README.md, "Where the time goes", 7)."""
    made = [0]
    track = pulumi.Output._track

    def counted(output: Any) -> None:
        made[0] += 1
        track(output)

    pulumi.Output._track = counted  # type: ignore[method-assign,assignment]
    try:
        run_program(program, MockRun(preview=False))
    finally:
        pulumi.Output._track = track  # type: ignore[method-assign]
    return made[0]


def bench_program_overhead(repeats: int) -> None:
    print("Program overhead (mock engine, CPU time, median of interleaved runs)")
    builders = {"component": component_program, "raw": raw_program, "floor": floor_program}
    for build in builders.values():  # first-use costs (lazy imports, caches) are not per-N
        run_program(build(1), MockRun(preview=False))
    n = 10
    made = {kind: outputs_made(builders[kind](n)) / n for kind in ("component", "floor")}
    for kind, count in made.items():
        FIGURES[f"program Outputs per {kind}"] = Figure(round(count, 1), "", 0.0, True, False)
    row(
        "Outputs made per component vs floor (N=10, counted)",
        f"{made['component']:.1f} vs {made['floor']:.1f}  ratio "
        f"{made['component'] / made['floor']:.2f}",
    )
    for n in (1, 10, 50, 200):
        times: dict[str, list[float]] = {kind: [] for kind in builders}
        for _ in range(repeats):
            for kind, build in builders.items():
                program = build(n)
                times[kind].append(
                    elapsed(functools.partial(run_program, program, MockRun(preview=False)))
                )
        comp, raw, floor = (statistics.median(times[k]) for k in builders)
        per_run = [c / f for c, f in zip(times["component"], times["floor"], strict=True)]
        figure(f"program N={n} component vs floor ratio", per_run, "x")
        figure(f"program N={n} component ms", [t * 1000 for t in times["component"]], "ms")
        row(
            f"N={n}: component vs raw pulumi_aws",
            f"{comp * 1000:.1f} ms vs {raw * 1000:.1f} ms  ratio {comp / raw:.2f}",
        )
        row(
            f"N={n}:   floor (raw under an empty component class) vs raw",
            f"{floor * 1000:.1f} ms vs {raw * 1000:.1f} ms  ratio {floor / raw:.2f}",
        )
        noise = max(spread(times["component"]), spread(times["floor"]))
        row(
            f"N={n}:   component vs floor",
            f"ratio {comp / floor:.2f} (noise {noise:.0%})",
            "goal: <= 1.10",
        )


# --- network calls -----------------------------------------------------------------------------


def bench_network() -> None:
    print("Network calls (counted by the loopback server)")
    sys.path.insert(0, str(ROOT))
    from tests.tls_server import Pki

    with tempfile.TemporaryDirectory() as tmp:
        pki = Pki(Path(tmp))
        with pki.serve() as server:
            clear_cache()
            start = time.perf_counter()
            for _ in range(100):
                lookup_thumbprints(server.url, ca_bundle=str(pki.ca_bundle))
            elapsed = time.perf_counter() - start
            row(
                "100 lookups of one issuer: discovery requests",
                str(server.counters.discovery),
                "goal: 1 per host",
            )
            row(
                "100 lookups of one issuer: TLS handshakes",
                str(server.counters.handshakes),
                "goal: 1 per host",
            )
            row("100 lookups of one issuer: wall time", f"{elapsed * 1000:.1f} ms")
    clear_cache()


# --- tctl calls, __provider --------------------------------------------------------------------


#: A preview makes no tctl call; delete reads the resource's owner label before ``tctl rm``
#: (tctl has no conditional delete, and another stack's resource must be left alone).
TCTL_GOALS = {"preview (check+diff)": "goal: 0", "delete": "goal: 2 (read the owner, then rm)"}


def bench_tctl_calls() -> None:
    print("tctl calls per operation (provider server over gRPC, stand-in tctl)")
    from tests.fake_teleport import FakeTeleport
    from tests.provider_server import ProviderServer

    role = "arn:aws:iam::123456789012:role/teleport-aws-prod"
    props = {
        "integration_name": "aws-prod",
        "role_arn": role,
        "audience": "",
        "labels": {},
        "adopt_existing": False,
    }
    with tempfile.TemporaryDirectory() as tmp:
        teleport = FakeTeleport.create(Path(tmp))
        with ProviderServer(
            Path(tmp) / "p.log", config={"teleport-oidc:tctlPath": str(teleport.tctl)}
        ) as server:

            def calls(fn: Callable[[], Any]) -> int:
                before = len(teleport.calls())
                fn()
                return len(teleport.calls()) - before

            state: dict[str, Any] = {}

            def create() -> None:
                state["id"], state["outs"] = server.up_create(props)

            def preview() -> None:
                checked = server.check(state["outs"], {**props, "role_arn": role + "-2"})
                server.diff(state["id"], state["outs"], checked.inputs)

            def update() -> None:
                state["outs"] = server.update(
                    state["id"], state["outs"], {**props, "role_arn": role + "-2"}
                )

            figures = {
                "create": calls(create),
                "preview (check+diff)": calls(preview),
                "update": calls(update),
                "read": calls(lambda: server.read(state["id"], state["outs"], props)),
                "delete": calls(lambda: server.delete(state["id"], state["outs"])),
            }
    for op, count in figures.items():
        row(f"tctl calls: {op}", str(count), TCTL_GOALS.get(op, "goal: 1"))


def bench_provider_blob() -> None:
    print("Serialized __provider")
    from tests.provider_server import provider_blob, provider_blob_after_edit

    blob = provider_blob()
    with tempfile.TemporaryDirectory() as tmp:
        edited = provider_blob_after_edit(Path(tmp))
    row(
        "__provider size (base64 / raw bytes)",
        f"{len(blob)} / {len(base64.b64decode(blob))}",
        "goal: <= 200",
    )
    row(
        "__provider changed by an edit of the provider code",
        "yes" if edited != blob else "no",
        "goal: no",
    )


# --- import time -------------------------------------------------------------------------------


#: What a program imports, each against the same baseline: the SDK and the IAM module any
#: program with these resources imports. The component's import is what a program using it pays.
IMPORTS = {
    "teleport_oidc": "import teleport_oidc",
    "AwsOidcIntegration": "from teleport_oidc import AwsOidcIntegration",
}
IMPORT_BASELINE = "import pulumi, pulumi_aws.iam"
#: What the first component costs (import and building it, under the SDK's mocks) against the
#: same first resources written by hand: the modules a component loads only when built count.
_MOCKS = """import pulumi
class Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args): return args.name + "-id", dict(args.inputs)
    def call(self, args): return {"accountId": "123456789012", "partition": "aws"}
pulumi.runtime.set_mocks(Mocks(), preview=False)
"""
FIRST_BUILD = {
    "component": _MOCKS
    + """from teleport_oidc import AwsOidcIntegration, AwsOidcIntegrationArgs
AwsOidcIntegration("c0", AwsOidcIntegrationArgs(
    proxy_url="https://teleport.example.com", integration_name="aws-0",
    cluster_name="teleport.example.com", thumbprints=["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"],
    create_teleport_integration=False))
""",
    "raw": _MOCKS
    + """import json, pulumi_aws as aws
provider = aws.iam.OpenIdConnectProvider("c0-provider", url="https://teleport.example.com",
    client_id_lists=["discover.teleport"],
    thumbprint_lists=["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"])
aws.iam.Role("c0-role", name="teleport-aws-0", assume_role_policy=provider.arn.apply(
    lambda arn: json.dumps({"Version": "2012-10-17", "Statement": []})))
""",
}


def bench_import(repeats: int) -> None:
    print(
        f"Import time vs `{IMPORT_BASELINE}` (CPU, fresh interpreter each run, bytecode "
        "cached, interleaved, median)"
    )
    cases = {**IMPORTS, "baseline": IMPORT_BASELINE, **FIRST_BUILD}
    times: dict[str, list[float]] = {k: [] for k in cases}
    with tempfile.TemporaryDirectory() as cache:
        env = bytecode_cached_env(os.environ, cache)

        def run(code: str) -> float:
            timed = f"import time\nt = time.process_time()\n{code}\nprint(time.process_time() - t)"
            out = subprocess.run(
                [sys.executable, "-c", timed],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
                env=env,
            ).stdout
            return float(out.split()[-1])

        for code in cases.values():  # writes the bytecode, as a first import after install does
            run(code)
        for _ in range(repeats):
            for name, code in cases.items():
                times[name].append(run(code))

    def compared(name: str, base: str, figure_name: str, label: str, goal: str = "") -> None:
        ratios = [a / b for a, b in zip(times[name], times[base], strict=True)]
        figure(figure_name, ratios, "x")
        ours, theirs = statistics.median(times[name]), statistics.median(times[base])
        noise = max(spread(times[name]), spread(times[base]))
        row(
            label,
            f"{ours * 1000:.0f} ms vs {theirs * 1000:.0f} ms  ratio "
            f"{statistics.median(ratios):.2f} (noise {noise:.0%})",
            goal,
        )

    for name, stmt in IMPORTS.items():
        compared(
            name,
            "baseline",
            f"import {name} vs pulumi + pulumi_aws.iam ratio",
            stmt,
            "goal: ratio <= 1.1",
        )
    compared(
        "component",
        "raw",
        "import + first component vs the same resources by hand ratio",
        "import + first component (AWS side) vs by hand",
    )


# --- provider server throughput ----------------------------------------------------------------


def bench_throughput(sleep: float) -> None:
    print("Provider server throughput (100 creates, stand-in tctl sleeping per call)")
    from tests.fake_teleport import FakeTeleport
    from tests.provider_server import ProviderServer

    with tempfile.TemporaryDirectory() as tmp:
        teleport = FakeTeleport.create(Path(tmp))
        with ProviderServer(
            Path(tmp) / "p.log", config={"teleport-oidc:tctlPath": str(teleport.tctl)}
        ) as server:
            # The stand-in's own start-up, measured without the sleep, is part of each call.
            start = time.perf_counter()
            for i in range(10):
                server.up_create(
                    {
                        "integration_name": f"warm-{i}",
                        "role_arn": "arn:aws:iam::123456789012:role/r",
                    }
                )
            per_call = (time.perf_counter() - start) / 10
            teleport.faults(sleep=sleep)
            start = time.perf_counter()
            with ThreadPoolExecutor(max_workers=16) as pool:
                list(
                    pool.map(
                        lambda i: server.up_create(
                            {
                                "integration_name": f"aws-{i:03d}",
                                "role_arn": "arn:aws:iam::123456789012:role/r",
                            }
                        ),
                        range(100),
                    )
                )
            wall = time.perf_counter() - start
    ideal = 100 * sleep / 4
    ideal_with_startup = 100 * (sleep + per_call) / 4
    row("one create without sleep (stand-in tctl start-up + gRPC)", f"{per_call * 1000:.0f} ms")
    row(
        f"100 creates at {sleep:g} s/call: wall vs ideal (calls*sleep/4)",
        f"{wall:.2f} s vs {ideal:.2f} s  ratio {wall / ideal:.2f}",
    )
    row(
        "  same, ideal including the measured per-call start-up",
        f"{wall:.2f} s vs {ideal_with_startup:.2f} s  ratio {wall / ideal_with_startup:.2f}",
    )


#: The sections, in the order they run (``--only`` picks some; a run of some keeps the others'
#: figures in results.json).
SECTIONS = ("program", "network", "tctl", "provider", "imports", "throughput")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--sleep", type=float, default=0.2)
    parser.add_argument("--write", action="store_true", help="replace results.json's section")
    parser.add_argument(
        "--only",
        default="",
        help=f"comma-separated sections to run, of: {', '.join(SECTIONS)} (default: all)",
    )
    args = parser.parse_args()
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    unknown = sorted(only - set(SECTIONS))
    if unknown:
        parser.error(f"--only: unknown section {unknown[0]!r}; use one of {', '.join(SECTIONS)}")
    from importlib.metadata import version

    print(
        f"teleport-oidc benchmarks — Python {platform.python_version()}, {platform.machine()}, "
        f"{os.cpu_count()} CPUs, pulumi {version('pulumi')}, pulumi-aws {version('pulumi-aws')}"
    )
    sections: dict[str, Callable[[], None]] = {
        "program": lambda: bench_program_overhead(args.repeats),
        "network": bench_network,
        "tctl": bench_tctl_calls,
        "provider": bench_provider_blob,
        "imports": lambda: bench_import(args.repeats),
        "throughput": lambda: bench_throughput(args.sleep),
    }
    for name, bench in sections.items():
        if not only or name in only:
            bench()
    load = os.getloadavg()[0]
    report("program", FIGURES, write=args.write, note=f"load average {load:.1f} at the end")


if __name__ == "__main__":
    main()
