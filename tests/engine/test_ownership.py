"""Issue 19 item 3 through the real engine: renaming a Teleport resource without an alias makes
the engine create the new one before deleting the old one, and another stack may declare the
same one. Neither takes over what the first owner holds, so nothing is lost; an alias then
completes the rename; destroy removes it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from teleport_oidc.teleport.document import OWNER_STACK_KEY, OWNER_URN_KEY
from tests.fake_teleport import FakeTeleport

from .harness import REPO, Harness, copy_program

pytestmark = pytest.mark.engine

OLD, NEW = '"teleport-integration",', '"renamed-integration",'
ALIAS = "    opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name='teleport-integration')]),\n)\n"


def urns(engine: Harness, program: Path) -> list[str]:
    done = engine.pulumi(program, "stack", "export")
    assert done.returncode == 0, done
    return [r["urn"] for r in json.loads(done.stdout)["deployment"].get("resources") or []]


def labels(teleport: FakeTeleport) -> dict[str, str]:
    (item,) = teleport.integrations().values()
    return dict(item["metadata"]["labels"])


def test_a_rename_without_an_alias_or_another_stack_takes_nothing_over(
    engine: Harness, teleport: FakeTeleport, tmp_path: Path
) -> None:
    program = copy_program(REPO / "examples" / "bring-your-own-role", tmp_path / "program")
    assert engine.pulumi(program, "stack", "init", "test").returncode == 0
    assert engine.pulumi(program, "up", "--yes").returncode == 0
    (first,) = [u for u in urns(engine, program) if u.endswith("::teleport-integration")]
    assert labels(teleport)[OWNER_URN_KEY] == first
    assert labels(teleport)[OWNER_STACK_KEY].endswith("teleport-oidc-bring-your-own-role/test")

    # Another stack declares the same integration: refused, naming its owner.
    assert engine.pulumi(program, "stack", "init", "other").returncode == 0
    other = engine.pulumi(program, "up", "--yes")
    assert other.returncode != 0
    assert "belongs to another Pulumi resource" in other.stdout + other.stderr
    assert labels(teleport)[OWNER_URN_KEY] == first
    assert engine.pulumi(program, "stack", "select", "test").returncode == 0

    # Renamed without an alias: the engine creates the new one first; refused, nothing lost.
    main = program / "__main__.py"
    main.write_text(main.read_text().replace(OLD, NEW))
    renamed = engine.pulumi(program, "up", "--yes")
    output = renamed.stdout + renamed.stderr
    assert renamed.returncode != 0
    assert "belongs to another Pulumi resource" in output and "aliases" in output
    assert first in output and "Traceback" not in output
    assert list(teleport.integrations()) == ["aws-byo-role"]
    assert first in urns(engine, program)

    # With the alias the engine knows they are one: nothing to create or delete.
    text = main.read_text().replace("    ),\n)\n", "    ),\n" + ALIAS, 1)
    main.write_text(text)
    assert engine.pulumi(program, "up", "--yes").returncode == 0
    assert list(teleport.integrations()) == ["aws-byo-role"]
    assert labels(teleport)[OWNER_URN_KEY] == first  # the owner it was created with
    assert engine.pulumi(program, "preview", "--expect-no-changes").returncode == 0

    assert engine.pulumi(program, "destroy", "--yes").returncode == 0
    assert teleport.integrations() == {}
