"""What the real CLI reads from the plugin: `pulumi package get-schema` prints the committed
schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .harness import REPO, Harness
from .test_examples import ok

pytestmark = pytest.mark.engine


def test_pulumi_package_get_schema_prints_the_committed_schema(
    engine: Harness, tmp_path: Path
) -> None:
    launcher = REPO / "provider" / "pulumi-resource-teleport-oidc"
    printed = ok(engine.pulumi(tmp_path, "package", "get-schema", str(launcher)))
    assert json.loads(printed) == json.loads((REPO / "provider" / "schema.json").read_text())
