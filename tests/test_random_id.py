"""RandomId: a UUID drawn at create, never changed by an update (the installer's file name)."""

from __future__ import annotations

import re

from teleport_oidc.random_id import RandomIdProvider

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def test_create_draws_a_fresh_random_uuid_each_time() -> None:
    provider = RandomIdProvider()
    first, second = provider.create({"value": None}), provider.create({"value": None})
    assert UUID.match(first.id) and first.outs == {"value": first.id}
    assert second.id != first.id


def test_a_deployment_never_changes_the_drawn_value() -> None:
    olds = {"value": "1b4e28ba-2fa1-41d2-883f-0016d3cca427"}
    assert RandomIdProvider().diff(olds["value"], olds, {"value": None}).changes is False
