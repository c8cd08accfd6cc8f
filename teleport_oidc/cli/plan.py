"""``teleport-oidc plan``: what ``pulumi up`` would create, without cloud credentials.

Runs a Pulumi program (a folder with ``Pulumi.yaml``) in-process under the SDK's mock engine with
the stack's config, and renders every registered resource: type, name, parent and inputs, JSON
policies formatted, and the Teleport integration as the exact YAML handed to ``tctl create``.
"""

from __future__ import annotations

import contextlib
import json
import os
import runpy
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pulumi.output import Unknown

from ..errors import TeleportOidcError
from ..lookups import cluster as _cluster
from ..lookups import thumbprint as _thumbprint
from ..teleport import discovery as _discovery
from ..teleport import token as _token
from ..teleport.aws_checks import contains_unknown
from ..teleport.document import to_yaml
from ..teleport.integration import INTEGRATION_TYPE
from ..teleport.provider import integration_resource, integration_yaml
from ..teleport.resource import Kind
from .mockrun import (
    PLACEHOLDER_ACCOUNT,
    AwsWorld,
    MockRun,
    Recorded,
    RecordedResource,
    run_program,
)

__all__ = ["Plan", "PlanError", "load_config", "plan_program", "render_json", "render_text"]

KNOWN_AFTER_LOOKUP = "(known after lookup)"
_KINDS: dict[str, Kind] = {
    _discovery.DISCOVERY_CONFIG_TYPE: _discovery.DISCOVERY_CONFIG,
    _token.PROVISION_TOKEN_TYPE: _token.TOKEN,
}
_JSON_INPUTS = {"assumeRolePolicy", "policy", "content"}
_HIDDEN_INPUTS = {"__provider"}


class PlanError(TeleportOidcError):
    """The program or its configuration could not be loaded or run."""


@dataclass
class Plan:
    project: str
    stack: str
    program_dir: Path
    recorded: Recorded


def _project(program_dir: Path) -> tuple[str, Path]:
    manifest = program_dir / "Pulumi.yaml"
    if not manifest.is_file():
        raise PlanError(f"{program_dir} has no Pulumi.yaml; give the folder of a Pulumi program")
    data = yaml.safe_load(manifest.read_text()) or {}
    main = program_dir / str(data.get("main") or ".")
    entry = main / "__main__.py" if main.is_dir() else main
    if not entry.is_file():
        raise PlanError(f"{program_dir}: the program's entry point {entry} does not exist")
    return str(data.get("name") or program_dir.name), entry


def load_config(
    path: Path | None, project: str, overrides: Sequence[str] = ()
) -> tuple[dict[str, str], list[str]]:
    """Stack config as the engine hands it to a program: namespaced keys, string values.

    Objects are JSON-encoded (as ``pulumi config set --path`` stores them). Encrypted values
    cannot be read here; they become the placeholder ``[secret]``.
    """
    config: dict[str, str] = {}
    secret_keys: list[str] = []
    if path is not None:
        data = _stack_config_entries(path)
        for key, value in data.items():
            full = key if ":" in key else f"{project}:{key}"
            if isinstance(value, Mapping) and set(value) == {"secure"}:
                config[full] = "[secret]"
                secret_keys.append(full)
            elif isinstance(value, str):
                config[full] = value
            else:
                config[full] = json.dumps(value)
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise PlanError(
                f"--config {item!r} must be key=value, e.g. "
                "teleport-oidc:proxyUrl=https://teleport.example.com"
            )
        config[key if ":" in key else f"{project}:{key}"] = value
    return config, secret_keys


