"""``ec2_ssm_discovery``: discover EC2 instances and install Teleport on them through SSM.

Follows ``StatementForEC2SSMAutoDiscover`` in Teleport's ``lib/cloud/aws/policy_statements.go``
(attached by ``lib/integrations/awsoidc/ec2_ssm_iam_config.go``), plus ``account:ListRegions``,
always: Teleport added it to every set-up script (PR #61967) without knowing the matchers'
regions, and calls it for a matcher with ``regions: ["*"]``.

The SSM document: Teleport's UI and scripts default to the AWS-managed ``AWS-RunShellScript``
and create no document (PRs #60224, #60725, #61107, #61663), and so does this feature. Creating
Teleport's own installer document stays an option; its content is ``EC2DiscoverySSMDocument`` in
``lib/cloud/aws/ssm_documents.go``: the installer is downloaded to
``/tmp/installTeleport-<random UUID>.sh`` (PR #35152: a guessable name allows script injection).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..errors import InvalidArgumentError
from ._base import PolicyContext, allow, check_bool, document, where

KEY = "ec2_ssm_discovery"
POLICY_NAME = "EC2DiscoverWithSSM"
#: The AWS-managed document Teleport's discovery runs by default (no document is created).
AWS_MANAGED_DOCUMENT = "AWS-RunShellScript"
#: The name Teleport gives its own installer document.
TELEPORT_DOCUMENT = "TeleportDiscoveryInstaller"

ACTIONS = (
    "account:ListRegions",
    "ec2:DescribeInstances",
    "ssm:DescribeInstanceInformation",
    "ssm:GetCommandInvocation",
    "ssm:ListCommandInvocations",
    "ssm:SendCommand",
)

_DOCUMENT_NAME = re.compile(r"^[A-Za-z0-9_.-]{3,128}\Z")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")


@dataclass(frozen=True)
class Ec2SsmDiscoveryOptions:
    """``ec2_ssm_discovery``: discover EC2 instances and install Teleport on them through SSM."""

    create_ssm_document: bool = False
    """Default: create no document; Teleport's discovery runs the AWS-managed
    ``AWS-RunShellScript`` (Teleport's own default). ``True``: create Teleport's installer
    document, tagged like the role, which downloads the installer from
    ``https://<proxy>/webapi/scripts/installer/<script>`` to an unguessable
    ``/tmp/installTeleport-<random UUID>.sh``. SSM documents are regional: it is created in the
    region of the AWS provider the component uses; discovery in other regions needs
    ``AWS-RunShellScript`` or a document of its own there."""

    ssm_document_name: str | None = None
    """Default: ``TeleportDiscoveryInstaller`` (Teleport's name) when a document is created,
    else ``AWS-RunShellScript``. The document your discovery matchers name (``ssm.document_name``);
    with ``create_ssm_document=False`` it only names a document that exists already."""

    def document_name(self) -> str:
        """The document the discovery service runs."""
        if self.ssm_document_name is not None:
            return self.ssm_document_name
        return TELEPORT_DOCUMENT if self.create_ssm_document else AWS_MANAGED_DOCUMENT


OPTIONS = Ec2SsmDiscoveryOptions


def validate(opts: Ec2SsmDiscoveryOptions) -> None:
    check_bool(f"{where(KEY)}.create_ssm_document", opts.create_ssm_document)
    name = opts.ssm_document_name
    if name is None:
        return
    argument = f"{where(KEY)}.ssm_document_name"
    if not isinstance(name, str) or not _DOCUMENT_NAME.match(name):
        raise InvalidArgumentError(
            argument,
            name,
            "must be an SSM document name (3-128 of letters, digits and _.-)",
            f"leave it unset for {TELEPORT_DOCUMENT!r} or {AWS_MANAGED_DOCUMENT!r}",
        )
    if opts.create_ssm_document and name.lower().startswith(("aws", "amazon", "amzn")):
        raise InvalidArgumentError(
            argument,
            name,
            "cannot be created: SSM reserves names starting with 'aws', 'amazon' and 'amzn'",
            f"pick another name, e.g. {TELEPORT_DOCUMENT!r}, or set create_ssm_document=False "
            "to run that document as it is",
        )


def policy(ctx: PolicyContext, opts: Ec2SsmDiscoveryOptions, **_: Any) -> dict[str, Any]:
    return document(allow(ACTIONS))


def installer_path(nonce: str) -> str:
    """Where Teleport's document saves the installer: unguessable, one random UUID per document."""
    if not _UUID.match(nonce):
        raise ValueError(f"the installer nonce must be a lowercase UUID, got {nonce!r}")
    return f"/tmp/installTeleport-{nonce}.sh"  # noqa: S108 - Teleport's path, randomised


def ssm_document_content(proxy_host: str, nonce: str) -> dict[str, Any]:
    """Teleport's installer document (``EC2DiscoverySSMDocument``), as JSON.

    ``nonce`` is the random UUID of the installer's file name; the component draws it once,
    when the document is created, and keeps it in state.
    """
    path = installer_path(nonce)
    return {
        "schemaVersion": "2.2",
        "description": "aws:runShellScript",
        "parameters": {
            "token": {
                "type": "String",
                "description": "(Required) The Teleport invite token to use when joining "
                "the cluster.",
            },
            "scriptName": {
                "type": "String",
                "description": "(Required) The Teleport installer script to use when "
                "joining the cluster.",
            },
        },
        "mainSteps": [
            {
                "action": "aws:downloadContent",
                "name": "downloadContent",
                "inputs": {
                    "sourceType": "HTTP",
                    "destinationPath": path,
                    "sourceInfo": {
                        "url": f"https://{proxy_host}/webapi/scripts/installer/{{{{ scriptName }}}}"
                    },
                },
            },
            {
                "action": "aws:runShellScript",
                "name": "runShellScript",
                "inputs": {
                    "timeoutSeconds": "300",
                    "runCommand": [f'/bin/sh {path} "{{{{ token }}}}"'],
                },
            },
        ],
    }
