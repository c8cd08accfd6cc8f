"""The integration, token and discovery_config lifecycles through the SDK's provider server,
against any tctl.

Out-of-band changes are real ``tctl`` calls (``tests/tctl_backend.py``), so the same steps run
against the stand-in (fast tier) and against a real cluster (tests/real_teleport_steps.py). A new
kind adds its own function beside this one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import grpc
import pytest
from pulumi.runtime.proto import provider_pb2

from teleport_oidc.teleport.discovery import (
    AwsMatcher,
    Ec2InstallParams,
    TeleportDiscoveryConfigArgs,
    discovery_config_props,
)
from teleport_oidc.teleport.token import (
    IamAllowRule,
    TeleportProvisionTokenArgs,
    provision_token_props,
)

from .provider_server import ProviderServer, without_provider
from .provider_server import integration_inputs as inputs
from .tctl_backend import DiscoveryConfigs, Integrations, TctlBackend, Tokens, settle
from .test_already_exists import refusal

ROLE = "arn:aws:iam::123456789012:role/teleport-aws-prod"
ROLE2 = "arn:aws:iam::123456789012:role/teleport-aws-prod-v2"
SOME = provider_pb2.DiffResponse.DIFF_SOME
NONE = provider_pb2.DiffResponse.DIFF_NONE
TOKEN = "iam-join-lifecycle"
ACCOUNT, ACCOUNT2, ACCOUNT3 = "123456789012", "210987654321", "111111111111"


def removed_with_tctl_then_destroyed(
    server: ProviderServer,
    id_: str,
    outs: dict[str, Any],
    inputs: dict[str, Any],
    *,
    remove: Callable[[], None],
    gone: Callable[[], object],
) -> None:
    """The end every lifecycle shares: after ``tctl rm`` (``remove``) a refresh reads the
    resource gone; destroy, and destroy of an already-gone one, both succeed. ``gone`` is what
    the cluster shows once settled (``None``: gone)."""
    remove()
    assert gone() is None
    read_id, read, _ = server.read(id_, outs, inputs)
    assert (read_id, without_provider(read)) == ("", {})

    server.delete(id_, outs)
    server.delete(id_, outs)
    assert gone() is None


def integration_lifecycle(server: ProviderServer, cluster: Integrations) -> None:
    """create, refused second create, update, drift, gone, destroy twice."""
    # Real Teleport's reads follow writes about a second late: every check of the cluster
    # waits for it to settle (`settled`), and so does every provider call that reads first.
    # create
    id_, outs = server.up_create(inputs())
    assert (id_, cluster.settled("aws-prod", ROLE)) == ("aws-prod", ROLE)

    # a second create of the same name (another stack) is refused with our message
    with pytest.raises(grpc.RpcError) as info:
        server.up_create(inputs(role_arn=ROLE2))
    assert "adopt_existing=True" in info.value.details()
    assert "tctl rm integration/aws-prod" in info.value.details()
    assert cluster.role_arn("aws-prod") == ROLE

    # update in place
    outs = server.up_update(id_, outs, inputs(role_arn=ROLE2)) or {}
    assert (outs.get("role_arn"), cluster.settled("aws-prod", ROLE2)) == (ROLE2, ROLE2)

    # refresh after a change made with tctl: the drift is shown and the next diff wants an update
    cluster.edit_role("aws-prod", ROLE)
    assert cluster.settled("aws-prod", ROLE) == ROLE
    read_id, read_outs, read_inputs = server.read(id_, outs, inputs(role_arn=ROLE2))
    assert (read_id, read_outs["role_arn"], read_inputs["role_arn"]) == ("aws-prod", ROLE, ROLE)
    checked = server.check(read_outs, inputs(role_arn=ROLE2))
    assert server.diff(id_, read_outs, checked.inputs).changes == SOME

    removed_with_tctl_then_destroyed(
        server,
        id_,
        read_outs,
        checked.inputs,
        remove=lambda: cluster.remove("aws-prod"),
        gone=lambda: cluster.settled("aws-prod", None),
    )


def integration_adoption(server: ProviderServer, cluster: Integrations) -> None:
    """adopt_existing=True takes over one made out of band (create --force, then read back)."""
    cluster.seed("aws-adopted", ROLE2)
    assert cluster.settled("aws-adopted", ROLE2) == ROLE2
    adopted_id, adopted = server.up_create(
        inputs(integration_name="aws-adopted", adopt_existing=True)
    )
    assert adopted_id == "aws-adopted"
    assert cluster.settled("aws-adopted", ROLE) == ROLE  # Teleport holds our role now
    # ...and the provider's outputs say so (it reads the integration back after --force)
    assert adopted["role_arn"] == ROLE, adopted

    server.delete(adopted_id, adopted)
    assert cluster.settled("aws-adopted", None) is None


def token_inputs(*accounts: str, **overrides: Any) -> dict[str, Any]:
    """An IAM-join token's checked-ready inputs: one ``aws_account`` rule per account (real
    v13 tctl does not know ``aws_organization_id``)."""
    values: dict[str, Any] = {
        "name": TOKEN,
        "allow": [IamAllowRule(aws_account=a) for a in accounts or (ACCOUNT,)],
        **overrides,
    }
    props = provision_token_props(TeleportProvisionTokenArgs(**values))
    return {k: v for k, v in props.items() if v is not None}


def token_lifecycle(server: ProviderServer, tokens: Tokens) -> None:
    """create, update in place, drift made with tctl, gone after ``tctl rm``, destroy twice."""
    # create: looks first with `tctl get` (tctl create upserts tokens), then creates
    id_, outs = server.up_create(token_inputs())
    assert (id_, tokens.settled(TOKEN, [ACCOUNT])) == (TOKEN, [ACCOUNT])
    _, outs, _ = server.read(id_, outs, token_inputs())
    assert server.diff(id_, outs, server.check(outs, token_inputs()).inputs).changes == NONE

    # a second create of the same name (another stack) is refused, and nothing is overwritten
    with pytest.raises(grpc.RpcError) as info:
        server.up_create(token_inputs(ACCOUNT2))
    assert f"tctl rm token/{TOKEN}" in info.value.details()
    assert tokens.settled(TOKEN, [ACCOUNT]) == [ACCOUNT]

    # update in place
    wanted = token_inputs(ACCOUNT2, labels={"team": "infra"})
    outs = server.up_update(id_, outs, wanted) or {}
    assert [r["aws_account"] for r in outs["allow"]] == [ACCOUNT2]
    assert tokens.settled(TOKEN, [ACCOUNT2]) == [ACCOUNT2]
    assert (tokens.get(TOKEN) or {})["metadata"]["labels"]["team"] == "infra"

    # refresh after a change made with tctl: the drift is shown and the next diff wants an update
    tokens.edit_accounts(TOKEN, [ACCOUNT2, ACCOUNT3])
    assert tokens.settled(TOKEN, [ACCOUNT2, ACCOUNT3]) == [ACCOUNT2, ACCOUNT3]
    read_id, read_outs, _ = server.read(id_, outs, wanted)
    assert read_id == TOKEN
    assert [r["aws_account"] for r in read_outs["allow"]] == [ACCOUNT2, ACCOUNT3]
    checked = server.check(read_outs, wanted)
    assert server.diff(id_, read_outs, checked.inputs).changes == SOME

    removed_with_tctl_then_destroyed(
        server,
        id_,
        read_outs,
        checked.inputs,
        remove=lambda: tokens.remove(TOKEN),
        gone=lambda: tokens.settled(TOKEN, None),
    )


CONFIG, GROUP, GROUP2 = "discovery-lifecycle", "cloud-discovery-group", "prod-group"
EAST, WEST = "us-east-1", "eu-west-1"


def discovery_config_inputs(**overrides: Any) -> dict[str, Any]:
    """A discovery_config's checked-ready inputs: EC2 (installed with our token) and RDS."""
    values: dict[str, Any] = {
        "name": CONFIG,
        "discovery_group": GROUP,
        "aws": [
            AwsMatcher(types=["ec2"], regions=[EAST], install=Ec2InstallParams(join_token=TOKEN)),
            AwsMatcher(types=["rds"], regions=[EAST], tags={"env": "prod"}),
        ],
        **overrides,
    }
    props = discovery_config_props(TeleportDiscoveryConfigArgs(**values))
    return {k: v for k, v in props.items() if v is not None}


