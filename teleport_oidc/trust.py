"""The role's trust policy, as Teleport writes it (spec section 5)."""

from __future__ import annotations

from typing import Any

from .constants import AUDIENCE, SUBJECTS

__all__ = ["trust_policy"]


def trust_policy(
    provider_arn: str, issuer_host: str, *, restrict_subjects: bool = False
) -> dict[str, Any]:
    """The trust policy that lets Teleport assume the role with its web-identity tokens.

    With the defaults this is Teleport's own golden policy: ``sts:AssumeRoleWithWebIdentity``
    for the federated principal ``provider_arn`` when ``<issuer_host>:aud`` is
    ``discover.teleport``. The principal is the provider's ARN as given, so the partition
    (``aws``, ``aws-cn``, ``aws-us-gov``) and account come from it.

    Args:
        provider_arn: the IAM OIDC provider's ARN.
        issuer_host: the proxy host (``teleport.example.com``), which prefixes the condition keys.
        restrict_subjects: also require ``sub`` to be ``system:proxy`` or ``system:auth``,
            the only subjects Teleport uses.
    """
    string_equals: dict[str, Any] = {f"{issuer_host}:aud": AUDIENCE}
    if restrict_subjects:
        string_equals[f"{issuer_host}:sub"] = sorted(SUBJECTS)
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Principal": {"Federated": provider_arn},
                "Condition": {"StringEquals": string_equals},
            }
        ],
    }
