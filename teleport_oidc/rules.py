"""Pure checks and normalisation of plain input values.

Every function raises :class:`InvalidArgumentError` naming the argument, the value, the rule and
the fix. Nothing here does I/O, and nothing here sees a ``pulumi.Output``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from .constants import PARTITIONS
from .errors import InvalidArgumentError

__all__ = [
    "Arn",
    "default_role_name",
    "issuer_from_proxy_url",
    "issuer_host",
    "parse_arn",
    "parse_https_url",
    "validate_audience",
    "validate_integration_name",
    "validate_max_session_duration",
    "validate_permissions_boundary_arn",
    "validate_role_arn",
    "validate_role_description",
    "validate_role_name",
    "validate_role_path",
    "validate_thumbprints",
]

# Every pattern is used with fullmatch(): a `$` anchor would let a trailing newline through.
_DNS_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?")
_DNS_1035 = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")
_ROLE_NAME = re.compile(r"[\w+=,.@-]{1,64}", re.ASCII)
# IAM's pathType: '/' alone, or '/' + one or more of \u0021-\u007E + '/' (so never '//').
_ROLE_PATH = re.compile(r"/|/[\x21-\x7e]+/")
_THUMBPRINT = re.compile(r"[0-9a-f]{40}")
_ACCOUNT = re.compile(r"[0-9]{12}")
_ARN = re.compile(
    r"arn:(?P<partition>[^:]*):(?P<service>[^:]*):(?P<region>[^:]*):"
    r"(?P<account>[^:]*):(?P<resource>.+)"
)
_ROLE_RESOURCE = re.compile(r"role/([\x21-\x7e]+/)?[\w+=,.@-]{1,64}", re.ASCII)
# IAM's roleDescriptionType: tab, LF, CR, printable ASCII and printable Latin-1, at most 1000.
_ROLE_DESCRIPTION = re.compile(r"[\t\n\r\x20-\x7e\xa1-\xff]{0,1000}")
#: IAM's limit on an OIDC provider URL (OpenIDConnectProviderUrlType).
MAX_PROVIDER_URL = 255
MAX_THUMBPRINTS = 5


@dataclass(frozen=True)
class Arn:
    """The parts of an ARN: ``arn:<partition>:<service>:<region>:<account>:<resource>``."""

    partition: str
    service: str
    region: str
    account: str
    resource: str


def _require_str(argument: str, value: object, fix: str) -> str:
    if not isinstance(value, str):
        raise InvalidArgumentError(argument, value, "must be a string", fix)
    if value != value.strip() or not value:
        raise InvalidArgumentError(
            argument, value, "must be non-empty with no leading or trailing whitespace", fix
        )
    # Printable text has no control character; only other text is read character by character.
    if not value.isprintable() and any(unicodedata.category(ch) == "Cc" for ch in value):
        raise InvalidArgumentError(
            argument, value, "must not contain control characters (tabs, newlines, ...)", fix
        )
    return value


def parse_https_url(url: object, argument: str, *, allow_port: bool) -> tuple[str, int | None]:
    """Split an ``https://host[:port][/]`` URL into its lower-cased host and explicit port.

    Rejects any scheme but https, userinfo, a path, query or fragment, and hosts that are not
    ASCII DNS names (IDN hosts must be given in their ``xn--`` form, which is what IAM and TLS
    certificates use). ``:443`` is returned as ``None``.
    """
    example = "e.g. 'https://teleport.example.com'"
    text = _require_str(argument, url, f"give the Teleport proxy's public URL, {example}")
    parts = urlsplit(text)
    if parts.scheme.lower() != "https" or not parts.netloc:
        raise InvalidArgumentError(
            argument,
            url,
            "must be an https:// URL (AWS only trusts HTTPS issuers)",
            f"write it as {example}",
        )
    if "@" in parts.netloc:
        raise InvalidArgumentError(
            argument, url, "must not contain a user name or password", "remove the 'user@' part"
        )
    if parts.path not in ("", "/"):
        raise InvalidArgumentError(
            argument,
            url,
            "must not contain a path (the issuer is the bare proxy address)",
            f"remove {parts.path!r}",
        )
    if parts.query or parts.fragment or text.endswith(("?", "#")):
        raise InvalidArgumentError(
            argument,
            url,
            "must not contain a query or fragment",
            "remove everything after '?' or '#'",
        )
    try:
        port = parts.port
    except ValueError:
        raise InvalidArgumentError(
            argument, url, "has an invalid port", "remove the port (the proxy must listen on 443)"
        ) from None
    host = parts.hostname or ""
    _check_host(argument, url, host)
    if port == 443:
        port = None
    if port is not None and not allow_port:
        raise InvalidArgumentError(
            argument,
            url,
            "must not contain a port (IAM rejects OIDC provider URLs with one)",
            "put the proxy's public address on port 443 and drop the port",
        )
    return host, port


def _check_host(argument: str, url: object, host: str) -> None:
    if not host:
        raise InvalidArgumentError(argument, url, "has an empty host", "write the proxy's DNS name")
    if not host.isascii():
        try:
            suggestion = host.encode("idna").decode("ascii")
        except UnicodeError:
            suggestion = "its xn-- form"
        raise InvalidArgumentError(
            argument,
            url,
            "must use an ASCII host (IAM and certificates use the IDNA form of a name)",
            f"write the host as {suggestion!r}",
        )
    labels = host.split(".")
    if len(host) > 253 or not all(
        len(label) <= 63 and _DNS_LABEL.fullmatch(label) for label in labels
    ):
        raise InvalidArgumentError(
            argument,
            url,
            "has an invalid host (DNS labels of letters, digits and '-', at most 63 each)",
            "write the proxy's DNS name",
        )


def issuer_from_proxy_url(proxy_url: object, argument: str = "proxy_url") -> str:
    """Normalise a Teleport proxy public URL to the OIDC issuer: ``https://<lower-cased host>``.

    The rule of Teleport's ``IssuerFromPublicAddress``: no path, no trailing slash, ``:443``
    dropped. Any other port is rejected, because IAM refuses provider URLs with a port.
    """
    host, _ = parse_https_url(proxy_url, argument, allow_port=False)
    issuer = f"https://{host}"
    if len(issuer) > MAX_PROVIDER_URL:
        raise InvalidArgumentError(
            argument,
            proxy_url,
            f"makes the provider URL {len(issuer)} characters long; IAM accepts at most "
            f"{MAX_PROVIDER_URL} ('https://' plus a host of at most {MAX_PROVIDER_URL - 8})",
            "use a shorter public address for the proxy",
        )
    return issuer


def issuer_host(issuer_url: str) -> str:
    """The host part of a normalised issuer URL: what the principal ARN and ``<host>:aud`` use."""
    return issuer_url.removeprefix("https://")


def validate_integration_name(name: object, argument: str = "integration_name") -> str:
    """Check Teleport's rule for ``aws-oidc`` integration names: a DNS-1035 label."""
    fix = "use lowercase letters, digits and '-', start with a letter, e.g. 'aws-prod'"
    text = _require_str(argument, name, fix)
    if len(text) > 63 or not _DNS_1035.fullmatch(text):
        raise InvalidArgumentError(
            argument,
            name,
            "must be a DNS-1035 label: lowercase letters, digits and '-', starting with a letter, "
            "ending with a letter or digit, at most 63 characters, no dots (Teleport rejects "
            "other names at create time)",
            fix,
        )
    return text


