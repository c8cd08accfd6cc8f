"""The real-Teleport tier from a normal session: its steps, re-run in a namespace of their own.

``tests/real_teleport_steps.py`` runs in a fresh loopback-only network namespace when the
binaries are built (``tests/teleport/build``) or ``TELEPORT_OIDC_TELEPORT_BIN_DIR`` points at
some; this test passes when every step passed there, and the terminal summary says how many ran.
Otherwise it is ONE skip with the reason (a failure under ``TELEPORT_OIDC_REQUIRE_TELEPORT=1``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from . import netns
from .teleport_build import BIN_DIR_ENV
from .teleport_tier import REQUIRE, binaries

pytestmark = pytest.mark.teleport
STEPS = Path(__file__).with_name("real_teleport_steps.py")


def test_the_tier_in_its_own_network_namespace(request: pytest.FixtureRequest) -> None:
    where = binaries()
    steps = str(STEPS.relative_to(netns.REPO))
    netns.rerun(request.config, [steps], required_by=[REQUIRE], env={BIN_DIR_ENV: str(where)})
