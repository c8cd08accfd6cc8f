"""``python -m teleport_oidc.plugin ENGINE_ADDRESS``: serve the teleport-oidc provider plugin."""

from .server import main

main()
