"""The dynamic provider in-process, with the runner seam: exact calls, and calls that must not
happen (none in check/diff; exactly one per create, read, update and delete)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.output import Unknown

from teleport_oidc import TctlError, TeleportIntegrationProvider
from teleport_oidc.teleport.tctl import RunResult, subprocess_runner

from .fake_teleport import FakeTeleport
from .provider_server import integration_inputs as props

ROLE = "arn:aws:iam::123456789012:role/teleport-aws-prod"
ROLE2 = "arn:aws:iam::123456789012:role/teleport-aws-prod-2"


class Recorder:
    def __init__(self) -> None:
        self.argvs: list[list[str]] = []

    def __call__(self, argv: Sequence[str], *, timeout: float) -> RunResult:
        self.argvs.append(list(argv))
        return subprocess_runner(argv, timeout=timeout)

    def commands(self) -> list[list[str]]:
        """argv without the binary and with temporary file names blanked."""
        return [
            ["FILE" if a.startswith("/tmp") or a.startswith("/var") else a for a in argv[1:]]
            for argv in self.argvs
        ]


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def provider(teleport: FakeTeleport, recorder: Recorder) -> TeleportIntegrationProvider:
    p = TeleportIntegrationProvider(runner=recorder)
    p.configure(
        ConfigureRequest(
            Config(
                {
                    "teleport-oidc:tctlPath": str(teleport.tctl),
                    "teleport-oidc:authServer": "teleport.example.com:443",
                },
                "project",
            )
        )
    )
    return p


def test_check_normalises_and_makes_no_call(
    provider: TeleportIntegrationProvider, recorder: Recorder
) -> None:
    result = provider.check({}, props(labels={"b": "1", "a": "2"}, audience=None))
    assert result.failures == []
    assert list(result.inputs["labels"]) == ["a", "b"]
    assert "audience" not in result.inputs  # a blank default is no input a preview shows
    assert recorder.argvs == []


def test_check_leaves_blank_defaults_out_and_keeps_what_says_something(
    provider: TeleportIntegrationProvider,
) -> None:
    blank = provider.check({}, props(audience="", labels={}, adopt_existing=False))
    assert sorted(blank.inputs) == ["integration_name", "role_arn"]
    given = provider.check(
        {}, props(audience="aws-identity-center", labels={"env": "prod"}, adopt_existing=True)
    )
    assert (given.inputs["audience"], given.inputs["labels"], given.inputs["adopt_existing"]) == (
        "aws-identity-center",
        {"env": "prod"},
        True,
    )


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("integration_name", "Aws.Prod", "DNS-1035"),
        ("role_arn", "arn:aws:iam::123:role/x", "12-digit"),
        ("role_arn", "arn:aws:s3:::bucket", "'iam' service"),
        ("audience", "sts", "aws-identity-center"),
        ("labels", {"a": 1}, "label names to strings"),
        ("adopt_existing", "yes", "True or False"),
        ("integration_name", None, "required"),
    ],
)
def test_check_reports_failures_per_property(
    provider: TeleportIntegrationProvider, field: str, value: Any, reason: str
) -> None:
    result = provider.check({}, props(**{field: value}))
    assert [(f.property, reason in f.reason) for f in result.failures] == [(field, True)]


def test_check_tolerates_unknown_values(provider: TeleportIntegrationProvider) -> None:
    result = provider.check({}, props(role_arn=Unknown(), integration_name=Unknown()))
    assert result.failures == []


@pytest.mark.parametrize(
    ("news", "changes", "replaces", "dbr"),
    [
        ({}, False, [], False),
        # how to reach Teleport: recorded by an update that makes no tctl call
        ({"auth_server": "other:443", "tctl_path": "/x", "identity_file": "/y"}, True, [], False),
        ({"adopt_existing": True}, False, [], False),
        ({"role_arn": ROLE2}, True, [], False),
        ({"audience": "aws-identity-center"}, True, [], False),
        ({"integration_name": "aws-prod-2"}, True, ["integration_name"], False),
        ({"labels": {"env": "prod"}}, True, ["labels"], True),
        ({"role_arn": Unknown()}, True, [], False),
    ],
)
def test_diff_decides_update_replace_or_nothing(
    provider: TeleportIntegrationProvider,
    recorder: Recorder,
    news: dict[str, Any],
    changes: bool,
    replaces: list[str],
    dbr: bool,
) -> None:
    olds = {**props(), "revision": "r1", "__provider": "x"}
    result = provider.diff("aws-prod", olds, {**props(), **news})
    assert (result.changes, result.replaces, result.delete_before_replace) == (
        changes,
        replaces,
        dbr,
    )
    assert recorder.argvs == []


def test_diff_treats_missing_old_defaults_as_equal(provider: TeleportIntegrationProvider) -> None:
    olds = {"integration_name": "aws-prod", "role_arn": ROLE}  # state from before audience/labels
    assert provider.diff("aws-prod", olds, props()).changes is False


def test_create_is_one_plain_create(
    provider: TeleportIntegrationProvider, recorder: Recorder, teleport: FakeTeleport
) -> None:
    result = provider.create(props())
    assert recorder.commands() == [["--auth-server=teleport.example.com:443", "create", "FILE"]]
    assert result.id == "aws-prod"
    assert result.outs is not None and result.outs["role_arn"] == ROLE
    assert "aws-prod" in teleport.integrations()


def test_read_is_one_get_and_returns_inputs(
    provider: TeleportIntegrationProvider, recorder: Recorder, teleport: FakeTeleport
) -> None:
    teleport.seed("aws-prod", ROLE, labels={"env": "prod"})
    result = provider.read("aws-prod", props())
    assert recorder.commands() == [
        ["--auth-server=teleport.example.com:443", "get", "integration/aws-prod", "--format=json"]
    ]
    assert result.outs is not None
    assert result.outs["revision"] == "r0"
    assert result.outs["labels"] == {"env": "prod"}
    assert result.inputs is not None and result.inputs["role_arn"] == ROLE


def test_read_of_a_gone_integration_reports_it_gone(provider: TeleportIntegrationProvider) -> None:
    result = provider.read("aws-prod", props())
    assert (result.id, result.outs) == (None, {})


def test_update_is_one_forced_create(
    provider: TeleportIntegrationProvider, recorder: Recorder, teleport: FakeTeleport
) -> None:
    teleport.seed("aws-prod", ROLE)
    result = provider.update("aws-prod", props(), props(role_arn=ROLE2))
    assert recorder.commands() == [
        ["--auth-server=teleport.example.com:443", "create", "--force", "FILE"]
    ]
    assert result.outs is not None and result.outs["role_arn"] == ROLE2
    assert teleport.integrations()["aws-prod"]["spec"]["aws_oidc"]["role_arn"] == ROLE2


def test_delete_reads_first_then_removes_and_tolerates_gone(
    provider: TeleportIntegrationProvider, recorder: Recorder, teleport: FakeTeleport
) -> None:
    provider.delete("aws-prod", props())  # gone already: the read says so, nothing to remove
    teleport.seed("aws-prod", ROLE)
    provider.delete("aws-prod", props())
    get = ["--auth-server=teleport.example.com:443", "get", "integration/aws-prod"]
    assert recorder.commands() == [
        [*get, "--format=json"],
        [*get, "--format=json"],
        ["--auth-server=teleport.example.com:443", "rm", "integration/aws-prod"],
    ]
    assert teleport.integrations() == {}


def test_create_over_an_existing_one_fails_without_adopt(
    provider: TeleportIntegrationProvider, teleport: FakeTeleport, recorder: Recorder
) -> None:
    teleport.seed("aws-prod", "arn:aws:iam::123456789012:role/theirs")
    with pytest.raises(TctlError, match="adopt_existing=True"):
        provider.create(props())
    # create, then a get to see whether it is exactly ours (it is not)
    assert [c[1:3] for c in recorder.commands()] == [
        ["create", "FILE"],
        ["get", "integration/aws-prod"],
    ]
    assert teleport.integrations()["aws-prod"]["spec"]["aws_oidc"]["role_arn"].endswith("theirs")


def test_adopt_takes_it_over_and_reports_what_teleport_holds(
    provider: TeleportIntegrationProvider, teleport: FakeTeleport, recorder: Recorder
) -> None:
    teleport.seed("aws-prod", "arn:aws:iam::123456789012:role/theirs", labels={"old": "1"})
    result = provider.create(props(adopt_existing=True, labels={"new": "2"}))
    # What --force keeps is read *before* it writes: real Teleport answers reads from a cache
    # that lags writes, so a read after --force can show the old spec.
    assert [c[1:3] for c in recorder.commands()] == [
        ["create", "FILE"],
        ["get", "integration/aws-prod"],
        ["create", "--force"],
    ]
    assert result.outs is not None
    assert result.outs["role_arn"] == ROLE
    assert result.outs["labels"] == {"old": "1"}  # --force does not apply labels: say so


def test_inputs_beat_config_for_the_connection(
    provider: TeleportIntegrationProvider, recorder: Recorder
) -> None:
    provider.read("aws-prod", props(auth_server="input.example.com:443"))
    assert recorder.argvs[0][1] == "--auth-server=input.example.com:443"


def test_the_provider_pickles_to_a_bare_reference() -> None:
    import dill

    p = TeleportIntegrationProvider(runner=Recorder())
    p._config = {"identity": "SECRET"}
    blob = dill.dumps(p)
    assert b"SECRET" not in blob and b"Recorder" not in blob
    assert type(dill.loads(blob)) is TeleportIntegrationProvider
