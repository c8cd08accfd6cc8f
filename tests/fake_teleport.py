"""Fixture helpers around the stand-in tctl (``fake_tctl.py``)."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).with_name("fake_tctl.py")


@dataclass
class FakeTeleport:
    state: Path
    tctl: Path

    @classmethod
    def create(cls, tmp: Path, version: int = 18) -> FakeTeleport:
        """``version``: the Teleport major to behave like (see ``VERSION`` in fake_tctl.py)."""
        state = tmp / "teleport"
        for folder in ("integrations", "discovery_configs", "tokens"):
            (state / folder).mkdir(parents=True)
        (state / "in_use").mkdir()
        tctl = tmp / "bin" / "tctl"
        tctl.parent.mkdir()
        tctl.write_text(
            f'#!/bin/sh\nFAKE_TCTL_STATE="{state}" FAKE_TCTL_VERSION={version} '
            f'exec "{sys.executable}" "{SCRIPT}" "$@"\n'
        )
        tctl.chmod(0o755)
        return cls(state, tctl)

    def calls(self) -> list[dict[str, Any]]:
        log = self.state / "calls.jsonl"
        return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []

    def integrations(self) -> dict[str, dict[str, Any]]:
        return {
            p.stem: json.loads(p.read_text())
            for p in sorted((self.state / "integrations").glob("*.json"))
        }

    def faults(self, **faults: Any) -> None:
        (self.state / "faults.json").write_text(json.dumps(faults))

    def require_identity(self, content: str) -> None:
        (self.state / "identity").write_text(content)

    def mark_in_use(self, name: str) -> None:
        (self.state / "in_use" / name).touch()

    def seed(self, name: str, role_arn: str, labels: dict[str, str] | None = None) -> None:
        """An integration created out of band (web UI, another tool)."""
        item: dict[str, Any] = {
            "kind": "integration",
            "sub_kind": "aws-oidc",
            "version": "v1",
            "metadata": {"name": name, "revision": "r0"},
            "spec": {"aws_oidc": {"role_arn": role_arn}},
        }
        if labels:
            item["metadata"]["labels"] = labels
        (self.state / "integrations" / f"{name}.json").write_text(json.dumps(item))

    def remove(self, name: str) -> None:
        (self.state / "integrations" / f"{name}.json").unlink()

    def edit_role(self, name: str, role_arn: str) -> None:
        path = self.state / "integrations" / f"{name}.json"
        item = json.loads(path.read_text())
        item["spec"]["aws_oidc"]["role_arn"] = role_arn
        item["metadata"]["revision"] = "edited"
        path.write_text(json.dumps(item))

    # -- any kind ------------------------------------------------------------------------------

    def resources(self, kind: str) -> dict[str, dict[str, Any]]:
        folder = self.state / _FOLDERS[kind]
        return {p.stem: json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))}

    def seed_resource(self, document: dict[str, Any]) -> None:
        """A resource created out of band, stored as given."""
        kind, name = document["kind"], document["metadata"]["name"]
        item = json.loads(json.dumps(document))
        item["metadata"].setdefault("revision", "r0")
        (self.state / _FOLDERS[kind] / f"{name}.json").write_text(json.dumps(item))

    def edit(self, kind: str, name: str, change: Any) -> None:
        """An out-of-band edit: ``change(item)`` mutates the stored item."""
        path = self.state / _FOLDERS[kind] / f"{name}.json"
        item = json.loads(path.read_text())
        change(item)
        item["metadata"]["revision"] = "edited"
        path.write_text(json.dumps(item))

    def remove_resource(self, kind: str, name: str) -> None:
        (self.state / _FOLDERS[kind] / f"{name}.json").unlink()


_FOLDERS = {
    "integration": "integrations",
    "discovery_config": "discovery_configs",
    "token": "tokens",
}
