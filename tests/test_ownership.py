"""Issue 19 items 3 and 4: every Teleport resource names its owner (the Pulumi stack and URN) in
its labels. A takeover is only of what this resource itself wrote, a delete never removes what
another owner holds, state written before the labels still converges, one program cannot
declare one Teleport name twice, and two creates of one token name at once end with one
winner and one clear error."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from teleport_oidc import (
    AwsOidcIntegration,
    AwsOidcIntegrationArgs,
    DiscoveryOptions,
    InvalidArgumentError,
    TctlError,
    TeleportIntegration,
    TeleportIntegrationArgs,
    TeleportIntegrationProvider,
)
from teleport_oidc.teleport.discovery import TeleportDiscoveryConfigProvider
from teleport_oidc.teleport.resource import TctlResourceProvider
from teleport_oidc.teleport.tctl import RunResult, subprocess_runner
from teleport_oidc.teleport.token import TeleportProvisionTokenProvider

from .conftest import PROXY, THUMB, Run
from .fake_teleport import FakeTeleport
from .lifecycle import (
    CONFIG,
    OWNER_A,
    OWNER_B,
    TOKEN,
    discovery_config_inputs,
    owner_labels,
    ownership_lifecycle,
    token_inputs,
)
from .provider_server import ProviderServer, integration_inputs
from .tctl_backend import TctlBackend

ROLE = "arn:aws:iam::123456789012:role/teleport-aws-prod"
KINDS: dict[str, tuple[type[TctlResourceProvider], str, Callable[..., dict[str, Any]]]] = {
    "integration": (TeleportIntegrationProvider, "aws-prod", integration_inputs),
    "token": (TeleportProvisionTokenProvider, TOKEN, token_inputs),
    "discovery_config": (TeleportDiscoveryConfigProvider, CONFIG, discovery_config_inputs),
}


@pytest.fixture(params=sorted(KINDS))
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def server(kind: str, teleport: FakeTeleport, tmp_path: Path) -> Iterator[ProviderServer]:
    config = {"teleport-oidc:tctlPath": str(teleport.tctl)}
    with ProviderServer(tmp_path / "p.log", config=config, provider=KINDS[kind][0]()) as running:
        yield running


# -- item 3 ------------------------------------------------------------------------------------


def test_what_another_owner_holds_is_neither_taken_over_nor_deleted(
    kind: str, server: ProviderServer, teleport: FakeTeleport
) -> None:
    _, name, inputs_of = KINDS[kind]
    ownership_lifecycle(server, TctlBackend(teleport.tctl), kind, name, inputs_of)


def test_an_unlabelled_one_is_not_taken_over_silently(
    kind: str, server: ProviderServer, teleport: FakeTeleport
) -> None:
    """Exactly what this resource would create, but written by an older version, by hand or
    by other tooling: no owner label, so not provably this resource's."""
    _, name, inputs_of = KINDS[kind]
    server.up_create(inputs_of())  # no owner: what an older version wrote
    with pytest.raises(Exception, match="was not created by this resource"):
        server.up_create({**inputs_of(), "owner": OWNER_A})
    assert owner_labels(TctlBackend(teleport.tctl).get(kind, name)) is None


def test_state_written_before_ownership_labels_still_destroys_what_it_created(
    kind: str, server: ProviderServer, teleport: FakeTeleport
) -> None:
    _, name, inputs_of = KINDS[kind]
    id_, outs = server.up_create(inputs_of())
    assert "owner" not in outs
    assert server.read(id_, outs, inputs_of())[0] == name  # still this stack's
    server.delete(id_, outs)
    assert TctlBackend(teleport.tctl).get(kind, name) is None


def test_old_state_without_an_owner_previews_no_change(kind: str, server: ProviderServer) -> None:
    _, _, inputs_of = KINDS[kind]
    id_, old_outs = server.up_create(inputs_of())  # what an older version recorded
    checked = server.check(old_outs, {**inputs_of(), "owner": OWNER_A})
    diff = server.diff(id_, old_outs, checked.inputs)
    assert (diff.changes, list(diff.replaces)) == (diff.DIFF_NONE, [])


def test_an_update_keeps_the_owner_the_resource_was_created_with(
    teleport: FakeTeleport,
) -> None:
    """A rename with ``aliases`` is the same resource: its URN changes, its owner does not."""
    provider = TeleportProvisionTokenProvider()
    provider.configure(
        ConfigureRequest(Config({"teleport-oidc:tctlPath": str(teleport.tctl)}, "p"))
    )
    created = provider.create(dict(provider.check({}, {**token_inputs(), "owner": OWNER_A}).inputs))
    assert created.outs is not None
    news = dict(provider.check({}, {**token_inputs("210987654321"), "owner": OWNER_B}).inputs)
    updated = provider.update(created.id, created.outs, news)
    assert updated.outs is not None and updated.outs["owner"] == OWNER_A
    assert owner_labels(TctlBackend(teleport.tctl).get("token", TOKEN)) == OWNER_A


