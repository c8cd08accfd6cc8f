"""Out-of-band changes to a Teleport cluster through its ``tctl`` (the stand-in or the real one).

The real-Teleport tier and the fast tier use the same helper, so a test written against one
runs against the other: "a change made with tctl" is literally a tctl call. One class per kind
of resource: ``Integrations``, ``Tokens``, ``DiscoveryConfigs``.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml

T = TypeVar("T")


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str


@dataclass
class TctlBackend:
    """``tctl`` at ``path`` (a wrapper that already knows how to reach the cluster)."""

    path: Path

    def run(self, *args: str, document: dict[str, Any] | None = None) -> Run:
        """Run ``tctl ARGS``; a ``document`` is written to a file appended as the last arg."""
        with tempfile.TemporaryDirectory(prefix="tctl-backend-") as tmp:
            argv = [str(self.path), *args]
            if document is not None:
                file = Path(tmp) / "resource.yaml"
                file.write_text(yaml.safe_dump(document, sort_keys=False))
                argv.append(str(file))
            done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
        return Run(done.returncode, done.stdout, done.stderr)

    def ok(self, *args: str, document: dict[str, Any] | None = None) -> Run:
        result = self.run(*args, document=document)
        if result.returncode != 0:
            raise AssertionError(f"tctl {' '.join(args)} failed: {result.stderr or result.stdout}")
        return result

    def get(self, kind: str, name: str) -> dict[str, Any] | None:
        """``tctl get KIND/NAME`` as JSON: the one item, or ``None`` when tctl refused."""
        result = self.run("get", f"{kind}/{name}", "--format=json")
        if result.returncode != 0:
            return None
        items = json.loads(result.stdout)
        return items[0] if items else None

    def remove(self, kind: str, name: str) -> None:
        self.ok("rm", f"{kind}/{name}")


def settle(observe: Callable[[], T], wanted: T, timeout: float = 15.0) -> T:
    """What ``observe`` returns once it returns ``wanted``, or the last value seen after
    ``timeout``. Real Teleport reads through the auth server's cache, which follows writes
    about a second late on a single sqlite node."""
    deadline = time.monotonic() + timeout
    while True:
        seen = observe()
        if seen == wanted or time.monotonic() > deadline:
            return seen
        time.sleep(0.2)


@dataclass
class Integrations:
    """``integration`` resources (sub_kind ``aws-oidc``) through tctl."""

    tctl: TctlBackend

    @staticmethod
    def document(name: str, role_arn: str, labels: dict[str, str] | None = None) -> dict[str, Any]:
        metadata: dict[str, Any] = {"name": name}
        if labels:
            metadata["labels"] = labels
        return {
            "kind": "integration",
            "sub_kind": "aws-oidc",
            "version": "v1",
            "metadata": metadata,
            "spec": {"aws_oidc": {"role_arn": role_arn}},
        }

    def get(self, name: str) -> dict[str, Any] | None:
        return self.tctl.get("integration", name)

    def names(self) -> list[str]:
        items = json.loads(self.tctl.ok("get", "integrations", "--format=json").stdout or "[]")
        return sorted(item["metadata"]["name"] for item in items or [])

    def role_arn(self, name: str) -> str | None:
        item = self.get(name)
        return None if item is None else str(item["spec"]["aws_oidc"]["role_arn"])

    def settled(self, name: str, role_arn: str | None, timeout: float = 15.0) -> str | None:
        """The role ``tctl get`` shows once it shows ``role_arn`` (``None``: gone)."""
        return settle(lambda: self.role_arn(name), role_arn, timeout)

    def seed(self, name: str, role_arn: str) -> None:
        """Created out of band (web UI, another tool)."""
        self.tctl.ok("create", document=self.document(name, role_arn))

    def edit_role(self, name: str, role_arn: str) -> None:
        self.tctl.ok("create", "--force", document=self.document(name, role_arn))

    def remove(self, name: str) -> None:
        self.tctl.remove("integration", name)


@dataclass
class Tokens:
    """IAM-join ``token`` resources (``version: v2``) through tctl; the observed value is the
    allowed accounts, in order."""

    tctl: TctlBackend

    @staticmethod
    def document(name: str, accounts: list[str]) -> dict[str, Any]:
        return {
            "kind": "token",
            "version": "v2",
            "metadata": {"name": name},
            "spec": {
                "roles": ["Node"],
                "join_method": "iam",
                "allow": [{"aws_account": account} for account in accounts],
            },
        }

    def get(self, name: str) -> dict[str, Any] | None:
        return self.tctl.get("token", name)

    def accounts(self, name: str) -> list[str] | None:
        item = self.get(name)
        if item is None:
            return None
        return [str(rule.get("aws_account")) for rule in item["spec"].get("allow") or []]

    def settled(
        self, name: str, accounts: list[str] | None, timeout: float = 15.0
    ) -> list[str] | None:
        """The accounts ``tctl get`` shows once it shows ``accounts`` (``None``: gone)."""
        return settle(lambda: self.accounts(name), accounts, timeout)

    def edit_accounts(self, name: str, accounts: list[str]) -> None:
        """A change made out of band: ``tctl create --force`` of the whole token."""
        self.tctl.ok("create", "--force", document=self.document(name, accounts))

    def remove(self, name: str) -> None:
        self.tctl.remove("token", name)


#: What a test watches of a discovery_config: its discovery group and each AWS matcher's regions.
Shape = tuple[str, list[list[str]]]


def _strings(value: Any) -> list[str]:
    # Teleport's Strings type prints a one-element list as a bare string.
    return [value] if isinstance(value, str) else [str(v) for v in value or []]


@dataclass
class DiscoveryConfigs:
    """``discovery_config`` resources (``version: v1``, Teleport v14+) through tctl; the
    observed value is the :data:`Shape`."""

    tctl: TctlBackend

    @staticmethod
    def document(name: str, group: str, regions: list[list[str]]) -> dict[str, Any]:
        """What a user writes by hand: one EC2 matcher per list of regions (Teleport fills in
        the install and SSM defaults)."""
        return {
            "kind": "discovery_config",
            "version": "v1",
            "metadata": {"name": name},
            "spec": {
                "discovery_group": group,
                "aws": [{"types": ["ec2"], "regions": where} for where in regions],
            },
        }

    def get(self, name: str) -> dict[str, Any] | None:
        return self.tctl.get("discovery_config", name)

    def shape(self, name: str) -> Shape | None:
        item = self.get(name)
        if item is None:
            return None
        spec = item.get("spec") or {}
        regions = [_strings(matcher.get("regions")) for matcher in spec.get("aws") or []]
        return str(spec.get("discovery_group", "")), regions

    def settled(self, name: str, shape: Shape | None, timeout: float = 15.0) -> Shape | None:
        """The shape ``tctl get`` shows once it shows ``shape`` (``None``: gone)."""
        return settle(lambda: self.shape(name), shape, timeout)

    def seed(self, name: str, group: str, regions: list[list[str]]) -> None:
        """Created out of band (web UI, another tool)."""
        self.tctl.ok("create", document=self.document(name, group, regions))

    def edit_group(self, name: str, group: str) -> None:
        self._rewrite(name, lambda spec: spec.update(discovery_group=group))

    def edit_regions(self, name: str, index: int, regions: list[str]) -> None:
        """Matcher ``index`` now looks in ``regions``."""
        self._rewrite(name, lambda spec: spec["aws"][index].update(regions=regions))

    def _rewrite(self, name: str, change: Callable[[dict[str, Any]], None]) -> None:
        """A change made out of band the way Teleport's docs edit a resource: ``tctl get`` it,
        change the spec, ``tctl create --force`` it back (without what the server sets)."""
        item = self.get(name)
        if item is None:
            raise AssertionError(f"discovery_config/{name} is not there to edit")
        item.pop("status", None)
        for key in ("id", "revision"):
            item["metadata"].pop(key, None)
        change(item["spec"])
        self.tctl.ok("create", "--force", document=item)

    def remove(self, name: str) -> None:
        self.tctl.remove("discovery_config", name)
