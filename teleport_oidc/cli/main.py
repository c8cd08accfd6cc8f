"""The ``teleport-oidc`` command (also ``python -m teleport_oidc``).

teleport-oidc plan [PROGRAM_DIR] [--stack NAME | --stack-config FILE] [--config k=v]...
                   [--state EXPORT] [--format text|json|markdown] [--online]
teleport-oidc doctor PROXY_URL [--ca-bundle PEM] [--integration-name N] [--role-name R]
                     [--no-aws]
teleport-oidc thumbprint ISSUER_URL [--ca-bundle PEM] [--timeout S]
teleport-oidc adopt PROXY_URL --role-name R [--integration-name N] [--resource-name NAME]
                    [--features K,...] [--import-file FILE] [--auth-server A] [--identity-file F]
                    [--tctl-path P]
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import TeleportOidcError
from ..log import TeleportOidcWarning

__all__ = ["ADOPT_EXIT_CODES", "DOCTOR_EXIT_CODES", "main"]

#: What `teleport-oidc doctor` exits with (in its --help and the README).
DOCTOR_EXIT_CODES = (
    "exit codes: 0 every check passed (WARN lines included); 1 a check failed; "
    "2 doctor could not run (a bad option such as a missing --ca-bundle, or an unexpected error)"
)

#: What `teleport-oidc adopt` exits with.
ADOPT_EXIT_CODES = (
    "exit codes: 0 the plan was printed and the import file written; 1 what exists cannot be "
    "taken over as it is (the finding and the fix are printed; nothing was changed); 2 adopt "
    "could not run (a bad option, no boto3 or credentials, an AWS or tctl error)"
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="teleport-oidc", description="Teleport's AWS OIDC integration as Pulumi code."
    )
    parser.add_argument("--version", action="version", version=f"teleport-oidc {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    plan = commands.add_parser(
        "plan", help="print what `pulumi up` would create (mock engine; no credentials)"
    )
    plan.add_argument(
        "program_dir",
        nargs="?",
        default=".",
        help="folder with Pulumi.yaml (default: the current one)",
    )
    plan.add_argument(
        "--stack",
        help="read Pulumi.<stack>.yaml from the program folder, which must exist (default: "
        "Pulumi.example.yaml when there is one, else no config)",
    )
    plan.add_argument(
        "--stack-config",
        type=Path,
        help="a stack config file to read instead; the stack is named from it (Pulumi.prod.yaml: "
        "prod)",
    )
    plan.add_argument(
        "--config",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="set or override a config value (repeatable)",
    )
    plan.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help="markdown: a review of what the change grants, for a pull request (against --state; "
        "without it everything is new); json also carries that review under `review`",
    )
    plan.add_argument(
        "--state",
        type=Path,
        metavar="FILE",
        help="a `pulumi stack export` file: mark each resource create/update/replace/delete/same",
    )
    mode = plan.add_mutually_exclusive_group()
    mode.add_argument(
        "--offline",
        dest="offline",
        action="store_true",
        default=True,
        help="show looked-up values as '(known after lookup)' (default)",
    )
    mode.add_argument(
        "--online",
        dest="offline",
        action="store_false",
        help="look up thumbprints from the proxy (network, no credentials)",
    )

    doctor = commands.add_parser(
        "doctor",
        help="check a proxy (and an AWS account) for the integration; exit 1 on any failure",
        description="Check a proxy (and an AWS account) for the integration. Each check "
        "prints PASS, WARN or FAIL with the fix.",
        epilog=DOCTOR_EXIT_CODES,
    )
    doctor.add_argument("proxy_url")
    doctor.add_argument("--ca-bundle", help="PEM file of CAs for a private-CA proxy")
    doctor.add_argument("--timeout", type=float, default=10.0)
    doctor.add_argument("--integration-name", help="check the role of this integration too")
    doctor.add_argument("--role-name", help="check this role (default: teleport-<integration>)")
    doctor.add_argument(
        "--no-aws",
        action="store_true",
        help="skip the AWS account checks even if boto3 and credentials exist",
    )

    adopt = commands.add_parser(
        "adopt",
        help="print how to bring an integration made by the web UI under the component "
        "(reads only)",
        description="Read the IAM OIDC provider, the role, its inline policies and the Teleport "
        "integration that Teleport's web UI (or `teleport integration configure awsoidc-idp`) "
        "made; print the program arguments that match them, the commands to run and what the "
        "first `pulumi up` changes, and write the file for `pulumi import --file`. It changes "
        "nothing in AWS or Teleport.",
        epilog=ADOPT_EXIT_CODES,
    )
    adopt.add_argument("proxy_url", metavar="PROXY_URL", help="the proxy's public URL")
    adopt.add_argument("--role-name", required=True, help="the role's name, as given to Teleport")
    adopt.add_argument(
        "--integration-name", help="default: the role's teleport.dev/integration tag"
    )
    adopt.add_argument(
        "--resource-name",
        default="teleport",
        help="the component's name in the program (default: teleport, the root stack's)",
    )
    adopt.add_argument(
        "--features",
        help="comma-separated feature keys the program enables (default: every feature whose "
        "policy is on the role)",
    )
    adopt.add_argument(
        "--import-file",
        default="adopt-import.json",
        help="where to write the file for `pulumi import --file` (default: adopt-import.json)",
    )
    adopt.add_argument("--auth-server", help="default: TELEPORT_AUTH_SERVER")
    adopt.add_argument("--identity-file", help="default: TELEPORT_IDENTITY_FILE")
    adopt.add_argument("--tctl-path", help="default: TELEPORT_TCTL, then tctl")
    adopt.add_argument(
        "--no-teleport", action="store_true", help="do not read the Teleport integration"
    )

    thumb = commands.add_parser("thumbprint", help="print the thumbprints AWS expects")
    thumb.add_argument("issuer_url")
    thumb.add_argument("--ca-bundle")
    thumb.add_argument("--timeout", type=float, default=10.0)
    return parser


def _iam_client() -> object | None:
    """boto3's IAM client when boto3 is installed and credentials are found, else None."""
    try:
        import boto3
    except ImportError:
        return None
    session = boto3.session.Session()
    if session.get_credentials() is None:
        return None
    return session.client("iam")


