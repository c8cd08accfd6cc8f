"""The real-Teleport tier's by-design skip of a kind the node's Teleport predates."""

from __future__ import annotations

import pytest

from .teleport_tier import too_old_for


def test_a_kind_newer_than_the_node_is_skipped_naming_the_version_and_the_way_to_run_it() -> None:
    reason = too_old_for("discovery_config", 14, "Teleport v13.3.8 git: go1.26.8")
    assert reason == (
        "discovery_config arrived in Teleport v14 and this node runs Teleport v13.3.8; run it "
        "against your own v14+ binaries with TELEPORT_OIDC_TELEPORT_BIN_DIR=/path/to/bin "
        "make test-teleport"
    )


@pytest.mark.parametrize("version", ["Teleport v14.0.0 git:v14.0.0", "Teleport v18.1.4 go1.24"])
def test_a_node_as_new_as_the_kind_runs_it(version: str) -> None:
    assert too_old_for("discovery_config", 14, version) is None


def test_a_version_text_without_a_version_is_an_error_not_a_skip() -> None:
    with pytest.raises(ValueError, match="no version in ''"):
        too_old_for("discovery_config", 14, "")
