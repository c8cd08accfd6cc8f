"""Plain-value rules: issuer normalisation, names, ARNs, role options, thumbprints."""

from __future__ import annotations

import pytest

from teleport_oidc import InvalidArgumentError, issuer_from_proxy_url
from teleport_oidc.rules import (
    default_role_name,
    parse_https_url,
    validate_integration_name,
    validate_max_session_duration,
    validate_permissions_boundary_arn,
    validate_role_arn,
    validate_role_description,
    validate_role_name,
    validate_role_path,
    validate_thumbprints,
)


@pytest.mark.parametrize(
    ("given", "issuer"),
    [
        ("https://teleport.example.com", "https://teleport.example.com"),
        ("https://teleport.example.com/", "https://teleport.example.com"),
        ("https://teleport.example.com:443", "https://teleport.example.com"),
        ("https://teleport.example.com:443/", "https://teleport.example.com"),
        ("https://Teleport.EXAMPLE.com", "https://teleport.example.com"),
        ("HTTPS://tenant.teleport.sh", "https://tenant.teleport.sh"),
        ("https://xn--bcher-kva.example", "https://xn--bcher-kva.example"),
    ],
)
def test_proxy_url_is_normalised_to_the_issuer(given: str, issuer: str) -> None:
    assert issuer_from_proxy_url(given) == issuer


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("http://teleport.example.com", "must be an https:// URL"),
        ("teleport.example.com", "must be an https:// URL"),
        ("https://teleport.example.com:3080", "must not contain a port"),
        ("https://teleport.example.com:0", "must not contain a port"),
        ("https://teleport.example.com:99999", "invalid port"),
        ("https://teleport.example.com/web", "must not contain a path"),
        ("https://teleport.example.com/?x=1", "must not contain a query"),
        ("https://teleport.example.com#frag", "must not contain a query or fragment"),
        ("https://admin@teleport.example.com", "user name or password"),
        ("https://", "must be an https:// URL"),
        ("https://:443", "empty host"),
        ("https://tele_port.example.com", "invalid host"),
        ("https://-teleport.example.com", "invalid host"),
        ("https://bücher.example", "ASCII host"),
        (" https://teleport.example.com", "whitespace"),
        ("", "non-empty"),
        (None, "must be a string"),
    ],
)
def test_bad_proxy_urls_are_rejected_naming_the_argument(given: object, message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message) as info:
        issuer_from_proxy_url(given)
    assert str(info.value).startswith("proxy_url ")
    assert info.value.argument == "proxy_url"


def test_idn_error_suggests_the_punycode_host() -> None:
    with pytest.raises(InvalidArgumentError, match="xn--bcher-kva.example"):
        issuer_from_proxy_url("https://bücher.example")


def test_thumbprint_urls_may_carry_a_port() -> None:
    assert parse_https_url("https://localhost:8443", "issuer_url", allow_port=True) == (
        "localhost",
        8443,
    )


@pytest.mark.parametrize("name", ["a", "aws-prod", "a1", "x" * 63, "prod-123-eu"])
def test_dns_1035_names_are_accepted(name: str) -> None:
    assert validate_integration_name(name) == name


@pytest.mark.parametrize(
    "name", ["", "1abc", "-abc", "abc-", "Aws", "aws.prod", "aws_prod", "x" * 64, "aws prod"]
)
def test_integration_names_that_teleport_rejects_fail_here(name: str) -> None:
    with pytest.raises(InvalidArgumentError, match="integration_name"):
        validate_integration_name(name)


def test_default_role_name_is_teleport_prefixed_and_fits_iam() -> None:
    assert default_role_name("aws-prod") == "teleport-aws-prod"
    long = default_role_name("x" * 63)
    assert len(long) == 64
    assert long.startswith("teleport-xxx")
    assert long != default_role_name("x" * 62 + "y")


@pytest.mark.parametrize("name", ["x" * 65, "bad/name", "bad name", "rôle"])
def test_bad_role_names_are_rejected(name: str) -> None:
    with pytest.raises(InvalidArgumentError, match="role_name"):
        validate_role_name(name)


