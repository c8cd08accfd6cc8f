"""A stand-in identity file's content (the shape `tctl auth sign` and tbot write: a private key,
an SSH certificate, TLS certificates), and a check that no part of it reaches a text."""

from __future__ import annotations

IDENTITY = """-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEAzQ7secretKEYmaterialTHATmustNEVERleakINTOerrorsOrLogs0
bXl0ZXN0c2VjcmV0a2V5bWF0ZXJpYWwxMjM0NTY3ODkwYWJjZGVmZ2hpamtsbW5vcHFy
-----END RSA PRIVATE KEY-----
ssh-rsa-cert-v01@openssh.com AAAAHHNzaC1yc2EtY2VydC12MDFAb3BlbnNzaC5jb20AAAAgSECRETcertBODY
-----BEGIN CERTIFICATE-----
MIIDtlsCERTIFICATEbodyWHICHisALSOsecretENOUGHtoKEEPoutOFmessages9876
-----END CERTIFICATE-----
"""


def leaks(text: str, window: int = 12) -> list[str]:
    """The pieces of :data:`IDENTITY` (every run of ``window`` characters) found in ``text``."""
    body = IDENTITY.strip()
    pieces = {body[i : i + window] for i in range(len(body) - window + 1)}
    return sorted(piece for piece in pieces if piece in text)
