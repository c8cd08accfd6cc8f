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
from ..teleport.integration import INTEGRATION_TYPE
from ..teleport.provider import integration_resource, integration_yaml
from .mockrun import PLACEHOLDER_ACCOUNT, MockRun, Recorded, RecordedResource, run_program

__all__ = ["Plan", "PlanError", "load_config", "plan_program", "render_json", "render_text"]

KNOWN_AFTER_LOOKUP = "(known after lookup)"
_JSON_INPUTS = {"assumeRolePolicy", "policy", "content"}
_HIDDEN_INPUTS = {"__provider", "adopt_hint"}  # adopt_hint: wording of an error, not a setting


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
        if not path.is_file():
            raise PlanError(f"stack config {path} does not exist")
        data = (yaml.safe_load(path.read_text()) or {}).get("config") or {}
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


def plan_program(
    program_dir: Path,
    *,
    stack: str = "example",
    config_file: Path | None = None,
    overrides: Sequence[str] = (),
    offline: bool = True,
) -> Plan:
    """Run the program in ``program_dir`` under mocks and return what it registered."""
    program_dir = program_dir.resolve()
    project, entry = _project(program_dir)
    if config_file is None:
        candidate = program_dir / f"Pulumi.{stack}.yaml"
        config_file = candidate if candidate.is_file() else None
    config, secret_keys = load_config(config_file, project, overrides)

    def program() -> None:
        runpy.run_path(str(entry), run_name="__main__")

    saved_offline = _thumbprint.OFFLINE, _cluster.OFFLINE
    _thumbprint.OFFLINE = _cluster.OFFLINE = offline
    try:
        with _program_context(program_dir):
            recorded = run_program(
                program,
                MockRun(
                    project=project,
                    stack=stack,
                    config=config,
                    secret_keys=secret_keys,
                    preview=True,
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
    if resource.type != INTEGRATION_TYPE:
        return None
    inputs = _plain(resource.inputs)
    return integration_yaml(
        integration_resource(
            inputs.get("integration_name", ""),
            inputs.get("role_arn", ""),
            inputs.get("audience") or "",
            inputs.get("labels") or {},
        )
    )


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
        f"{len(plan.recorded.resources)} resources would be created:",
        "",
    ]
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