def default_role_name(integration_name: str) -> str:
    """``teleport-<integration name>``, shortened with a stable hash to IAM's 64 characters."""
    name = f"teleport-{integration_name}"
    if len(name) <= 64:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[:55]}-{digest}"


def validate_role_name(name: object, argument: str = "role_name") -> str:
    fix = "use at most 64 of letters, digits and '+=,.@_-'"
    text = _require_str(argument, name, fix)
    if not _ROLE_NAME.fullmatch(text):
        raise InvalidArgumentError(
            argument, name, "must be an IAM role name (1-64 of letters, digits and '+=,.@_-')", fix
        )
    return text


def validate_role_path(path: object, argument: str = "role_path") -> str:
    fix = "use '/' or a path that starts and ends with '/', e.g. '/teleport/'"
    text = _require_str(argument, path, fix)
    if len(text) > 512 or not _ROLE_PATH.fullmatch(text):
        raise InvalidArgumentError(
            argument,
            path,
            "must be an IAM path: '/' alone, or '/' + at least one printable ASCII character "
            "+ '/' (so not '//'), at most 512 characters",
            fix,
        )
    return text


def validate_role_description(value: object, argument: str = "role_description") -> str:
    """IAM's rule for a role description: at most 1000 of tab, LF, CR and printable Latin-1."""
    if not isinstance(value, str) or not _ROLE_DESCRIPTION.fullmatch(value):
        raise InvalidArgumentError(
            argument,
            value,
            "must be a string of at most 1000 printable Latin-1 characters, tabs or newlines "
            "(IAM's rule for role descriptions)",
            "shorten it and replace other characters (e.g. emoji, '→', non-Latin scripts)",
        )
    return value


def validate_max_session_duration(value: object, argument: str = "max_session_duration") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 3600 <= value <= 43200:
        raise InvalidArgumentError(
            argument,
            value,
            "must be a whole number of seconds from 3600 to 43200 (IAM's range)",
            "leave it unset for 3600 (one hour, the IAM default)",
        )
    return value


