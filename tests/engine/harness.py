"""The world a real ``pulumi`` runs in for the engine tier and the sandbox, all on loopback.

An isolated ``PULUMI_HOME`` with the stand-in aws plugin installed, a local file backend, a
passphrase, a moto server (dummy credentials), the stand-in tctl, and a loopback HTTPS proxy that
sends the examples' Teleport host names to a stand-in Teleport proxy with a trustme chain, so
the thumbprint lookup really runs. ``bin/pulumi`` runs the real CLI through ``langhost.py``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3

from . import build
from .aws_plugin import plugin_version

REPO = Path(__file__).resolve().parents[2]
PASSPHRASE = "engine-tier-passphrase"
#: Environment variables of CI systems that change the CLI's display; dropped for stable text.
_CI_VARS = ("CI", "GITHUB_ACTIONS", "BUILD_NUMBER", "TRAVIS", "GITLAB_CI")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Harness:
    root: Path
    cli: Path
    moto_url: str
    tctl: Path
    https_proxy: str | None = None
    ca_bundle: Path | None = None
    dynamic_python: bool = True
    """False: no ``PULUMI_PYTHON_CMD`` (even one inherited), as a TypeScript or YAML user has
    none; setting it would hide that dynamic resources cannot run there (pulumi #5455)."""
    region: str = "us-east-1"
    """The region of the CLI, its plugins and :meth:`aws` (``us-gov-west-1``: aws-us-gov)."""
    credentials: tuple[str, str, str] | None = None
    """Access key, secret and session token (from :func:`move_to_account`); default: moto's
    dummy keys, whose account is moto's default ``123456789012``."""
    python_path: tuple[Path, ...] = ()
    """Folders a Python program imports from besides the repository (a generated SDK in
    development mode, as ``pulumi package add`` installs it in the program's virtualenv)."""

    @property
    def home(self) -> Path:
        return self.root / "pulumi-home"

    @property
    def backend(self) -> Path:
        return self.root / "backend"

    @property
    def bin(self) -> Path:
        return self.root / "bin"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in _CI_VARS}
        env.update(
            PATH=os.pathsep.join(
                [
                    str(self.bin),
                    str(self.cli.parent),
                    # A YAML program's language host, when built (tests/engine/build yaml).
                    str(build.yaml_cache_dir()),
                    str(Path(sys.executable).parent),
                    env.get("PATH", ""),
                ]
            ),
            PYTHONPATH=os.pathsep.join(
                filter(None, [str(REPO), *map(str, self.python_path), env.get("PYTHONPATH")])
            ),
            PULUMI_HOME=str(self.home),
            PULUMI_BACKEND_URL=f"file://{self.backend}",
            PULUMI_CONFIG_PASSPHRASE=PASSPHRASE,
            PULUMI_SKIP_UPDATE_CHECK="true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="true",
            # The dynamic provider (pulumi-resource-pulumi-python) runs this interpreter.
            PULUMI_PYTHON_CMD=sys.executable,
            # The teleport-oidc plugin's launcher (provider/) runs this interpreter, which has
            # the package: it makes no virtualenv of its own.
            TELEPORT_OIDC_PLUGIN_PYTHON=sys.executable,
            AWS_ENDPOINT_URL=self.moto_url,
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            AWS_REGION=self.region,
            AWS_DEFAULT_REGION=self.region,
            AWS_EC2_METADATA_DISABLED="true",
            TELEPORT_TCTL=str(self.tctl),
            NO_PROXY="127.0.0.1,localhost",
            no_proxy="127.0.0.1,localhost",
        )
        for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE"):
            env.pop(key, None)
        if not self.dynamic_python:
            env.pop("PULUMI_PYTHON_CMD")
        if self.credentials:
            key, secret, token = self.credentials
            env.update(AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret, AWS_SESSION_TOKEN=token)
        if self.https_proxy:
            env.update(HTTPS_PROXY=self.https_proxy, https_proxy=self.https_proxy)
        if self.ca_bundle:
            env["REQUESTS_CA_BUNDLE"] = str(self.ca_bundle)
        return env

    def setup(self) -> None:
        """Create the folders, the ``pulumi`` shim and install the stand-in aws plugin."""
        for folder in (self.home, self.backend, self.bin):
            folder.mkdir(parents=True, exist_ok=True)
        shim = self.bin / "pulumi"
        shim.write_text(
            "#!/bin/sh\n"
            f'exec "{sys.executable}" -m tests.engine.langhost "{self.cli}" "$PWD" -- "$@"\n'
        )
        shim.chmod(0o755)
        version = plugin_version()
        if (self.home / "plugins" / f"resource-aws-v{version}").is_dir():
            return
        plugin = self.root / "aws-plugin"
        plugin.mkdir(exist_ok=True)
        launcher = plugin / "pulumi-resource-aws"
        launcher.write_text(
            "#!/bin/sh\n"
            f'exec "{sys.executable}" "{REPO / "tests" / "engine" / "aws_plugin.py"}" "$@"\n'
        )
        launcher.chmod(0o755)
        done = subprocess.run(
            [str(self.cli), "plugin", "install", "resource", "aws", version, "--file", str(plugin)],
            env=self.env(),
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise build.EngineUnavailable(f"installing the stand-in aws plugin failed:\n{done}")

    def install_plugin(self) -> None:
        """Install this tree's ``teleport-oidc`` plugin (its launcher, which runs this
        interpreter) as ``pulumi package add`` installs it, at the schema's version."""
        version = json.loads((REPO / "provider" / "schema.json").read_text())["version"]
        if (self.home / "plugins" / f"resource-teleport-oidc-v{version}").is_dir():
            return
        folder = self.root / "teleport-oidc-plugin"
        folder.mkdir(exist_ok=True)
        launcher = REPO / "provider" / "pulumi-resource-teleport-oidc"
        shutil.copy2(launcher, folder / launcher.name)
        install = ["plugin", "install", "resource", "teleport-oidc", version, "--file", str(folder)]
        done = subprocess.run(
            [str(self.cli), *install],
            env=self.env(),
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise build.EngineUnavailable(f"installing the teleport-oidc plugin failed:\n{done}")

    def pulumi(
        self, program: Path, *args: str, timeout: float = 600, stdin: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bin / "pulumi"), *args, "--non-interactive", "--color=never"],
            cwd=program,
            env=self.env(),
            capture_output=True,
            text=True,
            input=stdin,
            timeout=timeout,
            check=False,
        )

    def aws(self, service: str) -> object:
        key, secret, token = self.credentials or ("testing", "testing", None)
        return boto3.client(
            service,
            endpoint_url=self.moto_url,
            region_name=self.region,
            aws_access_key_id=key,
            aws_secret_access_key=secret,
            aws_session_token=token,
        )


