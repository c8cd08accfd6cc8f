"""A single real Teleport node (auth + proxy) on loopback, and a ``tctl`` that administers it.

The node has its own data folder and a ``version: v3`` config: SSH and debug services off, the
proxy on ``127.0.0.1:443`` with ``public_addr: localhost:443`` (so the OIDC issuer is
``https://localhost``), ``diag_addr`` for ``/readyz``. ``tctl -c <config>`` on the same host uses
the auth server's own admin identity: no user, no MFA. Run it only inside the loopback-only
network namespace (``tests/netns.py``).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

CLUSTER = "teleport-oidc-test"
ISSUER = "https://localhost"
DIAG = "127.0.0.1:3000"
AUTH = "127.0.0.1:3025"
WEB = "127.0.0.1:443"
READY_LIMIT = 120.0
DEBUG_SERVICE_SINCE = 16  # the first line whose config knows debug_service (not verified)


def major_version(teleport: Path) -> int:
    """``teleport version`` prints ``Teleport v18.1.0 git:...``; 0 when it cannot be read."""
    out = subprocess.run(
        [str(teleport), "version"], capture_output=True, text=True, check=False
    ).stdout
    match = re.search(r"\bv(\d+)\.", out)
    return int(match.group(1)) if match else 0


def config(data_dir: Path, major: int = DEBUG_SERVICE_SINCE) -> dict[str, object]:
    """The node's config. Teleport parses it strictly, so keys an older line lacks are left out:
    ``debug_service`` (on by default where it exists) is not known to 15.0.0-dev."""
    doc: dict[str, object] = {
        "version": "v3",
        "teleport": {
            "nodename": CLUSTER,
            "data_dir": str(data_dir),
            "diag_addr": DIAG,
            "log": {"output": str(data_dir / "teleport.log"), "severity": "INFO"},
        },
        "auth_service": {
            "enabled": True,
            "listen_addr": AUTH,
            "cluster_name": CLUSTER,
            "proxy_listener_mode": "multiplex",
        },
        "proxy_service": {
            "enabled": True,
            "web_listen_addr": WEB,
            "public_addr": "localhost:443",
        },
        "ssh_service": {"enabled": False},
    }
    if major >= DEBUG_SERVICE_SINCE:
        doc["debug_service"] = {"enabled": False}
    return doc


@dataclass
class TeleportNode:
    """A running node: its config, data folder, the proxy's CA bundle and a tctl wrapper."""

    config_path: Path
    data_dir: Path
    tctl: Path
    process: subprocess.Popen[bytes]

    @property
    def ca_bundle(self) -> Path:
        """The proxy's self-signed certificate (written when no https_keypairs are set)."""
        return self.data_dir / "webproxy_cert.pem"

    def log_tail(self, lines: int = 40) -> str:
        log = self.data_dir / "teleport.log"
        return "\n".join(log.read_text().splitlines()[-lines:]) if log.exists() else ""


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _proxy_up(ca_bundle: Path) -> bool:
    import requests

    if not ca_bundle.exists():
        return False
    try:
        return requests.get(f"{ISSUER}/webapi/find", verify=str(ca_bundle), timeout=2).ok
    except requests.RequestException:
        return False


def write_tctl_wrapper(path: Path, tctl: Path, config_path: Path) -> Path:
    """A ``tctl`` that always uses the node's config (the provider calls it by path)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'#!/bin/sh\nexec "{tctl}" -c "{config_path}" "$@"\n')
    path.chmod(0o755)
    return path


@contextlib.contextmanager
def running_node(bin_dir: Path, work: Path) -> Iterator[TeleportNode]:
    """Start a node, wait until auth (``/readyz``) and the proxy answer, stop it afterwards."""
    data_dir = work / "data"
    data_dir.mkdir(parents=True)
    config_path = work / "teleport.yaml"
    major = major_version(bin_dir / "teleport")
    config_path.write_text(yaml.safe_dump(config(data_dir, major), sort_keys=False))
    tctl = write_tctl_wrapper(work / "bin" / "tctl", bin_dir / "tctl", config_path)
    with (work / "teleport.stdout").open("wb") as out:
        process = subprocess.Popen(
            [str(bin_dir / "teleport"), "start", "-c", str(config_path)],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            # The proxy's /webapi/thumbprint dials its own public address and verifies it;
            # its self-signed certificate (written at start-up, read lazily) is the only root.
            env={
                **os.environ,
                "HOME": str(work),
                "SSL_CERT_FILE": str(data_dir / "webproxy_cert.pem"),
            },
        )
    node = TeleportNode(config_path, data_dir, tctl, process)
    try:
        deadline = time.monotonic() + READY_LIMIT
        while not (_ready(f"http://{DIAG}/readyz") and _proxy_up(node.ca_bundle)):
            if process.poll() is not None:
                raise RuntimeError(
                    f"teleport exited with {process.returncode} before it was ready:\n"
                    + (work / "teleport.stdout").read_text()[-4000:]
                    + node.log_tail()
                )
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"teleport not ready within {READY_LIMIT:g} s\n{node.log_tail()}"
                )
            time.sleep(0.5)
        yield node
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
