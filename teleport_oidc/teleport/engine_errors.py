"""Our errors reach ``pulumi up`` as their message, not as a Python traceback.

The SDK's dynamic provider server (``python -m pulumi.dynamic``) answers every failed call with
``traceback.format_exc()`` (``_abort_with_traceback`` in ``pulumi/dynamic/__main__.py``), so a
plain "this integration already exists; set adopt_existing ..." reached users under a dozen
lines of frames (seen under the real engine). :func:`install` gives that server a ``traceback``
whose ``format_exc`` prints only the message for a :class:`~teleport_oidc.TeleportOidcError`
(what a user can act on) and the full traceback for anything else (a bug worth reporting).

It changes nothing unless the running ``__main__`` is that server and still formats errors the
way described; it is called from the provider's ``configure``, so only in that process.
"""

from __future__ import annotations

import sys
import traceback as _traceback
from types import ModuleType
from typing import Any

from ..errors import TeleportOidcError

__all__ = ["install"]


class _MessagesForOurErrors:
    """Stands in for the ``traceback`` module inside the provider server's ``__main__``."""

    def __getattr__(self, name: str) -> Any:
        return getattr(_traceback, name)

    @staticmethod
    def format_exc(*args: Any, **kwargs: Any) -> str:
        error = sys.exc_info()[1]
        if isinstance(error, TeleportOidcError):
            return f"{type(error).__name__}: {error}"
        return _traceback.format_exc(*args, **kwargs)


def install(main: ModuleType | None = None) -> bool:
    """Shorten our errors in the dynamic provider server; ``True`` when it did."""
    main = main if main is not None else sys.modules.get("__main__")
    if main is None or not callable(getattr(main, "_abort_with_traceback", None)):
        return False
    current = getattr(main, "traceback", None)
    if isinstance(current, _MessagesForOurErrors):
        return True
    if current is not _traceback:
        return False  # the SDK changed how it reports errors: leave it alone
    main.traceback = _MessagesForOurErrors()  # type: ignore[attr-defined]
    return True
