"""One scenario of every tctl call the providers make, errors included, run against any tctl.

Each step goes through the providers' own tctl layer (``teleport_oidc.teleport.tctl.Tctl``) with
a runner that records the raw call, so two things come out: the *transcript* (exact argv, exit
code, stdout, stderr) and the *outcome* (what the provider concluded: created, already exists,
the item as the provider reads it, gone, failed). The stand-in conforms when its outcomes and
exit codes equal the real tctl's. The steps are per kind (``integration_steps``,
``token_steps``); :func:`run_scenario` runs them all into one transcript, and
:func:`normalised` takes out what differs on every run (ids, revisions, the Go version) before
it is committed.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from teleport_oidc.errors import TctlError
from teleport_oidc.teleport.document import carries_iac_label
from teleport_oidc.teleport.provider import integration_resource
from teleport_oidc.teleport.tctl import (
    AlreadyExistsError,
    Connection,
    RunResult,
    Tctl,
    subprocess_runner,
)
from teleport_oidc.teleport.token_rules import read_back_spec, token_document

NAME = "conformance-a"
UNKNOWN_FIELD = "conformance-b"
BAD_AUDIENCE = "conformance-c"
KEY_UNSAFE = "conformance bad"  # a space: the backend's key check refuses it
ROLE = "arn:aws:iam::123456789012:role/teleport-conformance"
ROLE2 = "arn:aws:iam::123456789012:role/teleport-conformance-v2"
TOKEN = "conformance-token"
TOKEN_UNKNOWN_FIELD = "conformance-token-b"
ACCOUNT, ACCOUNT2 = "123456789012", "210987654321"
EXPIRES = "2030-01-01T00:00:00Z"
TRANSCRIPT = Path(__file__).with_name("teleport") / "real_tctl_transcript.json"

Action = Callable[[], Any]


@dataclass
class Recorder:
    """A runner that keeps every call; temporary file paths become ``<FILE>``."""

    calls: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, argv: Sequence[str], *, timeout: float) -> RunResult:
        result = subprocess_runner(argv, timeout=timeout)
        shown = [re.sub(r"^/.*/teleport-oidc-[a-z_]+-\w+$", "<FILE>", a) for a in argv[1:]]
        self.calls.append(
            {
                "argv": ["tctl", *shown],
                "returncode": result.returncode,
                "stdout": result.stdout,
                "stderr": result.stderr,
            }
        )
        return result


def integration_item(item: dict[str, Any]) -> dict[str, Any]:
    """The parts of a ``tctl get integration/...`` item the integration provider reads."""
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


def token_item(item: dict[str, Any]) -> dict[str, Any]:
    """A ``tctl get token/...`` item as the token provider reads it: its own read-back (name,
    description, user labels, expires, roles, join method, allow rules, integration), whether
    it carries the iac-tool label (adopt and take-over decide on it), and the bookkeeping."""
    metadata = item.get("metadata") or {}
    return {
        "kind": item.get("kind"),
        **read_back_spec(item),
        "iac_label": carries_iac_label(item),
        "has_revision": bool(metadata.get("revision")),
        "has_id": "id" in metadata,
    }


@dataclass
class Scenario:
    """The actions of the steps: each runs exactly the provider's call and says what it got."""

    tctl: Tctl
    recorder: Recorder
    tctl_path: Path

    def get(self, kind: str, name: str, item_of: Callable[[dict[str, Any]], Any]) -> Action:
        def get() -> Any:
            item = self.tctl.get(kind, name)  # the provider's get of one name: a JSON list
            return "not-found" if item is None else item_of(item)

        return get

    def create(self, document: dict[str, Any], force: bool = False) -> Action:
        def create() -> str:
            self.tctl.create(document, force=force)
            return "ok"

        return create

    def remove(self, kind: str, name: str) -> Action:
        return lambda: "removed" if self.tctl.remove(kind, name) else "already-gone"

    def names(self, plural: str) -> Action:
        """``tctl get <plural> --format=json``: this scenario's names it lists (other tests may
        share the cluster)."""

        def names() -> list[str]:
            argv = [str(self.tctl_path), "get", plural, "--format=json"]
            result = self.recorder(argv, timeout=120)
            if result.returncode != 0:
                raise TctlError(f"tctl get {plural} failed", stderr=result.stderr)
            items = json.loads(result.stdout or "[]") or []
            names = (i["metadata"]["name"] for i in items)
            return sorted(n for n in names if n.startswith("conformance-"))

        return names


