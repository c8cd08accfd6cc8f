"""discovery_config and token through the SDK's provider server, in engine order, against the
stand-in tctl: the full lifecycle, drift, deletion and adoption of each kind."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from pulumi.runtime.proto import provider_pb2

from teleport_oidc.errors import TctlError
from teleport_oidc.teleport.discovery import (
    AwsMatcher,
    Ec2InstallParams,
    TeleportDiscoveryConfigArgs,
    TeleportDiscoveryConfigProvider,
    discovery_config_props,
)
from teleport_oidc.teleport.tctl import Connection, RunResult, Tctl
from teleport_oidc.teleport.token import (
    IamAllowRule,
    TeleportProvisionTokenArgs,
    TeleportProvisionTokenProvider,
    provision_token_props,
)

from .fake_teleport import FakeTeleport
from .lifecycle import discovery_config_adoption, discovery_config_lifecycle, token_lifecycle
from .provider_server import ProviderServer, without_provider
from .tctl_backend import DiscoveryConfigs, TctlBackend, Tokens

NONE, SOME = provider_pb2.DiffResponse.DIFF_NONE, provider_pb2.DiffResponse.DIFF_SOME
CONFIG = "discovery_config"
TOKEN = "token"


def config_inputs(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": "discovery-aws-prod",
        "discovery_group": "cloud-discovery-group",
        "aws": [
            AwsMatcher(
                types=["ec2"],
                integration="aws-prod",
                install=Ec2InstallParams(join_token="discovery-aws-prod"),
            ),
            AwsMatcher(types=["rds", "eks"], regions=["us-east-1"], tags={"env": "prod"}),
        ],
        "labels": {"team": "infra"},
    }
    values.update(overrides)
    props = discovery_config_props(TeleportDiscoveryConfigArgs(**values))
    return {k: v for k, v in props.items() if v is not None}


def token_inputs(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": "discovery-aws-prod",
        "allow": [IamAllowRule(aws_account="123456789012")],
    }
    values.update(overrides)
    props = provision_token_props(TeleportProvisionTokenArgs(**values))
    return {k: v for k, v in props.items() if v is not None}


def commands(teleport: FakeTeleport) -> list[str]:
    return [next(a for a in call["argv"] if not a.startswith("-")) for call in teleport.calls()]


@pytest.fixture
def configs(teleport: FakeTeleport, tmp_path: Path) -> Iterator[ProviderServer]:
    with ProviderServer(
        tmp_path / "configs.log",
        config={"teleport-oidc:tctlPath": str(teleport.tctl)},
        provider=TeleportDiscoveryConfigProvider(),
    ) as server:
        yield server


@pytest.fixture
def tokens(teleport: FakeTeleport, tmp_path: Path) -> Iterator[ProviderServer]:
    with ProviderServer(
        tmp_path / "tokens.log",
        config={"teleport-oidc:tctlPath": str(teleport.tctl)},
        provider=TeleportProvisionTokenProvider(),
    ) as server:
        yield server


# --- discovery_config ---------------------------------------------------------------------------


def test_discovery_config_whole_lifecycle(configs: ProviderServer, teleport: FakeTeleport) -> None:
    id_, outs = configs.up_create(config_inputs())
    stored = teleport.resources(CONFIG)["discovery-aws-prod"]
    assert id_ == "discovery-aws-prod"
    assert stored["metadata"]["labels"] == {"team": "infra", "teleport.dev/iac-tool": "pulumi"}
    ec2 = stored["spec"]["aws"][0]
    assert ec2["install"]["enroll_mode"] == 1  # script, not EICE, although an integration is set
    assert ec2["ssm"] == {"document_name": "AWS-RunShellScript"}
    assert commands(teleport) == ["create"]

    # a preview with nothing changed: no tctl call, no diff
    checked = configs.check(outs, config_inputs())
    assert configs.diff(id_, outs, checked.inputs).changes == NONE
    assert commands(teleport) == ["create"]

    # refresh of an untouched resource: Teleport's defaults do not show up as drift
    _, outs, _ = configs.read(id_, outs, checked.inputs)
    checked = configs.check(outs, config_inputs())
    assert configs.diff(id_, outs, checked.inputs).changes == NONE

    # labels and spec change in place: --force writes the whole resource
    news = config_inputs(discovery_group="prod-group", labels={"team": "platform"})
    checked = configs.check(outs, news)
    diff = configs.diff(id_, outs, checked.inputs)
    assert (diff.changes, list(diff.replaces)) == (SOME, [])
    outs = configs.update(id_, outs, checked.inputs)
    stored = teleport.resources(CONFIG)["discovery-aws-prod"]
    assert stored["spec"]["discovery_group"] == "prod-group"
    assert stored["metadata"]["labels"]["team"] == "platform"

    # out-of-band edit: refresh reads it back, the next diff wants to put it right
    teleport.edit(CONFIG, id_, lambda item: item["spec"]["aws"][1].update(regions=["eu-west-1"]))
    _, outs, _ = configs.read(id_, outs, checked.inputs)
    assert outs["aws"][1]["regions"] == ["eu-west-1"]
    checked = configs.check(outs, news)
    assert configs.diff(id_, outs, checked.inputs).changes == SOME

    # rename: a replacement
    checked = configs.check(outs, config_inputs(name="discovery-aws-prod-2"))
    assert list(configs.diff(id_, outs, checked.inputs).replaces) == ["name"]

    # out-of-band delete: refresh reports it gone; destroy of a gone one succeeds
    teleport.remove_resource(CONFIG, id_)
    read_id, read_outs, _ = configs.read(id_, outs, checked.inputs)
    assert (read_id, without_provider(read_outs)) == ("", {})
    configs.delete(id_, outs)
    configs.delete(id_, outs)


def test_discovery_config_destroy_removes_it(
    configs: ProviderServer, teleport: FakeTeleport
) -> None:
    id_, outs = configs.up_create(config_inputs())
    configs.delete(id_, outs)
    assert teleport.resources(CONFIG) == {}
    assert commands(teleport) == ["create", "get", "rm"]  # destroy reads first (ownership)


def test_an_existing_discovery_config_is_refused_then_adopted(
    configs: ProviderServer, teleport: FakeTeleport
) -> None:
    teleport.seed_resource(
        {
            "kind": CONFIG,
            "version": "v1",
            "metadata": {"name": "discovery-aws-prod"},
            "spec": {"discovery_group": "other", "aws": []},
        }
    )
    with pytest.raises(grpc.RpcError) as info:
        configs.up_create(config_inputs())
    assert "adopt_existing=True" in info.value.details()
    assert "tctl rm discovery_config/discovery-aws-prod" in info.value.details()
    assert teleport.resources(CONFIG)["discovery-aws-prod"]["spec"]["discovery_group"] == "other"

    configs.up_create(config_inputs(adopt_existing=True))
    adopted = teleport.resources(CONFIG)["discovery-aws-prod"]
    assert adopted["spec"]["discovery_group"] == "cloud-discovery-group"
    assert adopted["metadata"]["labels"]["teleport.dev/iac-tool"] == "pulumi"


def test_the_shared_discovery_config_lifecycle_with_changes_made_through_tctl(
    configs: ProviderServer, teleport: FakeTeleport
) -> None:
    # The same functions run against real Teleport v14+ in tests/real_teleport_steps.py.
    backend = DiscoveryConfigs(TctlBackend(teleport.tctl))
    discovery_config_lifecycle(configs, backend)
    discovery_config_adoption(configs, backend)
    assert teleport.resources(CONFIG) == {}


def test_discovery_config_check_failures_name_the_property(configs: ProviderServer) -> None:
    bad = config_inputs()
    bad["aws"] = [{"types": ["ec2", "s3"], "regions": ["*"]}]
    bad["discovery_group"] = " padded "
    checked = configs.check({}, bad)
    assert sorted(p for p, _ in checked.failures) == ["aws", "discovery_group"]
    assert any("aws[0].types[1]" in reason for _, reason in checked.failures)


def test_check_failures_name_moved_fields_as_the_python_api_does(configs: ProviderServer) -> None:
    # A value known only at apply time is checked by the provider, in its own shape
    # (``ssm.document_name``); the reason names it as the program wrote it.
    bad = config_inputs()
    bad["aws"] = [{"types": ["ec2"], "regions": ["us-east-1"], "ssm": {"document_name": "a b"}}]
    bad["access_graph"] = {"aws": [{"integration": "aws-prod", "regions": ["*"]}]}
    reasons = [reason for _, reason in configs.check({}, bad).failures]
    assert any(r.startswith("aws[0].ssm_document_name ") for r in reasons), reasons
    assert any(r.startswith("access_graph[0].regions ") for r in reasons), reasons
    assert not any("ssm.document_name" in r or "access_graph.aws" in r for r in reasons), reasons


# --- token ---------------------------------------------------------------------------------------


def test_token_whole_lifecycle(tokens: ProviderServer, teleport: FakeTeleport) -> None:
    id_, outs = tokens.up_create(token_inputs())
    stored = teleport.resources(TOKEN)["discovery-aws-prod"]
    assert stored["spec"] == {
        "roles": ["Node"],
        "join_method": "iam",
        "allow": [{"aws_account": "123456789012"}],
    }
    assert commands(teleport) == ["get", "create"]  # a plain create would overwrite: look first

    checked = tokens.check(outs, token_inputs())
    assert tokens.diff(id_, outs, checked.inputs).changes == NONE
    _, outs, _ = tokens.read(id_, outs, checked.inputs)
    checked = tokens.check(outs, token_inputs())
    assert tokens.diff(id_, outs, checked.inputs).changes == NONE

    news = token_inputs(
        allow=[IamAllowRule(aws_account="210987654321")],
        expires="2030-01-01T00:00:00Z",
        labels={"team": "infra"},
    )
    checked = tokens.check(outs, news)
    diff = tokens.diff(id_, outs, checked.inputs)
    assert (diff.changes, list(diff.replaces)) == (SOME, [])
    outs = tokens.update(id_, outs, checked.inputs)
    stored = teleport.resources(TOKEN)["discovery-aws-prod"]
    assert stored["spec"]["allow"] == [{"aws_account": "210987654321"}]
    assert stored["metadata"]["expires"] == "2030-01-01T00:00:00Z"

    teleport.edit(TOKEN, id_, lambda item: item["spec"]["allow"].append({"aws_account": "1" * 12}))
    _, outs, _ = tokens.read(id_, outs, checked.inputs)
    assert len(outs["allow"]) == 2
    checked = tokens.check(outs, news)
    assert tokens.diff(id_, outs, checked.inputs).changes == SOME

    teleport.remove_resource(TOKEN, id_)
    assert tokens.read(id_, outs, checked.inputs)[0] == ""
    tokens.delete(id_, outs)


@pytest.mark.parametrize("version", [18, 13])
def test_the_shared_token_lifecycle_with_changes_made_through_tctl(
    version: int, tmp_path: Path
) -> None:
    # The same function runs against real Teleport (v13.3.8) in tests/real_teleport_steps.py.
    teleport = FakeTeleport.create(tmp_path, version=version)
    with ProviderServer(
        tmp_path / "tokens.log",
        config={"teleport-oidc:tctlPath": str(teleport.tctl)},
        provider=TeleportProvisionTokenProvider(),
    ) as server:
        token_lifecycle(server, Tokens(TctlBackend(teleport.tctl)))


def test_the_v13_stand_in_refuses_an_organization_rule_as_real_v13_did(tmp_path: Path) -> None:
    # Real tctl v13.3.8 drops the aws_organization_id it does not know, then refuses the rule.
    tctl = TctlBackend(FakeTeleport.create(tmp_path, version=13).tctl)
    document = Tokens.document("org-token", [])
    document["spec"]["allow"] = [{"aws_organization_id": "o-abcdef1234"}]
    done = tctl.run("create", document=document)
    assert done.returncode == 1
    assert 'allow rule for "ec2" join method must set "aws_account" or "aws_arn"' in done.stderr


def test_the_v13_stand_in_has_no_discovery_config_kind_as_real_v13_had_none(
    tmp_path: Path,
) -> None:
    # What real tctl v13.3.8 answered (the kind arrived in v14); the provider passes it on.
    teleport = FakeTeleport.create(tmp_path, version=13)
    tctl = TctlBackend(teleport.tctl)
    refused = DiscoveryConfigs.document("probe", "group", [["us-east-1"]])
    done = tctl.run("create", document=refused)
    assert (done.returncode, done.stderr.split("ERROR: \x1b[0m")[-1]) == (
        1,
        'creating resources of type "discovery_config" is not supported\n\n',
    )
    for args in (("get", "discovery_config/probe"), ("rm", "discovery_config/probe")):
        done = tctl.run(*args)
        assert done.returncode == 1
        assert 'unsupported resource: "discovery_config"' in done.stderr
    with (
        ProviderServer(
            tmp_path / "configs.log",
            config={"teleport-oidc:tctlPath": str(teleport.tctl)},
            provider=TeleportDiscoveryConfigProvider(),
        ) as server,
        pytest.raises(grpc.RpcError) as info,
    ):
        server.up_create(config_inputs())
    first = info.value.details().splitlines()[0]
    assert first == (
        "TctlError: tctl create discovery_config/discovery-aws-prod failed: the Teleport "
        "cluster (or the tctl) does not know the discovery_config kind (Teleport added it in "
        "v14); upgrade Teleport and tctl to v14 or newer, or leave the discovery_config out of "
        "the program"
    ), first
    assert 'creating resources of type "discovery_config" is not supported' in info.value.details()
    assert teleport.resources(CONFIG) == {}
    # get and rm (refresh, destroy) say the same
    for call in (
        lambda: Tctl(Connection(tctl_path=str(teleport.tctl))).get(CONFIG, "probe"),
        lambda: Tctl(Connection(tctl_path=str(teleport.tctl))).remove(CONFIG, "probe"),
    ):
        with pytest.raises(TctlError, match="does not know the discovery_config kind"):
            call()


def test_an_unknown_kind_is_told_only_for_that_kind() -> None:
    other = 'ERROR: creating resources of type "integration" is not supported'
    result = RunResult(1, "", other)
    message = str(Tctl._failure("create discovery_config/x", [], result, CONFIG))
    assert "does not know" not in message
    assert "does not know the integration kind" in str(
        Tctl._failure("create integration/x", [], result, "integration")
    )


def test_an_existing_token_is_not_overwritten_unless_adopted(
    tokens: ProviderServer, teleport: FakeTeleport
) -> None:
    teleport.seed_resource(
        {
            "kind": TOKEN,
            "version": "v2",
            "metadata": {"name": "discovery-aws-prod"},
            "spec": {"roles": ["Node"], "join_method": "iam", "allow": [{"aws_account": "1" * 12}]},
        }
    )
    with pytest.raises(grpc.RpcError) as info:
        tokens.up_create(token_inputs())
    assert "tctl rm token/discovery-aws-prod" in info.value.details()
    assert commands(teleport) == ["get"]
    assert teleport.resources(TOKEN)["discovery-aws-prod"]["spec"]["allow"][0]["aws_account"] == (
        "1" * 12
    )
    tokens.up_create(token_inputs(adopt_existing=True))
    assert teleport.resources(TOKEN)["discovery-aws-prod"]["spec"]["allow"] == [
        {"aws_account": "123456789012"}
    ]


def test_a_secret_join_method_never_reaches_tctl(
    tokens: ProviderServer, teleport: FakeTeleport
) -> None:
    inputs = token_inputs()
    inputs["join_method"] = "token"
    checked = tokens.check({}, inputs)
    assert [p for p, _ in checked.failures] == ["join_method"]
    assert "does not manage secret tokens" in checked.failures[0][1]
    assert teleport.calls() == []


def test_organization_rules_round_trip(tokens: ProviderServer, teleport: FakeTeleport) -> None:
    from teleport_oidc.teleport.discovery import OrganizationalUnits

    inputs = token_inputs(
        allow=[
            IamAllowRule(
                aws_organization_id="o-abcdefghij",
                aws_organizational_units=OrganizationalUnits(include=["ou-ab12-abcdefgh"]),
            )
        ],
        integration="aws-prod",
    )
    id_, outs = tokens.up_create(inputs)
    assert teleport.resources(TOKEN)[id_]["spec"]["integration"] == "aws-prod"
    _, outs, _ = tokens.read(id_, outs, inputs)
    assert tokens.diff(id_, outs, tokens.check(outs, inputs).inputs).changes == NONE


def test_an_unconfirmed_create_is_taken_over_when_teleport_holds_exactly_it(
    configs: ProviderServer, teleport: FakeTeleport
) -> None:
    # tctl timed out after Teleport committed the create; the next up finds it, with Teleport's
    # defaults filled into every matcher, and recognises it as its own.
    teleport.faults(crash_after_create=True)
    with pytest.raises(grpc.RpcError):
        configs.up_create(config_inputs())
    teleport.faults()
    id_, _ = configs.up_create(config_inputs())
    assert id_ == "discovery-aws-prod"
    assert commands(teleport) == ["create", "create", "get"]


def test_a_token_exactly_as_wanted_is_taken_over_without_a_write(
    tokens: ProviderServer, teleport: FakeTeleport
) -> None:
    tokens.up_create(token_inputs())
    teleport.remove_resource(TOKEN, "discovery-aws-prod")
    tokens.up_create(token_inputs())
    before = commands(teleport)
    tokens.up_create(token_inputs())  # exists exactly: taken over, nothing written
    assert commands(teleport)[len(before) :] == ["get"]


def test_a_preview_with_an_unknown_organization_checks_the_rest(
    configs: ProviderServer, teleport: FakeTeleport
) -> None:
    from .provider_server import UNKNOWN_VALUE

    inputs = config_inputs()
    inputs["aws"] = [
        {
            "types": ["ec2"],
            "assume_role": {"role_name": "member"},
            "organization": {"organization_id": UNKNOWN_VALUE},
        }
    ]
    assert configs.check({}, inputs).failures == []
    inputs["discovery_group"] = ""
    assert [p for p, _ in configs.check({}, inputs).failures] == ["discovery_group"]
    assert teleport.calls() == []
