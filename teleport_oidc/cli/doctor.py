"""``teleport-oidc doctor``: check what AWS STS and Teleport will need, and say how to fix it.

Checks, in order: the proxy URL is one IAM accepts; the discovery document answers; its issuer
matches; ``jwks_uri`` answers with keys; the TLS chain verifies, with the thumbprint and expiry of
the certificate AWS pins; the proxy's ``/webapi/find`` names the cluster and its Teleport
version (what ``cluster_name`` defaults to). With an IAM client (boto3 and credentials), also the
account: the provider exists with the ``discover.teleport`` audience, and the role trusts it with
the right condition and Teleport's tags.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from ..constants import AUDIENCE, ORIGIN, TAG_INTEGRATION, TAG_ORIGIN
from ..errors import ClusterLookupError, InvalidArgumentError, ThumbprintError
from ..lookups import fetch as _fetch
from ..lookups.cluster import FIND_PATH, parse_find
from ..lookups.thumbprint import EXPIRY_WARNING_DAYS, certificate_info, discover, normalise_issuer
from ..rules import default_role_name, issuer_from_proxy_url

__all__ = ["Check", "run_checks"]


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


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
        fix = "use the proxy's public_addr" if "issuer" in str(exc) else "see the message"
        return [
            *checks,
            Check("discovery document answers and its issuer matches", False, str(exc), fix),
        ]

    try:
        result = get(jwks_uri, timeout=timeout, ca_bundle=ca_bundle, step="jwks")
        keys = json.loads(result.body).get("keys") if result.status == 200 else None
        if keys:
            checks.append(
                Check("jwks_uri answers with signing keys", True, f"{jwks_uri}: {len(keys)} key(s)")
            )
        else:
            checks.append(
                Check(
                    "jwks_uri answers with signing keys",
                    False,
                    f"{jwks_uri} returned HTTP {result.status} without keys",
                    "check that the proxy's OIDC identity provider is enabled",
                )
            )
    except (ThumbprintError, ValueError, AttributeError) as exc:
        checks.append(
            Check(
                "jwks_uri answers with signing keys",
                False,
                str(exc),
                "check that AWS can reach jwks_uri from the internet",
            )
        )

    try:
        info = certificate_info(netloc, discovery.chain)
        left = info.not_after - dt.datetime.now(dt.timezone.utc)
        checks.append(
            Check(
                "TLS chain verifies",
                True,
                f"thumbprint {info.thumbprint} of {info.subject} (last of "
                f"{info.chain_length} presented)",
            )
        )
        checks.append(
            Check(
                f"certificate valid for {EXPIRY_WARNING_DAYS}+ days",
                left.days >= EXPIRY_WARNING_DAYS,
                f"expires {info.not_after.isoformat()} ({left.days} days)",
                ""
                if left.days >= EXPIRY_WARNING_DAYS
                else "renew the chain; run `pulumi up` after",
            )
        )
    except ThumbprintError as exc:
        checks.append(Check("TLS chain verifies", False, str(exc), "see the message"))

    checks.append(_cluster_check(netloc, timeout, ca_bundle, get))
    if iam is not None:
        checks.extend(_aws_checks(iam, issuer, integration_name, role_name))
    return checks


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


def _aws_checks(
    iam: Any, issuer: str, integration_name: str | None, role_name: str | None
) -> list[Check]:
    host = issuer.removeprefix("https://")
    checks: list[Check] = []
    arns = [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]]
    provider_arn = next((arn for arn in arns if arn.endswith(f":oidc-provider/{host}")), None)
    if provider_arn is None:
        return [
            Check(
                "IAM OIDC provider exists",
                False,
                f"no provider for {issuer}",
                "run `pulumi up`, or reuse an existing one with existing_provider_arn",
            )
        ]
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
        return checks
    try:
        role = iam.get_role(RoleName=name)["Role"]
    except Exception as exc:
        return [
            *checks,
            Check(
                f"IAM role {name} exists", False, str(exc), "run `pulumi up`, or pass --role-name"
            ),
        ]
    document = role["AssumeRolePolicyDocument"]
    if isinstance(document, str):
        document = json.loads(unquote(document))
    trusted = any(
        statement.get("Principal", {}).get("Federated") == provider_arn
        and statement.get("Condition", {}).get("StringEquals", {}).get(f"{host}:aud") == AUDIENCE
        for statement in document.get("Statement", [])
    )
    checks.append(
        Check(
            f"role {name} trusts the provider for {host}:aud",
            trusted,
            role["Arn"],
            "" if trusted else "let the component manage the role",
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
    return checks
