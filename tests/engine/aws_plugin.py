"""A stand-in ``aws`` resource plugin for the real Pulumi engine, backed by a moto server.

It serves exactly the AWS types and functions this package's programs use, with pulumi-aws 7's
wire names, required inputs, replace rules and outputs, and sends every call to the moto server
at ``AWS_ENDPOINT_URL`` (loopback, dummy credentials). Anything else fails naming the type. It
stands in for the engine's view of AWS (orchestration, validation by moto), not for pulumi-aws
internals such as the bridge's JSON normalisation or default tags.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import boto3
from pulumi.provider.experimental import provider as p
from pulumi.provider.experimental.property_value import Computed, PropertyValue
from pulumi.runtime import rpc

PLAIN = Any
UNKNOWN = Computed()


def plain(value: PropertyValue) -> PLAIN:
    """A PropertyValue as plain Python; unknowns stay ``UNKNOWN``."""
    inner = value.value
    if isinstance(inner, Computed):
        return UNKNOWN
    if isinstance(inner, Mapping):
        return {k: plain(v) for k, v in inner.items()}
    if isinstance(inner, tuple):
        return [plain(v) for v in inner]
    return inner


def wire(value: PLAIN) -> PropertyValue:
    if value is UNKNOWN or isinstance(value, Computed):
        # PropertyValue.computed() cannot be marshalled by SDK 3.260's provider server; the wire
        # form of an unknown is this sentinel string, which the engine reads as unknown.
        return PropertyValue(rpc.UNKNOWN)
    if isinstance(value, Mapping):
        return PropertyValue({k: wire(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return PropertyValue([wire(v) for v in value])
    if isinstance(value, int) and not isinstance(value, bool):
        return PropertyValue(float(value))
    return PropertyValue(value)


def plain_map(values: Mapping[str, PropertyValue]) -> dict[str, PLAIN]:
    return {k: plain(v) for k, v in values.items()}


def wire_map(values: Mapping[str, PLAIN]) -> dict[str, PropertyValue]:
    return {k: wire(v) for k, v in values.items()}


def known(value: PLAIN) -> bool:
    if value is UNKNOWN:
        return False
    if isinstance(value, dict):
        return all(known(v) for v in value.values())
    if isinstance(value, list):
        return all(known(v) for v in value)
    return True


def _tags(tags: Mapping[str, str] | None) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in (tags or {}).items()]


def _same_json(a: Any, b: Any) -> bool:
    try:
        left = json.loads(a) if isinstance(a, str) else a
        right = json.loads(b) if isinstance(b, str) else b
    except ValueError:
        return False
    return bool(left == right)


@dataclass(frozen=True)
class Schema:
    """What pulumi-aws 7 says about one resource: required inputs, replace-on-change inputs,
    defaults the provider fills in, and the outputs computed at create."""

    required: tuple[str, ...]
    replaces: tuple[str, ...]
    optional: tuple[str, ...]
    defaults: dict[str, Any] = field(default_factory=dict)
    computed: tuple[str, ...] = ()


OIDC = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
DOCUMENT = "aws:ssm/document:Document"
STACK_SET = "aws:cloudformation/stackSet:StackSet"
STACK_SET_INSTANCE = "aws:cloudformation/stackSetInstance:StackSetInstance"

SCHEMAS: dict[str, Schema] = {
    OIDC: Schema(
        required=("url", "clientIdLists"),
        replaces=("url",),
        optional=("thumbprintLists", "tags"),
        computed=("arn", "tagsAll", "thumbprintLists"),
    ),
    ROLE: Schema(
        required=("assumeRolePolicy",),
        replaces=("name", "namePrefix", "path"),
        optional=(
            "name",
            "namePrefix",
            "path",
            "description",
            "maxSessionDuration",
            "permissionsBoundary",
            "forceDetachPolicies",
            "tags",
        ),
        defaults={"path": "/", "maxSessionDuration": 3600, "forceDetachPolicies": False},
        computed=("arn", "createDate", "uniqueId", "tagsAll", "name"),
    ),
    ROLE_POLICY: Schema(
        required=("role", "policy"),
        replaces=("role", "name", "namePrefix"),
        optional=("name", "namePrefix"),
        computed=("name",),
    ),
    DOCUMENT: Schema(
        required=("content", "documentType"),
        replaces=("name", "documentType"),
        optional=("name", "documentFormat", "tags", "targetType", "versionName"),
        defaults={"documentFormat": "JSON"},
        computed=("arn", "createdDate", "defaultVersion", "latestVersion", "owner", "status"),
    ),
    STACK_SET: Schema(
        required=(),
        replaces=("name", "permissionModel", "callAs"),
        optional=(
            "name",
            "administrationRoleArn",
            "autoDeployment",
            "callAs",
            "capabilities",
            "description",
            "executionRoleName",
            "managedExecution",
            "operationPreferences",
            "parameters",
            "permissionModel",
            "tags",
            "templateBody",
            "templateUrl",
        ),
        defaults={"permissionModel": "SELF_MANAGED"},
        computed=("arn", "stackSetId", "tagsAll", "name", "administrationRoleArn"),
    ),
    STACK_SET_INSTANCE: Schema(
        required=("stackSetName",),
        replaces=(
            "stackSetName",
            "accountId",
            "deploymentTargets",
            "callAs",
            "stackSetInstanceRegion",
        ),
        optional=(
            "accountId",
            "callAs",
            "deploymentTargets",
            "operationPreferences",
            "parameterOverrides",
            "retainStack",
            "stackSetInstanceRegion",
        ),
        defaults={"retainStack": False},
        computed=("organizationalUnitId", "stackId", "stackInstanceSummaries"),
    ),
}

INVOKES = {
    "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider",
    "aws:index/getCallerIdentity:getCallerIdentity",
    "aws:index/getPartition:getPartition",
    "aws:organizations/getOrganization:getOrganization",
}


class Unsupported(Exception):
    def __init__(self, what: str, token: str) -> None:
        super().__init__(
            f"the stand-in aws plugin (tests/engine) does not serve {what} {token!r}; it serves "
            f"only {sorted(SCHEMAS)} and the functions {sorted(INVOKES)}"
        )


def _type(request: Any) -> str:
    """The resource type of a request: the URN's type, without its parents' (``a$b$type``)."""
    return str(request.type).rsplit("$", 1)[-1]


def _schema(type_: str) -> Schema:
    if type_ not in SCHEMAS:
        raise Unsupported("the resource type", type_)
    return SCHEMAS[type_]


def _config_value(raw: Any) -> Any:
    """Provider inputs cross the wire JSON-encoded when they are not strings."""
    if isinstance(raw, str) and raw[:1] in "[{":
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return raw


class AwsStandIn(p.Provider):
    """The engine's ``aws`` plugin, over moto."""

    def __init__(self) -> None:
        self.region = os.environ.get("AWS_REGION", "us-east-1")
        self.session: boto3.Session | None = None
        self.allowed: list[str] = []
        self._clients: dict[tuple[str, int, str], Any] = {}
        self._who: tuple[Any, dict[str, Any]] | None = None

    # --- configuration ------------------------------------------------------------------------

    async def check_config(self, request: p.CheckRequest) -> p.CheckResponse:
        return p.CheckResponse(inputs=request.new_inputs)

    async def diff_config(self, request: p.DiffRequest) -> p.DiffResponse:
        old = {k: _config_value(v) for k, v in plain_map(request.old_state).items()}
        new = {k: _config_value(v) for k, v in plain_map(request.new_inputs).items()}
        keys = sorted(k for k in set(old) | set(new) if k != "version" and old.get(k) != new.get(k))
        return p.DiffResponse(changes=bool(keys), diffs=keys)

    async def configure(self, request: p.ConfigureRequest) -> p.ConfigureResponse:
        args = {k: _config_value(v) for k, v in plain_map(request.args or {}).items()}
        variables = request.variables or {}
        self.region = str(args.get("region") or variables.get("aws:config:region") or self.region)
        session = boto3.Session(region_name=self.region)
        for assume in args.get("assumeRoles") or []:
            if not isinstance(assume, dict) or not assume.get("roleArn"):
                continue
            creds = session.client("sts").assume_role(
                RoleArn=assume["roleArn"], RoleSessionName="pulumi-standin"
            )["Credentials"]
            session = boto3.Session(
                region_name=self.region,
                aws_access_key_id=creds["AccessKeyId"],
                aws_secret_access_key=creds["SecretAccessKey"],
                aws_session_token=creds["SessionToken"],
            )
        self.session = session
        self.allowed = [str(a) for a in args.get("allowedAccountIds") or []]
        # pulumi-aws validates the credentials and reads the account at configure, with
        # sts:GetCallerIdentity ("unable to validate AWS credentials"), unless both are skipped:
        # every program pays it, whether or not it calls getCallerIdentity itself.
        skipped = all(
            str(args.get(key, "")).lower() == "true"
            for key in ("skipCredentialsValidation", "skipRequestingAccountId")
        )
        if self.allowed or not skipped:
            account = self._identity()["Account"]
            if self.allowed and account not in self.allowed:
                raise ValueError(
                    f"AWS account ID not allowed: {account} (allowed_account_ids {self.allowed})"
                )
        return p.ConfigureResponse(accept_secrets=True, supports_preview=True)

    def _client(self, service: str) -> Any:
        # One client per service and configuration, as the real provider keeps its own.
        key = (service, id(self.session), self.region)
        if key not in self._clients:
            session = self.session or boto3.Session(region_name=self.region)
            self._clients[key] = session.client(service)
        return self._clients[key]

    def _identity(self) -> dict[str, Any]:
        # pulumi-aws reads the caller identity once per configuration, too.
        if self._who is None or self._who[0] is not self.session:
            self._who = (self.session, dict(self._client("sts").get_caller_identity()))
        return self._who[1]

    def _partition(self) -> str:
        if self.region.startswith("cn-"):
            return "aws-cn"
        if self.region.startswith("us-gov-"):
            return "aws-us-gov"
        return "aws"

    # --- functions ----------------------------------------------------------------------------

    async def invoke(self, request: p.InvokeRequest) -> p.InvokeResponse:
        args = plain_map(request.args)
        if request.tok == "aws:index/getCallerIdentity:getCallerIdentity":
            who = self._identity()
            result = {
                "accountId": who["Account"],
                "arn": who["Arn"],
                "userId": who["UserId"],
                "id": who["Account"],
            }
        elif request.tok == "aws:index/getPartition:getPartition":
            partition = self._partition()
            suffix = "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"
            result = {
                "partition": partition,
                "dnsSuffix": suffix,
                "reverseDnsPrefix": ".".join(reversed(suffix.split("."))),
                "id": partition,
            }
        elif request.tok == "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider":
            result = self._find_oidc(args)
        elif request.tok == "aws:organizations/getOrganization:getOrganization":
            result = self._organization(bool(args.get("returnOrganizationOnly")))
        else:
            raise Unsupported("the function", request.tok)
        return p.InvokeResponse(return_value=wire_map(result))

    def _find_oidc(self, args: dict[str, Any]) -> dict[str, Any]:
        iam = self._client("iam")
        arn = args.get("arn")
        if not arn:
            url = str(args.get("url") or "").removeprefix("https://")
            for item in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]:
                if item["Arn"].endswith(f":oidc-provider/{url}"):
                    arn = item["Arn"]
                    break
            else:
                raise LookupError(f"no IAM OIDC provider with URL {url!r} found")
        found = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
        tags = {t["Key"]: t["Value"] for t in found.get("Tags", [])}
        return {
            "arn": arn,
            "id": arn,
            "url": found["Url"],
            "clientIdLists": found.get("ClientIDList", []),
            "thumbprintLists": found.get("ThumbprintList", []),
            "tags": tags,
        }

    def _organization(self, only: bool) -> dict[str, Any]:
        """pulumi-aws 7's getOrganization: DescribeOrganization, then (unless
        ``returnOrganizationOnly``) the accounts and roots, as the provider lists them."""
        orgs = self._client("organizations")
        org = orgs.describe_organization()["Organization"]
        result: dict[str, Any] = {
            "id": org["Id"],
            "arn": org["Arn"],
            "featureSet": org["FeatureSet"],
            "masterAccountArn": org["MasterAccountArn"],
            "masterAccountEmail": org["MasterAccountEmail"],
            "masterAccountId": org["MasterAccountId"],
            "masterAccountName": "",
            "accounts": [],
            "nonMasterAccounts": [],
            "roots": [],
            "awsServiceAccessPrincipals": [],
            "enabledPolicyTypes": [],
        }
        if only:
            return result
        accounts = [
            {
                "arn": a["Arn"],
                "email": a["Email"],
                "id": a["Id"],
                "name": a["Name"],
                "status": a["Status"],
                "state": a.get("State", a["Status"]),
                "joinedMethod": a.get("JoinedMethod", ""),
                "joinedTimestamp": str(a.get("JoinedTimestamp", "")),
            }
            for a in orgs.list_accounts()["Accounts"]
        ]
        master = next((a for a in accounts if a["id"] == org["MasterAccountId"]), None)
        result["masterAccountName"] = master["name"] if master else ""
        result["accounts"] = accounts
        result["nonMasterAccounts"] = [a for a in accounts if a is not master]
        result["roots"] = [
            {
                "arn": r["Arn"],
                "id": r["Id"],
                "name": r["Name"],
                "policyTypes": [
                    {"status": t["Status"], "type": t["Type"]} for t in r.get("PolicyTypes", [])
                ],
            }
            for r in orgs.list_roots()["Roots"]
        ]
        return result

    # --- resources ----------------------------------------------------------------------------

    async def check(self, request: p.CheckRequest) -> p.CheckResponse:
        schema = _schema(_type(request))
        news = plain_map(request.new_inputs)
        failures = [
            p.CheckFailure(name, f"Missing required argument: {name!r} is required")
            for name in schema.required
            if news.get(name) is None
        ]
        allowed = set(schema.required) | set(schema.optional) | {"__defaults"}
        failures += [
            p.CheckFailure(name, f"{name!r} is not an input of {_type(request)} in pulumi-aws 7")
            for name in news
            if name not in allowed
        ]
        for name, value in schema.defaults.items():
            news.setdefault(name, value)
        return p.CheckResponse(inputs=wire_map(news), failures=failures)

    async def diff(self, request: p.DiffRequest) -> p.DiffResponse:
        schema = _schema(_type(request))
        olds = plain_map(request.old_state)
        news = plain_map(request.new_inputs)
        inputs = set(schema.required) | set(schema.optional)
        changed = []
        for name in sorted(inputs):
            if name in request.ignore_changes:
                continue
            old, new = olds.get(name), news.get(name)
            if name == "tags":
                old, new = old or {}, new or {}
            if new is None and name in schema.computed:
                continue  # left to the provider, as the old state holds it
            if known(new) and (old == new or (isinstance(new, str) and _same_json(old, new))):
                continue
            if name == "url" and isinstance(old, str) and isinstance(new, str):
                # pulumi-aws's suppressOpenIDURL: IAM stores the URL without its scheme.
                if old.removeprefix("https://") == new.removeprefix("https://"):
                    continue
            changed.append(name)
        detailed = {
            name: p.PropertyDiff(
                p.PropertyDiffKind.UPDATE_REPLACE
                if name in schema.replaces
                else p.PropertyDiffKind.UPDATE,
                True,
            )
            for name in changed
        }
        return p.DiffResponse(
            changes=bool(changed),
            replaces=[n for n in changed if n in schema.replaces],
            diffs=changed,
            detailed_diff=detailed,
        )

    async def create(self, request: p.CreateRequest) -> p.CreateResponse:
        schema = _schema(_type(request))
        news = plain_map(request.properties)
        if request.preview:
            outs = dict(news)
            for name in schema.computed:
                if outs.get(name) is None:
                    outs[name] = UNKNOWN
            if "tagsAll" in schema.computed:
                outs["tagsAll"] = news.get("tags") or {}
            return p.CreateResponse(resource_id=None, properties=wire_map(outs))
        resource_id, outs = getattr(self, "_create_" + _type(request).split(":")[-1])(news)
        return p.CreateResponse(resource_id=resource_id, properties=wire_map(outs))

    async def read(self, request: p.ReadRequest) -> p.ReadResponse:
        _schema(_type(request))
        state = plain_map(request.properties or {})
        inputs = plain_map(request.inputs or {})
        found = getattr(self, "_read_" + _type(request).split(":")[-1])(request.resource_id, state)
        if found is None:
            return p.ReadResponse(resource_id=None, properties={}, inputs={})
        if not state and not inputs:
            return self._imported(_schema(_type(request)), request.resource_id, found)
        # Keep the state's JSON strings when AWS holds the same document (as pulumi-aws does).
        for key, value in list(found.items()):
            if isinstance(value, (dict, list)) and isinstance(state.get(key), str):
                if _same_json(state[key], value):
                    found[key] = state[key]
        merged = {**state, **found}
        new_inputs = {k: merged.get(k, v) for k, v in inputs.items()}
        return p.ReadResponse(
            resource_id=request.resource_id,
            properties=wire_map(merged),
            inputs=wire_map(new_inputs),
        )

    def _imported(self, schema: Schema, rid: str, found: dict[str, Any]) -> p.ReadResponse:
        """Read by ID alone (``pulumi import``): the outputs and the inputs they imply, as
        pulumi-aws derives them: documents as JSON strings, defaults filled in, and (for a
        role) the inline policies it holds, which pulumi-aws records and deletes with it."""
        outs = {
            k: json.dumps(v) if isinstance(v, dict) and k != "tags" and k != "tagsAll" else v
            for k, v in found.items()
        }
        for name, value in schema.defaults.items():
            outs.setdefault(name, value)
        if "assumeRolePolicy" in outs:
            iam = self._client("iam")
            outs["inlinePolicies"] = [
                {
                    "name": name,
                    "policy": json.dumps(
                        iam.get_role_policy(RoleName=rid, PolicyName=name)["PolicyDocument"]
                    ),
                }
                for name in iam.list_role_policies(RoleName=rid)["PolicyNames"]
            ]
        inputs = {
            k: v
            for k, v in outs.items()
            if k in (*schema.required, *schema.optional) and v is not None
        }
        return p.ReadResponse(resource_id=rid, properties=wire_map(outs), inputs=wire_map(inputs))

    async def update(self, request: p.UpdateRequest) -> p.UpdateResponse:
        _schema(_type(request))
        olds = plain_map(request.olds)
        news = plain_map(request.news)
        if request.preview:
            return p.UpdateResponse(properties=wire_map({**olds, **news}))
        outs = getattr(self, "_update_" + _type(request).split(":")[-1])(
            request.resource_id, olds, news
        )
        return p.UpdateResponse(properties=wire_map(outs))

    async def delete(self, request: p.DeleteRequest) -> None:
        _schema(_type(request))
        state = plain_map(request.properties)
        getattr(self, "_delete_" + _type(request).split(":")[-1])(request.resource_id, state)

    # --- aws:iam/openIdConnectProvider ---------------------------------------------------------

    def _create_OpenIdConnectProvider(self, news: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        args: dict[str, Any] = {"Url": news["url"], "ClientIDList": news["clientIdLists"]}
        if news.get("thumbprintLists"):
            args["ThumbprintList"] = news["thumbprintLists"]
        if news.get("tags"):
            args["Tags"] = _tags(news["tags"])
        arn = self._client("iam").create_open_id_connect_provider(**args)[
            "OpenIDConnectProviderArn"
        ]
        outs = {**news, "arn": arn, "tagsAll": news.get("tags") or {}}
        outs["thumbprintLists"] = news.get("thumbprintLists") or []
        return arn, outs

    def _read_OpenIdConnectProvider(self, rid: str, state: dict[str, Any]) -> Any:
        iam = self._client("iam")
        try:
            found = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=rid)
        except iam.exceptions.NoSuchEntityException:
            return None
        tags = {t["Key"]: t["Value"] for t in found.get("Tags", [])}
        url = found["Url"]
        if str(state.get("url", "")).removeprefix("https://") == url:
            url = state["url"]
        return {
            "arn": rid,
            "url": url,
            "clientIdLists": found.get("ClientIDList", []),
            "thumbprintLists": found.get("ThumbprintList", []),
            "tags": tags or state.get("tags"),
            "tagsAll": tags,
        }

    def _update_OpenIdConnectProvider(
        self, rid: str, olds: dict[str, Any], news: dict[str, Any]
    ) -> dict[str, Any]:
        iam = self._client("iam")
        if olds.get("thumbprintLists") != news.get("thumbprintLists"):
            iam.update_open_id_connect_provider_thumbprint(
                OpenIDConnectProviderArn=rid, ThumbprintList=news.get("thumbprintLists") or []
            )
        for cid in set(news["clientIdLists"]) - set(olds.get("clientIdLists") or []):
            iam.add_client_id_to_open_id_connect_provider(
                OpenIDConnectProviderArn=rid, ClientID=cid
            )
        for cid in set(olds.get("clientIdLists") or []) - set(news["clientIdLists"]):
            iam.remove_client_id_from_open_id_connect_provider(
                OpenIDConnectProviderArn=rid, ClientID=cid
            )
        self._retag(
            lambda t: iam.tag_open_id_connect_provider(OpenIDConnectProviderArn=rid, Tags=t),
            lambda k: iam.untag_open_id_connect_provider(OpenIDConnectProviderArn=rid, TagKeys=k),
            olds.get("tags"),
            news.get("tags"),
        )
        return {**olds, **news, "arn": rid, "tagsAll": news.get("tags") or {}}

    def _delete_OpenIdConnectProvider(self, rid: str, state: dict[str, Any]) -> None:
        self._client("iam").delete_open_id_connect_provider(OpenIDConnectProviderArn=rid)

    @staticmethod
    def _retag(tag: Any, untag: Any, old: Any, new: Any) -> None:
        old, new = old or {}, new or {}
        gone = [k for k in old if k not in new]
        if gone:
            untag(gone)
        changed = {k: v for k, v in new.items() if old.get(k) != v}
        if changed:
            tag(_tags(changed))

    # --- aws:iam/role --------------------------------------------------------------------------

    def _role_outs(self, role: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
        return {
            **news,
            "arn": role["Arn"],
            "name": role["RoleName"],
            "uniqueId": role["RoleId"],
            "createDate": role["CreateDate"].strftime("%Y-%m-%dT%H:%M:%SZ"),
            "tagsAll": news.get("tags") or {},
        }

    def _create_Role(self, news: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        args: dict[str, Any] = {
            "RoleName": news["name"],
            "Path": news.get("path") or "/",
            "AssumeRolePolicyDocument": news["assumeRolePolicy"],
            "MaxSessionDuration": int(news.get("maxSessionDuration") or 3600),
        }
        if news.get("description"):
            args["Description"] = news["description"]
        if news.get("permissionsBoundary"):
            args["PermissionsBoundary"] = news["permissionsBoundary"]
        if news.get("tags"):
            args["Tags"] = _tags(news["tags"])
        role = self._client("iam").create_role(**args)["Role"]
        return role["RoleName"], self._role_outs(role, news)

    def _read_Role(self, rid: str, state: dict[str, Any]) -> Any:
        iam = self._client("iam")
        try:
            role = iam.get_role(RoleName=rid)["Role"]
        except iam.exceptions.NoSuchEntityException:
            return None
        tags = {t["Key"]: t["Value"] for t in role.get("Tags", [])}
        found = {
            "arn": role["Arn"],
            "name": role["RoleName"],
            "path": role["Path"],
            "uniqueId": role["RoleId"],
            "assumeRolePolicy": role["AssumeRolePolicyDocument"],
            "maxSessionDuration": role.get("MaxSessionDuration", 3600),
            "tags": tags or state.get("tags"),
            "tagsAll": tags,
        }
        if role.get("Description") or state.get("description"):
            found["description"] = role.get("Description", "")
        boundary = (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
        if boundary or state.get("permissionsBoundary"):
            found["permissionsBoundary"] = boundary or ""
        return found

    def _update_Role(self, rid: str, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
        iam = self._client("iam")
        if not _same_json(olds.get("assumeRolePolicy"), news["assumeRolePolicy"]):
            iam.update_assume_role_policy(RoleName=rid, PolicyDocument=news["assumeRolePolicy"])
        if olds.get("description") != news.get("description") or olds.get(
            "maxSessionDuration"
        ) != news.get("maxSessionDuration"):
            iam.update_role(
                RoleName=rid,
                Description=news.get("description") or "",
                MaxSessionDuration=int(news.get("maxSessionDuration") or 3600),
            )
        if olds.get("permissionsBoundary") != news.get("permissionsBoundary"):
            if news.get("permissionsBoundary"):
                iam.put_role_permissions_boundary(
                    RoleName=rid, PermissionsBoundary=news["permissionsBoundary"]
                )
            else:
                iam.delete_role_permissions_boundary(RoleName=rid)
        self._retag(
            lambda t: iam.tag_role(RoleName=rid, Tags=t),
            lambda k: iam.untag_role(RoleName=rid, TagKeys=k),
            olds.get("tags"),
            news.get("tags"),
        )
        role = iam.get_role(RoleName=rid)["Role"]
        outs = self._role_outs(role, news)
        if olds.get("inlinePolicies"):
            outs["inlinePolicies"] = olds["inlinePolicies"]  # recorded at import: kept
        return outs

    def _delete_Role(self, rid: str, state: dict[str, Any]) -> None:
        iam = self._client("iam")
        if state.get("inlinePolicies") or state.get("forceDetachPolicies"):
            # pulumi-aws's DeleteRole: when its state lists inline policies (an imported role)
            # or forceDetachPolicies is set, it deletes every inline policy the role has first.
            for name in iam.list_role_policies(RoleName=rid)["PolicyNames"]:
                iam.delete_role_policy(RoleName=rid, PolicyName=name)
        iam.delete_role(RoleName=rid)

    # --- aws:iam/rolePolicy --------------------------------------------------------------------

    def _create_RolePolicy(self, news: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        self._client("iam").put_role_policy(
            RoleName=news["role"], PolicyName=news["name"], PolicyDocument=news["policy"]
        )
        return f"{news['role']}:{news['name']}", dict(news)

    def _read_RolePolicy(self, rid: str, state: dict[str, Any]) -> Any:
        role, _, name = rid.partition(":")
        iam = self._client("iam")
        try:
            found = iam.get_role_policy(RoleName=role, PolicyName=name)
        except iam.exceptions.NoSuchEntityException:
            return None
        return {"role": role, "name": name, "policy": found["PolicyDocument"]}

    def _update_RolePolicy(
        self, rid: str, olds: dict[str, Any], news: dict[str, Any]
    ) -> dict[str, Any]:
        self._create_RolePolicy(news)
        return dict(news)

    def _delete_RolePolicy(self, rid: str, state: dict[str, Any]) -> None:
        role, _, name = rid.partition(":")
        self._client("iam").delete_role_policy(RoleName=role, PolicyName=name)

    # --- aws:ssm/document ----------------------------------------------------------------------

    def _document_outs(self, doc: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
        who = self._identity()
        return {
            **news,
            "arn": f"arn:{self._partition()}:ssm:{self.region}:{who['Account']}:document/"
            f"{doc['Name']}",
            "name": doc["Name"],
            "createdDate": doc["CreatedDate"].strftime("%Y-%m-%dT%H:%M:%SZ"),
            "defaultVersion": doc.get("DefaultVersion", "1"),
            "latestVersion": doc.get("LatestVersion", "1"),
            "owner": doc.get("Owner", who["Account"]),
            "status": doc.get("Status", "Active"),
            "tagsAll": news.get("tags") or {},
        }

    def _create_Document(self, news: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        args: dict[str, Any] = {
            "Name": news["name"],
            "Content": news["content"],
            "DocumentType": news["documentType"],
            "DocumentFormat": news.get("documentFormat") or "JSON",
        }
        if news.get("tags"):
            args["Tags"] = _tags(news["tags"])
        doc = self._client("ssm").create_document(**args)["DocumentDescription"]
        return doc["Name"], self._document_outs(doc, news)

    def _read_Document(self, rid: str, state: dict[str, Any]) -> Any:
        ssm = self._client("ssm")
        try:
            doc = ssm.describe_document(Name=rid)["Document"]
        except ssm.exceptions.InvalidDocument:
            return None
        content = ssm.get_document(Name=rid)["Content"]
        return {"name": rid, "content": content, "documentType": doc["DocumentType"]}

    def _update_Document(
        self, rid: str, olds: dict[str, Any], news: dict[str, Any]
    ) -> dict[str, Any]:
        ssm = self._client("ssm")
        if not _same_json(olds.get("content"), news["content"]):
            doc = ssm.update_document(Name=rid, Content=news["content"], DocumentVersion="$LATEST")[
                "DocumentDescription"
            ]
            ssm.update_document_default_version(Name=rid, DocumentVersion=doc["DocumentVersion"])
        doc = ssm.describe_document(Name=rid)["Document"]
        return self._document_outs(doc, news)

    def _delete_Document(self, rid: str, state: dict[str, Any]) -> None:
        self._client("ssm").delete_document(Name=rid)

    # --- aws:cloudformation/stackSet and stackSetInstance (service-managed) -------------------
    # moto serves service-managed StackSets: instances go to the accounts of the target OUs (and
    # their child OUs), each a hidden stack whose resources moto creates in that account. It does
    # not implement AutoDeployment, CallAs or DeleteStackInstances' DeploymentTargets, so delete
    # names the instances' accounts (real pulumi-aws sends the OUs).

    def _stack_set_outs(self, name: str, news: dict[str, Any]) -> dict[str, Any]:
        found = self._client("cloudformation").describe_stack_set(StackSetName=name)["StackSet"]
        return {
            **news,
            "name": name,
            "arn": found["StackSetARN"],
            "stackSetId": found["StackSetId"],
            "administrationRoleArn": found.get("AdministrationRoleARN", ""),
            "tagsAll": news.get("tags") or {},
        }

    def _create_StackSet(self, news: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        args: dict[str, Any] = {
            "StackSetName": news["name"],
            "TemplateBody": news["templateBody"],
            "PermissionModel": news.get("permissionModel") or "SELF_MANAGED",
            "Capabilities": news.get("capabilities") or [],
            "Tags": _tags(news.get("tags")),
        }
        if news.get("description"):
            args["Description"] = news["description"]
        auto = news.get("autoDeployment") or {}
        if auto:
            args["AutoDeployment"] = {
                "Enabled": bool(auto.get("enabled")),
                "RetainStacksOnAccountRemoval": bool(auto.get("retainStacksOnAccountRemoval")),
            }
        if news.get("callAs"):
            args["CallAs"] = news["callAs"]
        self._client("cloudformation").create_stack_set(**args)
        return news["name"], self._stack_set_outs(news["name"], news)

    def _read_StackSet(self, rid: str, state: dict[str, Any]) -> Any:
        cfn = self._client("cloudformation")
        try:
            found = cfn.describe_stack_set(StackSetName=rid)["StackSet"]
        except cfn.exceptions.StackSetNotFoundException:
            return None
        return {"name": rid, "templateBody": found["TemplateBody"]}

    def _update_StackSet(
        self, rid: str, olds: dict[str, Any], news: dict[str, Any]
    ) -> dict[str, Any]:
        args: dict[str, Any] = {
            "StackSetName": rid,
            "TemplateBody": news["templateBody"],
            "Capabilities": news.get("capabilities") or [],
            "Tags": _tags(news.get("tags")),
        }
        if news.get("description"):
            args["Description"] = news["description"]
        self._client("cloudformation").update_stack_set(**args)
        return self._stack_set_outs(rid, {**news, "name": rid})

    def _delete_StackSet(self, rid: str, state: dict[str, Any]) -> None:
        self._client("cloudformation").delete_stack_set(StackSetName=rid)

    def _instance_region(self, news: dict[str, Any]) -> str:
        return str(news.get("stackSetInstanceRegion") or self.region)

    def _instance_summaries(self, name: str) -> list[dict[str, Any]]:
        found = self._client("cloudformation").list_stack_instances(StackSetName=name)
        return [
            {
                "accountId": item["Account"],
                "organizationalUnitId": item.get("OrganizationalUnitId", ""),
                "stackId": item.get("StackId", ""),
            }
            for item in found["Summaries"]
        ]

    def _create_StackSetInstance(self, news: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        region = self._instance_region(news)
        targets = news.get("deploymentTargets") or {}
        ous = list(targets.get("organizationalUnitIds") or [])
        args: dict[str, Any] = {"StackSetName": news["stackSetName"], "Regions": [region]}
        if ous:
            args["DeploymentTargets"] = {"OrganizationalUnitIds": ous}
        else:
            args["Accounts"] = [news.get("accountId") or self._identity()["Account"]]
        self._client("cloudformation").create_stack_instances(**args)
        # pulumi-aws's ID: stack set name, the OUs joined by '/' (or the account), region.
        rid = ",".join([news["stackSetName"], "/".join(ous) or args["Accounts"][0], region])
        outs = {
            **news,
            "stackInstanceSummaries": self._instance_summaries(news["stackSetName"]),
            "organizationalUnitId": "",
            "stackId": "",
        }
        return rid, outs

    def _read_StackSetInstance(self, rid: str, state: dict[str, Any]) -> Any:
        name = rid.split(",", 1)[0]
        cfn = self._client("cloudformation")
        try:
            summaries = self._instance_summaries(name)
        except cfn.exceptions.StackSetNotFoundException:
            return None
        return {"stackSetName": name, "stackInstanceSummaries": summaries}

    def _update_StackSetInstance(
        self, rid: str, olds: dict[str, Any], news: dict[str, Any]
    ) -> dict[str, Any]:
        # Only operationPreferences, parameterOverrides and retainStack update in place; they
        # change nothing moto holds.
        return {**olds, **news}

    def _delete_StackSetInstance(self, rid: str, state: dict[str, Any]) -> None:
        name = rid.split(",", 1)[0]
        accounts = [item["accountId"] for item in self._instance_summaries(name)]
        if accounts:
            self._client("cloudformation").delete_stack_instances(
                StackSetName=name,
                Accounts=sorted(set(accounts)),
                Regions=[self._instance_region(state)],
                RetainStacks=bool(state.get("retainStack")),
            )


def plugin_version() -> str:
    """The version the engine asks for: the installed pulumi-aws package's plugin version."""
    from importlib.resources import files

    data = json.loads((files("pulumi_aws") / "pulumi-plugin.json").read_text())
    return str(data["version"])


def main() -> None:
    from pulumi.provider.experimental.server import main as serve

    serve(sys.argv[1:], plugin_version(), AwsStandIn())


if __name__ == "__main__":
    main()
