#!/usr/bin/env python3
"""A stand-in for Teleport's ``tctl``: create, get and rm of ``integration``, ``discovery_config``
and ``token``, with the checks and defaults Teleport applies (spec section 7; for the two new
kinds ``api/types/matchers_aws.go``, ``api/types/provisioning.go``, ``lib/auth``'s token
validation and ``tool/tctl/common/resource_command.go``). Everything that differs by kind (where
it is stored, the fields tctl accepts, every text it prints, what ``--force`` does) is in the
``KINDS`` table.

State lives in ``$FAKE_TCTL_STATE`` (a directory): ``<kind dir>/<name>.json``, a ``calls.jsonl``
log of every invocation (argv and the connection it used), ``in_use/<name>`` markers (External
Audit Storage refuses deletion), ``identity`` (when present, ``-i`` must name a file with this
content) and ``faults.json``: ``{"hang": s, "sleep": s, "garbage": true, "crash_after_create":
true, "fail": "text"}``.

Like the real tctl: ``-f`` is ``--force``; the file is positional; ``get`` prints JSON with
``--format=json`` and YAML documents otherwise (the default, as a user types it); global flags
``--auth-server`` and ``-i/--identity`` (or ``TELEPORT_AUTH_SERVER`` / ``TELEPORT_IDENTITY_FILE``);
files are read as Go's YAML reads them (``GoLikeLoader``: ``y``, ``on``, ``1e3``, ``0o17``
unquoted are not strings) and a non-string where Teleport wants a string is refused; label keys
are checked against Teleport's ``IsValidLabelKey``.
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
from typing import Any, NoReturn

import yaml

STATE = Path(os.environ.get("FAKE_TCTL_STATE", "/nonexistent"))
# The Teleport major version to behave like. 18 (default): the spec, from reading the source.
# Below 16: what real tctl v13.3.8 answered (tests/teleport/real_tctl_transcript.json, and its
# types in api/types/types.pb.go). Both kinds: a red "ERROR: " even without a terminal and a
# blank line after; no unknown-field checks: fields it did not know are dropped (an
# integration's ``audience``, an allow rule's organization fields); ``metadata.id`` instead of
# ``metadata.revision`` (a listed integration has none); ``tctl get <kind>s`` of none prints
# ``null``. Integrations: one not-found text, no name check, the --force hint without a tab, no
# sibling sub-specs. Tokens: no ``aws_iid_ttl`` or ``status``, ``tctl create`` prints nothing,
# role names spelled exactly (``Node``, not ``node``), and an allow rule left with neither
# account nor ARN is refused with v13's text, which names "ec2" even for "iam". No
# ``discovery_config`` kind (v14+): create, get and rm refuse it with v13's texts.
VERSION = int(os.environ.get("FAKE_TCTL_VERSION", "18"))
OLD = VERSION < 16
NAME = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
# lib/backend/sanitize.go (v13.3.8): every backend key is checked before it is read or written.
KEY_SAFE = re.compile(r"^[0-9A-Za-z@_:.\-/+]*\Z")
KEY_UNSAFE = (
    "special characters are not allowed in resource names, please use name composed only from "
    "characters, hyphens, dots, and plus signs: {key}"
)
# api/types/provisioning.go: the join methods Teleport knows (v13.3.8's, then later ones).
JOIN_METHODS = ["token", "ec2", "iam", "github", "circleci", "kubernetes", "azure", "gitlab", "gcp"]
if not OLD:
    JOIN_METHODS += [
        "spacelift",
        "tpm",
        "terraform_cloud",
        "bitbucket",
        "oracle",
        "bound_keypair",
        "azure_devops",
        "env0",
    ]
LABEL_KEY = re.compile(r"^[a-zA-Z/.0-9_:*-]+\Z")  # api/types/common/common.go IsValidLabelKey
REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d+$")
AWS_TYPES = [
    "ec2",
    "eks",
    "rds",
    "rdsproxy",
    "redshift",
    "redshift-serverless",
    "elasticache",
    "elasticache-serverless",
    "memorydb",
    "opensearch",
    "docdb",
]
SYSTEM_ROLES = {
    r.lower(): r
    for r in (
        "App",
        "Auth",
        "Bot",
        "Db",
        "Discovery",
        "Kube",
        "Node",
        "Proxy",
        "WindowsDesktop",
        "Instance",
    )
}
METADATA = {"name", "labels", "description", "revision", "expires"}
# tool/tctl/common/resource_command.go: Create wraps AlreadyExists with this hint.
FORCE_HINT = "use -f or --force flag to overwrite\n\t"


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


class Invalid(Exception):
    """What Teleport's CheckAndSetDefaults / validation refuses, as tctl prints it."""


