"""The ``discovery_config`` resource as data: its inputs checked and normalised, the document
handed to ``tctl create``, and what ``tctl get`` returns read back into the same shape.

Everything here is pure and works on plain values (the provider's inputs), so the component,
the provider's ``check()`` and ``teleport-oidc plan`` share one implementation. The rules are
Teleport's (``api/types/discoveryconfig/discoveryconfig.go``, ``api/types/matchers_aws.go``,
``api/types/access_graph.go``) plus the Terraform module's (organization discovery is EC2-only).

Field names are Teleport's, so an input reads like the YAML it becomes::

    {"types": ["ec2"], "regions": ["*"], "tags": {"*": ["*"]}, "integration": "aws-prod",
     "install": {...}, "ssm": {"document_name": "AWS-RunShellScript"}}
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from typing import Any

from ..errors import InvalidArgumentError
from ..rules import validate_integration_name
from .aws_checks import (
    WILDCARD,
    check_external_id,
    check_iam_role_name,
    check_match_tags,
    check_organization_id,
    check_organizational_units,
    check_regions,
    check_resource_name,
    check_role_arn,
    check_string_list,
)
from .document import managed_metadata, metadata_read_back

__all__ = [
    "AWS_TYPES",
    "DATABASE_TYPES",
    "DEFAULT_JOIN_TOKEN",
    "DEFAULT_SCRIPT_NAME",
    "DEFAULT_SSHD_CONFIG",
    "DEFAULT_SSM_DOCUMENT",
    "ENROLL_MODE_SCRIPT",
    "EXTERNAL_ID_ALONE_TYPES",
    "KIND",
    "REGION_WILDCARD_TYPES",
    "check_discovery_group",
    "check_region_wildcard",
    "discovery_config_document",
    "normalize_access_graph",
    "normalize_matcher",
    "normalize_matchers",
    "read_back_spec",
]

KIND = "discovery_config"
#: Teleport's SupportedAWSMatchers (api/types/matchers_aws.go).
AWS_TYPES = (
    "ec2",
    "eks",
    "rds",
    "rdsproxy",
    "redshift",
    "redshift-serverless",
    "elasticache",
    "elasticache-serverless",
    "memorydb",
    "opensearch",
    "docdb",
)
#: Teleport's SupportedAWSDatabaseMatchers: its database fetchers make one fetcher per region
#: *as written* (``MakeFetchers`` in lib/srv/discovery/fetchers/db/db.go), so ``*`` is queried as
#: a region named ``*`` and finds nothing.
DATABASE_TYPES = tuple(t for t in AWS_TYPES if t not in ("ec2", "eks"))
#: The types whose fetchers expand ``*`` to every enabled region with ``account:ListRegions``
#: (``matcherRegions`` of the EC2 fetcher in lib/srv/server, ``regions`` of the EKS fetcher).
REGION_WILDCARD_TYPES = ("ec2", "eks")
#: Teleport's RequireAWSIAMRolesAsUsersMatchers: a matcher of only these types may carry an
#: external ID without a role ARN (``AWSMatcher.CheckAndSetDefaults``, api/types/matchers_aws.go).
EXTERNAL_ID_ALONE_TYPES = ("redshift-serverless", "opensearch", "docdb")
#: Teleport's IAMInviteTokenName: the join token an EC2 matcher names when none is given.
DEFAULT_JOIN_TOKEN = "aws-discovery-iam-token"  # noqa: S105 (a name, not a secret)
DEFAULT_SCRIPT_NAME = "default-installer"
DEFAULT_SSHD_CONFIG = "/etc/ssh/sshd_config"
#: The AWS-managed document Teleport's UI and Terraform module use (no document to create).
DEFAULT_SSM_DOCUMENT = "AWS-RunShellScript"
#: INSTALL_PARAM_ENROLL_MODE_SCRIPT. Left unset, Teleport picks EICE for a matcher with an
#: integration, and EC2 enrollment through EICE is disabled in v19; the module writes 1 too.
ENROLL_MODE_SCRIPT = 1
_ENROLL_MODE_NAMES = {"INSTALL_PARAM_ENROLL_MODE_SCRIPT": 1, "INSTALL_PARAM_ENROLL_MODE_EICE": 2}

_MATCHER_KEYS = {
    "types",
    "regions",
    "tags",
    "integration",
    "assume_role",
    "organization",
    "install",
    "ssm",
}
_INSTALL_KEYS = {
    "enroll_mode",
    "install_teleport",
    "join_method",
    "join_token",
    "script_name",
    "sshd_config",
    "suffix",
    "update_group",
}
# Fields this package always writes, and the one value each may hold.
_INSTALL_FIXED = {
    "enroll_mode": (ENROLL_MODE_SCRIPT, "install through SSM with a script (1)"),
    "install_teleport": (True, "install Teleport (agentless discovery is not managed here)"),
    "join_method": ("iam", "join with the IAM method (Teleport supports only IAM for EC2)"),
}
_ALNUM_DASH = re.compile(r"^[A-Za-z0-9-]+\Z")
_SSM_DOCUMENT = re.compile(r"^[A-Za-z0-9_.-]{3,128}\Z")
_SQS_NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}(\.fifo)?\Z")
_SQS_URL = re.compile(r"^https://sqs\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/[0-9]{12}/[A-Za-z0-9_-]+\Z")


def _mapping(value: object, argument: str, fix: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidArgumentError(argument, value, "must be a mapping", fix)
    return value


def _unknown_keys(value: Mapping[str, Any], allowed: set[str], argument: str) -> None:
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise InvalidArgumentError(
            f"{argument}.{unknown[0]}",
            unknown[0],
            "is not a field this package writes (Teleport refuses unknown fields)",
            f"use one of: {', '.join(sorted(allowed))}",
        )


def check_discovery_group(value: object, argument: str = "discovery_group") -> str:
    if not isinstance(value, str) or not value or value != value.strip() or len(value) > 253:
        raise InvalidArgumentError(
            argument,
            value,
            "must be the non-empty discovery_group of a Teleport Discovery Service (Teleport "
            "requires it)",
            "use the discovery_group from the Discovery Service's teleport.yaml, or "
            "'cloud-discovery-group' on Teleport Cloud",
        )
    return value


def check_region_wildcard(
    types: list[str], regions: list[str], argument: str, fix: str | None = None
) -> None:
    """``["*"]`` only where Teleport expands it: a matcher with a database type needs names."""
    databases = [t for t in types if t in DATABASE_TYPES]
    if regions != [WILDCARD] or not databases:
        return
    raise InvalidArgumentError(
        argument,
        list(regions),
        f"cannot be ['*'] with {', '.join(databases)}: Teleport expands '*' to every enabled "
        f"region only for {' and '.join(REGION_WILDCARD_TYPES)} (with account:ListRegions); its "
        "database fetchers query each listed region by name, so '*' would discover no database "
        "(lib/srv/discovery/fetchers/db)",
        fix
        or "list the regions to search, e.g. ['us-east-1', 'eu-west-1']; to keep '*' for ec2 "
        "or eks, give them a matcher of their own",
    )


def _install(value: object, argument: str) -> dict[str, Any]:
    given = dict(_mapping(value or {}, argument, "pass Ec2InstallParams(...)"))
    _unknown_keys(given, _INSTALL_KEYS, argument)
    for key, (fixed, meaning) in _INSTALL_FIXED.items():
        if given.get(key) not in (None, fixed):
            raise InvalidArgumentError(
                f"{argument}.{key}",
                given[key],
                f"must be {fixed!r}: discovered instances {meaning}",
                "leave it unset",
            )
    join_token = check_resource_name(
        given.get("join_token") or DEFAULT_JOIN_TOKEN, f"{argument}.join_token", "token"
    )
    script = check_resource_name(
        given.get("script_name") or DEFAULT_SCRIPT_NAME, f"{argument}.script_name", "installer"
    )
    sshd = given.get("sshd_config") or DEFAULT_SSHD_CONFIG
    if not isinstance(sshd, str) or not posixpath.isabs(sshd) or any(c.isspace() for c in sshd):
        raise InvalidArgumentError(
            f"{argument}.sshd_config",
            sshd,
            "must be an absolute path with no whitespace on the instance",
            f"leave it unset for {DEFAULT_SSHD_CONFIG!r}",
        )
    install: dict[str, Any] = {
        "enroll_mode": ENROLL_MODE_SCRIPT,
        "install_teleport": True,
        "join_method": "iam",
        "join_token": join_token,
        "script_name": script,
        "sshd_config": sshd,
    }
    for key in ("suffix", "update_group"):
        item = given.get(key)
        if item in (None, ""):
            continue
        if not isinstance(item, str) or not _ALNUM_DASH.match(item):
            raise InvalidArgumentError(
                f"{argument}.{key}",
                item,
                "may hold only letters, digits and '-' (Teleport's rule)",
                "remove other characters, or leave it unset",
            )
        install[key] = item
    return install


def _assume_role(value: object, argument: str, types: list[str]) -> dict[str, str]:
    given = dict(_mapping(value, argument, "pass AwsAssumeRole(role_arn=...)"))
    _unknown_keys(given, {"role_arn", "role_name", "external_id"}, argument)
    result: dict[str, str] = {}
    if given.get("role_arn"):
        result["role_arn"] = check_role_arn(given["role_arn"], f"{argument}.role_arn")
    if given.get("role_name"):
        result["role_name"] = check_iam_role_name(given["role_name"], f"{argument}.role_name")
    if given.get("external_id"):
        if "role_arn" not in result and not set(types) <= set(EXTERNAL_ID_ALONE_TYPES):
            raise InvalidArgumentError(
                f"{argument}.external_id",
                given["external_id"],
                "needs role_arn: Teleport accepts an external ID without a role ARN only when "
                f"every type is {', '.join(EXTERNAL_ID_ALONE_TYPES)} (api/types/matchers_aws.go)",
                "set role_arn too, or drop the external ID",
            )
        result["external_id"] = check_external_id(given["external_id"], f"{argument}.external_id")
    if not result:
        raise InvalidArgumentError(
            argument, dict(given), "must set role_arn or role_name", "or leave assume_role unset"
        )
    return result


def _organization(value: object, argument: str) -> dict[str, Any]:
    given = dict(_mapping(value, argument, "pass AwsOrganizationMatcher(organization_id=...)"))
    _unknown_keys(given, {"organization_id", "organizational_units"}, argument)
    units = dict(
        _mapping(
            given.get("organizational_units") or {"include": [WILDCARD]},
            f"{argument}.organizational_units",
            "pass OrganizationalUnits(include=[...])",
        )
    )
    _unknown_keys(units, {"include", "exclude"}, f"{argument}.organizational_units")
    return {
        "organization_id": check_organization_id(
            given.get("organization_id"), f"{argument}.organization_id"
        ),
        "organizational_units": check_organizational_units(
            units.get("include", [WILDCARD]),
            units.get("exclude") or [],
            f"{argument}.organizational_units",
        ),
    }


def normalize_matcher(value: object, argument: str = "aws[0]") -> dict[str, Any]:
    """One AWS matcher, checked, with every default written out (Teleport's field order)."""
    given = dict(_mapping(value, argument, "pass AwsMatcher(types=[...])"))
    _unknown_keys(given, _MATCHER_KEYS, argument)
    fix = f"use some of: {', '.join(AWS_TYPES)}"
    types = check_string_list(given.get("types"), f"{argument}.types", fix)
    if not types:
        raise InvalidArgumentError(
            f"{argument}.types", types, "must name at least one resource type", fix
        )
    for index, item in enumerate(types):
        if item not in AWS_TYPES:
            raise InvalidArgumentError(
                f"{argument}.types[{index}]", item, "is not a type Teleport discovers in AWS", fix
            )
    matcher: dict[str, Any] = {
        "types": sorted(set(types)),
        "regions": check_regions(given.get("regions", [WILDCARD]), f"{argument}.regions"),
        "tags": check_match_tags(given.get("tags"), f"{argument}.tags"),
    }
    if given.get("integration"):
        matcher["integration"] = validate_integration_name(
            given["integration"], f"{argument}.integration"
        )
    if given.get("assume_role"):
        matcher["assume_role"] = _assume_role(
            given["assume_role"], f"{argument}.assume_role", matcher["types"]
        )
    if given.get("organization"):
        where = f"{argument}.organization"
        if matcher["types"] != ["ec2"]:
            raise InvalidArgumentError(
                where,
                matcher["types"],
                "is supported for EC2 only by this package (Teleport's Terraform module allows "
                "only ec2 there too; only Teleport's newest EKS fetcher enumerates an "
                "organization, and older clusters would discover the management account alone)",
                "use types=['ec2'] in this matcher, and a separate single-account matcher for "
                "the other types",
            )
        role = matcher.get("assume_role", {})
        if "role_arn" in role or "role_name" not in role:
            raise InvalidArgumentError(
                f"{argument}.assume_role",
                role or None,
                "must give role_name (and no role_arn) with an organization: Teleport assumes "
                "the role of that name in each member account",
                "set AwsAssumeRole(role_name='teleport-organization-discovery-child-account-role')",
            )
        matcher["organization"] = _organization(given["organization"], where)
    if "ec2" in matcher["types"]:
        matcher["install"] = _install(given.get("install"), f"{argument}.install")
        ssm = dict(
            _mapping(given.get("ssm") or {}, f"{argument}.ssm", "pass {'document_name': ...}")
        )
        _unknown_keys(ssm, {"document_name"}, f"{argument}.ssm")
        document = ssm.get("document_name") or DEFAULT_SSM_DOCUMENT
        if not isinstance(document, str) or not _SSM_DOCUMENT.match(document):
            raise InvalidArgumentError(
                f"{argument}.ssm.document_name",
                document,
                "must be an SSM document name (3-128 of letters, digits and _.-)",
                f"leave it unset for {DEFAULT_SSM_DOCUMENT!r}",
            )
        matcher["ssm"] = {"document_name": document}
    else:
        for key in ("install", "ssm"):
            if given.get(key):
                raise InvalidArgumentError(
                    f"{argument}.{key}",
                    given[key],
                    "applies to EC2 only (it says how to install Teleport on instances)",
                    "add 'ec2' to types, or drop it",
                )
    check_region_wildcard(matcher["types"], matcher["regions"], f"{argument}.regions")
    return matcher


def normalize_matchers(value: object, argument: str = "aws") -> list[dict[str, Any]]:
    if value is None:
        return []
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (list, tuple)):
        raise InvalidArgumentError(
            argument, value, "must be a list of AWS matchers", "pass [AwsMatcher(types=['ec2'])]"
        )
    return [normalize_matcher(item, f"{argument}[{index}]") for index, item in enumerate(value)]


