"""Teleport resources managed through tctl."""
