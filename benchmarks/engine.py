"""The package under the real Pulumi engine, at scale: wall time, peak memory and plugin processes.

``.venv/bin/python benchmarks/engine.py [--sizes 1,10,50] [--members 10,50] [--many 200]
[--repeats 3] [--write]`` (needs the engine: ``tests/engine/build``). Everything runs on
loopback: the stand-in aws plugin over a moto server, the stand-in tctl, a stand-in Teleport proxy.

Sections (each variant interleaved with what it is compared with, medians of ``--repeats``):

- component vs floor: N integrations (provider + role, pinned thumbprints) against the floor of
  any component: the same hand-written resources under an empty component class (``class
  Floor(pulumi.ComponentResource)``, as any component is written); ``preview`` of a new stack,
  ``up``, ``preview`` of the deployed stack. The ``bare floor`` (a ``ComponentResource``
  instance with no class) is shown too: the SDK stores a stack trace (~2 KB of state) for each
  instance of a component class and none for a bare one, which the engine rewrites with every
  checkpoint of ``up``.
- with Teleport: the same with the Teleport integration, against the floor plus a minimal dynamic
  resource making the same single ``tctl create``.
- organizations: the member role in M accounts, per account (one AWS provider each) or by one
  service-managed StackSet: wall time, peak memory (sum of RSS over the process tree, sampled),
  plugin processes.
- many integrations: N integrations of one Teleport cluster with the thumbprint and cluster
  lookups, ``--parallel`` 1, 4 and the default.

Each figure is printed with its goal and compared with ``benchmarks/results.json`` (``--write``
replaces the ``engine`` section). Goals are printed, never asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.record import (  # noqa: E402
    Figure,
    bytecode_cached_env,
    compare,
    load,
    save,
    spread,
    under_load,
)
from tests.engine import build  # noqa: E402
from tests.engine.harness import Harness, free_port, teleport_proxy  # noqa: E402
from tests.fake_teleport import FakeTeleport  # noqa: E402

THUMB = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"
MANAGEMENT = "arn:aws:iam::123456789012:role/teleport-aws-org"
PAGE = os.sysconf("SC_PAGE_SIZE")
FIGURES: dict[str, Figure] = {}
#: With ``--write``: results.json gets each figure as soon as it is measured (a long run cut
#: short keeps what it measured).
WRITE = [False]


def checkpoint() -> None:
    if WRITE[0]:
        save("engine", FIGURES, note=f"load average {os.getloadavg()[0]:.1f}")


# --- programs ----------------------------------------------------------------------------------

COMPONENT = """
import pulumi
from teleport_oidc import AwsOidcIntegration, AwsOidcIntegrationArgs

for i in range({n}):
    AwsOidcIntegration(
        f"t{{i}}",
        AwsOidcIntegrationArgs(
            proxy_url=f"https://t{{i}}.example.com",
            integration_name=f"aws-{{i}}",
            cluster_name=f"t{{i}}.example.com",  # no cluster lookup: no network at all
            thumbprints=["{thumb}"],
            create_teleport_integration={teleport},
        ),
    )
