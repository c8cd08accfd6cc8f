"""The steps of the real-Teleport engine tier; run only by ``test_real_teleport_engine.py``,
inside a loopback-only namespace (``tests.teleport_tier.rerun_in_netns``).

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
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.real_teleport import CLUSTER, ISSUER, TeleportNode
from tests.tctl_backend import Integrations, TctlBackend, Tokens
from tests.teleport_tier import node_in_netns

from .harness import Harness, aws_leftovers, copy_program
from .test_examples import ok, steps
from .test_failures import EMPTY

pytestmark = [pytest.mark.engine, pytest.mark.teleport]

PROGRAM = Path(__file__).with_name("real_teleport_program")
NAME, ADOPTED, TOKEN = "aws-real", "aws-adopted", "iam-join-real"
ACCOUNT, ACCOUNT2 = "123456789012", "210987654321"
ELSEWHERE = "arn:aws:iam::123456789012:role/made-with-tctl"


class Steps:
    """``pulumi`` on one program, with the wall time of every command printed."""

    def __init__(self, engine: Harness, program: Path) -> None:
        self.engine, self.program = engine, program
        self.started = time.monotonic()

    def run(self, stack: str, *args: str, stdin: str | None = None) -> Any:
        began = time.monotonic()
        done = self.engine.pulumi(self.program, *args, "--stack", stack, stdin=stdin)
        print(f"[{time.monotonic() - began:5.1f}s] pulumi {' '.join(args)} --stack {stack}")
        return done

    def ok(self, stack: str, *args: str) -> str:
        return ok(self.run(stack, *args))

    def init(self, stack: str, **config: str) -> None:
        ok(self.engine.pulumi(self.program, "stack", "init", stack))
        self.config(stack, **config)

    def config(self, stack: str, **config: str) -> None:
        for key, value in config.items():
            ok(self.run(stack, "config", "set", key, value))

    def outputs(self, stack: str) -> dict[str, Any]:
        return dict(json.loads(self.ok(stack, "stack", "output", "--json", "--show-secrets")))

    def names(self, stack: str) -> list[str]:
        """The names of the resources the stack's state holds."""
        deployment = json.loads(self.ok(stack, "stack", "export"))["deployment"]
        return [r["urn"].rsplit("::", 1)[-1] for r in deployment.get("resources") or []]


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TeleportNode]:
    with node_in_netns(tmp_path_factory.mktemp("teleport")) as running:
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


