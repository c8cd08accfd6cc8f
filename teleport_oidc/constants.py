"""Values Teleport itself uses (spec sections 4-6). Changing one breaks compatibility."""

from __future__ import annotations

__all__ = [
    "AUDIENCE",
    "DEFAULT_MAX_SESSION_DURATION",
    "DEFAULT_ROLE_DESCRIPTION",
    "IDENTITY_CENTER_AUDIENCE",
    "ORIGIN",
    "PARTITIONS",
    "SUBJECTS",
    "TAG_CLUSTER",
    "TAG_IAC_TOOL",
    "TAG_INTEGRATION",
    "TAG_ORIGIN",
]

#: The ``aud`` claim of every token Teleport mints for AWS, and the provider's client ID.
AUDIENCE = "discover.teleport"
#: The integration ``audience`` that the AWS Identity Center feature needs.
IDENTITY_CENTER_AUDIENCE = "aws-identity-center"
#: ``sub`` claims Teleport uses: the proxy, and auth-side plugins.
SUBJECTS = ("system:auth", "system:proxy")
#: Value of the ``teleport.dev/origin`` tag.
ORIGIN = "integration_awsoidc"

TAG_CLUSTER = "teleport.dev/cluster"
TAG_ORIGIN = "teleport.dev/origin"
TAG_INTEGRATION = "teleport.dev/integration"
TAG_IAC_TOOL = "teleport.dev/iac-tool"

DEFAULT_ROLE_DESCRIPTION = "Used by Teleport to provide access to AWS resources."
DEFAULT_MAX_SESSION_DURATION = 3600

#: AWS partitions whose IAM this package supports.
PARTITIONS = ("aws", "aws-cn", "aws-us-gov")