"""

FLOOR = '''
import json
import os
import subprocess
import tempfile

import pulumi
import pulumi_aws as aws


class Tctl(pulumi.dynamic.ResourceProvider):
    """The least a Teleport integration costs: one `tctl create`, one `tctl rm`."""

    def create(self, props):
        document = {{
            "kind": "integration", "sub_kind": "aws-oidc", "version": "v1",
            "metadata": {{"name": props["name"], "labels": {{"teleport.dev/iac-tool": "pulumi"}}}},
            "spec": {{"aws_oidc": {{"role_arn": props["role_arn"]}}}},
        }}
        with tempfile.NamedTemporaryFile("w", suffix=".yaml") as file:
            json.dump(document, file)
            file.flush()
            tctl = os.environ["TELEPORT_TCTL"]
            subprocess.run([tctl, "create", file.name], check=True, capture_output=True)
        return pulumi.dynamic.CreateResult(props["name"], props)

    def delete(self, id, props):
        tctl = os.environ["TELEPORT_TCTL"]
        subprocess.run([tctl, "rm", f"integration/{{id}}"], check=True, capture_output=True)


class Integration(pulumi.dynamic.Resource):
    def __init__(self, name, props, opts=None):
        super().__init__(Tctl(), name, props, opts)


class Floor(pulumi.ComponentResource):
    """An empty component class: what any component costs. (The SDK records a stack trace, ~2 KB
    of state, for an instance of a component class and none for a bare ComponentResource.)"""

    def __init__(self, name):
        super().__init__("bench:index:Floor", name)


def Bare(name):
    """A bare ComponentResource, no class of its own: the floor before it counted the class."""
    return pulumi.ComponentResource("bench:index:Floor", name)


for i in range({n}):
    host = f"t{{i}}.example.com"
    tags = {{
        "teleport.dev/cluster": host,
        "teleport.dev/integration": f"aws-{{i}}",
        "teleport.dev/origin": "integration_awsoidc",
        "teleport.dev/iac-tool": "pulumi",
    }}
    parent = {parent}(f"t{{i}}")
    opts = pulumi.ResourceOptions(parent=parent)
    provider = aws.iam.OpenIdConnectProvider(
        f"t{{i}}-provider",
        url=f"https://{{host}}",
        client_id_lists=["discover.teleport"],
        thumbprint_lists=["{thumb}"],
        tags=tags,
        opts=opts,
    )
    role = aws.iam.Role(
        f"t{{i}}-role",
        name=f"teleport-aws-{{i}}",
        path="/",
        max_session_duration=3600,
        assume_role_policy=provider.arn.apply(lambda arn, host=host: json.dumps({{
            "Version": "2012-10-17",
            "Statement": [{{
                "Effect": "Allow",
                "Principal": {{"Federated": arn}},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {{"StringEquals": {{f"{{host}}:aud": "discover.teleport"}}}},
            }}],
        }})),
        description="Used by Teleport to provide access to AWS resources.",
        tags=tags,
        opts=opts,
    )
    if {teleport}:
        Integration(f"t{{i}}-integration", {{"name": f"aws-{{i}}", "role_arn": role.arn}}, opts)
    parent.register_outputs({{"provider_arn": provider.arn, "role_arn": role.arn}})
'''

PER_ACCOUNT = """
import pulumi
import pulumi_aws as aws
from teleport_oidc import DiscoveryMemberRole, DiscoveryMemberRoleArgs

for account in {accounts!r}:
    provider = aws.Provider(
        f"aws-{{account}}",
        region="us-east-1",
        assume_roles=[aws.ProviderAssumeRoleArgs(
            role_arn=f"arn:aws:iam::{{account}}:role/OrganizationAccountAccessRole"
        )],
    )
    DiscoveryMemberRole(
        f"member-{{account}}",
        DiscoveryMemberRoleArgs(management_role_arn="{management}", organization_id="{org}"),
        opts=pulumi.ResourceOptions(providers=[provider]),
    )
"""

STACK_SET = """
from teleport_oidc import DiscoveryMemberRoleStackSet, DiscoveryMemberRoleStackSetArgs

DiscoveryMemberRoleStackSet(
    "members",
    DiscoveryMemberRoleStackSetArgs(
        management_role_arn="{management}",
        organization_id="{org}",
        organizational_unit_ids=["{ou}"],
        stack_set_name="teleport-members-{size}",
    ),
)
"""

MANY = """
from teleport_oidc import AwsOidcIntegration, AwsOidcIntegrationArgs

first = None
for i in range({n}):
    component = AwsOidcIntegration(
        f"t{{i}}",
        AwsOidcIntegrationArgs(
            proxy_url="https://teleport.example.com",  # thumbprint and cluster looked up
            integration_name=f"aws-{{i}}",
            existing_provider_arn=first.provider_arn if first else None,
        ),
    )
    first = first or component
"""


# --- running and sampling ----------------------------------------------------------------------


@dataclass
class Sample:
    wall: float
    cpu: float
    """CPU seconds (user + system) of the whole process tree: far less sensitive than wall time
    to other work sharing the machine."""
    peak_mb: float
    plugins: int
    """The most plugin processes alive at once."""
    split: dict[str, float]
    """CPU seconds per kind of process (``engine``, ``program``, ``aws``, ``dynamic``, ``other``)
    as last sampled: the final 0.2 s of each process can be missed."""


TICKS = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, int, float]]:
    """pid -> (parent pid, resident bytes, CPU seconds), for every process readable now."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            statm = Path(f"/proc/{entry}/statm").read_text().split()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / TICKS
        found[int(entry)] = (int(fields[1]), int(statm[1]) * PAGE, cpu)
    return found


