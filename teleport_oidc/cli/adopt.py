"""``teleport-oidc adopt``: read what the web UI (or ``teleport integration configure
awsoidc-idp``) made, and print how to bring it under the component without recreating it.

It only reads: IAM (``ListOpenIDConnectProviders``, ``GetOpenIDConnectProvider``, ``GetRole``,
``ListRolePolicies``, ``GetRolePolicy``, ``ListRoles``), STS ``GetCallerIdentity`` and
``tctl get integration/<name>``. The decisions are in :mod:`teleport_oidc.cli.adopt_plan`; this
module holds the reads (the boto3 clients and :class:`~teleport_oidc.teleport.tctl.Tctl` are
the seams, passed in) and the text the user reads.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from importlib.resources import files
from typing import Any
from urllib.parse import unquote

from ..rules import issuer_from_proxy_url, validate_integration_name, validate_role_name
from ..teleport.tctl import Tctl
from .adopt_plan import Adoption, AdoptionRefused, Found, passrole_role_name, plan_adoption
from .doctor import trusts_provider

__all__ = ["aws_plugin_version", "read_found", "render", "run_adopt"]


def _document(value: Any) -> Any:
    """A policy document as IAM returns it: boto3 gives a dict; the raw API URL-encoded JSON."""
    if isinstance(value, str):
        return json.loads(unquote(value))
    return value


def _tags(items: Sequence[Mapping[str, str]] | None) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in items or ()}


def _error_code(exc: Exception) -> str:
    return str((getattr(exc, "response", None) or {}).get("Error", {}).get("Code", ""))


def read_found(
    iam: Any,
    sts: Any,
    tctl: Tctl | None,
    *,
    proxy_url: str,
    role_name: str,
    integration_name: str | None,
) -> Found:
    """Everything adopt needs, read-only. ``tctl`` ``None``: Teleport is not read."""
    issuer = issuer_from_proxy_url(proxy_url)
    host = issuer.removeprefix("https://")
    identity = sts.get_caller_identity()
    account = str(identity["Account"])
    partition = str(identity["Arn"]).split(":")[1]
    provider: dict[str, Any] | None = None
    for item in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]:
        if item["Arn"].endswith(f":oidc-provider/{host}"):
            got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=item["Arn"])
            provider = {
                "arn": item["Arn"],
                "client_ids": list(got.get("ClientIDList", [])),
                "thumbprints": list(got.get("ThumbprintList", [])),
                "tags": _tags(got.get("Tags")),
            }
            break
    try:
        got_role = iam.get_role(RoleName=role_name)["Role"]
    except Exception as exc:
        if _error_code(exc) != "NoSuchEntity":
            raise
        raise AdoptionRefused(
            f"no IAM role named {role_name!r} in account {account}",
            "pass the --role-name you gave Teleport (the integration's role_arn ends with it: "
            "`tctl get integrations`)",
        ) from None
    role = {
        "name": got_role["RoleName"],
        "arn": got_role["Arn"],
        "path": got_role.get("Path", "/"),
        "description": got_role.get("Description", ""),
        "max_session_duration": int(got_role.get("MaxSessionDuration", 3600)),
        "permissions_boundary": (got_role.get("PermissionsBoundary") or {}).get(
            "PermissionsBoundaryArn"
        ),
        "trust_policy": _document(got_role["AssumeRolePolicyDocument"]),
        "tags": _tags(got_role.get("Tags")),
    }
    policies: dict[str, Any] = {}
    for page in iam.get_paginator("list_role_policies").paginate(RoleName=role_name):
        for name in page["PolicyNames"]:
            got = iam.get_role_policy(RoleName=role_name, PolicyName=name)
            policies[name] = _document(got["PolicyDocument"])
    others: list[str] = []
    if provider is not None:
        for page in iam.get_paginator("list_roles").paginate():
            for item in page["Roles"]:
                if item["RoleName"] == role_name:
                    continue
                document = item.get("AssumeRolePolicyDocument")
                if document and trusts_provider(_document(document), provider["arn"], host):
                    others.append(item["RoleName"])
    task_roles: dict[str, list[str]] = {}
    deploy = policies.get("DeployService")
    task = passrole_role_name(deploy) if deploy is not None else None
    if task is not None:
        try:
            iam.get_role(RoleName=task)
        except Exception as exc:
            if _error_code(exc) != "NoSuchEntity":
                raise
        else:
            task_roles[task] = list(iam.list_role_policies(RoleName=task)["PolicyNames"])
    name = integration_name or role["tags"].get("teleport.dev/integration")
    integration = tctl.get("integration", name) if tctl is not None and name else None
    return Found(
        issuer_url=issuer,
        account_id=account,
        partition=partition,
        provider=provider,
        role=role,
        policies=policies,
        other_trusting_roles=sorted(others),
        integration=integration,
        integration_read=tctl is not None,
        task_roles=task_roles,
    )


def aws_plugin_version() -> str | None:
    """The pulumi-aws plugin version the program's default provider uses (the import file
    names it, so imported resources use the very provider the program will)."""
    try:
        data = json.loads((files("pulumi_aws") / "pulumi-plugin.json").read_text())
    except (OSError, ValueError, ModuleNotFoundError):
        return None
    version = data.get("version")
    return str(version) if version else None


def _python_value(value: Any) -> str:
    if hasattr(value, "__dataclass_fields__"):
        given = {
            k: getattr(value, k)
            for k, f in value.__dataclass_fields__.items()
            if getattr(value, k) != f.default
        }
        inner = ", ".join(f"{k}={v!r}" for k, v in given.items())
        return f"{type(value).__name__}({inner})"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_python_value(v)}" for k, v in value.items()) + "}"
    return repr(value)


def _config_lines(args: Mapping[str, Any], resource_name: str) -> list[str]:
    """The same arguments as the root stack's config (``pulumi config set`` lines)."""
    keys = {
        "proxy_url": "proxyUrl",
        "integration_name": "integrationName",
        "role_name": "roleName",
        "cluster_name": "clusterName",
        "role_path": "rolePath",
        "role_description": "roleDescription",
        "max_session_duration": "maxSessionDuration",
        "permissions_boundary_arn": "permissionsBoundaryArn",
        "existing_provider_arn": "existingProviderArn",
        "restrict_subjects": "restrictSubjects",
        "adopt_existing_integration": "adoptExistingIntegration",
    }
    lines = []
    if resource_name != "teleport":
        lines.append(f"pulumi config set teleport-oidc:resourceName {resource_name}")
    for arg, key in keys.items():
        if arg in args:
            value = args[arg]
            text = str(value).lower() if isinstance(value, bool) else str(value)
            lines.append(f"pulumi config set teleport-oidc:{key} {_shell(text)}")
    for arg, key in (("tags", "tags"), ("integration_labels", "integrationLabels")):
        for k, v in (args.get(arg) or {}).items():
            lines.append(
                f"pulumi config set --path {_shell(f'teleport-oidc:{key}.{k}')} {_shell(v)}"
            )
    for feature, value in (args.get("features") or {}).items():
        if value is True:
            lines.append(f"pulumi config set --path 'teleport-oidc:features.{feature}' true")
        else:
            for k, f in value.__dataclass_fields__.items():
                if getattr(value, k) != f.default:
                    lines.append(
                        f"pulumi config set --path 'teleport-oidc:features.{feature}.{k}' "
                        f"{_shell(str(getattr(value, k)))}"
                    )
    return lines


