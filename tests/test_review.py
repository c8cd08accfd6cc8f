"""The pull-request review of a change (`plan --state ... --format markdown|json`, issue 21):
what access is added or removed per account and role, trust changes, Teleport changes,
replacements, warnings and the diagram; rendered by a real CommonMark/GFM renderer."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from teleport_oidc.cli.main import main
from teleport_oidc.cli.mockrun import AwsWorld
from teleport_oidc.cli.plan import plan_program
from teleport_oidc.cli.review_iam import Grant, TrustItem, grant_diff, grants, trust_items, widening

from .stack_export import write_export

REPO = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).with_name("golden") / "review"
WORLD = AwsWorld(account="210987654321", organization="o-a1b2c3d4e5f6")
ROOT_CONFIG = REPO / "Pulumi.example.yaml"


def deployed(tmp_path: Path, program: Path, *config: str) -> Path:
    """The export of `up` of ``program`` (the root stack: with its example config)."""
    config_file = ROOT_CONFIG if program == REPO else None
    plan = plan_program(program, config_file=config_file, overrides=config, world=WORLD)
    return write_export(plan.recorded, tmp_path / "state.json")


def review(
    capsys: pytest.CaptureFixture[str],
    program: Path,
    state: Path | None,
    *config: str,
    output_format: str = "markdown",
) -> str:
    args = ["plan", str(program), "--format", output_format]
    if program == REPO:
        args += ["--stack-config", str(ROOT_CONFIG)]
    if state is not None:
        args += ["--state", str(state)]
    for pair in config:
        args += ["--config", pair]
    capsys.readouterr()
    assert main(args) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def review_data(capsys: pytest.CaptureFixture[str], *args: Any, **kw: Any) -> dict[str, Any]:
    return dict(json.loads(review(capsys, *args, output_format="json", **kw))["review"])


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / f"{name}.md"
    if os.environ.get("TELEPORT_OIDC_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert path.is_file(), f"no golden {path}; run with TELEPORT_OIDC_UPDATE_GOLDEN=1 to write it"
    assert text == path.read_text()


# --- the pure parts ----------------------------------------------------------------------------


def test_a_policy_s_statements_become_one_grant_per_service() -> None:
    document = {
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["ec2:DescribeInstances", "ssm:SendCommand", "ec2:DescribeVpcs"],
                "Resource": "*",
            },
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Resource": "arn:aws:iam::*:role/member",
                "Condition": {"StringEquals": {"aws:ResourceOrgID": "o-a1b2c3d4e5f6"}},
            },
        ]
    }
    found = grants(document, "feature-x")
    assert found == [
        Grant(
            "ec2", ("ec2:DescribeInstances", "ec2:DescribeVpcs"), ("*",), "", "Allow", "feature-x"
        ),
        Grant("ssm", ("ssm:SendCommand",), ("*",), "", "Allow", "feature-x"),
        Grant(
            "sts",
            ("sts:AssumeRole",),
            ("arn:aws:iam::*:role/member",),
            '{"StringEquals":{"aws:ResourceOrgID":"o-a1b2c3d4e5f6"}}',
            "Allow",
            "feature-x",
        ),
    ]
    assert [g.wildcards for g in found] == [("*",), ("*",), ("arn:aws:iam::*:role/member",)]


def test_an_action_moved_between_two_policies_of_one_role_is_neither_added_nor_removed() -> None:
    old = [Grant("ec2", ("ec2:DescribeVpcs", "ec2:DescribeSubnets"), ("*",), feature="rds")]
    new = [
        Grant("ec2", ("ec2:DescribeSubnets",), ("*",), feature="rds"),
        Grant("ec2", ("ec2:DescribeVpcs",), ("*",), feature="eks"),
        Grant("ec2", ("ec2:CreateTags",), ("*",), feature="eks"),
    ]
    added, removed = grant_diff(new, old)
    assert added == [Grant("ec2", ("ec2:CreateTags",), ("*",), feature="eks")]
    assert removed == []


def _trust(conditions: dict[str, Any], principal: str = "arn:aws:iam::1:oidc-provider/t") -> Any:
    return trust_items(
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Principal": {"Federated": principal},
                    "Condition": {"StringEquals": conditions},
                }
            ]
        }
    )


def test_a_trust_is_widened_by_a_dropped_condition_a_value_added_or_a_new_principal() -> None:
    narrow = _trust({"t:aud": "discover.teleport", "t:sub": ["system:proxy"]})
    assert widening(narrow, narrow) == []
    assert widening(_trust({"t:aud": "discover.teleport"}), narrow) == [
        "subject restriction removed (StringEquals t:sub was system:proxy)"
    ]
    more = _trust({"t:aud": "discover.teleport", "t:sub": ["system:proxy", "system:auth"]})
    assert widening(more, narrow) == [
        "subject condition admits more (StringEquals t:sub = system:auth)"
    ]
    other = _trust(
        {"t:aud": "discover.teleport", "t:sub": ["system:proxy"]}, "arn:aws:iam::2:oidc-provider/t"
    )
    assert widening(other, narrow) == ["provider added (Federated arn:aws:iam::2:oidc-provider/t)"]
    # Narrowing is not widening; a new role is not a widened one.
    assert widening(narrow, more) == []
    assert widening(narrow, set()) == []
    assert TrustItem("subject", "StringEquals t:sub = system:proxy", "StringEquals t:sub") in narrow


# --- reviews of real changes, from the programs -------------------------------------------------


def test_without_a_state_everything_is_added(capsys: pytest.CaptureFixture[str]) -> None:
    data = review_data(capsys, REPO / "examples/basic", None)
    assert data["against_state"] is False
    assert set(data["counts"]) >= {"create"} and data["counts"]["create"] > 0
    assert sum(v for k, v in data["counts"].items() if k != "create") == 0
    (role,) = data["roles"]
    assert role["change"] == "create" and role["removed"] == [] and role["widened"] == []
    assert role["trust_added"] and not role["trust_removed"]
    assert [t["change"] for t in data["teleport"]] == ["create"]


def test_removing_the_subject_restriction_is_marked_as_a_widened_trust(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = deployed(tmp_path, REPO, "teleport-oidc:restrictSubjects=true")
    data = review_data(capsys, REPO, state, "teleport-oidc:restrictSubjects=false")
    (role,) = data["roles"]
    assert role["account"] == "210987654321"
    assert role["widened"] == [
        "subject restriction removed (StringEquals teleport.example.com:sub was system:auth, "
        "system:proxy)"
    ]
    assert {t["aspect"] for t in role["trust_removed"]} == {"subject"}
    assert role["added"] == role["removed"] == [] and data["widened_trust"] == ["teleport-role"]
    # ...and putting it back is a narrowing: nothing widened.
    state = deployed(tmp_path, REPO, "teleport-oidc:restrictSubjects=false")
    data = review_data(capsys, REPO, state, "teleport-oidc:restrictSubjects=true")
    assert data["roles"][0]["widened"] == [] and data["roles"][0]["trust_added"]


def test_enabling_a_feature_lists_its_actions_as_added_with_the_feature(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = deployed(tmp_path, REPO)
    features = '{"ec2_ssm_discovery": true, "rds": true, "aws_console_access": true}'
    data = review_data(capsys, REPO, state, f"teleport-oidc:features={features}")
    (role,) = data["roles"]
    assert {g["feature"] for g in role["added"]} == {"aws_console_access"}
    assert {g["feature"] for g in role["removed"]} == {"eks"}
    assert all(g["wildcards"] for g in role["removed"])  # eks:* on "*"
    assert {r["resource"]: r["change"] for r in data["replacements"]} == {"teleport-eks": "delete"}


def test_adding_an_account_to_organization_discovery_shows_the_new_role_and_its_access(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    program = shutil.copytree(REPO / "examples/discovery-organization", tmp_path / "program")
    state = deployed(tmp_path, program)
    main_py = program / "__main__.py"
    main_py.write_text(
        main_py.read_text().replace(
            '"prod": "333333333333"}', '"prod": "333333333333", "qa": "444444444444"}'
        )
    )
    data = review_data(capsys, program, state)
    changed = [r for r in data["roles"] if r["change"] != "same"]
    assert [(r["account"], r["change"]) for r in changed] == [("444444444444", "create")]
    (new,) = changed
    assert {g["feature"] for g in new["added"]} == {"discovery"}
    assert new["trusts"] == ["AWS arn:aws:iam::210987654321:role/teleport-aws-organization"]
    organization = [t for t in new["trust_added"] if t["aspect"] == "organization"]
    assert organization[0]["text"].endswith("= o-a1b2c3d4e5f6")


def test_changing_the_discovery_token_replaces_it_and_says_who_may_join(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    discovery = '{"discovery_group": "g", "types": ["ec2"], "regions": ["us-east-1"]}'
    state = deployed(tmp_path, REPO, f"teleport-oidc:discovery={discovery}")
    changed = (
        '{"discovery_group": "g", "types": ["ec2"], "regions": ["us-east-1", "eu-west-1"], '
        '"token_name": "ec2-join"}'
    )
    data = review_data(capsys, REPO, state, f"teleport-oidc:discovery={changed}")
    marks = {(t["kind"], t["name"]): t["change"] for t in data["teleport"]}
    assert marks[("token", "ec2-join")] == "replace"  # the same resource, a new Teleport name
    assert marks[("discovery_config", "discovery-aws-example")] == "update"
    replaced = {r["resource"]: r["forced_by"] for r in data["replacements"]}
    assert replaced == {"teleport-discovery-token": ["name"]}
    token = next(t for t in data["teleport"] if t["kind"] == "token")
    assert token["now"]["may join"] == ["account 210987654321"]
    config = next(t for t in data["teleport"] if t["kind"] == "discovery_config")
    assert config["fields"]["join token"] == {
        "added": ["ec2-join"],
        "removed": ["discovery-aws-example"],
    }
    assert "eu-west-1" in config["fields"]["matchers"]["added"][0]


# --- the Markdown ------------------------------------------------------------------------------

SCENARIOS: dict[str, tuple[Path, tuple[str, ...] | None, tuple[str, ...]]] = {
    "root-new": (REPO, None, ()),
    "root-widened-and-feature": (
        REPO,
        ("teleport-oidc:restrictSubjects=true",),
        (
            "teleport-oidc:restrictSubjects=false",
            'teleport-oidc:features={"ec2_ssm_discovery": true, "rds": true, '
            '"aws_console_access": true}',
            'teleport-oidc:integrationLabels={"env": "prod"}',
        ),
    ),
    "organization-new": (REPO / "examples/discovery-organization", None, ()),
}


def _markdown(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    program, before, after = SCENARIOS[name]
    state = None if before is None else deployed(tmp_path, program, *before)
    return review(capsys, program, state, *after)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_markdown_matches_its_golden(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    check_golden(name, _markdown(name, tmp_path, capsys))


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_a_commonmark_gfm_renderer_keeps_the_tables_and_the_mermaid_block_intact(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = _markdown(name, tmp_path, capsys)
    rendered = MarkdownIt("commonmark").enable("table").render(text)
    # Every table in the source is a table in the page, with as many rows.
    tables = re.findall(r"(?m)^\|.*\|\n\|(?:---\|)+\n((?:\|.*\|\n)+)", text)
    assert tables and rendered.count("<table>") == len(tables)
    assert rendered.count("<tr>") == sum(block.count("\n") + 1 for block in tables)
    # Every row has as many cells as its header: no pipe inside a value broke one.
    for table in re.findall(r"<table>.*?</table>", rendered, re.S):
        heads = table.count("<th>") + table.count("<th ")
        rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
        assert all(row.count("<td") == heads for row in rows)
    # The diagram reaches the page as one mermaid block, byte for byte.
    source = re.search(r"```mermaid\n(.*?)```", text, re.S)
    block = re.search(r'<pre><code class="language-mermaid">(.*?)</code></pre>', rendered, re.S)
    assert source and block and html.unescape(block.group(1)) == source.group(1)
    assert block.group(1).startswith("flowchart LR")


def test_the_json_carries_the_same_review_as_the_markdown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    program, before, after = SCENARIOS["root-widened-and-feature"]
    state = deployed(tmp_path, program, *(before or ()))
    text = review(capsys, program, state, *after)
    data = review_data(capsys, program, state, *after)
    for role in data["roles"]:
        for grant in role["added"] + role["removed"]:
            for action in grant["actions"]:
                assert f"`{action.split(':', 1)[1]}`" in text
    for reason in data["roles"][0]["widened"]:
        assert reason in text
    assert data["mermaid"] in text
    assert all(w in text for w in data["warnings"])


def test_the_readme_shows_a_review_as_the_golden_has_it() -> None:
    """The README's rendered example is the golden, its headings moved down a level or two."""
    golden = (GOLDEN / "root-widened-and-feature.md").read_text()
    shown = (
        golden.replace("## Access review", "#### Access review", 1)
        .replace("\n### ", "\n##### ")
        .replace("\n#### Account", "\n###### Account")
    )
    assert shown in (REPO / "README.md").read_text()