def _kind(pid: int, seen: dict[int, str]) -> str:
    """What a process of the tree is, from its command line (cached per pid)."""
    if pid not in seen:
        try:
            line = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            line = ""
        seen[pid] = (
            "aws"
            if "aws_plugin.py" in line
            else "dynamic"
            if "pulumi.dynamic" in line or "pulumi-resource-pulumi-python" in line
            else "program"
            if "langhost" in line
            else "engine"
            if "pulumi" in line.split(" ", 1)[0]
            else "other"
        )
    return seen[pid]


def run(engine: Harness, folder: Path, *args: str) -> Sample:
    """Run ``pulumi ARGS`` in ``folder``; sample the process tree's memory every 0.2 s."""
    peak, plugins = [0], [0]
    seen: dict[int, str] = {}
    cpu_by_pid: dict[int, float] = {}
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [str(engine.bin / "pulumi"), *args, "--non-interactive", "--color=never"],
            cwd=folder,
            env=engine.env(),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                table = _processes()
                tree, frontier = {proc.pid}, [proc.pid]
                children: dict[int, list[int]] = {}
                for pid, (ppid, _, _) in table.items():
                    children.setdefault(ppid, []).append(pid)
                while frontier:
                    for child in children.get(frontier.pop(), []):
                        if child not in tree:
                            tree.add(child)
                            frontier.append(child)
                peak[0] = max(peak[0], sum(table[p][1] for p in tree if p in table))
                kinds = [_kind(p, seen) for p in tree if p in table]
                plugins[0] = max(plugins[0], sum(k in ("aws", "dynamic") for k in kinds))
                for p in tree:
                    if p in table:
                        cpu_by_pid[p] = table[p][2]
                stop.wait(0.2)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        # wait4: the CPU time of the command and every descendant it waited for (plugins).
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        code = proc.returncode = os.waitstatus_to_exitcode(status)
        stop.set()
        sampler.join()
        if code != 0:
            out.seek(0)
            raise RuntimeError(
                f"pulumi {' '.join(args)} failed in {folder}:\n{out.read().decode()}"
            )
    split: dict[str, float] = {}
    for pid, cpu in cpu_by_pid.items():
        split[seen.get(pid, "other")] = split.get(seen.get(pid, "other"), 0.0) + cpu
    return Sample(wall, usage.ru_utime + usage.ru_stime, peak[0] / 2**20, plugins[0], split)