def move_to_account(harness: Harness, account: str, region: str) -> None:
    """Make ``harness`` (the CLI, its plugins, :meth:`Harness.aws`) work as a role of
    ``account`` in ``region``: moto keeps each account's resources apart and answers
    ``GetCallerIdentity`` with the account of the credentials, and builds ARNs in the
    region's partition, as AWS does."""
    harness.region = region
    partition = (
        "aws-us-gov"
        if region.startswith("us-gov-")
        else "aws-cn"
        if region.startswith("cn-")
        else "aws"
    )
    creds = harness.aws("sts").assume_role(  # type: ignore[attr-defined]
        RoleArn=f"arn:{partition}:iam::{account}:role/engine-tier-deployer",
        RoleSessionName="engine-tier",
    )["Credentials"]
    harness.credentials = (creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])


def aws_leftovers(harness: Harness) -> dict[str, list[str]]:
    """What the moto server still holds of the types the package creates, per account."""
    iam = harness.aws("iam")
    ssm = harness.aws("ssm")
    return {
        "roles": [r["RoleName"] for r in iam.list_roles()["Roles"]],  # type: ignore[attr-defined]
        "oidc_providers": [
            p["Arn"]
            for p in iam.list_open_id_connect_providers()[  # type: ignore[attr-defined]
                "OpenIDConnectProviderList"
            ]
        ],
        "documents": [
            d["Name"]
            for d in ssm.list_documents(  # type: ignore[attr-defined]
                Filters=[{"Key": "Owner", "Values": ["Self"]}]
            )["DocumentIdentifiers"]
        ],
    }


def make_organization(harness: Harness, members: tuple[str, ...] = ()) -> None:
    """An AWS organization of moto's default account (``getOrganization`` reads it), with
    ``members`` as account names: moto gives an account it creates a random ID, so these are
    not the IDs a program's providers assume into (moto's AssumeRole works for any account)."""
    orgs = harness.aws("organizations")
    orgs.create_organization(FeatureSet="ALL")  # type: ignore[attr-defined]
    for name in members:
        orgs.create_account(  # type: ignore[attr-defined]
            AccountName=name, Email=f"{name}@example.com"
        )


#: The Teleport proxy host names the examples and the root stack use.
EXAMPLE_HOSTS = (
    "teleport.example.com",
    "teleport.internal.example.com",
    "teleport-dr.internal.example.com",
)


@contextlib.contextmanager
def teleport_proxy(tmp: Path) -> Iterator[tuple[str, Path]]:
    """A stand-in Teleport proxy for every example host, behind a mapping CONNECT proxy.

    Yields the ``HTTPS_PROXY`` URL and the CA bundle to trust. The OIDC server answers with the
    issuer the request asked for, as a real proxy serving that name would.
    """
    from tests.tls_server import ConnectProxy, Pki

    pki = Pki(tmp)
    server = pki.serve(hosts=EXAMPLE_HOSTS, host=EXAMPLE_HOSTS[0])
    server.behaviour.issuer_from_host = True
    with server, ConnectProxy(server.port) as proxy:
        yield proxy.url, pki.ca_bundle


def copy_program(source: Path, target: Path) -> Path:
    """A program folder copy (the root stack: just its manifest, entry point and config)."""
    if source.resolve() == REPO:
        target.mkdir(parents=True)
        for name in ("Pulumi.yaml", "__main__.py", "Pulumi.example.yaml"):
            shutil.copy(source / name, target / name)
    else:
        shutil.copytree(source, target)
    return target