def discovery_config_lifecycle(server: ProviderServer, configs: DiscoveryConfigs) -> None:
    """create, refused second create, update in place, drift made with tctl, gone after
    ``tctl rm``, destroy twice."""
    # create; a refresh right after shows no drift (Teleport's filled-in defaults are not one)
    id_, outs = server.up_create(discovery_config_inputs())
    assert (id_, configs.settled(CONFIG, (GROUP, [[EAST], [EAST]]))) == (
        CONFIG,
        (GROUP, [[EAST], [EAST]]),
    )
    _, outs, _ = server.read(id_, outs, discovery_config_inputs())
    checked = server.check(outs, discovery_config_inputs())
    assert server.diff(id_, outs, checked.inputs).changes == NONE

    # a second create of the same name (another stack) is refused, and nothing is overwritten
    with pytest.raises(grpc.RpcError) as info:
        server.up_create(discovery_config_inputs(discovery_group=GROUP2))
    assert refusal("discovery_config", CONFIG) in info.value.details()
    assert configs.settled(CONFIG, (GROUP, [[EAST], [EAST]])) == (GROUP, [[EAST], [EAST]])

    # update in place: the group and the labels, written whole (--force)
    wanted = discovery_config_inputs(discovery_group=GROUP2, labels={"team": "infra"})
    outs = server.up_update(id_, outs, wanted) or {}
    assert (outs.get("discovery_group"), outs.get("labels")) == (GROUP2, {"team": "infra"})
    assert configs.settled(CONFIG, (GROUP2, [[EAST], [EAST]])) == (GROUP2, [[EAST], [EAST]])
    assert (configs.get(CONFIG) or {})["metadata"]["labels"]["team"] == "infra"

    # refresh after a change made with tctl: the drift is shown and the next diff wants an update
    configs.edit_regions(CONFIG, 1, [WEST])
    assert configs.settled(CONFIG, (GROUP2, [[EAST], [WEST]])) == (GROUP2, [[EAST], [WEST]])
    read_id, read_outs, _ = server.read(id_, outs, wanted)
    assert (read_id, [m["regions"] for m in read_outs["aws"]]) == (CONFIG, [[EAST], [WEST]])
    checked = server.check(read_outs, wanted)
    assert server.diff(id_, read_outs, checked.inputs).changes == SOME

    removed_with_tctl_then_destroyed(
        server,
        id_,
        read_outs,
        checked.inputs,
        remove=lambda: configs.remove(CONFIG),
        gone=lambda: configs.settled(CONFIG, None),
    )


