"""Real Teleport through the real engine: the outer test of the tier.

It re-runs ``real_teleport_engine_steps.py`` (named so that a normal collection does not pick
it up) in a fresh loopback-only network namespace, where a real Teleport node, a moto server and
the real ``pulumi`` CLI run. Needs the engine (else skipped, or failed under
``TELEPORT_OIDC_REQUIRE_ENGINE=1``) and built Teleport binaries (else skipped, or failed under
``TELEPORT_OIDC_REQUIRE_TELEPORT=1``): ``make test-engine-teleport`` demands both.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.teleport_tier import INSIDE, rerun_in_netns

STEPS = Path(__file__).with_name("real_teleport_engine_steps.py")

pytestmark = [pytest.mark.engine, pytest.mark.teleport]


def test_real_teleport_through_the_real_engine(engine_cli: Path) -> None:
    if INSIDE:
        pytest.fail("run this from outside the namespace: it makes its own", pytrace=False)
    # -s: the steps print how long each took; shown with the outer test's output (-rP, -s).
    print(rerun_in_netns(["-s", str(STEPS)]))