def _cloud_trail(value: object, argument: str) -> dict[str, str]:
    given = dict(_mapping(value, argument, "pass sqs_queue and region"))
    _unknown_keys(given, {"sqs_queue", "region"}, argument)
    queue, region = given.get("sqs_queue"), given.get("region")
    if not isinstance(queue, str) or not (_SQS_NAME.match(queue) or _SQS_URL.match(queue)):
        raise InvalidArgumentError(
            f"{argument}.sqs_queue",
            queue,
            "must be the name or URL of the SQS queue CloudTrail notifies (Teleport requires it)",
            "write e.g. 'teleport-cloudtrail' or "
            "'https://sqs.us-east-1.amazonaws.com/123456789012/teleport-cloudtrail'",
        )
    regions = check_regions([region] if isinstance(region, str) else region, f"{argument}.region")
    if regions == [WILDCARD]:
        raise InvalidArgumentError(
            f"{argument}.region", region, "must be the queue's region, not '*'", "e.g. 'us-east-1'"
        )
    return {"region": regions[0], "sqs_queue": queue}


def normalize_access_graph(value: object, argument: str = "access_graph") -> dict[str, Any] | None:
    """Access Graph AWS Sync settings: ``{"aws": [{integration, regions, ...}]}``."""
    if value is None:
        return None
    given = dict(_mapping(value, argument, "pass AccessGraphAwsSync(...)"))
    _unknown_keys(given, {"aws"}, argument)
    syncs = given.get("aws") or []
    if isinstance(syncs, Mapping) or not isinstance(syncs, (list, tuple)) or not syncs:
        raise InvalidArgumentError(
            f"{argument}.aws",
            syncs,
            "must be a non-empty list of AWS sync settings",
            "pass [AccessGraphAwsSync(integration=..., regions=[...])]",
        )
    result = []
    for index, raw in enumerate(syncs):
        where = f"{argument}.aws[{index}]"
        item = dict(_mapping(raw, where, "pass AccessGraphAwsSync(...)"))
        _unknown_keys(item, {"integration", "regions", "cloud_trail_logs", "eks_audit_logs"}, where)
        regions = check_regions(item.get("regions"), f"{where}.regions")
        if regions == [WILDCARD]:
            raise InvalidArgumentError(
                f"{where}.regions",
                item.get("regions"),
                "must list region names: Teleport checks each Access Graph region by name and "
                "refuses '*' (api/types/access_graph.go)",
                "list the regions to sync, e.g. ['us-east-1']",
            )
        sync: dict[str, Any] = {
            "integration": validate_integration_name(
                item.get("integration"), f"{where}.integration"
            ),
            "regions": regions,
        }
        if item.get("cloud_trail_logs"):
            sync["cloud_trail_logs"] = _cloud_trail(
                item["cloud_trail_logs"], f"{where}.cloud_trail_logs"
            )
        if item.get("eks_audit_logs"):
            logs = dict(
                _mapping(item["eks_audit_logs"], f"{where}.eks_audit_logs", "pass {'tags': {...}}")
            )
            _unknown_keys(logs, {"tags"}, f"{where}.eks_audit_logs")
            sync["eks_audit_logs"] = {
                "tags": check_match_tags(logs.get("tags"), f"{where}.eks_audit_logs.tags")
            }
        result.append(sync)
    return {"aws": result}