def test_the_owner_is_the_resources_own_urn_and_stack(run: Run) -> None:
    def program() -> None:
        AwsOidcIntegration(
            "prod",
            AwsOidcIntegrationArgs(
                proxy_url=PROXY, integration_name="aws-prod", thumbprints=[THUMB]
            ),
        )
        TeleportIntegration("alone", TeleportIntegrationArgs(integration_name="b", role_arn=ROLE))

    recorded = run(program, preview=False, project="p", stack="s")
    # The SDK's mocks put the stack's type in some URN chains, which the engine never does
    # (tests/engine/test_old_state.py checks the URN the real engine gives).
    for name in ("alone", "prod-integration"):
        resource = recorded.named(name)
        owner = resource.inputs["owner"]
        assert owner["stack"] == "p/s"
        assert owner["urn"].replace("pulumi:pulumi:Stack$", "") == resource.urn.replace(
            "pulumi:pulumi:Stack$", ""
        )
        assert owner["urn"].endswith(f"TeleportIntegration::{name}")


# -- item 4 ------------------------------------------------------------------------------------


def account(name: str, **discovery: Any) -> Callable[[], Any]:
    return lambda: AwsOidcIntegration(
        name,
        AwsOidcIntegrationArgs(
            proxy_url=PROXY,
            integration_name=f"aws-{name}",
            thumbprints=[THUMB],
            cluster_name="teleport.example.com",
            discovery=DiscoveryOptions(discovery_group="g", **discovery),
        ),
    )


def test_one_token_name_declared_twice_in_a_program_is_refused_naming_both(run: Run) -> None:
    errors: list[InvalidArgumentError] = []

    def program() -> None:
        account("a", token_name="shared")()
        try:
            account("b", token_name="shared")()
        except InvalidArgumentError as exc:
            errors.append(exc)

    recorded = run(program)
    (error,) = errors
    assert error.argument == "discovery.token_name" and error.value == "shared"
    assert "'a-discovery-token'" in str(error) and "'b-discovery-token'" in str(error)
    assert [r.name for r in recorded.resources if r.name.startswith("b-discovery")] == []


def test_one_name_on_two_clusters_or_two_names_are_not_refused(run: Run) -> None:
    def program() -> None:
        account("a", token_name="shared")()
        account("b", token_name="other")()
        TeleportIntegration(
            "x", TeleportIntegrationArgs(integration_name="aws-a", role_arn=ROLE, cluster="other")
        )

    recorded = run(program)
    assert {r.name for r in recorded.resources} >= {"a-discovery-token", "b-discovery-token", "x"}


def test_one_integration_declared_twice_in_a_program_is_refused(run: Run) -> None:
    errors: list[InvalidArgumentError] = []

    def program() -> None:
        TeleportIntegration("x", TeleportIntegrationArgs(integration_name="a", role_arn=ROLE))
        try:
            TeleportIntegration("y", TeleportIntegrationArgs(integration_name="a", role_arn=ROLE))
        except InvalidArgumentError as exc:
            errors.append(exc)

    run(program)
    (error,) = errors
    assert error.argument == "integration_name" and "'x'" in str(error) and "'y'" in str(error)


class Interleaved:
    """Runs two token creates so that B looks (``tctl get``: nothing there) before A writes,
    writes after A wrote, and A reads back after B wrote: the race ``tctl create``'s upsert
    allows."""

    def __init__(self) -> None:
        self.b_looked = threading.Event()
        self.a_wrote = threading.Event()
        self.b_wrote = threading.Event()

    def runner(self, who: str) -> Callable[..., RunResult]:
        def run(argv: Sequence[str], *, timeout: float) -> RunResult:
            writes = "create" in argv
            if writes:
                assert (self.b_looked if who == "a" else self.a_wrote).wait(30)
            result = subprocess_runner(argv, timeout=timeout)
            if who == "b":
                self.b_looked.set()
            if writes:
                (self.a_wrote if who == "a" else self.b_wrote).set()
                if who == "a":
                    assert self.b_wrote.wait(30)
            return result

        return run


def test_two_creates_of_one_token_name_at_once_end_with_one_winner_and_one_error(
    teleport: FakeTeleport,
) -> None:
    race = Interleaved()
    config = ConfigureRequest(Config({"teleport-oidc:tctlPath": str(teleport.tctl)}, "p"))
    results: dict[str, Any] = {}

    def create(who: str, owner: dict[str, str], account_id: str) -> None:
        provider = TeleportProvisionTokenProvider(race.runner(who))
        provider.configure(config)
        props = dict(provider.check({}, {**token_inputs(account_id), "owner": owner}).inputs)
        try:
            results[who] = provider.create(props)
        except TctlError as exc:
            results[who] = exc

    threads = [
        threading.Thread(target=create, args=("a", OWNER_A, "123456789012")),
        threading.Thread(target=create, args=("b", OWNER_B, "210987654321")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert isinstance(results["a"], TctlError), results
    assert "at the same time" in str(results["a"]) and OWNER_B["urn"] in str(results["a"])
    assert results["b"].id == TOKEN  # the winner
    token = TctlBackend(teleport.tctl).get("token", TOKEN)
    assert owner_labels(token) == OWNER_B
    assert token is not None and token["spec"]["allow"] == [{"aws_account": "210987654321"}]