def _stack_config_entries(path: Path) -> dict[str, Any]:
    """The ``config:`` mapping of a stack file, with errors that name the file and the line."""
    if not path.is_file():
        raise PlanError(
            f"stack config {path} does not exist; give the path of a Pulumi.<stack>.yaml file"
        )
    try:
        document = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise PlanError(
            f"stack config {path} is not valid YAML{where}: {problem}; fix the file (each "
            "entry is `  <namespace>:<key>: <value>` under `config:`)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError(f"stack config {path} cannot be read: {exc}") from None
    if document is None:
        return {}
    config = document.get("config") if isinstance(document, Mapping) else None
    if not isinstance(document, Mapping) or not isinstance(config, (Mapping, type(None))):
        raise PlanError(
            f"stack config {path} must be a YAML mapping with a `config:` mapping, like "
            "Pulumi.example.yaml"
        )
    return dict(config or {})


def stack_name_of(config_file: Path) -> str:
    """``prod`` for ``Pulumi.prod.yaml``, as the Pulumi CLI names the stack of that file."""
    name = config_file.name
    for suffix in (".yaml", ".yml"):
        if name.startswith("Pulumi.") and name.endswith(suffix) and len(name) > 7 + len(suffix):
            return name[len("Pulumi.") : -len(suffix)]
    return config_file.stem


@contextlib.contextmanager
def _program_context(program_dir: Path) -> Iterator[None]:
    saved_path, saved_cwd = list(sys.path), os.getcwd()
    sys.path.insert(0, str(program_dir))
    os.chdir(program_dir)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        sys.path[:] = saved_path


@contextlib.contextmanager
def _config_errors_as_plan_errors() -> Iterator[None]:
    """The SDK's own config errors (a program's ``require``/``get_int``) already name the key."""
    import pulumi

    try:
        yield
    except (pulumi.ConfigMissingError, pulumi.ConfigTypeError) as exc:
        raise PlanError(" ".join(str(exc).split())) from None


def plan_program(
    program_dir: Path,
    *,
    stack: str | None = None,
    config_file: Path | None = None,
    overrides: Sequence[str] = (),
    offline: bool = True,
    world: AwsWorld | None = None,
) -> Plan:
    """Run the program in ``program_dir`` under mocks and return what it registered.

    The stack: ``stack`` reads ``Pulumi.<stack>.yaml`` from the program folder, which must
    exist; ``config_file`` reads that file, and the stack is named from it (``prod`` for
    ``Pulumi.prod.yaml``) unless ``stack`` is given too. With neither, ``Pulumi.example.yaml``
    is read when the folder has one, else no config, and the stack is ``example``. ``world``:
    the accounts, partition and organization to deploy into (default: the placeholders).
    """
    program_dir = program_dir.resolve()
    project, entry = _project(program_dir)
    if config_file is not None:
        stack = stack or stack_name_of(config_file)
    elif stack is not None:
        config_file = program_dir / f"Pulumi.{stack}.yaml"
        if not config_file.is_file():
            known = sorted(stack_name_of(p) for p in program_dir.glob("Pulumi.*.yaml"))
            raise PlanError(
                f"--stack {stack!r}: {program_dir} has no Pulumi.{stack}.yaml; stacks here: "
                f"{', '.join(known) or '(none)'}; give one of them, or --stack-config FILE"
            )
    else:
        stack = "example"
        candidate = program_dir / "Pulumi.example.yaml"
        config_file = candidate if candidate.is_file() else None
    config, secret_keys = load_config(config_file, project, overrides)

    def program() -> None:
        runpy.run_path(str(entry), run_name="__main__")

    saved_offline = _thumbprint.OFFLINE, _cluster.OFFLINE
    _thumbprint.OFFLINE = _cluster.OFFLINE = offline
    try:
        with _program_context(program_dir), _config_errors_as_plan_errors():
            recorded = run_program(
                program,
                MockRun(
                    project=project,
                    stack=stack,
                    config=config,
                    secret_keys=secret_keys,
                    preview=True,
                    echo_warnings=False,
                    world=world,
                ),
            )
    finally:
        _thumbprint.OFFLINE, _cluster.OFFLINE = saved_offline
    return Plan(project, stack, program_dir, recorded)


# --- rendering ---------------------------------------------------------------------------------


def _plain(value: Any, *, sort: bool = True) -> Any:
    """Inputs as JSON-able data; unknown values say when they become known.

    Maps that crossed the mock engine as protobuf Structs have no stable order, so their keys
    are sorted; JSON documents parsed from strings keep the order they were written in.
    """
    if isinstance(value, Unknown):
        return KNOWN_AFTER_LOOKUP
    if isinstance(value, Mapping):
        items = sorted(value.items()) if sort else value.items()
        return {str(k): _plain(v, sort=sort) for k, v in items}
    if isinstance(value, (list, tuple)):
        return [_plain(v, sort=sort) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _inputs(resource: RecordedResource) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in sorted(resource.inputs.items()):
        if key in _HIDDEN_INPUTS:
            continue
        if key in _JSON_INPUTS and isinstance(value, str):
            with contextlib.suppress(ValueError):
                result[key] = _plain(json.loads(value), sort=False)
                continue
        result[key] = _plain(value)
    return result


def _integration_file(resource: RecordedResource) -> str | None:
    """The exact file handed to ``tctl create`` for a Teleport resource, else ``None``."""
    if resource.type == INTEGRATION_TYPE:
        inputs = _plain(resource.inputs)
        return integration_yaml(
            integration_resource(
                inputs.get("integration_name", ""),
                inputs.get("role_arn", ""),
                inputs.get("audience") or "",
                inputs.get("labels") or {},
            )
        )
    kind = _KINDS.get(resource.type)
    if kind is None:
        return None
    if contains_unknown(resource.inputs):
        return f"{KNOWN_AFTER_LOOKUP}\n"
    inputs = _plain(resource.inputs)
    props = {
        key: kind.checks[key](value) if key in kind.checks and value is not None else value
        for key, value in inputs.items()
    }
    return to_yaml(kind.document(props))


def _names(plan: Plan) -> dict[str, str]:
    return {r.urn: r.name for r in plan.recorded.resources}


def _ordered(plan: Plan) -> list[RecordedResource]:
    """Parents before their children, siblings by name: stable whatever the RPC timing."""
    by_urn = {r.urn: r for r in plan.recorded.resources}

    def path(resource: RecordedResource) -> tuple[str, ...]:
        parent = by_urn.get(resource.parent)
        return (*path(parent), resource.name) if parent else (resource.name,)

    return sorted(plan.recorded.resources, key=path)


def render_json(plan: Plan) -> str:
    names = _names(plan)
    resources = []
    for resource in _ordered(plan):
        entry: dict[str, Any] = {
            "type": resource.type,
            "name": resource.name,
            "parent": names.get(resource.parent, None),
            "inputs": _inputs(resource),
        }
        if resource.provider:
            entry["provider"] = resource.provider.split("::")[-2]
        tctl_file = _integration_file(resource)
        if tctl_file is not None:
            entry["tctl_create_file"] = tctl_file
        resources.append(entry)
    return json.dumps(
        {
            "project": plan.project,
            "stack": plan.stack,
            "placeholder_account": PLACEHOLDER_ACCOUNT,
            "warnings": list(plan.recorded.warnings),
            "resources": resources,
            "outputs": _plain(plan.recorded.exports),
        },
        indent=2,
        sort_keys=False,
    )


def _block(text: str, indent: str) -> str:
    return "\n".join(indent + line if line else line for line in text.rstrip("\n").splitlines())


def render_text(plan: Plan) -> str:
    names = _names(plan)
    lines = [
        f"Plan for project {plan.project!r}, stack {plan.stack!r} (mock engine: no cloud calls; "
        f"account {PLACEHOLDER_ACCOUNT} stands for yours)",
    ]
    if plan.recorded.warnings:
        lines.append(f"{len(plan.recorded.warnings)} warning(s):")
        lines.extend(f"  warning: {warning}" for warning in plan.recorded.warnings)
    lines += [f"{len(plan.recorded.resources)} resources would be created:", ""]
    for resource in _ordered(plan):
        parent = names.get(resource.parent)
        lines.append(f"+ {resource.type}  {resource.name}")
        if parent:
            lines.append(f"    parent: {parent}")
        if resource.provider:
            lines.append(f"    provider: {resource.provider.split('::')[-2]}")
        for key, value in _inputs(resource).items():
            if isinstance(value, (dict, list)) and value:
                lines.append(f"    {key}:")
                lines.append(_block(json.dumps(value, indent=2), "      "))
            else:
                lines.append(f"    {key}: {json.dumps(value)}")
        tctl_file = _integration_file(resource)
        if tctl_file is not None:
            lines.append("    file handed to `tctl create`:")
            lines.append(_block(tctl_file, "      "))
        lines.append("")
    if plan.recorded.exports:
        lines.append("Outputs:")
        for key, value in plan.recorded.exports.items():
            lines.append(f"    {key}: {json.dumps(_plain(value))}")
    return "\n".join(lines) + "\n"