def _shell(text: str) -> str:
    if text and all(c.isalnum() or c in "-_.:/@=+," for c in text):
        return text
    return "'" + text.replace("'", "'\\''") + "'"


def render(adoption: Adoption, import_path: str) -> str:
    """What the user reads: what was found, the arguments, the commands, the first up's diff."""
    out = ["Found:"]
    for finding in adoption.policies:
        what = f"feature {finding.feature!r}" if finding.feature else "not recognised"
        state = "imported" if finding.imported else "left as it is"
        line = f"  inline policy {finding.name}: {what} ({state})"
        out.append(line + (f": {finding.note}" if finding.note else ""))
    out += [f"  {note}" for note in adoption.notes]
    out += ["", "Program arguments that match what exists:", ""]
    out.append(f"    AwsOidcIntegration({adoption.resource_name!r}, AwsOidcIntegrationArgs(")
    out += [f"        {k}={_python_value(v)}," for k, v in adoption.args.items()]
    out += ["    ))", "", "Or, for this repository's root stack:", ""]
    out += [f"    {line}" for line in _config_lines(adoption.args, adoption.resource_name)]
    out += [
        "",
        "Then, in the program's folder, with the stack selected:",
        "",
        f"    pulumi import --file {import_path} --protect=false --generate-code=false --yes",
        "    pulumi preview --diff   # the changes below; nothing created or replaced in AWS",
        "    pulumi up",
        "",
        "What the first `pulumi up` changes:",
    ]
    out += [f"  {line}" for line in adoption.diff] or ["  nothing"]
    return "\n".join(out) + "\n"


def run_adopt(
    iam: Any,
    sts: Any,
    tctl: Tctl | None,
    *,
    proxy_url: str,
    role_name: str,
    integration_name: str | None,
    resource_name: str,
    features: Sequence[str] | None,
    import_path: str,
) -> tuple[Adoption, str]:
    """Read, plan and render; the caller writes the import file. Raises AdoptionRefused."""
    issuer_from_proxy_url(proxy_url, "PROXY_URL")
    validate_role_name(role_name, "--role-name")
    if integration_name is not None:
        validate_integration_name(integration_name, "--integration-name")
    found = read_found(
        iam,
        sts,
        tctl,
        proxy_url=proxy_url,
        role_name=role_name,
        integration_name=integration_name,
    )
    adoption = plan_adoption(
        found,
        integration_name=integration_name,
        resource_name=resource_name,
        features=features,
        aws_version=aws_plugin_version(),
    )
    return adoption, render(adoption, import_path)