def test_integration_and_token_through_the_real_engine(
    engine: Harness, node: TeleportNode, tmp_path: Path
) -> None:
    started = time.monotonic()
    cluster = Integrations(TctlBackend(node.tctl))
    tokens = Tokens(TctlBackend(node.tctl))
    run = Steps(engine, copy_program(PROGRAM, tmp_path / "program"))
    bundle = str(node.ca_bundle)
    run.init("one", caBundle=bundle)

    # preview: the lookups run for real, nothing is created anywhere
    preview = run.ok("one", "preview", "--diff")
    assert re.search(rf'teleport\.dev/cluster *: "{CLUSTER}"', preview), preview
    time.sleep(2.5)  # a write would show within the cache's lag
    assert (cluster.names(), tokens.get(TOKEN)) == ([], None)
    assert aws_leftovers(engine) == EMPTY

    # up: IAM in moto, the integration and the token in real Teleport
    run.ok("one", "up", "--yes")
    out = run.outputs("one")
    role = out["roleArn"]
    assert cluster.settled(NAME, role) == role
    assert tokens.settled(TOKEN, [ACCOUNT]) == [ACCOUNT]
    teleport_says = requests.get(f"{ISSUER}/webapi/thumbprint", verify=bundle, timeout=10).json()
    assert out["thumbprints"] == [teleport_says]
    iam: Any = engine.aws("iam")
    held = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=out["providerArn"])
    assert held["ThumbprintList"] == [teleport_says]
    assert (out["clusterName"], out["tags"]["teleport.dev/cluster"]) == (CLUSTER, CLUSTER)
    assert out["teleportVersion"].startswith("13."), out["teleportVersion"]
    role_tags = iam.list_role_tags(RoleName=out["roleArn"].rsplit("/", 1)[-1])["Tags"]
    assert {"Key": "teleport.dev/cluster", "Value": CLUSTER} in role_tags

    run.ok("one", "preview", "--diff", "--expect-no-changes")
    run.ok("one", "refresh", "--yes", "--expect-no-changes")

    # drift made with real tctl: refresh shows it, the next preview updates, up converges
    cluster.edit_role(NAME, ELSEWHERE)
    tokens.edit_accounts(TOKEN, [ACCOUNT2])
    assert cluster.settled(NAME, ELSEWHERE) == ELSEWHERE
    assert tokens.settled(TOKEN, [ACCOUNT2]) == [ACCOUNT2]
    refreshed = run.ok("one", "refresh", "--yes", "--diff")
    assert ELSEWHERE in refreshed and ACCOUNT2 in refreshed, refreshed
    drift = steps(run.ok("one", "preview", "--json"))
    assert drift == {"teleport-integration": "update", "join": "update"}, drift
    run.ok("one", "up", "--yes")
    assert cluster.settled(NAME, role) == role
    assert tokens.settled(TOKEN, [ACCOUNT]) == [ACCOUNT]
    run.ok("one", "preview", "--expect-no-changes")

    # `tctl rm` out of band: refresh records them gone, up re-creates them
    cluster.remove(NAME)
    tokens.remove(TOKEN)
    assert (cluster.settled(NAME, None), tokens.settled(TOKEN, None)) == (None, None)
    run.ok("one", "refresh", "--yes")
    names = run.names("one")
    assert "teleport-role" in names and not {"teleport-integration", "join"} & set(names)
    assert steps(run.ok("one", "preview", "--json")) == {
        "teleport-integration": "create",
        "join": "create",
    }
    run.ok("one", "up", "--yes")
    assert cluster.settled(NAME, role) == role
    assert tokens.settled(TOKEN, [ACCOUNT]) == [ACCOUNT]

    # a second stack creating the same integration name is refused with our message
    run.init(
        "two",
        caBundle=bundle,
        roleName="teleport-aws-real-two",
        createProvider="false",
        tokenName="",
    )
    refused = run.run("two", "up", "--yes")
    said = refused.stdout + refused.stderr
    assert refused.returncode != 0, said
    assert f"tctl rm integration/{NAME}" in said and "adopt_existing" in said, said
    no_traceback(said)
    print("the refusal:", *[line for line in said.splitlines() if "already exists" in line])
    assert cluster.settled(NAME, role) == role  # stack one's, untouched

    # adopt: stack two takes over one made out of band
    cluster.seed(ADOPTED, ELSEWHERE)
    assert cluster.settled(ADOPTED, ELSEWHERE) == ELSEWHERE
    run.config("two", integrationName=ADOPTED, adopt="true")
    run.ok("two", "up", "--yes")
    role_two = run.outputs("two")["roleArn"]
    assert role_two.endswith("/teleport-aws-real-two")
    assert cluster.settled(ADOPTED, role_two) == role_two
    run.ok("two", "preview", "--expect-no-changes")

    # destroy: stack one's integration and token are gone from real Teleport
    run.ok("one", "destroy", "--yes")
    assert (cluster.settled(NAME, None), tokens.settled(TOKEN, None)) == (None, None)
    assert cluster.settled(ADOPTED, role_two) == role_two

    # destroy of an already-gone one succeeds
    cluster.remove(ADOPTED)
    assert cluster.settled(ADOPTED, None) is None
    run.ok("two", "destroy", "--yes")

    time.sleep(2.5)
    assert cluster.names() == []
    left = json.loads(tokens.tctl.ok("get", "tokens", "--format=json").stdout or "[]")
    assert [t["metadata"]["name"] for t in left or []] == []
    assert aws_leftovers(engine) == EMPTY
    print(f"[{time.monotonic() - started:5.1f}s] the whole scenario")
