"""The steps of the real-Teleport engine tier, run inside its loopback-only namespace.

Only ``test_real_teleport_engine.py`` runs this file (``tests.netns.rerun``).
One real Teleport v13 node (issuer ``https://localhost``), a moto server and the real ``pulumi``
CLI drive ``real_teleport_program/``. Every Teleport-side claim is checked with real ``tctl``,
whose reads follow writes about a second late (``settled`` waits for them).
"""

from __future__ import annotations

import json
import re
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.real_teleport import CLUSTER, ISSUER, TeleportNode
from tests.tctl_backend import Integrations, TctlBackend, Tokens
from tests.teleport_tier import started_node

from .harness import Harness, aws_leftovers, copy_program
from .test_examples import ok, steps
from .test_failures import EMPTY

pytestmark = [pytest.mark.engine, pytest.mark.teleport]

PROGRAM = Path(__file__).with_name("real_teleport_program")
OUTER = "tests/engine/test_real_teleport_engine.py"
NAME, ADOPTED, TOKEN = "aws-real", "aws-adopted", "iam-join-real"
ACCOUNT, ACCOUNT2 = "123456789012", "210987654321"
ELSEWHERE = "arn:aws:iam::123456789012:role/made-with-tctl"


class Steps:
    """``pulumi`` on one program, with the wall time of every command printed."""

    def __init__(self, engine: Harness, program: Path) -> None:
        self.engine, self.program = engine, program

    def run(self, stack: str, *args: str) -> Any:
        began = time.monotonic()
        done = self.engine.pulumi(self.program, *args, "--stack", stack)
        print(f"[{time.monotonic() - began:5.1f}s] pulumi {' '.join(args)} --stack {stack}")
        return done

    def ok(self, stack: str, *args: str) -> str:
        return ok(self.run(stack, *args))

    def init(self, stack: str, **config: str) -> None:
        ok(self.engine.pulumi(self.program, "stack", "init", stack))
        for key, value in config.items():
            self.ok(stack, "config", "set", key, value)

    def outputs(self, stack: str) -> dict[str, Any]:
        return dict(json.loads(self.ok(stack, "stack", "output", "--json", "--show-secrets")))

    def names(self, stack: str) -> list[str]:
        """The names of the resources the stack's state holds."""
        deployment = json.loads(self.ok(stack, "stack", "export"))["deployment"]
        return [r["urn"].rsplit("::", 1)[-1] for r in deployment.get("resources") or []]


@dataclass
class World:
    """The program's runner, the node (through its real tctl) and moto."""

    run: Steps
    node: TeleportNode
    engine: Harness

    @property
    def cluster(self) -> Integrations:
        return Integrations(TctlBackend(self.node.tctl))

    @property
    def tokens(self) -> Tokens:
        return Tokens(TctlBackend(self.node.tctl))

    @property
    def bundle(self) -> str:
        return str(self.node.ca_bundle)


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TeleportNode]:
    with started_node(tmp_path_factory.mktemp("teleport"), OUTER) as running:
        yield running


@pytest.fixture
def engine(engine_cli: Path, moto_url: str, node: TeleportNode, tmp_path: Path) -> Harness:
    request = urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST")
    urllib.request.urlopen(request, timeout=10).close()
    # No HTTPS proxy and no REQUESTS_CA_BUNDLE: the program reaches https://localhost itself,
    # trusting the node's self-signed certificate only through its own caBundle config.
    harness = Harness(root=tmp_path / "engine", cli=engine_cli, moto_url=moto_url, tctl=node.tctl)
    harness.setup()
    return harness


def no_traceback(text: str) -> None:
    assert "Traceback" not in text and 'File "' not in text, text


def preview_runs_the_lookups_and_creates_nothing(w: World) -> None:
    preview = w.run.ok("one", "preview", "--diff")
    assert re.search(rf'teleport\.dev/cluster *: "{CLUSTER}"', preview), preview
    time.sleep(2.5)  # a write would show within the auth server's cache lag
    assert (w.cluster.names(), w.tokens.get(TOKEN)) == ([], None)
    assert aws_leftovers(w.engine) == EMPTY


def up_creates_them_with_the_proxys_own_thumbprint_and_cluster(w: World) -> str:
    """Returns the role ARN the integration points at."""
    w.run.ok("one", "up", "--yes")
    out = w.run.outputs("one")
    role = str(out["roleArn"])
    assert w.cluster.settled(NAME, role) == role
    assert w.tokens.settled(TOKEN, [ACCOUNT]) == [ACCOUNT]
    teleport_says = requests.get(f"{ISSUER}/webapi/thumbprint", verify=w.bundle, timeout=10).json()
    assert out["thumbprints"] == [teleport_says]
    iam: Any = w.engine.aws("iam")
    held = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=out["providerArn"])
    assert held["ThumbprintList"] == [teleport_says]
    assert (out["clusterName"], out["tags"]["teleport.dev/cluster"]) == (CLUSTER, CLUSTER)
    assert out["teleportVersion"].startswith("13."), out["teleportVersion"]
    role_tags = iam.list_role_tags(RoleName=role.rsplit("/", 1)[-1])["Tags"]
    assert {"Key": "teleport.dev/cluster", "Value": CLUSTER} in role_tags

    w.run.ok("one", "preview", "--diff", "--expect-no-changes")
    w.run.ok("one", "refresh", "--yes", "--expect-no-changes")
    return role


