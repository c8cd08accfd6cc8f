"""``python -m teleport_oidc``: the same as the ``teleport-oidc`` command."""

from ._cli import main

raise SystemExit(main())
