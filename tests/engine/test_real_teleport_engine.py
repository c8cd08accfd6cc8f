"""Real Teleport through the real engine: the outer test of the tier.

It re-runs ``real_teleport_engine_steps.py`` (named so that a normal collection does not pick
it up) in a fresh loopback-only network namespace (:func:`tests.netns.rerun`), where a real
Teleport node, a moto server and the real ``pulumi`` CLI run. Needs the engine (else skipped,
or failed under ``TELEPORT_OIDC_REQUIRE_ENGINE=1``) and built Teleport binaries (else skipped,
or failed under ``TELEPORT_OIDC_REQUIRE_TELEPORT=1``): ``make test-engine-teleport`` demands
both.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import netns
from tests.teleport_build import BIN_DIR_ENV
from tests.teleport_tier import REQUIRE, binaries

STEPS = Path(__file__).with_name("real_teleport_engine_steps.py")
REQUIRE_ENGINE = "TELEPORT_OIDC_REQUIRE_ENGINE"

pytestmark = [pytest.mark.engine, pytest.mark.teleport]


def test_real_teleport_through_the_real_engine(
    engine_cli: Path, request: pytest.FixtureRequest
) -> None:
    where = binaries()
    steps = str(STEPS.relative_to(netns.REPO))
    # -s: the steps print each pulumi command's wall time; shown with this test's output (-rP).
    done = netns.rerun(
        request.config,
        ["-s", steps],
        required_by=[REQUIRE, REQUIRE_ENGINE],
        env={BIN_DIR_ENV: str(where)},
    )
    print(done.output)
