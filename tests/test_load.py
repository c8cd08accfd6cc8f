"""Load: 200 integrations through the provider server and the stand-in tctl, with concurrent
creates, updates and deletes: none lost, none duplicated, final state equal to the inputs."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from .fake_teleport import FakeTeleport
from .provider_server import ProviderServer

N = 200


def role(i: int, version: int) -> str:
    return f"arn:aws:iam::123456789012:role/teleport-{i:03d}-v{version}"


def test_two_hundred_integrations_with_concurrent_updates_and_deletes(
    teleport: FakeTeleport, tmp_path: Path
) -> None:
    names = [f"aws-{i:03d}" for i in range(N)]

    def desired(i: int, version: int) -> dict[str, Any]:
        return {
            "integration_name": names[i],
            "role_arn": role(i, version),
            "audience": "",
            "labels": {},
            "adopt_existing": False,
        }

    with (
        ProviderServer(
            tmp_path / "p.log", config={"teleport-oidc:tctlPath": str(teleport.tctl)}
        ) as server,
        ThreadPoolExecutor(max_workers=8) as pool,
    ):
        created = dict(
            zip(
                range(N), pool.map(lambda i: server.up_create(desired(i, 1)), range(N)), strict=True
            )
        )
        # Then at once: update the even ones, delete every third odd one.
        updates = [i for i in range(N) if i % 2 == 0]
        deletes = [i for i in range(N) if i % 2 == 1 and i % 3 == 0]

        def update(i: int) -> Any:
            id_, outs = created[i]
            return server.up_update(id_, outs, desired(i, 2))

        def delete(i: int) -> None:
            server.delete(*created[i])

        futures = [pool.submit(update, i) for i in updates] + [
            pool.submit(delete, i) for i in deletes
        ]
        for future in futures:
            future.result()

    expected = {names[i]: role(i, 2 if i % 2 == 0 else 1) for i in range(N) if i not in deletes}
    actual = {
        name: item["spec"]["aws_oidc"]["role_arn"] for name, item in teleport.integrations().items()
    }
    assert actual == expected
    verbs = [next(a for a in c["argv"] if not a.startswith("-")) for c in teleport.calls()]
    assert (verbs.count("create"), verbs.count("rm")) == (N + len(updates), len(deletes))
