"""doctor reads the key set and the role's trust policy as STS and IAM do (issue 19 item 9): a
malformed key set is a FAIL, never a crash or a PASS; a trust policy is evaluated with IAM's
rules (explicit Deny, StringLike, ForAnyValue, every subject Teleport uses)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from teleport_oidc.cli.doctor import run_checks
from teleport_oidc.cli.main import main
from teleport_oidc.cli.trust_check import evaluate_trust, trusts_provider
from teleport_oidc.trust import trust_policy

from .tls_server import OidcServer, Pki

ARN = "arn:aws:iam::123456789012:oidc-provider/teleport.example.com"
HOST = "teleport.example.com"
KEYS = "jwks_uri answers with signing keys"


def check(checks: list[Any], name: str) -> Any:
    return next(c for c in checks if c.name == name)


# --- the key set -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b'{"keys": 5}', "answered 'keys' as a JSON number, not a list of keys"),
        (b'{"keys": "abc"}', "answered 'keys' as a JSON string, not a list of keys"),
        (b'{"keys": {"kty": "RSA"}}', "answered 'keys' as a JSON object, not a list of keys"),
        (b'{"keys": [1, 2, 3]}', "3 of 3 entries of 'keys' are not JSON Web Keys"),
        (b'{"keys": [{"kty": "RSA"}, {}]}', "1 of 2 entries of 'keys' are not JSON Web Keys"),
        (b'{"keys": []}', "without keys"),
        (b"[1]", "without keys"),
        (b"[" * 20_000, "nested too deeply"),
        (b"\xff", "did not return JSON that can be read"),
    ],
    ids=[
        "number",
        "string",
        "object",
        "list of numbers",
        "one empty key",
        "empty",
        "not an object",
        "deep nesting",
        "not UTF-8",
    ],
)
def test_a_malformed_key_set_is_a_fail_with_what_is_wrong(
    pki: Pki, capsys: pytest.CaptureFixture[str], body: bytes, detail: str
) -> None:
    with pki.serve() as server:
        server.behaviour.jwks_body = body
        keys = check(run_checks(server.url, ca_bundle=str(pki.ca_bundle)), KEYS)
        code = main(["doctor", server.url, "--ca-bundle", str(pki.ca_bundle), "--no-aws"])
    assert not keys.ok and detail in keys.detail
    out = capsys.readouterr()
    assert code == 1  # a FAIL, not "doctor could not run" (2)
    assert f"FAIL  {KEYS}" in out.out and "Traceback" not in out.err + out.out


def test_a_key_set_of_json_web_keys_passes_with_their_count(pki: Pki) -> None:
    with pki.serve() as server:
        server.behaviour.jwks_body = b'{"keys": [{"kty": "RSA"}, {"kty": "EC"}]}'
        keys = check(run_checks(server.url, ca_bundle=str(pki.ca_bundle)), KEYS)
    assert keys.ok and keys.detail.endswith(": 2 key(s)")


# --- the trust policy, as IAM evaluates it -----------------------------------------------------

ALLOW = trust_policy(ARN, HOST)["Statement"][0]


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def deny(**condition: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Sid": "NoTeleport",
        "Effect": "Deny",
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Principal": {"Federated": ARN},
    }
    if condition:
        statement["Condition"] = condition
    return statement


def allow(condition: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {**ALLOW, "Condition": condition, **fields}


TRUSTING = {
    "StringLike discover.*": policy(allow({"StringLike": {f"{HOST}:aud": "discover.*"}})),
    "StringLike discover.telepor?": policy(
        allow({"StringLike": {f"{HOST}:aud": "discover.telepor?"}})
    ),
    "ForAnyValue:StringEquals": policy(
        allow({"ForAnyValue:StringEquals": {f"{HOST}:aud": ["discover.teleport", "other"]}})
    ),
    "ForAllValues:StringLike": policy(
        allow({"ForAllValues:StringLike": {f"{HOST}:aud": "discover.*"}})
    ),
    "StringEqualsIgnoreCase": policy(
        allow({"StringEqualsIgnoreCase": {f"{HOST}:aud": "Discover.Teleport"}})
    ),
    "StringEqualsIfExists": policy(
        allow({"StringEqualsIfExists": {f"{HOST}:aud": "discover.teleport"}})
    ),
    "both subjects allowed": policy(
        allow(
            {
                "StringEquals": {f"{HOST}:aud": "discover.teleport"},
                "StringLike": {f"{HOST}:sub": "system:*"},
            }
        )
    ),
    "a Deny of another provider": policy(ALLOW, {**deny(), "Principal": {"Federated": "arn:x"}}),
    "a Deny of another audience": policy(
        ALLOW, deny(StringEquals={f"{HOST}:aud": "sts.amazonaws.com"})
    ),
    "a Deny of another action": policy(ALLOW, {**deny(), "Action": "sts:AssumeRole"}),
    "a Deny of everything but this provider": policy(
        ALLOW,
        {k: v for k, v in deny().items() if k != "Principal"}
        | {"NotPrincipal": {"Federated": ARN}},
    ),
    "Action sts:AssumeRoleWith*": policy({**ALLOW, "Action": "sts:AssumeRoleWith*"}),
    "NotAction": policy(
        {k: v for k, v in ALLOW.items() if k != "Action"} | {"NotAction": "sts:AssumeRole"}
    ),
    "StringNotEquals another audience": policy(
        allow({"StringNotEquals": {f"{HOST}:aud": "sts.amazonaws.com"}})
    ),
    "a negated condition on another provider's key": policy(
        allow(
            {
                "StringEquals": {f"{HOST}:aud": "discover.teleport"},
                "StringNotEquals": {"elsewhere.example.com:sub": "intruder"},
            }
        )
    ),
    "IfExists on another provider's key": policy(
        allow(
            {
                "StringEquals": {f"{HOST}:aud": "discover.teleport"},
                "StringEqualsIfExists": {"elsewhere.example.com:aud": "other"},
            }
        )
    ),
}


@pytest.mark.parametrize("document", TRUSTING.values(), ids=TRUSTING.keys())
def test_trust_policies_iam_lets_teleport_in_with_are_read_as_trusting(document: Any) -> None:
    verdict = evaluate_trust(document, ARN, HOST)
    assert verdict.trusted, verdict.detail


NOT_TRUSTING = {
    "an explicit Deny of the provider": (policy(ALLOW, deny()), "'NoTeleport' denies"),
    "a Deny for its audience": (
        policy(ALLOW, deny(StringLike={f"{HOST}:aud": "discover.*"})),
        "an explicit Deny wins",
    ),
    "a Deny of every principal": (
        policy(ALLOW, {**deny(), "Principal": "*"}),
        "'NoTeleport' denies",
    ),
    "a Deny of one subject": (
        policy(ALLOW, deny(StringEquals={f"{HOST}:sub": "system:auth"})),
        "sub 'system:auth'",
    ),
    "one subject only": (
        policy(
            allow(
                {
                    "StringEquals": {
                        f"{HOST}:aud": "discover.teleport",
                        f"{HOST}:sub": "system:proxy",
                    }
                }
            )
        ),
        "sub 'system:auth'",
    ),
    "StringLike of another audience": (
        policy(allow({"StringLike": {f"{HOST}:aud": "sts.*"}})),
        "no Allow statement",
    ),
    "the audience condition of another provider": (
        policy(allow({"StringEquals": {"elsewhere.example.com:aud": "discover.teleport"}})),
        "no Allow statement",
    ),
    "ForAnyValue on another provider's key": (
        policy(allow({"ForAnyValue:StringLike": {"elsewhere.example.com:amr": "*"}})),
        "no Allow statement",
    ),
    "StringNotLike its audience": (
        policy(allow({"StringNotLike": {f"{HOST}:aud": "discover.*"}})),
        "no Allow statement",
    ),
    "case differs in StringEquals": (
        policy(allow({"StringEquals": {f"{HOST}:aud": "Discover.Teleport"}})),
        "no Allow statement",
    ),
    "a NotAction that excludes it": (
        policy(
            {k: v for k, v in ALLOW.items() if k != "Action"} | {"NotAction": "sts:AssumeRoleWith*"}
        ),
        "no Allow statement",
    ),
    "no Statement": ({"Version": "2012-10-17"}, "not a JSON object with a Statement"),
}


@pytest.mark.parametrize(("document", "why"), NOT_TRUSTING.values(), ids=NOT_TRUSTING.keys())
def test_trust_policies_iam_refuses_teleport_with_are_read_as_not_trusting(
    document: Any, why: str
) -> None:
    verdict = evaluate_trust(document, ARN, HOST)
    assert not verdict.trusted
    assert why in verdict.detail
    assert not trusts_provider(document, ARN, HOST)


def test_a_condition_on_the_request_doctor_cannot_know_is_named() -> None:
    document = policy(
        allow(
            {
                "StringEquals": {f"{HOST}:aud": "discover.teleport"},
                "IpAddress": {"aws:SourceIp": "203.0.113.0/24"},
            }
        )
    )
    verdict = evaluate_trust(document, ARN, HOST)
    assert verdict.trusted and verdict.unknown_keys == ("aws:SourceIp",)


def test_doctor_fails_a_role_whose_trust_policy_denies_the_provider(
    on_443: OidcServer, pki: Pki, iam: Any
) -> None:
    arn = iam.create_open_id_connect_provider(
        Url="https://localhost", ClientIDList=["discover.teleport"]
    )["OpenIDConnectProviderArn"]
    document = trust_policy(arn, "localhost")
    document["Statement"].append(
        {
            "Sid": "NoTeleport",
            "Effect": "Deny",
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Principal": {"Federated": arn},
        }
    )
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(document))
    checks = run_checks(on_443.url, ca_bundle=str(pki.ca_bundle), iam=iam, role_name="r")
    trust = check(checks, "role r trusts the provider for localhost:aud")
    assert not trust.ok
    assert "statement 'NoTeleport' denies" in trust.detail


def test_doctor_passes_a_role_trusting_through_stringlike_and_warns_of_unknown_keys(
    on_443: OidcServer, pki: Pki, iam: Any
) -> None:
    arn = iam.create_open_id_connect_provider(
        Url="https://localhost", ClientIDList=["discover.teleport"]
    )["OpenIDConnectProviderArn"]
    statement = {
        **trust_policy(arn, "localhost")["Statement"][0],
        "Condition": {
            "StringLike": {"localhost:aud": "discover.*"},
            "Bool": {"aws:SecureTransport": "true"},
        },
    }
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(policy(statement)))
    checks = run_checks(on_443.url, ca_bundle=str(pki.ca_bundle), iam=iam, role_name="r")
    trust = check(checks, "role r trusts the provider for localhost:aud")
    assert trust.ok
    assert "aws:SecureTransport" in trust.warning
