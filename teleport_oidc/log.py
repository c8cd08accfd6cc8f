"""Warnings: through the Pulumi engine inside a program, through ``warnings`` otherwise."""

from __future__ import annotations

import logging
import warnings

import pulumi
from pulumi.runtime.settings import get_engine

__all__ = ["TeleportOidcWarning", "warn"]

_logger = logging.getLogger("teleport_oidc")


class TeleportOidcWarning(UserWarning):
    """A condition worth a look that does not stop the deployment (e.g. a certificate expiring)."""


def warn(message: str) -> None:
    if get_engine() is not None:
        pulumi.log.warn(message)
    else:
        _logger.warning(message)
        warnings.warn(message, TeleportOidcWarning, stacklevel=3)
