"""The IAM OIDC provider for the issuer: created (thumbprints looked up at apply time unless
pinned), or an existing one reused and checked (right URL, ``discover.teleport`` audience)."""

from __future__ import annotations

from typing import Any, NamedTuple

import pulumi
import pulumi_aws as aws

from ..args import CheckedArgs
from ..constants import AUDIENCE
from ..errors import InvalidArgumentError
from ..rules import check_provider_arn, issuer_host
from .cluster import Cluster


# A NamedTuple: immutable like a frozen dataclass, and far cheaper to define at import.
class OidcProvider(NamedTuple):
    arn: pulumi.Output[str]
    """The provider's ARN as AWS holds it (created or reused)."""
    thumbprints: pulumi.Output[Any]
    """The provider's thumbprints as IAM holds them."""
    resource: aws.iam.OpenIdConnectProvider | None
    """The created provider; ``None`` when an existing one is reused."""


def oidc_provider(
    parent: pulumi.Resource,
    name: str,
    checked: CheckedArgs,
    cluster: Cluster,
    tags: pulumi.Input[dict[str, str]],
) -> OidcProvider:
    """``<name>-provider`` with ``tags`` (gated on the boundary's check), or the existing
    provider looked up by ARN or by URL."""
    args, issuer = checked.args, cluster.issuer
    if checked.reuse is not None:
        invoke_opts = pulumi.InvokeOutputOptions(parent=parent)
        if checked.reuse == "arn":
            given = pulumi.Output.from_input(args.existing_provider_arn)
            checked_arn = pulumi.Output.all(given, issuer).apply(
                lambda v: check_provider_arn(str(v[0]), v[1])
            )
            found = aws.iam.get_open_id_connect_provider_output(arn=checked_arn, opts=invoke_opts)
            argument = "existing_provider_arn"
        else:
            found = aws.iam.get_open_id_connect_provider_output(url=issuer, opts=invoke_opts)
            argument = "the existing OIDC provider (create_oidc_provider=False)"
        arn = pulumi.Output.all(found.arn, found.url, found.client_id_lists, issuer).apply(
            lambda v: verify_reused(v[:3], v[3], argument)
        )
        return OidcProvider(arn=arn, thumbprints=found.thumbprint_lists, resource=None)

    thumbprints: Any = checked.thumbprints
    if thumbprints == "auto":
        from ..lookups import thumbprint  # loaded by the first lookup, not by pinned thumbprints

        thumbprints = thumbprint.lookup_thumbprints_output(
            issuer, timeout=args.thumbprint_timeout, ca_bundle=args.ca_bundle
        )
    provider = aws.iam.OpenIdConnectProvider(
        f"{name}-provider",
        aws.iam.OpenIdConnectProviderArgs(
            url=issuer,
            client_id_lists=[AUDIENCE],
            thumbprint_lists=thumbprints,
            tags=tags,
        ),
        opts=pulumi.ResourceOptions(parent=parent),
    )
    return OidcProvider(arn=provider.arn, thumbprints=provider.thumbprint_lists, resource=provider)


def verify_reused(found: list[Any], issuer: str, argument: str) -> str:
    """Check a looked-up provider: right URL, and the ``discover.teleport`` audience."""
    arn, url, client_ids = found
    if url is not None and url.removeprefix("https://") != issuer_host(issuer):
        raise InvalidArgumentError(
            argument,
            arn,
            f"names a provider for {url!r}, not for the issuer {issuer!r}",
            "reuse the provider whose URL is the proxy's URL",
        )
    if client_ids is not None and AUDIENCE not in client_ids:
        raise InvalidArgumentError(
            argument,
            arn,
            f"lacks the {AUDIENCE!r} audience (its client IDs: "
            f"{sorted(client_ids)}), so STS would refuse Teleport's tokens",
            "add it with `aws iam add-client-id-to-open-id-connect-provider "
            f"--open-id-connect-provider-arn {arn} --client-id {AUDIENCE}`",
        )
    return str(arn)
