"""``python -m teleport_oidc``: the same as the ``teleport-oidc`` command."""

from .cli.main import main

raise SystemExit(main())
