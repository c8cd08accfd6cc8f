"""Entry point of the teleport-oidc provider plugin: ``python provider/ ENGINE_ADDRESS``."""

from teleport_oidc.plugin.server import main

main()