def discovery_config_document(
    name: str,
    discovery_group: str,
    aws: list[dict[str, Any]],
    access_graph: dict[str, Any] | None = None,
    labels: Mapping[str, str] | None = None,
    description: str | None = None,
) -> dict[str, Any]:
    """The ``discovery_config`` handed to ``tctl create``, from normalised inputs."""
    metadata = managed_metadata(name, labels, description)
    spec: dict[str, Any] = {"discovery_group": discovery_group, "aws": aws}
    if access_graph:
        spec["access_graph"] = access_graph
    return {"kind": KIND, "version": "v1", "metadata": metadata, "spec": spec}


# --- reading back what tctl get returns ---------------------------------------------------------


def _strings(value: Any) -> list[str]:
    # Teleport's Strings type prints a one-element list as a bare string.
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _tags(value: Any) -> dict[str, list[str]]:
    return {str(k): sorted(set(_strings(v))) for k, v in sorted((value or {}).items())}


def _enroll_mode(value: Any) -> Any:
    return _ENROLL_MODE_NAMES.get(value, value) if isinstance(value, str) else value


def _read_matcher(raw: Mapping[str, Any]) -> dict[str, Any]:
    types = sorted(set(_strings(raw.get("types"))))
    matcher: dict[str, Any] = {
        "types": types,
        "regions": sorted(set(_strings(raw.get("regions")))),
        "tags": _tags(raw.get("tags")),
    }
    if raw.get("integration"):
        matcher["integration"] = raw["integration"]
    role = {k: v for k, v in (raw.get("assume_role") or {}).items() if v}
    if role:
        matcher["assume_role"] = dict(sorted(role.items()))
    organization = raw.get("organization") or {}
    if organization.get("organization_id"):
        units = organization.get("organizational_units") or {}
        matcher["organization"] = {
            "organization_id": organization["organization_id"],
            "organizational_units": {
                "include": sorted(set(_strings(units.get("include")))),
                "exclude": sorted(set(_strings(units.get("exclude")))),
            },
        }
    # Teleport fills install and ssm defaults on every matcher; they only mean something for
    # EC2, so they are read back for EC2 matchers alone.
    if "ec2" in types:
        install = raw.get("install") or {}
        read: dict[str, Any] = {
            "enroll_mode": _enroll_mode(install.get("enroll_mode")),
            "install_teleport": bool(install.get("install_teleport")),
            "join_method": install.get("join_method") or "",
            "join_token": install.get("join_token") or "",
            "script_name": install.get("script_name") or "",
            "sshd_config": install.get("sshd_config") or "",
        }
        for key in ("suffix", "update_group"):
            if install.get(key):
                read[key] = install[key]
        matcher["install"] = read
        matcher["ssm"] = {"document_name": (raw.get("ssm") or {}).get("document_name") or ""}
    return matcher


def _read_access_graph(raw: Any) -> dict[str, Any] | None:
    syncs = (raw or {}).get("aws") or []
    if not syncs:
        return None
    result = []
    for item in syncs:
        sync: dict[str, Any] = {
            "integration": item.get("integration") or "",
            "regions": sorted(set(_strings(item.get("regions")))),
        }
        trail = item.get("cloud_trail_logs") or {}
        if trail.get("sqs_queue"):
            sync["cloud_trail_logs"] = {
                "region": trail.get("region", ""),
                "sqs_queue": trail["sqs_queue"],
            }
        logs = item.get("eks_audit_logs") or {}
        if logs.get("tags"):
            sync["eks_audit_logs"] = {"tags": _tags(logs["tags"])}
        result.append(sync)
    return {"aws": result}


def read_back_spec(resource: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs a ``tctl get discovery_config/<name> --format=json`` item corresponds to."""
    spec = resource.get("spec") or {}
    return {
        **metadata_read_back(resource),
        "discovery_group": spec.get("discovery_group", ""),
        "aws": [_read_matcher(m) for m in spec.get("aws") or []],
        "access_graph": _read_access_graph(spec.get("access_graph")),
    }