def parse_arn(value: object, argument: str, *, service: str, what: str, example: str) -> Arn:
    """Parse an ARN of ``service`` in one of the supported partitions with a 12-digit account."""
    fix = f"give the ARN of {what}, e.g. {example!r}"
    text = _require_str(argument, value, fix)
    match = _ARN.fullmatch(text)
    if not match:
        raise InvalidArgumentError(argument, value, f"must be an ARN of {what}", fix)
    arn = Arn(**match.groupdict())
    if arn.partition not in PARTITIONS:
        raise InvalidArgumentError(
            argument,
            value,
            f"has an unknown partition {arn.partition!r} (known: {', '.join(PARTITIONS)})",
            fix,
        )
    if arn.service != service:
        raise InvalidArgumentError(
            argument, value, f"must be an ARN of the {service!r} service, not {arn.service!r}", fix
        )
    if service == "s3":  # bucket ARNs carry neither region nor account
        if arn.region or arn.account or not arn.resource:
            raise InvalidArgumentError(
                argument, value, "must be arn:<partition>:s3:::<bucket>", fix
            )
        return arn
    if not _ACCOUNT.fullmatch(arn.account) and not (service == "iam" and arn.account == "aws"):
        raise InvalidArgumentError(argument, value, "must hold a 12-digit AWS account ID", fix)
    return arn


def validate_role_arn(value: object, argument: str = "role_arn") -> Arn:
    """An IAM role ARN: ``arn:<partition>:iam::<12 digits>:role/<path><name>``."""
    example = "arn:aws:iam::123456789012:role/teleport-aws-prod"
    arn = parse_arn(value, argument, service="iam", what="an IAM role", example=example)
    if arn.account == "aws" or arn.region or not _ROLE_RESOURCE.fullmatch(arn.resource):
        raise InvalidArgumentError(
            argument,
            value,
            "must be an IAM role ARN (arn:<partition>:iam::<account>:role/<name>)",
            f"give the role's ARN, e.g. {example!r}",
        )
    return arn


def validate_permissions_boundary_arn(
    value: object, argument: str = "permissions_boundary_arn"
) -> str:
    example = "arn:aws:iam::123456789012:policy/boundary"
    arn = parse_arn(value, argument, service="iam", what="an IAM managed policy", example=example)
    if arn.region or not arn.resource.startswith("policy/") or arn.resource == "policy/":
        raise InvalidArgumentError(
            argument,
            value,
            "must be an IAM managed policy ARN (…:policy/<name>)",
            f"give the boundary policy's ARN, e.g. {example!r}",
        )
    return str(value)


def validate_audience(value: object, argument: str = "audience") -> str:
    allowed = ("", "aws-identity-center")
    if value not in allowed:
        raise InvalidArgumentError(
            argument,
            value,
            "must be '' (the default) or 'aws-identity-center'",
            "leave it unset unless the integration serves AWS Identity Center",
        )
    return str(value)


def validate_thumbprints(values: object, argument: str = "thumbprints") -> list[str]:
    """Lower-case and check an explicit thumbprint list: 1-5 distinct SHA-1 hex digests."""
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise InvalidArgumentError(
            argument,
            values,
            "must be 'auto', None or a list of thumbprints",
            "pass e.g. ['9e99a48a9960b14926bb7f3b02e22da2b0ab7280']",
        )
    items = list(values)
    if not items:
        raise InvalidArgumentError(
            argument,
            items,
            "must not be an empty list",
            "pass None to let IAM verify the certificate itself, or 'auto' to look them up",
        )
    if len(items) > MAX_THUMBPRINTS:
        raise InvalidArgumentError(
            argument,
            items,
            f"may hold at most {MAX_THUMBPRINTS} thumbprints (IAM's limit)",
            "keep only the thumbprints of the certificates the issuer presents",
        )
    result: list[str] = []
    for index, item in enumerate(items):
        name = f"{argument}[{index}]"
        if not isinstance(item, str) or not _THUMBPRINT.fullmatch(item.lower()):
            raise InvalidArgumentError(
                name,
                item,
                "must be 40 hexadecimal characters (a SHA-1 digest)",
                "run `teleport-oidc thumbprint <proxy_url>` to get the right value",
            )
        lowered = item.lower()
        if lowered in result:
            raise InvalidArgumentError(
                name, item, "duplicates an earlier thumbprint", "list each thumbprint once"
            )
        result.append(lowered)
    return result


def check_provider_arn(arn: str, issuer: str | None) -> str:
    """An existing provider's ARN: an IAM OIDC provider, and (when known) the issuer's."""
    example = "arn:aws:iam::123456789012:oidc-provider/teleport.example.com"
    parsed = parse_arn(
        arn, "existing_provider_arn", service="iam", what="an IAM OIDC provider", example=example
    )
    host = parsed.resource.removeprefix("oidc-provider/")
    if not parsed.resource.startswith("oidc-provider/") or not host:
        raise InvalidArgumentError(
            "existing_provider_arn",
            arn,
            "must be an IAM OIDC provider ARN (…:oidc-provider/<host>)",
            f"give the provider's ARN, e.g. {example!r}",
        )
    if issuer is not None and host != issuer_host(issuer):
        raise InvalidArgumentError(
            "existing_provider_arn",
            arn,
            f"names a provider for {host!r}, not for the issuer {issuer_host(issuer)!r}",
            "reuse the provider whose URL is the proxy's URL",
        )
    return arn
