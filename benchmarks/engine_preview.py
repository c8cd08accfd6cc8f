"""Wall time of a real `pulumi preview` with N integrations vs the same AWS resources by hand.

``.venv/bin/python benchmarks/engine_preview.py`` (needs the engine: ``tests/engine/build``).
Both programs register, per integration, one IAM OIDC provider and one IAM role with Teleport's
trust policy and tags (pinned thumbprints, no Teleport integration) against the stand-in aws
plugin over moto; runs are interleaved in one session. Printed, never asserted.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.engine import build  # noqa: E402
from tests.engine.harness import Harness, free_port  # noqa: E402
from tests.fake_teleport import FakeTeleport  # noqa: E402

HEADER = "import json\nimport pulumi\nimport pulumi_aws as aws\n"
COMPONENT = HEADER + textwrap.dedent(
    """
    from teleport_oidc import AwsOidcIntegration, AwsOidcIntegrationArgs

    for i in range({n}):
        AwsOidcIntegration(
            f"t{{i}}",
            AwsOidcIntegrationArgs(
                proxy_url=f"https://t{{i}}.example.com",
                integration_name=f"aws-{{i}}",
                cluster_name=f"t{{i}}.example.com",  # no cluster lookup: no network at all
                thumbprints=["{thumb}"],
                create_teleport_integration=False,
            ),
        )
    """
)
BY_HAND = HEADER + textwrap.dedent(
    """
    for i in range({n}):
        host = f"t{{i}}.example.com"
        tags = {{
            "teleport.dev/cluster": host,
            "teleport.dev/integration": f"aws-{{i}}",
            "teleport.dev/origin": "integration_awsoidc",
            "teleport.dev/iac-tool": "pulumi",
        }}
        provider = aws.iam.OpenIdConnectProvider(
            f"t{{i}}-provider",
            url=f"https://{{host}}",
            client_id_lists=["discover.teleport"],
            thumbprint_lists=["{thumb}"],
            tags=tags,
        )
        aws.iam.Role(
            f"t{{i}}-role",
            name=f"teleport-aws-{{i}}",
            assume_role_policy=provider.arn.apply(lambda arn, host=host: json.dumps({{
                "Version": "2012-10-17",
                "Statement": [{{
                    "Effect": "Allow",
                    "Principal": {{"Federated": arn}},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {{"StringEquals": {{f"{{host}}:aud": "discover.teleport"}}}},
                }}],
            }})),
            description="Used by Teleport to provide access to AWS resources.",
            tags=tags,
        )
    """
)


def program(root: Path, name: str, source: str) -> Path:
    folder = root / name
    folder.mkdir()
    (folder / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
    (folder / "__main__.py").write_text(source)
    return folder


def main() -> None:
    from moto.server import ThreadedMotoServer

    cli = build.cli()
    port = free_port()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    moto.start()
    thumb = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            teleport = FakeTeleport.create(root)
            engine = Harness(root / "engine", cli, f"http://127.0.0.1:{port}", teleport.tctl)
            engine.setup()
            print(f"pulumi preview wall time, real engine {cli.parent.name}, median of 3")
            for n in (1, 10, 50):
                folders = {
                    kind: program(root, f"{kind}-{n}", text.format(n=n, thumb=thumb))
                    for kind, text in (("component", COMPONENT), ("by-hand", BY_HAND))
                }
                for folder in folders.values():
                    assert engine.pulumi(folder, "stack", "init", "bench").returncode == 0
                times: dict[str, list[float]] = {kind: [] for kind in folders}
                for _ in range(3):
                    for kind, folder in folders.items():
                        started = time.perf_counter()
                        done = engine.pulumi(folder, "preview")
                        times[kind].append(time.perf_counter() - started)
                        assert done.returncode == 0, done
                component = statistics.median(times["component"])
                by_hand = statistics.median(times["by-hand"])
                print(
                    f"  N={n:<3} component {component:6.2f} s   by hand {by_hand:6.2f} s   "
                    f"ratio {component / by_hand:.2f}"
                )
    finally:
        moto.stop()


if __name__ == "__main__":
    main()
