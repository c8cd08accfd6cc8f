"""Issue #13 item 7 and issue #11 item 8: labels checked against Teleport's rule, the
``teleport.dev/iac-tool: pulumi`` label on every resource, and documents whose strings tctl's
YAML 1.1 reader reads back unchanged (PyYAML's ``safe_load`` follows YAML 1.1)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from teleport_oidc import InvalidArgumentError, TeleportIntegrationProvider
from teleport_oidc.teleport.document import IAC_LABEL_KEY, check_labels, to_yaml
from teleport_oidc.teleport.provider import integration_resource, integration_yaml

from .fake_tctl import GoLikeLoader
from .fake_teleport import FakeTeleport
from .provider_server import integration_inputs as props

ROLE = "arn:aws:iam::123456789012:role/teleport-aws-prod"

# Strings a YAML 1.1 (or 1.2) reader turns into something else when written plain.
TRICKY = [
    "y", "n", "Y", "yes", "No", "on", "OFF", "true", "False", "null", "Null", "~", "",
    "1e3", "0o17", "017", "0x1F", "0b101", "1_000", "1:20", ".inf", "-.inf", ".nan", "3.0",
    "12", "-1", "+1", "2026-01-01", "2026-01-01T00:00:00Z", "<<", "=",
    " lead", "trail ", "multi\nline", "tab\there", '"quoted"', "'single'", "#hash", "- dash",
    "? q", ": colon", "a: b", "@at", "`tick", "!tag", "&anchor", "*alias", "%percent", "{x}",
    "[x]", "|", ">", "café", "日本", "\u2028", "emoji 🙂", "back\\slash", "nul\x07bell",
]  # fmt: skip


@pytest.mark.parametrize("value", TRICKY)
def test_every_string_value_reads_back_as_the_same_string(value: str) -> None:
    doc = integration_resource("aws-prod", ROLE, "", {"v": value})
    text = integration_yaml(doc)
    assert yaml.safe_load(text) == doc
    assert yaml.load(text, Loader=GoLikeLoader) == doc


TRICKY_KEYS = ["y", "n", "on", "off", "yes", "no", "null", "true", "1e3", "0o17", "017", "12"]


@pytest.mark.parametrize("key", TRICKY_KEYS)
def test_every_label_key_reads_back_as_the_same_string(key: str) -> None:
    doc = integration_resource("aws-prod", ROLE, "", check_labels({key: "x"}))
    text = integration_yaml(doc)
    assert yaml.safe_load(text) == doc
    assert yaml.load(text, Loader=GoLikeLoader) == doc


def test_the_go_like_reader_is_stricter_than_pyyaml_where_go_is() -> None:
    assert yaml.load("a: y\nb: 0o17\n", Loader=GoLikeLoader) == {"a": True, "b": 15}


def test_plain_words_stay_readable() -> None:
    text = to_yaml({"kind": "integration", "metadata": {"name": "a"}})
    assert text == 'kind: "integration"\nmetadata:\n  name: "a"\n'


@pytest.mark.parametrize(
    "key", ["a b", "ключ", "x=y", "a,b", "tab\tkey", "new\nline", "trailing\n", "a@b", "é"]
)
def test_label_keys_teleport_refuses_are_refused_up_front(key: str) -> None:
    with pytest.raises(InvalidArgumentError, match="not a label key Teleport accepts") as got:
        check_labels({key: "v"})
    assert got.value.argument == f"labels[{key!r}]"


@pytest.mark.parametrize("key", ["env", "teleport.dev/origin", "a:b", "*", "A_B-c.d/e", "0"])
def test_label_keys_teleport_accepts_pass(key: str) -> None:
    assert check_labels({key: "v"}) == {key: "v"}


@pytest.mark.parametrize("value", ["pulumi", "terraform", ""])
def test_the_iac_tool_label_cannot_be_set_by_the_user(value: str) -> None:
    with pytest.raises(InvalidArgumentError, match="set by teleport-oidc") as got:
        check_labels({IAC_LABEL_KEY: value})
    assert got.value.argument == f"labels[{IAC_LABEL_KEY!r}]"


def test_every_integration_written_carries_the_iac_tool_label() -> None:
    assert integration_resource("a", ROLE)["metadata"]["labels"] == {IAC_LABEL_KEY: "pulumi"}
    assert integration_resource("a", ROLE, "", {"env": "prod"})["metadata"]["labels"] == {
        "env": "prod",
        IAC_LABEL_KEY: "pulumi",
    }


@pytest.fixture
def provider(teleport: FakeTeleport) -> TeleportIntegrationProvider:
    p = TeleportIntegrationProvider()
    p.configure(ConfigureRequest(Config({"teleport-oidc:tctlPath": str(teleport.tctl)}, "p")))
    return p


def test_tricky_labels_survive_a_round_trip_through_tctl(
    provider: TeleportIntegrationProvider, teleport: FakeTeleport
) -> None:
    labels = {"on": "y", "n": "1e3", "octal": "0o17", "nothing": "null", "empty": ""}
    checked = provider.check({}, props(labels=labels))
    assert checked.failures == []
    provider.create(checked.inputs)
    stored = teleport.integrations()["aws-prod"]["metadata"]["labels"]
    assert stored == {**labels, IAC_LABEL_KEY: "pulumi"}
    read = provider.read("aws-prod", checked.inputs)
    assert read.outs is not None and read.outs["labels"] == dict(sorted(labels.items()))


def test_a_removed_or_changed_iac_tool_label_shows_as_drift(
    provider: TeleportIntegrationProvider, teleport: FakeTeleport
) -> None:
    inputs = provider.check({}, props()).inputs
    provider.create(inputs)
    teleport.seed("aws-prod", ROLE, labels={IAC_LABEL_KEY: "terraform"})  # taken by another tool
    read = provider.read("aws-prod", inputs)
    assert read.outs is not None
    assert read.outs["labels"] == {IAC_LABEL_KEY: "terraform"}
    assert provider.diff("aws-prod", read.outs, inputs).replaces == ["labels"]


def test_check_reports_a_bad_label_key_per_property(provider: TeleportIntegrationProvider) -> None:
    result = provider.check({}, props(labels={"a b": "1"}))
    assert [(f.property, "label key" in f.reason) for f in result.failures] == [("labels", True)]


def test_the_stand_in_refuses_what_teleport_refuses(tmp_path: Any, teleport: FakeTeleport) -> None:
    """Unquoted YAML 1.1 scalars and bad label keys, as Teleport does."""
    import subprocess

    bad = tmp_path / "bad.yaml"
    base = "kind: integration\nsub_kind: aws-oidc\nversion: v1\n"
    spec = f"spec: {{aws_oidc: {{role_arn: {ROLE}}}}}\n"
    bad.write_text(base + "metadata: {name: ok, labels: {env: y, x: on}}\n" + spec)
    out = subprocess.run([str(teleport.tctl), "create", str(bad)], capture_output=True, text=True)
    assert out.returncode == 1 and "cannot unmarshal bool" in out.stderr
    bad.write_text(base + "metadata: {name: ok, labels: {'a b': x}}\n" + spec)
    out = subprocess.run([str(teleport.tctl), "create", str(bad)], capture_output=True, text=True)
    assert out.returncode == 1 and 'invalid label key: "a b"' in out.stderr
