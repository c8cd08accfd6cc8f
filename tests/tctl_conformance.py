"""One scenario of every tctl call the provider makes, errors included, run against any tctl.

Each step goes through the provider's own tctl layer (``teleport_oidc.teleport.tctl.Tctl``) with a
runner that records the raw call, so two things come out: the *transcript* (exact argv, exit
code, stdout, stderr) and the *outcome* (what the provider concluded: created, already exists,
the item it read, gone, failed). The stand-in conforms when its outcomes and exit codes equal
the real tctl's.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from teleport_oidc.errors import TctlError
from teleport_oidc.teleport.provider import integration_resource
from teleport_oidc.teleport.tctl import (
    AlreadyExistsError,
    Connection,
    RunResult,
    Tctl,
    subprocess_runner,
)

NAME = "conformance-a"
UNKNOWN_FIELD = "conformance-b"
BAD_AUDIENCE = "conformance-c"
ROLE = "arn:aws:iam::123456789012:role/teleport-conformance"
ROLE2 = "arn:aws:iam::123456789012:role/teleport-conformance-v2"
TRANSCRIPT = Path(__file__).with_name("teleport") / "real_tctl_transcript.json"


@dataclass
class Recorder:
    """A runner that keeps every call; temporary file paths become ``<FILE>``."""

    calls: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, argv: Sequence[str], *, timeout: float) -> RunResult:
        result = subprocess_runner(argv, timeout=timeout)
        shown = [re.sub(r"^/.*/teleport-oidc-[a-z]+-\w+$", "<FILE>", a) for a in argv[1:]]
        self.calls.append(
            {
                "argv": ["tctl", *shown],
                "returncode": result.returncode,
                "stdout": result.stdout,
                "stderr": result.stderr,
            }
        )
        return result


def _item(item: dict[str, Any] | None) -> dict[str, Any] | None:
    """The parts of a ``tctl get`` item the provider reads."""
    if item is None:
        return None
    metadata, aws = item.get("metadata", {}), item.get("spec", {}).get("aws_oidc", {})
    return {
        "kind": item.get("kind"),
        "sub_kind": item.get("sub_kind"),
        "name": metadata.get("name"),
        "labels": metadata.get("labels") or {},
        "has_revision": bool(metadata.get("revision")),
        "role_arn": aws.get("role_arn"),
        "audience": aws.get("audience") or "",
    }


def _outcome(action: Callable[[], Any]) -> Any:
    try:
        value = action()
    except AlreadyExistsError:
        return "already-exists"
    except TctlError:
        return "failed"
    if value is None:
        return "ok" if action.__name__ == "create" else "not-found"
    if isinstance(value, bool):
        return "removed" if value else "already-gone"
    if isinstance(value, list):
        return value
    return _item(value)


def _bad(name: str, **changes: Any) -> dict[str, Any]:
    doc = integration_resource(name, ROLE)
    for path, value in changes.items():
        where = doc
        *parents, last = path.split("__")
        for key in parents:
            where = where[key]
        where[last] = value
    return doc


def names(recorder: Recorder, tctl_path: Path) -> list[str]:
    """``tctl get integrations --format=json``: the names it lists."""
    import json

    result = recorder([str(tctl_path), "get", "integrations", "--format=json"], timeout=120)
    if result.returncode != 0:
        raise TctlError("tctl get integrations failed", stderr=result.stderr)
    items = json.loads(result.stdout or "[]") or []
    # Only this scenario's own: other tests may share the cluster.
    return sorted(n for n in (i["metadata"]["name"] for i in items) if n.startswith("conformance-"))


def run_scenario(tctl_path: Path, settle: float = 0.0) -> list[dict[str, Any]]:
    """Run every step against ``tctl_path``; returns one record per step.

    ``settle``: seconds to wait after each step. Real Teleport answers reads from the auth
    server's cache, which follows writes late (the single-node sqlite backend polls its
    change feed about once a second), so a read right after a write can be stale.
    """
    recorder = Recorder()
    tctl = Tctl(Connection(tctl_path=str(tctl_path), timeout=120), runner=recorder)

    def get_list(name: str) -> dict[str, Any] | None:
        return tctl.get("integration", name)  # the provider's get of one name: a JSON list

    def remove(name: str) -> bool:
        return tctl.remove("integration", name)

    def create(doc: dict[str, Any], force: bool = False) -> Callable[[], None]:
        def create() -> None:
            tctl.create(doc, force=force)

        return create

    steps: list[tuple[str, Callable[[], Any]]] = [
        ("get of a missing one", lambda: get_list(NAME)),
        ("rm of a missing one", lambda: remove(NAME)),
        ("create", create(integration_resource(NAME, ROLE))),
        ("get", lambda: get_list(NAME)),
        ("create of an existing one", create(integration_resource(NAME, ROLE2))),
        ("create --force of an existing one", create(integration_resource(NAME, ROLE2), True)),
        ("get after --force", lambda: get_list(NAME)),
        (
            "create --force does not apply labels",
            create(integration_resource(NAME, ROLE2, labels={"env": "x"}), True),
        ),
        ("get after --force with labels", lambda: get_list(NAME)),
        ("get integrations (a list)", lambda: names(recorder, tctl_path)),
        ("create with a bad name", create(_bad("Bad.Name"))),
        ("create with an unknown field", create(_bad(UNKNOWN_FIELD, spec__aws_oidc__bogus="x"))),
        ("create with a bad audience", create(_bad(BAD_AUDIENCE, spec__aws_oidc__audience="no"))),
        ("rm", lambda: remove(NAME)),
        ("get after rm", lambda: get_list(NAME)),
        ("rm after rm", lambda: remove(NAME)),
        ("clean-up: rm of the bad-name one", lambda: remove("Bad.Name")),
        ("clean-up: rm of the unknown-field one", lambda: remove(UNKNOWN_FIELD)),
        ("clean-up: rm of the bad-audience one", lambda: remove(BAD_AUDIENCE)),
    ]
    records = []
    for label, action in steps:
        before = len(recorder.calls)
        outcome = _outcome(action)
        time.sleep(settle)
        records.append({"step": label, "outcome": outcome, "calls": recorder.calls[before:]})
    return records


def major(version_text: str) -> int:
    """``Teleport v13.3.8 git: go1.26.8`` -> 13 (what ``tctl version`` prints)."""
    match = re.search(r"\bv(\d+)\.", version_text)
    if not match:
        raise ValueError(f"no version in {version_text!r}")
    return int(match.group(1))


def comparable(records: list[dict[str, Any]]) -> list[tuple[str, Any, list[int]]]:
    """What must agree between two tctls: the outcome and every exit code, per step."""
    return [(r["step"], r["outcome"], [c["returncode"] for c in r["calls"]]) for r in records]