# --- per kind: where it is stored, the fields tctl accepts, the texts it prints ------------------

KINDS: dict[str, dict[str, Any]] = {
    "integration": {
        "dir": "integrations",
        "plural": "integrations",
        "fields": {
            "": {"kind", "sub_kind", "version", "metadata", "spec"},
            "metadata": METADATA,
            "spec": {"aws_oidc"},
            "spec.aws_oidc": {"role_arn", "audience", "issuer_s3_uri"},
        },
        "created": 'Integration "{name}" has been created',
        "forced": 'Integration "{name}" has been updated',
        "exists": FORCE_HINT + 'Integration "{name}" already exists',
        "removed": 'Integration "{name}" removed',
        "not_found": [
            '"integration" "{name}" does not exist',
            'integration "{name}" doesn\'t exist',
            "no value for key /integrations/{name}",
        ],
        # --force copies only the spec onto the existing integration.
        "force": "spec",
    },
    "discovery_config": {
        "dir": "discovery_configs",
        "plural": "discovery_configs",
        "fields": {
            "": {"kind", "sub_kind", "version", "metadata", "spec", "status"},
            "metadata": METADATA,
            "spec": {"discovery_group", "aws", "azure", "gcp", "kube", "access_graph"},
            "spec.aws[]": {
                "types",
                "regions",
                "assume_role",
                "tags",
                "install",
                "ssm",
                "integration",
                "kube_app_discovery",
                "setup_access_for_arn",
                "organization",
            },
            "spec.aws[].assume_role": {"role_arn", "external_id", "role_name"},
            "spec.aws[].install": {
                "join_method",
                "join_token",
                "script_name",
                "install_teleport",
                "sshd_config",
                "proxy_addr",
                "azure",
                "enroll_mode",
                "suffix",
                "update_group",
                "http_proxy_settings",
            },
            "spec.aws[].ssm": {"document_name"},
            "spec.aws[].organization": {"organization_id", "organizational_units"},
            "spec.aws[].organization.organizational_units": {"include", "exclude"},
            "spec.access_graph": {"aws", "azure", "poll_interval"},
            "spec.access_graph.aws[]": {
                "regions",
                "assume_role",
                "integration",
                "cloud_trail_logs",
                "eks_audit_logs",
            },
            "spec.access_graph.aws[].cloud_trail_logs": {"region", "sqs_queue"},
            "spec.access_graph.aws[].eks_audit_logs": {"tags"},
        },
        "created": 'DiscoveryConfig "{name}" has been created',
        "forced": 'DiscoveryConfig "{name}" has been written',
        "exists": FORCE_HINT + 'discovery_config "{name}" already exists',
        "removed": 'DiscoveryConfig "{name}" removed',
        "not_found": ['discovery_config "{name}" doesn\'t exist'],
        # --force is UpsertDiscoveryConfig: the whole resource is written.
        "force": "whole",
    },
    "token": {
        "dir": "tokens",
        "plural": "tokens",
        "fields": {
            "": {"kind", "sub_kind", "version", "metadata", "spec", "status"},
            "metadata": METADATA,
            "spec": {
                "roles",
                "allow",
                "aws_iid_ttl",
                "join_method",
                "bot_name",
                "suggested_labels",
                "suggested_agent_matcher_labels",
                "integration",
                "github",
                "gitlab",
                "kubernetes",
                "azure",
                "gcp",
                "circleci",
                "spacelift",
                "tpm",
                "terraform_cloud",
                "bitbucket",
                "oracle",
                "bound_keypair",
                "azure_devops",
                "env0",
            },
            "spec.allow[]": {
                "aws_account",
                "aws_regions",
                "aws_role",
                "aws_arn",
                "aws_organization_id",
                "aws_organizational_units",
            },
            "spec.allow[].aws_organizational_units": {"include", "exclude"},
        },
        "created": 'provision_token "{name}" has been created',
        "forced": 'provision_token "{name}" has been created',
        "exists": None,  # tctl create upserts tokens, with or without --force
        "removed": 'token "{name}" has been deleted',
        "not_found": ["provisioning token({masked}) not found"],
        "force": "whole",
    },
}