def program(root: Path, name: str, source: str) -> Path:
    folder = root / name
    folder.mkdir()
    (folder / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
    (folder / "__main__.py").write_text(textwrap.dedent(source))
    return folder


def lifecycle_runs(
    engine: Harness, folder: Path, up_args: tuple[str, ...] = (), previews: int = 1
) -> dict[str, list[Sample]]:
    """A new stack: ``previews`` previews, up, ``previews`` previews of the deployed stack; then
    destroy (not timed). A preview costs a few seconds where an ``up`` and its destroy cost a
    minute at N = 200: repeating the previews within each lifecycle buys samples cheaply."""
    run(engine, folder, "stack", "init", "bench")
    try:
        return {
            "preview": [run(engine, folder, "preview") for _ in range(previews)],
            "up": [run(engine, folder, "up", "--yes", "--skip-preview", *up_args)],
            "preview deployed": [run(engine, folder, "preview") for _ in range(previews)],
        }
    finally:
        run(engine, folder, "destroy", "--yes", "--skip-preview")
        run(engine, folder, "stack", "rm", "--yes", "bench")


def warm_up(engine: Harness, root: Path) -> None:
    """One untimed lifecycle of the component and of the floor, each with its Teleport
    integration: every process (the program, the dynamic provider, the stand-in aws plugin)
    then finds its modules compiled in the bytecode cache, as an installed system has them,
    instead of the first measured run compiling them (seconds, charged to one variant)."""
    print("Warming up (one untimed lifecycle of each program)", flush=True)
    for name, source in (
        ("component", COMPONENT.format(n=1, thumb=THUMB, teleport=True)),
        ("floor", FLOOR.format(n=1, thumb=THUMB, teleport=True, parent="Floor")),
    ):
        lifecycle_runs(engine, program(root, f"warm-up-{name}", source))


def lifecycle(engine: Harness, folder: Path, up_args: tuple[str, ...] = ()) -> dict[str, Sample]:
    """One of each step: :func:`lifecycle_runs` with one preview each."""
    return {step: runs[0] for step, runs in lifecycle_runs(engine, folder, up_args).items()}


def row(name: str, figure: str, goal: str = "") -> None:
    print(f"  {name:<52} {figure:<40} {goal}", flush=True)


def record(name: str, samples: list[float], unit: str, lower_is_better: bool = True) -> float:
    value = statistics.median(samples)
    FIGURES[name] = Figure(
        round(value, 3), unit, round(spread(samples), 3), lower_is_better, under_load()
    )
    return value


def compare_variants(
    engine: Harness,
    title: str,
    variants: dict[str, Path],
    repeats: int,
    goal: str,
    key: str,
    previews: int = 1,
) -> None:
    """Interleave the variants' lifecycles; print each step's medians and ratio to the last
    (per-run: the median of the ratios of runs made side by side)."""
    runs: dict[str, list[dict[str, list[Sample]]]] = {v: [] for v in variants}
    for repeat in range(repeats):
        # Every other repeat in the opposite order (ABBA): a drift over the run (the machine,
        # moto's growing store) then favours no variant; the pairs stay the repeat's runs.
        order = list(variants) if repeat % 2 == 0 else list(reversed(variants))
        for variant in order:
            runs[variant].append(lifecycle_runs(engine, variants[variant], previews=previews))
    *others, last = list(variants)
    for step in ("preview", "up", "preview deployed"):
        samples = {
            variant: [sample for cycle in runs[variant] for sample in cycle[step]]
            for variant in variants
        }
        for variant in variants:
            kinds = sorted({k for s in samples[variant] for k in s.split})
            # Each process's CPU with its own spread as the noise: recorded as one median, it
            # had none, and the regression check flagged ordinary run-to-run changes.
            split = {
                kind: record(
                    f"{key} {step} {variant} cpu {kind} s",
                    [s.split.get(kind, 0.0) for s in samples[variant]],
                    "s",
                )
                for kind in kinds
            }
            row(
                f"  CPU by process: {variant}, {step}",
                "  ".join(f"{k} {v:.2f}" for k, v in split.items()),
            )
        for measure in ("wall", "cpu"):
            b = [getattr(s, measure) for s in samples[last]]
            mb = record(f"{key} {step} {last} {measure} s", b, "s")
            for first in others:
                a = [getattr(s, measure) for s in samples[first]]
                ma = record(f"{key} {step} {first} {measure} s", a, "s")
                per_run = [x / y for x, y in zip(a, b, strict=True)]
                ratio = record(f"{key} {step} {first} {measure} ratio", per_run, "x")
                noise = max(spread(a), spread(b))
                middle = (
                    "{:.2f}-{:.2f}, ".format(*statistics.quantiles(per_run, n=4)[::2])
                    if len(per_run) >= 4
                    else ""
                )
                row(
                    f"{title.format(first)}: {step} ({measure})",
                    f"{ma:6.2f} s vs {mb:6.2f} s  ratio {ma / mb:.2f} (per-run {ratio:.2f}, "
                    f"{middle}{len(per_run)} runs, noise {noise:.0%})",
                    goal if first == "component" else "",
                )
    checkpoint()


# --- sections ----------------------------------------------------------------------------------


def bench_component(
    engine: Harness,
    root: Path,
    sizes: list[int],
    repeats: int,
    before: str,
    previews: int = 1,
    bare: bool = False,
) -> None:
    print("Component vs the floor of any component (real engine; preview, up, preview deployed)")
    for n in sizes:
        variants = {
            "component": program(
                root, f"component-{n}", COMPONENT.format(n=n, thumb=THUMB, teleport=False)
            ),
        }
        if before:  # the same program importing the package from another checkout
            source = f"import sys\nsys.path.insert(0, {before!r})\n" + COMPONENT
            variants["before"] = program(
                root, f"before-{n}", source.format(n=n, thumb=THUMB, teleport=False)
            )
        if bare:
            variants["bare floor"] = program(
                root, f"bare-{n}", FLOOR.format(n=n, thumb=THUMB, teleport=False, parent="Bare")
            )
        variants["floor"] = program(
            root, f"floor-{n}", FLOOR.format(n=n, thumb=THUMB, teleport=False, parent="Floor")
        )
        compare_variants(
            engine,
            f"N={n} {{}} vs floor",
            variants,
            repeats,
            "goal: <= 1.10",
            f"N={n}",
            previews,
        )


def bench_teleport(
    engine: Harness, root: Path, sizes: list[int], repeats: int, previews: int = 1
) -> None:
    print("With the Teleport integration (floor: + a minimal dynamic resource, one tctl call)")
    for n in sizes:
        variants = {
            "component": program(
                root, f"tp-component-{n}", COMPONENT.format(n=n, thumb=THUMB, teleport=True)
            ),
            "floor": program(
                root, f"tp-floor-{n}", FLOOR.format(n=n, thumb=THUMB, teleport=True, parent="Floor")
            ),
        }
        compare_variants(
            engine,
            f"N={n} +Teleport {{}} vs floor",
            variants,
            repeats,
            "goal: <= 1.10",
            f"teleport N={n}",
            previews,
        )


def organization(engine: Harness, sizes: list[int]) -> tuple[str, dict[int, tuple[str, list[str]]]]:
    """moto's organization with one OU per size holding that many accounts."""
    orgs: Any = engine.aws("organizations")
    org = orgs.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    root = orgs.list_roots()["Roots"][0]["Id"]
    units = {}
    for size in sizes:
        ou = orgs.create_organizational_unit(ParentId=root, Name=f"size-{size}")
        ou_id = ou["OrganizationalUnit"]["Id"]
        accounts = []
        for index in range(size):
            made = orgs.create_account(
                AccountName=f"m{size}-{index}", Email=f"m{size}-{index}@example.com"
            )["CreateAccountStatus"]["AccountId"]
            orgs.move_account(AccountId=made, SourceParentId=root, DestinationParentId=ou_id)
            accounts.append(made)
        units[size] = (ou_id, accounts)
    return org, units


def bench_organizations(engine: Harness, root: Path, sizes: list[int], repeats: int) -> None:
    print("Organizations: the member role in M accounts (per-account providers vs one StackSet)")
    org, units = organization(engine, sizes)
    for size in sizes:
        ou, accounts = units[size]
        variants = {
            "per-account": program(
                root,
                f"per-account-{size}",
                PER_ACCOUNT.format(accounts=accounts, management=MANAGEMENT, org=org),
            ),
            "stack-set": program(
                root,
                f"stack-set-{size}",
                STACK_SET.format(management=MANAGEMENT, org=org, ou=ou, size=size),
            ),
        }
        samples: dict[str, list[dict[str, Sample]]] = {v: [] for v in variants}
        for _ in range(repeats):
            for variant, folder in variants.items():
                samples[variant].append(lifecycle(engine, folder))
        for variant in variants:
            for step in ("preview", "up"):
                runs = [s[step] for s in samples[variant]]
                wall = record(f"org M={size} {variant} {step} s", [r.wall for r in runs], "s")
                cpu = record(f"org M={size} {variant} {step} cpu s", [r.cpu for r in runs], "s")
                peak = record(
                    f"org M={size} {variant} {step} peak MB", [r.peak_mb for r in runs], "MB"
                )
                plugins = max(r.plugins for r in runs)
                FIGURES[f"org M={size} {variant} plugin processes"] = Figure(plugins, "processes")
                row(
                    f"M={size} {variant}: {step}",
                    f"{wall:6.1f} s (cpu {cpu:5.1f} s)  peak {peak:5.0f} MB  plugins {plugins}",
                    "goal: plugins independent of M" if variant == "stack-set" else "",
                )
        checkpoint()


def bench_many(engine: Harness, root: Path, n: int, parallel_n: int) -> None:
    print(
        f"Many integrations: {n} of one cluster, thumbprint and cluster looked up (once per host)"
    )
    folder = program(root, f"many-{n}", MANY.format(n=n))
    for step, sample in lifecycle(engine, folder).items():
        record(f"many N={n} {step} s", [sample.wall], "s")
        record(f"many N={n} {step} cpu s", [sample.cpu], "s")
        record(f"many N={n} {step} peak MB", [sample.peak_mb], "MB")
        row(
            f"N={n}: {step}",
            f"{sample.wall:6.1f} s (cpu {sample.cpu:5.1f} s)  peak {sample.peak_mb:5.0f} MB",
        )
    checkpoint()
    if not parallel_n:
        return
    print(f"  --parallel with N={parallel_n} (up of a new stack)")
    folder = program(root, f"parallel-{parallel_n}", MANY.format(n=parallel_n))
    for label, args in (
        ("default", ()),
        ("--parallel 4", ("--parallel", "4")),
        ("--parallel 1", ("--parallel", "1")),
    ):
        sample = lifecycle(engine, folder, args)["up"]
        record(f"parallel N={parallel_n} {label} up s", [sample.wall], "s")
        row(f"N={parallel_n} up {label}", f"{sample.wall:6.2f} s  peak {sample.peak_mb:6.0f} MB")
    checkpoint()


def cached_bytecode(tmp: Path, *checkouts: str) -> None:
    """Every process of the runs (the program, the dynamic provider) reads this package's
    compiled modules (:func:`bytecode_cached_env`), compiled once, before the first run."""
    env = bytecode_cached_env(os.environ, str(tmp / "pycache"))
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ.update(env)
    for checkout in (str(REPO), *filter(None, checkouts)):
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", "teleport_oidc", "tests"],
            cwd=checkout,
            check=True,
            env=os.environ.copy(),
        )