@contextlib.contextmanager
def _warnings_as_lines() -> Iterator[None]:
    """Warnings outside a Pulumi program print as one ``warning: ...`` line each on stderr,
    not twice (the log's last-resort handler and ``warnings``' file:line form)."""
    quiet = logging.NullHandler()
    logger = logging.getLogger("teleport_oidc")
    logger.addHandler(quiet)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", TeleportOidcWarning)
            try:
                yield
            finally:
                for warning in caught:
                    if issubclass(warning.category, TeleportOidcWarning):
                        print(f"warning: {warning.message}", file=sys.stderr)
                    else:
                        warnings.showwarning(
                            warning.message, warning.category, warning.filename, warning.lineno
                        )
    finally:
        logger.removeHandler(quiet)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    with _warnings_as_lines():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    try:
        if args.command == "plan":
            from .plan import plan_program, render_text

            state = world = None
            if args.state is not None:  # read before the program runs: a bad file stops here
                from .deployed import deployed_world
                from .export import load_state

                state = load_state(args.state)
                world = deployed_world(state)
            plan = plan_program(
                Path(args.program_dir),
                stack=args.stack,
                config_file=args.stack_config,
                overrides=args.config,
                offline=args.offline,
                world=world,
            )
            if state is not None or args.format != "text":
                from .review_output import write_plan_output

                sys.stdout.write(write_plan_output(plan, state, args.format))
                return 0
            sys.stdout.write(render_text(plan))
            return 0
        if args.command == "doctor":
            return _doctor(args)
        if args.command == "adopt":
            return _adopt(args)
        from ..lookups.thumbprint import lookup_certificates

        for info in lookup_certificates(
            args.issuer_url, timeout=args.timeout, ca_bundle=args.ca_bundle
        ):
            print(
                f"{info.thumbprint}  host={info.host}  subject={info.subject}  "
                f"expires={info.not_after.isoformat()}  (last of {info.chain_length} presented)"
            )
        return 0
    except TeleportOidcError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # no traceback reaches a user: say what failed, exit 2
        print(f"error: {args.command} could not run: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2


def _doctor(args: argparse.Namespace) -> int:
    """0: every check passed; 1: a check failed; 2: doctor could not run (raised)."""
    from .doctor import Check, aws_failure, run_checks

    iam: object | None = None
    iam_problem: Check | None = None
    if not args.no_aws:
        try:
            iam = _iam_client()
        except Exception as exc:  # botocore's configuration errors (e.g. an unknown profile)
            if not type(exc).__module__.startswith(("botocore", "boto3")):
                raise
            iam_problem = aws_failure(exc)
    checks = run_checks(
        args.proxy_url,
        timeout=args.timeout,
        ca_bundle=args.ca_bundle,
        iam=iam,
        integration_name=args.integration_name,
        role_name=args.role_name,
    )
    if iam_problem is not None:
        checks.append(iam_problem)
    for check in checks:
        mark = "FAIL" if not check.ok else "WARN" if check.warning else "PASS"
        print(f"{mark}  {check.name}: {check.detail}")
        if not check.ok and check.fix:
            print(f"      fix: {check.fix}")
        if check.ok and check.warning:
            print(f"      note: {check.warning}")
    if iam is None and iam_problem is None and not args.no_aws:
        print(
            "SKIP  AWS account checks: install boto3 in this environment (pip install boto3) "
            "and provide AWS credentials"
        )
    return 0 if all(check.ok for check in checks) else 1


def _adopt(args: argparse.Namespace) -> int:
    """0: printed and written; 1: refused (nothing changed); 2: could not run (raised)."""
    import json
    import os

    from ..errors import InvalidArgumentError
    from ..features import MODULES
    from ..teleport.tctl import Tctl, resolve_connection
    from .adopt import run_adopt
    from .adopt_plan import AdoptionRefused

    features = None
    if args.features is not None:
        features = [key.strip() for key in args.features.split(",") if key.strip()]
        for key in features:
            if key not in MODULES:
                raise InvalidArgumentError(
                    "--features", key, "is not a feature key", f"use {', '.join(sorted(MODULES))}"
                )
    session = _aws_session()
    if session is None:
        print(
            "error: adopt reads IAM with boto3: install it in this environment (pip install "
            "boto3) and provide AWS credentials for the account",
            file=sys.stderr,
        )
        return 2
    tctl = None
    if not args.no_teleport:
        inputs = {
            "auth_server": args.auth_server,
            "identity_file": args.identity_file,
            "tctl_path": args.tctl_path,
        }
        tctl = Tctl(resolve_connection(inputs, {}, os.environ))
    try:
        adoption, text = run_adopt(
            session.client("iam"),
            session.client("sts"),
            tctl,
            proxy_url=args.proxy_url,
            role_name=args.role_name,
            integration_name=args.integration_name,
            resource_name=args.resource_name,
            features=features,
            import_path=args.import_file,
        )
    except AdoptionRefused as exc:
        print(f"refused: {exc.finding}", file=sys.stderr)
        print(f"fix: {exc.fix}", file=sys.stderr)
        print("nothing was changed", file=sys.stderr)
        return 1
    except Exception as exc:  # botocore's errors: boto3 is optional, so matched by module
        if not type(exc).__module__.startswith(("botocore", "boto3")):
            raise
        print(f"error: adopt could not read AWS: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    Path(args.import_file).write_text(json.dumps(adoption.import_file(), indent=2) + "\n")
    sys.stdout.write(text)
    return 0


def _aws_session() -> Any:
    """A boto3 session when boto3 is installed and credentials are found, else None."""
    try:
        import boto3
    except ImportError:
        return None
    session = boto3.session.Session()
    return session if session.get_credentials() is not None else None


if __name__ == "__main__":
    raise SystemExit(main())
