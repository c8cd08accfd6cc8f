"""The ``teleport-oidc`` command: plan, doctor, thumbprint."""