@contextlib.contextmanager
def world(tmp: Path) -> Iterator[Harness]:
    from moto.server import ThreadedMotoServer

    # moto's HTTP server logs every request through werkzeug: not this benchmark's output.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    port = free_port()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    moto.start()
    try:
        teleport = FakeTeleport.create(tmp)
        (tmp / "pki").mkdir()
        with teleport_proxy(tmp / "pki") as (proxy_url, bundle):
            engine = Harness(
                tmp / "engine",
                build.cli(),
                f"http://127.0.0.1:{port}",
                teleport.tctl,
                https_proxy=proxy_url,
                ca_bundle=bundle,
            )
            engine.setup()
            yield engine
    finally:
        moto.stop()


def sizes(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,10,50", help="N of component vs floor")
    parser.add_argument("--teleport", default="1,10", help="N of the Teleport comparison")
    parser.add_argument("--members", default="10,50", help="member accounts (organizations)")
    parser.add_argument("--many", type=int, default=200, help="N of many integrations (0: skip)")
    parser.add_argument("--parallel-n", type=int, default=20, help="N of the --parallel runs")
    parser.add_argument("--repeats", type=int, default=3, help="lifecycles of each variant")
    parser.add_argument(
        "--previews",
        type=int,
        default=3,
        help="previews (new stack, deployed stack) in each lifecycle: cheap samples",
    )
    parser.add_argument(
        "--bare", action="store_true", help="also measure the bare floor (no component class)"
    )
    parser.add_argument("--only", default="", help="comma-separated sections to run")
    parser.add_argument(
        "--before", default="", help="a checkout of an earlier version, measured alongside"
    )
    parser.add_argument("--write", action="store_true", help="replace results.json's section")
    args = parser.parse_args()
    committed = load()  # compared with at the end; --write replaces it as figures come in
    WRITE[0] = args.write
    only = set(sizes_or_names(args.only))
    average = os.getloadavg()
    loaded = " (UNDER LOAD: absolute times are noisy)" if under_load() else ""
    print(
        f"teleport-oidc engine benchmarks — {os.cpu_count()} CPUs, load average "
        f"{average[0]:.1f} at start{loaded}"
    )
    with tempfile.TemporaryDirectory() as tmp, world(Path(tmp)) as engine:
        cached_bytecode(Path(tmp), args.before)
        root = Path(tmp) / "programs"
        root.mkdir()
        warm_up(engine, root)
        print(f"pulumi {engine.cli.parent.name}; medians of {args.repeats}, variants interleaved")
        if not only or "component" in only:
            bench_component(
                engine, root, sizes(args.sizes), args.repeats, args.before, args.previews, args.bare
            )
        if not only or "teleport" in only:
            bench_teleport(engine, root, sizes(args.teleport), args.repeats, args.previews)
        if not only or "organizations" in only:
            bench_organizations(engine, root, sizes(args.members), max(1, args.repeats // 3))
        if args.many and (not only or "many" in only):
            bench_many(engine, root, args.many, args.parallel_n)
    worse = compare("engine", FIGURES, committed)
    print("Against benchmarks/results.json (engine):")
    print("\n".join(worse) if worse else "  nothing worse than the noise measured")


def sizes_or_names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


if __name__ == "__main__":
    main()