if OLD:  # v13.3.8's types (api/types/types.pb.go) knew fewer fields; it dropped the others
    KINDS["integration"]["fields"]["spec.aws_oidc"] = {"role_arn"}
    KINDS["token"]["fields"]["spec"] = {
        "roles",
        "allow",
        "aws_iid_ttl",
        "join_method",
        "bot_name",
        "suggested_labels",
        "suggested_agent_matcher_labels",
        "github",
        "circleci",
        "kubernetes",
        "azure",
        "gitlab",
        "gcp",
    }
    KINDS["token"]["fields"]["spec.allow[]"] = {"aws_account", "aws_regions", "aws_role", "aws_arn"}


def fail(message: str, code: int = 1) -> NoReturn:
    if OLD:
        sys.stderr.write(f"\x1b[31mERROR: \x1b[0m{message}\n\n")
        sys.exit(code)
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


def item_path(kind: str, name: str) -> Path:
    return STATE / KINDS[kind]["dir"] / f"{name}.json"


def not_found(kind: str, name: str) -> None:
    # The text varies by Teleport version and cache: rotate through the known forms.
    texts = KINDS[kind]["not_found"]
    counter = STATE / "not_found_counter"
    n = int(counter.read_text()) if counter.exists() else 0
    counter.write_text(str(n + 1))
    hidden = int(0.75 * len(name))  # backend.MaskKeyName
    masked = "*" * hidden + name[hidden:]
    text = texts[1] if OLD and kind == "integration" else texts[n % len(texts)]
    fail(text.format(name=name, masked=masked))


def check_key(kind: str, name: str) -> None:
    """The backend refuses a key with characters outside its allow list (or ``//``)."""
    key = f"/{KINDS[kind]['dir']}/{name}"
    if not KEY_SAFE.match(key) or "//" in key:
        fail(KEY_UNSAFE.format(key=json.dumps(key)))


def drop_unknown(fields: dict[str, set[str]], doc: Any, where: str = "") -> None:
    """Remove, in place, every field :func:`unknown_field` would refuse."""
    if isinstance(doc, list):
        for item in doc:
            drop_unknown(fields, item, f"{where}[]")
    elif isinstance(doc, dict) and fields.get(where) is not None:
        for key in [k for k in doc if k not in fields[where]]:
            del doc[key]
        for key, value in doc.items():
            drop_unknown(fields, value, f"{where}.{key}" if where else key)


def unknown_field(fields: dict[str, set[str]], doc: Any, where: str = "") -> str | None:
    if isinstance(doc, list):
        for item in doc:
            found = unknown_field(fields, item, f"{where}[]")
            if found:
                return found
        return None
    if not isinstance(doc, dict):
        return None
    allowed = fields.get(where)
    if allowed is None:
        return None  # free-form maps (labels, tags) and fields this stand-in does not model
    for key, value in doc.items():
        if key not in allowed:
            return key
        found = unknown_field(fields, value, f"{where}.{key}" if where else key)
        if found:
            return found
    return None


# --- Teleport's checks and defaults, per kind ---------------------------------------------------