def test_stored_inputs_of_unexpected_shapes_are_reviewed_not_crashed_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    program = REPO / "examples/discovery-single-account"
    export = json.loads(deployed(tmp_path, program).read_text())
    read = ["labels", "allow", "aws", "policy", "assumeRolePolicy", "role_arn", "name", "role"]
    read += ["roles", "join_method", "discovery_group", "integration_name", "audience", "url"]
    for value in [5, "x", [1, {"a": None}], {"Statement": 5}, None, '{"Statement": [5]}']:
        for resource in export["deployment"]["resources"]:
            resource["inputs"] = {key: value for key in {*resource.get("inputs", {}), *read}}
            resource["outputs"] = {"arn": value, "name": value}
        state = tmp_path / "odd.json"
        state.write_text(json.dumps(export))
        for output_format in ("markdown", "json", "text"):
            assert review(capsys, program, state, output_format=output_format), value


@pytest.mark.parametrize(
    "program", [REPO, REPO / "examples/discovery-organization", REPO / "examples/basic"]
)
def test_an_unchanged_program_reviews_as_no_change_at_all(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], program: Path
) -> None:
    discovery = '{"discovery_group": "g", "types": ["ec2", "eks"], "regions": ["us-east-1"]}'
    config = (f"teleport-oidc:discovery={discovery}",) if program == REPO else ()
    state = deployed(tmp_path, program, *config)
    data = review_data(capsys, program, state, *config)
    assert {k for k, v in data["counts"].items() if v} == {"same"}
    assert all(not (r["added"] or r["removed"] or r["trust_added"]) for r in data["roles"])
    assert data["teleport"] and all(t["fields"] == {} for t in data["teleport"])
    assert "No Teleport changes." in review(capsys, program, state, *config)
