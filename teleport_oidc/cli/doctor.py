"""``teleport-oidc doctor``: check what AWS STS and Teleport will need, and say how to fix it.

Checks, in order: the proxy URL is one IAM accepts; the discovery document answers; its issuer
matches; ``jwks_uri`` answers with keys; the TLS chain verifies, with the thumbprint and expiry of
the certificate AWS pins; the proxy's ``/webapi/find`` names the cluster and its Teleport
version (what ``cluster_name`` defaults to). With an IAM client (boto3 and credentials), also the
account: the provider exists with the ``discover.teleport`` audience, and the role trusts it with
the right condition and Teleport's tags.

Every check that can run is reported; a failing AWS call (access denied, no network) becomes a
FAIL with its cause, after the checks already made. The proxy's own certificate expiring
within 14 days is a FAIL (the lookup only warns; here it means its renewal is not happening).
A check that passes with something worth a look is a WARN: the pinned certificate (the last one
presented, the thumbprint's) expiring within 30 days, or an expired certificate sent after the
chain that verifies. :func:`run_checks` never raises for a failed check, whatever the proxy or
AWS answers; it raises :class:`InvalidArgumentError` only for options that stop it from running
at all (``ca_bundle``, ``timeout``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from ..constants import AUDIENCE, ORIGIN, TAG_INTEGRATION, TAG_ORIGIN
from ..errors import ClusterLookupError, InvalidArgumentError, ThumbprintError
from ..lookups import fetch as _fetch
from ..lookups.answer import json_type, load_json
from ..lookups.cluster import FIND_PATH, parse_find
from ..lookups.thumbprint import (
    EXPIRY_WARNING_DAYS,
    LEAF_EXPIRY_WARNING_DAYS,
    certificate_info,
    check_options,
    discover,
    expiry_findings,
    normalise_issuer,
)
from ..rules import default_role_name, issuer_from_proxy_url
from .trust_check import evaluate_trust, trusts_provider

__all__ = ["Check", "aws_failure", "run_checks", "trusts_provider"]


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    warning: str = ""
    """For a passing check: something that will need attention (printed as WARN)."""


def run_checks(
    proxy_url: str,
    *,
    timeout: float = 10.0,
    ca_bundle: str | None = None,
    iam: Any = None,
    integration_name: str | None = None,
    role_name: str | None = None,
    fetch: Callable[..., _fetch.FetchResult] | None = None,
) -> list[Check]:
    """Run every check that applies; never raises for a failed check."""
    check_options(timeout, ca_bundle)  # InvalidArgumentError: doctor cannot run at all
    get = fetch or _fetch.https_get
    checks: list[Check] = []
    try:
        issuer_from_proxy_url(proxy_url)
        checks.append(Check("proxy URL is an IAM provider URL", True, proxy_url))
    except InvalidArgumentError as exc:
        checks.append(Check("proxy URL is an IAM provider URL", False, exc.rule, exc.fix))
    try:
        issuer, netloc = normalise_issuer(proxy_url)
    except InvalidArgumentError as exc:
        return [*checks, Check("discovery document", False, str(exc), exc.fix)]

    _proxy_checks(checks, issuer, netloc, timeout, ca_bundle, get)
    if iam is not None:
        try:
            _aws_checks(checks, iam, issuer, integration_name, role_name)
        except Exception as exc:  # botocore's errors: kept optional, so matched by module
            if not type(exc).__module__.startswith(("botocore", "boto3")):
                raise
            checks.append(aws_failure(exc))
    return checks


def _proxy_checks(
    checks: list[Check],
    issuer: str,
    netloc: str,
    timeout: float,
    ca_bundle: str | None,
    get: Callable[..., _fetch.FetchResult],
) -> None:
    """Append the checks of the proxy itself: discovery, keys, chain, expiry, cluster."""
    try:
        jwks_uri, discovery = discover(issuer, netloc, timeout, ca_bundle, get)
        checks.append(
            Check(
                "discovery document answers and its issuer matches",
                True,
                f"{issuer}/.well-known/openid-configuration",
            )
        )
    except ThumbprintError as exc:
        checks.append(
            Check(
                "discovery document answers and its issuer matches",
                False,
                str(exc),
                _thumbprint_fix(exc),
            )
        )
        return  # the proxy checks after it need the document; the account checks do not

    checks.append(_jwks_check(jwks_uri, timeout, ca_bundle, get))

    try:
        info = certificate_info(netloc, discovery.chain, check_expiry=False)
        checks.append(
            Check(
                "TLS chain verifies",
                True,
                f"thumbprint {info.thumbprint} of {info.subject} (last of "
                f"{info.chain_length} presented)",
            )
        )
        checks.extend(_expiry_checks(info))
    except ThumbprintError as exc:
        checks.append(Check("TLS chain verifies", False, str(exc), _thumbprint_fix(exc)))

    checks.append(_cluster_check(netloc, timeout, ca_bundle, get))


def _jwks_check(
    jwks_uri: str, timeout: float, ca_bundle: str | None, get: Callable[..., _fetch.FetchResult]
) -> Check:
    """``jwks_uri`` answers with a list of JSON Web Keys (objects with ``kty``), as STS needs."""
    name = "jwks_uri answers with signing keys"
    enable = "check that the proxy's OIDC identity provider is enabled"
    try:
        result = get(jwks_uri, timeout=timeout, ca_bundle=ca_bundle, step="jwks")
    except ThumbprintError as exc:
        return Check(name, False, str(exc), "check that AWS can reach jwks_uri from the internet")
    if result.status != 200:
        return Check(name, False, f"{jwks_uri} returned HTTP {result.status} without keys", enable)
    try:
        document = load_json(result.body)
    except ValueError as exc:
        return Check(
            name, False, f"{jwks_uri} did not return JSON that can be read ({exc})", enable
        )
    keys = document.get("keys") if isinstance(document, dict) else None
    if keys is None or keys == []:
        return Check(name, False, f"{jwks_uri} returned HTTP {result.status} without keys", enable)
    if not isinstance(keys, list):
        return Check(
            name,
            False,
            f"{jwks_uri} answered 'keys' as a JSON {json_type(keys)}, not a list of keys",
            "check that jwks_uri is the Teleport proxy's key set",
        )
    malformed = sum(1 for key in keys if not (isinstance(key, dict) and key.get("kty")))
    if malformed:
        return Check(
            name,
            False,
            f"{jwks_uri}: {malformed} of {len(keys)} entries of 'keys' are not JSON Web Keys "
            "(objects with a 'kty')",
            "check that jwks_uri is the Teleport proxy's key set",
        )
    return Check(name, True, f"{jwks_uri}: {len(keys)} key(s)")


def _cluster_check(
    netloc: str, timeout: float, ca_bundle: str | None, get: Callable[..., _fetch.FetchResult]
) -> Check:
    name = "proxy names its cluster and version (/webapi/find)"
    fix = "pass cluster_name=... (or enable_cluster_lookup=False) if the proxy cannot answer"
    try:
        result = get(
            f"https://{netloc}{FIND_PATH}", timeout=timeout, ca_bundle=ca_bundle, step="find"
        )
        info = parse_find(netloc, result.status, result.body)
    except ThumbprintError as exc:
        return Check(name, False, exc.detail, fix)
    except ClusterLookupError as exc:
        return Check(name, False, exc.detail, fix)
    version = info.server_version or "(version not reported)"
    return Check(name, True, f"cluster {info.cluster_name!r}, Teleport {version}")


def _thumbprint_fix(exc: ThumbprintError) -> str:
    """The fix that fits the failure (the message says what happened)."""
    text = str(exc)
    if "STS would refuse" in text:
        return "use the proxy's public_addr, exactly as Teleport reports it, as the proxy URL"
    if "pass ca_bundle=" in text:
        return (
            "a private CA: run doctor with --ca-bundle <the CA's PEM file>, and give the "
            "component ca_bundle= (or pin thumbprints=) the same way"
        )
    if "expired" in text:
        return "renew the proxy's certificate"
    return "the message above says what to check"


def _expiry_checks(info: Any) -> list[Check]:
    now = dt.datetime.now(dt.timezone.utc)
    findings = {f.about: f for f in expiry_findings(info, now)}
    leaf_end = info.leaf_not_after or info.not_after
    leaf_days = (leaf_end - now).days
    leaf = findings.get("leaf")
    pinned = findings.get("pinned")
    return [
        Check(
            f"proxy certificate valid for {LEAF_EXPIRY_WARNING_DAYS}+ days",
            leaf is None,
            f"expires {leaf_end.isoformat()} ({leaf_days} days)",
            leaf.message if leaf else "",
        ),
        Check(
            f"pinned certificate valid for {EXPIRY_WARNING_DAYS}+ days",
            True,
            f"{info.subject} expires {info.not_after.isoformat()} "
            f"({(info.not_after - now).days} days)",
            warning=pinned.message if pinned else "",
        ),
    ]


def aws_failure(exc: Exception) -> Check:
    """An AWS error (botocore's) as a FAIL with its cause and the fix that fits."""
    response = getattr(exc, "response", None) or {}
    code = str(response.get("Error", {}).get("Code", "")) if isinstance(response, dict) else ""
    cause = f"{type(exc).__name__}: {exc}"
    if code in ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation"):
        fix = (
            "let the caller run iam:ListOpenIDConnectProviders, iam:GetOpenIDConnectProvider "
            "and iam:GetRole, or skip the account checks with --no-aws"
        )
    elif code in ("InvalidClientTokenId", "ExpiredToken", "SignatureDoesNotMatch") or (
        "credentials" in type(exc).__name__.lower()
    ):
        fix = "refresh the AWS credentials (aws sts get-caller-identity), or use --no-aws"
    elif "connect" in type(exc).__name__.lower() or "Endpoint" in type(exc).__name__:
        fix = "check the network path to AWS IAM from here (proxy settings, VPN), or use --no-aws"
    else:
        fix = "see the cause; run with --no-aws to skip the AWS account checks"
    return Check("AWS account checks could run", False, cause, fix)


def _aws_checks(
    checks: list[Check],
    iam: Any,
    issuer: str,
    integration_name: str | None,
    role_name: str | None,
) -> None:
    """Append the account's checks to ``checks`` as they are made (an AWS error keeps them)."""
    host = issuer.removeprefix("https://")
    arns = [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]]
    provider_arn = next((arn for arn in arns if arn.endswith(f":oidc-provider/{host}")), None)
    if provider_arn is None:
        checks.append(
            Check(
                "IAM OIDC provider exists",
                False,
                f"no provider for {issuer}",
                "run `pulumi up`, or reuse an existing one with existing_provider_arn",
            )
        )
        return
    provider = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=provider_arn)
    has_audience = AUDIENCE in provider.get("ClientIDList", [])
    checks.append(
        Check(
            f"IAM OIDC provider has the {AUDIENCE!r} audience",
            has_audience,
            provider_arn,
            ""
            if has_audience
            else "aws iam add-client-id-to-open-id-connect-provider "
            f"--open-id-connect-provider-arn {provider_arn} --client-id {AUDIENCE}",
        )
    )
    name = role_name or (default_role_name(integration_name) if integration_name else None)
    if name is None:
        return
    try:
        role = iam.get_role(RoleName=name)["Role"]
    except Exception as exc:
        code = (getattr(exc, "response", None) or {}).get("Error", {}).get("Code")
        if code != "NoSuchEntity":
            raise
        checks.append(
            Check(
                f"IAM role {name} exists",
                False,
                f"no role named {name}",
                "run `pulumi up`, or pass --role-name",
            )
        )
        return
    document = role["AssumeRolePolicyDocument"]
    if isinstance(document, str):
        try:
            document = load_json(unquote(document).encode())
        except ValueError:
            document = None
    verdict = evaluate_trust(document, provider_arn, host)
    checks.append(
        Check(
            f"role {name} trusts the provider for {host}:aud",
            verdict.trusted,
            role["Arn"] if verdict.trusted else f"{role['Arn']}: {verdict.detail}",
            "" if verdict.trusted else "let the component manage the role",
            warning=(
                "IAM's answer also depends on the request's "
                f"{', '.join(verdict.unknown_keys)}, which doctor cannot know"
                if verdict.unknown_keys
                else ""
            ),
        )
    )
    tags = {t["Key"]: t["Value"] for t in role.get("Tags", [])}
    tagged = tags.get(TAG_ORIGIN) == ORIGIN and (
        integration_name is None or tags.get(TAG_INTEGRATION) == integration_name
    )
    checks.append(
        Check(
            f"role {name} carries Teleport's tags",
            tagged,
            ", ".join(f"{k}={v}" for k, v in sorted(tags.items())) or "no tags",
            "" if tagged else "let the component manage the role's tags",
        )
    )
