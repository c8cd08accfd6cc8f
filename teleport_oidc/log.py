"""Warnings: through the Pulumi engine inside a program, through ``warnings`` otherwise."""

from __future__ import annotations

import logging
import warnings

import pulumi
from pulumi.runtime.settings import get_engine

__all__ = ["TeleportOidcWarning", "info", "warn"]

_logger = logging.getLogger("teleport_oidc")


class TeleportOidcWarning(UserWarning):
    """A condition worth a look that does not stop the deployment (e.g. a certificate expiring)."""


def warn(message: str) -> None:
    if get_engine() is not None:
        pulumi.log.warn(message)
    else:
        _logger.warning(message)
        warnings.warn(message, TeleportOidcWarning, stacklevel=3)


def info(message: str) -> None:
    """Something the user may want to know that needs no action (e.g. a resource taken over).

    Inside a program it goes to the engine's log. Inside the dynamic provider process (which
    has no engine connection) it goes to the ``teleport_oidc`` logger, whose records reach the
    provider's stderr: the engine keeps those in its verbose log (``pulumi up -v=9
    --logtostderr``)."""
    if get_engine() is not None:
        pulumi.log.info(message)
    else:
        _logger.warning(message)