def _outcome(action: Action) -> Any:
    try:
        return action()
    except AlreadyExistsError:
        return "already-exists"
    except TctlError:
        return "failed"


def _changed(doc: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """``doc`` with ``a__b=value`` set at ``doc["a"]["b"]`` (``None`` removes the key)."""
    doc = json.loads(json.dumps(doc))
    for path, value in changes.items():
        where = doc
        *parents, last = path.split("__")
        for key in parents:
            where = where[key]
        if value is None:
            where.pop(last, None)
        else:
            where[last] = value
    return doc


def _bad(name: str, **changes: Any) -> dict[str, Any]:
    return _changed(integration_resource(name, ROLE), **changes)


def integration_steps(s: Scenario) -> list[tuple[str, Action]]:
    """``integration`` (aws-oidc): the provider's calls, then what Teleport refuses or takes."""

    def get() -> Action:
        return s.get("integration", NAME, integration_item)

    return [
        ("get of a missing one", get()),
        ("rm of a missing one", s.remove("integration", NAME)),
        ("create", s.create(integration_resource(NAME, ROLE))),
        ("get", get()),
        ("create of an existing one", s.create(integration_resource(NAME, ROLE2))),
        ("create --force of an existing one", s.create(integration_resource(NAME, ROLE2), True)),
        ("get after --force", get()),
        (
            "create --force does not apply labels",
            s.create(integration_resource(NAME, ROLE2, labels={"env": "x"}), True),
        ),
        ("get after --force with labels", get()),
        ("get integrations (a list)", s.names("integrations")),
        ("create with a bad name", s.create(_bad("Bad.Name"))),
        ("create with a name the backend refuses", s.create(_bad(KEY_UNSAFE))),
        ("create with an unknown field", s.create(_bad(UNKNOWN_FIELD, spec__aws_oidc__bogus="x"))),
        ("create with a bad audience", s.create(_bad(BAD_AUDIENCE, spec__aws_oidc__audience="no"))),
        ("get of the bad-audience one", s.get("integration", BAD_AUDIENCE, integration_item)),
        ("rm", s.remove("integration", NAME)),
        ("get after rm", get()),
        ("rm after rm", s.remove("integration", NAME)),
        ("clean-up: rm of the bad-name one", s.remove("integration", "Bad.Name")),
        ("clean-up: rm of the unknown-field one", s.remove("integration", UNKNOWN_FIELD)),
        ("clean-up: rm of the bad-audience one", s.remove("integration", BAD_AUDIENCE)),
    ]


def token(name: str = TOKEN, account: str = ACCOUNT, **changes: Any) -> dict[str, Any]:
    """The IAM-join token the provider writes (``token_document``), with ``changes``."""
    return _changed(token_document(name, ["Node"], [{"aws_account": account}]), **changes)


def token_steps(s: Scenario) -> list[tuple[str, Action]]:
    """IAM-join ``token``: the provider's calls (``tctl create`` upserts tokens, so it looks
    first), then what Teleport refuses or takes."""

    def get(name: str = TOKEN) -> Action:
        return s.get("token", name, token_item)

    changed = token(
        spec__roles=["Db", "Node"],
        metadata__labels={"env": "x", "teleport.dev/iac-tool": "pulumi"},
        metadata__description="conformance",
        metadata__expires=EXPIRES,
    )
    return [
        ("token: get of a missing one", get()),
        ("token: rm of a missing one", s.remove("token", TOKEN)),
        ("token: create", s.create(token())),
        ("token: get", get()),
        ("token: create of an existing one (a change)", s.create(token(account=ACCOUNT2))),
        ("token: get after a create of an existing one", get()),
        ("token: create --force with a change and labels", s.create(changed, True)),
        ("token: get after --force", get()),
        ("token: get tokens (a list)", s.names("tokens")),
        ("token: create with no allow rules", s.create(token(spec__allow=None))),
        ("token: create with an unknown join method", s.create(token(spec__join_method="nope"))),
        ("token: create with a bad name", s.create(token("Bad.Name"))),
        ("token: create with a name the backend refuses", s.create(token(KEY_UNSAFE))),
        (
            "token: create with an unknown field",
            s.create(token(TOKEN_UNKNOWN_FIELD, spec__bogus="x")),
        ),
        ("token: get of the unknown-field one", get(TOKEN_UNKNOWN_FIELD)),
        (
            "token: create with an organization rule",
            s.create(token(spec__allow=[{"aws_organization_id": "o-abcdefghij"}])),
        ),
        (
            "token: create with aws_role in an iam rule",
            s.create(token(spec__allow=[{"aws_account": ACCOUNT, "aws_role": "r"}])),
        ),
        ("token: create with no roles", s.create(token(spec__roles=[]))),
        ("token: create with a lower-case role", s.create(token(spec__roles=["node"]))),
        ("token: create with the Bot role", s.create(token(spec__roles=["Bot"]))),
        ("token: get after the refused ones", get()),
        ("token: rm", s.remove("token", TOKEN)),
        ("token: get after rm", get()),
        ("token: rm after rm", s.remove("token", TOKEN)),
        ("token: clean-up: rm of the bad-name one", s.remove("token", "Bad.Name")),
        ("token: clean-up: rm of the unknown-field one", s.remove("token", TOKEN_UNKNOWN_FIELD)),
    ]


def run_scenario(tctl_path: Path, settle: float = 0.0) -> list[dict[str, Any]]:
    """Run every kind's steps against ``tctl_path``; returns one record per step.

    ``settle``: seconds to wait after each step that changed something (a create or rm that
    succeeded). Real Teleport answers reads from the auth server's cache, which follows writes
    late (the single-node sqlite backend polls its change feed about once a second), so a read
    right after a write can be stale.
    """
    recorder = Recorder()
    tctl = Tctl(Connection(tctl_path=str(tctl_path), timeout=120), runner=recorder)
    scenario = Scenario(tctl, recorder, tctl_path)
    records = []
    for label, action in [*integration_steps(scenario), *token_steps(scenario)]:
        before = len(recorder.calls)
        outcome = _outcome(action)
        calls = recorder.calls[before:]
        if any(c["argv"][1] in ("create", "rm") and c["returncode"] == 0 for c in calls):
            time.sleep(settle)
        records.append({"step": label, "outcome": outcome, "calls": calls})
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


#: What differs on every run of the same Teleport, as (pattern, stable placeholder). Outcomes
#: keep only booleans about these ("has_revision", "has_id"), so the placeholders lose nothing
#: the comparison reads.
VARYING: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r'("id": )\d+'), r'\1"<id>"'),  # metadata.id (v13): a nanosecond clock
    (re.compile(r'("revision": )"[^"]*"'), r'\1"<revision>"'),  # metadata.revision (v16+)
    (re.compile(r"\bgo\d+\.\d+(\.\d+)?\b"), "go<version>"),  # the toolchain that built it
    (
        re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"),
        "<uuid>",  # host and server ids
    ),
    (
        re.compile(r"\b20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)"),
        "<time>",  # clock readings; the scenario's fixed EXPIRES is kept (below)
    ),
)


def normalised(value: Any) -> Any:
    """``value`` (a transcript or any record) with every text in it stripped of what varies
    from run to run (:data:`VARYING`), so re-recording the same behaviour writes the same file."""
    if isinstance(value, dict):
        return {key: normalised(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normalised(item) for item in value]
    if isinstance(value, str):
        for pattern, placeholder in VARYING:
            if placeholder == "<time>":
                value = pattern.sub(lambda m: m[0] if m[0] == EXPIRES else "<time>", value)
            else:
                value = pattern.sub(placeholder, value)
    return value
