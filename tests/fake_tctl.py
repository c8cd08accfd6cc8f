#!/usr/bin/env python3
"""A stand-in for Teleport's ``tctl``, for the integration commands, per the spec (section 7).

State lives in ``$FAKE_TCTL_STATE`` (a directory): ``integrations/<name>.json``, a ``calls.jsonl``
log of every invocation (argv and the connection it used), ``in_use/<name>`` markers (External
Audit Storage refuses deletion), ``identity`` (when present, ``-i`` must name a file with this
content) and ``faults.json``: ``{"hang": s, "sleep": s, "garbage": true, "crash_after_create":
true, "fail": "text"}``.

Like the real tctl: ``-f`` is ``--force``; the file is positional; global flags
``--auth-server`` and ``-i/--identity`` (or ``TELEPORT_AUTH_SERVER`` / ``TELEPORT_IDENTITY_FILE``);
files are read as Go's YAML reads them (``GoLikeLoader``: ``y``, ``on``, ``1e3``, ``0o17``
unquoted are not strings) and a non-string where Teleport wants a string is refused; label keys
are checked against Teleport's ``IsValidLabelKey``. Every text it prints is in ``NOT_FOUND`` and
``TEXTS`` below, to be corrected in one place against real tctl.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import yaml

STATE = Path(os.environ.get("FAKE_TCTL_STATE", "/nonexistent"))
NAME = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
LABEL_KEY = re.compile(r"^[a-zA-Z/.0-9_:*-]+\Z")  # api/types/common/common.go IsValidLabelKey
# get/rm of a missing one: the texts vary by version and cache; rotated through in turn.
NOT_FOUND = [
    '"integration" "{name}" does not exist',
    'integration "{name}" doesn\'t exist',
    "no value for key /integrations/{name}",
]
TEXTS: dict[str, str] = {
    # tool/tctl/common/resource_command.go: Create wraps AlreadyExists with this hint.
    "already_exists": 'use -f or --force flag to overwrite\n\tIntegration "{name}" already exists',
    "created": 'Integration "{name}" has been created',
    "updated": 'Integration "{name}" has been updated',
    "removed": 'Integration "{name}" removed',
    "bad_name": (
        'integration name "{name}" must be a lower case valid DNS subdomain so that it '
        "can be used to allow Web/CLI access"
    ),
    "in_use": (
        "cannot delete AWS OIDC integration currently referenced by External Audit "
        "Storage integration"
    ),
    "bad_label_key": 'invalid label key: "{key}"',
    "not_a_string": "json: cannot unmarshal {type} into Go value of type string",
}


class GoLikeLoader(yaml.SafeLoader):
    """YAML as Teleport's Go reader resolves plain scalars: PyYAML's YAML 1.1 rules, plus
    ``y``/``Y``/``n``/``N`` as booleans (go-yaml v2) and ``0o17`` as an octal (YAML 1.2)."""

    bool_values = {**yaml.SafeLoader.bool_values, "y": True, "n": False}


GoLikeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:y|Y|n|N)$"), list("yYnN")
)
GoLikeLoader.add_implicit_resolver("tag:go:octal", re.compile(r"^0o[0-7]+$"), ["0"])


def _octal(loader: yaml.SafeLoader, node: yaml.Node) -> int:
    assert isinstance(node, yaml.ScalarNode)
    return int(str(loader.construct_scalar(node))[2:], 8)


GoLikeLoader.add_constructor("tag:go:octal", _octal)
ALLOWED = {
    "": {"kind", "sub_kind", "version", "metadata", "spec"},
    "metadata": {"name", "labels", "description", "revision", "expires"},
    "spec": {"aws_oidc"},
    "spec.aws_oidc": {"role_arn", "audience", "issuer_s3_uri"},
}


def fail(message: str, code: int = 1) -> None:
    sys.stderr.write(f"ERROR: {message}\n")
    sys.exit(code)


def faults() -> dict[str, Any]:
    path = STATE / "faults.json"
    return json.loads(path.read_text()) if path.exists() else {}


def parse(argv: list[str]) -> tuple[dict[str, Any], list[str]]:
    opts: dict[str, Any] = {
        "auth_server": os.environ.get("TELEPORT_AUTH_SERVER"),
        "identity": os.environ.get("TELEPORT_IDENTITY_FILE"),
        "force": False,
        "format": "yaml",
    }
    rest: list[str] = []
    args = iter(argv)
    for arg in args:
        if arg.startswith("--auth-server="):
            opts["auth_server"] = arg.split("=", 1)[1]
        elif arg == "--auth-server":
            opts["auth_server"] = next(args)
        elif arg in ("-i", "--identity"):
            opts["identity"] = next(args)
        elif arg.startswith("--identity="):
            opts["identity"] = arg.split("=", 1)[1]
        elif arg in ("-f", "--force"):
            opts["force"] = True
        elif arg.startswith("--format="):
            opts["format"] = arg.split("=", 1)[1]
        else:
            rest.append(arg)
    return opts, rest


def check_identity(opts: dict[str, Any]) -> None:
    expected = STATE / "identity"
    path = opts["identity"]
    if path is not None:
        try:
            content = Path(path).read_text()
        except OSError:
            fail(f"open {path}: no such file or directory")
        if expected.exists() and content != expected.read_text():
            fail("access denied: the identity is not valid for this cluster")
    elif expected.exists():
        fail("access denied: no credentials (run tsh login or pass -i)")


def item_path(name: str) -> Path:
    return STATE / "integrations" / f"{name}.json"


def not_found(name: str) -> None:
    # The text varies by Teleport version and cache: rotate through the known forms.
    counter = STATE / "not_found_counter"
    n = int(counter.read_text()) if counter.exists() else 0
    counter.write_text(str(n + 1))
    fail(NOT_FOUND[n % len(NOT_FOUND)].format(name=name))


def unknown_fields(doc: Any, where: str = "") -> str | None:
    if not isinstance(doc, dict):
        return None
    allowed = ALLOWED.get(where)
    for key, value in doc.items():
        path = f"{where}.{key}" if where else key
        if allowed is not None and key not in allowed:
            return path
        if path in ALLOWED or path == "metadata":
            found = unknown_fields(value, path)
            if found:
                return found
    return None


def stored_view(item: dict[str, Any]) -> dict[str, Any]:
    view = json.loads(json.dumps(item))
    view["spec"].setdefault("aws_oidc", {})
    view["spec"]["azure_oidc"] = {}
    view["spec"]["github"] = {}
    view["spec"]["aws_ra"] = {}
    view["status"] = {}
    return view


def create(opts: dict[str, Any], rest: list[str]) -> None:
    if len(rest) != 2:
        fail("create needs a file name")
    try:
        doc = yaml.load(Path(rest[1]).read_text(), Loader=GoLikeLoader)
    except OSError as exc:
        fail(str(exc))
    if not isinstance(doc, dict) or doc.get("kind") != "integration":
        fail("only integration resources are supported by this stand-in")
    labels = doc.get("metadata", {}).get("labels") or {}
    for key, value in labels.items():
        if not isinstance(key, str) or not isinstance(value, str):
            wrong = key if not isinstance(key, str) else value
            fail(TEXTS["not_a_string"].format(type=type(wrong).__name__))
        if not LABEL_KEY.match(key):
            fail(TEXTS["bad_label_key"].format(key=key))
    bad = unknown_fields(doc)
    if bad:
        fail(f'unknown field "{bad.split(".")[-1]}" in integration resource')
    name = str(doc.get("metadata", {}).get("name", ""))
    if not NAME.match(name) or len(name) > 63:
        fail(TEXTS["bad_name"].format(name=name))
    if doc.get("sub_kind") != "aws-oidc" or not doc.get("spec", {}).get("aws_oidc", {}).get(
        "role_arn"
    ):
        fail("spec.aws_oidc.role_arn is required")
    path = item_path(name)
    if path.exists():
        if not opts["force"]:
            fail(TEXTS["already_exists"].format(name=name))
        item = json.loads(path.read_text())
        item["spec"] = doc["spec"]  # --force copies only the spec
        item["metadata"]["revision"] = str(uuid.uuid4())
        path.write_text(json.dumps(item))
        print(TEXTS["updated"].format(name=name))
        return
    item = {
        "kind": "integration",
        "sub_kind": "aws-oidc",
        "version": "v1",
        "metadata": {"name": name, "revision": str(uuid.uuid4())},
        "spec": doc["spec"],
    }
    if doc["metadata"].get("labels"):
        item["metadata"]["labels"] = doc["metadata"]["labels"]
    path.write_text(json.dumps(item))
    if faults().get("crash_after_create"):
        sys.stderr.write("panic: runtime error: invalid memory address\n")
        os._exit(2)
    print(TEXTS["created"].format(name=name))


def get(opts: dict[str, Any], rest: list[str]) -> None:
    if len(rest) != 2:
        fail("get needs a resource")
    ref = rest[1]
    if ref == "integrations":
        items = [
            stored_view(json.loads(p.read_text()))
            for p in sorted((STATE / "integrations").glob("*.json"))
        ]
    elif ref.startswith("integration/"):
        name = ref.split("/", 1)[1]
        path = item_path(name)
        if not path.exists():
            not_found(name)
        items = [stored_view(json.loads(path.read_text()))]
    else:
        fail(f"unsupported resource {ref}")
    if opts["format"] != "json":
        fail("this stand-in prints --format=json only")
    print(json.dumps(items, indent=4))


def rm(opts: dict[str, Any], rest: list[str]) -> None:
    if len(rest) != 2 or not rest[1].startswith("integration/"):
        fail("rm needs integration/NAME")
    name = rest[1].split("/", 1)[1]
    if (STATE / "in_use" / name).exists():
        fail(TEXTS["in_use"])
    path = item_path(name)
    if not path.exists():
        not_found(name)
    path.unlink()
    print(TEXTS["removed"].format(name=name))


def main(argv: list[str]) -> None:
    (STATE / "integrations").mkdir(parents=True, exist_ok=True)
    opts, rest = parse(argv)
    with (STATE / "calls.jsonl").open("a") as log:
        log.write(
            json.dumps(
                {
                    "argv": argv,
                    "auth_server": opts["auth_server"],
                    "identity": opts["identity"],
                    "pid": os.getpid(),
                }
            )
            + "\n"
        )
    f = faults()
    if f.get("hang"):
        time.sleep(f["hang"])
    if f.get("sleep"):
        time.sleep(f["sleep"])
    if f.get("garbage"):
        sys.stdout.write("\x00\x01 segfault?? <html>\n")
        sys.exit(3)
    if f.get("fail"):
        fail(f["fail"])
    check_identity(opts)
    if not rest:
        fail("no command given")
    with (STATE / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        {"create": create, "get": get, "rm": rm}.get(
            rest[0], lambda *_: fail(f"unknown command {rest[0]}")
        )(opts, rest)


if __name__ == "__main__":
    main(sys.argv[1:])