@pytest.mark.parametrize("path", ["/", "/teleport/", "/a/b/"])
def test_iam_paths_are_accepted(path: str) -> None:
    assert validate_role_path(path) == path


@pytest.mark.parametrize(
    "path", ["teleport", "/teleport", "teleport/", "/a b/", "/" + "a" * 512 + "/"]
)
def test_bad_iam_paths_are_rejected(path: str) -> None:
    with pytest.raises(InvalidArgumentError, match="role_path"):
        validate_role_path(path)


@pytest.mark.parametrize("seconds", [3599, 43201, 0, -1, 3600.5, True, "3600"])
def test_session_durations_outside_iam_range_are_rejected(seconds: object) -> None:
    with pytest.raises(InvalidArgumentError, match="3600 to 43200"):
        validate_max_session_duration(seconds)


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:iam::123456789012:role/teleport-aws-prod",
        "arn:aws-us-gov:iam::123456789012:role/path/teleport",
        "arn:aws-cn:iam::123456789012:role/a+b=c,d.e@f-g",
    ],
)
def test_role_arns_in_every_partition_are_accepted(arn: str) -> None:
    assert validate_role_arn(arn).account == "123456789012"


@pytest.mark.parametrize(
    ("arn", "message"),
    [
        ("arn:aws:s3:::bucket", "'iam' service"),
        ("arn:aws-mars:iam::123456789012:role/x", "unknown partition"),
        ("arn:aws:iam::12345678901:role/x", "12-digit"),
        ("arn:aws:iam::123456789012:user/x", "IAM role ARN"),
        ("arn:aws:iam::123456789012:role/", "IAM role ARN"),
        ("role/x", "must be an ARN"),
    ],
)
def test_bad_role_arns_are_rejected(arn: str, message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        validate_role_arn(arn)


def test_aws_managed_boundary_policies_are_accepted() -> None:
    arn = "arn:aws:iam::aws:policy/PowerUserAccess"
    assert validate_permissions_boundary_arn(arn) == arn


def test_a_role_arn_is_not_a_boundary() -> None:
    with pytest.raises(InvalidArgumentError, match="permissions_boundary_arn"):
        validate_permissions_boundary_arn("arn:aws:iam::123456789012:role/x")


def test_thumbprints_are_lower_cased() -> None:
    assert validate_thumbprints(["ABCDEF" + "0" * 34]) == ["abcdef" + "0" * 34]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (["a" * 39], "40 hexadecimal"),
        (["g" * 40], "40 hexadecimal"),
        (["a" * 40, "A" * 40], "duplicates"),
        ([str(i) * 40 for i in range(6)], "at most 5"),
        ([], "empty list"),
        ("a" * 40, "list of thumbprints"),
        ([None], "40 hexadecimal"),
    ],
)
def test_bad_thumbprint_lists_are_rejected(value: object, message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        validate_thumbprints(value)


def test_invalid_argument_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="integration_name must be a DNS-1035 label"):
        validate_integration_name("Bad")


@pytest.mark.parametrize("description", ["", "Teleport für AWS", "tab\there\nand CR\r", "d" * 1000])
def test_role_descriptions_iam_accepts_pass(description: str) -> None:
    assert validate_role_description(description) == description


@pytest.mark.parametrize("description", ["Teleport → AWS", "Teleport 🚀", "\x00", "d" * 1001, 3])
def test_role_descriptions_iam_refuses_fail(description: object) -> None:
    with pytest.raises(InvalidArgumentError, match="printable Latin-1"):
        validate_role_description(description)


def test_a_host_of_247_characters_fits_the_provider_url_and_248_does_not() -> None:
    host = ".".join(["a" * 63] * 3 + ["b" * 55])
    assert len(host) == 247
    assert len(issuer_from_proxy_url(f"https://{host}")) == 255
    with pytest.raises(InvalidArgumentError, match="at most 255"):
        issuer_from_proxy_url(f"https://{host}c")
