"""The root stack's entry point for `pulumi up`: see teleport_oidc/_stack.py and the README."""

from teleport_oidc.stack import program

program()