def strings(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def check_labels(doc: dict[str, Any]) -> None:
    for key, value in ((doc.get("metadata") or {}).get("labels") or {}).items():
        if not isinstance(key, str) or not isinstance(value, str):
            wrong = key if not isinstance(key, str) else value
            raise Invalid(
                f"json: cannot unmarshal {type(wrong).__name__} into Go value of type string"
            )
        if not LABEL_KEY.match(key):
            raise Invalid(f'invalid label key: "{key}"')


def check_integration(doc: dict[str, Any], name: str) -> None:
    if not OLD and (not NAME.match(name) or len(name) > 63):
        raise Invalid(
            f'integration name "{name}" must be a lower case valid DNS subdomain so that it '
            "can be used to allow Web/CLI access"
        )
    if doc.get("sub_kind") != "aws-oidc" or not doc.get("spec", {}).get("aws_oidc", {}).get(
        "role_arn"
    ):
        raise Invalid("spec.aws_oidc.role_arn is required")


def check_aws_matcher(m: dict[str, Any]) -> None:
    """api/types/matchers_aws.go AWSMatcher.CheckAndSetDefaults, defaults included."""
    types = strings(m.get("types"))
    for t in types:
        if t not in AWS_TYPES:
            raise Invalid(
                f'discovery service type does not support "{t}", supported resource types '
                f"are: {AWS_TYPES}"
            )
    if not types:
        raise Invalid("discovery service requires at least one type")
    regions = strings(m.get("regions"))
    if not regions:
        raise Invalid("discovery service requires at least one region")
    for region in regions:
        if region == "*":
            if len(regions) > 1:
                raise Invalid('when using "*" as region, no other regions can be specified')
            break
        if not REGION.match(region):
            raise Invalid(f'discovery service does not support region "{region}"')
    org = m.get("organization") or {}
    role = m.get("assume_role") or {}
    if org:
        if not org.get("organization_id"):
            raise Invalid("organization ID required but missing")
        units = org.get("organizational_units")
        if units is None:
            raise Invalid("organizational units required but missing")
        if not strings(units.get("include")):
            raise Invalid(
                "at least one organizational unit must be included ('*' can be used to "
                "include everything)"
            )
        if not role.get("role_name"):
            raise Invalid("assume role name is required when organization id is set")
        if role.get("role_arn"):
            raise Invalid(
                "assume role must be set to the role name (not the arn) when discovering accounts"
            )
    if role.get("external_id") and not role.get("role_arn"):
        raise Invalid(
            "discovery service AWS matcher assume_role_arn is empty, but has external_id "
            f'"{role["external_id"]}"'
        )
    if not m.get("tags"):
        m["tags"] = {"*": ["*"]}
    install = m.setdefault("install", {"install_teleport": True})
    mode = install.get("enroll_mode", 0)
    if mode == 0:
        install["enroll_mode"] = 2 if m.get("integration") else 1
    elif mode == 2 and not m.get("integration"):
        raise Invalid("integration is required for eice enroll mode")
    elif mode not in (1, 2):
        raise Invalid(f"invalid enroll mode {mode}")
    if install.get("join_method", "iam") not in ("iam", ""):
        raise Invalid("only IAM joining is supported for EC2 auto-discovery")
    install["join_method"] = "iam"
    install.setdefault("join_token", "aws-discovery-iam-token")
    install.setdefault("sshd_config", "/etc/ssh/sshd_config")
    for key in ("suffix", "update_group"):
        if install.get(key) and not re.fullmatch(r"[A-Za-z0-9-]+", install[key]):
            raise Invalid(f"install.{key} can only contain alphanumeric characters and hyphens")
    install.setdefault(
        "script_name",
        "default-installer" if install.get("install_teleport") else "default-agentless-installer",
    )
    ssm = m.setdefault("ssm", {})
    ssm.setdefault(
        "document_name",
        "TeleportDiscoveryInstaller"
        if install.get("install_teleport")
        else "TeleportAgentlessDiscoveryInstaller",
    )


def check_discovery_config(doc: dict[str, Any], _name: str) -> None:
    spec = doc.setdefault("spec", {})
    if not spec.get("discovery_group"):
        raise Invalid("discovery config group required")
    for matcher in spec.setdefault("aws", []) or []:
        check_aws_matcher(matcher)
    for sync in (spec.get("access_graph") or {}).get("aws") or []:
        regions = strings(sync.get("regions"))
        if not regions:
            raise Invalid("discovery service requires at least one region")
        for region in regions:
            if not REGION.match(region):
                raise Invalid(f'discovery service does not support region "{region}"')
        trail = sync.get("cloud_trail_logs")
        if trail is not None:
            if not trail.get("sqs_queue"):
                raise Invalid("discovery service requires SQS queue for CloudTrail logs")
            if not trail.get("region"):
                raise Invalid("discovery service requires Region for CloudTrail logs")


def check_token(doc: dict[str, Any], _name: str) -> None:
    """api/types/provisioning.go CheckAndSetDefaults and lib/auth validateProvisionToken."""
    spec = doc.setdefault("spec", {})
    roles = spec.get("roles") or []
    if not roles:
        raise Invalid("provisioning token is missing roles")
    seen: set[str] = set()
    for role in roles:
        canonical = SYSTEM_ROLES.get(str(role).lower())
        if canonical is None or (OLD and role != canonical):  # v13: spelled exactly
            raise Invalid(f"role {role} is not registered")
        if OLD and canonical in seen:
            raise Invalid(f'duplicate role "{canonical}"')
        seen.add(canonical)
    spec["roles"] = [SYSTEM_ROLES[str(r).lower()] for r in roles]
    if "Bot" in spec["roles"] and not spec.get("bot_name"):
        raise Invalid('token with role "Bot" must set bot_name')
    allow = spec.get("allow") or []
    method = spec.get("join_method") or ("ec2" if allow else "token")
    spec["join_method"] = method
    if method not in JOIN_METHODS:
        raise Invalid(f'unknown join method "{method}"')
    if method == "token":
        if allow:
            raise Invalid('allow rules are not compatible with the "token" join method')
        return
    if method != "iam":
        raise Invalid(f'this stand-in models the "iam" and "token" join methods, not "{method}"')
    if not allow:
        raise Invalid('the "iam" join method requires defined token allow rules')
    for rule in allow:
        if rule.get("aws_role"):
            raise Invalid('the "iam" join method does not support the "aws_role" parameter')
        if rule.get("aws_regions"):
            raise Invalid('the "iam" join method does not support the "aws_regions" parameter')
        if OLD and not (rule.get("aws_account") or rule.get("aws_arn")):
            raise Invalid('allow rule for "ec2" join method must set "aws_account" or "aws_arn"')
        if not (rule.get("aws_account") or rule.get("aws_arn") or rule.get("aws_organization_id")):
            raise Invalid(
                'allow rule for "iam" join method must set "aws_account", "aws_arn" or '
                '"aws_organization_id"'
            )
        units = rule.get("aws_organizational_units")
        if units:
            if not rule.get("aws_organization_id"):
                raise Invalid(
                    'allow rule with "aws_organizational_units" matchers must also specify '
                    '"aws_organization_id" when using the "iam" join method'
                )
            include, exclude = strings(units.get("include")), strings(units.get("exclude"))
            if not include:
                raise Invalid(
                    'at least one entry in "aws_organizational_units.include" must be specified'
                )
            if "*" in include and len(include) > 1:
                raise Invalid(
                    'when using wildcard for "aws_organizational_units.include", no other '
                    "values are allowed"
                )
            if "*" in exclude:
                raise Invalid('using wildcard in "aws_organizational_units.exclude" is not allowed')


CHECKS = {
    "integration": check_integration,
    "discovery_config": check_discovery_config,
    "token": check_token,
}


def scalar_strings(value: Any) -> Any:
    """Teleport's Strings type prints a one-element list as a bare string."""
    return {k: (v[0] if isinstance(v, list) and len(v) == 1 else v) for k, v in value.items()}


def stored_view(kind: str, item: dict[str, Any], listed: bool = False) -> dict[str, Any]:
    """What `tctl get --format=json` prints for a stored item (``listed``: in a list of all)."""
    view = json.loads(json.dumps(item))
    if OLD and kind in ("integration", "token"):
        # v13.3.8: metadata.id, no defaulted sub-specs, no aws_iid_ttl, no status; a listed
        # integration has no id at all (ListIntegrations)
        revision = view["metadata"].pop("revision", "")
        if not (listed and kind == "integration"):
            view["metadata"]["id"] = abs(hash(revision)) + 1
    elif kind == "integration":
        view["spec"].setdefault("aws_oidc", {})
        view["spec"]["azure_oidc"] = {}
        view["spec"]["github"] = {}
        view["spec"]["aws_ra"] = {}
        view["status"] = {}
    elif kind == "discovery_config":
        for matcher in view["spec"].get("aws") or []:
            matcher["tags"] = scalar_strings(matcher.get("tags") or {})
            matcher["install"].setdefault("http_proxy_settings", None)
        view["status"] = {"state": "DISCOVERY_CONFIG_STATE_UNSPECIFIED", "discovered_resources": 0}
    elif kind == "token":
        view["spec"].setdefault("aws_iid_ttl", 0)
        view["status"] = None
    return view


def ref_of(text: str) -> tuple[str, str | None]:
    kind, _, name = text.partition("/")
    for known, entry in KINDS.items():
        if kind in (known, entry["plural"]):
            if VERSION < 14 and known == "discovery_config":  # the kind arrived in v14
                fail(
                    f'unsupported resource: "{kind}" - resources should be expressed as '
                    "'type/name', for example 'connector/github'"
                )
            return known, name or None
    fail(f'resource type "{kind}" is not supported by this stand-in')
    raise AssertionError  # unreachable


def create(opts: dict[str, Any], rest: list[str]) -> None:
    if len(rest) != 2:
        fail("create needs a file name")
    try:
        doc = yaml.load(Path(rest[1]).read_text(), Loader=GoLikeLoader)
    except OSError as exc:
        fail(str(exc))
    kind = str(doc.get("kind")) if isinstance(doc, dict) else ""
    if kind not in KINDS:
        fail(f'resource type "{kind}" is not supported by this stand-in')
    if VERSION < 14 and kind == "discovery_config":  # the kind arrived in v14
        fail(f'creating resources of type "{kind}" is not supported')
    entry = KINDS[kind]
    old_integration = OLD and kind == "integration"
    if OLD and kind in ("integration", "token"):
        drop_unknown(entry["fields"], doc)  # v13.3.8 dropped fields it did not know
    bad = unknown_field(entry["fields"], doc)
    if bad:
        fail(f'unknown field "{bad}"')
    name = str(doc.get("metadata", {}).get("name", ""))
    if not name:
        fail("missing parameter Name")
    try:
        check_labels(doc)
        CHECKS[kind](doc, name)
    except Invalid as exc:
        fail(str(exc))
    check_key(kind, name)
    path = item_path(kind, name)
    if path.exists() and (opts["force"] or entry["exists"] is None):
        item = json.loads(path.read_text())
        if entry["force"] == "spec":
            item["spec"] = doc["spec"]
        else:
            item = {**doc, "metadata": {**doc["metadata"]}}
        item["metadata"]["revision"] = str(uuid.uuid4())
        path.write_text(json.dumps(item))
        announce(kind, entry["forced"], name)
        return
    if path.exists():
        exists = entry["exists"].replace("\n\t", "\n") if old_integration else entry["exists"]
        fail(exists.format(name=name))
    if kind == "integration":
        item = {
            "kind": "integration",
            "sub_kind": "aws-oidc",
            "version": "v1",
            "metadata": {"name": name},
            "spec": doc["spec"],
        }
        if doc["metadata"].get("labels"):
            item["metadata"]["labels"] = doc["metadata"]["labels"]
    else:
        item = {**doc, "metadata": {**doc["metadata"]}}
    item["metadata"]["revision"] = str(uuid.uuid4())
    path.write_text(json.dumps(item))
    if faults().get("crash_after_create"):
        sys.stderr.write("panic: runtime error: invalid memory address\n")
        os._exit(2)
    announce(kind, entry["created"], name)


def announce(kind: str, text: str, name: str) -> None:
    """What a successful create prints: real v13.3.8 printed nothing for a token."""
    if not (OLD and kind == "token"):
        print(text.format(name=name))


def get(opts: dict[str, Any], rest: list[str]) -> None:
    if len(rest) != 2:
        fail("get needs a resource")
    kind, name = ref_of(rest[1])
    if name is None:
        items = [
            stored_view(kind, json.loads(p.read_text()), listed=True)
            for p in sorted((STATE / KINDS[kind]["dir"]).glob("*.json"))
        ]
    else:
        check_key(kind, name)
        path = item_path(kind, name)
        if not path.exists():
            not_found(kind, name)
        items = [stored_view(kind, json.loads(path.read_text()))]
    if opts["format"] == "yaml":  # tctl's default: one YAML document per item, "---" between
        sys.stdout.write(yaml.safe_dump_all(items, explicit_start=False, sort_keys=False))
        return
    if opts["format"] != "json":
        fail("this stand-in prints --format=json and yaml (the default) only")
    print(json.dumps(items or (None if OLD else []), indent=4))


def rm(opts: dict[str, Any], rest: list[str]) -> None:
    if len(rest) != 2:
        fail("rm needs KIND/NAME")
    kind, name = ref_of(rest[1])
    if name is None:
        fail("provide a full resource name to delete")
    assert name is not None
    check_key(kind, name)
    if kind == "integration" and (STATE / "in_use" / name).exists():
        fail(
            "cannot delete AWS OIDC integration currently referenced by External Audit "
            "Storage integration"
        )
    path = item_path(kind, name)
    if not path.exists():
        not_found(kind, name)
    path.unlink()
    print(KINDS[kind]["removed"].format(name=name))


def main(argv: list[str]) -> None:
    for entry in KINDS.values():
        (STATE / entry["dir"]).mkdir(parents=True, exist_ok=True)
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
