"""The latest benchmark figures, kept in ``benchmarks/results.json``, and the comparison with them.

Each benchmark script owns one section of the file (``program``, ``engine``). A figure is a
value with its unit, whether lower is better, and the noise measured with it (the spread of its
repetitions relative to their median). A figure got worse when it moved the wrong way by more
than the larger of the two runs' noise (and at least 5 %): printed, never failed on. Also the
environment both scripts measure Python processes in (:func:`bytecode_cached_env`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).with_name("results.json")
#: The least relative change reported, whatever the noise measured.
FLOOR_NOISE = 0.05


@dataclass
class Figure:
    value: float
    unit: str
    noise: float = 0.0
    """Relative spread of the repetitions: (max - min) / median; 0 for a single count."""
    lower_is_better: bool = True
    under_load: bool = False
    """Taken while other work shared the machine (load average above its CPU count)."""


def bytecode_cached_env(environ: Mapping[str, str], cache: str) -> dict[str, str]:
    """``environ`` with this package's bytecode cached in ``cache``, as every installed copy has
    it (pip compiles on install; an editable install writes ``__pycache__`` on first import) and
    as pulumi's own modules have it. Without this, ``PYTHONDONTWRITEBYTECODE`` (set on the
    development machine) recompiles this package's sources in every process: ~30 ms that no
    user pays, against a baseline and a floor that load compiled bytecode."""
    env = {k: v for k, v in environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = cache
    return env


def spread(samples: list[float]) -> float:
    middle = statistics.median(samples)
    return (max(samples) - min(samples)) / middle if middle else 0.0


def machine() -> dict[str, Any]:
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) // (1024 * 1024)} GiB"
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "memory": memory,
        "arch": platform.machine(),
        "python": platform.python_version(),
        "system": platform.system(),
    }


def under_load() -> bool:
    try:
        return os.getloadavg()[0] > (os.cpu_count() or 1)
    except OSError:
        return False


def load() -> dict[str, Any]:
    return json.loads(RESULTS.read_text()) if RESULTS.exists() else {}


def compare(
    section: str, figures: dict[str, Figure], committed: dict[str, Any] | None = None
) -> list[str]:
    """Lines naming each figure worse than in ``results.json`` (or ``committed``, the file as
    read before this run) by more than the noise."""
    data = load() if committed is None else committed
    previous = data.get("sections", {}).get(section, {}).get("figures", {})
    worse = []
    for name, now in figures.items():
        before = previous.get(name)
        if not before or not before.get("value"):
            continue
        change = (now.value - before["value"]) / before["value"]
        if not now.lower_is_better:
            change = -change
        allowed = max(now.noise, float(before.get("noise", 0.0)), FLOOR_NOISE)
        if change > allowed:
            worse.append(
                f"  WORSE {name}: {before['value']:g} -> {now.value:g} {now.unit} "
                f"({change:+.0%}, noise {allowed:.0%})"
            )
    return worse


def save(section: str, figures: dict[str, Figure], note: str = "") -> None:
    data = load()
    data["machine"] = machine()
    # A run of some sections replaces their figures and keeps the others'.
    kept = data.get("sections", {}).get(section, {}).get("figures", {})
    kept.update({name: asdict(figure) for name, figure in figures.items()})
    data.setdefault("sections", {})[section] = {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "note": note,
        "figures": dict(sorted(kept.items())),
    }
    RESULTS.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


def report(section: str, figures: dict[str, Figure], *, write: bool, note: str = "") -> None:
    """Print the comparison with the committed results; with ``write``, replace them."""
    worse = compare(section, figures)
    print(f"Against benchmarks/results.json ({section}):")
    print("\n".join(worse) if worse else "  nothing worse than the noise measured")
    if write:
        save(section, figures, note)
        print(f"  written to {RESULTS.name}")
