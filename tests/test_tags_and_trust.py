"""Tags (spec section 6) and the trust policy (spec section 5, Teleport's golden file)."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from teleport_oidc import InvalidArgumentError, trust_policy
from teleport_oidc.tags import merge_tags, required_tags, validate_tags

GOLDEN = Path(__file__).parent / "golden"


def test_default_trust_policy_equals_teleports_golden_file() -> None:
    expected = json.loads((GOLDEN / "trust_policy_teleport.json").read_text())
    assert trust_policy("arn:aws:iam::123456789012:oidc-provider/example.com", "example.com") == (
        expected
    )


def test_restricted_subjects_in_govcloud_match_the_golden_file() -> None:
    expected = json.loads((GOLDEN / "trust_policy_restricted_govcloud.json").read_text())
    actual = trust_policy(
        "arn:aws-us-gov:iam::123456789012:oidc-provider/teleport.example.com",
        "teleport.example.com",
        restrict_subjects=True,
    )
    assert actual == expected


def test_required_tags_are_teleports_three_plus_the_iac_marker() -> None:
    assert required_tags("cluster.example.com", "aws-prod") == {
        "teleport.dev/cluster": "cluster.example.com",
        "teleport.dev/origin": "integration_awsoidc",
        "teleport.dev/integration": "aws-prod",
        "teleport.dev/iac-tool": "pulumi",
    }


def test_required_tags_win_over_user_tags() -> None:
    merged = merge_tags(
        {"team": "infra", "teleport.dev/origin": "mine"}, required_tags("c", "aws-prod")
    )
    assert merged["teleport.dev/origin"] == "integration_awsoidc"
    assert merged["team"] == "infra"


def test_more_than_fifty_tags_in_all_are_rejected() -> None:
    user = {f"k{i}": "v" for i in range(47)}
    with pytest.raises(InvalidArgumentError, match="limit of 50"):
        merge_tags(user, required_tags("c", "n"))
    assert len(merge_tags(dict(list(user.items())[:46]), required_tags("c", "n"))) == 50


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ({"aws:owner": "x"}, "must not start with 'aws:'"),
        ({"AWS:owner": "x"}, "must not start with 'aws:'"),
        ({"k" * 129: "x"}, "1-128"),
        ({"": "x"}, "1-128"),
        ({"team": "v" * 257}, "at most 256"),
        ({"team": 7}, "at most 256"),
        ({"bad*key": "x"}, "1-128"),
        (["team"], "mapping"),
    ],
)
def test_tags_breaking_iam_rules_are_rejected(tags: object, message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        validate_tags(tags)


def test_letters_numbers_and_separators_of_any_script_are_tag_text() -> None:
    tags = {"équipe": "Zürich 東京", "team\u00a0name": "٣", "a_.:/=+-@": ""}
    assert validate_tags(tags) == tags


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ({"team": "a\tb"}, "no tabs or newlines"),
        ({"team\n": "a"}, "no tabs or newlines"),
        ({"Team": "a", "team": "b"}, "only in case"),
    ],
)
def test_tags_iam_would_refuse_or_merge_are_rejected(tags: object, message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        validate_tags(tags)


def test_a_case_variant_of_a_required_tag_is_refused_but_the_exact_key_is_overridden() -> None:
    with pytest.raises(InvalidArgumentError, match="only in case") as caught:
        merge_tags({"Teleport.dev/Cluster": "x"}, required_tags("c", "n"))
    assert caught.value.argument == "tags['Teleport.dev/Cluster']"
    assert (
        merge_tags({"teleport.dev/cluster": "x"}, required_tags("c", "n"))["teleport.dev/cluster"]
        == "c"
    )


# Every ASCII character, and a few of other scripts and categories (a no-break space, a line
# separator, a format character, a private-use one, digits of other scripts).
_SAMPLE = [chr(i) for i in range(128)] + list("é東٣\u00a0\u2028\u200b\ue000ⅻ")


@pytest.mark.parametrize("ch", _SAMPLE, ids=[f"U+{ord(c):04X}" for c in _SAMPLE])
def test_the_ascii_fast_path_of_tag_text_agrees_with_the_per_character_rule(ch: str) -> None:
    from teleport_oidc.tags import _TAG_PUNCTUATION, _is_tag_text

    per_character = ch in _TAG_PUNCTUATION or unicodedata.category(ch)[0] in "LZN"
    assert _is_tag_text(f"a{ch}b") is per_character
    assert _is_tag_text(ch * 3) is per_character


@pytest.mark.parametrize("ch", _SAMPLE, ids=[f"U+{ord(c):04X}" for c in _SAMPLE])
def test_names_refuse_exactly_the_control_characters(ch: str) -> None:
    from teleport_oidc.rules import _require_str

    if unicodedata.category(ch) == "Cc":
        with pytest.raises(InvalidArgumentError, match="control characters"):
            _require_str("name", f"a{ch}b", "fix it")
    else:
        assert _require_str("name", f"a{ch}b", "fix it") == f"a{ch}b"