def discovery_config_adoption(server: ProviderServer, configs: DiscoveryConfigs) -> None:
    """adopt_existing=True takes over one a user made with tctl, whole."""
    name = "discovery-adopted"
    configs.seed(name, GROUP2, [[WEST]])
    assert configs.settled(name, (GROUP2, [[WEST]])) == (GROUP2, [[WEST]])
    adopted_id, adopted = server.up_create(discovery_config_inputs(name=name, adopt_existing=True))
    assert adopted_id == name
    assert configs.settled(name, (GROUP, [[EAST], [EAST]])) == (GROUP, [[EAST], [EAST]])
    assert adopted["discovery_group"] == GROUP, adopted

    server.delete(adopted_id, adopted)
    assert configs.settled(name, None) is None


#: Two owners of one Teleport name: another resource of the same stack (a rename without an
#: alias) and the same resource in another stack.
OWNER_A = {
    "stack": "organization/teleport-oidc/dev",
    "urn": "urn:pulumi:dev::teleport-oidc::pulumi-python:dynamic/teleport-oidc:X::a",
}
OWNER_B = {**OWNER_A, "urn": OWNER_A["urn"][:-1] + "b"}
OWNER_OTHER_STACK = {**OWNER_A, "stack": "organization/teleport-oidc/prod"}


def owner_labels(item: dict[str, Any] | None) -> dict[str, str] | None:
    """The owner ``tctl get`` shows in a resource's labels (``None``: gone or no owner)."""
    labels = ((item or {}).get("metadata") or {}).get("labels") or {}
    if "teleport-oidc/urn" not in labels:
        return None
    return {"stack": labels.get("teleport-oidc/stack"), "urn": labels["teleport-oidc/urn"]}


def ownership_lifecycle(
    server: ProviderServer,
    tctl: TctlBackend,
    kind: str,
    name: str,
    inputs_of: Callable[..., dict[str, Any]],
) -> None:
    """Issue 19 item 3, as the engine runs a rename without an alias (create the new resource,
    then delete the old one) and a second stack declaring the same one: what another owner
    holds is never taken over silently and never deleted; ``adopt_existing=True`` takes it over
    by relabelling it (an integration, whose labels `--force` keeps, cannot be)."""

    def owned_by(owner: dict[str, str], **overrides: Any) -> dict[str, Any]:
        return {**inputs_of(**overrides), "owner": owner}

    def holder() -> dict[str, str] | None:
        return owner_labels(tctl.get(kind, name))

    def settled_holder(owner: dict[str, str] | None) -> dict[str, str] | None:
        return settle(holder, owner)  # real Teleport's reads follow writes ~1 s late

    id_a, outs_a = server.up_create(owned_by(OWNER_A))
    assert (outs_a["owner"], settled_holder(OWNER_A)) == (OWNER_A, OWNER_A)
    # what this resource itself wrote (a create Teleport committed, tctl did not confirm)
    assert server.up_create(owned_by(OWNER_A))[0] == id_a

    for other in (OWNER_B, OWNER_OTHER_STACK):
        with pytest.raises(grpc.RpcError) as info:
            server.up_create(owned_by(other))
        assert "belongs to another Pulumi resource" in info.value.details()
        assert OWNER_A["urn"] in info.value.details() and "aliases" in info.value.details()
    assert holder() == OWNER_A

    if kind == "integration":
        with pytest.raises(grpc.RpcError) as info:
            server.up_create(owned_by(OWNER_B, adopt_existing=True))
        assert "cannot be taken over in place" in info.value.details()
        assert holder() == OWNER_A
        server.delete(id_a, outs_a)
        assert settle(lambda: tctl.get(kind, name), None) is None
        return

    # taken over explicitly: relabelled, so the old owner's destroy leaves it
    id_b, outs_b = server.up_create(owned_by(OWNER_B, adopt_existing=True))
    assert (id_b, settled_holder(OWNER_B)) == (name, OWNER_B)
    server.delete(id_a, outs_a)
    assert holder() == OWNER_B  # still there: Teleport and B's state agree
    assert "now belongs to another Pulumi resource" in server.log.read_text()
    assert server.read(id_a, outs_a, owned_by(OWNER_A))[0] == ""  # not A's any more
    assert server.read(id_b, outs_b, owned_by(OWNER_B))[0] == name
    server.delete(id_b, outs_b)
    assert settle(lambda: tctl.get(kind, name), None) is None