def drift_made_with_tctl_is_refreshed_then_converged(w: World, role: str) -> None:
    w.cluster.edit_role(NAME, ELSEWHERE)
    w.tokens.edit_accounts(TOKEN, [ACCOUNT2])
    assert w.cluster.settled(NAME, ELSEWHERE) == ELSEWHERE
    assert w.tokens.settled(TOKEN, [ACCOUNT2]) == [ACCOUNT2]
    refreshed = w.run.ok("one", "refresh", "--yes", "--diff")
    assert ELSEWHERE in refreshed and ACCOUNT2 in refreshed, refreshed
    drift = steps(w.run.ok("one", "preview", "--json"))
    assert drift == {"teleport-integration": "update", "join": "update"}, drift
    w.run.ok("one", "up", "--yes")
    assert w.cluster.settled(NAME, role) == role
    assert w.tokens.settled(TOKEN, [ACCOUNT]) == [ACCOUNT]
    w.run.ok("one", "preview", "--expect-no-changes")


def removed_with_tctl_is_refreshed_as_gone_then_recreated(w: World, role: str) -> None:
    w.cluster.remove(NAME)
    w.tokens.remove(TOKEN)
    assert (w.cluster.settled(NAME, None), w.tokens.settled(TOKEN, None)) == (None, None)
    w.run.ok("one", "refresh", "--yes")
    names = w.run.names("one")
    assert "teleport-role" in names and not {"teleport-integration", "join"} & set(names)
    recreate = steps(w.run.ok("one", "preview", "--json"))
    assert recreate == {"teleport-integration": "create", "join": "create"}, recreate
    w.run.ok("one", "up", "--yes")
    assert w.cluster.settled(NAME, role) == role
    assert w.tokens.settled(TOKEN, [ACCOUNT]) == [ACCOUNT]


def a_second_stack_is_refused_then_adopts_one_made_out_of_band(w: World, role: str) -> str:
    """Returns the second stack's role ARN."""
    # Its own role; the provider stack one made for https://localhost, reused; no token.
    w.run.init(
        "two",
        caBundle=w.bundle,
        roleName="teleport-aws-real-two",
        createProvider="false",
        tokenName="",
    )
    refused = w.run.run("two", "up", "--yes")
    said = refused.stdout + refused.stderr
    assert refused.returncode != 0, said
    # Stack one's labels name its owner: the refusal names it (and the ways out).
    assert f"the Teleport integration {NAME!r} already exists and belongs to another" in said, said
    assert "urn:pulumi:one::" in said and "adopt_existing" in said, said
    no_traceback(said)
    print("the refusal:", *[line for line in said.splitlines() if "already exists" in line][:1])
    assert w.cluster.settled(NAME, role) == role  # stack one's, untouched

    w.cluster.seed(ADOPTED, ELSEWHERE)
    assert w.cluster.settled(ADOPTED, ELSEWHERE) == ELSEWHERE
    w.run.ok("two", "config", "set", "integrationName", ADOPTED)
    w.run.ok("two", "config", "set", "adopt", "true")
    w.run.ok("two", "up", "--yes")
    role_two = str(w.run.outputs("two")["roleArn"])
    assert role_two.endswith("/teleport-aws-real-two")
    assert w.cluster.settled(ADOPTED, role_two) == role_two
    w.run.ok("two", "preview", "--expect-no-changes")
    return role_two


def destroy_leaves_nothing_even_when_one_is_already_gone(w: World, role_two: str) -> None:
    w.run.ok("one", "destroy", "--yes")
    assert (w.cluster.settled(NAME, None), w.tokens.settled(TOKEN, None)) == (None, None)
    assert w.cluster.settled(ADOPTED, role_two) == role_two  # stack two's, untouched

    w.cluster.remove(ADOPTED)
    assert w.cluster.settled(ADOPTED, None) is None
    w.run.ok("two", "destroy", "--yes")

    time.sleep(2.5)
    assert w.cluster.names() == []
    left = json.loads(w.tokens.tctl.ok("get", "tokens", "--format=json").stdout or "[]")
    assert [t["metadata"]["name"] for t in left or []] == []
    assert aws_leftovers(w.engine) == EMPTY


def test_the_integration_and_token_live_and_die_through_the_real_engine(
    engine: Harness, node: TeleportNode, tmp_path: Path
) -> None:
    started = time.monotonic()
    w = World(Steps(engine, copy_program(PROGRAM, tmp_path / "program")), node, engine)
    w.run.init("one", caBundle=w.bundle)
    preview_runs_the_lookups_and_creates_nothing(w)
    role = up_creates_them_with_the_proxys_own_thumbprint_and_cluster(w)
    drift_made_with_tctl_is_refreshed_then_converged(w, role)
    removed_with_tctl_is_refreshed_as_gone_then_recreated(w, role)
    role_two = a_second_stack_is_refused_then_adopts_one_made_out_of_band(w, role)
    destroy_leaves_nothing_even_when_one_is_already_gone(w, role_two)
    print(f"[{time.monotonic() - started:5.1f}s] the whole scenario")
