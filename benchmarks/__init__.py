"""Measured figures of teleport-oidc (not part of the package)."""
